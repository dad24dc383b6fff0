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

/// A long list read like [`use_read`], kept once: `items` holds the list (what a
/// [`VirtualList`](crate::components::virtual_list::VirtualList) reads) and `state` says whether
/// it is loaded (its length) or why not. Compared with `use_read` plus a memo of the items, there
/// is one copy of the list instead of two, a changed list is moved in rather than cloned, and
/// leaving the page does not drop thousands of records in the tap that leaves it: they go a
/// slice at a time in later tasks (10,000 work orders held a 4x-slowed phone ~250 ms in the tap
/// that opened one; issue 20).
pub struct ReadList<T: Send + Sync + 'static> {
    pub state: ReadSignal<Option<Result<usize, Failure>>>,
    pub items: ReadSignal<Vec<T>>,
}

impl<T: Send + Sync + 'static> Clone for ReadList<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for ReadList<T> {}

pub fn use_read_list<T, Fu>(
    track: impl Fn() + 'static,
    read: impl Fn(Db) -> Fu + 'static,
) -> ReadList<T>
where
    T: PartialEq + Send + Sync + 'static,
    Fu: Future<Output = Result<Vec<T>, DbError>> + 'static,
{
    let db = use_db();
    let state = RwSignal::new(None::<Result<usize, Failure>>);
    let items = RwSignal::new(Vec::<T>::new());
    let started = StoredValue::new(0u64);
    Effect::new(move |_| {
        track();
        let this = started.get_value() + 1;
        started.set_value(this);
        let reading = read(db.clone());
        leptos::task::spawn_local(async move {
            let next = reading.await.map_err(|e| Failure::of_read(&e));
            if started.try_get_value() != Some(this) {
                return;
            }
            match next {
                Ok(list) => {
                    let len = list.len();
                    // The list that goes is dropped later too, not in this task.
                    let gone = if items.try_with_untracked(|shown| shown != &list) == Some(true) {
                        items.try_update(|shown| std::mem::replace(shown, list))
                    } else {
                        Some(list)
                    };
                    drop_in_slices(gone.unwrap_or_default());
                    if state.try_with_untracked(|s| s != &Some(Ok(len))) == Some(true) {
                        state.set(Some(Ok(len)));
                    }
                }
                Err(e) => {
                    if state.try_with_untracked(|s| s.as_ref() != Some(&Err(e.clone())))
                        == Some(true)
                    {
                        state.set(Some(Err(e)));
                    }
                }
            }
        });
    });
    on_cleanup(move || {
        if let Some(list) = items.try_update_untracked(std::mem::take) {
            drop_in_slices(list);
        }
    });
    ReadList {
        state: state.read_only(),
        items: items.read_only(),
    }
}

/// Drop a long list 500 items a task, from the end, so no task spends long freeing it.
pub fn drop_in_slices<T: 'static>(mut list: Vec<T>) {
    const SLICE: usize = 500;
    if list.len() <= SLICE {
        return;
    }
    gloo::timers::callback::Timeout::new(0, move || {
        list.truncate(list.len() - SLICE);
        drop_in_slices(list);
    })
    .forget();
}
