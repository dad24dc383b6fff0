pub mod call;
pub mod follow_ups;
pub mod imports;
pub mod list;
pub mod order;
pub mod photo_rules;
pub mod register;
pub mod sign_in;
