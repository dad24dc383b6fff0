//! The outbox on the device: what waits to be sent, what the server answered, and the queue of
//! new steps (written in the same transaction as their records).

use chrono::{DateTime, Utc};
use fieldbook_model::outbox;
use fieldbook_model::{OpResult, Operation};
use rexie::TransactionMode;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::schema::{OUTBOX, PHOTOS, WORK_ORDERS};
use super::{Db, EntryState, OutboxEntry, PhotoBlob, Result, from_js, from_js_all, to_js};

// The outbox's rules (which entries go next, what an answer does to them) are plain functions in
// model/, tested there with proptest; this module only stores their results.
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

/// The photo whose bytes an entry names (a photo or a signature), if any.
pub fn entry_photo(entry: &OutboxEntry) -> Option<Uuid> {
    match &entry.op.kind {
        fieldbook_model::OpKind::AddPhoto { photo_id, .. }
        | fieldbook_model::OpKind::Sign { photo_id, .. } => Some(*photo_id),
        _ => None,
    }
}

/// Put `ops` in the outbox and the photo bytes they name beside them, in the caller's
/// transaction (with the records the ops changed).
pub(super) async fn queue(
    tx: &rexie::Transaction,
    ops: Vec<Operation>,
    photos: &[PhotoBlob],
) -> Result<()> {
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

    /// Take a photo off the phone before the server ever saw it: its outbox entry `seq` (queued,
    /// or refused), its bytes and its place on work order `order`, in one transaction. False when
    /// the entry is gone (sent meanwhile): nothing changed.
    pub async fn remove_unsent_photo(
        &self,
        seq: Option<u32>,
        order: Option<Uuid>,
        photo_id: Uuid,
    ) -> Result<bool> {
        let (Some(seq), Some(order)) = (seq, order) else {
            return Ok(false);
        };
        let tx = self
            .rexie
            .transaction(&[WORK_ORDERS, OUTBOX, PHOTOS], TransactionMode::ReadWrite)?;
        let store = tx.store(OUTBOX)?;
        // Keys are never reused: the entry still there is the one the caller read.
        if store
            .get(JsValue::from(seq))
            .await?
            .is_none_or(|v| v.is_undefined())
        {
            tx.abort().await.ok();
            return Ok(false);
        }
        store.delete(JsValue::from(seq)).await?;
        tx.store(PHOTOS)?
            .delete(JsValue::from_str(&photo_id.to_string()))
            .await?;
        let orders = tx.store(WORK_ORDERS)?;
        if let Some(v) = orders
            .get(JsValue::from_str(&order.to_string()))
            .await?
            .filter(|v| !v.is_undefined())
        {
            let mut order: fieldbook_model::WorkOrder = from_js(v)?;
            order.photos.retain(|p| p.id != photo_id);
            orders.put(&to_js(&order)?, None).await?;
        }
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
}
