//! The service report (服务报告): what was wrong, what was done, parts, signature, and the rules
//! for submitting it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::conflict::{Side, Sides, Stamp};
use crate::desk::Person;
use crate::photo::{EXTRA_SLOT, OLD_PART_SLOT, PhotoMeta, PhotoSlot};
use crate::work_order::{ServiceType, StatusNode, WorkOrder};

/// A part used on the job. A replaced part (旧件) gets a return tag tying it to the ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartUsed {
    pub part_no: String,
    pub name: String,
    pub qty: u32,
    /// The old part was taken off and must be returned with its tag.
    #[serde(default)]
    pub replaced: bool,
    /// Set by [`return_tag`] for replaced parts.
    #[serde(default)]
    pub return_tag: Option<String>,
}

/// The customer's signature on the service record, stored as an image like a photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub photo_id: Uuid,
    pub signer: String,
    pub at: DateTime<Utc>,
}

/// The engineer's request to do without the customer's signature (免签), with the reason. The
/// station head (or a manager) approves or refuses it on their own device: until then it is
/// pending, and the report may be submitted (the engineer may be in a basement).
///
/// Records stored before requests existed carried the name of the supervisor the engineer typed
/// (`by`): it is ignored, and they read as pending requests.
// Read through a `serde_json::Value` (`desk/read.rs`), not a derived visitor (the wasm's size).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct Waiver {
    pub reason: String,
    /// When the engineer asked.
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<WaiverDecision>,
}

/// The station head's (or a manager's) answer to a waiver request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverDecision {
    pub approved: bool,
    pub by: Person,
    pub at: DateTime<Utc>,
    /// Why it was refused (empty when approved).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

impl Waiver {
    pub fn approved(&self) -> bool {
        self.decision.as_ref().is_some_and(|d| d.approved)
    }

    pub fn refused(&self) -> bool {
        self.decision.as_ref().is_some_and(|d| !d.approved)
    }
}

/// Hours one person worked on the job, for the claim's labour lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabourHours {
    /// Username: the main engineer or a companion.
    pub person: String,
    /// Tenths of an hour (1.5 h = 15).
    pub tenths: u32,
}

/// What the report of an order that expects a warranty claim (`WorkOrder::claim_expected`) adds
/// for the manufacturer: filled by the engineer on site, read by claims support.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarrantyDetails {
    /// The manufacturer's service code (服务代码).
    #[serde(default)]
    pub service_code: String,
    /// The warranty fault information (故障信息: symptom, fault code, failed part), for a fault
    /// repair.
    #[serde(default)]
    pub fault_info: String,
    /// Hours per person on the job: the main engineer and each companion.
    #[serde(default)]
    pub labour: Vec<LabourHours>,
}

/// The most hours one person's line may carry, in tenths (99.9 h: a job over several days).
pub const MAX_LABOUR_TENTHS: u32 = 999;

impl WarrantyDetails {
    pub fn is_empty(&self) -> bool {
        *self == WarrantyDetails::default()
    }

