//! The server over real HTTP, against a real SQLite file in a temporary directory.
//!
//! One test binary with a module per area: each test starts its own server in-process on
//! 127.0.0.1:0 with its own data directory.

mod accounts;
mod field;
mod field_admin;
mod harness;
mod team;

mod authz_matrix;
mod claims;
mod cleaning;
mod complaints;
mod cut_connection;
mod desk;
mod findings;
mod health;
mod janitor;
mod limits;
mod ops;
mod patrol;
mod photos;
mod processes;
mod protocol;
mod reassign;
mod register;
mod report;
mod reports;
mod restart;
mod scorecards;
mod session;
mod static_files;
mod sync;
mod waiver;
mod work_orders;
