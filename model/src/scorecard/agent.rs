//! The 400 agent's month (DOMAIN.md "Scorecards": response rates, reports on time, call-back
//! completion rate), over the orders the agent took (the call's `taken_by`, recorded since
//! migration 0012), each order in the China month its call was taken in:
//! - First response: the station head called the customer back (首次响应) within
//!   [`AgentRules::first_response_hours`] of the call.
//! - Actual response: on site (or resolved by phone) within 36 hours of the call
//!   ([`WorkOrder::response`]).
//! - Reports on time: the service report was submitted within its 3 days of leaving the site
//!   (the desk follows the engineer up until it is).
//! - Call-back completion: the customer was called back within
//!   [`AgentRules::call_back_days`] of the order's closing.
//!
//! A rate counts only what is decided at `as_of`: an order whose deadline is still running and
//! not yet met counts in neither part (so a past month computed later gives the same figures).
//! Each miss names its order.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Month;
use crate::reports::Period;
use crate::work_order::{Deadline, WorkOrder};

/// The agent's rule book, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRules {
    /// Hours from the call to the head's first response.
    pub first_response_hours: u32,
    /// Days from closing to the call-back (the desk's setting).
    pub call_back_days: u32,
}

impl Default for AgentRules {
    fn default() -> Self {
        AgentRules {
            first_response_hours: 2,
            call_back_days: crate::desk::default_call_back_days(),
        }
    }
}

/// `met` of `of` decided cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    pub met: u32,
    pub of: u32,
}

impl Rate {
    /// The rate in whole percent, rounded half up; `None` with nothing decided.
    pub fn percent(self) -> Option<u32> {
        (self.of > 0).then(|| (self.met * 200 + self.of) / (self.of * 2))
    }

    /// Both parts summed (a department's rate is everyone's met of everyone's decided).
    pub fn plus(self, other: Rate) -> Rate {
        Rate {
            met: self.met + other.met,
            of: self.of + other.of,
        }
    }

    fn count(&mut self, met: Option<bool>) {
        if let Some(met) = met {
            self.of += 1;
            self.met += u32::from(met);
        }
    }
}

/// Which of the agent's figures an order missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentMissKind {
    FirstResponse,
    ActualResponse,
    LateReport,
    CallBack,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentMiss {
    pub work_order_id: Uuid,
    pub ticket: String,
    pub kind: AgentMissKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentScorecard {
    pub agent: String,
    #[serde(default)]
    pub name: String,
    pub month: Month,
    pub orders: u32,
    pub first_response: Rate,
    pub actual_response: Rate,
    pub reports_on_time: Rate,
    pub call_backs: Rate,
    pub misses: Vec<AgentMiss>,
}

/// `GET /api/scorecards/agents?month=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentScorecards {
    pub month: Month,
    pub as_of: DateTime<Utc>,
    pub cards: Vec<AgentScorecard>,
}

/// Met (`Some(true)`), missed (`Some(false)`) or not decided yet (`None`) at `as_of`.
fn decided(due: DateTime<Utc>, done: Option<DateTime<Utc>>, as_of: DateTime<Utc>) -> Option<bool> {
    match done {
        Some(at) => Some(at <= due),
        None if as_of > due => Some(false),
        None => None,
    }
}

/// The agent's card for `month` from `taken`: the orders the agent took (any month; the
/// month's are picked here), computed at `as_of`.
pub fn agent_scorecard(
    agent: &str,
    month: Month,
    taken: &[&WorkOrder],
    rules: &AgentRules,
    as_of: DateTime<Utc>,
) -> AgentScorecard {
    agent_card_over(agent, month.period(), taken, rules, as_of)
}

