//! Operations: what a person did, as an outbox entry on the phone and as a row on the server.
//!
//! An operation states intent ("arrived at T"), carries a UUID made on the device, the device's
//! clock and the person who did it. The server applies each UUID once, whatever the network does.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cleaning::{Mark, PhotoRef, VacantCheck, Verdict};
use crate::complaints::{CallBackSubject, NewCallBack, NewComplaint};
use crate::desk::{Departure, PhotoNaming};
use crate::findings::{Assignee, FindingSource, ProblemKind};
use crate::patrol::{RoundArea, RoundKind};
use crate::photo::{self, EXTRA_SLOT, OLD_PART_SLOT, PhotoMeta, SIGNATURE_SLOT};
use crate::report::{PartUsed, Signature, Waiver, WarrantyDetails, tag_returns};
use crate::validate::{check_photo_fields, short_ok, text_ok};
use crate::work_order::{StatusError, StatusEvent, StatusNode, WorkOrder};

// Where they were first defined: the phone and the server still name them here.
pub use crate::photo::naming_date;
pub use crate::validate::{OpError, limits};

mod read;

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
///
/// Read by hand (`op/read.rs`), in the same format, to keep serde's buffering out of the wasm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OpKind {
    /// The engineer reports a status node on a work order.
    SetStatus {
        work_order_id: Uuid,
        node: StatusNode,
    },
    /// The engineer takes back the status node they just reported (a tap by mistake): only the
    /// last one, their own, within [`crate::work_order::UNDO_WINDOW_SECS`] of it.
    UndoStatus {
        work_order_id: Uuid,
        node: StatusNode,
    },
    /// The engineer sets out (出发), saying who goes along and when they expect to arrive.
    Depart {
        work_order_id: Uuid,
        expected_arrival: DateTime<Utc>,
        companions: Vec<String>,
    },
    /// The engine hours read off the hour meter on site (photo names use them).
    CorrectHours {
        work_order_id: Uuid,
        hours: u32,
    },
    /// A photo was taken; its bytes follow with `PUT /api/photos/{photo_id}`. The name is made
    /// from the work order by the company rule, never taken from the device.
    AddPhoto {
        work_order_id: Uuid,
        photo_id: Uuid,
        slot: String,
        sha256: String,
        bytes: u64,
        width: u32,
        height: u32,
        content_type: String,
    },
    /// A photo already sent is taken back (a wrong picture): the server keeps it on record, and
    /// its slot counts as empty again. Not the signature: signing again replaces it.
    WithdrawPhoto {
        work_order_id: Uuid,
        photo_id: Uuid,
    },
    /// The report's text and parts, as they stand now (replaces the previous draft).
    SaveReport {
        work_order_id: Uuid,
        fault_cause: String,
        work_done: String,
        parts: Vec<PartUsed>,
        companions: Vec<String>,
        /// The claim's details on an order that expects a claim (absent otherwise).
        #[serde(default, skip_serializing_if = "WarrantyDetails::is_empty")]
        warranty: WarrantyDetails,
    },
    /// The customer signed; the signature image is the photo `photo_id` (slot `signature`).
    Sign {
        work_order_id: Uuid,
        photo_id: Uuid,
        signer: String,
    },
    /// The engineer asks the station head to do without the customer's signature, with the
    /// reason (a new request replaces one pending or refused). Operations queued before requests
    /// existed also carry `by`, the supervisor's name as the engineer typed it: read, ignored,
    /// and the operation is a request like any other.
    WaiveSignature {
        work_order_id: Uuid,
        reason: String,
    },
    /// Submit the service report: refused while anything is missing.
    SubmitReport {
        work_order_id: Uuid,
    },

    // Cleaning, vacant units, findings and patrols (the local date is the China date the person
    // worked on, as the phone showed it).
    /// A cleaner ticks (`Done`), flags (`Problem`, with a `ReportFinding` beside it) or clears
    /// (`None`) an item of an area's checklist.
    MarkItem {
        area_id: Uuid,
        item_id: Uuid,
        date: NaiveDate,
        mark: Option<Mark>,
    },
    /// Every item due in the area is marked: the finishing time is the operation's device time.
    FinishArea {
        area_id: Uuid,
        date: NaiveDate,
    },
    /// The supervisor settles an item marked differently by two devices (`crate::conflict`):
    /// the mark `keep_device` gave stays, the other goes.
    SettleMark {
        area_id: Uuid,
        date: NaiveDate,
        item_id: Uuid,
        keep_device: Uuid,
    },
    /// A supervisor's spot check of an area's checklist.
    ReviewArea {
        area_id: Uuid,
        date: NaiveDate,
        verdict: Verdict,
    },
    /// The vacant-unit cleaning record, whole; its photos' bytes follow.
    SaveVacantRecord {
        record_id: Uuid,
        unit_id: Uuid,
        started_at: DateTime<Utc>,
        ended_at: DateTime<Utc>,
        checks: Vec<VacantCheck>,
        note: String,
        photos: Vec<PhotoRef>,
    },
    ReviewVacantRecord {
        record_id: Uuid,
        verdict: Verdict,
    },
    /// The supervisor settles two records of one unit and day in conflict (`crate::conflict`):
    /// `record_id` is kept, the other set aside.
    SettleVacantRecord {
        record_id: Uuid,
    },
    /// A problem, with its "before" photos.
    ReportFinding {
        finding_id: Uuid,
        area_id: Option<Uuid>,
        place: String,
        source: FindingSource,
        problem: ProblemKind,
        note: String,
        photos: Vec<PhotoRef>,
    },
    /// The supervisor makes a finding a task for a person or a department.
    AssignFinding {
        finding_id: Uuid,
        assignee: Assignee,
        due: DateTime<Utc>,
    },
    /// The assignee fixed it: "after" photos required.
    CloseFinding {
        finding_id: Uuid,
        note: String,
        photos: Vec<PhotoRef>,
    },
    ConfirmFinding {
        finding_id: Uuid,
    },
    /// The supervisor settles a finding two devices stepped apart (`crate::conflict`): the side
    /// `keep_device`'s step made stays, the other goes.
    SettleFinding {
        finding_id: Uuid,
        keep_device: Uuid,
    },
    ReopenFinding {
        finding_id: Uuid,
        reason: String,
    },
    /// A finished patrol round, whole (its findings were reported while walking).
    SubmitRound {
        round_id: Uuid,
        kind: RoundKind,
        date: NaiveDate,
        started_at: DateTime<Utc>,
        ended_at: DateTime<Utc>,
        areas: Vec<RoundArea>,
    },
    /// The supervisor settles two of their rounds of one kind and day in conflict
    /// (`crate::conflict::Twin`): `round_id` is kept, the other set aside.
    SettleRound {
        round_id: Uuid,
    },

    // Complaints and call-backs (`crate::complaints`).
    /// A customer's complaint taken on a phone or tablet, with its fix task (offline too).
    TakeComplaint {
        complaint: NewComplaint,
    },
    /// A call-back made on a visit (the 《回访记录表》, signed by the customer on the screen; the
    /// signature's bytes follow as a photo) or, from the office, by phone.
    RecordCallBack {
        call_back: NewCallBack,
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
    #[error("the service report was already submitted; it cannot change")]
    ReportSubmitted,
    #[error("the service report is not complete")]
    ReportIncomplete,
    #[error("the photo's details are not acceptable")]
    InvalidPhoto,
    #[error("a value is out of range or empty")]
    InvalidValue,
    /// The person was assigned the work order, but it went to someone else before the
    /// operation arrived. Nothing is lost: the server keeps it for the office to look at.
    #[error("the work order was reassigned; your record is kept for the office")]
    Reassigned,
    /// No such area, item, unit, record, finding or round (or not one this person may see).
    #[error("no such record")]
    UnknownRecord,
    /// A supervisor approved it already.
    #[error("it was approved by a supervisor and cannot change")]
    Closed,
    /// The office closed the work order (关单): nothing on it changes any more.
    #[error("the office closed this work order; it cannot change")]
    OrderClosed,
}

