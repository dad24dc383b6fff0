//! `use_read()`: what a page shows, read from the device's store when the data it tracks changed.
//!
//! Every page reads IndexedDB, never the network. A page names the change triggers it depends on
//! (`sync::Changed`: work orders, field data, outbox, photos) and how to read; it gets the last read
//! as a memo, so a re-read that found the same data rebuilds nothing (a half-typed form below it
//! stays as it is) and one that failed says so instead of showing an empty list.

use std::future::Future;

use leptos::prelude::*;

use crate::db::{Db, DbError, use_db};
use crate::failure::Failure;

/// None until the first read has finished; then the data, or why it could not be read.
pub type Read<T> = Memo<Option<Result<T, Failure>>>;

/// Read with `read` now, and again whenever a signal `track` reads changes.
pub fn use_read<T, Fu>(track: impl Fn() + 'static, read: impl Fn(Db) -> Fu + 'static) -> Read<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
    Fu: Future<Output = Result<T, DbError>> + 'static,
{
    let db = use_db();
    let data = LocalResource::new(move || {
        track();
        read(db.clone())
    });
    Memo::new(move |_| data.get().map(|r| r.map_err(|e| Failure::of_read(&e))))
}
