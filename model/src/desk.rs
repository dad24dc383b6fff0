//! The office desk's records and requests: a call taken and dispatched, a visit planned, the
//! station head's first response, a phone fix, the review of a submitted report (closed, or sent
//! back item by item), the equipment register and the photo rules.
//!
//! The server enforces every rule here; the office app checks the same ones as the person types,
//! and the phone reads the review (what to fix) and the closure (the order is locked) from them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::report::WaiverDecision;
use crate::validate::{limits, short_ok, text_ok};
use crate::work_order::{ServiceType, StatusNode, WorkOrder};

// Read through a `serde_json::Value`, not derived visitors (the phone's wasm).
mod read;

/// A person on an order as the office and the phone show them: the account and the name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct Person {
    pub username: String,
    #[serde(default)]
    pub name: String,
}

impl Person {
    /// The name, else the username.
    pub fn label(&self) -> &str {
        if self.name.is_empty() {
            &self.username
        } else {
            &self.name
        }
    }
}

/// `POST /api/work-orders`: a customer's call, taken and dispatched in one screen (dispatchers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWorkOrder {
    /// Typed by the agent; `None` (or blank) takes the next number of the configured rule.
    #[serde(default)]
    pub ticket: Option<String>,
    pub customer: String,
    /// 联系人 and their phone.
    pub contact_name: String,
    pub contact_phone: String,
    pub site: String,
    pub equipment_model: String,
    /// Empty: not known yet (a "99" order), filled in later with `PUT .../machine`.
    #[serde(default)]
    pub serial: String,
    pub engine_hours: u32,
    pub working_condition: String,
    pub fault_description: String,
    pub service_type: ServiceType,
    pub machine_down: bool,
    /// When the customer called (the desk's default is now); the 36 hours count from here.
    pub called_at: DateTime<Utc>,
    pub planned_at: DateTime<Utc>,
    /// The main engineer's username.
    pub assignee: String,
    /// Usernames of the engineers going with them (同行人员), accounts, not free text.
    #[serde(default)]
    pub companions: Vec<String>,
    /// The order should become a warranty claim (only for a claimable service type,
    /// [`crate::claims::claimable_service`]).
    #[serde(default)]
    pub claim_expected: bool,
}

/// Why a call or a plan is refused before anything is stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("{field} is too long or has characters that are not allowed")]
    Invalid { field: &'static str },
    #[error("the phone number is not a phone number")]
    Phone,
    #[error("the planned time is before the call")]
    PlannedBeforeCall,
    #[error("the main engineer cannot also be a companion")]
    CompanionIsAssignee,
}

impl CallError {
    /// The form field the message belongs under.
    pub fn field(&self) -> &'static str {
        match self {
            CallError::Required { field } | CallError::Invalid { field } => field,
            CallError::Phone => "contact_phone",
            CallError::PlannedBeforeCall => "planned_at",
            CallError::CompanionIsAssignee => "companions",
        }
    }

    /// The code the server answers with (`ApiError::code`).
    pub fn code(&self) -> &'static str {
        match self {
            CallError::Required { .. } => "required",
            CallError::Invalid { .. } => "invalid_value",
            CallError::Phone => "bad_phone",
            CallError::PlannedBeforeCall => "planned_before_call",
            CallError::CompanionIsAssignee => "companion_is_assignee",
        }
    }
}

/// A phone number as people type it: digits with spaces, '-', '+' and brackets, 5 to 20 digits.
pub fn phone_ok(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits)
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')'))
}

