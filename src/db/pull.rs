//! Storing what the server sent, with this device's unsent steps applied again on top.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use fieldbook_model::{SyncResponse, WorkOrder};
use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use super::schema::{
    AREA_DAYS, COMPLAINTS, FINDINGS, META, OUTBOX, ROUNDS, VACANT_RECORDS, WORK_ORDERS,
};
use super::{Db, EntryState, OutboxEntry, Result, field, from_js_all, put_many, to_js};

impl Db {
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
                COMPLAINTS,
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
                    let _ = entry
                        .op
                        .judged(crate::time::ahead_ms(), None)
                        .apply_to(&mut order);
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
}
