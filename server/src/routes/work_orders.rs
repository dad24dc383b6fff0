//! Work orders as a whole: the office's list (and the desk's polling of what changed), one order,
//! a call taken at the desk (`POST`), the next ticket number, and giving an order to another
//! engineer. The desk's changes to one order are in `order_desk.rs`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use fieldbook_model::desk::{NewWorkOrder, OrderChanges, Person};
use fieldbook_model::dispatch::{self, check_ticket};
use fieldbook_model::{AssigneeChange, Role, StatusNode, WorkOrder, WorkOrderDetail};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::desk::{self, Scope, detail, order_id, unprocessable};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use crate::{db, work_orders};

/// The most orders one answer of the desk's polling carries (as a phone's sync page).
pub const PAGE: usize = 500;

#[derive(Deserialize)]
pub struct ListQuery {
    /// Only the orders changed after this sequence value (`OrderChanges`).
    since: Option<i64>,
}

/// Who reads the list: every order for the office (dispatchers and supervisors), a station
/// head their station's.
fn list_scope(user: &CurrentUser) -> Result<Scope, AppError> {
    match user.profile.role {
        Role::Dispatcher | Role::Supervisor | Role::Manager | Role::Claims => Ok(Scope::All),
        Role::ServiceSupervisor => desk::scope(user),
        _ => Err(AppError::Forbidden(
            "the work-order list is for the office".into(),
        )),
    }
}

