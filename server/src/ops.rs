//! Applying a batch of operations, each exactly once.
//!
//! A batch is one transaction and one commit; each operation runs in a savepoint of its own
//! holding its effect, its sequence value and its `applied_ops` row: either all three are written
//! or none, and a refused operation changes nothing. A resent operation finds its row and gets
//! the first answer again, without a second effect (also when its first copy came earlier in the
//! same batch). If the database fails, the whole batch is rolled back and answered with an error:
//! the device sends it again and nothing of it was applied.
//!
//! Some refusals are settled too, so that a resend after a lost answer is answered the same:
//! a step the order's status did not allow (`refused_ops`: allowing it later would put it after
//! steps the person made after it), and an operation on an order that was reassigned away from
//! its sender (`held_ops`: kept for the office, never lost). Refusals about who may do what keep
//! nothing.
//!
//! On PostgreSQL a batch whose operations are all on work orders runs beside other such batches
//! (`db::share_writes`): it locks each operation's id and work order before reading them, and its
//! sequence values never make other writers wait (`db::next_seq`). A batch with any other kind
//! of operation excludes every other writer, as before. A batch that met another one in a
//! deadlock runs again from the start.

use fieldbook_model::{OpKind, OpResult, Operation, Outcome, RejectCode};
use uuid::Uuid;

use crate::applying::{Arrival, Keep, Refusal, result_text};
use crate::db::{self, Conn, Db, Tx};
use crate::error::AppError;
use crate::{held_ops, photos, work_orders};

/// An operation of a batch as read: its id, and the operation with its canonical text, or
/// `None` when it could not be read (answered `malformed`, nothing else done).
pub struct Incoming {
    pub id: Uuid,
    read: Option<(Operation, String)>,
}

impl Incoming {
    /// Read the operation `raw` (whose id was already read as `id`).
    pub fn read(id: Uuid, raw: serde_json::Value) -> Result<Incoming, AppError> {
        let op: Operation = match serde_json::from_value(raw) {
            Ok(op) => op,
            Err(e) => {
                tracing::info!(op = %id, error = %e, "malformed operation");
                return Ok(Incoming { id, read: None });
            }
        };
        // Serialising the parsed operation gives one text per meaning, whatever spacing, key
        // order or time precision the device used: the key to telling a resend from a reused id.
        let canonical = serde_json::to_string(&op)
            .map_err(|e| AppError::Internal(format!("cannot serialise operation {id}: {e}")))?;
        Ok(Incoming {
            id,
            read: Some((op, canonical)),
        })
    }
}

/// How many times a batch that met another one (a deadlock) is run again before the error is
/// the answer.
const CONFLICT_RETRIES: usize = 3;

/// Apply a batch and say what happened to each operation, in order.
///
/// An `Err` is the server's failure (database), never an operation's: those are `Ok(rejected)`.
pub async fn apply_batch(
    db: &Db,
    arrival: &Arrival<'_>,
    batch: &[Incoming],
) -> Result<Vec<OpResult>, AppError> {
    if db::baseline() {
        // The benchmark's "before": a transaction and a commit for every operation.
        let mut results = Vec::with_capacity(batch.len());
        for one in batch.chunks(1) {
            results.extend(apply_retrying(db, arrival, one).await?);
        }
        return Ok(results);
    }
    apply_retrying(db, arrival, batch).await
}

async fn apply_retrying(
    db: &Db,
    arrival: &Arrival<'_>,
    batch: &[Incoming],
) -> Result<Vec<OpResult>, AppError> {
    let mut tries = 0;
    loop {
        match apply_in_one_transaction(db, arrival, batch).await {
            Err(AppError::Database(e)) if db::is_conflict(&e) && tries < CONFLICT_RETRIES => {
                tries += 1;
                tracing::info!(error = %e, tries, "batch met another transaction; running it again");
            }
            other => return other,
        }
    }
}

async fn apply_in_one_transaction(
    db: &Db,
    arrival: &Arrival<'_>,
    batch: &[Incoming],
) -> Result<Vec<OpResult>, AppError> {
    if batch.iter().all(|one| one.read.is_none()) {
        return Ok(batch
            .iter()
            .map(|one| OpResult::rejected(one.id, RejectCode::Malformed))
            .collect());
    }
    let mut writing = db::begin_writing(db).await?;
    let tx = writing.tx();
    let shared = db::is_postgres(tx)
        && !db::baseline()
        && batch.iter().all(|one| {
            one.read
                .as_ref()
                .is_none_or(|(op, _)| op.work_order_id().is_some())
        });
    if shared {
        db::share_writes(tx).await?;
    }
    let mut results = Vec::with_capacity(batch.len());
    let mut slots = work_orders::Slots::new();
    for one in batch {
        results.push(match &one.read {
            None => OpResult::rejected(one.id, RejectCode::Malformed),
            Some((op, canonical)) => {
                apply_one(tx, arrival, one.id, op, canonical, shared, &mut slots).await?
            }
        });
    }
    writing.commit().await?;
    Ok(results)
}

