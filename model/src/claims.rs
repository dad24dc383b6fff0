//! Warranty claims (索赔) and old parts (旧件): the contract of issue 19, written before its screens.
//!
//! The rules (DOMAIN.md "Warranty claims and old parts"), written down here once:
//! - A claimable order is a closed work order of a warranty service (fault repair, periodic
//!   maintenance, technical modification) that the desk marked as expecting a claim. Claims
//!   support files its claim within 14 days of the service: due at the end (24:00 China time) of
//!   the 14th calendar day after the China day the engineer left the site (`RepairedLeft`).
//! - A claim is of one of three standard kinds; it carries the order's ticket, model, serial,
//!   hours and working condition, labour lines, material lines, other costs and remarks.
//!   [`Claim::missing`] lists what stops it being marked submitted.
//! - Its states: draft → submitted → accepted / refused (with the reason) → (refused) resubmitted
//!   → accepted → paid (the manufacturer's credit note, reconciled against the claimed amount).
//!   A paid claim never changes.
//! - A periodic-maintenance claim needs an engineer of grade TCL1 or above ([`Grade`]).
//! - A commercial claim (outside the warranty) is signed off in order along a chain of steps the
//!   office keeps as data ([`SignOffChain`]); a sign-off out of order or by the wrong person is
//!   refused, a refusal at any step ends it.
//! - Old parts: a replaced part's return tag (`report::tag_returns`) follows the part with the
//!   engineer → with the station head (who confirms receipt) → in the company store (by the 25th
//!   of the month after it came off, late otherwise) → destroyed, or shipped to the manufacturer
//!   (large parts within 5 days of the manufacturer's request, small ones within 2).
//!
//! Money is kept in fen (1/100 yuan) as integers.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::complaints::{china_date, china_midnight};
use crate::validate::{OpError, limits, short_ok, text_ok};
use crate::work_order::{ServiceType, StatusNode, WorkOrder};

/// Days from the service to the claim's filing deadline.
pub const CLAIM_DAYS: i64 = 14;

/// The standard claims' kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// 服务费索赔 (periodic maintenance and other services the manufacturer pays for).
    ServiceFee,
    /// 故障索赔.
    Fault,
    /// 技术更新 (a manufacturer's campaign).
    TechnicalUpdate,
}

/// An engineer's grade as the manufacturer certifies it (kept on users): TCL1 is the lowest that
/// may do claimable periodic maintenance; below it is a trainee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Grade {
    Trainee,
    #[serde(rename = "TCL1")]
    Tcl1,
    #[serde(rename = "TCL2")]
    Tcl2,
    #[serde(rename = "TCL3")]
    Tcl3,
}

/// One labour line: who worked, under which service code, how long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabourLine {
    pub engineer: String,
    pub service_code: String,
    pub description: String,
    /// Tenths of an hour (1.5 h = 15), as the report takes them.
    pub tenths: u32,
}

