pub mod complaints;
pub mod field;
pub mod sign_in;
pub mod supervising;
pub mod supervisor;
pub mod sync;
pub mod work_order;
pub mod work_orders;