/// Apply one operation of the batch in `tx`, in a savepoint of its own.
#[allow(clippy::too_many_arguments)]
async fn apply_one(
    tx: &mut Tx,
    arrival: &Arrival<'_>,
    id: Uuid,
    op: &Operation,
    canonical: &str,
    shared: bool,
    slots: &mut work_orders::Slots,
) -> Result<OpResult, AppError> {
    // SQLite: the sequence is taken first, so this transaction writes from its start and SQLite
    // never has to upgrade a reader to a writer (which fails under contention instead of
    // waiting). It is taken in a savepoint so that a refusal gives the value back yet keeps the
    // lock and the batch's earlier operations. PostgreSQL, shared: the operation's id and order
    // are locked first, and the number taken only once the operation is known to be new.
    let mut attempt = sqlx::Connection::begin(&mut **tx).await?;
    let mut seq = None;
    if shared {
        let work_order_id = op
            .work_order_id()
            .map(|w| w.to_string())
            .unwrap_or_default();
        db::lock_for_operation(&mut attempt, &id.to_string(), &work_order_id).await?;
    } else {
        seq = Some(db::next_seq(&mut attempt).await?);
    }

    if let Some((payload, result)) = stored_answer(&mut attempt, id).await? {
        attempt.rollback().await?;
        return answer_again(id, op, canonical, &payload, &result, arrival);
    }
    let seq = match seq {
        Some(seq) => seq,
        None => db::next_seq_shared(&mut attempt).await?,
    };

    if let Err(refusal) = check_and_apply(&mut attempt, op, seq, arrival, slots).await? {
        attempt.rollback().await?;
        let result = OpResult::rejected(id, refusal.code);
        tracing::info!(op = %id, user = %arrival.user.profile.username, code = ?refusal.code, "operation rejected");
        match refusal.keep {
            Keep::Nothing => {}
            Keep::Verdict => keep_verdict(tx, op, canonical, &result, arrival).await?,
            Keep::ForTheOffice => {
                held_ops::hold(tx, op, canonical, &result, arrival).await?;
                tracing::info!(op = %id, user = %op.user, "operation held for the office");
            }
        }
        return Ok(result);
    }
    let result = OpResult::applied(id);
    let result_json = result_text(&result)?;
    sqlx::query(
        "INSERT INTO applied_ops (op_id, username, device_id, device_time, received_at, \
         clock_offset_ms, payload, result, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.to_string())
    .bind(&op.user)
    .bind(op.device_id.to_string())
    .bind(db::time_to_text(op.device_time))
    .bind(db::millis(arrival.received_at))
    .bind(arrival.clock_offset_ms)
    .bind(canonical)
    .bind(&result_json)
    .bind(seq)
    .execute(&mut *attempt)
    .await?;
    attempt.commit().await?;
    tracing::info!(op = %id, user = %op.user, seq, "operation applied");
    Ok(result)
}

/// The payload and first answer of an operation the server already settled: applied, held for
/// the office, or refused for the order's state.
async fn stored_answer(conn: &mut Conn, id: Uuid) -> Result<Option<(String, String)>, sqlx::Error> {
    let id = id.to_string();
    sqlx::query_as(
        "SELECT payload, result FROM applied_ops WHERE op_id = $1 \
         UNION ALL SELECT payload, result FROM held_ops WHERE op_id = $2 \
         UNION ALL SELECT payload, result FROM refused_ops WHERE op_id = $3",
    )
    .bind(&id)
    .bind(&id)
    .bind(&id)
    .fetch_optional(conn)
    .await
}

/// Remember a refusal that depends on the order's state, so a resend gets the same answer.
async fn keep_verdict(
    conn: &mut Conn,
    op: &Operation,
    canonical: &str,
    result: &OpResult,
    arrival: &Arrival<'_>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO refused_ops (op_id, username, received_at, payload, result) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(op.id.to_string())
    .bind(&op.user)
    .bind(db::millis(arrival.received_at))
    .bind(canonical)
    .bind(result_text(result)?)
    .execute(conn)
    .await?;
    Ok(())
}

/// The answer for an id the server already settled.
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
    // Applied once: now a duplicate. Refused once: refused again, for the same reason.
    Ok(match first.outcome {
        Outcome::Applied | Outcome::Duplicate => OpResult {
            outcome: Outcome::Duplicate,
            ..first
        },
        Outcome::Rejected => first,
    })
}

