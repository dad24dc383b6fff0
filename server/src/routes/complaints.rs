//! The office's complaint pages: the list (and the desk's polling of what changed), taking a
//! complaint at the desk, one complaint with its task, giving the task to someone, confirming the
//! fix, reopening a closed complaint, call-backs (recorded, and the list of those due), the
//! working-day calendar, and the month's ledger (JSON, CSV, .xlsx).
//!
//! Every change is one transaction that takes the next sequence value first (see ops.rs); a
//! refusal returns before the commit and changes nothing.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use fieldbook_model::complaints::{
    CallBackDue, CallBackMethod, CallBackSubject, Complaint, ComplaintField, ComplaintState,
    LedgerRow, NewCallBack, NewComplaint, Severity, Staff, WorkCalendar, china_midnight,
    order_call_back_due,
};
use fieldbook_model::findings::{Assignee, Finding};
use fieldbook_model::{OpError, Role, WorkOrder};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::complaints::{self as store, CalledBack, Refused};
use crate::db;
use crate::desk::{self, unprocessable};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::field::PhotoFiling;
use crate::sheet::{self, Cell};
use crate::state::AppState;
use crate::work_orders;

/// The most complaints one answer of the desk's polling carries.
pub const PAGE: usize = 500;

/// A complaint with its fix task, as the office's pages show it.
#[derive(Debug, Serialize)]
pub struct ComplaintDetail {
    pub complaint: Complaint,
    pub task: Finding,
}

/// `GET /api/complaints?since=N`: what changed after N, and the value to ask from next.
#[derive(Debug, Serialize)]
pub struct ComplaintChanges {
    pub complaints: Vec<Complaint>,
    pub seq: i64,
}

/// The office's complaint pages are the desk's (every team), a station head's or a
/// supervisor's (their own team's, and those they took); field roles take and call back on their
/// phones (`POST /api/ops`).
fn office(user: &CurrentUser) -> Result<Staff, AppError> {
    match user.profile.role {
        Role::Dispatcher | Role::ServiceSupervisor | Role::Supervisor => Ok(store::staff(user)),
        _ => Err(AppError::Forbidden(
            "the complaint pages are the office's".into(),
        )),
    }
}

fn complaint_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id)
        .map_err(|_| AppError::bad_request("bad_id", format!("'{id}' is not a complaint id")))
}

/// Unknown, or not the caller's: answered alike, so ids cannot be probed.
fn not_found(id: Uuid) -> AppError {
    AppError::NotFound(format!("no complaint {id}"))
}

fn conflict(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::refused(StatusCode::CONFLICT, code, message)
}

fn closed() -> AppError {
    conflict(
        "complaint_closed",
        "the complaint is closed; only reopening changes it",
    )
}

/// The form field a `ComplaintField` is, as the pages name their inputs.
pub fn field_name(f: ComplaintField) -> &'static str {
    match f {
        ComplaintField::Team => "team",
        ComplaintField::Customer => "customer",
        ComplaintField::ContactPhone => "contact_phone",
        ComplaintField::Place => "place",
        ComplaintField::What => "what",
        ComplaintField::Photos => "photos",
        ComplaintField::Assignee => "assignee",
        ComplaintField::AnsweredBy => "answered_by",
        ComplaintField::Words => "words",
        ComplaintField::Signature => "signature",
        ComplaintField::Time => "at",
    }
}

fn field_message(f: ComplaintField) -> &'static str {
    match f {
        ComplaintField::Team => "the team or station is required",
        ComplaintField::Customer => "the customer is required (at most 60 characters)",
        ComplaintField::ContactPhone => "not a phone number",
        ComplaintField::Place => "say where (the unit or site), on one line",
        ComplaintField::What => "say what happened",
        ComplaintField::Photos => "a photo's details are not acceptable",
        ComplaintField::Assignee => "not a person the task can go to",
        ComplaintField::AnsweredBy => "say who answered",
        ComplaintField::Words => "the customer's words are too long",
        ComplaintField::Signature => "the signature is not acceptable",
        ComplaintField::Time => "the time is not acceptable",
    }
}

