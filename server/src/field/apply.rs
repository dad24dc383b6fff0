//! Applying a field operation: load what it is about, authorise the sender by the server's own
//! rows, let the model decide (`field_op::apply`, the code the phone ran), then file what it
//! returned with its photos.

use fieldbook_model::cleaning::ChecklistItem;
use fieldbook_model::field_op::{self, FieldContext, FieldRecord};
use fieldbook_model::findings::{Actor, Assignee, FindingSource};
use fieldbook_model::patrol::AreaResult;
use fieldbook_model::{OpKind, Operation, RejectCode, Role};

use super::photos::add_photos;
use super::rows::{
    UnitRow, area, area_day, finding, insert_round, insert_vacant_record, items_of, record_cleaned,
    round, save_area_day, save_finding, unit, update_vacant_record, vacant_record,
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
}

impl Loaded {
    fn new(current: Option<FieldRecord>, team: String) -> Loaded {
        Loaded {
            current,
            team,
            items: Vec::new(),
            area_name: None,
            unit: None,
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
    let context = FieldContext {
        items: &loaded.items,
        area_name: loaded.area_name.as_deref(),
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
    save(conn, op, seq, me, &loaded, changed, created).await
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
            Ok(Ok(Loaded {
                unit: Some(row),
                ..Loaded::new(existing.map(|(_, r)| FieldRecord::VacantRecord(r)), team)
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
            ..
        } => {
            // A complaint's task is made with the complaint (`TakeComplaint`), never on its own.
            if matches!(source, FindingSource::Complaint { .. }) {
                return refuse(RejectCode::InvalidValue);
            }
            let existing = finding(conn, *finding_id).await?;
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
            Ok(Ok(Loaded::new(Some(FieldRecord::Finding(f)), team)))
        }
        OpKind::CloseFinding { finding_id, .. }
        | OpKind::ConfirmFinding { finding_id }
        | OpKind::ReopenFinding { finding_id, .. } => {
            let Some(f) = visible_finding(conn, *finding_id, actor).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            let team = f.team.clone();
            Ok(Ok(Loaded::new(Some(FieldRecord::Finding(f)), team)))
        }
        OpKind::SubmitRound {
            round_id, areas, ..
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
            Ok(Ok(Loaded::new(existing.map(FieldRecord::Round), team)))
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
        FieldRecord::VacantRecord(mut record) => match &loaded.unit {
            Some(unit) if created => {
                insert_vacant_record(conn, &mut record, &me.id, &loaded.team, seq).await?;
                record_cleaned(conn, unit, record.ended_at, seq).await?;
            }
            _ => update_vacant_record(conn, &mut record, seq).await?,
        },
        FieldRecord::Finding(mut f) => {
            save_finding(conn, &mut f, seq).await?;
            // A complaint's task: the complaint follows (a confirmed fix makes its call-back due).
            crate::complaints::task_changed(conn, &f, &op.user, op.device_time, seq).await?;
        }
        FieldRecord::Round(mut round) => insert_round(conn, &mut round, &me.id, seq).await?,
    }
    Ok(Ok(()))
}