/// One material line (from the report's parts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialLine {
    pub part_no: String,
    pub name: String,
    pub qty: u32,
    /// The old part's return tag when it was replaced.
    #[serde(default)]
    pub return_tag: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostLine {
    pub what: String,
    pub fen: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimState {
    Draft,
    Submitted,
    Accepted,
    Refused,
    Resubmitted,
    Paid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNote {
    pub number: String,
    pub fen: i64,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimEvent {
    Drafted,
    Submitted,
    Accepted,
    Refused { reason: String },
    Resubmitted,
    Paid { credit_note: CreditNote },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimStep {
    pub event: ClaimEvent,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// What stops a claim being marked submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimMissing {
    ClaimNumber,
    Labour,
    /// A material line without a part number.
    PartNumber {
        line: usize,
    },
    /// A replaced part without its photo (slot `old_part`), when the claim expects one.
    OldPartPhoto {
        part_no: String,
    },
    /// A fault claim without the report's fault cause.
    FaultInformation,
    /// A required photo slot of the order is empty.
    Photo {
        slot: String,
    },
    /// Periodic maintenance by an engineer below TCL1.
    EngineerGrade {
        engineer: String,
    },
    /// The order's report is not closed by the office yet.
    OrderNotClosed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub id: Uuid,
    pub work_order_id: Uuid,
    /// The manufacturer's claim number (names the claim's folder).
    #[serde(default)]
    pub claim_number: String,
    pub kind: ClaimKind,
    pub ticket: String,
    pub model: String,
    pub serial: String,
    pub hours: u32,
    pub working_condition: String,
    #[serde(default)]
    pub labour: Vec<LabourLine>,
    #[serde(default)]
    pub materials: Vec<MaterialLine>,
    #[serde(default)]
    pub other_costs: Vec<CostLine>,
    #[serde(default)]
    pub remarks: String,
    /// What is claimed, in fen.
    pub claimed_fen: i64,
    /// The 14-day filing deadline.
    pub due: DateTime<Utc>,
    pub state: ClaimState,
    #[serde(default)]
    pub credit_note: Option<CreditNote>,
    #[serde(default)]
    pub history: Vec<ClaimStep>,
    #[serde(default)]
    pub seq: i64,
}

/// The service types whose orders can become standard claims.
pub fn claimable_service(service: ServiceType) -> bool {
    matches!(
        service,
        ServiceType::FaultRepair
            | ServiceType::PeriodicMaintenance
            | ServiceType::TechnicalModification
    )
}

/// When a claim for `order` must be filed: 24:00 China time of the 14th day after the China day
/// the engineer left the site; None before they left.
pub fn claim_due(order: &WorkOrder) -> Option<DateTime<Utc>> {
    let left = order.reached_at(StatusNode::RepairedLeft)?;
    let day = china_date(left) + Duration::days(CLAIM_DAYS + 1);
    Some(china_midnight(day))
}

impl Claim {
    /// A draft claim from a closed order, with everything its report already holds.
    pub fn draft(
        id: Uuid,
        order: &WorkOrder,
        kind: ClaimKind,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<Claim, OpError> {
        let Some(due) = claim_due(order) else {
            return Err(OpError::WrongState);
        };
        Ok(Claim {
            id,
            work_order_id: order.id,
            claim_number: String::new(),
            kind,
            ticket: order.ticket.clone(),
            model: order.equipment_model.clone(),
            serial: order.serial.clone(),
            hours: order.engine_hours,
            working_condition: order.working_condition.clone(),
            labour: order
                .report
                .warranty
                .labour
                .iter()
                .map(|l| LabourLine {
                    engineer: l.person.clone(),
                    service_code: order.report.warranty.service_code.clone(),
                    description: order.report.work_done.clone(),
                    tenths: l.tenths,
                })
                .collect(),
            materials: order
                .report
                .parts
                .iter()
                .map(|p| MaterialLine {
                    part_no: p.part_no.clone(),
                    name: p.name.clone(),
                    qty: p.qty,
                    return_tag: p.return_tag.clone(),
                })
                .collect(),
            other_costs: Vec::new(),
            remarks: String::new(),
            claimed_fen: 0,
            due,
            state: ClaimState::Draft,
            credit_note: None,
            history: vec![ClaimStep {
                event: ClaimEvent::Drafted,
                by: by.to_string(),
                at,
            }],
            seq: 0,
        })
    }

    /// Everything that stops the claim being submitted, in the order a person would fix it.
    /// `grade` tells an engineer's grade; `old_part_photo` whether the order holds the photo of
    /// a replaced part (`part_no`).
    pub fn missing(
        &self,
        order: &WorkOrder,
        grade: impl Fn(&str) -> Option<Grade>,
        old_part_photo: impl Fn(&str) -> bool,
    ) -> Vec<ClaimMissing> {
        let mut missing = Vec::new();
        if !order.is_closed() {
            missing.push(ClaimMissing::OrderNotClosed);
        }
        if self.claim_number.trim().is_empty() {
            missing.push(ClaimMissing::ClaimNumber);
        }
        if self.labour.is_empty() {
            missing.push(ClaimMissing::Labour);
        }
        for (line, m) in self.materials.iter().enumerate() {
            if m.part_no.trim().is_empty() {
                missing.push(ClaimMissing::PartNumber { line });
            } else if m.return_tag.is_some() && !old_part_photo(&m.part_no) {
                missing.push(ClaimMissing::OldPartPhoto {
                    part_no: m.part_no.clone(),
                });
            }
        }
        if self.kind == ClaimKind::Fault
            && order.report.warranty.fault_info.trim().is_empty()
            && order.report.fault_cause.trim().is_empty()
        {
            missing.push(ClaimMissing::FaultInformation);
        }
        for slot in order.slots.iter().filter(|s| s.required) {
            if order.photos_kept(&slot.key) == 0 {
                missing.push(ClaimMissing::Photo {
                    slot: slot.key.clone(),
                });
            }
        }
        if order.service_type == ServiceType::PeriodicMaintenance {
            for engineer in std::iter::once(order.assignee.as_str())
                .chain(self.labour.iter().map(|l| l.engineer.as_str()))
            {
                if grade(engineer).is_none_or(|g| g < Grade::Tcl1)
                    && !missing.contains(&ClaimMissing::EngineerGrade {
                        engineer: engineer.to_string(),
                    })
                {
                    missing.push(ClaimMissing::EngineerGrade {
                        engineer: engineer.to_string(),
                    });
                }
            }
        }
        missing
    }

    fn step(&mut self, event: ClaimEvent, by: &str, at: DateTime<Utc>) {
        self.history.push(ClaimStep {
            event,
            by: by.to_string(),
            at,
        });
    }

    /// Mark it submitted (or resubmitted after a refusal): refused while anything is missing.
    pub fn submit(
        &mut self,
        missing: &[ClaimMissing],
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<(), OpError> {
        let (next, event) = match self.state {
            ClaimState::Draft => (ClaimState::Submitted, ClaimEvent::Submitted),
            ClaimState::Refused => (ClaimState::Resubmitted, ClaimEvent::Resubmitted),
            ClaimState::Paid => return Err(OpError::Closed),
            _ => return Err(OpError::WrongState),
        };
        if !missing.is_empty() {
            return Err(OpError::BadValue("the claim is not complete"));
        }
        self.state = next;
        self.step(event, by, at);
        Ok(())
    }

    /// The manufacturer accepted or refused it (a refusal needs its reason).
    pub fn answer(
        &mut self,
        accepted: bool,
        reason: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<(), OpError> {
        match self.state {
            ClaimState::Submitted | ClaimState::Resubmitted => {}
            ClaimState::Paid => return Err(OpError::Closed),
            _ => return Err(OpError::WrongState),
        }
        if accepted {
            self.state = ClaimState::Accepted;
            self.step(ClaimEvent::Accepted, by, at);
        } else {
            if reason.trim().is_empty() || !text_ok(reason, limits::MAX_TEXT_CHARS) {
                return Err(OpError::BadValue("the refusal's reason"));
            }
            self.state = ClaimState::Refused;
            self.step(
                ClaimEvent::Refused {
                    reason: reason.trim().to_string(),
                },
                by,
                at,
            );
        }
        Ok(())
    }

    /// The credit note came: paid, for good. Returns the difference to what was claimed (credit
    /// note minus claimed, in fen; not zero = flagged for the claims lead).
    pub fn pay(&mut self, note: CreditNote, by: &str) -> Result<i64, OpError> {
        match self.state {
            ClaimState::Accepted => {}
            ClaimState::Paid => return Err(OpError::Closed),
            _ => return Err(OpError::WrongState),
        }
        if note.number.trim().is_empty() || !short_ok(&note.number) || note.fen < 0 {
            return Err(OpError::BadValue("the credit note's number and amount"));
        }
        let at = note.at;
        let difference = note.fen - self.claimed_fen;
        self.credit_note = Some(note.clone());
        self.state = ClaimState::Paid;
        self.step(ClaimEvent::Paid { credit_note: note }, by, at);
        Ok(difference)
    }

    /// Credit note minus claimed, once paid.
    pub fn difference(&self) -> Option<i64> {
        self.credit_note.as_ref().map(|n| n.fen - self.claimed_fen)
    }

    pub fn is_late(&self, now: DateTime<Utc>) -> bool {
        self.state == ClaimState::Draft && self.due < now
    }

    /// Filed on time: first submitted before its due time.
    pub fn filed_on_time(&self) -> Option<bool> {
        self.history
            .iter()
            .find(|s| s.event == ClaimEvent::Submitted)
            .map(|s| s.at <= self.due)
    }
}

/// One step of the commercial claims' sign-off chain, as the office configures it: who signs
/// (a username, or anyone holding the named sign-off title on their profile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainStep {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    /// The sign-off title a signer holds (e.g. `bu_manager`, `claims_lead`, `sales_director`,
    /// `service_manager`, `service_director`, `general_manager`).
    pub title: String,
}

pub type SignOffChain = Vec<ChainStep>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    pub step: String,
    pub by: String,
    pub at: DateTime<Utc>,
    pub approved: bool,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommercialState {
    Signing,
    Approved,
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommercialClaim {
    pub id: Uuid,
    #[serde(default)]
    pub work_order_id: Option<Uuid>,
    pub station: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub fen: i64,
    pub reason: String,
    /// The chain in force when it was requested (a later change of the chain does not move it).
    pub chain: SignOffChain,
    #[serde(default)]
    pub sign_offs: Vec<SignOff>,
    pub state: CommercialState,
    #[serde(default)]
    pub seq: i64,
}

impl CommercialClaim {
    /// The step waiting for a signature.
    pub fn next_step(&self) -> Option<&ChainStep> {
        if self.state != CommercialState::Signing {
            return None;
        }
        self.chain.get(self.sign_offs.len())
    }

    /// `by` (holding `titles`) signs `step`: only the next step, only by its title's holder.
    pub fn sign(
        &mut self,
        step: &str,
        by: &str,
        titles: &[String],
        approved: bool,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<(), OpError> {
        let Some(next) = self.next_step() else {
            return Err(OpError::WrongState);
        };
        if next.key != step {
            return Err(OpError::WrongState);
        }
        if !titles.contains(&next.title) {
            return Err(OpError::NotAllowed);
        }
        if !approved && (reason.trim().is_empty() || !text_ok(reason, limits::MAX_TEXT_CHARS)) {
            return Err(OpError::BadValue("the refusal's reason"));
        }
        self.sign_offs.push(SignOff {
            step: step.to_string(),
            by: by.to_string(),
            at,
            approved,
            reason: reason.trim().to_string(),
        });
        if !approved {
            self.state = CommercialState::Refused;
        } else if self.sign_offs.len() == self.chain.len() {
            self.state = CommercialState::Approved;
        }
        Ok(())
    }
}

/// Where an old part is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartState {
    WithEngineer,
    WithStationHead,
    InStore,
    Destroyed,
    ShippedToManufacturer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartSize {
    Large,
    Small,
}

impl PartSize {
    /// Days the manufacturer allows from its request to the shipment.
    pub fn ship_days(self) -> i64 {
        match self {
            PartSize::Large => 5,
            PartSize::Small => 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartMove {
    pub to: PartState,
    pub holder: String,
    pub at: DateTime<Utc>,
}

/// A replaced part, followed by its return tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OldPart {
    /// The return tag (`report::return_tag`), unique.
    pub tag: String,
    pub work_order_id: Uuid,
    pub station: String,
    pub part_no: String,
    pub name: String,
    pub qty: u32,
    pub size: PartSize,
    pub state: PartState,
    /// Who holds it now, and since when.
    pub holder: String,
    pub since: DateTime<Utc>,
    /// When it came off the machine (the order's "repaired and left").
    pub removed_at: DateTime<Utc>,
    /// The manufacturer asked for it back at this time.
    #[serde(default)]
    pub ship_requested_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub moves: Vec<PartMove>,
}

/// The day old parts must be in the company store: the 25th of the month after the one (China
/// time) the part came off.
pub fn store_due(removed_at: DateTime<Utc>) -> NaiveDate {
    let d = china_date(removed_at);
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 25).expect("the 25th exists")
}

impl OldPart {
    /// The allowed moves: engineer → station head (the head confirms receipt) → store →
    /// destroyed or shipped. Nothing moves back, nothing skips a step.
    pub fn move_to(
        &mut self,
        to: PartState,
        holder: &str,
        at: DateTime<Utc>,
    ) -> Result<(), OpError> {
        let ok = matches!(
            (self.state, to),
            (PartState::WithEngineer, PartState::WithStationHead)
                | (PartState::WithStationHead, PartState::InStore)
                | (PartState::InStore, PartState::Destroyed)
                | (PartState::InStore, PartState::ShippedToManufacturer)
        );
        if !ok {
            return Err(OpError::WrongState);
        }
        if holder.trim().is_empty() || !short_ok(holder) {
            return Err(OpError::BadValue("who holds it"));
        }
        self.state = to;
        self.holder = holder.to_string();
        self.since = at;
        self.moves.push(PartMove {
            to,
            holder: holder.to_string(),
            at,
        });
        Ok(())
    }

    /// Late to the store: not in it (or beyond) after its due day, China time.
    pub fn store_late(&self, now: DateTime<Utc>) -> bool {
        matches!(
            self.state,
            PartState::WithEngineer | PartState::WithStationHead
        ) && china_date(now) > store_due(self.removed_at)
    }

    /// Late to ship: requested, still in the store after the size's days.
    pub fn ship_late(&self, now: DateTime<Utc>) -> bool {
        self.state == PartState::InStore
            && self
                .ship_requested_at
                .is_some_and(|r| now > r + Duration::days(self.size.ship_days()))
    }
}

/// The old parts a submitted report hands over: one per return tag, with the engineer (the
/// assignee), as of the time they left the site; `small` until claims support says otherwise.
/// None before the engineer left, or without a station.
pub fn old_parts_of(order: &WorkOrder) -> Vec<OldPart> {
    let Some(removed_at) = order.reached_at(StatusNode::RepairedLeft) else {
        return Vec::new();
    };
    order
        .report
        .parts
        .iter()
        .filter_map(|p| {
            let tag = p.return_tag.clone()?;
            Some(OldPart {
                tag,
                work_order_id: order.id,
                station: order.station.clone().unwrap_or_default(),
                part_no: p.part_no.clone(),
                name: p.name.clone(),
                qty: p.qty,
                size: PartSize::Small,
                state: PartState::WithEngineer,
                holder: order.assignee.clone(),
                since: removed_at,
                removed_at,
                ship_requested_at: None,
                moves: Vec::new(),
            })
        })
        .collect()
}

impl OldPart {
    /// When it reached the company store, if it did.
    pub fn stored_at(&self) -> Option<DateTime<Utc>> {
        self.moves
            .iter()
            .find(|m| m.to == PartState::InStore)
            .map(|m| m.at)
    }

    /// In the store by its due day (China time); None while it may still come in time.
    pub fn returned_on_time(&self, now: DateTime<Utc>) -> Option<bool> {
        let due = store_due(self.removed_at);
        match self.stored_at() {
            Some(at) => Some(china_date(at) <= due),
            None if china_date(now) > due => Some(false),
            None => None,
        }
    }
}

impl Claim {
    /// When it was first marked submitted.
    pub fn first_submitted_at(&self) -> Option<DateTime<Utc>> {
        self.history
            .iter()
            .find(|s| s.event == ClaimEvent::Submitted)
            .map(|s| s.at)
    }

    /// The manufacturer's first answer: accepted (true) or refused (false).
    pub fn first_answer(&self) -> Option<bool> {
        self.history.iter().find_map(|s| match s.event {
            ClaimEvent::Accepted => Some(true),
            ClaimEvent::Refused { .. } => Some(false),
            _ => None,
        })
    }

    fn ever(&self, accepted: bool) -> bool {
        self.history.iter().any(|s| match s.event {
            ClaimEvent::Accepted => accepted,
            ClaimEvent::Refused { .. } => !accepted,
            _ => false,
        })
    }
}

/// A month's claim figures (for the reports and scorecards of issue 18).
///
/// - `filed`: claims first marked submitted in the month (China time); `filed_on_time` of them,
///   those submitted by their 14-day due time.
/// - `accepted` / `refused`: of the filed claims, those the manufacturer accepted at some point
///   (also after a resubmission) / refused at least once; `paid`: those paid.
/// - `success_rate`: accepted / (filed claims with any answer), 0.0..=1.0; None without answers.
/// - `complete_at_first_submit`: filed claims whose first answer was an acceptance (nothing
///   sent back as incomplete or wrong).
/// - `parts_due`: old parts due in the store on the month's 25th (they came off the month
///   before); `parts_returned_on_time`: of them, those in the store by that day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClaimFigures {
    pub filed: u32,
    pub filed_on_time: u32,
    pub accepted: u32,
    pub refused: u32,
    pub paid: u32,
    pub success_rate: Option<f64>,
    pub complete_at_first_submit: u32,
    pub parts_due: u32,
    pub parts_returned_on_time: u32,
}

/// The figures of the month holding `month` (any day of it), from every claim and old part that
/// may count (others are skipped).
pub fn figures(claims: &[Claim], parts: &[OldPart], month: NaiveDate) -> ClaimFigures {
    let same_month = |d: NaiveDate| d.year() == month.year() && d.month() == month.month();
    let mut f = ClaimFigures::default();
    let mut answered = 0u32;
    for c in claims {
        let Some(at) = c.first_submitted_at() else {
            continue;
        };
        if !same_month(china_date(at)) {
            continue;
        }
        f.filed += 1;
        if at <= c.due {
            f.filed_on_time += 1;
        }
        let (accepted, refused) = (c.ever(true), c.ever(false));
        f.accepted += u32::from(accepted);
        f.refused += u32::from(refused);
        answered += u32::from(accepted || refused);
        f.paid += u32::from(c.state == ClaimState::Paid);
        f.complete_at_first_submit += u32::from(c.first_answer() == Some(true));
    }
    f.success_rate = (answered > 0).then(|| f64::from(f.accepted) / f64::from(answered));
    for p in parts {
        let due = store_due(p.removed_at);
        if !same_month(due) {
            continue;
        }
        f.parts_due += 1;
        if p.stored_at().is_some_and(|at| china_date(at) <= due) {
            f.parts_returned_on_time += 1;
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    use crate::desk::{Closure, Person};
    use crate::dispatch::tests::{order, reach};
    use crate::report::{LabourHours, PartUsed, tag_returns};

    /// A closed fault repair expecting a claim: left at 23:30 China time on 2026-12-01, a pump
    /// replaced (one tag), 4.5 h for the engineer, the fault cause written.
    fn closed_order() -> WorkOrder {
        let mut wo = order("VCEC210DC00312457", "2026-12-01T01:00:00Z");
        wo.claim_expected = true;
        wo.station = Some("济南站".into());
        reach(&mut wo, StatusNode::Departed, "2026-12-01T02:00:00Z");
        reach(&mut wo, StatusNode::Arrived, "2026-12-01T05:00:00Z");
        // 15:30 UTC is 23:30 in China: still the 1st there.
        reach(&mut wo, StatusNode::RepairedLeft, "2026-12-01T15:30:00Z");
        wo.report.fault_cause = "主泵磨损".into();
        wo.report.work_done = "更换主泵".into();
        wo.report.parts = vec![
            PartUsed {
                part_no: "14526153".into(),
                name: "液压主泵".into(),
                qty: 1,
                replaced: true,
                return_tag: None,
            },
            PartUsed {
                part_no: "11110683".into(),
                name: "滤芯".into(),
                qty: 2,
                replaced: false,
                return_tag: None,
            },
        ];
        tag_returns(&wo.ticket, &mut wo.report.parts);
        wo.report.warranty.service_code = "SW-1".into();
        wo.report.warranty.fault_info = "E-214".into();
        wo.report.warranty.labour = vec![LabourHours {
            person: "engineer1".into(),
            tenths: 45,
        }];
        wo.closure = Some(Closure {
            by: Person {
                username: "dispatcher1".into(),
                name: "陈静".into(),
            },
            at: at("2026-12-02T03:00:00Z"),
            resolution: None,
        });
        wo
    }

    fn drafted(wo: &WorkOrder) -> Claim {
        Claim::draft(
            Uuid::nil(),
            wo,
            ClaimKind::Fault,
            "claims1",
            at("2026-12-03T00:00:00Z"),
        )
        .unwrap()
    }

    #[test]
    fn a_draft_takes_what_the_report_holds() {
        let wo = closed_order();
        let c = drafted(&wo);
        assert_eq!(c.state, ClaimState::Draft);
        assert_eq!((c.ticket.as_str(), c.hours), (wo.ticket.as_str(), 3520));
        assert_eq!(c.labour.len(), 1);
        assert_eq!(c.labour[0].service_code, "SW-1");
        assert_eq!(c.labour[0].tenths, 45);
        assert_eq!(c.materials.len(), 2);
        assert_eq!(
            c.materials[0].return_tag.as_deref(),
            Some("BX-20261127-001-R1")
        );
        assert_eq!(c.materials[1].return_tag, None);
        // Not before the engineer left.
        let open = order("S", "2026-12-01T01:00:00Z");
        assert_eq!(
            Claim::draft(
                Uuid::nil(),
                &open,
                ClaimKind::Fault,
                "c",
                at("2026-12-03T00:00:00Z")
            ),
            Err(OpError::WrongState)
        );
    }

    #[test]
    fn the_14_day_clock_runs_in_china_time() {
        let wo = closed_order();
        // Left at 23:30 China time on Dec 1: due at the end of Dec 15, China time (16:00 UTC).
        assert_eq!(claim_due(&wo), Some(at("2026-12-15T16:00:00Z")));
        // Half an hour later it would be Dec 2 in China: one more day.
        let mut later = order("S", "2026-12-01T01:00:00Z");
        reach(&mut later, StatusNode::Departed, "2026-12-01T02:00:00Z");
        reach(&mut later, StatusNode::Arrived, "2026-12-01T05:00:00Z");
        reach(&mut later, StatusNode::RepairedLeft, "2026-12-01T16:00:00Z");
        assert_eq!(claim_due(&later), Some(at("2026-12-16T16:00:00Z")));
        let mut c = drafted(&wo);
        assert!(!c.is_late(at("2026-12-15T15:59:59Z")));
        assert!(c.is_late(at("2026-12-15T16:00:01Z")));
        c.claim_number = "C-1".into();
        c.submit(&[], "claims1", at("2026-12-15T15:59:00Z"))
            .unwrap();
        assert_eq!(c.filed_on_time(), Some(true));
        assert!(
            !c.is_late(at("2027-01-01T00:00:00Z")),
            "filed: no longer late"
        );
        assert_eq!(claim_due(&order("S", "2026-12-01T01:00:00Z")), None);
    }

    #[test]
    fn what_is_missing_is_listed_in_the_order_a_person_fixes_it() {
        let mut wo = closed_order();
        wo.closure = None;
        wo.slots = vec![crate::photo::PhotoSlot {
            key: "nameplate".into(),
            label_zh: "铭牌".into(),
            label_en: "Nameplate".into(),
            required: true,
        }];
        let mut c = drafted(&wo);
        c.labour.clear();
        c.materials[1].part_no = " ".into();
        let none = |_: &str| None;
        assert_eq!(
            c.missing(&wo, |_| Some(Grade::Tcl1), |_| false),
            vec![
                ClaimMissing::OrderNotClosed,
                ClaimMissing::ClaimNumber,
                ClaimMissing::Labour,
                ClaimMissing::OldPartPhoto {
                    part_no: "14526153".into()
                },
                ClaimMissing::PartNumber { line: 1 },
                ClaimMissing::Photo {
                    slot: "nameplate".into()
                },
            ]
        );
        // All there: nothing missing.
        let wo = closed_order();
        let mut c = drafted(&wo);
        c.claim_number = "C-1".into();
        assert!(c.missing(&wo, none, |_| true).is_empty());
        // A fault claim needs the fault information (or the cause).
        let mut bare = closed_order();
        bare.report.warranty.fault_info.clear();
        bare.report.fault_cause.clear();
        assert_eq!(
            c.missing(&bare, none, |_| true),
            vec![ClaimMissing::FaultInformation]
        );
        c.kind = ClaimKind::TechnicalUpdate;
        assert!(c.missing(&bare, none, |_| true).is_empty());
    }

    #[test]
    fn periodic_maintenance_needs_tcl1_or_above() {
        let mut wo = closed_order();
        wo.service_type = ServiceType::PeriodicMaintenance;
        let mut c = drafted(&wo);
        c.claim_number = "C-1".into();
        let trainee = |_: &str| Some(Grade::Trainee);
        assert_eq!(
            c.missing(&wo, trainee, |_| true),
            vec![ClaimMissing::EngineerGrade {
                engineer: "engineer1".into()
            }],
            "named once, though assignee and labour line"
        );
        assert_eq!(
            c.missing(&wo, |_| None, |_| true).len(),
            1,
            "no grade is not enough"
        );
        assert!(c.missing(&wo, |_| Some(Grade::Tcl1), |_| true).is_empty());
        assert!(Grade::Tcl3 > Grade::Tcl1 && Grade::Trainee < Grade::Tcl1);
        // Not for a fault repair.
        let wo = closed_order();
        assert!(c.missing(&wo, trainee, |_| true).is_empty());
    }

    #[test]
    fn submit_answer_pay_and_paid_never_changes() {
        let wo = closed_order();
        let mut c = drafted(&wo);
        let t = at("2026-12-04T00:00:00Z");
        let missing = vec![ClaimMissing::ClaimNumber];
        let before = c.clone();
        assert!(matches!(
            c.submit(&missing, "claims1", t),
            Err(OpError::BadValue(_))
        ));
        assert_eq!(c, before, "a refusal changes nothing");
        assert_eq!(c.answer(true, "", "claims1", t), Err(OpError::WrongState));
        c.submit(&[], "claims1", t).unwrap();
        assert_eq!(c.state, ClaimState::Submitted);
        assert_eq!(c.submit(&[], "claims1", t), Err(OpError::WrongState));
        assert!(matches!(
            c.answer(false, "  ", "claims1", t),
            Err(OpError::BadValue(_))
        ));
        c.answer(false, "照片日期不符", "claims1", t).unwrap();
        assert_eq!(c.state, ClaimState::Refused);
        let note = CreditNote {
            number: "CN-1".into(),
            fen: 100,
            at: t,
        };
        assert_eq!(c.pay(note.clone(), "claims1"), Err(OpError::WrongState));
        c.submit(&[], "claims1", t).unwrap();
        assert_eq!(c.state, ClaimState::Resubmitted);
        c.answer(true, "", "claims1", t).unwrap();
        c.claimed_fen = 250_000;
        let bad = CreditNote {
            number: " ".into(),
            ..note.clone()
        };
        assert!(matches!(c.pay(bad, "claims1"), Err(OpError::BadValue(_))));
        let paid = CreditNote {
            number: "CN-1".into(),
            fen: 240_000,
            at: t,
        };
        assert_eq!(c.pay(paid.clone(), "claims1"), Ok(-10_000));
        assert_eq!(c.difference(), Some(-10_000));
        assert_eq!(c.state, ClaimState::Paid);
        let done = c.clone();
        assert_eq!(c.submit(&[], "claims1", t), Err(OpError::Closed));
        assert_eq!(c.answer(true, "", "claims1", t), Err(OpError::Closed));
        assert_eq!(c.pay(paid, "claims1"), Err(OpError::Closed));
        assert_eq!(c, done, "paid never changes");
        let events: Vec<&ClaimEvent> = c.history.iter().map(|s| &s.event).collect();
        assert_eq!(events.len(), 6);
        assert_eq!(c.first_answer(), Some(false));
    }

    #[test]
    fn a_refusal_ends_the_chain_and_needs_its_reason() {
        let step = |key: &str, title: &str| ChainStep {
            key: key.into(),
            label_zh: key.into(),
            label_en: key.into(),
            title: title.into(),
        };
        let mut c = CommercialClaim {
            id: Uuid::nil(),
            work_order_id: None,
            station: "济南站".into(),
            requested_by: "head1".into(),
            requested_at: at("2026-12-01T00:00:00Z"),
            fen: 50_000,
            reason: "客户关系".into(),
            chain: vec![step("bu", "bu_manager"), step("gm", "general_manager")],
            sign_offs: vec![],
            state: CommercialState::Signing,
            seq: 0,
        };
        let t = at("2026-12-02T00:00:00Z");
        let bu = vec!["bu_manager".to_string()];
        let before = c.clone();
        assert!(matches!(
            c.sign("bu", "wang", &bu, false, " ", t),
            Err(OpError::BadValue(_))
        ));
        assert_eq!(
            c.sign("nope", "wang", &bu, true, "", t),
            Err(OpError::WrongState)
        );
        assert_eq!(c, before, "refusals change nothing");
        c.sign("bu", "wang", &bu, false, "金额过高", t).unwrap();
        assert_eq!(c.state, CommercialState::Refused);
        assert_eq!(c.next_step(), None);
        let gm = vec!["general_manager".to_string()];
        assert_eq!(
            c.sign("gm", "boss", &gm, true, "", t),
            Err(OpError::WrongState),
            "a refusal ends it"
        );
        assert_eq!(c.sign_offs.len(), 1);
        assert_eq!(c.sign_offs[0].reason, "金额过高");
    }

    fn part(removed: &str, size: PartSize) -> OldPart {
        let mut wo = closed_order();
        wo.history.retain(|e| e.node != StatusNode::RepairedLeft);
        wo.status = StatusNode::Arrived;
        reach(&mut wo, StatusNode::RepairedLeft, removed);
        let mut p = old_parts_of(&wo).remove(0);
        p.size = size;
        p
    }

    #[test]
    fn a_report_hands_over_one_part_per_return_tag() {
        let wo = closed_order();
        let parts = old_parts_of(&wo);
        assert_eq!(parts.len(), 1);
        let p = &parts[0];
        assert_eq!(p.tag, "BX-20261127-001-R1");
        assert_eq!(
            (p.state, p.holder.as_str(), p.station.as_str()),
            (PartState::WithEngineer, "engineer1", "济南站")
        );
        assert_eq!(p.removed_at, at("2026-12-01T15:30:00Z"));
        assert_eq!(p.size, PartSize::Small);
        assert!(old_parts_of(&order("S", "2026-12-01T01:00:00Z")).is_empty());
    }

    #[test]
    fn parts_move_forward_only_and_are_late_after_the_25th() {
        let mut p = part("2026-12-01T15:30:00Z", PartSize::Small);
        assert_eq!(
            store_due(p.removed_at),
            NaiveDate::from_ymd_opt(2027, 1, 25).unwrap()
        );
        let t = at("2027-01-10T00:00:00Z");
        assert_eq!(
            p.move_to(PartState::InStore, "claims1", t),
            Err(OpError::WrongState),
            "nothing skips the station head"
        );
        assert!(matches!(
            p.move_to(PartState::WithStationHead, " ", t),
            Err(OpError::BadValue(_))
        ));
        p.move_to(PartState::WithStationHead, "head1", t).unwrap();
        assert_eq!((p.holder.as_str(), p.since), ("head1", t));
        assert_eq!(
            p.move_to(PartState::WithEngineer, "engineer1", t),
            Err(OpError::WrongState),
            "nothing moves back"
        );
        // The 25th is the last day, China time: late from the 26th (16:00 UTC on the 25th).
        assert!(!p.store_late(at("2027-01-25T15:59:00Z")));
        assert!(p.store_late(at("2027-01-25T16:00:00Z")));
        assert_eq!(p.returned_on_time(at("2027-01-20T00:00:00Z")), None);
        assert_eq!(p.returned_on_time(at("2027-01-26T00:00:00Z")), Some(false));
        p.move_to(PartState::InStore, "claims1", at("2027-01-25T15:00:00Z"))
            .unwrap();
        assert!(!p.store_late(at("2027-02-01T00:00:00Z")));
        assert_eq!(p.returned_on_time(at("2027-03-01T00:00:00Z")), Some(true));
        p.move_to(PartState::Destroyed, "claims1", at("2027-02-01T00:00:00Z"))
            .unwrap();
        assert_eq!(
            p.move_to(PartState::ShippedToManufacturer, "claims1", t),
            Err(OpError::WrongState)
        );
        assert_eq!(p.moves.len(), 3);
    }

    #[test]
    fn shipping_is_late_after_five_days_large_or_two_small() {
        for (size, days) in [(PartSize::Large, 5), (PartSize::Small, 2)] {
            let mut p = part("2026-12-01T03:00:00Z", size);
            let t = at("2026-12-05T00:00:00Z");
            p.move_to(PartState::WithStationHead, "head1", t).unwrap();
            p.move_to(PartState::InStore, "claims1", t).unwrap();
            assert!(!p.ship_late(at("2027-06-01T00:00:00Z")), "not requested");
            let asked = at("2026-12-10T00:00:00Z");
            p.ship_requested_at = Some(asked);
            assert!(!p.ship_late(asked + Duration::days(days)));
            assert!(p.ship_late(asked + Duration::days(days) + Duration::minutes(1)));
            p.move_to(PartState::ShippedToManufacturer, "claims1", asked)
                .unwrap();
            assert!(!p.ship_late(at("2027-06-01T00:00:00Z")), "shipped");
        }
    }

    #[test]
    fn the_month_s_figures() {
        let wo = closed_order();
        let t = |s: &str| at(s);
        // On time, accepted first time, paid.
        let mut a = drafted(&wo);
        a.submit(&[], "c", t("2026-12-05T00:00:00Z")).unwrap();
        a.answer(true, "", "c", t("2026-12-06T00:00:00Z")).unwrap();
        a.pay(
            CreditNote {
                number: "CN".into(),
                fen: 0,
                at: t("2026-12-07T00:00:00Z"),
            },
            "c",
        )
        .unwrap();
        // Late (after Dec 15, 16:00 UTC), refused then accepted.
        let mut b = drafted(&wo);
        b.submit(&[], "c", t("2026-12-20T00:00:00Z")).unwrap();
        b.answer(false, "缺照片", "c", t("2026-12-21T00:00:00Z"))
            .unwrap();
        b.submit(&[], "c", t("2026-12-22T00:00:00Z")).unwrap();
        b.answer(true, "", "c", t("2026-12-23T00:00:00Z")).unwrap();
        // Filed, no answer yet.
        let mut c = drafted(&wo);
        c.submit(&[], "c", t("2026-12-30T00:00:00Z")).unwrap();
        // Submitted 2026-12-31 16:30 UTC = January 1st in China: January's.
        let mut d = drafted(&wo);
        d.submit(&[], "c", t("2026-12-31T16:30:00Z")).unwrap();
        // A draft: not filed.
        let e = drafted(&wo);
        // Parts that came off in November are due on Dec 25.
        let mut on_time = part("2026-11-10T00:00:00Z", PartSize::Small);
        on_time
            .move_to(PartState::WithStationHead, "h", t("2026-11-11T00:00:00Z"))
            .unwrap();
        on_time
            .move_to(PartState::InStore, "c", t("2026-12-25T15:00:00Z"))
            .unwrap();
        let mut late = part("2026-11-20T00:00:00Z", PartSize::Small);
        late.move_to(PartState::WithStationHead, "h", t("2026-11-21T00:00:00Z"))
            .unwrap();
        late.move_to(PartState::InStore, "c", t("2026-12-26T01:00:00Z"))
            .unwrap();
        let missing = part("2026-11-30T15:30:00Z", PartSize::Large);
        let december = part("2026-12-01T15:30:00Z", PartSize::Small);
        let f = figures(
            &[a, b, c, d, e],
            &[on_time, late, missing, december],
            NaiveDate::from_ymd_opt(2026, 12, 9).unwrap(),
        );
        assert_eq!(
            f,
            ClaimFigures {
                filed: 3,
                filed_on_time: 1,
                accepted: 2,
                refused: 1,
                paid: 1,
                success_rate: Some(1.0),
                complete_at_first_submit: 1,
                parts_due: 3,
                parts_returned_on_time: 1,
            }
        );
        let empty = figures(&[], &[], NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(empty.success_rate, None);
        assert_eq!(empty.filed, 0);
    }

    #[test]
    fn the_store_is_due_on_the_25th_of_the_next_month_in_china_time() {
        // 2026-11-30 23:30 China time is still November.
        assert_eq!(
            store_due(at("2026-11-30T15:30:00Z")),
            NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()
        );
        // 2026-12-31 16:30 UTC is 2027-01-01 00:30 in China: January's part, due in February.
        assert_eq!(
            store_due(at("2026-12-31T16:30:00Z")),
            NaiveDate::from_ymd_opt(2027, 2, 25).unwrap()
        );
    }

    #[test]
    fn a_sign_off_goes_in_order_by_the_right_title() {
        let step = |key: &str, title: &str| ChainStep {
            key: key.into(),
            label_zh: key.into(),
            label_en: key.into(),
            title: title.into(),
        };
        let mut c = CommercialClaim {
            id: Uuid::nil(),
            work_order_id: None,
            station: "济南站".into(),
            requested_by: "head1".into(),
            requested_at: at("2026-12-01T00:00:00Z"),
            fen: 120_000,
            reason: "客户关系".into(),
            chain: vec![step("bu", "bu_manager"), step("gm", "general_manager")],
            sign_offs: vec![],
            state: CommercialState::Signing,
            seq: 0,
        };
        let t = at("2026-12-02T00:00:00Z");
        let gm = vec!["general_manager".to_string()];
        let bu = vec!["bu_manager".to_string()];
        assert_eq!(
            c.sign("gm", "boss", &gm, true, "", t),
            Err(OpError::WrongState)
        );
        assert_eq!(
            c.sign("bu", "boss", &gm, true, "", t),
            Err(OpError::NotAllowed)
        );
        c.sign("bu", "wang", &bu, true, "", t).unwrap();
        assert_eq!(c.state, CommercialState::Signing);
        c.sign("gm", "boss", &gm, true, "", t).unwrap();
        assert_eq!(c.state, CommercialState::Approved);
        assert_eq!(
            c.sign("gm", "boss", &gm, true, "", t),
            Err(OpError::WrongState)
        );
    }
}
