//! Applying a field operation: load what it is about, authorise the sender by the server's own
//! rows, let the model decide (`field_op::apply`, the code the phone ran), then file what it
//! returned with its photos.

use fieldbook_model::cleaning::{ChecklistItem, VacantRecord};
use fieldbook_model::conflict::Stamp;
use fieldbook_model::field_op::{self, FieldContext, FieldRecord};
use fieldbook_model::findings::{Actor, Assignee, Finding, FindingSource};
use fieldbook_model::patrol::{AreaResult, PatrolRound};
use fieldbook_model::{OpKind, Operation, RejectCode, Role};

use super::photos::add_photos;
use super::rows::{
    UnitRow, area, area_day, finding, finding_before, insert_round, insert_vacant_record, items_of,
    keep_finding_before, keep_finding_settled, record_cleaned, round, rounds_like, save_area_day,
    save_finding, unit, update_round, update_vacant_record, vacant_record, vacant_records_of,
};
use super::visibility::{is_supervisor_of, visible_finding};
use crate::applying::{Arrival, Refusal};
use crate::auth::CurrentUser;
use crate::db::Conn;
use crate::error::AppError;

type Verdicts = Result<Result<(), Refusal>, AppError>;

fn refuse<T>(code: RejectCode) -> Result<Result<T, Refusal>, AppError> {
    Ok(Err(code.into()))
}

/// What a field operation is about, as stored, once the sender may act on it.
struct Loaded {
    /// The record (None: not there yet).
    current: Option<FieldRecord>,
    /// The team whose rows it is filed under: the area's, the unit's, the finding's or round's.
    team: String,
    /// The area's checklist items, for a tick or a finishing.
    items: Vec<ChecklistItem>,
    /// The name of the area a new finding is in.
    area_name: Option<String>,
    /// The unit a new vacant-unit record is for.
    unit: Option<UnitRow>,
    /// A new vacant-unit record's unit's records, or the record in conflict with one kept.
    others: Vec<VacantRecord>,
    /// A new round's like rounds (`rows::rounds_like`), or the round in conflict with one kept.
    rounds: Vec<PatrolRound>,
    /// For a finding's step: the finding as it was before the step it shows (`Finding::change`).
    finding_before: Option<Finding>,
}

impl Loaded {
    fn new(current: Option<FieldRecord>, team: String) -> Loaded {
        Loaded {
            current,
            team,
            items: Vec::new(),
            area_name: None,
            unit: None,
            others: Vec::new(),
            rounds: Vec::new(),
            finding_before: None,
        }
    }
}

