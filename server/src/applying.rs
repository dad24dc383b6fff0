//! What applying one operation works with, shared by the work-order and field paths and the
//! office's held operations: the batch it arrived in, why it was refused and what is kept of it,
//! and its answer as stored.

use chrono::{DateTime, Utc};
use fieldbook_model::{OpResult, Operation, RejectCode};

use crate::auth::CurrentUser;
use crate::error::AppError;

/// What the server knows about the batch an operation came in.
pub struct Arrival<'a> {
    pub user: &'a CurrentUser,
    pub received_at: DateTime<Utc>,
    /// The batch's `sent_at` minus `received_at`: positive when the device's clock is ahead.
    pub clock_offset_ms: Option<i64>,
}

impl Arrival<'_> {
    /// `op` as it is judged: at the best time known for it (`fieldbook_model::clock`), from the
    /// offset this batch measured and never later than its arrival. Without a measured offset
    /// (an old phone that sends no `sent_at`), the device's own time, as before.
    pub fn judged(&self, op: &Operation) -> Operation {
        judged(op, self.clock_offset_ms, self.received_at)
    }
}

/// `op`, received at `received_at` from a device whose clock was `clock_offset_ms` ahead, as it
/// is judged: the ops path and the office's applying of a held operation judge alike.
pub(crate) fn judged(
    op: &Operation,
    clock_offset_ms: Option<i64>,
    received_at: DateTime<Utc>,
) -> Operation {
    match clock_offset_ms {
        Some(ahead) => op.judged(ahead, Some(received_at)),
        None => op.clone(),
    }
}

/// An answer as it is stored beside its operation.
pub(crate) fn result_text(result: &OpResult) -> Result<String, AppError> {
    serde_json::to_string(result)
        .map_err(|e| AppError::Internal(format!("cannot serialise result {}: {e}", result.id)))
}

/// Why an operation was not applied, and what the server keeps of it.
pub(crate) struct Refusal {
    pub(crate) code: RejectCode,
    pub(crate) keep: Keep,
}

pub(crate) enum Keep {
    /// Nothing: the operation was never the sender's to make here (or could not be read).
    Nothing,
    /// The verdict, so a resend is answered the same and never applied later out of order.
    Verdict,
    /// The operation itself, for the office: the sender did the work on an order that was
    /// taken from them meanwhile.
    ForTheOffice,
}

impl From<RejectCode> for Refusal {
    fn from(code: RejectCode) -> Self {
        let keep = match code {
            // Judged against the order as it stood when the operation arrived: a resend must get
            // the same verdict, never a later, out-of-order success.
            RejectCode::InvalidTransition
            | RejectCode::ReportSubmitted
            | RejectCode::ReportIncomplete
            | RejectCode::InvalidPhoto
            | RejectCode::InvalidValue
            | RejectCode::Closed
            | RejectCode::OrderClosed => Keep::Verdict,
            RejectCode::Reassigned => Keep::ForTheOffice,
            _ => Keep::Nothing,
        };
        Refusal { code, keep }
    }
}
