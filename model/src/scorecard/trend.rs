//! Trends (issue 18): each figure of a card per month and per week over the last 12 months, for
//! one person or the department, as series of (period, value) points for a chart.
//!
//! The rules, written down once:
//! - The months are the 12 China months ending with the asked month. The weeks are the desk's
//!   (Friday to Thursday, [`PeriodKind::Week`]) that overlap those months, up to the week holding
//!   `as_of`: a week that straddles a month end is one point of the weekly series, whole, while
//!   its days count in their own months in the monthly series.
//! - A period's figure is its card's, computed by the card's own rules at `as_of` (so only what
//!   is decided at `as_of` counts, as on the card).
//! - A person's value is their card's figure. The department's rate is everyone's met of
//!   everyone's decided; the department's engineer points are the mean over the engineers who
//!   had orders in the period (an engineer without orders keeps a full card, which says nothing).
//!   A period with nothing to show has no value (`None`), not a zero.
//! - A team's periods wholly before its first recorded list (the cleaning cards) or round (the
//!   supervisors') have no value either: the team was not using Fieldbook yet, and its
//!   checklists and rounds falling due unrecorded then would draw months of 0% that nobody
//!   missed.
//! - Every period is computed in memory from one load of the year's rows: the rows are sorted
//!   into their periods once ([`Buckets`]), and each period reads only its own.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Month;
use super::agent::{AgentRules, AgentScorecard, Rate, agent_card_over};
use super::cleaning::{TeamCleaning, cleaning_rates};
use super::supervisor::supervisor_card_over;
use super::{EngineerMonth, EngineerRules, EngineerScorecard};
use crate::complaints::{Complaint, china_midnight};
use crate::findings::Finding;
use crate::patrol::PatrolRound;
use crate::reports::{Period, PeriodKind};
use crate::work_order::WorkOrder;

/// How many months a trend shows.
pub const TREND_MONTHS: u32 = 12;

/// One figure's value in one period (`None`: nothing decided, nobody to count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub period: Period,
    pub value: Option<f64>,
}

/// One figure of a card over the periods, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendSeries {
    /// The figure's name as the card's JSON field (`total`, `rounds`, ...).
    pub figure: String,
    pub points: Vec<TrendPoint>,
}

/// `GET /api/scorecards/{engineers|agents|supervisors}/trend?who=&by=month|week&month=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    /// The person, or `None` for the department (everyone the reader may see).
    pub who: Option<String>,
    /// The person's name as people know them (张伟), for the trend's heading; `None` for the
    /// department or when the account has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub by: PeriodKind,
    /// The last month of the trend.
    pub last: Month,
    pub as_of: DateTime<Utc>,
    pub series: Vec<TrendSeries>,
}

/// The periods of a trend by `by` (month or week) whose last month is `last`, oldest first.
pub fn trend_periods(by: PeriodKind, last: Month, as_of: DateTime<Utc>) -> Vec<Period> {
    let mut first = last;
    for _ in 1..TREND_MONTHS {
        first = first.previous();
    }
    let end = last.period().end();
    let mut p = Period::containing(by, first.first_day());
    let mut periods = Vec::new();
    while p.start() < end && (by == PeriodKind::Month || p.start() <= as_of) {
        periods.push(p);
        p = p.next();
    }
    periods
}

/// From the first period's start to the last one's end: the rows a trend loads.
pub fn span(periods: &[Period]) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    Some((periods.first()?.start(), periods.last()?.end()))
}

/// Rows sorted into the (contiguous, oldest first) periods their time falls in, once.
pub struct Buckets<'a, T> {
    pub periods: &'a [Period],
    pub rows: Vec<Vec<&'a T>>,
}

impl<'a, T> Buckets<'a, T> {
    pub fn new(
        periods: &'a [Period],
        rows: impl IntoIterator<Item = &'a T>,
        time: impl Fn(&T) -> DateTime<Utc>,
    ) -> Buckets<'a, T> {
        let starts: Vec<DateTime<Utc>> = periods.iter().map(|p| p.start()).collect();
        let mut buckets: Vec<Vec<&T>> = vec![Vec::new(); periods.len()];
        for row in rows {
            let at = time(row);
            let i = starts.partition_point(|s| *s <= at);
            if i > 0 && periods[i - 1].contains(at) {
                buckets[i - 1].push(row);
            }
        }
        Buckets {
            periods,
            rows: buckets,
        }
    }
}

