//! Reports (issue 18): the 400 desk's daily, weekly and monthly figures, the 16:30 list of
//! unrepaired orders, the service station head's daily and the cleaning supervisor's daily and
//! month-end summary. Pure functions over the recorded rows; the server loads the rows, these
//! count them.
//!
//! The rules, written down once:
//! - A period is a China calendar day, a week from Friday to Thursday (the desk sends its weekly
//!   on Friday), or a China calendar month. It runs from 00:00 China time of its first day to
//!   00:00 China time of the day after its last: a call at 23:30 China time belongs to that day,
//!   not to the next UTC one.
//! - Every figure counts a recorded event whose time falls in the period: the call time, the
//!   engineer's status node times, the report's submission time. The same period always gives
//!   the same figures, whenever it is computed.
//! - A report submitted in the period counts as late when it came after its 3 days
//!   ([`WorkOrder::report_due`]).
//! - Open at a moment: called by then, and neither repaired-and-left nor resolved by phone by
//!   then. The 16:30 list is the orders open at 16:30 China time of its day.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cleaning::{Area, AreaDay, ChecklistItem, VacantRecord, VacantUnit, due_items};
use crate::complaints::{china_date, china_midnight};
use crate::findings::{Finding, FindingEvent};
use crate::patrol::{PatrolRound, RoundKind};
use crate::work_order::{StatusNode, WorkOrder};

/// Day, week (Friday to Thursday) or month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Day,
    Week,
    Month,
}

impl PeriodKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Day => "day",
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
        }
    }

    pub fn parse(s: &str) -> Option<PeriodKind> {
        [PeriodKind::Day, PeriodKind::Week, PeriodKind::Month]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A report's period: its kind and its first China date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub first: NaiveDate,
}

impl Period {
    /// The period of `kind` that holds `date`.
    pub fn containing(kind: PeriodKind, date: NaiveDate) -> Period {
        let first = match kind {
            PeriodKind::Day => date,
            PeriodKind::Week => {
                // Back to the Friday on or before the date.
                let back = (date.weekday().num_days_from_monday() + 7
                    - Weekday::Fri.num_days_from_monday())
                    % 7;
                date - Duration::days(i64::from(back))
            }
            PeriodKind::Month => date.with_day(1).expect("a month's first day"),
        };
        Period { kind, first }
    }

    /// `kind` as `day|week|month` and `date` as `YYYY-MM-DD` (any day of the period).
    pub fn parse(kind: &str, date: &str) -> Option<Period> {
        let kind = PeriodKind::parse(kind.trim())?;
        let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
        Some(Period::containing(kind, date))
    }

    /// The first day of the next period.
    fn after(self) -> NaiveDate {
        match self.kind {
            PeriodKind::Day => self.first + Duration::days(1),
            PeriodKind::Week => self.first + Duration::days(7),
            PeriodKind::Month => self.first + chrono::Months::new(1),
        }
    }

    /// The last day, inclusive.
    pub fn last(self) -> NaiveDate {
        self.after() - Duration::days(1)
    }

    pub fn next(self) -> Period {
        Period {
            kind: self.kind,
            first: self.after(),
        }
    }

    pub fn previous(self) -> Period {
        Period::containing(self.kind, self.first - Duration::days(1))
    }

    /// 00:00 China time of the first day.
    pub fn start(self) -> DateTime<Utc> {
        china_midnight(self.first)
    }

    /// 00:00 China time of the day after the last (the period runs up to, not including, it).
    pub fn end(self) -> DateTime<Utc> {
        china_midnight(self.after())
    }

    pub fn contains(self, at: DateTime<Utc>) -> bool {
        self.start() <= at && at < self.end()
    }

    pub fn days(self) -> impl Iterator<Item = NaiveDate> {
        let last = self.last();
        self.first.iter_days().take_while(move |d| *d <= last)
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            PeriodKind::Day => write!(f, "{}", self.first),
            PeriodKind::Week => write!(f, "{} – {}", self.first, self.last()),
            PeriodKind::Month => write!(f, "{}", self.first.format("%Y-%m")),
        }
    }
}

