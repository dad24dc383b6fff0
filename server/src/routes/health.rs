//! `GET /api/health`: whether the database and the photo store answer.

use axum::Json;
use axum::extract::State;
use fieldbook_model::Health;
use object_store::ObjectStore;
use object_store::path::Path;

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
    state.photos.head(&marker()).await.map_err(|e| {
        tracing::error!(error = %e, "health: photo store does not answer");
        AppError::Unavailable("the photo store does not answer".into())
    })?;
    Ok(Json(Health {
        status: "ok".into(),
    }))
}

/// A small object written at startup and looked for by the health check.
///
/// Listing an empty prefix succeeds even when the folder or bucket is gone, so health asks for
/// an object that must be there. Photos are filed under `<model>-<serial>/...`, never here.
fn marker() -> Path {
    Path::from("_fieldbook/health")
}

/// Write the health marker; also proves at startup that the store takes writes.
pub async fn mark_photo_store(photos: &dyn ObjectStore) -> object_store::Result<()> {
    photos.put(&marker(), "ok".into()).await.map(|_| ())
}