/// As [`agent_scorecard`], for any period (a week's, for the trends): the orders whose call
/// falls in it (`month`: the month the period starts in).
pub fn agent_card_over(
    agent: &str,
    period: Period,
    taken: &[&WorkOrder],
    rules: &AgentRules,
    as_of: DateTime<Utc>,
) -> AgentScorecard {
    let mut card = AgentScorecard {
        agent: agent.to_string(),
        name: String::new(),
        month: Month::of(period.start()),
        orders: 0,
        first_response: Rate::default(),
        actual_response: Rate::default(),
        reports_on_time: Rate::default(),
        call_backs: Rate::default(),
        misses: Vec::new(),
    };
    for o in taken.iter().filter(|o| period.contains(o.called_at)) {
        card.orders += 1;
        let mut miss = |met: Option<bool>, kind| {
            if met == Some(false) {
                card.misses.push(AgentMiss {
                    work_order_id: o.id,
                    ticket: o.ticket.clone(),
                    kind,
                });
            }
            met
        };
        let first = decided(
            o.called_at + Duration::hours(i64::from(rules.first_response_hours)),
            o.first_response.as_ref().map(|r| r.response.at),
            as_of,
        );
        let first = miss(first, AgentMissKind::FirstResponse);
        let actual = match o.response(as_of) {
            Deadline::Open { .. } => None,
            Deadline::Met { .. } => Some(true),
            Deadline::Overdue { .. } | Deadline::MetLate { .. } => Some(false),
        };
        let actual = miss(actual, AgentMissKind::ActualResponse);
        let report = o
            .report_due()
            .and_then(|due| decided(due, o.report.submitted_at, as_of));
        let report = miss(report, AgentMissKind::LateReport);
        let call_back = o.closure.as_ref().and_then(|c| {
            let due = c.at + Duration::days(i64::from(rules.call_back_days));
            decided(due, o.call_backs.iter().map(|cb| cb.at).min(), as_of)
        });
        let call_back = miss(call_back, AgentMissKind::CallBack);
        card.first_response.count(first);
        card.actual_response.count(actual);
        card.reports_on_time.count(report);
        card.call_backs.count(call_back);
    }
    card
}

/// dispatcher1's November worked out by hand.
#[cfg(test)]
mod worked {
    use super::*;
    use crate::desk::{Closure, FirstResponse, FirstResponseRecord, Person};
    use crate::dispatch::tests::{at, order, reach};
    use crate::work_order::StatusNode::*;

    const NOV: Month = Month {
        year: 2026,
        month: 11,
    };

    fn first_response(o: &mut WorkOrder, when: &str) {
        o.first_response = Some(FirstResponseRecord {
            response: FirstResponse {
                at: at(when),
                outcome: "已电话确认故障".into(),
                site_confirmed: true,
                phone_fix: false,
            },
            by: Person {
                username: "head1".into(),
                name: String::new(),
            },
            recorded_at: at(when),
        });
    }

    fn close(o: &mut WorkOrder, when: &str) {
        o.closure = Some(Closure {
            by: Person {
                username: "dispatcher1".into(),
                name: String::new(),
            },
            at: at(when),
            resolution: None,
        });
    }

    fn call_back(o: &mut WorkOrder, when: &str) {
        o.call_backs = vec![
            serde_json::from_value(serde_json::json!({
                "id": Uuid::from_u128(5), "method": "phone", "by": "dispatcher1",
                "at": when, "answered_by": "王经理", "satisfied": true
            }))
            .unwrap(),
        ];
    }

