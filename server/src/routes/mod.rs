//! The HTTP API, one module per resource.

pub mod health;
pub mod ops;
pub mod photos;
pub mod session;
pub mod sync;
pub mod work_orders;
