//! Complaints (投诉) and call-backs (回访) on the server: their rows, the office's calendar, and
//! the one way each change is made, whether it comes from a phone (`POST /api/ops`,
//! [`apply_op`]) or from the office (`routes/complaints.rs`).
//!
//! The rules are the model's (`fieldbook_model::complaints`), the same code the phone ran; the
//! server adds what only its rows know: that the team exists, that an area is the team's, that
//! the person a task is given to can work on it, and that an id is taken once.

use chrono::{DateTime, Utc};
use fieldbook_model::complaints::{
    CallBackOutcome, CallBackSubject, Complaint, ComplaintState, NewCallBack, NewComplaint, Staff,
    WorkCalendar, call_back_order,
};
use fieldbook_model::findings::{Assignee, Finding, FindingEvent, FindingSource, FindingState};
use fieldbook_model::{OpError, OpKind, Operation, RejectCode, Role, WorkOrder};
use uuid::Uuid;

use crate::applying::{Arrival, Refusal};
use crate::db::{self, Conn};
use crate::error::AppError;
use crate::field::{PhotoFiling, file_photos, finding, save_finding};
use crate::{desk, work_orders};

/// Why a complaint change was refused, before it is told as an operation's code or an HTTP error.
#[derive(Debug)]
pub enum Refused {
    /// The model's rule.
    Rule(OpError),
    /// No such team or station (nobody works in it).
    UnknownTeam,
    /// The area named is not one of the team's.
    UnknownArea,
    /// The person given the task cannot work on it (no such user, disabled, another team).
    UnknownUser(String),
    /// The complaint's or its task's id is already taken by another record.
    IdReused,
    /// A photo id already used elsewhere.
    PhotoTaken,
    /// No such complaint.
    NoComplaint,
    /// No such work order.
    NoOrder,
}

impl From<OpError> for Refused {
    fn from(e: OpError) -> Self {
        Refused::Rule(e)
    }
}

impl Refused {
    /// As a phone's operation is answered.
    pub fn code(&self) -> RejectCode {
        match self {
            Refused::Rule(e) => e.clone().into(),
            Refused::UnknownTeam | Refused::UnknownArea | Refused::UnknownUser(_) => {
                RejectCode::UnknownRecord
            }
            Refused::IdReused => RejectCode::InvalidValue,
            Refused::PhotoTaken => RejectCode::InvalidPhoto,
            Refused::NoComplaint => RejectCode::UnknownRecord,
            Refused::NoOrder => RejectCode::UnknownWorkOrder,
        }
    }
}

pub type Outcome<T> = Result<Result<T, Refused>, AppError>;

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(format!("cannot serialise: {e}")))
}

fn corrupt(what: &str, id: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("stored {what} {id} is unreadable: {e}"))
}

/// How a state is stored in its column.
pub fn state_text(s: ComplaintState) -> &'static str {
    match s {
        ComplaintState::Fixing => "fixing",
        ComplaintState::CallBackDue => "call_back_due",
        ComplaintState::Closed => "closed",
    }
}

// ---------------------------------------------------------------------------------------------
// The calendar.

/// The office's working-day calendar and the sequence value of its last change.
pub async fn calendar_with_seq(conn: &mut Conn) -> Result<(WorkCalendar, i64), AppError> {
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT calendar_json, seq FROM work_calendar WHERE id = 1")
            .fetch_optional(conn)
            .await?;
    match row {
        None => Ok((WorkCalendar::default(), 0)),
        Some((json, seq)) => Ok((
            serde_json::from_str(&json).map_err(|e| corrupt("calendar", "1", e))?,
            seq,
        )),
    }
}

pub async fn calendar(conn: &mut Conn) -> Result<WorkCalendar, AppError> {
    Ok(calendar_with_seq(conn).await?.0)
}

