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
//!   submitted report with neither signature nor waiver, each review that sent it back.
//! - Deductions beyond the 100: 10 per valid complaint about the engineer's order, 2 per
//!   dissatisfied call-back of it.
//! - A part's points never go below zero; the total may (the deductions beyond).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::complaints::{Complaint, china_date};
use crate::desk::ReviewDecision;
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

/// One deduction and the order it links to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deduction {
    pub work_order_id: Uuid,
    pub ticket: String,
    pub defect: Defect,
    pub points: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineerScorecard {
    pub engineer: String,
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
    let mine: Vec<&WorkOrder> = orders
        .iter()
        .filter(|o| o.assignee == engineer && month.contains(o.called_at))
        .collect();
    let mut deductions = Vec::new();
    let mut push = |o: &WorkOrder, defect: Defect, points: u32| {
        deductions.push(Deduction {
            work_order_id: o.id,
            ticket: o.ticket.clone(),
            defect,
            points,
        })
    };
    for o in &mine {
        if o.response(as_of).is_late() {
            push(o, Defect::LateResponse, rules.response_off);
        }
        if o.service_type == ServiceType::FaultRepair && !excused.contains(&o.id) {
            let later = orders.iter().find(|later| {
                later.id != o.id && later.repeat_of.as_deref() == Some(o.ticket.as_str())
            });
            if let Some(later) = later {
                push(
                    o,
                    Defect::SecondVisit {
                        repeat_ticket: later.ticket.clone(),
                    },
                    rules.first_fix_off,
                );
            }
        }
        let submitted = o.report.submitted_at;
        if submitted.is_some() || o.is_closed() {
            for slot in o.slots.iter().filter(|s| s.required) {
                if o.photos_in(&slot.key) == 0 {
                    push(
                        o,
                        Defect::MissingPhoto {
                            slot: slot.key.clone(),
                        },
                        rules.data_off,
                    );
                }
            }
            if o.report.signature.is_none()
                && o.report.waiver.is_none()
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
        for c in complaints.iter().filter(|c| c.work_order_id == Some(o.id)) {
            push(
                o,
                Defect::Complaint { complaint_id: c.id },
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
            Defect::MissingPhoto { .. } | Defect::LateReport | Defect::Unsigned | Defect::SentBack
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
        month,
        orders: mine.len() as u32,
        response,
        first_fix,
        data,
        beyond,
        total: i64::from(response + first_fix + data) - i64::from(beyond),
        deductions,
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
