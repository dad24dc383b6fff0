//! The one module that owns IndexedDB. No other code touches rexie.
//!
//! Every screen reads from here, never from the network, so the app behaves the same online and
//! offline. Every change a person makes is written in ONE transaction to the record and to the
//! outbox, so a crash, a reload or a flat battery can never leave one without the other.

mod schema;

use std::borrow::Cow;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use fieldbook_model::{OpError, OpResult, Operation, SyncResponse, UserProfile, WorkOrder};
use rexie::{Rexie, TransactionMode};
use serde::{Serialize, de::DeserializeOwned};
use uuid::Uuid;
use wasm_bindgen::JsValue;

pub use schema::DB_NAME;
use schema::{AREA_DAYS, FINDINGS, META, OUTBOX, PHOTOS, ROUNDS, VACANT_RECORDS, WORK_ORDERS};

mod field;
mod photos;
pub use field::today;
pub use photos::{PhotoBlob, PhotoRecord};

#[derive(Debug, Clone, thiserror::Error)]
pub enum DbError {
    /// The browser refused: private mode, a blocked upgrade. The text is the browser's own.
    #[error("the browser's storage refused: {0}")]
    Browser(String),
    /// The browser would not keep a write: the device is out of room (QuotaExceededError) or its
    /// storage is failing. Nothing of that transaction was saved; everything before it is intact.
    #[error("the device's storage is full: nothing of this change was saved ({0})")]
    StorageRefused(String),
    #[error("stored data could not be read: {0}")]
    Decode(String),
    #[error("work order {0} is not on this device")]
    UnknownWorkOrder(Uuid),
    /// The model refused the step (the same rules the server applies).
    #[error(transparent)]
    Refused(#[from] OpError),
}

impl From<rexie::Error> for DbError {
    fn from(e: rexie::Error) -> Self {
        // rexie's Display hides the browser's reason; its Debug keeps it.
        let text = format!("{e:?}");
        // A commit the browser aborted by itself: every request in it had succeeded, so the
        // writes were refused as a whole. That is QuotaExceededError (or a failing disk, which
        // the person must treat the same way). rexie drops the transaction's own error, so the
        // name is only there when a request failed on its own.
        if matches!(e, rexie::Error::TransactioncommitFailed) || text.contains("QuotaExceeded") {
            DbError::StorageRefused(text)
        } else {
            DbError::Browser(text)
        }
    }
}

pub type Result<T> = std::result::Result<T, DbError>;

// The outbox's rules (which entries go next, what an answer does to them) are plain functions in
// model/, tested there with proptest; this module only stores their results.
use fieldbook_model::outbox;
pub use fieldbook_model::outbox::{EntryState, OutboxEntry};

/// How many entries wait, and how many the server refused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub queued: usize,
    pub rejected: usize,
    /// Photos whose bytes the server has not confirmed yet.
    pub photos: usize,
    /// Photos whose bytes the server refused.
    pub photos_refused: usize,
}

/// What became of a sign-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOut {
    /// Signed out; the person's data is gone from the device (all of it was sent).
    Done,
    /// Signed out; their unsent work stays on the device for them.
    Kept,
    /// Refused: something is unsent and they did not choose to keep it.
    Unsent,
}

/// The photo whose bytes an entry names (a photo or a signature), if any.
pub fn entry_photo(entry: &OutboxEntry) -> Option<Uuid> {
    match &entry.op.kind {
        fieldbook_model::OpKind::AddPhoto { photo_id, .. }
        | fieldbook_model::OpKind::Sign { photo_id, .. } => Some(*photo_id),
        _ => None,
    }
}

/// A copyable handle on the context's database, for closures Leptos wants `Send` (callbacks,
/// event handlers): the database is a browser object, so it is held in local storage.
pub type DbHandle = leptos::prelude::StoredValue<Db, leptos::prelude::LocalStorage>;

/// The device's database, from context: the app provides the one it opened (`provide_db`), a
/// component test its own.
pub fn use_db() -> Db {
    use leptos::prelude::*;
    use_db_handle().get_value()
}