/// 422 `invalid_value`, the message starting with the field's name.
fn invalid(f: ComplaintField) -> AppError {
    unprocessable(
        "invalid_value",
        format!("{}: {}", field_name(f), field_message(f)),
    )
}

/// A refusal of the office's complaint changes as the API answers it.
fn refused(r: Refused) -> AppError {
    match r {
        Refused::Rule(OpError::NotAllowed) => AppError::Forbidden(
            "you may not do this for this team (the desk, or the team's supervisor or station head)"
                .into(),
        ),
        Refused::Rule(OpError::WrongState) => conflict(
            "wrong_state",
            "the complaint or its task is not at a step that allows this",
        ),
        Refused::Rule(OpError::BadValue(what)) => {
            unprocessable("invalid_value", format!("value: {what}"))
        }
        Refused::Rule(e) => unprocessable("invalid_value", e.to_string()),
        Refused::UnknownTeam => unprocessable("unknown_team", "team: no team or station by that name"),
        Refused::UnknownArea => unprocessable("invalid_value", "place: the area is not the team's"),
        Refused::UnknownUser(name) => unprocessable(
            "unknown_user",
            format!("assignee: '{name}' is not someone who can fix this team's complaints"),
        ),
        Refused::IdReused => conflict("id_reused", "this id is already used for another complaint"),
        Refused::PhotoTaken => unprocessable("invalid_value", "photos: a photo id is already used"),
        Refused::NoComplaint => AppError::NotFound("no such complaint".into()),
        Refused::NoOrder => AppError::NotFound("no such work order".into()),
    }
}

async fn detail_of(conn: &mut db::Conn, complaint: Complaint) -> Result<ComplaintDetail, AppError> {
    let task = store::task_of(conn, &complaint).await?;
    Ok(ComplaintDetail { complaint, task })
}

// ---------------------------------------------------------------------------------------------
// The list and one complaint.

#[derive(Deserialize)]
pub struct ListQuery {
    since: Option<i64>,
    /// `open`, `late` or `call_back_due`.
    state: Option<String>,
}

/// Which complaints an office user reads: every one for the desk, else their team's and those
/// they took (the model's `Complaint::visible_to`).
async fn visible_since(
    conn: &mut db::Conn,
    me: &Staff,
    since: i64,
    limit: usize,
) -> Result<Vec<Complaint>, AppError> {
    let all = me.role == Role::Dispatcher;
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT complaint_json FROM complaints WHERE seq > $1 \
         AND ($2 OR team = $3 OR taken_by = $4) ORDER BY seq LIMIT $5",
    )
    .bind(since)
    .bind(all)
    .bind(me.home.as_deref().unwrap_or_default())
    .bind(&me.username)
    .bind(limit as i64)
    .fetch_all(conn)
    .await?;
    Ok(store::parse_all(&rows)?
        .into_iter()
        .filter(|c| c.visible_to(me))
        .collect())
}

/// `GET /api/complaints?since=N&state=open|late|call_back_due`.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<ComplaintChanges>, AppError> {
    let me = office(&user)?;
    let since = query.since.unwrap_or(0);
    if since < 0 {
        return Err(AppError::bad_request(
            "bad_query",
            "since must be 0 or more",
        ));
    }
    let now = Utc::now();
    let keep: fn(&Complaint, DateTime<Utc>) -> bool = match query.state.as_deref() {
        None | Some("") => |_, _| true,
        Some("open") => |c, _| c.is_open(),
        Some("late") => |c, now| c.is_fix_late(now) || c.is_call_back_late(now),
        Some("call_back_due") => |c, _| c.state == ComplaintState::CallBackDue,
        Some(other) => {
            return Err(AppError::bad_request(
                "bad_query",
                format!("state: '{other}' is none of open, late, call_back_due"),
            ));
        }
    };
    let mut tx = state.db.begin().await?;
    let current = db::current_seq(&mut tx).await?;
    let since = if since > current { 0 } else { since };
    let page = visible_since(&mut tx, &me, since, PAGE).await?;
    tx.commit().await?;
    let seq = match page.last() {
        Some(last) if page.len() == PAGE => last.seq,
        _ => current,
    };
    Ok(Json(ComplaintChanges {
        complaints: page.into_iter().filter(|c| keep(c, now)).collect(),
        seq,
    }))
}

