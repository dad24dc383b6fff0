//! `GET /api/health`: whether the database and the photo store answer.

use axum::Json;
use axum::extract::State;
use fieldbook_model::Health;

use crate::error::AppError;
use crate::state::AppState;

pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(&state.db)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "health: database does not answer");
            AppError::Unavailable("the database does not answer".into())
        })?;
    state.photos.list_with_delimiter(None).await.map_err(|e| {
        tracing::error!(error = %e, "health: photo store does not answer");
        AppError::Unavailable("the photo store does not answer".into())
    })?;
    Ok(Json(Health {
        status: "ok".into(),
    }))
}