impl NewWorkOrder {
    /// Every field's own rule, in the order of the form. The ticket's rule is
    /// [`crate::dispatch::check_ticket`]; accounts and uniqueness are the server's to check.
    pub fn check(&self) -> Vec<CallError> {
        let mut errors = Vec::new();
        let mut short = |field: &'static str, value: &str, required: bool| {
            if value.trim().is_empty() {
                if required {
                    errors.push(CallError::Required { field });
                }
            } else if !short_ok(value) {
                errors.push(CallError::Invalid { field });
            }
        };
        short("customer", &self.customer, true);
        short("contact_name", &self.contact_name, true);
        short("site", &self.site, true);
        short("equipment_model", &self.equipment_model, true);
        short("serial", &self.serial, false);
        short("working_condition", &self.working_condition, false);
        short("assignee", &self.assignee, true);
        if self.contact_phone.trim().is_empty() {
            errors.push(CallError::Required {
                field: "contact_phone",
            });
        } else if !phone_ok(&self.contact_phone) {
            errors.push(CallError::Phone);
        }
        if self.fault_description.trim().is_empty() {
            errors.push(CallError::Required {
                field: "fault_description",
            });
        } else if !text_ok(&self.fault_description, limits::MAX_TEXT_CHARS) {
            errors.push(CallError::Invalid {
                field: "fault_description",
            });
        }
        if self.engine_hours > limits::MAX_HOURS {
            errors.push(CallError::Invalid {
                field: "engine_hours",
            });
        }
        if self.planned_at < self.called_at {
            errors.push(CallError::PlannedBeforeCall);
        }
        if self.companions.len() > limits::MAX_COMPANIONS
            || self.companions.iter().any(|c| !short_ok(c))
        {
            errors.push(CallError::Invalid {
                field: "companions",
            });
        }
        if self.companions.contains(&self.assignee) {
            errors.push(CallError::CompanionIsAssignee);
        }
        if self.claim_expected && !crate::claims::claimable_service(self.service_type) {
            errors.push(CallError::Invalid {
                field: "claim_expected",
            });
        }
        errors
    }
}

/// `PUT /api/work-orders/{id}/plan`: reschedule, and who goes with the main engineer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanChange {
    pub planned_at: DateTime<Utc>,
    #[serde(default)]
    pub companions: Vec<String>,
}

/// `PUT /api/work-orders/{id}/machine`: a "99" order's machine filled in by the desk. Photo names
/// already given keep the serial they were given with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MachineFix {
    pub serial: String,
    pub equipment_model: String,
}

/// `POST /api/work-orders/{id}/first-response` (首次响应): the station head's first call to the
/// customer, before anyone goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct FirstResponse {
    /// When the head called the customer.
    pub at: DateTime<Utc>,
    /// What was said: the fault checked, parts in stock, what was agreed.
    pub outcome: String,
    /// The site location was confirmed with the customer.
    pub site_confirmed: bool,
    /// A phone fix will do: the order is then closed with [`PhoneFix`].
    pub phone_fix: bool,
}

/// The first response as recorded: who, and when the server took it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct FirstResponseRecord {
    pub response: FirstResponse,
    pub by: Person,
    pub recorded_at: DateTime<Utc>,
}

/// `POST /api/work-orders/{id}/phone-fix` (电话解决): the order closed with its resolution
/// details (《解决详情》). No site visit, so no photos and no customer signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneFix {
    pub resolution: String,
}

/// What the engineer said when departing (出发): who goes along and when they expect to arrive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct Departure {
    pub expected_arrival: DateTime<Utc>,
    /// Names as the engineer gave them (the dispatched companions are offered first).
    #[serde(default)]
    pub companions: Vec<String>,
}

/// One thing the office sends back on a report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    tag = "what",
    rename_all = "snake_case",
    try_from = "serde_json::Value"
)]
pub enum ReviewItem {
    /// This photo is wrong: it must be taken again in its slot (the old one stays on record,
    /// marked sent back; its name never changes).
    Photo {
        photo_id: Uuid,
    },
    /// A slot has no usable photo.
    MissingPhoto {
        slot: String,
    },
    FaultCause,
    WorkDone,
    Parts,
    Signature,
    /// Anything else, said in the reason.
    Other,
}

/// An item sent back, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct SendBackItem {
    pub item: ReviewItem,
    pub reason: String,
}