/// The context's database as a copyable handle (see [`DbHandle`]).
pub fn use_db_handle() -> DbHandle {
    leptos::prelude::expect_context::<DbHandle>()
}

/// Make `db` the database of every component below.
pub fn provide_db(db: Db) {
    use leptos::prelude::*;
    provide_context::<DbHandle>(StoredValue::new_local(db));
}

/// A handle on the app's database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    rexie: Rc<Rexie>,
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue> {
    // Through JSON text and the browser's own parser: the API already needs serde_json for
    // every type, and a second serializer (serde-wasm-bindgen) for the same types cost the wasm
    // tens of KiB. Stored values stay plain objects, readable in DevTools.
    parse(&serde_json::to_string(value).map_err(|e| DbError::Decode(e.to_string()))?)
}

fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T> {
    serde_json::from_str(&stringify(&value)?).map_err(|e| DbError::Decode(e.to_string()))
}

// The halves that do not depend on the type: one copy in the wasm, not one per stored type.
fn parse(text: &str) -> Result<JsValue> {
    js_sys::JSON::parse(text).map_err(|e| DbError::Decode(format!("{e:?}")))
}

fn stringify(value: &JsValue) -> Result<String> {
    Ok(js_sys::JSON::stringify(value)
        .map_err(|e| DbError::Decode(format!("{e:?}")))?
        .into())
}

/// Every value of a `get_all` at once: one JSON text for the lot instead of one per value
/// (10,000 stored orders read in about half the time).
fn from_js_all<T: DeserializeOwned>(values: Vec<JsValue>) -> Result<Vec<T>> {
    from_js(values.into_iter().collect::<js_sys::Array>().into())
}

/// How many work orders [`Db::work_orders`] reads at a time (~10 ms of main thread each).
const READ_PAGE: u32 = 500;

/// How many values [`put_many`] hands the browser at a time: ~250 orders are ~15 ms of main
/// thread on a mid phone, well under the 50 ms a tap may wait.
const PUT_CHUNK: usize = 250;

/// Put many values in one store of an open read-write transaction. Each chunk is one JSON text
/// parsed once by the browser, its puts issued without waiting for each. Between chunks the page
/// answers taps and draws, yet the browser's writer is never idle: the next chunk is issued when
/// the one before the current one is written. A pull of 10,000 orders is still one atomic write,
/// and never one long freeze. `key` gives the key of a store without a key path.
async fn put_many<T: Serialize>(
    store: &rexie::Store,
    values: &[T],
    key: impl Fn(&T) -> Option<JsValue>,
) -> Result<()> {
    use std::future::{Future, poll_fn};
    use std::task::Poll;
    let mut in_flight = None;
    for chunk in values.chunks(PUT_CHUNK) {
        let array: js_sys::Array = to_js(&chunk)?.into();
        let puts: Vec<_> = array.iter().zip(chunk).map(|(v, t)| (v, key(t))).collect();
        let mut next = Box::pin(store.put_all(puts.into_iter()));
        // Its first poll issues the chunk's puts (the transaction is active here: at its start,
        // or right after a request of it succeeded).
        if let Poll::Ready(done) = poll_fn(|cx| Poll::Ready(next.as_mut().poll(cx))).await {
            done?;
            continue;
        }
        if let Some(previous) = in_flight.replace(next) {
            previous.await?;
        }
    }
    if let Some(last) = in_flight {
        last.await?;
    }
    Ok(())
}

/// Put `ops` in the outbox and the photo bytes they name beside them, in the caller's
/// transaction (with the records the ops changed).
async fn queue(tx: &rexie::Transaction, ops: Vec<Operation>, photos: &[PhotoBlob]) -> Result<()> {
    let outbox = tx.store(OUTBOX)?;
    for op in ops {
        outbox.add(&to_js(&OutboxEntry::queued(op))?, None).await?;
    }
    let store = tx.store(PHOTOS)?;
    for photo in photos {
        store.put(&photo.to_js()?, None).await?;
    }
    Ok(())
}