impl From<StatusError> for RejectCode {
    fn from(e: StatusError) -> Self {
        match e {
            StatusError::NotAllowed { .. } | StatusError::CannotUndo { .. } => {
                RejectCode::InvalidTransition
            }
        }
    }
}

impl From<OpError> for RejectCode {
    fn from(e: OpError) -> Self {
        match e {
            OpError::Status(s) => s.into(),
            OpError::ReportSubmitted => RejectCode::ReportSubmitted,
            OpError::Incomplete(_) => RejectCode::ReportIncomplete,
            OpError::BadPhoto(_) => RejectCode::InvalidPhoto,
            OpError::BadValue(_) => RejectCode::InvalidValue,
            OpError::Closed => RejectCode::Closed,
            OpError::OrderClosed => RejectCode::OrderClosed,
            OpError::NotAllowed => RejectCode::Forbidden,
            OpError::WrongState => RejectCode::InvalidTransition,
            // The server refused a second record under a taken id with this code before the rule
            // moved here; devices show it as it is.
            OpError::AlreadyExists(_) => RejectCode::InvalidValue,
            OpError::NotFound(_) => RejectCode::UnknownRecord,
        }
    }
}

/// What an operation is about, for the queue's list and the server's authorisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    WorkOrder(Uuid),
    /// An area's checklist on a date.
    AreaDay(Uuid, NaiveDate),
    VacantRecord(Uuid),
    Finding(Uuid),
    Round(Uuid),
    Complaint(Uuid),
    /// The desk's call-back after a closed work order: not a change through `apply_to` (a
    /// closed order takes nothing else).
    OrderCallBack(Uuid),
}