    /// Every field within its limits: short texts, at most one line per person on the job, each
    /// person named once, hours within [`MAX_LABOUR_TENTHS`].
    pub fn is_ok(&self) -> bool {
        use crate::validate::{limits, short_ok, text_ok};
        let people_ok = self.labour.len() <= limits::MAX_COMPANIONS + 1
            && self.labour.iter().enumerate().all(|(i, l)| {
                short_ok(&l.person)
                    && l.tenths <= MAX_LABOUR_TENTHS
                    && !self.labour[..i].iter().any(|o| o.person == l.person)
            });
        (self.service_code.is_empty() || short_ok(&self.service_code))
            && text_ok(&self.fault_info, limits::MAX_TEXT_CHARS)
            && people_ok
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceReport {
    #[serde(default)]
    pub fault_cause: String,
    #[serde(default)]
    pub work_done: String,
    #[serde(default)]
    pub parts: Vec<PartUsed>,
    /// Who else was on the job (同行人员).
    #[serde(default)]
    pub companions: Vec<String>,
    #[serde(default)]
    pub signature: Option<Signature>,
    #[serde(default)]
    pub waiver: Option<Waiver>,
    #[serde(default)]
    pub submitted_at: Option<DateTime<Utc>>,
    /// The claim's details, on an order that expects a claim.
    #[serde(default, skip_serializing_if = "WarrantyDetails::is_empty")]
    pub warranty: WarrantyDetails,
    /// The save its text came from: who, which device, when (none before the first save).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Stamp>,
    /// Another device's text, saved without this one (`crate::conflict`), with its own stamp:
    /// kept beside it until the office keeps one. (A report of its own holding only the text,
    /// so that no other type is read on the phone for it.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Box<ServiceReport>>,
}

impl ServiceReport {
    /// The text alone, what the engineer saves whole (`OpKind::SaveReport`) and two phones can
    /// disagree on: fault cause, work done, parts, companions, the claim's details.
    pub fn text(&self) -> ServiceReport {
        ServiceReport {
            fault_cause: self.fault_cause.clone(),
            work_done: self.work_done.clone(),
            parts: self.parts.clone(),
            companions: self.companions.clone(),
            warranty: self.warranty.clone(),
            ..ServiceReport::default()
        }
    }

    /// The text shown and the other kept beside it, as sides of `crate::conflict`.
    fn sides(&self) -> Option<Sides<ServiceReport>> {
        Some(Sides {
            shown: Side {
                value: self.text(),
                stamp: self.stamp.clone()?,
            },
            other: self.conflict.as_ref().and_then(|o| {
                Some(Side {
                    value: o.text(),
                    stamp: o.stamp.clone()?,
                })
            }),
        })
    }

    /// Save a text (the rule of `crate::conflict`): it replaces the one it has seen, or its own
    /// device's; one saved on another device without it is kept beside it, the later save shown.
    /// `text` is read for its text alone.
    pub fn save_text(&mut self, text: &ServiceReport, stamp: Stamp) {
        let change = Side {
            value: text.text(),
            stamp,
        };
        let sides = match self.sides() {
            Some(sides) => sides.meet(change),
            None => Sides::new(change),
        };
        self.show(sides);
    }

    /// Settle a conflict by keeping the text `device` saved. False: nothing to settle (a second
    /// settling), or no side from that device.
    pub fn settle(&mut self, device: Uuid) -> bool {
        match self.sides().and_then(|sides| sides.settle(device)) {
            Some(settled) => {
                self.show(settled);
                true
            }
            None => false,
        }
    }

    fn show(&mut self, sides: Sides<ServiceReport>) {
        let Side { value, stamp } = sides.shown;
        self.fault_cause = value.fault_cause;
        self.work_done = value.work_done;
        self.parts = value.parts;
        self.companions = value.companions;
        self.warranty = value.warranty;
        self.stamp = Some(stamp);
        self.conflict = sides.other.map(|o| {
            Box::new(ServiceReport {
                stamp: Some(o.stamp),
                ..o.value
            })
        });
    }
}

/// What still stands between a work order and its submitted report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Missing {
    /// The engineer has not reported leaving the site (or resolving by phone).
    NotDone,
    /// A required photo slot is empty.
    Photo {
        slot: String,
    },
    FaultCause,
    WorkDone,
    /// Neither the customer's signature nor a waiver request that was not refused.
    Signature,
    /// An order that expects a claim: the service code is empty.
    ServiceCode,
    /// An order that expects a claim: a fault repair without the warranty fault information.
    FaultInfo,
    /// An order that expects a claim: no hours for the main engineer.
    Labour,
}

/// The tag for the `index`-th replaced part (0-based) of a ticket: `<ticket>-R<index+1>`.
pub fn return_tag(ticket: &str, index: usize) -> String {
    format!("{}-R{}", crate::photo::sanitize_part(ticket), index + 1)
}

/// Give every replaced part its return tag, and take it from parts that are not replaced.
pub fn tag_returns(ticket: &str, parts: &mut [PartUsed]) {
    let mut n = 0;
    for part in parts.iter_mut() {
        if part.replaced {
            part.return_tag = Some(return_tag(ticket, n));
            n += 1;
        } else {
            part.return_tag = None;
        }
    }
}

impl WorkOrder {
    /// Everything that blocks submitting the report, in the order a person would fix it.
    pub fn report_missing(&self) -> Vec<Missing> {
        let mut missing = Vec::new();
        if !matches!(
            self.status,
            StatusNode::RepairedLeft | StatusNode::ResolvedByPhone
        ) {
            missing.push(Missing::NotDone);
        }
        // A phone resolution has no site visit, so no site photos.
        if self.status != StatusNode::ResolvedByPhone {
            for slot in self.slots.iter().filter(|s| s.required) {
                if !self
                    .photos
                    .iter()
                    .any(|p| p.slot == slot.key && self.photo_stands(p))
                {
                    missing.push(Missing::Photo {
                        slot: slot.key.clone(),
                    });
                }
            }
        }
        if self.service_type.has_fault() && self.report.fault_cause.trim().is_empty() {
            missing.push(Missing::FaultCause);
        }
        // On a phone resolution: how it was resolved (what the customer was told to do).
        if self.report.work_done.trim().is_empty() {
            missing.push(Missing::WorkDone);
        }
        if self.needs_signature() && !self.signature_covered() {
            missing.push(Missing::Signature);
        }
        if self.claim_expected {
            let w = &self.report.warranty;
            if self.photos_kept(OLD_PART_SLOT) < self.old_part_photos_needed() {
                missing.push(Missing::Photo {
                    slot: OLD_PART_SLOT.to_string(),
                });
            }
            if w.service_code.trim().is_empty() {
                missing.push(Missing::ServiceCode);
            }
            if self.service_type == ServiceType::FaultRepair && w.fault_info.trim().is_empty() {
                missing.push(Missing::FaultInfo);
            }
            if !w
                .labour
                .iter()
                .any(|l| l.person == self.assignee && l.tenths > 0)
            {
                missing.push(Missing::Labour);
            }
        }
        missing
    }

