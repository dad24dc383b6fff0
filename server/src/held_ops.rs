//! Operations held for the office: sent by someone a work order was reassigned away from.
//!
//! They are not applied (the order is someone else's now) and never dropped: the office sees
//! them with the work order. The op id is the key, so a resend is held once.

use crate::db::Conn;
use chrono::{DateTime, Utc};
use fieldbook_model::{HeldOperation, HeldSettlement, OpResult, Operation, RejectCode};
use uuid::Uuid;

use crate::applying::{Arrival, result_text};
use crate::db;
use crate::error::AppError;

/// Keep `op` (re-serialised as `canonical`) with the answer it was given.
pub async fn hold(
    conn: &mut Conn,
    op: &Operation,
    canonical: &str,
    result: &OpResult,
    arrival: &Arrival<'_>,
) -> Result<(), AppError> {
    let code = result
        .code
        .ok_or_else(|| AppError::Internal(format!("held operation {} has no code", op.id)))?;
    sqlx::query(
        "INSERT INTO held_ops (op_id, work_order_id, username, device_id, device_time, \
         received_at, clock_offset_ms, reason, payload, result) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(op.id.to_string())
    .bind(op.work_order_id().map(|id| id.to_string()))
    .bind(&op.user)
    .bind(op.device_id.to_string())
    .bind(db::time_to_text(op.device_time))
    .bind(db::millis(arrival.received_at))
    .bind(arrival.clock_offset_ms)
    .bind(code_text(code)?)
    .bind(canonical)
    .bind(result_text(result)?)
    .execute(conn)
    .await?;
    Ok(())
}

fn code_text(code: RejectCode) -> Result<String, AppError> {
    match serde_json::to_value(code) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(AppError::Internal(format!(
            "cannot name reject code {code:?}"
        ))),
    }
}

#[derive(sqlx::FromRow)]
struct HeldRow {
    op_id: String,
    received_at: i64,
    clock_offset_ms: Option<i64>,
    reason: String,
    payload: String,
    settled_json: Option<String>,
}

/// The operations held on a work order, oldest first.
pub async fn for_work_order(
    conn: &mut Conn,
    work_order_id: Uuid,
) -> Result<Vec<HeldOperation>, AppError> {
    // Operations of one batch share a millisecond: insertion order is the order they were sent
    // in. `rowid` is SQLite's own; PostgreSQL's held_ops has an identity column of that name.
    let rows: Vec<HeldRow> = sqlx::query_as(
        "SELECT op_id, received_at, clock_offset_ms, reason, payload, settled_json FROM held_ops \
         WHERE work_order_id = $1 ORDER BY received_at, rowid",
    )
    .bind(work_order_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(held).collect()
}

/// One held operation on `work_order_id`, if there is one with that id.
pub async fn find(
    conn: &mut Conn,
    work_order_id: Uuid,
    op_id: Uuid,
) -> Result<Option<HeldOperation>, AppError> {
    let row: Option<HeldRow> = sqlx::query_as(
        "SELECT op_id, received_at, clock_offset_ms, reason, payload, settled_json FROM held_ops \
         WHERE work_order_id = $1 AND op_id = $2",
    )
    .bind(work_order_id.to_string())
    .bind(op_id.to_string())
    .fetch_optional(conn)
    .await?;
    row.map(held).transpose()
}

/// Keep the office's decision with the held operation.
pub async fn settle(
    conn: &mut Conn,
    op_id: Uuid,
    settlement: &HeldSettlement,
) -> Result<(), AppError> {
    let json = serde_json::to_string(settlement)
        .map_err(|e| AppError::Internal(format!("cannot serialise a held decision: {e}")))?;
    sqlx::query("UPDATE held_ops SET settled_json = $1 WHERE op_id = $2")
        .bind(json)
        .bind(op_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

fn held(row: HeldRow) -> Result<HeldOperation, AppError> {
    {
        {
            let corrupt = |what: &str| {
                AppError::Internal(format!("held operation {}: bad {what}", row.op_id))
            };
            Ok(HeldOperation {
                op: serde_json::from_str(&row.payload).map_err(|_| corrupt("payload"))?,
                code: serde_json::from_value(serde_json::Value::String(row.reason.clone()))
                    .map_err(|_| corrupt("reason"))?,
                received_at: DateTime::<Utc>::from_timestamp_millis(row.received_at)
                    .ok_or_else(|| corrupt("received_at"))?,
                clock_offset_ms: row.clock_offset_ms,
                settled: row
                    .settled_json
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(|_| corrupt("settled_json"))?,
            })
        }
    }
}
