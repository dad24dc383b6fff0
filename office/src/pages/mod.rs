pub mod list;
pub mod order;
pub mod sign_in;