/// `POST /api/work-orders/{id}/review`: the office's decision on a submitted report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "decision",
    rename_all = "snake_case",
    try_from = "serde_json::Value"
)]
pub enum ReviewDecision {
    /// 关单: the order is locked from now on.
    Close,
    /// Back to the engineer, with at least one item.
    SendBack { items: Vec<SendBackItem> },
}

/// One review of a submitted report. Every round is kept, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct ReviewRound {
    /// The report's submission this round reviewed.
    pub submitted_at: DateTime<Utc>,
    pub decision: ReviewDecision,
    pub by: Person,
    pub at: DateTime<Utc>,
}

/// The order closed (关单): by a review, or by a phone fix with its resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct Closure {
    pub by: Person,
    pub at: DateTime<Utc>,
    /// 《解决详情》 of a phone fix; None when closed by review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
}

/// Why a review, a phone fix or a desk change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeskError {
    #[error("the order is closed and cannot change")]
    Closed,
    #[error("the report is not submitted")]
    NotSubmitted,
    #[error("a send-back needs at least one item, each with a reason")]
    NoItems,
    #[error("a reason is empty or too long")]
    BadReason,
    #[error("the photo is not on this order")]
    UnknownPhoto,
    #[error("a phone fix needs the resolution details")]
    NoResolution,
    #[error("the engineer has already set out: it is not a phone fix any more")]
    AlreadyDeparted,
    #[error("no waiver request is waiting on this order (none asked, or the customer signed)")]
    NoWaiver,
    #[error("the waiver request was already approved or refused")]
    AlreadyDecided,
    #[error("the report's text is in conflict: keep one of the two texts first")]
    ReportInConflict,
    #[error("the report's text is not in conflict, or no text came from that device")]
    NoConflict,
}

/// `POST /api/work-orders/{id}/waiver`: the station head's (or a manager's) answer to the
/// engineer's waiver request; a refusal needs its reason, which the engineer reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverAnswer {
    pub approve: bool,
    #[serde(default)]
    pub reason: String,
}

impl WorkOrder {
    /// Closed by the office: nothing on it changes any more, on the phone or at the desk.
    pub fn is_closed(&self) -> bool {
        self.closure.is_some()
    }

    /// The send-back the engineer has to answer: the last round, if it sent the report back and
    /// the report was not submitted again since.
    pub fn open_send_back(&self) -> Option<&[SendBackItem]> {
        if self.report.submitted_at.is_some() {
            return None;
        }
        match self.reviews.last() {
            Some(ReviewRound {
                decision: ReviewDecision::SendBack { items },
                ..
            }) => Some(items),
            _ => None,
        }
    }

    /// Photos the office sent back in any round: they no longer fill their slot.
    pub fn sent_back_photo(&self, photo_id: Uuid) -> bool {
        self.reviews.iter().any(|r| match &r.decision {
            ReviewDecision::SendBack { items } => items
                .iter()
                .any(|i| i.item == ReviewItem::Photo { photo_id }),
            ReviewDecision::Close => false,
        })
    }

    /// Apply the office's review (the server does it with the server's clock and the reviewer).
    /// A refused review leaves the order as it was.
    pub fn review(
        &mut self,
        decision: ReviewDecision,
        by: Person,
        at: DateTime<Utc>,
    ) -> Result<(), DeskError> {
        if self.is_closed() {
            return Err(DeskError::Closed);
        }
        let Some(submitted_at) = self.report.submitted_at else {
            return Err(DeskError::NotSubmitted);
        };
        if let ReviewDecision::SendBack { items } = &decision {
            if items.is_empty() {
                return Err(DeskError::NoItems);
            }
            for i in items {
                if i.reason.trim().is_empty() || !text_ok(&i.reason, limits::MAX_TEXT_CHARS) {
                    return Err(DeskError::BadReason);
                }
                if let ReviewItem::Photo { photo_id } = i.item
                    && !self.photos.iter().any(|p| p.id == photo_id)
                {
                    return Err(DeskError::UnknownPhoto);
                }
            }
        }
        match &decision {
            ReviewDecision::Close if self.report.conflict.is_some() => {
                return Err(DeskError::ReportInConflict);
            }
            ReviewDecision::Close => {
                self.closure = Some(Closure {
                    by: by.clone(),
                    at,
                    resolution: None,
                })
            }
            ReviewDecision::SendBack { .. } => self.report.submitted_at = None,
        }
        self.reviews.push(ReviewRound {
            submitted_at,
            decision,
            by,
            at,
        });
        Ok(())
    }

