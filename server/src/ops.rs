//! Applying one operation exactly once.
//!
//! Each operation gets its own transaction holding its effect, the next sequence value and its
//! `applied_ops` row: either all three are written or none. A resent operation finds its row and
//! gets the first answer again, without a second effect.

use chrono::{DateTime, Utc};
use fieldbook_model::{OpKind, OpResult, Operation, Outcome, RejectCode};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::db::{self, Db, Tx};
use crate::error::AppError;
use crate::{photos, work_orders};

/// What the server knows about the batch an operation came in.
pub struct Arrival<'a> {
    pub user: &'a CurrentUser,
    pub received_at: DateTime<Utc>,
    /// The batch's `sent_at` minus `received_at`: positive when the device's clock is ahead.
    pub clock_offset_ms: Option<i64>,
}

/// Apply the operation `raw` (whose id was already read as `id`) and say what happened.
///
/// An `Err` is the server's failure (database), never the operation's: those are `Ok(rejected)`.
pub async fn apply(
    db: &Db,
    arrival: &Arrival<'_>,
    id: Uuid,
    raw: serde_json::Value,
) -> Result<OpResult, AppError> {
    let op: Operation = match serde_json::from_value(raw) {
        Ok(op) => op,
        Err(e) => {
            tracing::info!(op = %id, error = %e, "malformed operation");
            return Ok(OpResult::rejected(id, RejectCode::Malformed));
        }
    };
    // Serialising the parsed operation gives one text per meaning, whatever spacing, key order
    // or time precision the device used: the key to telling a resend from a reused id.
    let canonical = serde_json::to_string(&op)
        .map_err(|e| AppError::Internal(format!("cannot serialise operation {id}: {e}")))?;

    let mut tx = db.begin().await?;
    // Taken first, so this transaction writes from its start: SQLite then never has to upgrade
    // a reader to a writer (which fails under contention instead of waiting).
    let seq = db::next_seq(&mut tx).await?;

    let stored: Option<(String, String)> =
        sqlx::query_as("SELECT payload, result FROM applied_ops WHERE op_id = ?")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((payload, result)) = stored {
        tx.rollback().await?;
        return answer_again(id, &op, &canonical, &payload, &result, arrival);
    }

    match check_and_apply(&mut tx, &op, seq, arrival).await? {
        Ok(()) => {}
        Err(code) => {
            tx.rollback().await?;
            tracing::info!(op = %id, user = %arrival.user.profile.username, ?code, "operation rejected");
            return Ok(OpResult::rejected(id, code));
        }
    }
    let result = OpResult::applied(id);
    let result_json = serde_json::to_string(&result)
        .map_err(|e| AppError::Internal(format!("cannot serialise result {id}: {e}")))?;
    sqlx::query(
        "INSERT INTO applied_ops (op_id, username, device_id, device_time, received_at, \
         clock_offset_ms, payload, result, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(&op.user)
    .bind(op.device_id.to_string())
    .bind(db::time_to_text(op.device_time))
    .bind(db::millis(arrival.received_at))
    .bind(arrival.clock_offset_ms)
    .bind(&canonical)
    .bind(&result_json)
    .bind(seq)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(op = %id, user = %op.user, seq, "operation applied");
    Ok(result)
}

/// The answer for an id already in `applied_ops`.
fn answer_again(
    id: Uuid,
    op: &Operation,
    canonical: &str,
    stored_payload: &str,
    stored_result: &str,
    arrival: &Arrival<'_>,
) -> Result<OpResult, AppError> {
    if canonical != stored_payload {
        return Ok(OpResult::rejected(id, RejectCode::IdReused));
    }
    // The same operation sent by someone else's session is not theirs to replay.
    if op.user != arrival.user.profile.username {
        return Ok(OpResult::rejected(id, RejectCode::WrongUser));
    }
    let first: OpResult = serde_json::from_str(stored_result)
        .map_err(|e| AppError::Internal(format!("stored result of {id} is unreadable: {e}")))?;
    Ok(OpResult {
        outcome: Outcome::Duplicate,
        ..first
    })
}

/// Authorise the operation and write its effect, or say why not (leaving the caller to roll back).
async fn check_and_apply(
    tx: &mut Tx,
    op: &Operation,
    seq: i64,
    arrival: &Arrival<'_>,
) -> Result<Result<(), RejectCode>, AppError> {
    if op.user != arrival.user.profile.username {
        return Ok(Err(RejectCode::WrongUser));
    }
    let Some((mut wo, assignee_id)) = work_orders::find(tx, op.work_order_id()).await? else {
        return Ok(Err(RejectCode::UnknownWorkOrder));
    };
    if assignee_id != arrival.user.id {
        return Ok(Err(RejectCode::NotAssigned));
    }
    // A photo id names one photo for good: one already on another work order is refused, not
    // moved (the model refuses it on this work order itself).
    if let OpKind::AddPhoto { photo_id, .. } = &op.kind
        && photos::owner(tx, *photo_id)
            .await?
            .is_some_and(|owner| owner != wo.id.to_string())
    {
        return Ok(Err(RejectCode::InvalidPhoto));
    }
    // The model decides, the same code the phone ran; then exactly what it changed is written.
    if let Err(e) = op.apply_to(&mut wo) {
        return Ok(Err(e.into()));
    }
    let missing =
        |what: &str| AppError::Internal(format!("operation {} applied without {what}", op.id));
    match &op.kind {
        OpKind::SetStatus { .. } => {
            let event = wo.history.last().ok_or_else(|| missing("an event"))?;
            work_orders::record_status(tx, wo.id, event, seq, db::millis(arrival.received_at))
                .await?;
        }
        OpKind::CorrectHours { .. } => {
            work_orders::record_hours(tx, wo.id, wo.engine_hours, seq).await?;
        }
        OpKind::AddPhoto { .. } => {
            let photo = wo.photos.last().ok_or_else(|| missing("a photo"))?;
            photos::insert(tx, wo.id, photo, op.id, seq).await?;
            work_orders::touch(tx, wo.id, seq).await?;
        }
        OpKind::SaveReport { .. }
        | OpKind::Sign { .. }
        | OpKind::WaiveSignature { .. }
        | OpKind::SubmitReport { .. } => {
            work_orders::record_report(tx, wo.id, &wo.report, seq).await?;
        }
    }
    Ok(Ok(()))
}
