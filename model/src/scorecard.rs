//! Monthly scorecards (issue 18): the rule books' formulas over what was recorded. Weights and
//! deductions are data ([`EngineerRules`]); every deduction names the record that caused it.
//!
//! The service engineer's month (DOMAIN.md "Scorecards"), written down here once:
//! - The month is a China calendar month. An order belongs to the month its call was taken in
//!   (China time): a call at 23:30 on the 30th is November's, even when the engineer arrived on
//!   December 1st.
//! - Actual response (20 points, 5 off per order): the main engineer was not on site within 36
//!   hours of the call ([`WorkOrder::response`]; judged at `as_of` while not yet on site).
//! - First-time fix (20 points, 5 off per order): a fault repair whose machine needed a second
//!   visit (a later order names it in `repeat_of`), unless the office excused it with a reason.
//! - Service data (60 points, 4 off per defect): each required photo missing from a submitted or
//!   closed report, a report submitted after its 3 days (or still not submitted at `as_of`), a
//!   submitted report without the customer's signature and without an *approved* waiver, each
//!   review that sent it back. A waiver counts only when the station head approved it before the
//!   month was over (or before the report's 3 days were, for an order left at the month's very
//!   end): a request still pending then, or refused, leaves the record unsigned, so the month's
//!   card does not change when a late approval comes (judged at `as_of` before then: pending is
//!   unsigned).
//! - Deductions beyond the 100: 10 per valid complaint about the engineer's order, 2 per
//!   dissatisfied call-back of it.
//! - A part's points never go below zero; the total may (the deductions beyond).

pub mod agent;
pub mod cleaning;
pub mod supervisor;
pub mod trend;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::complaints::{Complaint, china_date};
use crate::desk::ReviewDecision;
use crate::reports::{Period, PeriodKind};
use crate::work_order::{ServiceType, WorkOrder};

/// A China calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(at: DateTime<Utc>) -> Month {
        let d = china_date(at);
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    pub fn contains(self, at: DateTime<Utc>) -> bool {
        Month::of(at) == self
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a month's first day")
    }

    /// The month as the reports' period (the same China days), so that a card can be computed
    /// for a week as well (trends).
    pub fn period(self) -> Period {
        Period {
            kind: PeriodKind::Month,
            first: self.first_day(),
        }
    }

    /// `YYYY-MM`, as the API and the pages write it.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let month = Month {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
        };
        NaiveDate::from_ymd_opt(month.year, month.month, 1).map(|_| month)
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The weights, as the rule book sets them (the office may change them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineerRules {
    pub response_points: u32,
    pub response_off: u32,
    pub first_fix_points: u32,
    pub first_fix_off: u32,
    pub data_points: u32,
    pub data_off: u32,
    pub complaint_off: u32,
    pub dissatisfied_off: u32,
}

impl Default for EngineerRules {
    fn default() -> Self {
        EngineerRules {
            response_points: 20,
            response_off: 5,
            first_fix_points: 20,
            first_fix_off: 5,
            data_points: 60,
            data_off: 4,
            complaint_off: 10,
            dissatisfied_off: 2,
        }
    }
}

/// Why points came off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Defect {
    LateResponse,
    SecondVisit { repeat_ticket: String },
    MissingPhoto { slot: String },
    LateReport,
    Unsigned,
    SentBack,
    Complaint { complaint_id: Uuid },
    DissatisfiedCallBack { call_back_id: Uuid },
}

impl Defect {
    /// The defect's name without its details (as its JSON tag), for readers that show only
    /// what it is (the phone).
    pub fn kind(&self) -> &'static str {
        match self {
            Defect::LateResponse => "late_response",
            Defect::SecondVisit { .. } => "second_visit",
            Defect::MissingPhoto { .. } => "missing_photo",
            Defect::LateReport => "late_report",
            Defect::Unsigned => "unsigned",
            Defect::SentBack => "sent_back",
            Defect::Complaint { .. } => "complaint",
            Defect::DissatisfiedCallBack { .. } => "dissatisfied_call_back",
        }
    }
}

