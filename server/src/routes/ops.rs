//! `POST /api/ops`: a batch of operations from a device's outbox, each applied exactly once, all
//! in one transaction (`ops::apply_batch`).

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use fieldbook_model::OpsResponse;
use fieldbook_model::sync::MAX_OPS_PER_BATCH;
use serde::Deserialize;
use uuid::Uuid;

use crate::applying::Arrival;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::ops;
use crate::state::AppState;

/// The batch with its operations still raw, so that one the server cannot read is answered
/// `malformed` on its own instead of refusing the whole batch.
#[derive(Deserialize)]
pub struct RawBatch {
    ops: Vec<serde_json::Value>,
    #[serde(default)]
    sent_at: Option<DateTime<Utc>>,
}

pub async fn post_ops(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(batch): ApiJson<RawBatch>,
) -> Result<Json<OpsResponse>, AppError> {
    let received_at = Utc::now();
    if batch.ops.len() > MAX_OPS_PER_BATCH {
        return Err(AppError::bad_request(
            "too_many_ops",
            format!(
                "at most {MAX_OPS_PER_BATCH} operations per batch, got {}",
                batch.ops.len()
            ),
        ));
    }
    // Every result must name its operation; without an id there is nothing to answer to, so
    // the whole batch is refused before anything is applied.
    let ids = batch
        .ops
        .iter()
        .enumerate()
        .map(|(i, op)| {
            op.get("id")
                .and_then(|id| id.as_str())
                .and_then(|id| Uuid::parse_str(id).ok())
                .ok_or_else(|| {
                    AppError::bad_request(
                        "bad_op_id",
                        format!("operation {i} has no valid UUID id"),
                    )
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let arrival = Arrival {
        user: &user,
        received_at,
        clock_offset_ms: batch
            .sent_at
            .map(|sent| (sent - received_at).num_milliseconds()),
    };
    let incoming = ids
        .into_iter()
        .zip(batch.ops)
        .map(|(id, raw)| ops::Incoming::read(id, raw))
        .collect::<Result<Vec<_>, _>>()?;
    let results = ops::apply_batch(&state.db, &arrival, &incoming).await?;
    Ok(Json(OpsResponse { results }))
}
