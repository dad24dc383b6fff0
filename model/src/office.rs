//! What the office reads and sends about work orders: reassignment, and the operations the
//! server kept without applying them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::desk::{HeldDecision, Person};
use crate::op::{Operation, RejectCode};
use crate::work_order::WorkOrder;
use uuid::Uuid;

/// `PUT /api/work-orders/{id}/assignee`: give the order to another engineer (dispatchers only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssigneeChange {
    pub username: String,
}

/// An operation the server kept but did not apply: its sender had the work order, but it was
/// reassigned before the operation arrived. The office decides what becomes of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldOperation {
    pub op: Operation,
    /// Why it was not applied (`reassigned`).
    pub code: RejectCode,
    /// The server's clock when it first arrived.
    pub received_at: DateTime<Utc>,
    /// The device's clock minus the server's at sending, when the device said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_offset_ms: Option<i64>,
    /// What the office decided (`POST /api/work-orders/{id}/held/{op_id}`); None while undecided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled: Option<HeldSettlement>,
}

/// The office's decision on a held operation: applied to the order, or dismissed with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldSettlement {
    pub decision: HeldDecision,
    pub by: Person,
    /// The server's clock.
    pub at: DateTime<Utc>,
}

/// `GET /api/work-orders/{id}`: the work order's own fields, plus, for office roles, the
/// operations held on it. Parses as a plain [`WorkOrder`] too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkOrderDetail {
    #[serde(flatten)]
    pub work_order: WorkOrder,
    /// Oldest first; absent for the assignee, who does not see others' held work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<Vec<HeldOperation>>,
    /// For office roles: the status steps and photos whose device's clock was off by more than
    /// [`crate::clock::SHOWN_FROM_MS`] when it sent them (absent for the assignee).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clock_off: Vec<ClockOff>,
}

/// A status step or photo sent from a device whose clock was off (`fieldbook_model::clock`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockOff {
    /// The status step's operation id, or the photo's id.
    pub id: Uuid,
    /// How far the device's clock was ahead, in whole minutes (negative: behind).
    pub minutes: i64,
}