    /// Answer the waiver request (the server does it with its clock and the person answering).
    /// Answered once: a refused request is asked again by the engineer as a new one.
    pub fn decide_waiver(
        &mut self,
        answer: &WaiverAnswer,
        by: Person,
        at: DateTime<Utc>,
    ) -> Result<(), DeskError> {
        // Answered after the office closed the order too: the desk does not wait for the station
        // head, and an approval by the scorecard's deadline still stands in for the signature (a
        // refusal leaves the record unsigned: the engineer can no longer get it).
        let signed = self.report.signature.is_some();
        let Some(waiver) = self.report.waiver.as_mut().filter(|_| !signed) else {
            return Err(DeskError::NoWaiver);
        };
        if waiver.decision.is_some() {
            return Err(DeskError::AlreadyDecided);
        }
        let reason = answer.reason.trim();
        if !answer.approve && (reason.is_empty() || !text_ok(reason, limits::MAX_TEXT_CHARS)) {
            return Err(DeskError::BadReason);
        }
        waiver.decision = Some(WaiverDecision {
            approved: answer.approve,
            by,
            at,
            reason: if answer.approve {
                String::new()
            } else {
                reason.to_string()
            },
        });
        Ok(())
    }

    /// Settle the report's conflict (`crate::conflict`) by keeping the text `device` saved;
    /// once, before the order is closed.
    pub fn settle_report(&mut self, device: Uuid) -> Result<(), DeskError> {
        if self.is_closed() {
            return Err(DeskError::Closed);
        }
        if !self.report.settle(device) {
            return Err(DeskError::NoConflict);
        }
        Ok(())
    }

    /// Close a phone fix: the resolution details stand for the report (server clock, head's name).
    /// An order still at "dispatched" gets its 电话解决 node, under `event_id`.
    pub fn close_phone_fix(
        &mut self,
        resolution: &str,
        by: Person,
        at: DateTime<Utc>,
        event_id: Uuid,
    ) -> Result<(), DeskError> {
        if self.is_closed() {
            return Err(DeskError::Closed);
        }
        if resolution.trim().is_empty() || !text_ok(resolution, limits::MAX_TEXT_CHARS) {
            return Err(DeskError::NoResolution);
        }
        if !matches!(
            self.status,
            StatusNode::Dispatched | StatusNode::ResolvedByPhone
        ) {
            return Err(DeskError::AlreadyDeparted);
        }
        if self.status == StatusNode::Dispatched {
            self.status = StatusNode::ResolvedByPhone;
            self.history.push(crate::work_order::StatusEvent {
                node: StatusNode::ResolvedByPhone,
                at,
                by: by.username.clone(),
                op_id: event_id,
            });
        }
        self.closure = Some(Closure {
            by,
            at,
            resolution: Some(resolution.to_string()),
        });
        Ok(())
    }
}

/// How photo files are named (a setting of the office; a name once given never changes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotoNaming {
    /// ticket-model-serial-hours-date-slot
    #[default]
    Standard,
    /// The company's older rule, with the service content: 报修单号 机型 序列号 小时数 服务内容 日期
    /// (ticket-model-serial-hours-service-date-slot).
    WithServiceContent,
}

/// `GET/PUT /api/settings`: the desk's settings (dispatchers change them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskSettings {
    pub ticket_rule: crate::dispatch::TicketRule,
    pub photo_naming: PhotoNaming,
    /// Calendar days after a work order is closed by which the desk calls the customer back.
    #[serde(default = "default_call_back_days")]
    pub call_back_days: u32,
}