impl Db {
    /// Open (and create or upgrade) the database with the given name.
    pub async fn open(name: &str) -> Result<Db> {
        let rexie = schema::builder(name).build().await?;
        Ok(Db {
            rexie: Rc::new(rexie),
        })
    }

    /// Delete a database (tests, and nothing else).
    pub async fn delete(name: &str) -> Result<()> {
        Rexie::delete(name).await?;
        Ok(())
    }

    async fn meta_get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        let tx = self.rexie.transaction(&[META], TransactionMode::ReadOnly)?;
        let value = tx.store(META)?.get(JsValue::from_str(key)).await?;
        match value {
            Some(v) if !v.is_undefined() => Ok(Some(from_js(v)?)),
            _ => Ok(None),
        }
    }

    async fn meta_put<T: Serialize>(&self, key: &str, value: &T) -> Result<()> {
        let tx = self
            .rexie
            .transaction(&[META], TransactionMode::ReadWrite)?;
        tx.store(META)?
            .put(&to_js(value)?, Some(&JsValue::from_str(key)))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn profile(&self) -> Result<Option<UserProfile>> {
        self.meta_get("profile").await
    }

    pub async fn set_profile(&self, profile: &UserProfile) -> Result<()> {
        self.meta_put("profile", profile).await
    }

    /// This device's id, made once and kept.
    pub async fn device_id(&self) -> Result<Uuid> {
        if let Some(id) = self.meta_get::<Uuid>("device_id").await? {
            return Ok(id);
        }
        let id = Uuid::new_v4();
        self.meta_put("device_id", &id).await?;
        Ok(id)
    }

    pub async fn lang(&self) -> Result<Option<String>> {
        self.meta_get("lang").await
    }

    pub async fn set_lang(&self, code: &str) -> Result<()> {
        self.meta_put("lang", &code.to_string()).await
    }

    /// The server cursor of the last pull that was fully stored.
    pub async fn cursor(&self) -> Result<i64> {
        Ok(self.meta_get("cursor").await?.unwrap_or(0))
    }

    pub async fn last_synced(&self) -> Result<Option<DateTime<Utc>>> {
        self.meta_get("last_synced").await
    }

    /// Server time minus device time, in milliseconds, as seen at the last pull.
    pub async fn clock_offset_ms(&self) -> Result<i64> {
        Ok(self.meta_get("clock_offset_ms").await?.unwrap_or(0))
    }

    pub async fn work_orders(&self) -> Result<Vec<WorkOrder>> {
        let tx = self
            .rexie
            .transaction(&[WORK_ORDERS], TransactionMode::ReadOnly)?;
        let store = tx.store(WORK_ORDERS)?;
        // A page at a time: between pages the page answers taps and draws. Read in one go, a
        // supervisor's 10,000 orders held the main thread for ~200 ms at every sync.
        let mut orders: Vec<WorkOrder> = Vec::new();
        let mut after: Option<JsValue> = None;
        loop {
            let range = after
                .as_ref()
                .map(|key| rexie::KeyRange::lower_bound(key, Some(true)))
                .transpose()
                .map_err(|e| DbError::Browser(format!("{e:?}")))?;
            let page = store.get_all(range, Some(READ_PAGE)).await?;
            let full = page.len() == READ_PAGE as usize;
            // The store's key path is the order's id.
            after = page
                .last()
                .and_then(|last| js_sys::Reflect::get(last, &JsValue::from_str("id")).ok());
            orders.extend(from_js_all::<WorkOrder>(page)?);
            if !full {
                break;
            }
        }
        // Machines that are down first, then by planned time.
        Ok(fieldbook_model::order::ordered(orders, |o| {
            (
                i64::from(!o.machine_down),
                o.planned_at.timestamp_millis(),
                String::new(),
            )
        }))
    }

    /// The ids of the work orders on this device, without reading the orders.
    pub async fn work_order_ids(&self) -> Result<Vec<Uuid>> {
        let tx = self
            .rexie
            .transaction(&[WORK_ORDERS], TransactionMode::ReadOnly)?;
        from_js_all(tx.store(WORK_ORDERS)?.get_all_keys(None, None).await?)
    }

    pub async fn work_order(&self, id: Uuid) -> Result<Option<WorkOrder>> {
        let tx = self
            .rexie
            .transaction(&[WORK_ORDERS], TransactionMode::ReadOnly)?;
        match tx
            .store(WORK_ORDERS)?
            .get(JsValue::from_str(&id.to_string()))
            .await?
        {
            Some(v) if !v.is_undefined() => Ok(Some(from_js(v)?)),
            _ => Ok(None),
        }
    }

    /// Record what a person did: the changed work order and its outbox entry, in one transaction.
    ///
    /// The operation is applied with the same model code the server uses, so a step the server
    /// would refuse is refused here first, and nothing is written.
    pub async fn record(&self, op: Operation) -> Result<WorkOrder> {
        self.record_all(vec![op], Vec::new()).await
    }

    /// Record several operations on one work order, and the photo bytes they name, in ONE
    /// transaction: the photo, its metadata operation and the changed order exist together or
    /// not at all. Everything (blobs included) is ready before the transaction opens.
    pub async fn record_all(
        &self,
        ops: Vec<Operation>,
        photos: Vec<PhotoBlob>,
    ) -> Result<WorkOrder> {
        let Some(id) = ops.first().and_then(Operation::work_order_id) else {
            return Err(DbError::Decode("nothing to record".into()));
        };
        let tx = self
            .rexie
            .transaction(&[WORK_ORDERS, OUTBOX, PHOTOS], TransactionMode::ReadWrite)?;
        let orders = tx.store(WORK_ORDERS)?;
        let mut order: WorkOrder = match orders.get(JsValue::from_str(&id.to_string())).await? {
            Some(v) if !v.is_undefined() => from_js(v)?,
            _ => {
                tx.abort().await.ok();
                return Err(DbError::UnknownWorkOrder(id));
            }
        };
        for op in &ops {
            if op.work_order_id() != Some(id) {
                tx.abort().await.ok();
                return Err(DbError::Decode("operations for several work orders".into()));
            }
            if let Err(e) = op.apply_to(&mut order) {
                tx.abort().await.ok();
                return Err(e.into());
            }
        }
        orders.put(&to_js(&order)?, None).await?;
        queue(&tx, ops, &photos).await?;
        tx.commit().await?;
        Ok(order)
    }

    /// Record what a person did: steps on one work order, or field steps, with the photo bytes
    /// they name, in ONE transaction with their outbox entries. The one way pages write.
    pub async fn record_steps(&self, ops: Vec<Operation>, photos: Vec<PhotoBlob>) -> Result<()> {
        if ops.first().and_then(Operation::work_order_id).is_some() {
            self.record_all(ops, photos).await.map(drop)
        } else {
            self.record_field(ops, photos).await
        }
    }

    /// Photo bytes kept on this device, for one work order or (with None) all of them.
    pub async fn photos(&self, work_order: Option<Uuid>) -> Result<Vec<PhotoBlob>> {
        let tx = self
            .rexie
            .transaction(&[PHOTOS], TransactionMode::ReadOnly)?;
        let all = tx.store(PHOTOS)?.get_all(None, None).await?;
        let mut photos = all
            .into_iter()
            .map(PhotoBlob::from_js)
            .collect::<Result<Vec<_>>>()?;
        if let Some(id) = work_order {
            photos.retain(|p| p.record.work_order_id == id);
        }
        Ok(photos)
    }

    /// Note the server's answer for a photo's bytes: confirmed, or refused with a reason.
    pub async fn photo_sent(
        &self,
        id: Uuid,
        outcome: std::result::Result<(), String>,
    ) -> Result<()> {
        self.photos_sent(&[(id, outcome)]).await
    }

    /// Note the server's answers for several photos in one transaction (the uploader notes them
    /// in groups: a transaction per photo slowed the upload). Photos no longer here are skipped.
    pub async fn photos_sent(
        &self,
        answers: &[(Uuid, std::result::Result<(), String>)],
    ) -> Result<()> {
        let tx = self
            .rexie
            .transaction(&[PHOTOS], TransactionMode::ReadWrite)?;
        let store = tx.store(PHOTOS)?;
        for (id, outcome) in answers {
            let Some(value) = store.get(JsValue::from_str(&id.to_string())).await? else {
                continue;
            };
            if value.is_undefined() {
                continue;
            }
            let mut photo = PhotoBlob::from_js(value)?;
            photo.record.tries += 1;
            match outcome {
                Ok(()) => {
                    photo.record.uploaded = true;
                    photo.record.error = None;
                }
                Err(reason) => photo.record.error = Some(reason.clone()),
            }
            store.put(&photo.to_js()?, None).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Drop an entry the server refused, after the person confirmed. Only refused entries can
    /// go: anything still queued is on its way and is never deleted. A refused photo or signature
    /// takes its bytes with it, in the same transaction (the server will never ask for them).
    pub async fn discard_rejected(&self, seq: u32) -> Result<bool> {
        let tx = self
            .rexie
            .transaction(&[OUTBOX, PHOTOS], TransactionMode::ReadWrite)?;
        let store = tx.store(OUTBOX)?;
        let entry = match store.get(JsValue::from(seq)).await? {
            Some(v) if !v.is_undefined() => from_js::<OutboxEntry>(v)?,
            _ => {
                tx.abort().await.ok();
                return Ok(false);
            }
        };
        if entry.state != EntryState::Rejected {
            tx.abort().await.ok();
            return Ok(false);
        }
        store.delete(JsValue::from(seq)).await?;
        if let Some(photo) = entry_photo(&entry) {
            tx.store(PHOTOS)?
                .delete(JsValue::from_str(&photo.to_string()))
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Drop a photo whose bytes the server refused (to take it again), after the person confirmed.
    pub async fn discard_refused_photo(&self, id: Uuid) -> Result<bool> {
        let tx = self
            .rexie
            .transaction(&[PHOTOS], TransactionMode::ReadWrite)?;
        let store = tx.store(PHOTOS)?;
        let key = JsValue::from_str(&id.to_string());
        let refused = match store.get(key.clone()).await? {
            Some(v) if !v.is_undefined() => {
                let p = PhotoBlob::from_js(v)?;
                !p.record.uploaded && p.record.error.is_some()
            }
            _ => false,
        };
        if !refused {
            tx.abort().await.ok();
            return Ok(false);
        }
        store.delete(key).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every outbox entry, oldest first.
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        let tx = self
            .rexie
            .transaction(&[OUTBOX], TransactionMode::ReadOnly)?;
        from_js_all(tx.store(OUTBOX)?.get_all(None, None).await?)
    }

    /// What `user` still has on this device (someone else's work kept for later is not theirs).
    pub async fn outbox_counts(&self, user: &str) -> Result<OutboxCounts> {
        let mut entries = self.outbox().await?;
        entries.retain(|e| e.op.user == user);
        let rejected = entries
            .iter()
            .filter(|e| e.state == EntryState::Rejected)
            .count();
        let photos = self.photos(None).await?;
        let unsent: Vec<&PhotoBlob> = photos
            .iter()
            .filter(|p| !p.record.uploaded && p.record.is_of(user))
            .collect();
        let photos_refused = unsent.iter().filter(|p| p.record.error.is_some()).count();
        Ok(OutboxCounts {
            queued: entries.len() - rejected,
            rejected,
            photos: unsent.len() - photos_refused,
            photos_refused,
        })
    }

    /// The oldest queued entries, at most `limit`, to send in one batch.
    pub async fn next_batch(&self, limit: usize) -> Result<Vec<OutboxEntry>> {
        Ok(outbox::next_batch(&self.outbox().await?, limit))
    }

    /// Count a try on these entries (they stay queued).
    pub async fn mark_tried(&self, batch: &[OutboxEntry], at: DateTime<Utc>) -> Result<()> {
        let ids = outbox::batch_ids(batch);
        let mut batch = batch.to_vec();
        outbox::mark_tried(&mut batch, &ids, at);
        let tx = self
            .rexie
            .transaction(&[OUTBOX], TransactionMode::ReadWrite)?;
        let store = tx.store(OUTBOX)?;
        for entry in &batch {
            store.put(&to_js(entry)?, None).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Take the server's answers: applied and duplicate entries leave the outbox, rejected ones
    /// stay with their reason. Entries the answer does not name are left as they are.
    pub async fn settle(&self, batch: &[OutboxEntry], results: &[OpResult]) -> Result<()> {
        let mut entries = batch.to_vec();
        let settlement = outbox::settle(&mut entries, results);
        let tx = self
            .rexie
            .transaction(&[OUTBOX], TransactionMode::ReadWrite)?;
        let store = tx.store(OUTBOX)?;
        for entry in &settlement.sent {
            if let Some(seq) = entry.seq {
                store.delete(JsValue::from(seq)).await?;
            }
        }
        for entry in &settlement.rejected {
            store.put(&to_js(entry)?, None).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Store a pull: the server's work orders with this device's unsent operations applied on
    /// top (so a tap made offline never disappears from the screen), then the new cursor. One
    /// transaction: the cursor only moves when the batch is stored.
    pub async fn apply_pull(&self, pull: &SyncResponse, device_now: DateTime<Utc>) -> Result<()> {
        let tx = self.rexie.transaction(
            &[
                WORK_ORDERS,
                OUTBOX,
                META,
                AREA_DAYS,
                VACANT_RECORDS,
                FINDINGS,
                ROUNDS,
            ],
            TransactionMode::ReadWrite,
        )?;
        let orders = tx.store(WORK_ORDERS)?;
        let pending: Vec<OutboxEntry> = from_js_all(tx.store(OUTBOX)?.get_all(None, None).await?)?;
        let queued: Vec<&OutboxEntry> = pending
            .iter()
            .filter(|e| e.state == EntryState::Queued && e.op.work_order_id().is_some())
            .collect();
        let merged: Vec<Cow<WorkOrder>> = pull
            .work_orders
            .iter()
            .map(|order| {
                let mine = || {
                    queued
                        .iter()
                        .filter(|e| e.op.work_order_id() == Some(order.id))
                };
                if mine().next().is_none() {
                    return Cow::Borrowed(order);
                }
                let mut order = order.clone();
                for entry in mine() {
                    // Already in the server's history (sent, answer lost): nothing to re-apply.
                    if order.history.iter().any(|h| h.op_id == entry.op.id) {
                        continue;
                    }
                    // A step the server's newer state no longer allows shows when the server
                    // answers.
                    let _ = entry.op.apply_to(&mut order);
                }
                Cow::Owned(order)
            })
            .collect();
        put_many(&orders, &merged, |_| None).await?;
        for id in &pull.removed {
            orders.delete(JsValue::from_str(&id.to_string())).await?;
        }
        field::store_pull(&tx, &pull.field, &pending).await?;
        let meta = tx.store(META)?;
        meta.put(&to_js(&pull.cursor)?, Some(&JsValue::from_str("cursor")))
            .await?;
        meta.put(
            &to_js(&device_now)?,
            Some(&JsValue::from_str("last_synced")),
        )
        .await?;
        let offset = (pull.server_time - device_now).num_milliseconds();
        meta.put(
            &to_js(&offset)?,
            Some(&JsValue::from_str("clock_offset_ms")),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sign the person out of this device.
    ///
    /// With nothing unsent, their data is forgotten. With something unsent it is refused, unless
    /// they chose to keep it for later: then everything stays, and only they can send it when they
    /// sign in again; someone else may use the device meanwhile.
    pub async fn sign_out(&self, username: &str, keep_for_later: bool) -> Result<SignOut> {
        let tx = self.rexie.transaction(
            &[
                WORK_ORDERS,
                OUTBOX,
                META,
                PHOTOS,
                AREA_DAYS,
                VACANT_RECORDS,
                FINDINGS,
                ROUNDS,
            ],
            TransactionMode::ReadWrite,
        )?;
        let photos = tx.store(PHOTOS)?;
        let all_photos = photos
            .get_all(None, None)
            .await?
            .into_iter()
            .map(PhotoBlob::from_js)
            .collect::<Result<Vec<_>>>()?;
        let entries: Vec<OutboxEntry> = tx
            .store(OUTBOX)?
            .get_all(None, None)
            .await?
            .into_iter()
            .map(from_js)
            .collect::<Result<_>>()?;
        let mine = |p: &PhotoBlob| p.record.is_of(username);
        let unsent = entries.iter().any(|e| e.op.user == username)
            || all_photos.iter().any(|p| !p.record.uploaded && mine(p));
        let meta = tx.store(META)?;
        if unsent && !keep_for_later {
            tx.abort().await.ok();
            return Ok(SignOut::Unsent);
        }
        if unsent {
            let key = JsValue::from_str("kept_for_later");
            let mut kept: Vec<String> = match meta.get(key.clone()).await? {
                Some(v) if !v.is_undefined() => from_js(v)?,
                _ => Vec::new(),
            };
            if !kept.iter().any(|k| k == username) {
                kept.push(username.to_string());
            }
            meta.put(&to_js(&kept)?, Some(&key)).await?;
        } else {
            // All of it was sent: forget this person's orders and photos; anything another
            // person kept here for later stays.
            for photo in all_photos.iter().filter(|p| mine(p)) {
                photos
                    .delete(JsValue::from_str(&photo.record.id.to_string()))
                    .await?;
            }
            // Every order but those of people who kept unsent work here for later: a supervisor
            // pulls everyone's orders for the board, and none of them stays for the next person.
            let kept: Vec<String> = match meta.get(JsValue::from_str("kept_for_later")).await? {
                Some(v) if !v.is_undefined() => from_js(v)?,
                _ => Vec::new(),
            };
            let orders = tx.store(WORK_ORDERS)?;
            if kept.is_empty() {
                // The usual case, in one request: a supervisor's tablet may hold thousands.
                orders.clear().await?;
            } else {
                for value in orders.get_all(None, None).await? {
                    let order: WorkOrder = from_js(value)?;
                    if !kept.contains(&order.assignee) {
                        orders
                            .delete(JsValue::from_str(&order.id.to_string()))
                            .await?;
                    }
                }
            }
            // The field side is the signed-in person's view of their team: the next person
            // pulls their own.
            for store in [AREA_DAYS, VACANT_RECORDS, FINDINGS, ROUNDS] {
                tx.store(store)?.clear().await?;
            }
            meta.delete(JsValue::from_str("field_reference")).await?;
        }
        for key in ["profile", "cursor", "last_synced"] {
            meta.delete(JsValue::from_str(key)).await?;
        }
        tx.commit().await?;
        Ok(if unsent { SignOut::Kept } else { SignOut::Done })
    }

    /// Whether `username` may sign in here: refused while another person's unsent work is on the
    /// device and that person did not choose to keep it for later.
    pub async fn may_sign_in(&self, username: &str) -> Result<bool> {
        let kept: Vec<String> = self.meta_get("kept_for_later").await?.unwrap_or_default();
        let foreign =
            |user: &str| !user.is_empty() && user != username && !kept.iter().any(|k| k == user);
        let entries = self.outbox().await?;
        let photos = self.photos(None).await?;
        Ok(!entries.iter().any(|e| foreign(&e.op.user))
            && !photos
                .iter()
                .any(|p| !p.record.uploaded && foreign(&p.record.user)))
    }

    /// The person is back: their kept work is theirs to send again.
    pub async fn signed_in_as(&self, profile: &UserProfile) -> Result<()> {
        let mut kept: Vec<String> = self.meta_get("kept_for_later").await?.unwrap_or_default();
        kept.retain(|k| k != &profile.username);
        self.meta_put("kept_for_later", &kept).await?;
        self.set_profile(profile).await
    }
}