/// The 400 desk's figures for a period (and, per station, the station head's daily).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskFigures {
    /// Orders whose call was taken in the period.
    pub calls: u32,
    /// Of those, machines down (停机).
    pub calls_machine_down: u32,
    /// Engineers sent out: departures reported in the period (派工出发).
    pub dispatches: u32,
    /// Arrivals on site reported in the period.
    pub arrivals: u32,
    /// Repaired and left, reported in the period.
    pub repaired: u32,
    /// Resolved by phone in the period.
    pub resolved_by_phone: u32,
    /// Service reports submitted in the period.
    pub reports_submitted: u32,
    /// Of those, submitted after their 3 days.
    pub reports_late: u32,
    /// Orders still open at the period's end.
    pub open_at_end: u32,
    /// Of those, machines down.
    pub machines_down_at_end: u32,
}

/// When a node was reached, if it was by `at`.
fn reached_by(o: &WorkOrder, node: StatusNode, at: DateTime<Utc>) -> bool {
    o.reached_at(node).is_some_and(|t| t < at)
}

/// Called by `at` and neither repaired-and-left nor resolved by phone by then.
pub fn open_at(o: &WorkOrder, at: DateTime<Utc>) -> bool {
    o.called_at < at
        && !reached_by(o, StatusNode::RepairedLeft, at)
        && !reached_by(o, StatusNode::ResolvedByPhone, at)
}

/// The desk's figures for `period` over `orders` (any orders; the period's are picked here).
pub fn desk_figures<'a>(
    period: Period,
    orders: impl IntoIterator<Item = &'a WorkOrder>,
) -> DeskFigures {
    let mut f = DeskFigures::default();
    let within = |t: Option<DateTime<Utc>>| t.is_some_and(|t| period.contains(t));
    let end = period.end();
    for o in orders {
        if period.contains(o.called_at) {
            f.calls += 1;
            f.calls_machine_down += u32::from(o.machine_down);
        }
        f.dispatches += u32::from(within(o.reached_at(StatusNode::Departed)));
        f.arrivals += u32::from(within(o.reached_at(StatusNode::Arrived)));
        f.repaired += u32::from(within(o.reached_at(StatusNode::RepairedLeft)));
        f.resolved_by_phone += u32::from(within(o.reached_at(StatusNode::ResolvedByPhone)));
        if let Some(at) = o.report.submitted_at.filter(|at| period.contains(*at)) {
            f.reports_submitted += 1;
            f.reports_late += u32::from(o.report_due().is_some_and(|due| at > due));
        }
        if open_at(o, end) {
            f.open_at_end += 1;
            f.machines_down_at_end += u32::from(o.machine_down);
        }
    }
    f
}

/// One station's figures (the station head's daily): its orders' desk figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationFigures {
    /// The station (the service supervisor's team); empty for orders with none.
    pub station: String,
    pub figures: DeskFigures,
}

/// The desk figures of each station in `stations` (every station that has orders when empty),
/// in name order.
pub fn station_figures(
    period: Period,
    orders: &[WorkOrder],
    stations: &[String],
) -> Vec<StationFigures> {
    let mut names: Vec<String> = stations.to_vec();
    if names.is_empty() {
        names = orders
            .iter()
            .map(|o| o.station.clone().unwrap_or_default())
            .collect();
    }
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|station| {
            let figures = desk_figures(
                period,
                orders
                    .iter()
                    .filter(|o| o.station.as_deref().unwrap_or_default() == station),
            );
            StationFigures { station, figures }
        })
        .collect()
}

/// 16:30 China time of `date`: when the desk sends the list of unrepaired orders.
pub fn unrepaired_cutoff(date: NaiveDate) -> DateTime<Utc> {
    china_midnight(date) + Duration::hours(16) + Duration::minutes(30)
}

/// One open order on the 16:30 list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnrepairedRow {
    pub work_order_id: Uuid,
    pub ticket: String,
    pub customer: String,
    pub station: Option<String>,
    pub engineer: String,
    pub engineer_name: String,
    pub called_at: DateTime<Utc>,
    /// Whole hours from the call to the list's time.
    pub age_hours: i64,
    pub machine_down: bool,
    /// Where it stood at the list's time.
    pub status: StatusNode,
    /// The desk's reason, as it was at the list's time.
    pub reason: Option<String>,
}