/// Three days unless the office says otherwise.
pub fn default_call_back_days() -> u32 {
    3
}

/// `PUT /api/settings/photo-slots/{service_type}`: one service type's slots, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotRule {
    /// Short ASCII (letters, digits, `_`): it goes into file names.
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub required: bool,
    /// The example picture the office uploaded for this slot (`GET /api/settings/examples/{id}`).
    #[serde(default)]
    pub example: Option<Uuid>,
}

/// One hour-meter reading of a machine: from an order (its ticket) or an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursReading {
    pub hours: u32,
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub ticket: Option<String>,
}

/// A machine in the equipment register (设备档案), by serial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    pub serial: String,
    pub equipment_model: String,
    #[serde(default)]
    pub customer: String,
    #[serde(default)]
    pub delivered_on: Option<NaiveDate>,
    #[serde(default)]
    pub warranty_end: Option<NaiveDate>,
    /// Oldest first.
    #[serde(default)]
    pub hours: Vec<HoursReading>,
}

/// `GET /api/machines/{serial}`: the machine and its service history (every order, newest first,
/// with photos and report).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineHistory {
    pub machine: Machine,
    pub orders: Vec<WorkOrder>,
}

/// `GET /api/engineers`: who the desk can dispatch, and how loaded they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineerLoad {
    pub person: Person,
    /// The station (the engineer's team), if any.
    #[serde(default)]
    pub station: Option<String>,
    /// Orders not closed and not done on site.
    pub open_orders: u32,
    /// Orders planned for today (China date).
    pub today: u32,
}

/// `GET /api/work-orders?since=N`: the orders changed after sequence value N, and the value to
/// ask from next time. The desk polls it every few seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderChanges {
    pub seq: i64,
    pub orders: Vec<WorkOrder>,
}

/// `PUT /api/work-orders/{id}/unrepaired-reason`: why the order is not repaired yet, for the
/// afternoon list sent by 16:30.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnrepairedReason {
    pub reason: String,
}

/// A note with who wrote it and when (the server's clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct Stamped {
    pub text: String,
    pub by: Person,
    pub at: DateTime<Utc>,
}