/// Store a checked calendar (sorted, without duplicates) at sequence value `seq`.
pub async fn save_calendar(
    conn: &mut Conn,
    calendar: &WorkCalendar,
    seq: i64,
) -> Result<(), AppError> {
    let json = to_json(calendar)?;
    db::put_single_row(conn, "work_calendar", "calendar_json", &json, seq).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Rows.

/// One complaint as stored.
pub async fn find(conn: &mut Conn, id: Uuid) -> Result<Option<Complaint>, AppError> {
    Ok(find_with_payload(conn, id).await?.map(|(c, _)| c))
}

/// One complaint and the `NewComplaint` it was taken from (as first received).
pub async fn find_with_payload(
    conn: &mut Conn,
    id: Uuid,
) -> Result<Option<(Complaint, String)>, AppError> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT complaint_json, payload FROM complaints WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(conn)
            .await?;
    row.map(|(json, payload)| {
        serde_json::from_str(&json)
            .map(|c| (c, payload))
            .map_err(|e| corrupt("complaint", &id.to_string(), e))
    })
    .transpose()
}

/// The complaint whose fix task is `finding_id`.
pub async fn of_task(conn: &mut Conn, finding_id: Uuid) -> Result<Option<Complaint>, AppError> {
    let json: Option<String> =
        sqlx::query_scalar("SELECT complaint_json FROM complaints WHERE finding_id = $1")
            .bind(finding_id.to_string())
            .fetch_optional(conn)
            .await?;
    json.map(|j| serde_json::from_str(&j).map_err(|e| corrupt("complaint of task", "", e)))
        .transpose()
}

pub fn parse_all(rows: &[String]) -> Result<Vec<Complaint>, AppError> {
    rows.iter()
        .map(|j| serde_json::from_str(j).map_err(|e| corrupt("complaint", "row", e)))
        .collect()
}

/// The canonical text of a `NewComplaint`: one text per meaning, whatever spacing or key order.
pub fn payload_text(new: &NewComplaint) -> Result<String, AppError> {
    to_json(new)
}

async fn insert(
    conn: &mut Conn,
    c: &mut Complaint,
    payload: &str,
    seq: i64,
) -> Result<(), AppError> {
    c.seq = seq;
    sqlx::query(
        "INSERT INTO complaints (id, team, state, taken_by, taken_at, finding_id, payload, \
         complaint_json, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(c.id.to_string())
    .bind(&c.team)
    .bind(state_text(c.state))
    .bind(&c.taken_by)
    .bind(db::millis(c.taken_at))
    .bind(c.finding_id.to_string())
    .bind(payload)
    .bind(to_json(c)?)
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(())
}

/// Write a changed complaint at sequence value `seq`.
pub async fn save(conn: &mut Conn, c: &mut Complaint, seq: i64) -> Result<(), AppError> {
    c.seq = seq;
    sqlx::query("UPDATE complaints SET state = $1, complaint_json = $2, seq = $3 WHERE id = $4")
        .bind(state_text(c.state))
        .bind(to_json(c)?)
        .bind(seq)
        .bind(c.id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// The fix task of a complaint (it is made with it).
pub async fn task_of(conn: &mut Conn, c: &Complaint) -> Result<Finding, AppError> {
    finding(conn, c.finding_id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("complaint {} has no task", c.id)))
}

/// Whether anyone works in `team` (a cleaning team or a service station), or it has areas.
pub async fn team_exists(conn: &mut Conn, team: &str) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM users WHERE team = $1) \
         + (SELECT COUNT(*) FROM areas WHERE team = $1 AND NOT retired)",
    )
    .bind(team)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// Whether the person a complaint's task goes to can work on it: an enabled engineer (they serve
/// every team and station) or an enabled member of the complaint's team (its cleaners, its
/// supervisor, a station's head).
pub async fn may_work_on(conn: &mut Conn, team: &str, to: &Assignee) -> Result<bool, AppError> {
    let Assignee::Person { username } = to else {
        return Ok(true);
    };
    let person = crate::users::find_by_username(conn, username).await?;
    Ok(person.is_some_and(|p| {
        !p.disabled
            && (p.role == Role::Engineer
                || (matches!(
                    p.role,
                    Role::Cleaner | Role::Supervisor | Role::ServiceSupervisor
                ) && p.team.as_deref() == Some(team)))
    }))
}