    /// Whether the report needs the customer's signature (or a waiver): not when the call was
    /// resolved by phone, with nobody on site to sign.
    pub fn needs_signature(&self) -> bool {
        self.status != StatusNode::ResolvedByPhone
    }

    /// The customer signed, or the engineer asked for a waiver that was not refused: enough to
    /// submit (a pending request lets the report go; the scorecard judges it later).
    pub fn signature_covered(&self) -> bool {
        let r = &self.report;
        r.signature.is_some() || r.waiver.as_ref().is_some_and(|w| !w.refused())
    }

    /// A waiver request waiting for the station head's answer: asked, not answered, and the
    /// customer has not signed since (the office may have closed the order meanwhile).
    pub fn waiver_waiting(&self) -> bool {
        let r = &self.report;
        r.signature.is_none() && r.waiver.as_ref().is_some_and(|w| w.decision.is_none())
    }

    /// How many photos of replaced parts the report needs: one per replaced part on an order
    /// that expects a claim, none otherwise.
    pub fn old_part_photos_needed(&self) -> usize {
        if self.claim_expected {
            self.report.parts.iter().filter(|p| p.replaced).count()
        } else {
            0
        }
    }

    /// Every photo slot a person reviewing the order sees: the configured ones, then the replaced
    /// parts' photos (when the order needs or has them) and the extra photos (when it has them).
    /// Not the signature: it is the report's own item.
    pub fn shown_slots(&self) -> Vec<PhotoSlot> {
        let mut slots = self.slots.clone();
        let needed = self.old_part_photos_needed();
        if needed > 0 || self.photos_in(OLD_PART_SLOT) > 0 {
            slots.push(PhotoSlot {
                key: OLD_PART_SLOT.into(),
                label_zh: "旧件照片".into(),
                label_en: "Replaced parts".into(),
                required: needed > 0,
            });
        }
        if self.photos_in(EXTRA_SLOT) > 0 {
            slots.push(PhotoSlot {
                key: EXTRA_SLOT.into(),
                label_zh: "其他照片".into(),
                label_en: "Other photos".into(),
                required: false,
            });
        }
        slots
    }

    /// How many photos were ever taken in a slot (a sent-back one included: the next photo's
    /// number in its name counts on from it).
    pub fn photos_in(&self, slot: &str) -> usize {
        self.photos.iter().filter(|p| p.slot == slot).count()
    }

    /// How many photos stand in a slot: those the office did not send back and the engineer
    /// did not withdraw. What the report, the claim and the scorecards count as there.
    pub fn photos_kept(&self, slot: &str) -> usize {
        self.photos
            .iter()
            .filter(|p| p.slot == slot && self.photo_stands(p))
            .count()
    }

