//! Cleaning checklists, vacant units, findings and patrol rounds on the device.
//!
//! Like work orders: every change is applied here with the model's rules and written in ONE
//! transaction with its outbox entry (and its photos' bytes); a pull stores the server's records
//! with this device's unsent operations applied again on top, so nothing tapped offline ever
//! disappears from the screen.

use chrono::NaiveDate;
use fieldbook_model::cleaning::{AreaDay, VacantRecord};
use fieldbook_model::complaints::{
    CallBackOutcome, CallBackSubject, Complaint, NewCallBack, NewComplaint, Staff,
};
use fieldbook_model::field_op::{self, FieldContext, FieldRecord};
use fieldbook_model::findings::{Finding, FindingSource};
use fieldbook_model::op::naming_date;
use fieldbook_model::order::ordered;
use fieldbook_model::patrol::PatrolRound;
use fieldbook_model::sync::{FieldData, FieldReference};
use fieldbook_model::{OpError, OpKind, Operation, Subject, UserProfile};
use rexie::{Store, Transaction, TransactionMode};
use serde::de::DeserializeOwned;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::schema::{
    AREA_DAYS, COMPLAINTS, FINDINGS, META, OUTBOX, PHOTOS, ROUNDS, VACANT_RECORDS,
};
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
const FIELD_STORES: [&str; 8] = [
    AREA_DAYS,
    VACANT_RECORDS,
    FINDINGS,
    ROUNDS,
    COMPLAINTS,
    META,
    OUTBOX,
    PHOTOS,
];

/// The record `subject` names in `tx`, if it is there.
async fn load(tx: &Transaction, subject: Subject) -> Result<Option<FieldRecord>> {
    Ok(match subject {
        Subject::AreaDay(area, date) => get(&tx.store(AREA_DAYS)?, day_key(area, date))
            .await?
            .map(FieldRecord::AreaDay),
        Subject::VacantRecord(id) => get(&tx.store(VACANT_RECORDS)?, id_key(id))
            .await?
            .map(FieldRecord::VacantRecord),
        Subject::Finding(id) => get(&tx.store(FINDINGS)?, id_key(id))
            .await?
            .map(FieldRecord::Finding),
        Subject::Round(id) => get(&tx.store(ROUNDS)?, id_key(id))
            .await?
            .map(FieldRecord::Round),
        // Complaints are applied by `apply_complaint`, before this.
        Subject::WorkOrder(_) | Subject::Complaint(_) | Subject::OrderCallBack(_) => {
            return Err(not_field());
        }
    })
}

async fn save(tx: &Transaction, record: &FieldRecord) -> Result<()> {
    match record {
        FieldRecord::AreaDay(day) => {
            let key = day_key(day.area_id, day.date);
            tx.store(AREA_DAYS)?.put(&to_js(day)?, Some(&key)).await?;
        }
        FieldRecord::VacantRecord(r) => {
            tx.store(VACANT_RECORDS)?.put(&to_js(r)?, None).await?;
        }
        FieldRecord::VacantPair(r, other) => {
            let store = tx.store(VACANT_RECORDS)?;
            store.put(&to_js(r)?, None).await?;
            store.put(&to_js(other)?, None).await?;
        }
        FieldRecord::Finding(f) => {
            tx.store(FINDINGS)?.put(&to_js(f)?, None).await?;
        }
        FieldRecord::Round(r) => {
            tx.store(ROUNDS)?.put(&to_js(r)?, None).await?;
        }
        FieldRecord::RoundPair(r, other) => {
            let store = tx.store(ROUNDS)?;
            store.put(&to_js(r)?, None).await?;
            store.put(&to_js(other)?, None).await?;
        }
    }
    Ok(())
}

