//! Fieldbook's sync server: sign-in, sync, exactly-once operations, and the built PWA.
//!
//! `build` gives the router and its state, `serve` runs it until SIGINT/SIGTERM; tests run the
//! same code in-process on `127.0.0.1:0`.

pub mod applying;
pub mod auth;
pub mod claims;
pub mod claims_pdf;
pub mod complaints;
pub mod db;
pub mod demo;
pub mod demo_claims;
pub mod demo_field;
pub mod demo_staff;
pub mod desk;
pub mod digest;
pub mod error;
pub mod extract;
pub mod field;
pub mod field_admin;
pub mod held_ops;
pub mod image_check;
pub mod import;
pub mod janitor;
pub mod ops;
pub mod password;
pub mod photo_store;
pub mod photo_zip;
pub mod photos;
pub mod rate_limit;
pub mod register;
pub mod routes;
pub mod scorecard_summaries;
pub mod sheet;
pub mod state;
pub mod static_files;
pub mod stored_photo;
pub mod text;
pub mod users;
pub mod work_orders;

mod app;

pub use app::{Config, JanitorSchedule, banner, build, router, run, serve, serve_until};
pub use state::AppState;
