//! Operations: what a person did, as an outbox entry on the phone and as a row on the server.
//!
//! An operation states intent ("arrived at T"), carries a UUID made on the device, the device's
//! clock and the person who did it. The server applies each UUID once, whatever the network does.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::work_order::{StatusError, StatusEvent, StatusNode, WorkOrder};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// Made on the device; the server's unique key for exactly-once.
    pub id: Uuid,
    /// Username of the person who did it. Must be the signed-in user when it is sent.
    pub user: String,
    pub device_id: Uuid,
    /// The device's clock when the person acted. Data, never the order.
    pub device_time: DateTime<Utc>,
    pub kind: OpKind,
}

/// What the operation does. New kinds are added here, never changed in place: devices in the
/// field may hold old ones for weeks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OpKind {
    /// The engineer reports a status node on a work order.
    SetStatus {
        work_order_id: Uuid,
        node: StatusNode,
    },
}

/// Why the server refused an operation; the app shows it in the person's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    #[error("the operation could not be read")]
    Malformed,
    #[error("the operation was made by another user than the one signed in")]
    WrongUser,
    #[error("this operation id was already used for a different operation")]
    IdReused,
    #[error("no such work order")]
    UnknownWorkOrder,
    #[error("the work order is not assigned to you")]
    NotAssigned,
    #[error("the work order's status does not allow this step")]
    InvalidTransition,
    #[error("your role may not do this")]
    Forbidden,
    /// The person was assigned the work order, but it went to someone else before the
    /// operation arrived. Nothing is lost: the server keeps it for the office to look at.
    #[error("the work order was reassigned; your record is kept for the office")]
    Reassigned,
}

impl From<StatusError> for RejectCode {
    fn from(e: StatusError) -> Self {
        match e {
            StatusError::NotAllowed { .. } => RejectCode::InvalidTransition,
        }
    }
}

impl Operation {
    /// The work order this operation changes.
    pub fn work_order_id(&self) -> Uuid {
        match &self.kind {
            OpKind::SetStatus { work_order_id, .. } => *work_order_id,
        }
    }

    /// Apply to a work order: the phone does it at once, the server does it for good.
    pub fn apply_to(&self, wo: &mut WorkOrder) -> Result<(), StatusError> {
        match &self.kind {
            OpKind::SetStatus { node, .. } => wo.apply_status(StatusEvent {
                node: *node,
                at: self.device_time,
                by: self.user.clone(),
                op_id: self.id,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_format_is_stable() {
        let op = Operation {
            id: Uuid::parse_str("6f1c1b9e-3a52-4a8e-9d2b-2f3c4d5e6f70").unwrap(),
            user: "engineer1".into(),
            device_id: Uuid::parse_str("00000000-0000-4000-8000-000000000001").unwrap(),
            device_time: "2026-11-27T08:30:00Z".parse().unwrap(),
            kind: OpKind::SetStatus {
                work_order_id: Uuid::parse_str("00000000-0000-4000-8000-0000000000aa").unwrap(),
                node: StatusNode::Arrived,
            },
        };
        let json = serde_json::to_value(&op).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "6f1c1b9e-3a52-4a8e-9d2b-2f3c4d5e6f70",
                "user": "engineer1",
                "device_id": "00000000-0000-4000-8000-000000000001",
                "device_time": "2026-11-27T08:30:00Z",
                "kind": {"type": "set_status",
                         "work_order_id": "00000000-0000-4000-8000-0000000000aa",
                         "node": "arrived"}
            })
        );
        assert_eq!(serde_json::from_value::<Operation>(json).unwrap(), op);
    }

    #[test]
    fn reject_codes_keep_their_wire_names() {
        let names = [
            (RejectCode::Malformed, "malformed"),
            (RejectCode::WrongUser, "wrong_user"),
            (RejectCode::IdReused, "id_reused"),
            (RejectCode::UnknownWorkOrder, "unknown_work_order"),
            (RejectCode::NotAssigned, "not_assigned"),
            (RejectCode::InvalidTransition, "invalid_transition"),
            (RejectCode::Forbidden, "forbidden"),
            (RejectCode::Reassigned, "reassigned"),
        ];
        for (code, name) in names {
            assert_eq!(serde_json::to_value(code).unwrap(), name);
            assert_eq!(
                serde_json::from_value::<RejectCode>(name.into()).unwrap(),
                code
            );
        }
        assert!(RejectCode::Reassigned.to_string().contains("kept"));
    }

    #[test]
    fn unknown_kinds_do_not_parse() {
        let bad = serde_json::json!({
            "id": "6f1c1b9e-3a52-4a8e-9d2b-2f3c4d5e6f70", "user": "u",
            "device_id": "00000000-0000-4000-8000-000000000001",
            "device_time": "2026-11-27T08:30:00Z",
            "kind": {"type": "format_disk"}
        });
        assert!(serde_json::from_value::<Operation>(bad).is_err());
    }
}
