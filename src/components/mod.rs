pub mod back;
pub mod capture;
pub mod device_read;
pub mod feedback;
pub mod header;
pub mod rejected;
pub mod sync_badge;
pub mod virtual_list;
