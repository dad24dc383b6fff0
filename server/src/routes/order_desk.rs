//! The desk's changes to one work order: plan, machine, unrepaired reason, first response, phone
//! fix, review, the answer to a signature waiver request, and the settling of work held after a
//! reassignment.
//!
//! Each loads the order in a transaction that took the next sequence value first (so the phone
//! pulls the change at its next sync), lets the model's rule decide, and writes what changed; a
//! refusal drops the transaction and changes nothing. A closed order refuses them all (409
//! `order_closed`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use fieldbook_model::desk::{
    FirstResponse, FirstResponseRecord, HeldDecision, MachineFix, PhoneFix, PlanChange,
    ReviewDecision, Stamped, UnrepairedReason, WaiverAnswer,
};
use fieldbook_model::dispatch;
use fieldbook_model::validate::{limits, short_ok, text_ok};
use fieldbook_model::{HeldSettlement, OpKind, RejectCode, WorkOrderDetail};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::desk::{self, Scope, order_id, unprocessable};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use crate::{db, held_ops, photos, work_orders};

/// `PUT /api/work-orders/{id}/plan`: reschedule, and who goes along (desk; a head their station's).
pub async fn put_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(plan): ApiJson<PlanChange>,
) -> Result<Json<WorkOrderDetail>, AppError> {
    let scope = desk::scope(&user)?;
    let mut c = desk::begin_change(&state, &scope, order_id(&id)?).await?;
    if plan.planned_at < c.wo.called_at {
        return Err(unprocessable(
            "planned_before_call",
            "planned_at: the planned time is before the call",
        ));
    }
    if plan.companions.len() > limits::MAX_COMPANIONS {
        return Err(unprocessable("invalid_value", "companions: too many"));
    }
    let assignee = c.wo.assignee.clone();
    c.wo.companions =
        desk::companions(&mut c.tx, &plan.companions, &assignee, scope.station()).await?;
    c.wo.planned_at = plan.planned_at;
    Ok(Json(c.commit(&user).await?))
}

/// `PUT /api/work-orders/{id}/machine`: a "99" order's machine filled in (dispatchers). Photo
/// names already given keep the serial they were given with.
pub async fn put_machine(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(fix): ApiJson<MachineFix>,
) -> Result<Json<WorkOrderDetail>, AppError> {
    desk::dispatcher(&user)?;
    for (field, value) in [
        ("serial", &fix.serial),
        ("equipment_model", &fix.equipment_model),
    ] {
        if value.trim().is_empty() {
            return Err(unprocessable("required", format!("{field} is required")));
        }
        if !short_ok(value) {
            return Err(unprocessable(
                "invalid_value",
                format!("{field} is too long or has characters that are not allowed"),
            ));
        }
    }
    let mut c = desk::begin_change(&state, &Scope::All, order_id(&id)?).await?;
    c.wo.serial = fix.serial.trim().into();
    c.wo.equipment_model = fix.equipment_model.trim().into();
    let same_machine = work_orders::with_serial(&mut c.tx, &c.wo.serial).await?;
    c.wo.repeat_of = dispatch::repeat_of(&c.wo, &same_machine).map(|o| o.ticket.clone());
    Ok(Json(c.commit(&user).await?))
}

/// `PUT /api/work-orders/{id}/unrepaired-reason`: why it is not repaired yet (dispatchers).
pub async fn put_unrepaired_reason(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<UnrepairedReason>,
) -> Result<Json<WorkOrderDetail>, AppError> {
    desk::dispatcher(&user)?;
    let reason = required_text("reason", &body.reason)?;
    let mut c = desk::begin_change(&state, &Scope::All, order_id(&id)?).await?;
    c.wo.unrepaired_reason = Some(Stamped {
        text: reason,
        by: desk::person(&user),
        at: Utc::now(),
    });
    Ok(Json(c.commit(&user).await?))
}

/// Text a person must give: not blank, at most the model's long-text limit.
fn required_text(field: &str, value: &str) -> Result<String, AppError> {
    if value.trim().is_empty() {
        return Err(unprocessable("required", format!("{field} is required")));
    }
    if !text_ok(value, limits::MAX_TEXT_CHARS) {
        return Err(unprocessable(
            "invalid_value",
            format!("{field} is too long or has characters that are not allowed"),
        ));
    }
    Ok(value.trim().to_string())
}