/// `POST /api/work-orders/{id}/held/{op_id}`: what becomes of work held after a reassignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum HeldDecision {
    /// Apply it to the order now, as if it had come from the current assignee's phone.
    Apply,
    Dismiss {
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::tests::{at, order, reach};
    use crate::op::{OpError, OpKind, Operation};
    use crate::photo::PhotoSlot;

    fn call() -> NewWorkOrder {
        NewWorkOrder {
            ticket: None,
            customer: "中建三局".into(),
            contact_name: "王工".into(),
            contact_phone: "138 0013 8000".into(),
            site: "光谷".into(),
            equipment_model: "EC210D".into(),
            serial: String::new(),
            engine_hours: 3520,
            working_condition: "土方".into(),
            fault_description: "液压油温高".into(),
            service_type: ServiceType::FaultRepair,
            machine_down: true,
            called_at: at("2026-11-27T08:00:00Z"),
            planned_at: at("2026-11-27T14:00:00Z"),
            assignee: "engineer1".into(),
            companions: vec!["engineer2".into()],
            claim_expected: false,
        }
    }

    fn head() -> Person {
        Person {
            username: "head1".into(),
            name: "周站长".into(),
        }
    }

    fn op(kind: OpKind) -> Operation {
        Operation {
            id: Uuid::new_v4(),
            user: "engineer1".into(),
            device_id: Uuid::nil(),
            device_time: at("2026-11-27T10:00:00Z"),
            kind,
        }
    }

    #[test]
    fn a_complete_call_passes_and_an_unknown_serial_is_allowed() {
        assert_eq!(call().check(), vec![]);
    }

    #[test]
    fn each_wrong_field_is_named() {
        let mut c = call();
        c.customer = " ".into();
        c.contact_phone = "call me".into();
        c.planned_at = at("2026-11-27T07:59:00Z");
        c.companions = vec!["engineer1".into()];
        c.site = "x\ny".into();
        let fields: Vec<_> = c.check().iter().map(CallError::field).collect();
        assert_eq!(
            fields,
            vec![
                "customer",
                "site",
                "contact_phone",
                "planned_at",
                "companions"
            ]
        );
        assert!(phone_ok("+86 (531) 8888-0000"));
        assert!(!phone_ok("1234"));
        assert!(!phone_ok("138001380001380013800"));
    }

    /// An order at "repaired and left" with one required photo taken and everything else filled.
    fn submitted() -> (WorkOrder, Uuid) {
        let mut wo = order("S1", "2026-11-27T08:00:00Z");
        wo.slots = vec![PhotoSlot {
            key: "nameplate".into(),
            label_zh: "铭牌".into(),
            label_en: "Nameplate".into(),
            required: true,
        }];
        reach(&mut wo, StatusNode::Departed, "2026-11-27T09:00:00Z");
        reach(&mut wo, StatusNode::Arrived, "2026-11-27T10:00:00Z");
        reach(&mut wo, StatusNode::RepairedLeft, "2026-11-27T12:00:00Z");
        let photo_id = Uuid::new_v4();
        for kind in [
            OpKind::AddPhoto {
                work_order_id: wo.id,
                photo_id,
                slot: "nameplate".into(),
                sha256: "ab".repeat(32),
                bytes: 1000,
                width: 10,
                height: 10,
                content_type: "image/jpeg".into(),
            },
            OpKind::SaveReport {
                work_order_id: wo.id,
                fault_cause: "油管".into(),
                work_done: "换油管".into(),
                parts: vec![],
                companions: vec![],
                warranty: Default::default(),
            },
            OpKind::WaiveSignature {
                work_order_id: wo.id,
                reason: "客户不在".into(),
            },
            OpKind::SubmitReport {
                work_order_id: wo.id,
            },
        ] {
            op(kind).apply_to(&mut wo).unwrap();
        }
        (wo, photo_id)
    }

    /// Two phones of one engineer save different report texts apart; each reaches the server
    /// first in turn. Both texts are kept, the later save shown, in either order; the order is
    /// not closed until the office keeps one text, once.
    #[test]
    fn two_phones_saving_a_report_apart_keep_both_texts_until_the_office_keeps_one() {
        use crate::conflict::Arrival;
        let base = order("S2", "2026-11-27T08:00:00Z");
        let save = |device: u128, acted: &str, work: &str| Operation {
            device_id: Uuid::from_u128(device),
            device_time: at(acted),
            ..op(OpKind::SaveReport {
                work_order_id: base.id,
                fault_cause: "油管".into(),
                work_done: work.into(),
                parts: vec![],
                companions: vec![],
                warranty: Default::default(),
            })
        };
        let one = save(1, "2026-11-27T10:00:00Z", "换油管");
        let two = save(2, "2026-11-27T10:05:00Z", "换油管和滤芯");
        let arrive = |op: &Operation, wo: &mut WorkOrder, when: &str| {
            let arrival = Arrival {
                received_at: at(when),
                clock_offset_ms: None,
            };
            op.apply_arrived(wo, Some(&arrival)).unwrap();
        };
        let (mut a, mut b) = (base.clone(), base.clone());
        arrive(&one, &mut a, "2026-11-27T12:00:00Z");
        arrive(&two, &mut a, "2026-11-27T12:30:00Z");
        arrive(&two, &mut b, "2026-11-27T12:00:00Z");
        arrive(&one, &mut b, "2026-11-27T12:30:00Z");
        for wo in [&a, &b] {
            assert_eq!(wo.report.work_done, "换油管和滤芯", "the later save shows");
            let other = wo.report.conflict.as_ref().expect("both kept");
            assert_eq!(other.work_done, "换油管");
            assert_eq!(other.stamp.as_ref().unwrap().device, Uuid::from_u128(1));
        }
        let what = |wo: &WorkOrder| {
            let o = wo.report.conflict.clone().unwrap();
            let s = o.stamp.clone().unwrap();
            (wo.report.text(), o.text(), s.device, s.at)
        };
        assert_eq!(what(&a), what(&b), "the same whichever arrived first");

        // A save on the phone itself (no arrival) never contests; one made after the other
        // could be seen replaces it.
        let mut seen = base.clone();
        arrive(&one, &mut seen, "2026-11-27T10:01:00Z");
        arrive(
            &save(2, "2026-11-27T10:30:00Z", "x"),
            &mut seen,
            "2026-11-27T10:31:00Z",
        );
        assert!(seen.report.conflict.is_none());

        // Submitted in conflict, the office does not close it until it keeps one text.
        a.report.submitted_at = Some(at("2026-11-27T13:00:00Z"));
        assert_eq!(
            a.review(ReviewDecision::Close, head(), at("2026-11-28T09:00:00Z")),
            Err(DeskError::ReportInConflict)
        );
        assert_eq!(
            a.settle_report(Uuid::from_u128(9)),
            Err(DeskError::NoConflict)
        );
        a.settle_report(Uuid::from_u128(1)).unwrap();
        assert_eq!(a.report.work_done, "换油管");
        assert!(a.report.conflict.is_none());
        assert_eq!(
            a.settle_report(Uuid::from_u128(1)),
            Err(DeskError::NoConflict),
            "once"
        );
        a.review(ReviewDecision::Close, head(), at("2026-11-28T09:00:00Z"))
            .unwrap();
    }

    #[test]
    fn a_sent_back_photo_must_be_taken_again_and_every_round_is_kept() {
        let (mut wo, photo_id) = submitted();
        let back = ReviewDecision::SendBack {
            items: vec![SendBackItem {
                item: ReviewItem::Photo { photo_id },
                reason: "看不清铭牌".into(),
            }],
        };
        wo.review(back, head(), at("2026-11-28T09:00:00Z")).unwrap();
        assert!(wo.report.submitted_at.is_none());
        assert_eq!(wo.open_send_back().map(<[_]>::len), Some(1));
        assert_eq!(
            wo.report_missing(),
            vec![crate::report::Missing::Photo {
                slot: "nameplate".into()
            }],
            "the sent-back photo no longer fills its slot"
        );
        let submit = op(OpKind::SubmitReport {
            work_order_id: wo.id,
        });
        assert!(matches!(
            submit.apply_to(&mut wo.clone()),
            Err(OpError::Incomplete(_))
        ));
        op(OpKind::AddPhoto {
            work_order_id: wo.id,
            photo_id: Uuid::new_v4(),
            slot: "nameplate".into(),
            sha256: "cd".repeat(32),
            bytes: 1000,
            width: 10,
            height: 10,
            content_type: "image/jpeg".into(),
        })
        .apply_to(&mut wo)
        .unwrap();
        assert!(
            wo.photos[1].name.ends_with("-nameplate-2.jpg"),
            "{}",
            wo.photos[1].name
        );
        submit.apply_to(&mut wo).unwrap();
        assert_eq!(wo.open_send_back(), None);
        wo.review(ReviewDecision::Close, head(), at("2026-11-29T09:00:00Z"))
            .unwrap();
        assert!(wo.is_closed());
        assert_eq!(wo.reviews.len(), 2, "both rounds are kept");
    }

    #[test]
    fn a_review_needs_a_submitted_report_and_reasons() {
        let (mut wo, photo_id) = submitted();
        let empty = ReviewDecision::SendBack { items: vec![] };
        assert_eq!(
            wo.review(empty, head(), at("2026-11-28T09:00:00Z")),
            Err(DeskError::NoItems)
        );
        let blank = ReviewDecision::SendBack {
            items: vec![SendBackItem {
                item: ReviewItem::Photo { photo_id },
                reason: "  ".into(),
            }],
        };
        assert_eq!(
            wo.review(blank, head(), at("2026-11-28T09:00:00Z")),
            Err(DeskError::BadReason)
        );
        let stranger = ReviewDecision::SendBack {
            items: vec![SendBackItem {
                item: ReviewItem::Photo {
                    photo_id: Uuid::new_v4(),
                },
                reason: "?".into(),
            }],
        };
        assert_eq!(
            wo.review(stranger, head(), at("2026-11-28T09:00:00Z")),
            Err(DeskError::UnknownPhoto)
        );
        assert!(wo.reviews.is_empty(), "a refused review changes nothing");
        let mut open = order("S1", "2026-11-27T08:00:00Z");
        assert_eq!(
            open.review(ReviewDecision::Close, head(), at("2026-11-28T09:00:00Z")),
            Err(DeskError::NotSubmitted)
        );
    }

    #[test]
    fn a_closed_order_refuses_every_change() {
        let (mut wo, _) = submitted();
        wo.review(ReviewDecision::Close, head(), at("2026-11-28T09:00:00Z"))
            .unwrap();
        let before = wo.clone();
        let edit = op(OpKind::CorrectHours {
            work_order_id: wo.id,
            hours: 1,
        });
        assert_eq!(edit.apply_to(&mut wo), Err(OpError::OrderClosed));
        assert_eq!(
            wo.review(ReviewDecision::Close, head(), at("2026-11-28T10:00:00Z")),
            Err(DeskError::Closed)
        );
        assert_eq!(wo, before);
    }

    #[test]
    fn a_phone_fix_closes_without_photos_or_signature() {
        let mut wo = order("S1", "2026-11-27T08:00:00Z");
        assert_eq!(
            wo.close_phone_fix(" ", head(), at("2026-11-27T09:00:00Z"), Uuid::new_v4()),
            Err(DeskError::NoResolution)
        );
        wo.close_phone_fix(
            "指导客户复位",
            head(),
            at("2026-11-27T09:00:00Z"),
            Uuid::new_v4(),
        )
        .unwrap();
        assert_eq!(wo.status, StatusNode::ResolvedByPhone);
        assert!(wo.is_closed());
        assert_eq!(
            crate::dispatch::follow_ups(&wo, at("2026-12-27T09:00:00Z")),
            vec![]
        );
        let mut gone = order("S2", "2026-11-27T08:00:00Z");
        reach(&mut gone, StatusNode::Departed, "2026-11-27T09:00:00Z");
        assert_eq!(
            gone.close_phone_fix("x", head(), at("2026-11-27T10:00:00Z"), Uuid::new_v4()),
            Err(DeskError::AlreadyDeparted)
        );
    }

    #[test]
    fn departing_says_when_and_with_whom() {
        let mut wo = order("S1", "2026-11-27T08:00:00Z");
        let id = wo.id;
        let depart = |companions: Vec<String>| {
            op(OpKind::Depart {
                work_order_id: id,
                expected_arrival: at("2026-11-27T13:00:00Z"),
                companions,
            })
        };
        let too_long = depart(vec!["x".repeat(61)]);
        assert_eq!(
            too_long.apply_to(&mut wo),
            Err(OpError::BadValue("companions"))
        );
        assert_eq!(wo.status, StatusNode::Dispatched);
        depart(vec!["李明".into()]).apply_to(&mut wo).unwrap();
        assert_eq!(wo.status, StatusNode::Departed);
        let d = wo.departure.as_ref().unwrap();
        assert_eq!(d.companions, vec!["李明".to_string()]);
        assert_eq!(d.expected_arrival, at("2026-11-27T13:00:00Z"));
        assert!(matches!(
            depart(vec![]).apply_to(&mut wo),
            Err(OpError::Status(_))
        ));
    }
}