/// Every order open at `at`, machines down first, then the oldest call first.
pub fn unrepaired(orders: &[WorkOrder], at: DateTime<Utc>) -> Vec<UnrepairedRow> {
    let mut rows: Vec<UnrepairedRow> = orders
        .iter()
        .filter(|o| open_at(o, at))
        .map(|o| UnrepairedRow {
            work_order_id: o.id,
            ticket: o.ticket.clone(),
            customer: o.customer.clone(),
            station: o.station.clone(),
            engineer: o.assignee.clone(),
            engineer_name: o.assignee_name.clone(),
            called_at: o.called_at,
            age_hours: (at - o.called_at).num_hours(),
            machine_down: o.machine_down,
            status: o
                .history
                .iter()
                .filter(|e| e.at < at)
                .map(|e| e.node)
                .next_back()
                .unwrap_or(StatusNode::Dispatched),
            reason: o
                .unrepaired_reason
                .as_ref()
                .filter(|r| r.at <= at)
                .map(|r| r.text.clone()),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.machine_down
            .cmp(&a.machine_down)
            .then(a.called_at.cmp(&b.called_at))
            .then(a.ticket.cmp(&b.ticket))
    });
    rows
}

/// One area's checklist over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaLine {
    pub area_id: Uuid,
    pub area: String,
    /// The cleaner responsible (or who finished it, when none is named).
    pub cleaner: String,
    /// Items due over the period's days, and how many carried a mark.
    pub due: u32,
    pub done: u32,
    /// Days the area's list was finished.
    pub finished_days: u32,
}

/// One cleaner's checklists over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanerLine {
    pub cleaner: String,
    pub due: u32,
    pub done: u32,
}

/// The cleaning supervisor's report of a team: the daily (a day) or the summary (a month).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleaningFigures {
    /// The daily rounds due (three a day) and done; missed = due − done.
    pub rounds_due: u32,
    pub rounds_done: u32,
    pub rounds_missed: u32,
    /// Monthly outlet checks done in the period.
    pub outlet_checks: u32,
    pub areas: Vec<AreaLine>,
    pub cleaners: Vec<CleanerLine>,
    /// All checklist items due and marked (the completion is done / due).
    pub items_due: u32,
    pub items_done: u32,
    /// Findings reported in the period, and confirmed closed in it.
    pub findings_opened: u32,
    pub findings_closed: u32,
    /// Vacant-unit cleaning records made in the period.
    pub vacant_cleaned: u32,
    /// Vacant units whose monthly cleaning was overdue on the period's last day.
    pub vacant_overdue: u32,
}

/// The team's cleaning figures for `period`, from its areas, their items, the areas' days,
/// the supervisor's rounds, the findings, the vacant units and their records (all the team's;
/// the period's are picked here).
#[allow(clippy::too_many_arguments)]
pub fn cleaning_figures(
    period: Period,
    areas: &[Area],
    items: &[ChecklistItem],
    days: &[AreaDay],
    rounds: &[PatrolRound],
    findings: &[Finding],
    units: &[VacantUnit],
    records: &[VacantRecord],
) -> CleaningFigures {
    let mut f = CleaningFigures::default();
    let in_days = |d: NaiveDate| period.first <= d && d <= period.last();
    let n_days = period.days().count() as u32;
    f.rounds_due = 3 * n_days;
    f.rounds_done = rounds
        .iter()
        .filter(|r| r.stands() && RoundKind::DAILY.contains(&r.kind) && in_days(r.date))
        .map(|r| (r.kind, r.date))
        .collect::<std::collections::BTreeSet<_>>()
        .len() as u32;
    f.rounds_missed = f.rounds_due.saturating_sub(f.rounds_done);
    f.outlet_checks = rounds
        .iter()
        .filter(|r| r.stands() && r.kind == RoundKind::MonthlyOutlets && in_days(r.date))
        .count() as u32;

    let mut cleaners: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for area in areas {
        let mut line = AreaLine {
            area_id: area.id,
            area: area.name.clone(),
            cleaner: area.cleaner.clone().unwrap_or_default(),
            due: 0,
            done: 0,
            finished_days: 0,
        };
        for date in period.days() {
            let due = due_items(items, area.id, date);
            let day = days.iter().find(|d| d.area_id == area.id && d.date == date);
            line.due += due.len() as u32;
            if let Some(day) = day {
                line.done += day.done_of(&due) as u32;
                if day.finished_at.is_some() {
                    line.finished_days += 1;
                    if line.cleaner.is_empty() {
                        line.cleaner = day.finished_by.clone().unwrap_or_default();
                    }
                }
            }
        }
        if line.due == 0 && line.done == 0 {
            continue;
        }
        f.items_due += line.due;
        f.items_done += line.done;
        let c = cleaners.entry(line.cleaner.clone()).or_default();
        c.0 += line.due;
        c.1 += line.done;
        f.areas.push(line);
    }
    f.cleaners = cleaners
        .into_iter()
        .map(|(cleaner, (due, done))| CleanerLine { cleaner, due, done })
        .collect();

    f.findings_opened = findings
        .iter()
        .filter(|x| period.contains(x.reported_at))
        .count() as u32;
    f.findings_closed = findings
        .iter()
        .filter(|x| {
            x.history
                .iter()
                .any(|s| s.event == FindingEvent::Confirmed && period.contains(s.at))
        })
        .count() as u32;

    // Cleanings, not records: two records of one unit and day (a conflict, settled or not)
    // are one cleaning, and a record set aside is none.
    f.vacant_cleaned = records
        .iter()
        .filter(|r| r.stands() && period.contains(r.ended_at))
        .map(|r| (r.unit_id, china_date(r.ended_at)))
        .collect::<std::collections::BTreeSet<_>>()
        .len() as u32;
    let last = period.last();
    f.vacant_overdue = units
        .iter()
        .filter(|u| overdue_on(u, records, last))
        .count() as u32;
    f
}