/// `POST /api/work-orders/{id}/first-response` (首次响应): the station head's first call to the
/// customer (the head of the order's station, or a dispatcher). Recording it again replaces it.
pub async fn post_first_response(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(response): ApiJson<FirstResponse>,
) -> Result<Json<WorkOrderDetail>, AppError> {
    let scope = desk::scope(&user)?;
    let outcome = required_text("outcome", &response.outcome)?;
    let now = Utc::now();
    let mut c = desk::begin_change(&state, &scope, order_id(&id)?).await?;
    if response.at < c.wo.called_at {
        return Err(unprocessable(
            "invalid_value",
            "at: the first response is before the call",
        ));
    }
    if response.at > now + chrono::Duration::minutes(10) {
        return Err(unprocessable(
            "invalid_value",
            "at: the first response is in the future",
        ));
    }
    c.wo.first_response = Some(FirstResponseRecord {
        response: FirstResponse {
            outcome,
            ..response
        },
        by: desk::person(&user),
        recorded_at: now,
    });
    Ok(Json(c.commit(&user).await?))
}

/// `POST /api/work-orders/{id}/phone-fix` (电话解决): the order closed with its resolution details,
/// no visit and no signature (the head of its station, or a dispatcher).
pub async fn post_phone_fix(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(fix): ApiJson<PhoneFix>,
) -> Result<Json<WorkOrderDetail>, AppError> {
    let scope = desk::scope(&user)?;
    let mut c = desk::begin_change(&state, &scope, order_id(&id)?).await?;
    let before = c.wo.history.len();
    c.wo.close_phone_fix(
        &fix.resolution,
        desk::person(&user),
        Utc::now(),
        Uuid::new_v4(),
    )
    .map_err(desk::desk_error)?;
    if let Some(event) = c.wo.history.get(before) {
        work_orders::record_status(&mut c.tx, c.wo.id, event, c.seq, db::millis(Utc::now()))
            .await?;
    }
    tracing::info!(work_order = %c.wo.id, by = %user.profile.username, "closed as a phone fix");
    Ok(Json(c.commit(&user).await?))
}

/// `POST /api/work-orders/{id}/review` (dispatchers): close the order (locked from then on) or
/// send the report back with reasons; the phone gets the send-back at its next sync.
pub async fn post_review(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(decision): ApiJson<ReviewDecision>,
) -> Result<Json<WorkOrderDetail>, AppError> {
    desk::dispatcher(&user)?;
    let mut c = desk::begin_change(&state, &Scope::All, order_id(&id)?).await?;
    c.wo.review(decision, desk::person(&user), Utc::now())
        .map_err(desk::desk_error)?;
    // A send-back reopens the report: written whole, as the ops write it.
    work_orders::record_report(&mut c.tx, c.wo.id, &c.wo.report, c.seq).await?;
    tracing::info!(work_order = %c.wo.id, closed = c.wo.is_closed(), by = %user.profile.username, "report reviewed");
    Ok(Json(c.commit(&user).await?))
}

/// `POST /api/work-orders/{id}/waiver` (免签): the station head of the order's station, or a
/// manager, approves the engineer's waiver request or refuses it with a reason; the phone reads
/// the answer at its next sync. Another station's order answers 404 as an unknown one does; a
/// request already answered 409 `already_decided`, none waiting 404 `no_waiver_request`.
pub async fn post_waiver(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(answer): ApiJson<WaiverAnswer>,
) -> Result<Json<WorkOrderDetail>, AppError> {
    let scope = desk::waiver_scope(&user)?;
    let mut c = desk::begin_change_closed_too(&state, &scope, order_id(&id)?).await?;
    c.wo.decide_waiver(&answer, desk::person(&user), Utc::now())
        .map_err(desk::desk_error)?;
    work_orders::record_report(&mut c.tx, c.wo.id, &c.wo.report, c.seq).await?;
    tracing::info!(work_order = %c.wo.id, approved = answer.approve, by = %user.profile.username, "waiver answered");
    Ok(Json(c.commit(&user).await?))
}

