pub mod office;
pub mod sign_in;
pub mod sync;
pub mod work_order;
pub mod work_orders;
