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
pub type Read<T> = ReadSignal<Option<Result<T, Failure>>>;

/// Read with `read` now, and again whenever a signal `track` reads changes. The result is set
/// only when it differs from what is shown, and a read that finishes after a newer one started
/// is dropped. (A signal and an effect per page rather than a resource and a memo: the same
/// behaviour in less wasm.)
pub fn use_read<T, Fu>(track: impl Fn() + 'static, read: impl Fn(Db) -> Fu + 'static) -> Read<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
    Fu: Future<Output = Result<T, DbError>> + 'static,
{
    let db = use_db();
    let shown = RwSignal::new(None::<Result<T, Failure>>);
    let started = StoredValue::new(0u64);
    Effect::new(move |_| {
        track();
        let this = started.get_value() + 1;
        started.set_value(this);
        let reading = read(db.clone());
        leptos::task::spawn_local(async move {
            let next = reading.await.map_err(|e| Failure::of_read(&e));
            // The page may be gone, or a newer read may have started meanwhile.
            if started.try_get_value() != Some(this) {
                return;
            }
            if shown.try_with_untracked(|s| s.as_ref() != Some(&next)) == Some(true) {
                shown.set(Some(next));
            }
        });
    });
    shown.read_only()
}