impl Operation {
    /// The work order this operation changes, if it is about one.
    pub fn work_order_id(&self) -> Option<Uuid> {
        match self.subject() {
            Subject::WorkOrder(id) => Some(id),
            _ => None,
        }
    }

    pub fn subject(&self) -> Subject {
        match &self.kind {
            OpKind::SetStatus { work_order_id, .. }
            | OpKind::UndoStatus { work_order_id, .. }
            | OpKind::Depart { work_order_id, .. }
            | OpKind::CorrectHours { work_order_id, .. }
            | OpKind::AddPhoto { work_order_id, .. }
            | OpKind::WithdrawPhoto { work_order_id, .. }
            | OpKind::SaveReport { work_order_id, .. }
            | OpKind::Sign { work_order_id, .. }
            | OpKind::WaiveSignature { work_order_id, .. }
            | OpKind::SubmitReport { work_order_id } => Subject::WorkOrder(*work_order_id),
            OpKind::MarkItem { area_id, date, .. }
            | OpKind::FinishArea { area_id, date }
            | OpKind::ReviewArea { area_id, date, .. }
            | OpKind::SettleMark { area_id, date, .. } => Subject::AreaDay(*area_id, *date),
            OpKind::SaveVacantRecord { record_id, .. }
            | OpKind::ReviewVacantRecord { record_id, .. }
            | OpKind::SettleVacantRecord { record_id } => Subject::VacantRecord(*record_id),
            OpKind::ReportFinding { finding_id, .. }
            | OpKind::AssignFinding { finding_id, .. }
            | OpKind::CloseFinding { finding_id, .. }
            | OpKind::ConfirmFinding { finding_id }
            | OpKind::SettleFinding { finding_id, .. }
            | OpKind::ReopenFinding { finding_id, .. } => Subject::Finding(*finding_id),
            OpKind::SubmitRound { round_id, .. } | OpKind::SettleRound { round_id } => {
                Subject::Round(*round_id)
            }
            OpKind::TakeComplaint { complaint } => Subject::Complaint(complaint.id),
            OpKind::RecordCallBack { call_back } => match call_back.subject {
                CallBackSubject::Complaint { complaint_id } => Subject::Complaint(complaint_id),
                CallBackSubject::WorkOrder { work_order_id } => {
                    Subject::OrderCallBack(work_order_id)
                }
            },
        }
    }

