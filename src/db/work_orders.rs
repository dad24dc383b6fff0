//! Work orders on the device: read them, and record a person's steps on one.

use fieldbook_model::{Operation, WorkOrder};
use rexie::TransactionMode;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::codec::READ_PAGE;
use super::schema::{OUTBOX, PHOTOS, WORK_ORDERS};
use super::{Db, DbError, PhotoBlob, Result, from_js, from_js_all, queue, to_js};

impl Db {
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
        // Most urgent first (machines down, then the 36 hours, then the reports' 3 days).
        Ok(fieldbook_model::order::ordered(orders, WorkOrder::list_key))
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
            // Shown at the best time this device knows (the server judges it the same way).
            if let Err(e) = op
                .judged(crate::time::ahead_ms(), None)
                .apply_to(&mut order)
            {
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
}