/// The series of `figures` over `periods`; `values(i, period)` gives the period's value of
/// each figure, in the order of `figures`. Each card's trend is one such call (a new card's
/// trend is a new `values`).
pub fn series(
    figures: &[&str],
    periods: &[Period],
    mut values: impl FnMut(usize, Period) -> Vec<Option<f64>>,
) -> Vec<TrendSeries> {
    let mut out: Vec<TrendSeries> = figures
        .iter()
        .map(|f| TrendSeries {
            figure: f.to_string(),
            points: Vec::with_capacity(periods.len()),
        })
        .collect();
    for (i, period) in periods.iter().enumerate() {
        for (s, value) in out.iter_mut().zip(values(i, *period)) {
            s.points.push(TrendPoint {
                period: *period,
                value,
            });
        }
    }
    out
}

/// A rate as the chart's value: its whole percent, as on the card.
pub fn percent(r: Rate) -> Option<f64> {
    r.percent().map(f64::from)
}

/// The engineer's figures, in the order of [`engineer_trend`]'s series.
pub const ENGINEER_FIGURES: [&str; 5] = ["total", "response", "first_fix", "data", "beyond"];

fn engineer_figures(c: &EngineerScorecard) -> [f64; 5] {
    [
        c.total as f64,
        f64::from(c.response),
        f64::from(c.first_fix),
        f64::from(c.data),
        f64::from(c.beyond),
    ]
}

/// The engineers' trend: one engineer's card figures when `engineers` is one name, else the
/// department's mean over those with orders in the period (rounded to one decimal). The other
/// arguments are as [`EngineerMonth::new`]'s, over the trend's span.
#[allow(clippy::too_many_arguments)]
pub fn engineer_trend(
    engineers: &[&str],
    periods: &[Period],
    orders: &[WorkOrder],
    repeats: &[(&str, &str)],
    complaints: &[Complaint],
    excused: &[uuid::Uuid],
    rules: &EngineerRules,
    as_of: DateTime<Utc>,
) -> Vec<TrendSeries> {
    let buckets = Buckets::new(periods, orders, |o| o.called_at);
    let cards: Vec<Vec<EngineerScorecard>> = buckets
        .rows
        .iter()
        .zip(periods)
        .map(|(rows, period)| {
            let records =
                EngineerMonth::over(*period, rows.iter().copied(), repeats, complaints, excused);
            engineers
                .iter()
                .map(|e| records.card(e, rules, as_of))
                .collect()
        })
        .collect();
    engineer_trend_of(periods, &cards)
}

/// The engineers' trend from their cards: `cards[i]` holds every engineer's card of
/// `periods[i]` (one card: that engineer's own figures; more: the department's mean over those
/// with orders, rounded to one decimal). The cards may come from the stored summaries of
/// periods that are over (the server's `scorecard_summaries`) or be computed afresh: the
/// figures are the same.
pub fn engineer_trend_of(periods: &[Period], cards: &[Vec<EngineerScorecard>]) -> Vec<TrendSeries> {
    series(&ENGINEER_FIGURES, periods, |i, _| {
        if let [one] = cards[i].as_slice() {
            return engineer_figures(one).map(Some).to_vec();
        }
        let mut sum = [0.0; 5];
        let mut n = 0u32;
        for card in &cards[i] {
            if card.orders > 0 {
                n += 1;
                for (s, v) in sum.iter_mut().zip(engineer_figures(card)) {
                    *s += v;
                }
            }
        }
        sum.iter()
            .map(|s| (n > 0).then(|| (s / f64::from(n) * 10.0).round() / 10.0))
            .collect()
    })
}

/// The 400 agent's figures, in the order of [`agent_trend`]'s series.
pub const AGENT_FIGURES: [&str; 4] = [
    "first_response",
    "actual_response",
    "reports_on_time",
    "call_backs",
];