    /// The photos whose bytes follow this operation (`AddPhoto`'s one, or a record's).
    pub fn photo_ids(&self) -> Vec<Uuid> {
        match &self.kind {
            OpKind::AddPhoto { photo_id, .. } => vec![*photo_id],
            OpKind::SaveVacantRecord { photos, .. }
            | OpKind::ReportFinding { photos, .. }
            | OpKind::CloseFinding { photos, .. } => photos.iter().map(|p| p.photo_id).collect(),
            OpKind::TakeComplaint { complaint } => {
                complaint.photos.iter().map(|p| p.photo_id).collect()
            }
            OpKind::RecordCallBack { call_back } => {
                call_back.signature.iter().map(|p| p.photo_id).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Apply to a work order: the phone does it at once, the server does it for good. A refused
    /// operation leaves the work order exactly as it was.
    pub fn apply_to(&self, wo: &mut WorkOrder) -> Result<(), OpError> {
        self.apply_arrived(wo, None)
    }

    /// [`Operation::apply_to`], as it reached the server (`arrival`; None on the phone): a
    /// report text saved on another device without the one stored is kept beside it
    /// (`crate::conflict`).
    pub fn apply_arrived(
        &self,
        wo: &mut WorkOrder,
        arrival: Option<&crate::conflict::Arrival>,
    ) -> Result<(), OpError> {
        if self.work_order_id() != Some(wo.id) {
            return Err(OpError::BadValue(
                "the operation is not about this work order",
            ));
        }
        if wo.is_closed() {
            return Err(OpError::OrderClosed);
        }
        // A refused waiver asks for the customer's signature again, even on a submitted report.
        let signs_after_refusal = match &self.kind {
            OpKind::Sign { .. } => true,
            OpKind::AddPhoto { slot, .. } => slot == SIGNATURE_SLOT,
            _ => false,
        } && wo.report.waiver.as_ref().is_some_and(Waiver::refused);
        if wo.report.submitted_at.is_some() && !signs_after_refusal {
            return Err(OpError::ReportSubmitted);
        }
        match &self.kind {
            OpKind::Depart {
                expected_arrival,
                companions,
                ..
            } => {
                if companions.len() > limits::MAX_COMPANIONS
                    || companions.iter().any(|c| !short_ok(c))
                {
                    return Err(OpError::BadValue("companions"));
                }
                wo.apply_status(StatusEvent {
                    node: StatusNode::Departed,
                    at: self.device_time,
                    by: self.user.clone(),
                    op_id: self.id,
                })?;
                wo.departure = Some(Departure {
                    expected_arrival: *expected_arrival,
                    companions: companions.clone(),
                });
            }
            OpKind::SetStatus { node, .. } => wo.apply_status(StatusEvent {
                node: *node,
                at: self.device_time,
                by: self.user.clone(),
                op_id: self.id,
            })?,
            OpKind::UndoStatus { node, .. } => {
                wo.undo_status(*node, &self.user, self.device_time)?
            }
            OpKind::CorrectHours { hours, .. } => {
                if *hours > limits::MAX_HOURS {
                    return Err(OpError::BadValue("engine hours"));
                }
                wo.engine_hours = *hours;
            }
            OpKind::AddPhoto {
                photo_id,
                slot,
                sha256,
                bytes,
                width,
                height,
                content_type,
                ..
            } => {
                let known = wo.slots.iter().any(|s| &s.key == slot)
                    || slot == EXTRA_SLOT
                    || slot == SIGNATURE_SLOT
                    || (slot == OLD_PART_SLOT && wo.claim_expected);
                if !known {
                    return Err(OpError::BadPhoto("no such photo slot"));
                }
                check_photo_fields(sha256, *bytes, *width, *height, content_type)?;
                if wo.photos.iter().any(|p| p.id == *photo_id) {
                    return Err(OpError::BadPhoto(
                        "this photo id is already on the work order",
                    ));
                }
                let n = wo.photos_in(slot) as u32 + 1;
                let name = photo::photo_name(
                    &wo.ticket,
                    &wo.equipment_model,
                    &wo.serial,
                    wo.engine_hours,
                    match wo.naming {
                        PhotoNaming::Standard => None,
                        PhotoNaming::WithServiceContent => Some(wo.service_type),
                    },
                    naming_date(self.device_time),
                    slot,
                    n,
                );
                let name = if content_type == "image/png" {
                    name.replace(".jpg", ".png")
                } else {
                    name
                };
                wo.photos.push(PhotoMeta {
                    id: *photo_id,
                    slot: slot.clone(),
                    n,
                    name,
                    sha256: sha256.clone(),
                    bytes: *bytes,
                    width: *width,
                    height: *height,
                    content_type: content_type.clone(),
                    taken_at: Some(self.device_time),
                    uploaded: false,
                    uploaded_at: None,
                    withdrawn_at: None,
                    withdrawn_by: None,
                });
            }
            OpKind::WithdrawPhoto { photo_id, .. } => {
                let Some(photo) = wo.photos.iter_mut().find(|p| p.id == *photo_id) else {
                    return Err(OpError::NotFound("photo"));
                };
                if photo.slot == SIGNATURE_SLOT {
                    return Err(OpError::BadPhoto(
                        "a signature is replaced by signing again",
                    ));
                }
                if photo.withdrawn_at.is_some() {
                    return Err(OpError::WrongState);
                }
                photo.withdrawn_at = Some(self.device_time);
                photo.withdrawn_by = Some(self.user.clone());
            }
            OpKind::SaveReport {
                fault_cause,
                work_done,
                parts,
                companions,
                warranty,
                ..
            } => {
                if !warranty.is_ok() {
                    return Err(OpError::BadValue("warranty details"));
                }
                if !text_ok(fault_cause, limits::MAX_TEXT_CHARS)
                    || !text_ok(work_done, limits::MAX_TEXT_CHARS)
                {
                    return Err(OpError::BadValue("report text"));
                }
                if parts.len() > limits::MAX_PARTS
                    || parts.iter().any(|p| {
                        !short_ok(&p.part_no)
                            || !short_ok(&p.name)
                            || p.qty == 0
                            || p.qty > limits::MAX_PART_QTY
                    })
                {
                    return Err(OpError::BadValue("parts"));
                }
                if companions.len() > limits::MAX_COMPANIONS
                    || companions.iter().any(|c| !short_ok(c))
                {
                    return Err(OpError::BadValue("companions"));
                }
                let mut parts = parts.clone();
                tag_returns(&wo.ticket, &mut parts);
                let text = crate::report::ServiceReport {
                    fault_cause: fault_cause.clone(),
                    work_done: work_done.clone(),
                    parts,
                    companions: companions.clone(),
                    warranty: warranty.clone(),
                    ..Default::default()
                };
                wo.report
                    .save_text(&text, crate::conflict::Stamp::of(self, arrival));
            }
            OpKind::Sign {
                photo_id, signer, ..
            } => {
                if !short_ok(signer) {
                    return Err(OpError::BadValue("signer"));
                }
                if !wo
                    .photos
                    .iter()
                    .any(|p| p.id == *photo_id && p.slot == SIGNATURE_SLOT)
                {
                    return Err(OpError::BadPhoto(
                        "the signature image is not on the work order",
                    ));
                }
                wo.report.signature = Some(Signature {
                    photo_id: *photo_id,
                    signer: signer.clone(),
                    at: self.device_time,
                });
                // The customer signed: a request not approved has nothing left to decide.
                if !wo.report.waiver.as_ref().is_some_and(Waiver::approved) {
                    wo.report.waiver = None;
                }
            }
            OpKind::WaiveSignature { reason, .. } => {
                if reason.trim().is_empty() || !text_ok(reason, limits::MAX_TEXT_CHARS) {
                    return Err(OpError::BadValue("waiver"));
                }
                if wo.report.waiver.as_ref().is_some_and(Waiver::approved) {
                    return Err(OpError::WrongState);
                }
                wo.report.waiver = Some(Waiver {
                    reason: reason.clone(),
                    at: self.device_time,
                    decision: None,
                });
            }
            OpKind::SubmitReport { .. } => {
                let missing = wo.report_missing();
                if !missing.is_empty() {
                    return Err(OpError::Incomplete(missing));
                }
                wo.report.submitted_at = Some(self.device_time);
            }
            // Not about a work order: refused above.
            _ => {
                return Err(OpError::BadValue(
                    "the operation is not about this work order",
                ));
            }
        }
        Ok(())
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
            (RejectCode::UnknownRecord, "unknown_record"),
            (RejectCode::Closed, "closed"),
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
    fn field_operations_keep_their_wire_format() {
        let op = Operation {
            id: Uuid::from_u128(1),
            user: "cleaner1".into(),
            device_id: Uuid::from_u128(2),
            device_time: "2026-11-27T08:30:00Z".parse().unwrap(),
            kind: OpKind::MarkItem {
                area_id: Uuid::from_u128(3),
                item_id: Uuid::from_u128(4),
                date: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
                mark: Some(Mark::Done),
            },
        };
        let json = serde_json::to_value(&op).unwrap();
        assert_eq!(json["kind"]["type"], "mark_item");
        assert_eq!(json["kind"]["date"], "2026-11-27");
        assert_eq!(json["kind"]["mark"], "done");
        assert_eq!(serde_json::from_value::<Operation>(json).unwrap(), op);
        assert_eq!(
            op.subject(),
            Subject::AreaDay(
                Uuid::from_u128(3),
                NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
            )
        );
        assert_eq!(op.work_order_id(), None);

        let review = OpKind::ReviewArea {
            area_id: Uuid::from_u128(3),
            date: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
            verdict: Verdict::SentBack {
                reason: "地面有水".into(),
            },
        };
        let json = serde_json::to_value(&review).unwrap();
        assert_eq!(json["verdict"]["sent_back"]["reason"], "地面有水");
        assert_eq!(serde_json::from_value::<OpKind>(json).unwrap(), review);

        let assign = OpKind::AssignFinding {
            finding_id: Uuid::from_u128(5),
            assignee: Assignee::Person {
                username: "engineer1".into(),
            },
            due: "2026-11-28T08:30:00Z".parse().unwrap(),
        };
        let json = serde_json::to_value(&assign).unwrap();
        assert_eq!(
            json["assignee"],
            serde_json::json!({"person": {"username": "engineer1"}})
        );
        assert_eq!(serde_json::from_value::<OpKind>(json).unwrap(), assign);
    }

    #[test]
    fn a_field_operation_never_applies_to_a_work_order() {
        let wo_id = Uuid::from_u128(9);
        let op = Operation {
            id: Uuid::from_u128(1),
            user: "u".into(),
            device_id: Uuid::from_u128(2),
            device_time: "2026-11-27T08:30:00Z".parse().unwrap(),
            kind: OpKind::ConfirmFinding { finding_id: wo_id },
        };
        let mut wo: WorkOrder = serde_json::from_value(serde_json::json!({
            "id": wo_id, "ticket": "T1", "customer": "c", "site": "s", "equipment_model": "m",
            "serial": "x", "engine_hours": 1, "working_condition": "", "fault_description": "",
            "service_type": "fault_repair", "machine_down": false,
            "called_at": "2026-11-27T00:00:00Z", "planned_at": "2026-11-27T00:00:00Z",
            "assignee": "u", "status": "dispatched", "history": [], "seq": 0
        }))
        .unwrap();
        let before = wo.clone();
        assert!(op.apply_to(&mut wo).is_err());
        assert_eq!(wo, before);
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
