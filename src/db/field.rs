//! Cleaning checklists, vacant units, findings and patrol rounds on the device.
//!
//! Like work orders: every change is applied here with the model's rules and written in ONE
//! transaction with its outbox entry (and its photos' bytes); a pull stores the server's records
//! with this device's unsent operations applied again on top, so nothing tapped offline ever
//! disappears from the screen.

use chrono::NaiveDate;
use fieldbook_model::cleaning::{AreaDay, VacantRecord, due_items};
use fieldbook_model::findings::Finding;
use fieldbook_model::op::naming_date;
use fieldbook_model::order::ordered;
use fieldbook_model::patrol::PatrolRound;
use fieldbook_model::sync::{FieldData, FieldReference};
use fieldbook_model::{OpError, OpKind, Operation, UserProfile};
use rexie::{Store, Transaction, TransactionMode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::schema::{AREA_DAYS, FINDINGS, META, OUTBOX, PHOTOS, ROUNDS, VACANT_RECORDS};
use super::{
    Db, DbError, EntryState, OutboxEntry, PhotoBlob, Result, from_js, from_js_all, put_many, queue,
    to_js,
};

const REFERENCE: &str = "field_reference";

fn day_key(area: Uuid, date: NaiveDate) -> JsValue {
    JsValue::from_str(&format!("{area}/{date}"))
}

fn id_key(id: Uuid) -> JsValue {
    JsValue::from_str(&id.to_string())
}

async fn get<T: DeserializeOwned>(store: &Store, key: JsValue) -> Result<Option<T>> {
    match store.get(key).await? {
        Some(v) if !v.is_undefined() => Ok(Some(from_js(v)?)),
        _ => Ok(None),
    }
}

async fn all<T: DeserializeOwned>(db: &Db, name: &str) -> Result<Vec<T>> {
    let tx = db.rexie.transaction(&[name], TransactionMode::ReadOnly)?;
    from_js_all(tx.store(name)?.get_all(None, None).await?)
}

fn not_field() -> DbError {
    DbError::Decode("not a field operation".into())
}

/// The stores a field change touches.
const FIELD_STORES: [&str; 7] = [
    AREA_DAYS,
    VACANT_RECORDS,
    FINDINGS,
    ROUNDS,
    META,
    OUTBOX,
    PHOTOS,
];

/// Apply one field operation to the records in `tx` (the same model rules as the server's).
async fn apply_local(
    tx: &Transaction,
    op: &Operation,
    me: &UserProfile,
    reference: &FieldReference,
) -> Result<()> {
    let at = op.device_time;
    let refused = |e: OpError| DbError::Refused(e);
    match &op.kind {
        OpKind::MarkItem { area_id, date, .. }
        | OpKind::FinishArea { area_id, date }
        | OpKind::ReviewArea { area_id, date, .. } => {
            let store = tx.store(AREA_DAYS)?;
            let key = day_key(*area_id, *date);
            let mut day: AreaDay = get(&store, key.clone())
                .await?
                .unwrap_or_else(|| AreaDay::new(*area_id, *date));
            match &op.kind {
                OpKind::MarkItem { item_id, mark, .. } => {
                    day.mark(*item_id, *mark, &op.user, at).map_err(refused)?
                }
                OpKind::FinishArea { .. } => {
                    let due = due_items(&reference.items, *area_id, *date);
                    day.finish(&due, &op.user, at).map_err(refused)?
                }
                OpKind::ReviewArea { verdict, .. } => {
                    day.review(verdict.clone(), &op.user, at).map_err(refused)?
                }
                _ => unreachable!("matched above"),
            }
            store.put(&to_js(&day)?, Some(&key)).await?;
        }
        OpKind::SaveVacantRecord { .. } => {
            let record = VacantRecord::from_op(op).ok_or_else(not_field)?;
            record.check().map_err(refused)?;
            tx.store(VACANT_RECORDS)?
                .put(&to_js(&record)?, None)
                .await?;
        }
        OpKind::ReviewVacantRecord { record_id, verdict } => {
            let store = tx.store(VACANT_RECORDS)?;
            let Some(mut record) = get::<VacantRecord>(&store, id_key(*record_id)).await? else {
                return Err(DbError::Decode("no such record on this device".into()));
            };
            record
                .review(verdict.clone(), &op.user, at)
                .map_err(refused)?;
            store.put(&to_js(&record)?, None).await?;
        }
        OpKind::ReportFinding {
            finding_id,
            area_id,
            place,
            source,
            problem,
            note,
            photos,
        } => {
            let place = match area_id.and_then(|a| reference.areas.iter().find(|x| x.id == a)) {
                Some(area) if place.trim().is_empty() => area.name.clone(),
                _ => place.clone(),
            };
            let f = Finding::report(
                *finding_id,
                &me.actor(),
                *area_id,
                &place,
                source.clone(),
                *problem,
                note,
                photos.clone(),
                at,
            )
            .map_err(refused)?;
            tx.store(FINDINGS)?.put(&to_js(&f)?, None).await?;
        }
        OpKind::AssignFinding { finding_id, .. }
        | OpKind::CloseFinding { finding_id, .. }
        | OpKind::ConfirmFinding { finding_id }
        | OpKind::ReopenFinding { finding_id, .. } => {
            let store = tx.store(FINDINGS)?;
            let Some(mut f) = get::<Finding>(&store, id_key(*finding_id)).await? else {
                return Err(DbError::Decode("no such finding on this device".into()));
            };
            let actor = me.actor();
            match &op.kind {
                OpKind::AssignFinding { assignee, due, .. } => {
                    f.assign(&actor, assignee.clone(), *due, at)
                }
                OpKind::CloseFinding { note, photos, .. } => {
                    f.close(&actor, note, photos.clone(), at)
                }
                OpKind::ConfirmFinding { .. } => f.confirm(&actor, at),
                OpKind::ReopenFinding { reason, .. } => f.reopen(&actor, reason, at),
                _ => unreachable!("matched above"),
            }
            .map_err(refused)?;
            store.put(&to_js(&f)?, None).await?;
        }
        OpKind::SubmitRound { .. } => {
            let team = me.team.clone().unwrap_or_default();
            let round = PatrolRound::from_op(op, &team).ok_or_else(not_field)?;
            round.check().map_err(refused)?;
            tx.store(ROUNDS)?.put(&to_js(&round)?, None).await?;
        }
        _ => return Err(not_field()),
    }
    Ok(())
}

impl Db {
    /// The areas, items, units and people this device works from (empty before the first pull).
    pub async fn field_reference(&self) -> Result<FieldReference> {
        Ok(self.meta_get(REFERENCE).await?.unwrap_or_default())
    }

    pub async fn area_days(&self) -> Result<Vec<AreaDay>> {
        all(self, AREA_DAYS).await
    }

    pub async fn vacant_records(&self) -> Result<Vec<VacantRecord>> {
        // Newest first.
        let records: Vec<VacantRecord> = all(self, VACANT_RECORDS).await?;
        Ok(ordered(records, |x| {
            (-x.ended_at.timestamp_millis(), 0, String::new())
        }))
    }

    pub async fn findings(&self) -> Result<Vec<Finding>> {
        // Newest first.
        let findings: Vec<Finding> = all(self, FINDINGS).await?;
        Ok(ordered(findings, |x| {
            (-x.reported_at.timestamp_millis(), 0, String::new())
        }))
    }

    /// One area's day, read by its key.
    pub async fn area_day(&self, area: Uuid, date: NaiveDate) -> Result<Option<AreaDay>> {
        let tx = self
            .rexie
            .transaction(&[AREA_DAYS], TransactionMode::ReadOnly)?;
        get(&tx.store(AREA_DAYS)?, day_key(area, date)).await
    }

    /// One vacant-unit record, read by its key.
    pub async fn vacant_record(&self, id: Uuid) -> Result<Option<VacantRecord>> {
        let tx = self
            .rexie
            .transaction(&[VACANT_RECORDS], TransactionMode::ReadOnly)?;
        get(&tx.store(VACANT_RECORDS)?, id_key(id)).await
    }

    /// One finding, read by its key (a page showing one finding does not read them all).
    pub async fn finding(&self, id: Uuid) -> Result<Option<Finding>> {
        let tx = self
            .rexie
            .transaction(&[FINDINGS], TransactionMode::ReadOnly)?;
        get(&tx.store(FINDINGS)?, id_key(id)).await
    }

    pub async fn rounds(&self) -> Result<Vec<PatrolRound>> {
        // Newest first.
        let rounds: Vec<PatrolRound> = all(self, ROUNDS).await?;
        Ok(ordered(rounds, |x| {
            (-x.started_at.timestamp_millis(), 0, String::new())
        }))
    }

    /// Record field operations (and the photo bytes they name) in ONE transaction: the changed
    /// records, their outbox entries and the photos exist together or not at all. A step the
    /// model refuses is refused here first, and nothing is written.
    pub async fn record_field(&self, ops: Vec<Operation>, photos: Vec<PhotoBlob>) -> Result<()> {
        if ops.is_empty() || ops.iter().any(|op| op.work_order_id().is_some()) {
            return Err(DbError::Decode("not field operations".into()));
        }
        let tx = self
            .rexie
            .transaction(&FIELD_STORES, TransactionMode::ReadWrite)?;
        let meta = tx.store(META)?;
        let me: Option<UserProfile> = get(&meta, JsValue::from_str("profile")).await?;
        let reference: FieldReference = get(&meta, JsValue::from_str(REFERENCE))
            .await?
            .unwrap_or_default();
        let Some(me) = me else {
            tx.abort().await.ok();
            return Err(DbError::Decode("nobody is signed in".into()));
        };
        for op in &ops {
            if let Err(e) = apply_local(&tx, op, &me, &reference).await {
                tx.abort().await.ok();
                return Err(e);
            }
        }
        let named: Vec<Uuid> = ops.iter().flat_map(Operation::photo_ids).collect();
        queue(&tx, ops, &photos).await?;
        let store = tx.store(PHOTOS)?;
        // Photos kept with a draft are named now: they may go.
        for id in named {
            let key = id_key(id);
            if let Some(value) = store.get(key.clone()).await?
                && !value.is_undefined()
            {
                let mut photo = PhotoBlob::from_js(value)?;
                if photo.record.draft {
                    photo.record.draft = false;
                    store.put(&photo.to_js()?, None).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Keep a photo taken for a form still being filled (see `PhotoRecord::draft`).
    pub async fn keep_draft_photo(&self, mut photo: PhotoBlob) -> Result<()> {
        photo.record.draft = true;
        let tx = self
            .rexie
            .transaction(&[PHOTOS], TransactionMode::ReadWrite)?;
        tx.store(PHOTOS)?.put(&photo.to_js()?, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One photo's bytes on this device, if it is here.
    pub async fn photo(&self, id: Uuid) -> Result<Option<PhotoBlob>> {
        let tx = self
            .rexie
            .transaction(&[PHOTOS], TransactionMode::ReadOnly)?;
        match tx.store(PHOTOS)?.get(id_key(id)).await? {
            Some(v) if !v.is_undefined() => Ok(Some(PhotoBlob::from_js(v)?)),
            _ => Ok(None),
        }
    }

    /// A form's unfinished state (a vacant-unit record or a patrol round being filled), kept so a
    /// reload or a flat battery loses nothing.
    pub async fn draft<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        self.meta_get(&format!("draft:{key}")).await
    }

    pub async fn set_draft<T: Serialize>(&self, key: &str, value: &T) -> Result<()> {
        self.meta_put(&format!("draft:{key}"), value).await
    }

    pub async fn clear_draft(&self, key: &str) -> Result<()> {
        let tx = self
            .rexie
            .transaction(&[META], TransactionMode::ReadWrite)?;
        tx.store(META)?
            .delete(JsValue::from_str(&format!("draft:{key}")))
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Store the field part of a pull inside the pull's transaction, then apply this device's
/// unsent field operations again on top.
pub(super) async fn store_pull(
    tx: &Transaction,
    field: &FieldData,
    pending: &[OutboxEntry],
) -> Result<()> {
    let meta = tx.store(META)?;
    if let Some(reference) = &field.reference {
        meta.put(&to_js(reference)?, Some(&JsValue::from_str(REFERENCE)))
            .await?;
    }
    put_many(&tx.store(AREA_DAYS)?, &field.area_days, |day| {
        Some(day_key(day.area_id, day.date))
    })
    .await?;
    put_many(&tx.store(VACANT_RECORDS)?, &field.vacant_records, |_| None).await?;
    let findings = tx.store(FINDINGS)?;
    put_many(&findings, &field.findings, |_| None).await?;
    for id in &field.findings_removed {
        findings.delete(id_key(*id)).await?;
    }
    put_many(&tx.store(ROUNDS)?, &field.rounds, |_| None).await?;
    let changed = !field.area_days.is_empty()
        || !field.vacant_records.is_empty()
        || !field.findings.is_empty();
    if !changed {
        return Ok(());
    }
    let me: Option<UserProfile> = get(&meta, JsValue::from_str("profile")).await?;
    let reference: FieldReference = get(&meta, JsValue::from_str(REFERENCE))
        .await?
        .unwrap_or_default();
    let Some(me) = me else { return Ok(()) };
    for entry in pending.iter().filter(|e| {
        e.state == EntryState::Queued && e.op.work_order_id().is_none() && e.op.user == me.username
    }) {
        // Sent before and already in the server's record, or no longer allowed by the server's
        // newer state: the server's answer will say; the screen shows the server's record.
        let _ = apply_local(tx, &entry.op, &me, &reference).await;
    }
    Ok(())
}

/// The local date a person works on now (China time, as in photo names and the server).
pub fn today() -> NaiveDate {
    naming_date(chrono::Utc::now())
}
