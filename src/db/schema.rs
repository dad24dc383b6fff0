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
pub(super) const AREA_DAYS: &str = "area_days";
pub(super) const VACANT_RECORDS: &str = "vacant_records";
pub(super) const FINDINGS: &str = "findings";
pub(super) const ROUNDS: &str = "rounds";
pub(super) const COMPLAINTS: &str = "complaints";

/// Bump when a step is added below.
const VERSION: u32 = 4;

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
        // v3: the field side. An area's checklist on a date (keyed "<area id>/<date>"),
        // vacant-unit records, findings with their tasks, patrol rounds (keyed by id). The
        // office's areas, items and units are one value in `meta`.
        .add_object_store(ObjectStore::new(AREA_DAYS))
        .add_object_store(ObjectStore::new(VACANT_RECORDS).key_path("id"))
        .add_object_store(ObjectStore::new(FINDINGS).key_path("id"))
        .add_object_store(ObjectStore::new(ROUNDS).key_path("id"))
        // v4: customers' complaints (keyed by id); their fix tasks are findings. The office's
        // working-day calendar travels in the reference in `meta`.
        .add_object_store(ObjectStore::new(COMPLAINTS).key_path("id"))
}