/// The agents' trend: each rate summed over `agents` (one name: that agent's own). `taken`:
/// (agent, order) of the orders taken over the trend's span.
pub fn agent_trend(
    agents: &[&str],
    periods: &[Period],
    taken: &[(String, WorkOrder)],
    rules: &AgentRules,
    as_of: DateTime<Utc>,
) -> Vec<TrendSeries> {
    let buckets = Buckets::new(periods, taken, |(_, o)| o.called_at);
    let cards: Vec<Vec<AgentScorecard>> = buckets
        .rows
        .iter()
        .zip(periods)
        .map(|(rows, period)| {
            let mut by_agent: HashMap<&str, Vec<&WorkOrder>> = HashMap::new();
            for (by, o) in rows {
                by_agent.entry(by.as_str()).or_default().push(o);
            }
            agents
                .iter()
                .map(|a| {
                    let mine = by_agent.get(a).map(Vec::as_slice).unwrap_or_default();
                    agent_card_over(a, *period, mine, rules, as_of)
                })
                .collect()
        })
        .collect();
    agent_trend_of(periods, &cards)
}

/// The agents' trend from their cards (`cards[i]`: every agent's card of `periods[i]`), each
/// rate summed, as [`engineer_trend_of`] is for the engineers.
pub fn agent_trend_of(periods: &[Period], cards: &[Vec<AgentScorecard>]) -> Vec<TrendSeries> {
    series(&AGENT_FIGURES, periods, |i, _| {
        let mut rates = [Rate::default(); 4];
        for c in &cards[i] {
            let card = [
                c.first_response,
                c.actual_response,
                c.reports_on_time,
                c.call_backs,
            ];
            for (r, c) in rates.iter_mut().zip(card) {
                *r = r.plus(c);
            }
        }
        rates.into_iter().map(percent).collect()
    })
}

/// The cleaning supervisor's figures, in the order of [`supervisor_trend`]'s series (the
/// outlet check is monthly: the weekly series has no values for it).
pub const SUPERVISOR_FIGURES: [&str; 3] = ["rounds", "outlet_check", "findings_confirmed"];

/// The supervisors' trend: each rate summed over `supervisors` (username, team; one: their
/// own). `rounds` and `findings`: the teams' over the trend's span.
pub fn supervisor_trend(
    supervisors: &[(&str, &str)],
    periods: &[Period],
    rounds: &[PatrolRound],
    findings: &[Finding],
    as_of: DateTime<Utc>,
) -> Vec<TrendSeries> {
    let rounds = Buckets::new(periods, rounds, |r| china_midnight(r.date));
    // A finding counts in the period its due time falls in; one without a due time nowhere.
    let findings = Buckets::new(periods, findings.iter().filter(|f| f.due.is_some()), |f| {
        f.due.unwrap_or_default()
    });
    let mut since: HashMap<&str, NaiveDate> = HashMap::new();
    for r in rounds.rows.iter().flatten() {
        let first = since.entry(r.team.as_str()).or_insert(r.date);
        *first = (*first).min(r.date);
    }
    series(&SUPERVISOR_FIGURES, periods, |i, period| {
        let mut rates = [Rate::default(); 3];
        for (s, team) in supervisors {
            if since.get(team).is_none_or(|first| period.last() < *first) {
                continue;
            }
            let c =
                supervisor_card_over(s, team, period, &rounds.rows[i], &findings.rows[i], as_of);
            for (r, c) in rates
                .iter_mut()
                .zip([c.rounds, c.outlet_check, c.findings_confirmed])
            {
                *r = r.plus(c);
            }
        }
        rates.into_iter().map(percent).collect()
    })
}

/// The cleaning card's figures, in the order of [`cleaning_trend`]'s series.
pub const CLEANING_FIGURES: [&str; 4] = [
    "checklist",
    "spot_checks",
    "vacant_units",
    "findings_on_time",
];

/// The cleaning trend: each rate summed over the teams' cards (`who`: `None`), or one cleaner's
/// own. `teams`: each team's cleaners and records over the trend's span (with the month before
/// it, for the spot checks of its first day, as the card's).
pub fn cleaning_trend(
    teams: &[(&[String], TeamCleaning)],
    who: Option<&str>,
    periods: &[Period],
    as_of: DateTime<Utc>,
) -> Vec<TrendSeries> {
    let since: Vec<Option<NaiveDate>> = teams
        .iter()
        .map(|(_, t)| t.days.iter().map(|d| d.date).min())
        .collect();
    series(&CLEANING_FIGURES, periods, |_, period| {
        let mut rates = [Rate::default(); 4];
        for ((cleaners, records), since) in teams.iter().zip(&since) {
            if since.is_none_or(|first| period.last() < first) {
                continue;
            }
            let team = cleaning_rates(cleaners, period, records, as_of, who);
            for (r, t) in rates.iter_mut().zip(team) {
                *r = r.plus(t);
            }
        }
        rates.into_iter().map(percent).collect()
    })
}