/// Whether `unit` was vacant and its monthly cleaning overdue on `day`, judged from the
/// cleaning records made by then (`records` may hold any units' records).
pub fn overdue_on(unit: &VacantUnit, records: &[VacantRecord], day: NaiveDate) -> bool {
    if unit.vacant_since > day || !unit.is_vacant_on(day) {
        return false;
    }
    // The last cleaning by that day: from the records, or the unit's own date (an imported one
    // has no records) when that is not after the day.
    let cleaned = records
        .iter()
        .filter(|r| r.unit_id == unit.id)
        .map(|r| china_date(r.ended_at))
        .chain(unit.last_cleaned)
        .filter(|d| *d <= day)
        .max();
    let unit = VacantUnit {
        last_cleaned: cleaned,
        ..unit.clone()
    };
    unit.due_date() < day
}

/// `GET /api/reports/desk?period=&date=`: the 400 desk's figures, in all and per station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskReport {
    pub period: Period,
    pub total: DeskFigures,
    pub stations: Vec<StationFigures>,
}

/// `GET /api/reports/stations?period=&date=`: the station heads' daily (or a longer period),
/// each station the reader may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationReport {
    pub period: Period,
    pub stations: Vec<StationFigures>,
}

/// `GET /api/reports/unrepaired?date=`: the 16:30 list of a day (today's: as of now when
/// asked before 16:30).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnrepairedReport {
    pub date: NaiveDate,
    pub at: DateTime<Utc>,
    pub rows: Vec<UnrepairedRow>,
}

/// One cleaning team's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamCleaning {
    pub team: String,
    pub figures: CleaningFigures,
}

/// `GET /api/reports/cleaning?period=&date=`: the supervisor's daily (a day) or month-end
/// summary (a month), each team the reader may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleaningReport {
    pub period: Period,
    pub teams: Vec<TeamCleaning>,
}

/// A percentage to one decimal, or None when nothing was due.
pub fn percent(done: u32, due: u32) -> Option<f64> {
    (due > 0).then(|| (f64::from(done) * 1000.0 / f64::from(due)).round() / 10.0)
}