/// One deduction and the order it links to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deduction {
    pub work_order_id: Uuid,
    pub ticket: String,
    pub defect: Defect,
    /// `defect.kind()`, beside it.
    #[serde(default)]
    pub kind: String,
    pub points: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineerScorecard {
    pub engineer: String,
    /// The engineer's name as people know them, and their station (the server fills them in).
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub station: Option<String>,
    pub month: Month,
    pub orders: u32,
    pub response: u32,
    pub first_fix: u32,
    pub data: u32,
    /// Complaints and dissatisfied call-backs.
    pub beyond: u32,
    pub total: i64,
    pub deductions: Vec<Deduction>,
}

/// `GET /api/scorecards/engineers?month=`: every engineer the reader may see, by username.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineerScorecards {
    pub month: Month,
    /// When it was computed (deadlines still running are judged at this time).
    pub as_of: DateTime<Utc>,
    pub cards: Vec<EngineerScorecard>,
}

/// `PUT /api/work-orders/{id}/first-fix-excuse`: the office excuses a fault order's second
/// visit (an objective cause), with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcuseRequest {
    pub reason: String,
}

/// An order excused from first-time fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstFixExcuse {
    pub work_order_id: Uuid,
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// The engineer's scorecard for `month`. `orders`: every order (the month's are picked here;
/// later orders are needed to see second visits); `complaints`: every complaint; `excused`: the
/// orders the office excused from first-time fix; `as_of`: when it is computed (a past month
/// computed later gives the same figures once its deadlines have passed).
pub fn engineer_scorecard(
    engineer: &str,
    month: Month,
    orders: &[WorkOrder],
    complaints: &[Complaint],
    excused: &[Uuid],
    rules: &EngineerRules,
    as_of: DateTime<Utc>,
) -> EngineerScorecard {
    let repeats: Vec<(&str, &str)> = orders
        .iter()
        .filter_map(|o| Some((o.ticket.as_str(), o.repeat_of.as_deref()?)))
        .collect();
    let month_records = EngineerMonth::new(month, orders, &repeats, complaints, excused);
    month_records.card(engineer, rules, as_of)
}

/// A month's (or any period's: a week's, for the trends) records indexed once, so that every
/// engineer's card is read from them without walking all orders again (2,000 field staff: see
/// `server/benches/reports.rs`).
pub struct EngineerMonth<'a> {
    period: Period,
    /// The period's orders (by call time), by their main engineer.
    by_engineer: HashMap<&'a str, Vec<&'a WorkOrder>>,
    /// A ticket and the first later order that named it in `repeat_of` (its second visit).
    second_visit: HashMap<&'a str, &'a str>,
    complaints: HashMap<Uuid, Vec<Uuid>>,
    excused: HashSet<Uuid>,
}

