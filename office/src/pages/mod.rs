pub mod call;
pub mod follow_ups;
pub mod list;
pub mod order;
pub mod sign_in;
