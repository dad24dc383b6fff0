//! `GET /api/work-orders/{id}`: one work order with its history, for the office and the assignee;
//! `PUT /api/work-orders/{id}/assignee`: a dispatcher gives it to another engineer.

use crate::db::Conn;
use axum::Json;
use axum::extract::State;
use fieldbook_model::{AssigneeChange, Role, WorkOrderDetail};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use crate::{db, held_ops, users, work_orders};

fn order_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id)
        .map_err(|_| AppError::bad_request("bad_id", format!("'{id}' is not a work order id")))
}

/// The order as `user` may see it: office roles also get the operations held on it.
async fn detail(
    conn: &mut Conn,
    user: &CurrentUser,
    id: Uuid,
) -> Result<WorkOrderDetail, AppError> {
    let Some((work_order, assignee_id)) = work_orders::find(conn, id).await? else {
        return Err(AppError::NotFound(format!("no work order {id}")));
    };
    let office = user.profile.role.is_office();
    if !office && assignee_id != user.id {
        return Err(AppError::Forbidden(
            "this work order is not assigned to you".into(),
        ));
    }
    let held = if office {
        Some(held_ops::for_work_order(conn, id).await?)
    } else {
        None
    };
    Ok(WorkOrderDetail { work_order, held })
}

/// The office's list of recent work orders (dispatchers and supervisors only).
pub async fn list_work_orders(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<fieldbook_model::WorkOrder>>, AppError> {
    if !user.profile.role.is_office() {
        return Err(AppError::Forbidden(
            "the work-order list is for the office".into(),
        ));
    }
    let mut conn = state.db.acquire().await?;
    Ok(Json(work_orders::recent(&mut conn, 500).await?))
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

/// Reassign the order. Giving it to the engineer who has it already changes nothing.
///
/// What the previous assignee does offline meanwhile is not lost: their operations on it are
/// held for the office (`RejectCode::Reassigned`), and their next sync lists it in `removed`.
pub async fn put_assignee(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(change): ApiJson<AssigneeChange>,
) -> Result<Json<WorkOrderDetail>, AppError> {
    if user.profile.role != Role::Dispatcher {
        return Err(AppError::Forbidden(
            "only dispatchers may reassign work orders".into(),
        ));
    }
    let id = order_id(&id)?;
    let mut tx = state.db.begin().await?;
    // The sequence first: this transaction writes from its start (see ops.rs).
    let seq = db::next_seq(&mut tx).await?;
    let Some((_, current)) = work_orders::find(&mut tx, id).await? else {
        return Err(AppError::NotFound(format!("no work order {id}")));
    };
    let Some(assignee) = users::find_by_username(&mut tx, &change.username).await? else {
        return Err(AppError::Unprocessable {
            code: "unknown_user",
            message: format!("there is no user '{}'", change.username),
        });
    };
    if assignee.role != Role::Engineer {
        return Err(AppError::Unprocessable {
            code: "not_an_engineer",
            message: format!("'{}' is not a service engineer", change.username),
        });
    }
    if assignee.disabled {
        return Err(AppError::Unprocessable {
            code: "user_disabled",
            message: format!("'{}' is disabled", change.username),
        });
    }
    if assignee.id == current {
        // Dropping the transaction gives the sequence value back.
        drop(tx);
        let mut conn = state.db.acquire().await?;
        return Ok(Json(detail(&mut conn, &user, id).await?));
    }
    work_orders::reassign(&mut tx, id, &assignee.id, seq).await?;
    let answer = detail(&mut tx, &user, id).await?;
    tx.commit().await?;
    tracing::info!(work_order = %id, to = %assignee.username, seq, by = %user.profile.username, "work order reassigned");
    Ok(Json(answer))
}