// ---------------------------------------------------------------------------------------------
// Changes, shared by the phones' operations and the office's pages.

/// Take a complaint: the complaint and its task, filed with their photos at `seq`.
pub(crate) async fn take(
    conn: &mut Conn,
    new: &NewComplaint,
    by: &Staff,
    at: DateTime<Utc>,
    filing: &PhotoFiling<'_>,
    seq: i64,
) -> Outcome<(Complaint, Finding)> {
    let calendar = calendar(conn).await?;
    let (mut complaint, mut task) = match Complaint::take(new, by, at, &calendar) {
        Ok(made) => made,
        Err(e) => return Ok(Err(e.into())),
    };
    if find(conn, new.id).await?.is_some() || finding(conn, new.finding_id).await?.is_some() {
        return Ok(Err(Refused::IdReused));
    }
    if !team_exists(conn, &complaint.team).await? {
        return Ok(Err(Refused::UnknownTeam));
    }
    if let Some(area_id) = new.area_id {
        let team: Option<String> =
            sqlx::query_scalar("SELECT team FROM areas WHERE id = $1 AND NOT retired")
                .bind(area_id.to_string())
                .fetch_optional(&mut *conn)
                .await?;
        if team.as_deref() != Some(complaint.team.as_str()) {
            return Ok(Err(Refused::UnknownArea));
        }
    }
    if let Some(to) = &new.assignee
        && !may_work_on(conn, &complaint.team, to).await?
    {
        let name = match to {
            Assignee::Person { username } => username.clone(),
            Assignee::Department { .. } => String::new(),
        };
        return Ok(Err(Refused::UnknownUser(name)));
    }
    if file_photos(
        conn,
        "complaint",
        new.id,
        &complaint.team,
        &new.photos,
        filing,
        seq,
    )
    .await?
    .is_err()
    {
        return Ok(Err(Refused::PhotoTaken));
    }
    save_finding(conn, &mut task, seq).await?;
    insert(conn, &mut complaint, &payload_text(new)?, seq).await?;
    Ok(Ok((complaint, task)))
}

/// What a call-back changed.
// One value per request, moved once: boxing a variant would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum CalledBack {
    Complaint { complaint: Complaint, task: Finding },
    Order(WorkOrder),
}

/// Record a call-back (a complaint's or a closed work order's), with its signature, at `seq`.
pub(crate) async fn call_back(
    conn: &mut Conn,
    new: &NewCallBack,
    by: &Staff,
    now: DateTime<Utc>,
    filing: &PhotoFiling<'_>,
    seq: i64,
) -> Outcome<CalledBack> {
    match new.subject {
        CallBackSubject::Complaint { complaint_id } => {
            let Some(mut complaint) = find(conn, complaint_id).await? else {
                return Ok(Err(Refused::NoComplaint));
            };
            let mut task = task_of(conn, &complaint).await?;
            let earlier = complaint.call_backs.iter().any(|b| b.id == new.id);
            let outcome = match complaint.call_back(new, by, now) {
                Ok(outcome) => outcome,
                Err(e) => return Ok(Err(e.into())),
            };
            // A call-back id is recorded once (a complaint due again after a reopening would
            // otherwise take the same call-back twice).
            if earlier {
                return Ok(Err(Refused::IdReused));
            }
            if let Some(signature) = &new.signature
                && file_photos(
                    conn,
                    "complaint_call_back",
                    complaint.id,
                    &complaint.team,
                    std::slice::from_ref(signature),
                    filing,
                    seq,
                )
                .await?
                .is_err()
            {
                return Ok(Err(Refused::PhotoTaken));
            }
            if outcome == CallBackOutcome::Reopened {
                let calendar = calendar(conn).await?;
                complaint.reopen_task(&mut task, &by.username, new.at, &calendar);
                // Reopened by the call-back, not by a device's step (`Finding::change`).
                task.stamp = None;
                save_finding(conn, &mut task, seq).await?;
            }
            save(conn, &mut complaint, seq).await?;
            Ok(Ok(CalledBack::Complaint { complaint, task }))
        }
        CallBackSubject::WorkOrder { work_order_id } => {
            let Some((mut wo, _)) = work_orders::find(conn, work_order_id).await? else {
                return Ok(Err(Refused::NoOrder));
            };
            let days = desk::settings(conn).await?.call_back_days;
            let earlier = wo.call_backs.iter().any(|b| b.id == new.id);
            if let Err(e) = call_back_order(&mut wo, new, by, days, now) {
                return Ok(Err(e.into()));
            }
            if earlier {
                return Ok(Err(Refused::IdReused));
            }
            if let Some(signature) = &new.signature
                && file_photos(
                    conn,
                    "order_call_back",
                    wo.id,
                    wo.station.as_deref().unwrap_or_default(),
                    std::slice::from_ref(signature),
                    filing,
                    seq,
                )
                .await?
                .is_err()
            {
                return Ok(Err(Refused::PhotoTaken));
            }
            work_orders::record_call_backs(conn, &wo, seq).await?;
            wo.seq = seq;
            Ok(Ok(CalledBack::Order(wo)))
        }
    }
}