    /// Whether a photo fills its slot: neither sent back by the office nor withdrawn.
    pub fn photo_stands(&self, photo: &PhotoMeta) -> bool {
        photo.withdrawn_at.is_none() && !self.sent_back_photo(photo.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::op::{OpError, OpKind, Operation};
    use crate::photo::PhotoSlot;
    use crate::work_order::ServiceType;
    use chrono::TimeZone;

    fn slot(key: &str, required: bool) -> PhotoSlot {
        PhotoSlot {
            key: key.into(),
            label_zh: key.into(),
            label_en: key.into(),
            required,
        }
    }

    fn order(service_type: ServiceType, slots: Vec<PhotoSlot>) -> WorkOrder {
        WorkOrder {
            id: Uuid::nil(),
            ticket: "BX-20261127-003".into(),
            customer: "青岛城投建设".into(),
            site: "胶州湾第二隧道".into(),
            equipment_model: "SY215C".into(),
            serial: "SY215CAC6218K0931".into(),
            engine_hours: 1998,
            working_condition: "土方".into(),
            fault_description: "定检".into(),
            service_type,
            machine_down: false,
            called_at: Utc.with_ymd_and_hms(2026, 11, 27, 0, 0, 0).unwrap(),
            planned_at: Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap(),
            assignee: "engineer1".into(),
            assignee_name: String::new(),
            status: StatusNode::Dispatched,
            history: vec![],
            seq: 1,
            slots,
            photos: vec![],
            report: ServiceReport::default(),
            contact_name: String::new(),
            contact_phone: String::new(),
            companions: Vec::new(),
            station: None,
            repeat_of: None,
            first_response: None,
            departure: None,
            reviews: Vec::new(),
            closure: None,
            naming: Default::default(),
            unrepaired_reason: None,
            call_backs: Vec::new(),
            claim_expected: false,
        }
    }

    fn op(wo: &WorkOrder, kind: OpKind, hour: u32) -> Operation {
        let _ = wo;
        Operation {
            id: Uuid::new_v4(),
            user: "engineer1".into(),
            device_id: Uuid::nil(),
            // 16:30 UTC on the 27th is 00:30 on the 28th in China.
            device_time: Utc.with_ymd_and_hms(2026, 11, 27, hour, 30, 0).unwrap(),
            kind,
        }
    }

    /// The office's order page lists its photos by `shown_slots` (issue 15): "extra" photos
    /// show there too, in their own slot after the configured ones.
    #[test]
    fn the_office_is_shown_the_extra_photos_too() {
        let mut wo = order(ServiceType::FaultRepair, vec![]);
        assert!(wo.shown_slots().iter().all(|s| s.key != EXTRA_SLOT));
        op(&wo, photo(&wo, EXTRA_SLOT, "image/jpeg"), 9)
            .apply_to(&mut wo)
            .unwrap();
        let shown = wo.shown_slots();
        assert_eq!(shown.last().map(|s| s.key.as_str()), Some(EXTRA_SLOT));
        assert!(!shown.last().unwrap().required);
        assert_eq!(wo.photos.iter().filter(|p| p.slot == EXTRA_SLOT).count(), 1);
    }

    fn photo(wo: &WorkOrder, slot: &str, content_type: &str) -> OpKind {
        OpKind::AddPhoto {
            work_order_id: wo.id,
            photo_id: Uuid::new_v4(),
            slot: slot.into(),
            sha256: "ab".repeat(32),
            bytes: 400_000,
            width: 2048,
            height: 1536,
            content_type: content_type.into(),
        }
    }

    fn walk_to_left(wo: &mut WorkOrder) {
        for node in [
            StatusNode::Departed,
            StatusNode::Arrived,
            StatusNode::RepairedLeft,
        ] {
            op(
                wo,
                OpKind::SetStatus {
                    work_order_id: wo.id,
                    node,
                },
                3,
            )
            .apply_to(wo)
            .unwrap();
        }
    }

    #[test]
    fn periodic_maintenance_cannot_be_submitted_until_every_required_photo_is_there() {
        let slots = vec![
            slot("hour_meter", true),
            slot("nameplate", true),
            slot("oil_filter", true),
            slot("site", false),
        ];
        let mut wo = order(ServiceType::PeriodicMaintenance, slots);
        let submit = |wo: &WorkOrder| {
            op(
                wo,
                OpKind::SubmitReport {
                    work_order_id: wo.id,
                },
                9,
            )
        };

        let missing = wo.report_missing();
        assert_eq!(
            missing,
            vec![
                Missing::NotDone,
                Missing::Photo {
                    slot: "hour_meter".into()
                },
                Missing::Photo {
                    slot: "nameplate".into()
                },
                Missing::Photo {
                    slot: "oil_filter".into()
                },
                // A maintenance has no fault, so no 故障原因 to give.
                Missing::WorkDone,
                Missing::Signature,
            ]
        );
        assert_eq!(
            submit(&wo).apply_to(&mut wo),
            Err(OpError::Incomplete(missing))
        );

        walk_to_left(&mut wo);
        for key in ["hour_meter", "nameplate"] {
            op(&wo, photo(&wo, key, "image/jpeg"), 4)
                .apply_to(&mut wo)
                .unwrap();
        }
        let report = OpKind::SaveReport {
            work_order_id: wo.id,
            fault_cause: "到期保养".into(),
            work_done: "更换机油、机滤、柴滤".into(),
            parts: vec![PartUsed {
                part_no: "VOE21707134".into(),
                name: "机油滤芯".into(),
                qty: 1,
                replaced: true,
                return_tag: None,
            }],
            companions: vec!["李强".into()],
            warranty: Default::default(),
        };
        op(&wo, report, 5).apply_to(&mut wo).unwrap();
        let sig = photo(&wo, crate::photo::SIGNATURE_SLOT, "image/png");
        let OpKind::AddPhoto { photo_id, .. } = sig.clone() else {
            unreachable!()
        };
        op(&wo, sig, 6).apply_to(&mut wo).unwrap();
        op(
            &wo,
            OpKind::Sign {
                work_order_id: wo.id,
                photo_id,
                signer: "王经理".into(),
            },
            6,
        )
        .apply_to(&mut wo)
        .unwrap();

        assert_eq!(
            wo.report_missing(),
            vec![Missing::Photo {
                slot: "oil_filter".into()
            }]
        );
        assert!(submit(&wo).apply_to(&mut wo).is_err());
        op(&wo, photo(&wo, "oil_filter", "image/jpeg"), 7)
            .apply_to(&mut wo)
            .unwrap();
        assert!(wo.report_missing().is_empty());
        submit(&wo).apply_to(&mut wo).unwrap();
        assert!(wo.report.submitted_at.is_some());
        assert_eq!(
            wo.report.parts[0].return_tag.as_deref(),
            Some("BX-20261127-003-R1")
        );

        // A submitted report is final.
        let late = op(&wo, photo(&wo, "extra", "image/jpeg"), 10);
        assert_eq!(late.apply_to(&mut wo), Err(OpError::ReportSubmitted));
    }

    /// The report asks for what the service type needs (issue 16): a fault repair its cause,
    /// the other types none; a call resolved by phone no site photo and no signature, but its
    /// cause and how it was resolved.
    #[test]
    fn the_report_asks_for_what_the_service_type_needs() {
        let slots = || vec![slot("nameplate", true)];
        // A fault resolved by phone.
        let mut wo = order(ServiceType::FaultRepair, slots());
        let by_phone = OpKind::SetStatus {
            work_order_id: wo.id,
            node: StatusNode::ResolvedByPhone,
        };
        op(&wo, by_phone, 3).apply_to(&mut wo).unwrap();
        assert!(!wo.needs_signature());
        assert_eq!(
            wo.report_missing(),
            vec![Missing::FaultCause, Missing::WorkDone]
        );
        let report = OpKind::SaveReport {
            work_order_id: wo.id,
            fault_cause: "先导压力开关未复位".into(),
            work_done: "电话指导客户复位先导开关，试机正常".into(),
            parts: vec![],
            companions: vec![],
            warranty: Default::default(),
        };
        op(&wo, report, 4).apply_to(&mut wo).unwrap();
        assert_eq!(wo.report_missing(), vec![]);

        // The same fault repaired on site: its photo and the signature as well.
        let mut wo = order(ServiceType::FaultRepair, slots());
        walk_to_left(&mut wo);
        assert!(wo.needs_signature());
        assert_eq!(
            wo.report_missing(),
            vec![
                Missing::Photo {
                    slot: "nameplate".into()
                },
                Missing::FaultCause,
                Missing::WorkDone,
                Missing::Signature,
            ]
        );

        // Every other type has no fault cause to give, on site or by phone.
        for service_type in ServiceType::ALL
            .into_iter()
            .filter(|t| *t != ServiceType::FaultRepair)
        {
            let mut wo = order(service_type, vec![]);
            walk_to_left(&mut wo);
            assert_eq!(
                wo.report_missing(),
                vec![Missing::WorkDone, Missing::Signature],
                "{service_type:?}"
            );
        }
    }

    #[test]
    fn arrival_inspection_needs_the_certificate_of_conformity() {
        let mut wo = order(
            ServiceType::ArrivalInspection,
            vec![slot("certificate", true), slot("nameplate", true)],
        );
        walk_to_left(&mut wo);
        op(&wo, photo(&wo, "nameplate", "image/jpeg"), 4)
            .apply_to(&mut wo)
            .unwrap();
        assert!(wo.report_missing().contains(&Missing::Photo {
            slot: "certificate".into()
        }));
    }

    #[test]
    fn a_waiver_request_lets_the_report_go_until_it_is_refused() {
        use crate::desk::{DeskError, Person, WaiverAnswer};
        let head = || Person {
            username: "head1".into(),
            name: "周站长".into(),
        };
        let now: DateTime<Utc> = "2026-11-28T06:05:00Z".parse().unwrap();
        let mut wo = order(ServiceType::FaultRepair, vec![]);
        let id = wo.id;
        let ask = |reason: &str| OpKind::WaiveSignature {
            work_order_id: id,
            reason: reason.into(),
        };
        let empty = op(&wo, ask("  "), 5);
        assert!(matches!(empty.apply_to(&mut wo), Err(OpError::BadValue(_))));
        assert!(wo.report_missing().contains(&Missing::Signature));
        // Nothing asked: nothing to answer.
        let approve = WaiverAnswer {
            approve: true,
            reason: String::new(),
        };
        assert_eq!(
            wo.decide_waiver(&approve, head(), now),
            Err(DeskError::NoWaiver)
        );

        op(&wo, ask("客户不在现场"), 5).apply_to(&mut wo).unwrap();
        assert!(wo.waiver_waiting());
        assert!(!wo.report_missing().contains(&Missing::Signature));

        // A refusal needs its reason; once refused, the signature is missing again.
        let refuse = |reason: &str| WaiverAnswer {
            approve: false,
            reason: reason.into(),
        };
        assert_eq!(
            wo.decide_waiver(&refuse(" "), head(), now),
            Err(DeskError::BadReason)
        );
        wo.decide_waiver(&refuse("请补签"), head(), now).unwrap();
        assert_eq!(
            wo.decide_waiver(&approve, head(), now),
            Err(DeskError::AlreadyDecided)
        );
        assert!(!wo.waiver_waiting());
        assert!(wo.report_missing().contains(&Missing::Signature));

        // Asked again: a new, pending request; approved, it cannot be asked over.
        op(&wo, ask("客户出差，电话确认"), 6)
            .apply_to(&mut wo)
            .unwrap();
        assert!(wo.waiver_waiting());
        // Had the office closed the order first, the request would still wait for the station
        // head and be answered (the desk does not wait for it).
        let mut closed = wo.clone();
        closed.closure = Some(crate::desk::Closure {
            by: head(),
            at: now,
            resolution: None,
        });
        assert!(closed.waiver_waiting());
        closed.decide_waiver(&approve, head(), now).unwrap();
        assert!(!closed.waiver_waiting() && closed.report.waiver.as_ref().unwrap().approved());
        wo.decide_waiver(&approve, head(), now).unwrap();
        let w = wo.report.waiver.as_ref().unwrap();
        assert!(w.approved() && w.decision.as_ref().unwrap().by.name == "周站长");
        assert!(matches!(
            op(&wo, ask("再问"), 7).apply_to(&mut wo),
            Err(OpError::WrongState)
        ));
        assert!(!wo.report_missing().contains(&Missing::Signature));

        // A record stored before requests, with the supervisor's typed name, reads as pending.
        let old: Waiver = serde_json::from_str(
            r#"{"by": "周主管", "reason": "客户不在现场", "at": "2026-11-27T08:00:00Z"}"#,
        )
        .unwrap();
        assert!(old.decision.is_none());
    }

    #[test]
    fn an_order_that_expects_a_claim_needs_its_details_and_a_photo_per_replaced_part() {
        let mut wo = order(ServiceType::FaultRepair, vec![]);
        let claim_items = |wo: &WorkOrder| {
            wo.report_missing()
                .into_iter()
                .filter(|m| {
                    matches!(
                        m,
                        Missing::ServiceCode | Missing::FaultInfo | Missing::Labour
                    ) || matches!(m, Missing::Photo { slot } if slot == OLD_PART_SLOT)
                })
                .collect::<Vec<_>>()
        };
        let part = |part_no: &str| PartUsed {
            part_no: part_no.into(),
            name: "喷油器".into(),
            qty: 1,
            replaced: true,
            return_tag: None,
        };
        let save = |wo: &WorkOrder, warranty: WarrantyDetails| {
            op(
                wo,
                OpKind::SaveReport {
                    work_order_id: wo.id,
                    fault_cause: "喷油器卡滞".into(),
                    work_done: "更换喷油器".into(),
                    parts: vec![part("P-1"), part("P-2")],
                    companions: vec![],
                    warranty,
                },
                5,
            )
        };
        save(&wo, WarrantyDetails::default())
            .apply_to(&mut wo)
            .unwrap();
        // Without a claim expected, none of it is asked for.
        assert_eq!(claim_items(&wo), vec![]);
        assert_eq!(wo.old_part_photos_needed(), 0);

        assert!(wo.shown_slots().iter().all(|s| s.key != OLD_PART_SLOT));
        wo.claim_expected = true;
        assert_eq!(wo.old_part_photos_needed(), 2);
        // The office sees the slot, required, beside the configured ones.
        assert!(
            wo.shown_slots()
                .iter()
                .any(|s| s.key == OLD_PART_SLOT && s.required)
        );
        assert_eq!(
            claim_items(&wo),
            vec![
                Missing::Photo {
                    slot: OLD_PART_SLOT.into()
                },
                Missing::ServiceCode,
                Missing::FaultInfo,
                Missing::Labour,
            ]
        );

        // Hours for a companion only do not count for the main engineer.
        let mut details = WarrantyDetails {
            service_code: "W-0301".into(),
            fault_info: "P0087 油轨压力低".into(),
            labour: vec![LabourHours {
                person: "engineer2".into(),
                tenths: 20,
            }],
        };
        save(&wo, details.clone()).apply_to(&mut wo).unwrap();
        assert_eq!(claim_items(&wo).last(), Some(&Missing::Labour));
        details.labour.push(LabourHours {
            person: wo.assignee.clone(),
            tenths: 25,
        });
        save(&wo, details.clone()).apply_to(&mut wo).unwrap();
        op(&wo, photo(&wo, OLD_PART_SLOT, "image/jpeg"), 6)
            .apply_to(&mut wo)
            .unwrap();
        // One photo for two replaced parts is not enough.
        assert_eq!(
            claim_items(&wo),
            vec![Missing::Photo {
                slot: OLD_PART_SLOT.into()
            }]
        );
        op(&wo, photo(&wo, OLD_PART_SLOT, "image/jpeg"), 6)
            .apply_to(&mut wo)
            .unwrap();
        assert_eq!(claim_items(&wo), vec![]);

        // The office sends one old-part photo back: it no longer counts until it is retaken.
        let unclear = wo
            .photos
            .iter()
            .rfind(|p| p.slot == OLD_PART_SLOT)
            .unwrap()
            .id;
        wo.reviews.push(crate::desk::ReviewRound {
            submitted_at: wo.called_at,
            decision: crate::desk::ReviewDecision::SendBack {
                items: vec![crate::desk::SendBackItem {
                    item: crate::desk::ReviewItem::Photo { photo_id: unclear },
                    reason: "旧件照片不清楚".into(),
                }],
            },
            by: crate::desk::Person {
                username: "dispatcher1".into(),
                name: "陈静".into(),
            },
            at: wo.called_at,
        });
        assert_eq!(
            (wo.photos_in(OLD_PART_SLOT), wo.photos_kept(OLD_PART_SLOT)),
            (2, 1)
        );
        assert_eq!(
            claim_items(&wo),
            vec![Missing::Photo {
                slot: OLD_PART_SLOT.into()
            }]
        );
        op(&wo, photo(&wo, OLD_PART_SLOT, "image/jpeg"), 6)
            .apply_to(&mut wo)
            .unwrap();
        assert_eq!(claim_items(&wo), vec![]);

        // A person twice, or hours past the cap, is refused and changes nothing.
        for bad in [
            WarrantyDetails {
                labour: vec![details.labour[1].clone(), details.labour[1].clone()],
                ..details.clone()
            },
            WarrantyDetails {
                labour: vec![LabourHours {
                    person: wo.assignee.clone(),
                    tenths: MAX_LABOUR_TENTHS + 1,
                }],
                ..details.clone()
            },
        ] {
            let before = wo.clone();
            assert!(matches!(
                save(&wo, bad).apply_to(&mut wo),
                Err(OpError::BadValue(_))
            ));
            assert_eq!(wo, before);
        }
    }

    #[test]
    fn photos_are_named_by_the_rule_from_the_orders_own_fields() {
        let mut wo = order(
            ServiceType::PeriodicMaintenance,
            vec![slot("nameplate", true)],
        );
        op(
            &wo,
            OpKind::CorrectHours {
                work_order_id: wo.id,
                hours: 2004,
            },
            3,
        )
        .apply_to(&mut wo)
        .unwrap();
        op(&wo, photo(&wo, "nameplate", "image/jpeg"), 16)
            .apply_to(&mut wo)
            .unwrap();
        op(&wo, photo(&wo, "nameplate", "image/jpeg"), 16)
            .apply_to(&mut wo)
            .unwrap();
        let names: Vec<&str> = wo.photos.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "BX-20261127-003-SY215C-SY215CAC6218K0931-2004h-20261128-nameplate.jpg",
                "BX-20261127-003-SY215C-SY215CAC6218K0931-2004h-20261128-nameplate-2.jpg",
            ],
            "hours corrected on site, and the date in China time"
        );
    }