/// Apply one field operation to its record in `tx`: the model's rules, the same the server runs.
async fn apply_local(
    tx: &Transaction,
    op: &Operation,
    me: &UserProfile,
    reference: &FieldReference,
) -> Result<()> {
    // At the best time this device knows, as the server judges it.
    let op = &op.judged(crate::time::ahead_ms(), None);
    if let OpKind::TakeComplaint { complaint } = &op.kind {
        return take_complaint(tx, op, complaint, me, reference).await;
    }
    if let OpKind::RecordCallBack { call_back } = &op.kind {
        return record_call_back(tx, op, call_back, me, reference).await;
    }
    let current = load(tx, op.subject()).await?;
    let area_name = match &op.kind {
        OpKind::ReportFinding {
            area_id: Some(area),
            ..
        } => reference
            .areas
            .iter()
            .find(|a| a.id == *area)
            .map(|a| a.name.as_str()),
        _ => None,
    };
    // A settling keeps one record and sets the one in conflict with it aside.
    let mut others = Vec::new();
    if let (OpKind::SettleVacantRecord { .. }, Some(FieldRecord::VacantRecord(r))) =
        (&op.kind, &current)
        && let Some(other) = r.conflict_with
        && let Some(other) = get(&tx.store(VACANT_RECORDS)?, id_key(other)).await?
    {
        others.push(other);
    }
    let mut rounds = Vec::new();
    if let (OpKind::SettleRound { .. }, Some(FieldRecord::Round(r))) = (&op.kind, &current)
        && let Some(other) = r.conflict_with
        && let Some(other) = get(&tx.store(ROUNDS)?, id_key(other)).await?
    {
        rounds.push(other);
    }
    let context = FieldContext {
        items: &reference.items,
        area_name,
        arrival: None,
        others: &others,
        rounds: &rounds,
        finding_before: None,
    };
    let changed = field_op::apply(op, &me.actor(), current, &context)?;
    // A complaint's task confirmed (the supervisor's usual confirm): its call-back is due.
    if let (OpKind::ConfirmFinding { .. }, FieldRecord::Finding(f)) = (&op.kind, &changed)
        && let FindingSource::Complaint { complaint_id } = f.source
    {
        let complaints = tx.store(COMPLAINTS)?;
        if let Some(mut c) = get::<Complaint>(&complaints, id_key(complaint_id)).await? {
            c.fix_confirmed(&op.user, op.device_time);
            complaints.put(&to_js(&c)?, None).await?;
        }
    }
    save(tx, &changed).await
}

/// A complaint taken on this device: the complaint and its fix task, made by the model's rule
/// (the same the server runs), each refused when its id is taken.
async fn take_complaint(
    tx: &Transaction,
    op: &Operation,
    new: &NewComplaint,
    me: &UserProfile,
    reference: &FieldReference,
) -> Result<()> {
    let complaints = tx.store(COMPLAINTS)?;
    let findings = tx.store(FINDINGS)?;
    if get::<Complaint>(&complaints, id_key(new.id))
        .await?
        .is_some()
        || get::<Finding>(&findings, id_key(new.finding_id))
            .await?
            .is_some()
    {
        return Err(OpError::AlreadyExists("a complaint with this id").into());
    }
    let (complaint, task) =
        Complaint::take(new, &Staff::from(me), op.device_time, &reference.calendar)?;
    complaints.put(&to_js(&complaint)?, None).await?;
    findings.put(&to_js(&task)?, None).await?;
    Ok(())
}

