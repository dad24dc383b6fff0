//! Fieldbook's domain, shared by the PWA and the sync server.
//!
//! Plain Rust and no I/O: everything here is tested natively with `cargo test`, and the same code
//! decides on the phone (to show the change at once) and on the server (to apply it for good).

pub mod board;
pub mod claims;
pub mod cleaning;
pub mod clock;
pub mod complaints;
pub mod conflict;
pub mod desk;
pub mod dispatch;
pub mod field_op;
pub mod findings;
pub mod json;
pub mod office;
pub mod op;
pub mod order;
pub mod outbox;
pub mod patrol;
pub mod photo;
pub mod register;
pub mod report;
pub mod reports;
pub mod scorecard;
pub mod sync;
pub mod user;
pub mod validate;
pub mod work_order;

pub use office::{AssigneeChange, ClockOff, HeldOperation, HeldSettlement, WorkOrderDetail};
pub use op::{OpError, OpKind, Operation, RejectCode, Subject};
pub use outbox::{EntryState, OutboxEntry, Settlement};
pub use photo::{PhotoMeta, PhotoSlot};
pub use report::{Missing, PartUsed, ServiceReport, Signature, Waiver, WaiverDecision};
pub use sync::{
    ApiError, Health, OpResult, OpsRequest, OpsResponse, Outcome, PushVerdict, SessionInfo, SignIn,
    SyncResponse,
};
pub use user::{Role, UserProfile};
pub use work_order::{Deadline, ServiceType, StatusError, StatusEvent, StatusNode, WorkOrder};