    #[test]
    fn bad_photo_details_are_refused_and_change_nothing() {
        let mut wo = order(ServiceType::FaultRepair, vec![slot("nameplate", true)]);
        let before = wo.clone();
        let mut bad = vec![
            photo(&wo, "no_such_slot", "image/jpeg"),
            photo(&wo, "nameplate", "image/gif"),
        ];
        for (field, value) in [("sha", "XYZ"), ("bytes", "0"), ("width", "99999")] {
            let mut k = photo(&wo, "nameplate", "image/jpeg");
            if let OpKind::AddPhoto {
                sha256,
                bytes,
                width,
                ..
            } = &mut k
            {
                match field {
                    "sha" => *sha256 = value.into(),
                    "bytes" => *bytes = 0,
                    _ => *width = 99_999,
                }
            }
            bad.push(k);
        }
        for kind in bad {
            assert!(matches!(
                op(&wo, kind, 3).apply_to(&mut wo),
                Err(OpError::BadPhoto(_))
            ));
        }
        let hours = OpKind::CorrectHours {
            work_order_id: wo.id,
            hours: 5_000_000,
        };
        assert!(op(&wo, hours, 3).apply_to(&mut wo).is_err());
        assert_eq!(wo, before);
    }

    #[test]
    fn return_tags_follow_the_replaced_parts_only() {
        let part = |replaced| PartUsed {
            part_no: "P".into(),
            name: "N".into(),
            qty: 1,
            replaced,
            return_tag: Some("stale".into()),
        };
        let mut parts = vec![part(true), part(false), part(true)];
        tag_returns("BX/../1", &mut parts);
        let tags: Vec<Option<&str>> = parts.iter().map(|p| p.return_tag.as_deref()).collect();
        assert_eq!(tags, vec![Some("BX_1-R1"), None, Some("BX_1-R2")]);
    }
    /// A wrong photo withdrawn after it was sent (issue 16): on record still, with who and when,
    /// but its slot is empty again, the next photo there counts on in its name, and a second
    /// withdrawal, an unknown photo, the signature or a submitted report are refused unchanged.
    #[test]
    fn a_withdrawn_photo_leaves_its_slot_empty_again() {
        let mut wo = order(ServiceType::FaultRepair, vec![slot("nameplate", true)]);
        walk_to_left(&mut wo);
        let wrong = photo(&wo, "nameplate", "image/jpeg");
        let OpKind::AddPhoto { photo_id, .. } = wrong.clone() else {
            unreachable!()
        };
        op(&wo, wrong, 4).apply_to(&mut wo).unwrap();
        let nameplate = Missing::Photo {
            slot: "nameplate".into(),
        };
        assert!(!wo.report_missing().contains(&nameplate));
        let wo_id = wo.id;
        let withdraw = |photo_id| OpKind::WithdrawPhoto {
            work_order_id: wo_id,
            photo_id,
        };
        let w = op(&wo, withdraw(photo_id), 5);
        w.apply_to(&mut wo).unwrap();
        assert!(wo.report_missing().contains(&nameplate));
        assert_eq!(wo.photos_kept("nameplate"), 0);
        assert_eq!(wo.photos[0].withdrawn_at, Some(w.device_time));
        assert_eq!(wo.photos[0].withdrawn_by.as_deref(), Some("engineer1"));

        let before = wo.clone();
        assert_eq!(
            op(&wo, withdraw(photo_id), 6).apply_to(&mut wo),
            Err(OpError::WrongState)
        );
        assert_eq!(
            op(&wo, withdraw(Uuid::new_v4()), 6).apply_to(&mut wo),
            Err(OpError::NotFound("photo"))
        );
        let sig = photo(&wo, crate::photo::SIGNATURE_SLOT, "image/png");
        let OpKind::AddPhoto {
            photo_id: sig_id, ..
        } = sig.clone()
        else {
            unreachable!()
        };
        op(&wo, sig, 6).apply_to(&mut wo).unwrap();
        let signed = wo.clone();
        assert!(matches!(
            op(&wo, withdraw(sig_id), 6).apply_to(&mut wo),
            Err(OpError::BadPhoto(_))
        ));
        assert_eq!(wo, signed);
        assert_eq!(before.photos.len() + 1, wo.photos.len());

        op(&wo, photo(&wo, "nameplate", "image/jpeg"), 7)
            .apply_to(&mut wo)
            .unwrap();
        let retaken = wo.photos.last().unwrap();
        assert_eq!(retaken.n, 2);
        assert!(
            retaken.name.ends_with("-nameplate-2.jpg"),
            "{}",
            retaken.name
        );
        assert!(!wo.report_missing().contains(&nameplate));

        wo.report.submitted_at = Some(w.device_time);
        let submitted = wo.clone();
        let last = wo.photos.last().unwrap().id;
        assert_eq!(
            op(&wo, withdraw(last), 8).apply_to(&mut wo),
            Err(OpError::ReportSubmitted)
        );
        assert_eq!(wo, submitted);
    }
}
