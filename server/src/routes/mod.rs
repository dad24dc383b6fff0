//! The HTTP API, one module per resource.

pub mod agent_scorecards;
pub mod claims;
pub mod cleaning_scorecards;
pub mod complaints;
pub mod engineers;
pub mod health;
pub mod imports;
pub mod machines;
pub mod ops;
pub mod order_desk;
pub mod photo_rules;
pub mod photos;
pub mod reports;
pub mod scorecard_trends;
pub mod scorecards;
pub mod session;
pub mod settings;
pub mod supervisor_scorecards;
pub mod sync;
pub mod work_orders;