/// A call-back recorded on this device (a visit): a dissatisfied one reopens the complaint's task.
async fn record_call_back(
    tx: &Transaction,
    op: &Operation,
    new: &NewCallBack,
    me: &UserProfile,
    reference: &FieldReference,
) -> Result<()> {
    // A closed work order's call-back is the office's: no phone screen records one.
    let CallBackSubject::Complaint { complaint_id } = new.subject else {
        return Err(not_field());
    };
    let complaints = tx.store(COMPLAINTS)?;
    let mut complaint: Complaint = get(&complaints, id_key(complaint_id))
        .await?
        .ok_or(OpError::NotFound("complaint"))?;
    let now = crate::time::now().max(op.device_time);
    if complaint.call_back(new, &Staff::from(me), now)? == CallBackOutcome::Reopened {
        let findings = tx.store(FINDINGS)?;
        if let Some(mut task) = get::<Finding>(&findings, id_key(complaint.finding_id)).await? {
            complaint.reopen_task(&mut task, &op.user, new.at, &reference.calendar);
            findings.put(&to_js(&task)?, None).await?;
        }
    }
    complaints.put(&to_js(&complaint)?, None).await?;
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

    /// The complaints this device knows: the person's own (首问负责) and, for a supervisor, the
    /// team's. Newest first.
    pub async fn complaints(&self) -> Result<Vec<Complaint>> {
        let complaints: Vec<Complaint> = all(self, COMPLAINTS).await?;
        Ok(ordered(complaints, |x| {
            (-x.taken_at.timestamp_millis(), 0, String::new())
        }))
    }

    /// One complaint, read by its key.
    pub async fn complaint(&self, id: Uuid) -> Result<Option<Complaint>> {
        let tx = self
            .rexie
            .transaction(&[COMPLAINTS], TransactionMode::ReadOnly)?;
        get(&tx.store(COMPLAINTS)?, id_key(id)).await
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

    /// A form's unfinished state, as JSON text (see `crate::drafts`, the one module that keeps
    /// drafts): stored as a plain object, readable in DevTools. Drafts are the signed-in
    /// person's (`draft:<username>:<key>`): on a shared phone the next person never sees, nor
    /// sends, what the one before them typed.
    pub async fn draft_text(&self, key: &str) -> Result<Option<String>> {
        let tx = self.rexie.transaction(&[META], TransactionMode::ReadOnly)?;
        let meta = tx.store(META)?;
        let Some(key) = draft_key(&meta, key).await? else {
            return Ok(None);
        };
        match meta.get(key).await? {
            Some(v) if !v.is_undefined() => Ok(Some(super::codec::stringify(&v)?)),
            _ => Ok(None),
        }
    }

    /// Keep `text` as the draft of `key`, or forget it (`None`).
    pub async fn set_draft_text(&self, key: &str, text: Option<&str>) -> Result<()> {
        let tx = self
            .rexie
            .transaction(&[META], TransactionMode::ReadWrite)?;
        let meta = tx.store(META)?;
        let Some(key) = draft_key(&meta, key).await? else {
            // Nobody is signed in: nobody is typing.
            return Ok(());
        };
        match text {
            Some(t) => {
                meta.put(&super::codec::parse(t)?, Some(&key)).await?;
            }
            None => meta.delete(key).await?,
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Where the signed-in person's draft `key` is kept; None when nobody is signed in.
async fn draft_key(meta: &Store, key: &str) -> Result<Option<JsValue>> {
    let profile: Option<UserProfile> = match meta.get(JsValue::from_str("profile")).await? {
        Some(v) if !v.is_undefined() => Some(from_js(v)?),
        _ => None,
    };
    Ok(profile.map(|p| JsValue::from_str(&draft_prefix(&p.username, key))))
}

/// The meta key of `username`'s draft `key` (with an empty `key`, the prefix of all of theirs).
pub(crate) fn draft_prefix(username: &str, key: &str) -> String {
    format!("draft:{username}:{key}")
}

/// Store the field part of a pull inside the pull's transaction, then apply this device's
/// unsent field operations again on top of the records it replaced.
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
    put_many(&tx.store(COMPLAINTS)?, &field.complaints, |_| None).await?;
    // The records the server's answer replaced. Every other record on this device already holds
    // this device's unsent operations: applying them again would apply them twice (a second
    // assignment in a finding's history), and a record made here is refused the second time.
    let replaced: Vec<Subject> = field
        .area_days
        .iter()
        .map(|d| Subject::AreaDay(d.area_id, d.date))
        .chain(
            field
                .vacant_records
                .iter()
                .map(|r| Subject::VacantRecord(r.id)),
        )
        .chain(field.findings.iter().map(|f| Subject::Finding(f.id)))
        .chain(field.rounds.iter().map(|r| Subject::Round(r.id)))
        .chain(field.complaints.iter().map(|c| Subject::Complaint(c.id)))
        .collect();
    if replaced.is_empty() {
        return Ok(());
    }
    let me: Option<UserProfile> = get(&meta, JsValue::from_str("profile")).await?;
    let reference: FieldReference = get(&meta, JsValue::from_str(REFERENCE))
        .await?
        .unwrap_or_default();
    let Some(me) = me else { return Ok(()) };
    for entry in pending.iter().filter(|e| {
        e.state == EntryState::Queued
            && e.op.user == me.username
            && replaced.contains(&e.op.subject())
    }) {
        // Sent before and already in the server's record, or no longer allowed by the server's
        // newer state: the server's answer will say; the screen shows the server's record.
        let _ = apply_local(tx, &entry.op, &me, &reference).await;
    }
    Ok(())
}

/// The local date a person works on now (China time, as in photo names and the server).
pub fn today() -> NaiveDate {
    naming_date(crate::time::now())
}
