//! Hooks the pages share, one per file (as leptos-use writes them).

pub mod use_outbox;
pub mod use_read;

pub use use_outbox::{UseOutboxReturn, use_outbox};
pub use use_read::{Read, ReadList, drop_in_slices, use_read, use_read_list};