/// `GET /api/work-orders`: the recent orders (newest call first); with `?since=N`, the orders
/// changed after N and the value to ask from next (the desk polls it every few seconds).
pub async fn list_work_orders(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Response, AppError> {
    let scope = list_scope(&user)?;
    let Some(since) = query.since else {
        let mut conn = state.db.acquire().await?;
        let orders = work_orders::recent(&mut conn, scope.station(), 500).await?;
        return Ok(Json(orders).into_response());
    };
    if since < 0 {
        return Err(AppError::bad_request(
            "bad_query",
            "since must be 0 or more",
        ));
    }
    let mut tx = state.db.begin().await?;
    // The sequence before the orders (as sync does): a change in between comes now and again.
    let current = db::current_seq(&mut tx).await?;
    let since = if since > current { 0 } else { since };
    let orders = work_orders::changed_at_station(&mut tx, scope.station(), since, PAGE).await?;
    tx.commit().await?;
    let seq = match orders.last() {
        Some(last) if orders.len() == PAGE => last.seq,
        _ => current,
    };
    Ok(Json(OrderChanges { seq, orders }).into_response())
}

pub async fn get_work_order(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<WorkOrderDetail>, AppError> {
    let id = order_id(&id)?;
    let mut conn = state.db.acquire().await?;
    Ok(Json(detail(&mut conn, &user, id).await?))
}

/// `GET /api/work-orders/next-ticket`: the number the rule would give a call taken now.
pub async fn next_ticket(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<serde_json::Value>, AppError> {
    desk::dispatcher(&user)?;
    let mut conn = state.db.acquire().await?;
    let settings = desk::settings(&mut conn).await?;
    let ticket = desk::next_ticket(&mut conn, &settings.ticket_rule, Utc::now()).await?;
    Ok(Json(serde_json::json!({ "ticket": ticket })))
}

/// `POST /api/work-orders`: a call taken and dispatched (dispatchers). 201 with the order.
pub async fn create_work_order(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(call): ApiJson<NewWorkOrder>,
) -> Result<Response, AppError> {
    desk::dispatcher(&user)?;
    let errors = call.check();
    if let Some(first) = errors.first() {
        let message = errors
            .iter()
            .map(|e| format!("{}: {e}", e.field()))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(unprocessable(first.code(), message));
    }
    let typed = call
        .ticket
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if let Some(ticket) = typed {
        check_ticket(ticket).map_err(|e| unprocessable("bad_ticket", format!("ticket: {e}")))?;
    }
    let mut tx = state.db.begin().await?;
    // The sequence first: this transaction writes from its start, so two calls taken at once
    // cannot both get the same number.
    let seq = db::next_seq(&mut tx).await?;
    let settings = desk::settings(&mut tx).await?;
    let ticket = match typed {
        Some(ticket) => {
            if work_orders::ticket_taken(&mut tx, ticket).await? {
                return Err(duplicate(ticket));
            }
            ticket.to_string()
        }
        None => desk::next_ticket(&mut tx, &settings.ticket_rule, call.called_at).await?,
    };
    let assignee = desk::engineer(&mut tx, "assignee", call.assignee.trim()).await?;
    let companions = desk::companions(&mut tx, &call.companions, &assignee.username, None).await?;
    let mut wo = WorkOrder {
        id: Uuid::new_v4(),
        ticket: ticket.clone(),
        customer: call.customer.trim().into(),
        site: call.site.trim().into(),
        equipment_model: call.equipment_model.trim().into(),
        serial: call.serial.trim().into(),
        engine_hours: call.engine_hours,
        working_condition: call.working_condition.trim().into(),
        fault_description: call.fault_description.clone(),
        service_type: call.service_type,
        machine_down: call.machine_down,
        called_at: call.called_at,
        planned_at: call.planned_at,
        assignee: assignee.username.clone(),
        assignee_name: assignee.display_name.clone(),
        status: StatusNode::Dispatched,
        history: Vec::new(),
        seq,
        slots: Vec::new(),
        photos: Vec::new(),
        report: Default::default(),
        contact_name: call.contact_name.trim().into(),
        contact_phone: call.contact_phone.trim().into(),
        companions,
        station: assignee.team.clone(),
        repeat_of: None,
        first_response: None,
        departure: None,
        reviews: Vec::new(),
        closure: None,
        naming: settings.photo_naming,
        unrepaired_reason: None,
        call_backs: Vec::new(),
        claim_expected: call.claim_expected,
    };
    let same_machine = work_orders::with_serial(&mut tx, &wo.serial).await?;
    wo.repeat_of = dispatch::repeat_of(&wo, &same_machine).map(|o| o.ticket.clone());
    if let Err(e) = work_orders::insert(&mut tx, &wo, &assignee.id, seq).await {
        // The UNIQUE index is the last word, should a number be taken by another path.
        if e.as_database_error()
            .is_some_and(|d| d.is_unique_violation())
        {
            return Err(duplicate(&ticket));
        }
        return Err(e.into());
    }
    work_orders::set_taken_by(&mut tx, wo.id, &user.profile.username).await?;
    let answer = detail(&mut tx, &user, wo.id).await?;
    tx.commit().await?;
    tracing::info!(work_order = %wo.id, ticket = %wo.ticket, to = %wo.assignee, seq, by = %user.profile.username, "call taken");
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

fn duplicate(ticket: &str) -> AppError {
    AppError::refused(
        StatusCode::CONFLICT,
        "duplicate_ticket",
        format!("ticket: {ticket} is already taken"),
    )
}

/// Reassign the order (a dispatcher; a station head within their station). Giving it to the
/// engineer who has it already changes nothing. The order moves to the new engineer's station.
///
/// What the previous assignee does offline meanwhile is not lost: their operations on it are
/// held for the office (`RejectCode::Reassigned`), and their next sync lists it in `removed`.
pub async fn put_assignee(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(change): ApiJson<AssigneeChange>,
) -> Result<Json<WorkOrderDetail>, AppError> {
    let scope = desk::scope(&user)
        .map_err(|_| AppError::Forbidden("only the desk may reassign work orders".into()))?;
    let id = order_id(&id)?;
    let mut c = desk::begin_change(&state, &scope, id).await?;
    let assignee = desk::engineer(&mut c.tx, "username", &change.username).await?;
    if let Some(station) = scope.station()
        && assignee.team.as_deref() != Some(station)
    {
        return Err(AppError::Forbidden(format!(
            "'{}' is not an engineer of your station",
            change.username
        )));
    }
    if assignee.id == c.assignee_id {
        // Dropping the transaction gives the sequence value back.
        drop(c);
        let mut conn = state.db.acquire().await?;
        return Ok(Json(detail(&mut conn, &user, id).await?));
    }
    work_orders::reassign(&mut c.tx, id, &assignee.id, c.seq).await?;
    c.wo.station = assignee.team.clone();
    c.wo.companions
        .retain(|p: &Person| p.username != assignee.username);
    let seq = c.seq;
    let answer = c.commit(&user).await?;
    tracing::info!(work_order = %id, to = %assignee.username, seq, by = %user.profile.username, "work order reassigned");
    Ok(Json(answer))
}
