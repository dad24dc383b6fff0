//! The database's schema, one version at a time.
//!
//! IndexedDB upgrades run when the version number grows. Each version's step lists what it
//! adds; stores are never changed in place, so a phone that skipped versions still upgrades.

use rexie::{ObjectStore, Rexie, RexieBuilder};

pub const DB_NAME: &str = "fieldbook";

pub(super) const WORK_ORDERS: &str = "work_orders";
pub(super) const OUTBOX: &str = "outbox";
pub(super) const META: &str = "meta";
pub(super) const PHOTOS: &str = "photos";

/// Bump when a step is added below.
const VERSION: u32 = 2;

pub(super) fn builder(name: &str) -> RexieBuilder {
    Rexie::builder(name)
        .version(VERSION)
        // v1: the engineer's work orders (keyed by id), the outbox in the order people acted
        // (auto-increment seq), and small keyed values: profile, device id, cursor, language.
        .add_object_store(ObjectStore::new(WORK_ORDERS).key_path("id"))
        .add_object_store(
            ObjectStore::new(OUTBOX)
                .key_path("seq")
                .auto_increment(true),
        )
        .add_object_store(ObjectStore::new(META))
        // v2: photo and signature bytes (Blobs) with their upload state, keyed by photo id.
        .add_object_store(ObjectStore::new(PHOTOS).key_path("id"))
}