/// The reports worked out by hand from a small fixed data set around Sunday 6 December 2026
/// (China time; the week of Friday 4 to Thursday 10 December).
#[cfg(test)]
mod worked {
    use super::*;
    use crate::desk::{Person, Stamped};
    use crate::dispatch::tests::{at, order, reach};
    use crate::work_order::StatusNode::*;
    use serde_json::json;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_are_china_days_friday_weeks_and_months() {
        let day = Period::parse("day", "2026-12-06").unwrap();
        // 23:30 China time on the 6th is the 6th's, though it is 15:30 UTC.
        assert!(day.contains(at("2026-12-06T15:30:00Z")));
        assert!(!day.next().contains(at("2026-12-06T15:30:00Z")));
        // 00:00 China time on the 7th is the 7th's.
        assert!(!day.contains(at("2026-12-06T16:00:00Z")));
        assert!(day.contains(at("2026-12-05T16:00:00Z")));
        assert_eq!(day.start(), at("2026-12-05T16:00:00Z"));
        assert_eq!(day.end(), at("2026-12-06T16:00:00Z"));

        // Friday to Thursday: Monday the 7th is in the week of Friday the 4th.
        let week = Period::parse("week", "2026-12-07").unwrap();
        assert_eq!(week.first, d("2026-12-04"));
        assert_eq!(week.last(), d("2026-12-10"));
        assert_eq!(Period::parse("week", "2026-12-04").unwrap(), week);
        assert_eq!(Period::parse("week", "2026-12-10").unwrap(), week);
        assert_eq!(Period::parse("week", "2026-12-11").unwrap(), week.next());
        assert_eq!(week.previous().first, d("2026-11-27"));
        assert_eq!(week.to_string(), "2026-12-04 – 2026-12-10");
        assert_eq!(week.days().count(), 7);

        let month = Period::parse("month", "2026-12-31").unwrap();
        assert_eq!(month.first, d("2026-12-01"));
        assert_eq!(month.last(), d("2026-12-31"));
        assert_eq!(month.next().first, d("2027-01-01"));
        assert_eq!(month.previous().first, d("2026-11-01"));
        assert_eq!(month.previous().last(), d("2026-11-30"));
        assert_eq!(month.to_string(), "2026-12");
        // A call at 23:30 on 30 November (China) is November's.
        assert!(month.previous().contains(at("2026-11-30T15:30:00Z")));
        assert!(month.contains(at("2026-11-30T16:00:00Z")));

        for (kind, date) in [
            ("year", "2026-12-06"),
            ("day", "2026-13-01"),
            ("day", "06/12/2026"),
            ("week", ""),
        ] {
            assert_eq!(Period::parse(kind, date), None, "{kind} {date}");
        }
    }

    fn stamped(text: &str, when: &str) -> Stamped {
        Stamped {
            text: text.into(),
            by: Person {
                username: "dispatcher1".into(),
                name: String::new(),
            },
            at: at(when),
        }
    }

    /// P, Q, R, S, T, U, V: see each one's note.
    fn orders() -> Vec<WorkOrder> {
        let named = |ticket: &str, called: &str, station: Option<&str>| {
            let mut o = order("S-1", called);
            o.ticket = ticket.into();
            o.station = station.map(str::to_string);
            o
        };
        // P: a machine down called at 23:30 on the 6th (China); on site at 01:00 on the 7th.
        let mut p = named("P", "2026-12-06T15:30:00Z", Some("青岛站"));
        p.machine_down = true;
        reach(&mut p, Departed, "2026-12-06T15:45:00Z");
        reach(&mut p, Arrived, "2026-12-06T17:00:00Z");
        // Q: called at 23:59 on the 5th; out, on site and repaired on the 6th, its report sent
        // the same day (on time).
        let mut q = named("Q", "2026-12-05T15:59:00Z", Some("济南站"));
        reach(&mut q, Departed, "2026-12-06T00:00:00Z");
        reach(&mut q, Arrived, "2026-12-06T02:00:00Z");
        reach(&mut q, RepairedLeft, "2026-12-06T05:00:00Z");
        q.report.submitted_at = Some(at("2026-12-06T08:00:00Z"));
        // R: repaired on 2 December; its report came on the 6th, past its 3 days.
        let mut r = named("R", "2026-12-01T02:00:00Z", Some("济南站"));
        reach(&mut r, Departed, "2026-12-01T03:00:00Z");
        reach(&mut r, Arrived, "2026-12-01T05:00:00Z");
        reach(&mut r, RepairedLeft, "2026-12-02T06:00:00Z");
        r.report.submitted_at = Some(at("2026-12-06T03:00:00Z"));
        // S: called at 09:00 on the 6th, resolved by phone at 10:00.
        let mut s = named("S", "2026-12-06T01:00:00Z", Some("青岛站"));
        reach(&mut s, ResolvedByPhone, "2026-12-06T02:00:00Z");
        // T: called at 00:00 on the 7th (China): the 7th's.
        let t = named("T", "2026-12-06T16:00:00Z", None);
        // U: a machine down since 20 November, waiting for parts (reason given on the 3rd).
        let mut u = named("U", "2026-11-20T02:00:00Z", Some("青岛站"));
        u.machine_down = true;
        u.unrepaired_reason = Some(stamped("等配件", "2026-12-03T02:00:00Z"));
        // V: called at 12:00 on the 6th, the engineer out at 13:00; its reason came at 17:00,
        // after the 16:30 list.
        let mut v = named("V", "2026-12-06T04:00:00Z", Some("青岛站"));
        reach(&mut v, Departed, "2026-12-06T05:00:00Z");
        v.unrepaired_reason = Some(stamped("客户不在", "2026-12-06T09:00:00Z"));
        vec![p, q, r, s, t, u, v]
    }