/// A complaint's task changed through the finding operations (`AssignFinding`, `CloseFinding`,
/// `ConfirmFinding`, `ReopenFinding`): the complaint is written again at `seq` so the desk's
/// polling sees it, and a confirmed fix makes its call-back due.
pub(crate) async fn task_changed(
    conn: &mut Conn,
    task: &Finding,
    by: &str,
    at: DateTime<Utc>,
    seq: i64,
) -> Result<(), AppError> {
    let FindingSource::Complaint { complaint_id } = task.source else {
        return Ok(());
    };
    let Some(mut complaint) = find(conn, complaint_id).await? else {
        return Ok(());
    };
    if complaint.finding_id != task.id {
        return Ok(());
    }
    match task.shown_state() {
        // Confirmed by the step that shows: by whom and when that step says (a settling that
        // keeps a confirmation makes the call-back due from the confirmation, not the settling).
        Some(FindingState::Confirmed) => match task.history.last() {
            Some(step) if step.event == FindingEvent::Confirmed => {
                complaint.fix_confirmed(&step.by, step.at)
            }
            _ => complaint.fix_confirmed(by, at),
        },
        // Two devices' steps both kept: the call-back is not due until one is kept, even when
        // the confirmation arrived first and made it due.
        None => complaint.fix_in_doubt(),
        Some(_) => {}
    }
    save(conn, &mut complaint, seq).await
}

// ---------------------------------------------------------------------------------------------
// The phones' operations.

/// Apply `TakeComplaint` or `RecordCallBack` from `POST /api/ops` (see `field::apply`).
pub(crate) async fn apply_op(
    conn: &mut Conn,
    op: &Operation,
    seq: i64,
    arrival: &Arrival<'_>,
) -> Result<Result<(), Refusal>, AppError> {
    let me = Staff::from(&arrival.user.profile);
    let filing = PhotoFiling {
        taken_at: op.device_time,
        op_id: op.id,
        uploader_id: None,
    };
    let done = match &op.kind {
        OpKind::TakeComplaint { complaint } => {
            // Taken when the phone says, never after the server's now.
            let at = op.device_time.min(arrival.received_at);
            take(conn, complaint, &me, at, &filing, seq)
                .await?
                .map(|_| ())
        }
        OpKind::RecordCallBack { call_back: new } => {
            call_back(conn, new, &me, arrival.received_at, &filing, seq)
                .await?
                .map(|_| ())
        }
        _ => {
            return Err(AppError::Internal(format!(
                "operation {} is not about a complaint",
                op.id
            )));
        }
    };
    Ok(done.map_err(|r| r.code().into()))
}

/// Who a person is to the complaint rules, as the server knows them.
pub fn staff(user: &crate::auth::CurrentUser) -> Staff {
    Staff::from(&user.profile)
}