/// Authorise a field operation and write its effect, or say why not.
pub(crate) async fn apply(
    conn: &mut Conn,
    op: &Operation,
    seq: i64,
    arrival: &Arrival<'_>,
) -> Verdicts {
    if matches!(
        op.kind,
        OpKind::TakeComplaint { .. } | OpKind::RecordCallBack { .. }
    ) {
        return crate::complaints::apply_op(conn, op, seq, arrival).await;
    }
    let me = arrival.user;
    let actor = me.profile.actor();
    let mut loaded = match load(conn, op, me, &actor).await? {
        Ok(loaded) => loaded,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let created = loaded.current.is_none();
    // A finding's step that is taken as a plain step keeps the finding as it was for the next.
    let shown = match &loaded.current {
        Some(FieldRecord::Finding(f)) => Some(f.clone()),
        _ => None,
    };
    let context = FieldContext {
        items: &loaded.items,
        area_name: loaded.area_name.as_deref(),
        others: &loaded.others,
        rounds: &loaded.rounds,
        finding_before: loaded.finding_before.as_ref(),
        arrival: Some(fieldbook_model::conflict::Arrival {
            received_at: arrival.received_at,
            // `op` is already judged (`Arrival::judged` in ops.rs): its time is corrected by the
            // offset this batch measured; correcting it again would count the offset twice.
            clock_offset_ms: None,
        }),
    };
    let changed = match field_op::apply(op, &actor, loaded.current.take(), &context) {
        Ok(changed) => changed,
        Err(e) => return refuse(e.into()),
    };
    let step = Stamp::of(op, context.arrival.as_ref());
    // A settling keeps the finding in conflict as it was: the side set aside may name someone
    // whose device must drop the task on its next pull (`pull`'s moved tasks).
    let settled = match (&op.kind, &shown) {
        (OpKind::SettleFinding { .. }, Some(f)) if f.conflict.is_some() => Some(f.clone()),
        _ => None,
    };
    let before = match (&changed, shown) {
        // Taken as a plain step (not kept beside, not the same outcome, not a settling).
        (FieldRecord::Finding(f), Some(shown))
            if f.conflict.is_none() && f.stamp.as_ref() == Some(&step) =>
        {
            Some(shown)
        }
        _ => None,
    };
    let verdict = save(conn, op, seq, me, &loaded, changed, created).await?;
    if verdict.is_ok() {
        if let Some(before) = before {
            keep_finding_before(conn, before.id, &before).await?;
        }
        if let Some(settled) = settled {
            keep_finding_settled(conn, &settled).await?;
        }
    }
    Ok(verdict)
}

/// Load the record `op` is about and check that `me` may act on it; refusals in the order the
/// server always gave them.
async fn load(
    conn: &mut Conn,
    op: &Operation,
    me: &CurrentUser,
    actor: &Actor,
) -> Result<Result<Loaded, Refusal>, AppError> {
    match &op.kind {
        OpKind::MarkItem { area_id, date, .. } | OpKind::FinishArea { area_id, date } => {
            let Some(row) = area(conn, *area_id).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            if row.cleaner_id.as_deref() != Some(me.id.as_str()) {
                return refuse(RejectCode::NotAssigned);
            }
            let items = items_of(conn, *area_id).await?;
            let day = area_day(conn, *area_id, *date).await?;
            Ok(Ok(Loaded {
                items,
                ..Loaded::new(day.map(FieldRecord::AreaDay), row.team)
            }))
        }
        OpKind::ReviewArea { area_id, date, .. } | OpKind::SettleMark { area_id, date, .. } => {
            let Some(row) = area(conn, *area_id).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            if !is_supervisor_of(me, &row.team) {
                return refuse(RejectCode::Forbidden);
            }
            let day = area_day(conn, *area_id, *date).await?;
            Ok(Ok(Loaded::new(day.map(FieldRecord::AreaDay), row.team)))
        }
        OpKind::SaveVacantRecord {
            record_id, unit_id, ..
        } => {
            let Some(row) = unit(conn, *unit_id).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            if row.responsible_id != me.id {
                return refuse(RejectCode::NotAssigned);
            }
            let existing = vacant_record(conn, *record_id).await?;
            let team = row.team.clone();
            let others = vacant_records_of(conn, *unit_id).await?;
            Ok(Ok(Loaded {
                unit: Some(row),
                others,
                ..Loaded::new(existing.map(|(_, r)| FieldRecord::VacantRecord(r)), team)
            }))
        }
        OpKind::SettleVacantRecord { record_id } => {
            let Some((team, record)) = vacant_record(conn, *record_id).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            if !is_supervisor_of(me, &team) {
                return refuse(RejectCode::Forbidden);
            }
            let mut others = Vec::new();
            if let Some(other) = record.conflict_with
                && let Some((_, other)) = vacant_record(conn, other).await?
            {
                others.push(other);
            }
            Ok(Ok(Loaded {
                others,
                ..Loaded::new(Some(FieldRecord::VacantRecord(record)), team)
            }))
        }
        OpKind::ReviewVacantRecord { record_id, .. } => {
            let Some((team, record)) = vacant_record(conn, *record_id).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            if !is_supervisor_of(me, &team) {
                return refuse(RejectCode::Forbidden);
            }
            Ok(Ok(Loaded::new(
                Some(FieldRecord::VacantRecord(record)),
                team,
            )))
        }
        OpKind::ReportFinding {
            finding_id,
            area_id,
            source,
            photos,
            ..
        } => {
            // A complaint's task is made with the complaint (`TakeComplaint`), never on its own.
            if matches!(source, FindingSource::Complaint { .. }) {
                return refuse(RejectCode::InvalidValue);
            }
            let existing = finding(conn, *finding_id).await?;
            // A vacant unit's problem: sent by the record's cleaner after the record, with the
            // record's own photos of its problems.
            if existing.is_none()
                && let FindingSource::VacantUnit(record_id) = source
            {
                match vacant_record(conn, *record_id).await? {
                    Some((team, r))
                        if r.cleaner == op.user && actor.team.as_deref() == Some(&team) =>
                    {
                        if !r.shows_problems(photos) {
                            return refuse(RejectCode::InvalidPhoto);
                        }
                    }
                    _ => return refuse(RejectCode::UnknownRecord),
                }
            }
            let mut area_name = None;
            // One already there is refused by the model, whatever area it names.
            if existing.is_none()
                && let Some(area_id) = area_id
            {
                let Some(row) = area(conn, *area_id).await? else {
                    return refuse(RejectCode::UnknownRecord);
                };
                if Some(row.team.as_str()) != actor.team.as_deref() {
                    return refuse(RejectCode::UnknownRecord);
                }
                area_name = Some(row.name);
            }
            let team = actor.team.clone().unwrap_or_default();
            Ok(Ok(Loaded {
                area_name,
                ..Loaded::new(existing.map(FieldRecord::Finding), team)
            }))
        }
        OpKind::AssignFinding {
            finding_id,
            assignee,
            ..
        } => {
            let Some(f) = visible_finding(conn, *finding_id, actor).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            // A person: an engineer (they serve every team) or someone of the finding's team.
            if let Assignee::Person { username } = assignee {
                let person = crate::users::find_by_username(conn, username).await?;
                let can_work = person.is_some_and(|p| {
                    !p.disabled
                        && (p.role == Role::Engineer
                            || (matches!(p.role, Role::Cleaner | Role::Supervisor)
                                && p.team.as_deref() == Some(f.team.as_str())))
                });
                if !can_work {
                    return refuse(RejectCode::UnknownRecord);
                }
            }
            let team = f.team.clone();
            Ok(Ok(Loaded {
                finding_before: finding_before(conn, *finding_id).await?,
                ..Loaded::new(Some(FieldRecord::Finding(f)), team)
            }))
        }
        OpKind::CloseFinding { finding_id, .. }
        | OpKind::ConfirmFinding { finding_id }
        | OpKind::ReopenFinding { finding_id, .. }
        | OpKind::SettleFinding { finding_id, .. } => {
            let Some(f) = visible_finding(conn, *finding_id, actor).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            if matches!(op.kind, OpKind::SettleFinding { .. }) && !is_supervisor_of(me, &f.team) {
                return refuse(RejectCode::Forbidden);
            }
            let team = f.team.clone();
            Ok(Ok(Loaded {
                finding_before: finding_before(conn, *finding_id).await?,
                ..Loaded::new(Some(FieldRecord::Finding(f)), team)
            }))
        }
        OpKind::SubmitRound {
            round_id,
            areas,
            kind,
            date,
            ..
        } => {
            let (Role::Supervisor, Some(team)) = (me.profile.role, me.profile.team.clone()) else {
                return refuse(RejectCode::Forbidden);
            };
            let existing = round(conn, *round_id).await?;
            // One already there is refused by the model, whatever areas it names.
            if existing.is_none() {
                for a in areas {
                    match area(conn, a.area_id).await? {
                        Some(row) if row.team == team => {}
                        _ => return refuse(RejectCode::UnknownRecord),
                    }
                    // The finding a failed area names was reported before the round (the phone
                    // sends it first), on the same team.
                    if let AreaResult::Finding { finding_id } = a.result {
                        let of: Option<String> =
                            sqlx::query_scalar("SELECT team FROM findings WHERE id = $1")
                                .bind(finding_id.to_string())
                                .fetch_optional(&mut *conn)
                                .await?;
                        if of.as_deref() != Some(team.as_str()) {
                            return refuse(RejectCode::UnknownRecord);
                        }
                    }
                }
            }
            let rounds = match existing {
                None => rounds_like(conn, &team, *kind, *date).await?,
                Some(_) => Vec::new(),
            };
            Ok(Ok(Loaded {
                rounds,
                ..Loaded::new(existing.map(FieldRecord::Round), team)
            }))
        }
        OpKind::SettleRound { round_id } => {
            let Some(kept) = round(conn, *round_id).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            if !is_supervisor_of(me, &kept.team) {
                return refuse(RejectCode::Forbidden);
            }
            let mut rounds = Vec::new();
            if let Some(other) = kept.conflict_with
                && let Some(other) = round(conn, other).await?
            {
                rounds.push(other);
            }
            let team = kept.team.clone();
            Ok(Ok(Loaded {
                rounds,
                ..Loaded::new(Some(FieldRecord::Round(kept)), team)
            }))
        }
        _ => Err(AppError::Internal(format!(
            "operation {} is not a field operation",
            op.id
        ))),
    }
}

/// File what the model returned, with the photos the operation names (their bytes follow).
async fn save(
    conn: &mut Conn,
    op: &Operation,
    seq: i64,
    me: &CurrentUser,
    loaded: &Loaded,
    changed: FieldRecord,
    created: bool,
) -> Verdicts {
    let photos = match &op.kind {
        OpKind::SaveVacantRecord {
            record_id, photos, ..
        } => Some(("vacant_record", record_id, photos)),
        // A vacant unit's problem shows the photos filed with its record.
        OpKind::ReportFinding {
            source: FindingSource::VacantUnit(_),
            ..
        } => None,
        OpKind::ReportFinding {
            finding_id, photos, ..
        } => Some(("finding", finding_id, photos)),
        OpKind::CloseFinding {
            finding_id, photos, ..
        } => Some(("finding_after", finding_id, photos)),
        _ => None,
    };
    if let Some((owner_kind, owner_id, photos)) = photos
        && let Err(refusal) =
            add_photos(conn, owner_kind, *owner_id, &loaded.team, photos, op, seq).await?
    {
        return Ok(Err(refusal));
    }
    match changed {
        FieldRecord::AreaDay(mut day) => save_area_day(conn, &loaded.team, &mut day, seq).await?,
        FieldRecord::VacantRecord(record) => {
            save_vacant(conn, me, loaded, record, created, seq).await?
        }
        FieldRecord::VacantPair(record, mut other) => {
            save_vacant(conn, me, loaded, record, created, seq).await?;
            update_vacant_record(conn, &mut other, seq).await?;
        }
        FieldRecord::Finding(mut f) => {
            save_finding(conn, &mut f, seq).await?;
            // A complaint's task: the complaint follows (a confirmed fix makes its call-back due).
            crate::complaints::task_changed(conn, &f, &op.user, op.device_time, seq).await?;
        }
        FieldRecord::Round(mut round) => insert_round(conn, &mut round, &me.id, seq).await?,
        FieldRecord::RoundPair(mut round, mut other) => {
            if created {
                insert_round(conn, &mut round, &me.id, seq).await?;
            } else {
                update_round(conn, &mut round, seq).await?;
            }
            update_round(conn, &mut other, seq).await?;
        }
    }
    Ok(Ok(()))
}

/// File a vacant-unit record: a new one moves its unit's last cleaning.
async fn save_vacant(
    conn: &mut Conn,
    me: &CurrentUser,
    loaded: &Loaded,
    mut record: VacantRecord,
    created: bool,
    seq: i64,
) -> Result<(), AppError> {
    match &loaded.unit {
        Some(unit) if created => {
            insert_vacant_record(conn, &mut record, &me.id, &loaded.team, seq).await?;
            record_cleaned(conn, unit, record.ended_at, seq).await
        }
        _ => update_vacant_record(conn, &mut record, seq).await,
    }
}