/// `GET /api/complaints/{id}`: the complaint and its task.
pub async fn get_one(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ComplaintDetail>, AppError> {
    let me = office(&user)?;
    let id = complaint_id(&id)?;
    let mut conn = state.db.acquire().await?;
    let complaint = store::find(&mut conn, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    if !complaint.visible_to(&me) {
        return Err(not_found(id));
    }
    Ok(Json(detail_of(&mut conn, complaint).await?))
}

// ---------------------------------------------------------------------------------------------
// Taking one at the desk.

/// `POST /api/complaints`: 201 with the complaint; the same id and body again: 200, the same.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(new): ApiJson<NewComplaint>,
) -> Result<Response, AppError> {
    if !matches!(
        user.profile.role,
        Role::Dispatcher | Role::ServiceSupervisor
    ) {
        return Err(AppError::Forbidden(
            "complaints are taken at the desk here (phones send them as operations)".into(),
        ));
    }
    let me = store::staff(&user);
    if let Err(field) = new.check() {
        return Err(invalid(field));
    }
    // Who may take it (the model says it again in `take`): refused before anything is looked up.
    let team = new.team.trim();
    if !me.may_take_for(team) || (new.assignee.is_some() && !me.manages(team)) {
        return Err(refused(Refused::Rule(OpError::NotAllowed)));
    }
    let mut tx = state.db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    if let Some((existing, payload)) = store::find_with_payload(&mut tx, new.id).await? {
        if payload == store::payload_text(&new)? && existing.taken_by == me.username {
            tx.rollback().await?;
            return Ok(Json(existing).into_response());
        }
        return Err(refused(Refused::IdReused));
    }
    let now = Utc::now();
    let filing = PhotoFiling {
        taken_at: now,
        op_id: new.id,
        uploader_id: Some(user.id.as_str()),
    };
    let (complaint, _task) = store::take(&mut tx, &new, &me, now, &filing, seq)
        .await?
        .map_err(refused)?;
    tx.commit().await?;
    tracing::info!(complaint = %complaint.id, team = %complaint.team, by = %me.username, "complaint taken at the desk");
    Ok((StatusCode::CREATED, Json(complaint)).into_response())
}

// ---------------------------------------------------------------------------------------------
// The desk's changes to one complaint's task.

#[derive(Deserialize)]
pub struct AssignBody {
    assignee: Assignee,
}

#[derive(Deserialize)]
pub struct ReopenBody {
    reason: String,
}

/// Load a complaint and its task for a change, in a transaction that took the next sequence value.
async fn begin_change(
    state: &AppState,
    me: &Staff,
    id: Uuid,
) -> Result<(db::Tx, i64, Complaint, Finding), AppError> {
    let mut tx = state.db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    let complaint = store::find(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    if !complaint.visible_to(me) {
        return Err(not_found(id));
    }
    let task = store::task_of(&mut tx, &complaint).await?;
    // Two devices' steps both kept: the team's supervisor keeps one first (`Finding::settle`);
    // the desk changes nothing meanwhile (the page hides its buttons, a stale page is told why).
    if task.conflict.is_some() {
        return Err(conflict(
            "task_in_conflict",
            "the task is in conflict: the team's supervisor keeps one of its two steps first",
        ));
    }
    Ok((tx, seq, complaint, task))
}

async fn finish(
    mut tx: db::Tx,
    seq: i64,
    mut complaint: Complaint,
    mut task: Finding,
) -> Result<Json<ComplaintDetail>, AppError> {
    // The desk's step carries no device: a phone's step made without it is judged as always
    // (no stamp, nothing to contest; `Finding::change`).
    task.stamp = None;
    crate::field::save_finding(&mut tx, &mut task, seq).await?;
    store::save(&mut tx, &mut complaint, seq).await?;
    tx.commit().await?;
    Ok(Json(ComplaintDetail { complaint, task }))
}

/// `POST /api/complaints/{id}/assign`: give the task to a person or a department.
pub async fn assign(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<AssignBody>,
) -> Result<Json<ComplaintDetail>, AppError> {
    let me = office(&user)?;
    let id = complaint_id(&id)?;
    let (mut tx, seq, complaint, mut task) = begin_change(&state, &me, id).await?;
    if complaint.state == ComplaintState::Closed {
        return Err(closed());
    }
    if !me.manages(&complaint.team) {
        return Err(refused(Refused::Rule(OpError::NotAllowed)));
    }
    if let Assignee::Person { username } = &body.assignee
        && (username.trim().is_empty()
            || !store::may_work_on(&mut tx, &complaint.team, &body.assignee).await?)
    {
        return Err(refused(Refused::UnknownUser(username.clone())));
    }
    complaint
        .assign_task(&mut task, &me, body.assignee, Utc::now())
        .map_err(|e| refused(e.into()))?;
    finish(tx, seq, complaint, task).await
}

/// `POST /api/complaints/{id}/confirm`: the desk or the station head agrees the task is fixed.
pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ComplaintDetail>, AppError> {
    let me = office(&user)?;
    let id = complaint_id(&id)?;
    let (tx, seq, mut complaint, mut task) = begin_change(&state, &me, id).await?;
    if complaint.state == ComplaintState::Closed {
        return Err(closed());
    }
    complaint
        .confirm_task(&mut task, &me, Utc::now())
        .map_err(|e| match e {
            OpError::WrongState => conflict("wrong_state", "the task is not fixed yet"),
            e => refused(e.into()),
        })?;
    finish(tx, seq, complaint, task).await
}

/// `POST /api/complaints/{id}/reopen`: a closed complaint opens again, its task due anew.
pub async fn reopen(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ReopenBody>,
) -> Result<Json<ComplaintDetail>, AppError> {
    let me = office(&user)?;
    let id = complaint_id(&id)?;
    let (mut tx, seq, mut complaint, mut task) = begin_change(&state, &me, id).await?;
    let now = Utc::now();
    complaint
        .reopen(&me, &body.reason, now)
        .map_err(|e| match e {
            OpError::WrongState => conflict("wrong_state", "only a closed complaint is reopened"),
            OpError::BadValue(_) => {
                unprocessable("invalid_value", "reason: say why it is reopened")
            }
            e => refused(e.into()),
        })?;
    let calendar = store::calendar(&mut tx).await?;
    complaint.reopen_task(&mut task, &me.username, now, &calendar);
    finish(tx, seq, complaint, task).await
}

// ---------------------------------------------------------------------------------------------
// Call-backs.

/// What `POST /api/call-backs` answers.
#[derive(Debug, Serialize)]
#[serde(untagged)]
// One value per request, moved once: boxing a variant would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum CallBackAnswer {
    Complaint { complaint: Complaint, task: Finding },
    Order { work_order: WorkOrder },
}

/// A refused call-back, told by what was wrong.
fn call_back_refused(
    new: &NewCallBack,
    state_then: Option<ComplaintState>,
    r: Refused,
) -> AppError {
    match r {
        Refused::Rule(OpError::BadValue(_)) => match new.check() {
            Err(ComplaintField::Signature) => match (new.method, &new.signature) {
                (CallBackMethod::Phone, _) => unprocessable(
                    "signature_on_phone",
                    "signature: a call-back by phone has no signature",
                ),
                (CallBackMethod::Visit, None) => unprocessable(
                    "signature_required",
                    "signature: the customer signs a visit's call-back",
                ),
                (CallBackMethod::Visit, Some(_)) => invalid(ComplaintField::Signature),
            },
            Err(ComplaintField::Words) if !new.satisfied && new.words.trim().is_empty() => {
                unprocessable(
                    "words_required",
                    "words: say what the dissatisfied customer said",
                )
            }
            Err(field) => invalid(field),
            Ok(()) => unprocessable(
                "invalid_value",
                "at: the call-back's time is before the fix (or the closing) or in the future",
            ),
        },
        Refused::Rule(OpError::WrongState) => match (new.subject, state_then) {
            (CallBackSubject::WorkOrder { .. }, _) => conflict(
                "order_not_closed",
                "the work order is not closed yet; its call-back comes after the closing",
            ),
            (_, Some(ComplaintState::Closed)) => closed(),
            _ => conflict(
                "fix_not_confirmed",
                "the fix is not confirmed yet; the call-back comes after it",
            ),
        },
        Refused::PhotoTaken => {
            unprocessable("invalid_value", "signature: the photo id is already used")
        }
        other => refused(other),
    }
}

/// The call-back `new.id` as already recorded on its subject, if it is.
async fn recorded(
    conn: &mut db::Conn,
    new: &NewCallBack,
) -> Result<Option<(fieldbook_model::complaints::CallBack, CallBackAnswer)>, AppError> {
    match new.subject {
        CallBackSubject::Complaint { complaint_id } => {
            let Some(complaint) = store::find(conn, complaint_id).await? else {
                return Ok(None);
            };
            let Some(kept) = complaint
                .call_backs
                .iter()
                .find(|b| b.id == new.id)
                .cloned()
            else {
                return Ok(None);
            };
            let task = store::task_of(conn, &complaint).await?;
            Ok(Some((kept, CallBackAnswer::Complaint { complaint, task })))
        }
        CallBackSubject::WorkOrder { work_order_id } => {
            let Some((work_order, _)) = work_orders::find(conn, work_order_id).await? else {
                return Ok(None);
            };
            let Some(kept) = work_order
                .call_backs
                .iter()
                .find(|b| b.id == new.id)
                .cloned()
            else {
                return Ok(None);
            };
            Ok(Some((kept, CallBackAnswer::Order { work_order })))
        }
    }
}

/// `POST /api/call-backs`: 201 with the complaint and its task, or the work order. The same
/// call-back again (a retry after a lost answer) is answered 200 with how things stand; another
/// call-back under its id is refused 409 `id_reused`.
pub async fn post_call_back(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(new): ApiJson<NewCallBack>,
) -> Result<Response, AppError> {
    let me = store::staff(&user);
    let mut tx = state.db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    let state_then = match new.subject {
        CallBackSubject::Complaint { complaint_id } => {
            store::find(&mut tx, complaint_id).await?.map(|c| c.state)
        }
        CallBackSubject::WorkOrder { .. } => None,
    };
    let filing = PhotoFiling {
        taken_at: new.at,
        op_id: new.id,
        uploader_id: Some(user.id.as_str()),
    };
    let refusal = match store::call_back(&mut tx, &new, &me, Utc::now(), &filing, seq).await? {
        Ok(done) => {
            tx.commit().await?;
            let answer = match done {
                CalledBack::Complaint { complaint, task } => {
                    CallBackAnswer::Complaint { complaint, task }
                }
                CalledBack::Order(work_order) => CallBackAnswer::Order { work_order },
            };
            return Ok((StatusCode::CREATED, Json(answer)).into_response());
        }
        Err(r) => r,
    };
    // Refused. The model asks who first: someone not allowed is told so, whatever else. Then a
    // call-back already recorded under this id is a retry (the same one by the same person) or
    // a reused id.
    if let Refused::Rule(OpError::WrongState | OpError::BadValue(_)) | Refused::IdReused = refusal
        && let Some((kept, answer)) = recorded(&mut tx, &new).await?
    {
        tx.rollback().await?;
        let same = kept.by == me.username
            && kept.method == new.method
            && kept.at == new.at
            && kept.answered_by == new.answered_by.trim()
            && kept.satisfied == new.satisfied
            && kept.words == new.words.trim()
            && kept.signature == new.signature;
        if same {
            return Ok(Json(answer).into_response());
        }
        return Err(conflict("id_reused", "this call-back id is already used"));
    }
    Err(call_back_refused(&new, state_then, refusal))
}

/// `GET /api/call-backs/due`: complaints waiting for their call-back and closed orders without
/// one, soonest due first.
pub async fn due(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<CallBackDue>>, AppError> {
    let me = office(&user)?;
    let mut conn = state.db.acquire().await?;
    let all = me.role == Role::Dispatcher;
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT complaint_json FROM complaints WHERE state = 'call_back_due' \
         AND ($1 OR team = $2 OR taken_by = $3)",
    )
    .bind(all)
    .bind(me.home.as_deref().unwrap_or_default())
    .bind(&me.username)
    .fetch_all(&mut *conn)
    .await?;
    let mut list: Vec<CallBackDue> = store::parse_all(&rows)?
        .into_iter()
        .filter(|c| c.visible_to(&me))
        .filter_map(|c| {
            Some(CallBackDue {
                subject: CallBackSubject::Complaint { complaint_id: c.id },
                due: c.call_back_due?,
                title: c.customer.clone(),
                customer: c.customer,
                contact_phone: c.contact_phone,
                team: c.team,
            })
        })
        .collect();
    // Orders are the equipment side's: the desk's, and a station head's own station's.
    let station = match me.role {
        Role::Dispatcher => Some(None),
        Role::ServiceSupervisor => Some(Some(me.home.clone().unwrap_or_default())),
        _ => None,
    };
    if let Some(station) = station {
        let days = desk::settings(&mut conn).await?.call_back_days;
        for wo in work_orders::owed_call_backs(&mut conn, station.as_deref()).await? {
            let Some(due) = order_call_back_due(&wo, days) else {
                continue;
            };
            list.push(CallBackDue {
                subject: CallBackSubject::WorkOrder {
                    work_order_id: wo.id,
                },
                title: wo.ticket,
                customer: wo.customer,
                contact_phone: wo.contact_phone,
                team: wo.station.unwrap_or_default(),
                due,
            });
        }
    }
    list.sort_by_key(|d| d.due);
    Ok(Json(list))
}

// ---------------------------------------------------------------------------------------------
// The calendar.

/// `GET /api/calendar`: every signed-in user.
pub async fn get_calendar(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<WorkCalendar>, AppError> {
    let mut conn = state.db.acquire().await?;
    Ok(Json(store::calendar(&mut conn).await?))
}

/// `PUT /api/calendar` (the desk): the whole calendar, checked, kept sorted.
pub async fn put_calendar(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(calendar): ApiJson<WorkCalendar>,
) -> Result<Json<WorkCalendar>, AppError> {
    desk::dispatcher(&user)?;
    calendar
        .check()
        .map_err(|e| unprocessable("bad_calendar", e.to_string()))?;
    let calendar = calendar.normalized();
    let mut tx = state.db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    if store::calendar(&mut tx).await? == calendar {
        // Nothing changed: the phones need not pull it again.
        tx.rollback().await?;
        return Ok(Json(calendar));
    }
    store::save_calendar(&mut tx, &calendar, seq).await?;
    tx.commit().await?;
    tracing::info!(holidays = calendar.holidays.len(), make_up_days = calendar.make_up_days.len(), by = %user.profile.username, "working-day calendar changed");
    Ok(Json(calendar))
}

// ---------------------------------------------------------------------------------------------
// The month's ledger.

#[derive(Deserialize)]
pub struct LedgerQuery {
    /// `YYYY-MM`, the China month the complaints were taken in.
    month: String,
    #[serde(default)]
    format: Option<String>,
}

/// The month's rows the user may see, oldest complaint first.
pub async fn ledger_rows(
    conn: &mut db::Conn,
    me: &Staff,
    first: NaiveDate,
) -> Result<Vec<LedgerRow>, AppError> {
    let next = sheet::next_month(first)
        .ok_or_else(|| AppError::bad_request("bad_query", "month: out of range"))?;
    // The desk and the manager (who reads every team's reports) see every team's.
    let all = matches!(me.role, Role::Dispatcher | Role::Manager);
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT complaint_json FROM complaints WHERE taken_at >= $1 AND taken_at < $2 \
         AND ($3 OR team = $4 OR taken_by = $5) ORDER BY taken_at, id",
    )
    .bind(db::millis(china_midnight(first)))
    .bind(db::millis(china_midnight(next)))
    .bind(all)
    .bind(me.home.as_deref().unwrap_or_default())
    .bind(&me.username)
    .fetch_all(conn)
    .await?;
    Ok(store::parse_all(&rows)?
        .into_iter()
        .filter(|c| all || c.visible_to(me))
        .map(|c| c.ledger_row())
        .collect())
}

/// The ledger's columns, as the export's header.
pub const LEDGER_HEADER: [&str; 17] = [
    "编号",
    "受理时间",
    "类别",
    "班组/服务站",
    "客户",
    "地点",
    "投诉内容",
    "首问负责人",
    "整改期限",
    "整改确认",
    "按时整改",
    "回访期限",
    "回访时间",
    "按时回访",
    "满意",
    "重开次数",
    "状态",
];

use crate::sheet::china_time;

fn opt_time(t: Option<DateTime<Utc>>) -> String {
    t.map(china_time).unwrap_or_default()
}

fn yes_no(b: Option<bool>) -> String {
    match b {
        Some(true) => "是".into(),
        Some(false) => "否".into(),
        None => String::new(),
    }
}

/// One ledger row as the export's cells (text, as the page shows them; the reopen count is a
/// number in the .xlsx).
pub fn ledger_cells(r: &LedgerRow) -> [String; 17] {
    [
        r.complaint_id.to_string(),
        china_time(r.taken_at),
        match r.severity {
            Severity::Major => "重大".into(),
            Severity::Ordinary => "一般".into(),
        },
        r.team.clone(),
        r.customer.clone(),
        r.place.clone(),
        r.what.clone(),
        r.taken_by.clone(),
        china_time(r.fix_due),
        opt_time(r.fix_confirmed_at),
        yes_no(r.fixed_on_time),
        opt_time(r.call_back_due),
        opt_time(r.called_back_at),
        yes_no(r.call_back_on_time),
        yes_no(r.satisfied),
        r.reopened.to_string(),
        match r.state {
            ComplaintState::Fixing => "整改中".into(),
            ComplaintState::CallBackDue => "待回访".into(),
            ComplaintState::Closed => "已关闭".into(),
        },
    ]
}

/// The rows as the ledger files' cells (the reopen count a number).
fn sheet_rows(rows: &[LedgerRow]) -> Vec<Vec<Cell>> {
    rows.iter()
        .map(|r| {
            ledger_cells(r)
                .into_iter()
                .enumerate()
                .map(|(col, cell)| {
                    if col == 15 {
                        Cell::Number(f64::from(r.reopened))
                    } else {
                        Cell::Text(cell)
                    }
                })
                .collect()
        })
        .collect()
}

/// `GET /api/complaints/ledger?month=2026-12&format=json|csv|xlsx`.
pub async fn ledger(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<LedgerQuery>,
) -> Result<Response, AppError> {
    // The manager reads the ledger too (issue 18's reports), every team's.
    let me = if user.profile.role == Role::Manager {
        store::staff(&user)
    } else {
        office(&user)?
    };
    let first = sheet::month_query(&query.month)?;
    let month = first.format("%Y-%m").to_string();
    let mut conn = state.db.acquire().await?;
    let rows = ledger_rows(&mut conn, &me, first).await?;
    sheet::answer(
        query.format.as_deref(),
        || Json(&rows).into_response(),
        &format!("complaints-{month}"),
        &[(
            &format!("投诉台账 {month}"),
            &LEDGER_HEADER,
            &sheet_rows(&rows),
        )],
    )
}