impl<'a> EngineerMonth<'a> {
    /// `orders`: at least the month's (others are left out here); `repeats`: (ticket,
    /// repeat_of) of every order called from the month's start on, in call order (the first
    /// one to name a ticket is its second visit); `complaints`: at least those about the
    /// month's orders.
    pub fn new(
        month: Month,
        orders: &'a [WorkOrder],
        repeats: &[(&'a str, &'a str)],
        complaints: &[Complaint],
        excused: &[Uuid],
    ) -> EngineerMonth<'a> {
        EngineerMonth::over(month.period(), orders, repeats, complaints, excused)
    }

    /// As [`EngineerMonth::new`], for any period: the same rules over the orders called in it
    /// (a week's card is the week's orders judged as the month's are).
    pub fn over(
        period: Period,
        orders: impl IntoIterator<Item = &'a WorkOrder>,
        repeats: &[(&'a str, &'a str)],
        complaints: &[Complaint],
        excused: &[Uuid],
    ) -> EngineerMonth<'a> {
        let mut by_engineer: HashMap<&str, Vec<&WorkOrder>> = HashMap::new();
        for o in orders.into_iter().filter(|o| period.contains(o.called_at)) {
            by_engineer.entry(o.assignee.as_str()).or_default().push(o);
        }
        let mut second_visit = HashMap::new();
        for (later, earlier) in repeats {
            if later != earlier {
                second_visit.entry(*earlier).or_insert(*later);
            }
        }
        let mut by_order: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for c in complaints {
            if let Some(id) = c.work_order_id {
                by_order.entry(id).or_default().push(c.id);
            }
        }
        EngineerMonth {
            period,
            by_engineer,
            second_visit,
            complaints: by_order,
            excused: excused.iter().copied().collect(),
        }
    }

    /// `engineer`'s card, computed at `as_of` (`month`: the month the period starts in).
    pub fn card(
        &self,
        engineer: &str,
        rules: &EngineerRules,
        as_of: DateTime<Utc>,
    ) -> EngineerScorecard {
        let mine = self
            .by_engineer
            .get(engineer)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut deductions = Vec::new();
        let mut push = |o: &WorkOrder, defect: Defect, points: u32| {
            deductions.push(Deduction {
                work_order_id: o.id,
                ticket: o.ticket.clone(),
                kind: defect.kind().to_string(),
                defect,
                points,
            })
        };
        for o in mine {
            if o.response(as_of).is_late() {
                push(o, Defect::LateResponse, rules.response_off);
            }
            if o.service_type == ServiceType::FaultRepair
                && !self.excused.contains(&o.id)
                && let Some(later) = self.second_visit.get(o.ticket.as_str())
            {
                push(
                    o,
                    Defect::SecondVisit {
                        repeat_ticket: later.to_string(),
                    },
                    rules.first_fix_off,
                );
            }
            let submitted = o.report.submitted_at;
            if submitted.is_some() || o.is_closed() {
                for slot in o.slots.iter().filter(|s| s.required) {
                    if o.photos_kept(&slot.key) == 0 {
                        push(
                            o,
                            Defect::MissingPhoto {
                                slot: slot.key.clone(),
                            },
                            rules.data_off,
                        );
                    }
                }
                // The latest moment an approval still counts (see the module's comment).
                let cutoff = o
                    .report_due()
                    .map_or(self.period.end(), |due| due.max(self.period.end()));
                let waived = o.report.waiver.as_ref().is_some_and(|w| {
                    w.decision
                        .as_ref()
                        .is_some_and(|d| d.approved && d.at < cutoff)
                });
                if o.needs_signature()
                    && o.report.signature.is_none()
                    && !waived
                    && o.closure.as_ref().is_none_or(|c| c.resolution.is_none())
                {
                    push(o, Defect::Unsigned, rules.data_off);
                }
            }
            if let Some(due) = o.report_due()
                && submitted.map_or(as_of > due, |at| at > due)
            {
                push(o, Defect::LateReport, rules.data_off);
            }
            for round in &o.reviews {
                if matches!(round.decision, ReviewDecision::SendBack { .. }) {
                    push(o, Defect::SentBack, rules.data_off);
                }
            }
            for id in self.complaints.get(&o.id).into_iter().flatten() {
                push(
                    o,
                    Defect::Complaint { complaint_id: *id },
                    rules.complaint_off,
                );
            }
            for cb in o.call_backs.iter().filter(|cb| !cb.satisfied) {
                push(
                    o,
                    Defect::DissatisfiedCallBack {
                        call_back_id: cb.id,
                    },
                    rules.dissatisfied_off,
                );
            }
        }
        let off = |pick: fn(&Defect) -> bool| -> u32 {
            deductions
                .iter()
                .filter(|d| pick(&d.defect))
                .map(|d| d.points)
                .sum()
        };
        let response = rules
            .response_points
            .saturating_sub(off(|d| matches!(d, Defect::LateResponse)));
        let first_fix = rules
            .first_fix_points
            .saturating_sub(off(|d| matches!(d, Defect::SecondVisit { .. })));
        let data = rules.data_points.saturating_sub(off(|d| {
            matches!(
                d,
                Defect::MissingPhoto { .. }
                    | Defect::LateReport
                    | Defect::Unsigned
                    | Defect::SentBack
            )
        }));
        let beyond = off(|d| {
            matches!(
                d,
                Defect::Complaint { .. } | Defect::DissatisfiedCallBack { .. }
            )
        });
        EngineerScorecard {
            engineer: engineer.to_string(),
            name: String::new(),
            station: None,
            month: Month::of(self.period.start()),
            orders: mine.len() as u32,
            response,
            first_fix,
            data,
            beyond,
            total: i64::from(response + first_fix + data) - i64::from(beyond),
            deductions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_at_23_30_china_time_belongs_to_its_day_s_month() {
        let late_call: DateTime<Utc> = "2026-11-30T15:30:00Z".parse().unwrap();
        assert_eq!(
            Month::of(late_call),
            Month {
                year: 2026,
                month: 11
            }
        );
        let after_midnight: DateTime<Utc> = "2026-11-30T16:00:00Z".parse().unwrap();
        assert_eq!(Month::of(after_midnight).month, 12);
    }
}

/// The month's scorecards worked out by hand from a small fixed data set (engineer1, November
/// 2026, computed on December 7th).
#[cfg(test)]
mod worked {
    use super::*;
    use crate::desk::{Person, ReviewItem, ReviewRound, SendBackItem};
    use crate::dispatch::tests::{at, order, reach};
    use crate::photo::{PhotoMeta, PhotoSlot};
    use crate::report::Signature;
    use crate::work_order::StatusNode::*;

    const NOV: Month = Month {
        year: 2026,
        month: 11,
    };

    fn slot() -> Vec<PhotoSlot> {
        vec![PhotoSlot {
            key: "nameplate".into(),
            label_zh: "铭牌".into(),
            label_en: "Nameplate".into(),
            required: true,
        }]
    }

    fn photo(slot: &str) -> PhotoMeta {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::new_v4(), "slot": slot, "n": 1, "name": "x.jpg", "sha256": "00",
            "bytes": 1, "width": 1, "height": 1, "content_type": "image/jpeg"
        }))
        .unwrap()
    }

    /// Called, arrived, left, report submitted (signed unless `signed` is false, the nameplate
    /// photo there unless `photo` is false).
    fn worked(ticket: &str, called: &str, arrived: &str, left: &str, submitted: &str) -> WorkOrder {
        let mut o = order("S-1", called);
        o.ticket = ticket.into();
        o.slots = slot();
        o.photos = vec![photo("nameplate")];
        reach(&mut o, Departed, called);
        reach(&mut o, Arrived, arrived);
        reach(&mut o, RepairedLeft, left);
        o.report.submitted_at = Some(at(submitted));
        o.report.signature = Some(Signature {
            photo_id: Uuid::new_v4(),
            signer: "王经理".into(),
            at: at(left),
        });
        o
    }

    fn complaint_about(o: &WorkOrder) -> Complaint {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::from_u128(77), "team": "济南站", "severity": "ordinary",
            "customer": "王经理", "what": "修完又坏", "work_order_id": o.id,
            "taken_by": "dispatcher1", "taken_at": "2026-12-02T02:00:00Z",
            "finding_id": Uuid::new_v4(), "fix_due": "2026-12-05T02:00:00Z", "state": "fixing"
        }))
        .unwrap()
    }

    /// An unsigned report with a waiver request, answered (or not) at `decided`.
    fn waived(ticket: &str, left: &str, decided: Option<(&str, bool)>) -> WorkOrder {
        use crate::report::{Waiver, WaiverDecision};
        let called = "2026-11-02T02:00:00Z";
        let mut o = worked(ticket, called, "2026-11-02T06:00:00Z", left, left);
        o.report.signature = None;
        o.report.waiver = Some(Waiver {
            reason: "客户不在现场".into(),
            at: at(left),
            decision: decided.map(|(when, approved)| WaiverDecision {
                approved,
                by: Person {
                    username: "head1".into(),
                    name: "周站长".into(),
                },
                at: at(when),
                reason: if approved { "" } else { "请补签" }.into(),
            }),
        });
        o
    }

    #[test]
    fn only_a_waiver_approved_by_the_month_s_end_stands_in_for_the_signature() {
        let orders = vec![
            // W1: approved on the 20th: no defect.
            waived(
                "W1",
                "2026-11-19T08:00:00Z",
                Some(("2026-11-20T01:00:00Z", true)),
            ),
            // W2: still pending on December 7th: unsigned (4 off).
            waived("W2", "2026-11-19T08:00:00Z", None),
            // W3: refused: unsigned (4 off).
            waived(
                "W3",
                "2026-11-19T08:00:00Z",
                Some(("2026-11-20T01:00:00Z", false)),
            ),
            // W4: left at 22:00 China time on the 29th, report due December 2nd 14:00 UTC;
            // approved December 1st, within its 3 days: no defect.
            waived(
                "W4",
                "2026-11-29T14:00:00Z",
                Some(("2026-12-01T02:00:00Z", true)),
            ),
            // W5: approved December 5th, after the month and after its 3 days: unsigned (4 off).
            waived(
                "W5",
                "2026-11-19T08:00:00Z",
                Some(("2026-12-05T02:00:00Z", true)),
            ),
        ];
        let card = engineer_scorecard(
            "engineer1",
            NOV,
            &orders,
            &[],
            &[],
            &EngineerRules::default(),
            at("2026-12-07T02:00:00Z"),
        );
        assert_eq!(card.orders, 5);
        assert_eq!(card.data, 60 - 3 * 4, "W2, W3 and W5");
        assert_eq!(card.total, 20 + 20 + 48);
        let mut unsigned: Vec<&str> = card
            .deductions
            .iter()
            .map(|d| {
                assert_eq!(d.defect, Defect::Unsigned);
                d.ticket.as_str()
            })
            .collect();
        unsigned.sort();
        assert_eq!(unsigned, ["W2", "W3", "W5"]);

        // Judged on November 25th, W2 is unsigned as it stands; W5 too (not approved yet).
        let early = engineer_scorecard(
            "engineer1",
            NOV,
            &orders,
            &[],
            &[],
            &EngineerRules::default(),
            at("2026-11-25T02:00:00Z"),
        );
        assert_eq!(early.data, 60 - 3 * 4);
    }

    #[test]
    fn engineer1_s_november_by_hand() {
        // A: a fault fixed on time, but the machine needed a second visit (C, in December).
        let a = worked(
            "A",
            "2026-11-02T02:00:00Z",
            "2026-11-02T06:00:00Z",
            "2026-11-02T09:00:00Z",
            "2026-11-03T01:00:00Z",
        );
        // B: arrived 50 h after the call (late, 5 off), report 4 days after leaving (late, 4
        // off), no signature (4 off), the nameplate photo missing (4 off), sent back once (4
        // off); its second visit D is excused by the office (no first-fix deduction).
        let mut b = worked(
            "B",
            "2026-11-05T02:00:00Z",
            "2026-11-07T04:00:00Z",
            "2026-11-07T08:00:00Z",
            "2026-11-11T09:00:00Z",
        );
        b.report.signature = None;
        b.photos.clear();
        b.reviews = vec![ReviewRound {
            submitted_at: at("2026-11-11T09:00:00Z"),
            decision: ReviewDecision::SendBack {
                items: vec![SendBackItem {
                    item: ReviewItem::MissingPhoto {
                        slot: "nameplate".into(),
                    },
                    reason: "没有铭牌".into(),
                }],
            },
            by: Person {
                username: "dispatcher1".into(),
                name: String::new(),
            },
            at: at("2026-11-12T01:00:00Z"),
        }];
        // D: the repeat visit to B's machine, in November, all in order.
        let mut d = worked(
            "D",
            "2026-11-20T02:00:00Z",
            "2026-11-20T05:00:00Z",
            "2026-11-20T08:00:00Z",
            "2026-11-20T09:00:00Z",
        );
        d.repeat_of = Some("B".into());
        // E: called at 23:30 on November 30th (China), arrived at 01:00 on December 1st: a
        // November order, on time. The customer was dissatisfied at the call-back (2 off) and
        // complained (10 off).
        let mut e = worked(
            "E",
            "2026-11-30T15:30:00Z",
            "2026-11-30T17:00:00Z",
            "2026-11-30T20:00:00Z",
            "2026-12-01T02:00:00Z",
        );
        e.call_backs = vec![
            serde_json::from_value(serde_json::json!({
                "id": Uuid::from_u128(88), "method": "phone", "by": "dispatcher1",
                "at": "2026-12-03T02:00:00Z", "answered_by": "王经理", "satisfied": false
            }))
            .unwrap(),
        ];
        // F: called at 00:30 on December 1st (China): December's, though never answered.
        let f = order("S-2", "2026-11-30T16:30:00Z");
        // C: December's second visit to A's machine.
        let mut c = worked(
            "C",
            "2026-12-03T02:00:00Z",
            "2026-12-03T04:00:00Z",
            "2026-12-03T06:00:00Z",
            "2026-12-03T07:00:00Z",
        );
        c.repeat_of = Some("A".into());
        // G: another engineer's late November order.
        let mut g = order("S-3", "2026-11-10T02:00:00Z");
        g.assignee = "engineer2".into();

        let complaints = vec![complaint_about(&e)];
        let orders = vec![a.clone(), b.clone(), c, d, e.clone(), f, g];
        let card = engineer_scorecard(
            "engineer1",
            NOV,
            &orders,
            &complaints,
            &[b.id],
            &EngineerRules::default(),
            at("2026-12-07T02:00:00Z"),
        );
        assert_eq!(card.orders, 4, "A, B, D and E");
        assert_eq!(card.response, 20 - 5, "B only");
        assert_eq!(card.first_fix, 20 - 5, "A; B is excused");
        assert_eq!(card.data, 60 - 4 * 4, "B's four defects");
        assert_eq!(card.beyond, 10 + 2);
        assert_eq!(card.total, 15 + 15 + 44 - 12);
        let mut got: Vec<(String, Defect, u32)> = card
            .deductions
            .iter()
            .map(|d| (d.ticket.clone(), d.defect.clone(), d.points))
            .collect();
        got.sort_by(|x, y| {
            x.0.cmp(&y.0)
                .then(format!("{:?}", x.1).cmp(&format!("{:?}", y.1)))
        });
        assert_eq!(
            got,
            vec![
                (
                    "A".into(),
                    Defect::SecondVisit {
                        repeat_ticket: "C".into()
                    },
                    5
                ),
                ("B".into(), Defect::LateReport, 4),
                ("B".into(), Defect::LateResponse, 5),
                (
                    "B".into(),
                    Defect::MissingPhoto {
                        slot: "nameplate".into()
                    },
                    4
                ),
                ("B".into(), Defect::SentBack, 4),
                ("B".into(), Defect::Unsigned, 4),
                (
                    "E".into(),
                    Defect::Complaint {
                        complaint_id: Uuid::from_u128(77)
                    },
                    10
                ),
                (
                    "E".into(),
                    Defect::DissatisfiedCallBack {
                        call_back_id: Uuid::from_u128(88)
                    },
                    2
                ),
            ]
        );
        // Each deduction links to its order.
        assert!(
            card.deductions
                .iter()
                .filter(|d| d.ticket == "B")
                .all(|d| d.work_order_id == b.id)
        );
        // The flat kind is the defect's JSON tag.
        for d in &card.deductions {
            let json = serde_json::to_value(&d.defect).unwrap();
            let tag = json
                .as_str()
                .map(str::to_string)
                .or_else(|| json.as_object().and_then(|o| o.keys().next().cloned()));
            assert_eq!(tag.as_deref(), Some(d.kind.as_str()));
        }

        // Without the excuse, B's second visit costs 5 more.
        let unexcused = engineer_scorecard(
            "engineer1",
            NOV,
            &orders,
            &complaints,
            &[],
            &EngineerRules::default(),
            at("2026-12-07T02:00:00Z"),
        );
        assert_eq!(unexcused.first_fix, 10);
        assert_eq!(unexcused.total, card.total - 5);

        // December: C on time, F never answered (late at as_of); E is not December's.
        let dec = engineer_scorecard(
            "engineer1",
            NOV.next(),
            &orders,
            &complaints,
            &[],
            &EngineerRules::default(),
            at("2026-12-07T02:00:00Z"),
        );
        assert_eq!(dec.orders, 2);
        assert_eq!(dec.response, 15);
        assert!(dec.deductions.iter().all(|d| d.ticket != "E"));
    }

    #[test]
    fn a_part_stops_at_zero_and_the_total_may_go_below() {
        let orders: Vec<WorkOrder> = (0..6)
            .map(|i| {
                let mut o = order("S", "2026-11-02T02:00:00Z");
                o.ticket = format!("L{i}");
                o
            })
            .collect();
        let complaints: Vec<Complaint> = (0..12).map(|_| complaint_about(&orders[0])).collect();
        let card = engineer_scorecard(
            "engineer1",
            NOV,
            &orders,
            &complaints,
            &[],
            &EngineerRules::default(),
            at("2026-12-07T02:00:00Z"),
        );
        assert_eq!(card.response, 0, "6 late orders: 30 off a part of 20");
        assert_eq!(card.total, 20 + 60 - 120);
    }

    #[test]
    fn months_parse_and_step() {
        assert_eq!(
            Month::parse("2026-01").unwrap().previous().to_string(),
            "2025-12"
        );
        assert_eq!(
            Month::parse("2026-12").unwrap().next().to_string(),
            "2027-01"
        );
        for bad in ["2026-13", "2026-1", "26-01", "", "2026/01"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }
}