/// Which of two report texts in conflict the office keeps: the device that saved it.
#[derive(Debug, Deserialize)]
pub struct KeepText {
    pub keep_device: Uuid,
}

/// `POST /api/work-orders/{id}/report-conflict` (dispatchers, who review reports): two of the
/// engineer's phones saved different texts apart (`fieldbook_model::conflict`); keep one, once.
pub async fn post_report_conflict(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(keep): ApiJson<KeepText>,
) -> Result<Json<WorkOrderDetail>, AppError> {
    desk::dispatcher(&user)?;
    let mut c = desk::begin_change(&state, &Scope::All, order_id(&id)?).await?;
    c.wo.settle_report(keep.keep_device)
        .map_err(desk::desk_error)?;
    work_orders::record_report(&mut c.tx, c.wo.id, &c.wo.report, c.seq).await?;
    tracing::info!(work_order = %c.wo.id, by = %user.profile.username, "report conflict settled");
    Ok(Json(c.commit(&user).await?))
}

/// `POST /api/work-orders/{id}/held/{op_id}` (dispatchers): apply a held operation to the order
/// as if it came now, through the same model rule, or dismiss it with a reason. The decision is
/// kept with the held operation; a held operation is settled once.
pub async fn post_held(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, op_id)): ApiPath<(String, String)>,
    ApiJson(decision): ApiJson<HeldDecision>,
) -> Result<Json<WorkOrderDetail>, AppError> {
    desk::dispatcher(&user)?;
    let id = order_id(&id)?;
    let op_id = Uuid::parse_str(&op_id).map_err(|_| {
        AppError::bad_request("bad_id", format!("'{op_id}' is not an operation id"))
    })?;
    if let HeldDecision::Dismiss { reason } = &decision {
        required_text("reason", reason).map_err(|e| match e {
            AppError::Unprocessable { message, .. } => unprocessable("bad_reason", message),
            other => other,
        })?;
    }
    let mut c = desk::begin_change(&state, &Scope::All, id).await?;
    let Some(held) = held_ops::find(&mut c.tx, id, op_id).await? else {
        return Err(AppError::NotFound(format!(
            "no operation {op_id} is held on work order {id}"
        )));
    };
    if held.settled.is_some() {
        return Err(AppError::refused(
            StatusCode::CONFLICT,
            "already_settled",
            "this held operation was already applied or dismissed",
        ));
    }
    let now = Utc::now();
    if decision == HeldDecision::Apply {
        // Judged as it would have been when it arrived: at the best time known for it.
        let judged = crate::applying::judged(&held.op, held.clock_offset_ms, held.received_at);
        let op = &judged;
        if let OpKind::AddPhoto { photo_id, .. } = &op.kind
            && photos::owner(&mut c.tx, *photo_id)
                .await?
                .is_some_and(|owner| owner != id.to_string())
        {
            return Err(refused_op(RejectCode::InvalidPhoto));
        }
        let arrival = fieldbook_model::conflict::Arrival {
            received_at: held.received_at,
            clock_offset_ms: None,
        };
        if let Err(e) = op.apply_arrived(&mut c.wo, Some(&arrival)) {
            return Err(refused_op(RejectCode::from(e)));
        }
        crate::ops::record_effect(&mut c.tx, op, &c.wo, c.seq, db::millis(now)).await?;
    }
    let settlement = HeldSettlement {
        decision: match decision {
            HeldDecision::Dismiss { reason } => HeldDecision::Dismiss {
                reason: reason.trim().to_string(),
            },
            apply => apply,
        },
        by: desk::person(&user),
        at: now,
    };
    held_ops::settle(&mut c.tx, op_id, &settlement).await?;
    tracing::info!(work_order = %id, op = %op_id, decision = ?settlement.decision, by = %user.profile.username, "held operation settled");
    Ok(Json(c.commit(&user).await?))
}

/// The model refused a held operation on the order as it is now: 409 `held_refused`, the
/// message naming the operation's own refusal (the office may dismiss it instead).
fn refused_op(code: RejectCode) -> AppError {
    let name = match serde_json::to_value(code) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{code:?}"),
    };
    AppError::refused(
        StatusCode::CONFLICT,
        "held_refused",
        format!("the order refuses this operation now ({name}): {code}"),
    )
}