/// Trends worked out by hand from a small fixed data set: the 12 months to November 2026 and
/// their weeks, computed on December 7th, 2026 (10:00 China).
#[cfg(test)]
mod worked {
    use chrono::NaiveDate;

    use super::*;
    use crate::dispatch::tests::{at, order, reach};
    use crate::patrol::RoundKind;
    use crate::work_order::StatusNode::*;

    const NOV: Month = Month {
        year: 2026,
        month: 11,
    };

    fn as_of() -> DateTime<Utc> {
        at("2026-12-07T02:00:00Z")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn value(s: &[TrendSeries], figure: &str, first: NaiveDate) -> Option<f64> {
        let s = s.iter().find(|s| s.figure == figure).unwrap();
        s.points
            .iter()
            .find(|p| p.period.first == first)
            .unwrap()
            .value
    }

    /// Called and on site `hours` later (no report due yet: not left).
    fn visited(engineer: &str, ticket: &str, called: &str, arrived: &str) -> WorkOrder {
        let mut o = order("S-1", called);
        o.ticket = ticket.into();
        o.assignee = engineer.into();
        reach(&mut o, Departed, called);
        reach(&mut o, Arrived, arrived);
        o
    }

    #[test]
    fn the_periods_are_12_months_and_the_weeks_that_overlap_them() {
        let months = trend_periods(PeriodKind::Month, NOV, as_of());
        assert_eq!(months.len(), 12);
        assert_eq!(months[0].first, date(2025, 12, 1));
        assert_eq!(months[11].first, date(2026, 11, 1));
        let weeks = trend_periods(PeriodKind::Week, NOV, as_of());
        // December 1st, 2025 is a Monday: its week began on Friday, November 28th. November
        // 30th, 2026 (a Monday) is in the week of Friday the 27th to Thursday December 3rd.
        // From 2025-11-28 to 2026-11-27: 364 days, 52 steps, 53 weeks.
        assert_eq!(weeks.first().unwrap().first, date(2025, 11, 28));
        assert_eq!(weeks.last().unwrap().first, date(2026, 11, 27));
        assert_eq!(weeks.last().unwrap().last(), date(2026, 12, 3));
        assert_eq!(weeks.len(), 53);
        // The current month's weeks stop at the week holding as_of (Monday Dec 7th: the week
        // of Friday the 4th).
        let dec = trend_periods(PeriodKind::Week, NOV.next(), as_of());
        assert_eq!(dec.last().unwrap().first, date(2026, 12, 4));
        assert_eq!(
            trend_periods(PeriodKind::Month, NOV.next(), as_of()).len(),
            12
        );
    }

    /// engineer1: X (Wed Oct 28th, on time), Y (Fri Oct 30th, on site 50 h later: late, 5
    /// off), Z (Mon Nov 2nd, on time), W (23:30 China on Mon Nov 30th, on time, a dissatisfied
    /// call-back: 2 off). engineer2: V (Tue Nov 3rd, never on site: late at as_of, 5 off).
    fn orders() -> Vec<WorkOrder> {
        let x = visited(
            "engineer1",
            "X",
            "2026-10-28T02:00:00Z",
            "2026-10-28T06:00:00Z",
        );
        let y = visited(
            "engineer1",
            "Y",
            "2026-10-30T02:00:00Z",
            "2026-11-01T04:00:00Z",
        );
        let z = visited(
            "engineer1",
            "Z",
            "2026-11-02T02:00:00Z",
            "2026-11-02T06:00:00Z",
        );
        let mut w = visited(
            "engineer1",
            "W",
            "2026-11-30T15:30:00Z",
            "2026-11-30T20:00:00Z",
        );
        w.call_backs = vec![
            serde_json::from_value(serde_json::json!({
                "id": uuid::Uuid::from_u128(9), "method": "phone", "by": "dispatcher1",
                "at": "2026-12-03T02:00:00Z", "answered_by": "王经理", "satisfied": false
            }))
            .unwrap(),
        ];
        let mut v = order("S-9", "2026-11-03T02:00:00Z");
        v.ticket = "V".into();
        v.assignee = "engineer2".into();
        vec![x, y, z, w, v]
    }

    #[test]
    fn engineer1_s_months_and_weeks_by_hand() {
        let orders = orders();
        let rules = EngineerRules::default();
        let trend = |who: &[&str], by| {
            let periods = trend_periods(by, NOV, as_of());
            engineer_trend(who, &periods, &orders, &[], &[], &[], &rules, as_of())
        };
        let months = trend(&["engineer1"], PeriodKind::Month);
        assert_eq!(months.len(), 5, "total and its four parts");
        assert!(months.iter().all(|s| s.points.len() == 12));
        let oct = date(2026, 10, 1);
        let nov = date(2026, 11, 1);
        // October: X and Y, Y late: 15 + 20 + 60 = 95.
        assert_eq!(value(&months, "total", oct), Some(95.0));
        assert_eq!(value(&months, "response", oct), Some(15.0));
        // November: Z and W (23:30 on the 30th is November's), W's call-back 2 off: 98.
        assert_eq!(value(&months, "total", nov), Some(98.0));
        assert_eq!(value(&months, "beyond", nov), Some(2.0));
        // A month without orders is a full card, as the card itself says.
        assert_eq!(value(&months, "total", date(2026, 9, 1)), Some(100.0));
        // The last month's point is the month's card.
        let card =
            super::super::engineer_scorecard("engineer1", NOV, &orders, &[], &[], &rules, as_of());
        assert_eq!(
            months[0].points.last().unwrap().value,
            Some(card.total as f64)
        );

        let weeks = trend(&["engineer1"], PeriodKind::Week);
        // Fri Oct 23rd – Thu Oct 29th: X only, 100.
        assert_eq!(value(&weeks, "total", date(2026, 10, 23)), Some(100.0));
        // Fri Oct 30th – Thu Nov 5th straddles the month end: whole here, Y (October's) and Z
        // (November's) together: Y's lateness, 95.
        assert_eq!(value(&weeks, "total", date(2026, 10, 30)), Some(95.0));
        assert_eq!(value(&weeks, "response", date(2026, 10, 30)), Some(15.0));
        // Fri Nov 27th – Thu Dec 3rd: W, 98.
        assert_eq!(value(&weeks, "total", date(2026, 11, 27)), Some(98.0));

        // The department: the mean over engineers with orders in the period.
        let both = ["engineer1", "engineer2"];
        let months = trend(&both, PeriodKind::Month);
        // October: engineer1 alone had orders: 95.
        assert_eq!(value(&months, "total", oct), Some(95.0));
        // November: engineer1 98, engineer2 95 (V late): 96.5.
        assert_eq!(value(&months, "total", nov), Some(96.5));
        assert_eq!(value(&months, "response", nov), Some(17.5));
        // Nobody had orders in September: no value.
        assert_eq!(value(&months, "total", date(2026, 9, 1)), None);
        let weeks = trend(&both, PeriodKind::Week);
        // The straddling week: engineer1 95 (Y), engineer2 95 (V on Nov 3rd): 95.
        assert_eq!(value(&weeks, "total", date(2026, 10, 30)), Some(95.0));
        assert_eq!(value(&weeks, "total", date(2026, 11, 27)), Some(98.0));
    }

    #[test]
    fn the_agents_rates_sum_met_and_of() {
        // dispatcher1 took X, Y and Z; dispatcher2 took V (the engineers' orders above). No
        // first response was recorded (every order missed its 2 hours); none has left the
        // site, so no report or call-back is due.
        let taken: Vec<(String, WorkOrder)> = orders()
            .into_iter()
            .filter(|o| o.ticket != "W")
            .map(|o| {
                let by = if o.ticket == "V" {
                    "dispatcher2"
                } else {
                    "dispatcher1"
                };
                (by.to_string(), o)
            })
            .collect();
        let periods = trend_periods(PeriodKind::Month, NOV, as_of());
        let rules = AgentRules::default();
        let one = agent_trend(&["dispatcher1"], &periods, &taken, &rules, as_of());
        // October: X met, Y late: 1 of 2, 50%. November: Z met: 100%.
        assert_eq!(
            value(&one, "actual_response", date(2026, 10, 1)),
            Some(50.0)
        );
        assert_eq!(
            value(&one, "actual_response", date(2026, 11, 1)),
            Some(100.0)
        );
        assert_eq!(value(&one, "first_response", date(2026, 11, 1)), Some(0.0));
        // Nothing to report on (not left): no value, not zero.
        assert_eq!(value(&one, "reports_on_time", date(2026, 11, 1)), None);
        let all = agent_trend(
            &["dispatcher1", "dispatcher2"],
            &periods,
            &taken,
            &rules,
            as_of(),
        );
        // November: Z met, V late: 1 of 2, 50%.
        assert_eq!(
            value(&all, "actual_response", date(2026, 11, 1)),
            Some(50.0)
        );
        let weeks = trend_periods(PeriodKind::Week, NOV, as_of());
        let all = agent_trend(
            &["dispatcher1", "dispatcher2"],
            &weeks,
            &taken,
            &rules,
            as_of(),
        );
        // The straddling week: Y late, Z met, V late: 1 of 3, 33%.
        assert_eq!(
            value(&all, "actual_response", date(2026, 10, 30)),
            Some(33.0)
        );
    }

    #[test]
    fn a_supervisor_s_weeks_count_their_days_and_leave_the_outlet_check_to_the_month() {
        let round = |d: NaiveDate, kind| PatrolRound {
            id: uuid::Uuid::new_v4(),
            team: "team-a".into(),
            kind,
            date: d,
            supervisor: "supervisor1".into(),
            started_at: china_midnight(d),
            ended_at: china_midnight(d),
            areas: Vec::new(),
            seq: 0,
            stamp: None,
            conflict_with: None,
            set_aside: false,
        };
        // Every daily round of October 29th – November 4th except November 1st's morning, and
        // November's outlet check on the 2nd.
        let mut rounds: Vec<PatrolRound> = date(2026, 10, 29)
            .iter_days()
            .take(7)
            .flat_map(|d| RoundKind::DAILY.map(|k| (d, k)))
            .filter(|(d, k)| (*d, *k) != (date(2026, 11, 1), RoundKind::Morning))
            .map(|(d, k)| round(d, k))
            .collect();
        rounds.push(round(date(2026, 11, 2), RoundKind::MonthlyOutlets));
        let weeks = trend_periods(PeriodKind::Week, NOV, as_of());
        let t = supervisor_trend(&[("supervisor1", "team-a")], &weeks, &rounds, &[], as_of());
        // Fri Oct 30th – Thu Nov 5th: 7 days x 3 = 21 due; done Oct 30th–Nov 4th but one
        // (6 x 3 - 1 = 17), none on the 5th: 17 of 21, 81%.
        assert_eq!(value(&t, "rounds", date(2026, 10, 30)), Some(81.0));
        assert_eq!(value(&t, "outlet_check", date(2026, 10, 30)), None);
        // Fri Oct 23rd – Thu Oct 29th: only the 29th done: 3 of 21, 14%.
        assert_eq!(value(&t, "rounds", date(2026, 10, 23)), Some(14.0));
        let months = trend_periods(PeriodKind::Month, NOV, as_of());
        let t = supervisor_trend(&[("supervisor1", "team-a")], &months, &rounds, &[], as_of());
        // November: 30 x 3 = 90 due, done the 1st (2), 2nd–4th (9): 11 of 90, 12%; the outlet
        // check done: 100%.
        assert_eq!(value(&t, "rounds", date(2026, 11, 1)), Some(12.0));
        assert_eq!(value(&t, "outlet_check", date(2026, 11, 1)), Some(100.0));
        // October: 31 x 3 = 93 due, 29th–31st done: 9 of 93, 10%; no outlet check: 0%.
        assert_eq!(value(&t, "rounds", date(2026, 10, 1)), Some(10.0));
        assert_eq!(value(&t, "outlet_check", date(2026, 10, 1)), Some(0.0));
        // September, before team-a's first round: no value, not 0%.
        assert_eq!(value(&t, "rounds", date(2026, 9, 1)), None);
        assert_eq!(value(&t, "outlet_check", date(2026, 9, 1)), None);
    }
}
