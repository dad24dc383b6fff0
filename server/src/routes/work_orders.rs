//! `GET /api/work-orders/{id}`: one work order with its history, for the office and the assignee.

use axum::Json;
use axum::extract::State;
use fieldbook_model::WorkOrder;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::extract::ApiPath;
use crate::state::AppState;
use crate::work_orders;

pub async fn get_work_order(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<WorkOrder>, AppError> {
    let id = Uuid::parse_str(&id)
        .map_err(|_| AppError::bad_request("bad_id", format!("'{id}' is not a work order id")))?;
    let mut conn = state.db.acquire().await?;
    let Some((wo, assignee_id)) = work_orders::find(&mut conn, id).await? else {
        return Err(AppError::NotFound(format!("no work order {id}")));
    };
    if !user.profile.role.is_office() && assignee_id != user.id {
        return Err(AppError::Forbidden(
            "this work order is not assigned to you".into(),
        ));
    }
    Ok(Json(wo))
}