/// Authorise the operation and write its effect, or say why not (leaving the caller to roll back).
async fn check_and_apply(
    conn: &mut Conn,
    op: &Operation,
    seq: i64,
    arrival: &Arrival<'_>,
    slots: &mut work_orders::Slots,
) -> Result<Result<(), Refusal>, AppError> {
    if op.user != arrival.user.profile.username {
        return Ok(Err(RejectCode::WrongUser.into()));
    }
    // Judged at the best time known (clocks are data, never truth); `applied_ops` keeps the
    // operation as the device sent it, with the offset measured.
    let judged = arrival.judged(op);
    let op = &judged;
    let Some(work_order_id) = op.work_order_id() else {
        return crate::field::apply(conn, op, seq, arrival).await;
    };
    let Some((mut wo, assignee_id)) = work_orders::find_with(conn, work_order_id, slots).await?
    else {
        return Ok(Err(RejectCode::UnknownWorkOrder.into()));
    };
    if assignee_id != arrival.user.id {
        let code = if work_orders::was_assigned(conn, wo.id, &arrival.user.id).await? {
            RejectCode::Reassigned
        } else {
            RejectCode::NotAssigned
        };
        return Ok(Err(code.into()));
    }
    // A photo id names one photo for good: one already on another work order is refused, not
    // moved (the model refuses it on this work order itself).
    if let OpKind::AddPhoto { photo_id, .. } = &op.kind
        && photos::owner(&mut *conn, *photo_id)
            .await?
            .is_some_and(|owner| owner != wo.id.to_string())
    {
        return Ok(Err(RejectCode::InvalidPhoto.into()));
    }
    // The model decides, the same code the phone ran; then exactly what it changed is written.
    let at_server = fieldbook_model::conflict::Arrival {
        received_at: arrival.received_at,
        // `op` is already judged: its time is corrected by the offset this batch measured.
        clock_offset_ms: None,
    };
    if let Err(e) = op.apply_arrived(&mut wo, Some(&at_server)) {
        return Ok(Err(RejectCode::from(e).into()));
    }
    record_effect(&mut *conn, op, &wo, seq, db::millis(arrival.received_at)).await?;
    Ok(Ok(()))
}

/// Write what `op` changed on `wo` (the order after the model applied it), at sequence value
/// `seq`: the ops path and the office's applying of a held operation write the same way.
pub(crate) async fn record_effect(
    conn: &mut Conn,
    op: &Operation,
    wo: &fieldbook_model::WorkOrder,
    seq: i64,
    received_at_ms: i64,
) -> Result<(), AppError> {
    let missing =
        |what: &str| AppError::Internal(format!("operation {} applied without {what}", op.id));
    match &op.kind {
        OpKind::SetStatus { .. } => {
            let event = wo.history.last().ok_or_else(|| missing("an event"))?;
            work_orders::record_status(&mut *conn, wo.id, event, seq, received_at_ms).await?;
        }
        OpKind::Depart { .. } => {
            let event = wo.history.last().ok_or_else(|| missing("an event"))?;
            work_orders::record_status(&mut *conn, wo.id, event, seq, received_at_ms).await?;
            work_orders::record_departure(&mut *conn, wo, seq).await?;
        }
        OpKind::UndoStatus { node, .. } => {
            work_orders::undo_status(&mut *conn, wo, *node, seq).await?;
        }
        OpKind::CorrectHours { .. } => {
            work_orders::record_hours(&mut *conn, wo.id, wo.engine_hours, seq).await?;
        }
        OpKind::AddPhoto { .. } => {
            let photo = wo.photos.last().ok_or_else(|| missing("a photo"))?;
            photos::insert(&mut *conn, wo.id, photo, op.id, seq).await?;
            work_orders::touch(&mut *conn, wo.id, seq).await?;
        }
        OpKind::WithdrawPhoto { photo_id, .. } => {
            let photo = wo
                .photos
                .iter()
                .find(|p| p.id == *photo_id)
                .ok_or_else(|| missing("the photo"))?;
            photos::withdraw(&mut *conn, photo).await?;
            work_orders::touch(&mut *conn, wo.id, seq).await?;
        }
        OpKind::SaveReport { .. } | OpKind::Sign { .. } | OpKind::WaiveSignature { .. } => {
            work_orders::record_report(&mut *conn, wo.id, &wo.report, seq).await?;
        }
        OpKind::SubmitReport { .. } => {
            work_orders::record_report(&mut *conn, wo.id, &wo.report, seq).await?;
            // The replaced parts go to the station head from here (issue 19).
            crate::claims::hand_over_parts(&mut *conn, wo, seq).await?;
        }
        _ => return Err(missing("a work order")),
    }
    Ok(())
}