    #[test]
    fn the_desk_s_sunday_week_and_november_by_hand() {
        let orders = orders();
        let day = Period::parse("day", "2026-12-06").unwrap();
        assert_eq!(
            desk_figures(day, &orders),
            DeskFigures {
                calls: 3,                // P (23:30), S, V; not Q (the 5th) nor T (the 7th)
                calls_machine_down: 1,   // P
                dispatches: 3,           // P, Q, V
                arrivals: 1,             // Q; P arrived on the 7th
                repaired: 1,             // Q
                resolved_by_phone: 1,    // S
                reports_submitted: 2,    // Q, R
                reports_late: 1,         // R
                open_at_end: 3,          // P, U, V; T was called at the very end
                machines_down_at_end: 2, // P, U
            }
        );
        let week = Period::parse("week", "2026-12-06").unwrap();
        assert_eq!(
            desk_figures(week, &orders),
            DeskFigures {
                calls: 5, // P, Q, S, T, V
                calls_machine_down: 1,
                dispatches: 3,
                arrivals: 2, // Q, P
                repaired: 1,
                resolved_by_phone: 1,
                reports_submitted: 2,
                reports_late: 1,
                open_at_end: 4, // P, T, U, V
                machines_down_at_end: 2,
            }
        );
        let november = Period::parse("month", "2026-11-15").unwrap();
        let nov = desk_figures(november, &orders);
        assert_eq!(
            (nov.calls, nov.calls_machine_down, nov.open_at_end),
            (1, 1, 1),
            "U"
        );
        assert_eq!(nov.reports_submitted + nov.dispatches + nov.arrivals, 0);

        // The same period gives the same figures whatever else was recorded after it.
        let mut later = orders.clone();
        reach(&mut later[0], RepairedLeft, "2026-12-07T04:00:00Z");
        later[0].report.submitted_at = Some(at("2026-12-07T05:00:00Z"));
        assert_eq!(desk_figures(day, &later), desk_figures(day, &orders));
    }

    #[test]
    fn the_station_heads_sunday_by_hand() {
        let orders = orders();
        let day = Period::parse("day", "2026-12-06").unwrap();
        let stations = station_figures(day, &orders, &["青岛站".into(), "济南站".into()]);
        let names: Vec<&str> = stations.iter().map(|s| s.station.as_str()).collect();
        assert_eq!(names, ["济南站", "青岛站"]);
        let jinan = &stations[0].figures;
        assert_eq!(
            (
                jinan.calls,
                jinan.dispatches,
                jinan.arrivals,
                jinan.repaired
            ),
            (0, 1, 1, 1),
            "Q"
        );
        assert_eq!(
            (
                jinan.reports_submitted,
                jinan.reports_late,
                jinan.open_at_end
            ),
            (2, 1, 0)
        );
        let qingdao = &stations[1].figures;
        assert_eq!(
            (qingdao.calls, qingdao.calls_machine_down),
            (3, 1),
            "P, S, V"
        );
        assert_eq!(
            (qingdao.dispatches, qingdao.resolved_by_phone),
            (2, 1),
            "P, V; S"
        );
        assert_eq!(
            (qingdao.open_at_end, qingdao.machines_down_at_end),
            (3, 2),
            "P, U, V"
        );
    }