    #[test]
    fn dispatcher1_s_november_by_hand() {
        // A: everything on time. Called 10:00 (China) on Nov 2nd, first response 1 h later,
        // on site 4 h, left, report the next day, closed, called back 2 days after.
        let mut a = order("S-1", "2026-11-02T02:00:00Z");
        a.ticket = "A".into();
        first_response(&mut a, "2026-11-02T03:00:00Z");
        reach(&mut a, Departed, "2026-11-02T04:00:00Z");
        reach(&mut a, Arrived, "2026-11-02T06:00:00Z");
        reach(&mut a, RepairedLeft, "2026-11-02T09:00:00Z");
        a.report.submitted_at = Some(at("2026-11-03T01:00:00Z"));
        close(&mut a, "2026-11-04T01:00:00Z");
        call_back(&mut a, "2026-11-06T01:00:00Z");
        // B: first response 3 h after the call (late), on site 40 h after (late), report 4
        // days after leaving (late), closed, called back 5 days after closing (late).
        let mut b = order("S-2", "2026-11-10T02:00:00Z");
        b.ticket = "B".into();
        first_response(&mut b, "2026-11-10T05:00:00Z");
        reach(&mut b, Departed, "2026-11-11T10:00:00Z");
        reach(&mut b, Arrived, "2026-11-11T18:00:00Z");
        reach(&mut b, RepairedLeft, "2026-11-11T20:00:00Z");
        b.report.submitted_at = Some(at("2026-11-15T21:00:00Z"));
        close(&mut b, "2026-11-16T01:00:00Z");
        call_back(&mut b, "2026-11-21T01:00:00Z");
        // C: called at 23:30 on Nov 30th (China): November's. No first response yet (missed:
        // its 2 h passed), not on site at as_of Dec 1st 08:00 China (its 36 h still run: not
        // decided), so no report or call-back due either.
        let mut c = order("S-3", "2026-11-30T15:30:00Z");
        c.ticket = "C".into();
        // D: called at 00:30 on Dec 1st (China): December's, not counted.
        let mut d = order("S-4", "2026-11-30T16:30:00Z");
        d.ticket = "D".into();
        // E: all on time, closed at 10:00 on Nov 29th (China) and not called back by as_of,
        // but its 3 days are not over: not decided.
        let mut e = order("S-5", "2026-11-25T02:00:00Z");
        e.ticket = "E".into();
        first_response(&mut e, "2026-11-25T02:30:00Z");
        reach(&mut e, Departed, "2026-11-25T03:00:00Z");
        reach(&mut e, Arrived, "2026-11-25T05:00:00Z");
        reach(&mut e, RepairedLeft, "2026-11-25T07:00:00Z");
        e.report.submitted_at = Some(at("2026-11-26T07:00:00Z"));
        close(&mut e, "2026-11-29T02:00:00Z");
        let taken = [&a, &b, &c, &d, &e];
        let as_of = at("2026-12-01T00:00:00Z");
        let card = agent_scorecard("dispatcher1", NOV, &taken, &AgentRules::default(), as_of);
        assert_eq!(card.orders, 4, "A, B, C and E");
        assert_eq!(
            card.first_response,
            Rate { met: 2, of: 4 },
            "A, E met; B late, C none"
        );
        assert_eq!(
            card.actual_response,
            Rate { met: 2, of: 3 },
            "A, E; B late; C open"
        );
        assert_eq!(card.reports_on_time, Rate { met: 2, of: 3 }, "A, E; B late");
        assert_eq!(
            card.call_backs,
            Rate { met: 1, of: 2 },
            "A; B late; E still open"
        );
        assert_eq!(card.first_response.percent(), Some(50));
        assert_eq!(card.actual_response.percent(), Some(67));
        let misses: Vec<(&str, AgentMissKind)> = card
            .misses
            .iter()
            .map(|m| (m.ticket.as_str(), m.kind))
            .collect();
        assert_eq!(
            misses,
            vec![
                ("B", AgentMissKind::FirstResponse),
                ("B", AgentMissKind::ActualResponse),
                ("B", AgentMissKind::LateReport),
                ("B", AgentMissKind::CallBack),
                ("C", AgentMissKind::FirstResponse),
            ]
        );
        assert!(
            card.misses
                .iter()
                .filter(|m| m.ticket == "B")
                .all(|m| m.work_order_id == b.id)
        );

        // A week later C's 36 hours are over (still not on site) and E's call-back is late.
        let later = agent_scorecard(
            "dispatcher1",
            NOV,
            &taken,
            &AgentRules::default(),
            at("2026-12-08T00:00:00Z"),
        );
        assert_eq!(later.actual_response, Rate { met: 2, of: 4 });
        assert_eq!(later.call_backs, Rate { met: 1, of: 3 });
        // The rule book's hours as data: with 4 h for the first response, B's 3 h is on time.
        let lenient = AgentRules {
            first_response_hours: 4,
            ..AgentRules::default()
        };
        let card = agent_scorecard("dispatcher1", NOV, &taken, &lenient, as_of);
        assert_eq!(card.first_response, Rate { met: 3, of: 4 });
    }

    #[test]
    fn a_rate_rounds_half_up_and_is_none_when_nothing_is_decided() {
        assert_eq!(Rate { met: 1, of: 8 }.percent(), Some(13), "12.5");
        assert_eq!(Rate { met: 2, of: 3 }.percent(), Some(67));
        assert_eq!(Rate { met: 0, of: 0 }.percent(), None);
    }
}