    #[test]
    fn the_16_30_list_of_sunday_by_hand() {
        let orders = orders();
        let cutoff = unrepaired_cutoff(d("2026-12-06"));
        assert_eq!(cutoff, at("2026-12-06T08:30:00Z"));
        let rows = unrepaired(&orders, cutoff);
        let got: Vec<(&str, i64, StatusNode, Option<&str>)> = rows
            .iter()
            .map(|r| {
                (
                    r.ticket.as_str(),
                    r.age_hours,
                    r.status,
                    r.reason.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                // The machine down first: 16 days and 6.5 hours old.
                ("U", 16 * 24 + 6, Dispatched, Some("等配件")),
                // Its reason came after 16:30.
                ("V", 4, Departed, None),
            ]
        );
        assert_eq!(rows[0].work_order_id, orders[5].id);
    }

    fn area(n: u128, name: &str, cleaner: Option<&str>) -> Area {
        serde_json::from_value(json!({
            "id": Uuid::from_u128(n), "team": "一组", "name": name, "kind": "lobby",
            "cleaner": cleaner
        }))
        .unwrap()
    }

    fn item(n: u128, area: u128, schedule: serde_json::Value) -> ChecklistItem {
        serde_json::from_value(json!({
            "id": Uuid::from_u128(n), "area_id": Uuid::from_u128(area), "label": "擦", "schedule": schedule
        }))
        .unwrap()
    }

    fn area_day(area: u128, date: &str, marked: &[u128], finished_by: Option<&str>) -> AreaDay {
        let marks: serde_json::Map<String, serde_json::Value> = marked
            .iter()
            .map(|i| {
                (
                    Uuid::from_u128(*i).to_string(),
                    json!({"mark": "done", "by": "x", "at": "2026-12-06T01:00:00Z"}),
                )
            })
            .collect();
        serde_json::from_value(json!({
            "area_id": Uuid::from_u128(area), "date": date, "marks": marks,
            "finished_at": finished_by.map(|_| "2026-12-06T02:00:00Z"), "finished_by": finished_by
        }))
        .unwrap()
    }

    fn round(kind: &str, date: &str) -> PatrolRound {
        serde_json::from_value(json!({
            "id": Uuid::new_v4(), "team": "一组", "kind": kind, "date": date,
            "supervisor": "supervisor1", "started_at": "2026-12-06T01:00:00Z",
            "ended_at": "2026-12-06T01:30:00Z",
            "areas": [{"area_id": Uuid::from_u128(1), "result": "pass"}]
        }))
        .unwrap()
    }

    fn finding(reported: &str, confirmed: Option<&str>) -> Finding {
        let mut history = vec![json!({"event": "reported", "by": "cleaner1", "at": reported})];
        if let Some(c) = confirmed {
            history.push(json!({"event": "confirmed", "by": "supervisor1", "at": c}));
        }
        serde_json::from_value(json!({
            "id": Uuid::new_v4(), "team": "一组", "source": "spotted", "problem": "damaged",
            "reported_by": "cleaner1", "reported_at": reported,
            "state": if confirmed.is_some() { "confirmed" } else { "open" }, "history": history
        }))
        .unwrap()
    }

    fn unit(n: u128, since: &str, let_on: Option<&str>, last: Option<&str>) -> VacantUnit {
        serde_json::from_value(json!({
            "id": Uuid::from_u128(n), "team": "一组", "name": format!("1栋 {n}"),
            "responsible": "cleaner1", "vacant_since": since, "let_on": let_on, "last_cleaned": last
        }))
        .unwrap()
    }

    fn record(unit: u128, ended: &str) -> VacantRecord {
        serde_json::from_value(json!({
            "id": Uuid::new_v4(), "unit_id": Uuid::from_u128(unit), "cleaner": "cleaner1",
            "started_at": ended, "ended_at": ended, "checks": [], "photos": []
        }))
        .unwrap()
    }

    #[test]
    fn the_cleaning_supervisor_s_sunday_by_hand() {
        // 大堂 (cleaner1): two daily items and a Sunday one; 电梯 (cleaner2): a daily item and a
        // Monday one; 天台: no one named, cleaner3 finished it.
        let areas = [
            area(1, "大堂", Some("cleaner1")),
            area(2, "电梯", Some("cleaner2")),
            area(3, "天台", None),
        ];
        let items = [
            item(11, 1, json!("daily")),
            item(12, 1, json!("daily")),
            item(13, 1, json!({"weekly": {"weekday": 7}})),
            item(21, 2, json!("daily")),
            item(22, 2, json!({"weekly": {"weekday": 1}})),
            item(31, 3, json!("daily")),
        ];
        let days = [
            area_day(1, "2026-12-06", &[11, 13], None),
            area_day(1, "2026-12-05", &[11, 12], Some("cleaner1")),
            area_day(2, "2026-12-06", &[21], Some("cleaner2")),
            area_day(3, "2026-12-06", &[31], Some("cleaner3")),
        ];
        // Morning and last rounds on the 6th (the morning one twice counts once); the
        // afternoon round was on the 5th; the outlets were checked on the 6th.
        let rounds = [
            round("morning", "2026-12-06"),
            round("morning", "2026-12-06"),
            round("last_round", "2026-12-06"),
            round("afternoon", "2026-12-05"),
            round("monthly_outlets", "2026-12-06"),
        ];
        // Reported at 10:00 and confirmed at 14:00 on the 6th; reported at 23:30 on the 5th and
        // confirmed at 00:30 on the 7th; reported at 23:30 on the 6th.
        let findings = [
            finding("2026-12-06T02:00:00Z", Some("2026-12-06T06:00:00Z")),
            finding("2026-12-05T15:30:00Z", Some("2026-12-06T16:30:00Z")),
            finding("2026-12-06T15:30:00Z", None),
        ];
        // 101: cleaned 10 November, due 10 December. 102: cleaned 1 November, overdue since 1
        // December (its cleaning on the 7th is after the day; the unit's own last_cleaned, today's
        // state, is not what counts). 103: cleaned on the 6th. 104: let. 105: vacant later.
        let units = [
            unit(101, "2026-10-01", None, Some("2026-11-10")),
            unit(102, "2026-09-01", None, Some("2026-12-07")),
            unit(103, "2026-08-01", None, Some("2026-12-06")),
            unit(104, "2026-08-01", Some("2026-11-15"), None),
            unit(105, "2026-12-20", None, None),
        ];
        // 103 was recorded twice on the 6th, on two phones apart: one record in conflict with
        // another that the supervisor set aside, and a third still in conflict with the first.
        // One cleaning either way.
        let mut aside = record(103, "2026-12-06T03:30:00Z");
        aside.set_aside = true;
        let records = [
            record(101, "2026-11-10T02:00:00Z"),
            record(102, "2026-11-01T02:00:00Z"),
            record(102, "2026-12-07T02:00:00Z"),
            record(103, "2026-12-06T03:00:00Z"),
            aside,
            record(103, "2026-12-06T04:00:00Z"),
        ];
        let day = Period::parse("day", "2026-12-06").unwrap();
        let f = cleaning_figures(
            day, &areas, &items, &days, &rounds, &findings, &units, &records,
        );
        assert_eq!((f.rounds_due, f.rounds_done, f.rounds_missed), (3, 2, 1));
        assert_eq!(f.outlet_checks, 1);
        let lines: Vec<(&str, &str, u32, u32, u32)> = f
            .areas
            .iter()
            .map(|a| {
                (
                    a.area.as_str(),
                    a.cleaner.as_str(),
                    a.due,
                    a.done,
                    a.finished_days,
                )
            })
            .collect();
        assert_eq!(
            lines,
            vec![
                ("大堂", "cleaner1", 3, 2, 0),
                ("电梯", "cleaner2", 1, 1, 1),
                ("天台", "cleaner3", 1, 1, 1),
            ]
        );
        let cleaners: Vec<(&str, u32, u32)> = f
            .cleaners
            .iter()
            .map(|c| (c.cleaner.as_str(), c.due, c.done))
            .collect();
        assert_eq!(
            cleaners,
            vec![("cleaner1", 3, 2), ("cleaner2", 1, 1), ("cleaner3", 1, 1)]
        );
        assert_eq!((f.items_due, f.items_done), (5, 4));
        assert_eq!(percent(f.items_done, f.items_due), Some(80.0));
        assert_eq!((f.findings_opened, f.findings_closed), (2, 1));
        assert_eq!((f.vacant_cleaned, f.vacant_overdue), (1, 1));

        // The month-end summary sums December's days the same way.
        let month = Period::parse("month", "2026-12-06").unwrap();
        let m = cleaning_figures(
            month, &areas, &items, &days, &rounds, &findings, &units, &records,
        );
        assert_eq!((m.rounds_due, m.rounds_done, m.rounds_missed), (93, 3, 90));
        // 大堂: 31 × 2 daily + 4 Sundays; done: 2 on the 6th, 2 on the 5th.
        assert_eq!((m.areas[0].due, m.areas[0].done), (62 + 4, 4));
        assert_eq!((m.findings_opened, m.findings_closed), (3, 2));
        // Cleaned: 103 on the 6th, 102 on the 7th. Overdue on the 31st: 101 (due the 10th) and
        // 105 (vacant since the 20th, never cleaned).
        assert_eq!((m.vacant_cleaned, m.vacant_overdue), (2, 2));
        assert_eq!(percent(0, 0), None);
    }
}
