//! The cleaning month (DOMAIN.md "Cleaning checklists", "Vacant units"; issue 18), per cleaner
//! and per team:
//! - Checklist completion: the items due on the month's days and marked, per area, by the
//!   area's cleaner ([`cleaning_figures`], the report's count). A day counts once it is over
//!   (China time); an area's checklist belongs to its China date, so a mark at 23:30 on the last
//!   day is that month's, one at 00:10 on the 1st the next month's.
//! - Spot checks passed: the supervisor's reviews ([`Review`]) of an area's day or a vacant-unit
//!   record made in the month: approved of reviewed. A day's list is the area's cleaner's (or
//!   whoever finished it), a record its cleaner's.
//! - Vacant units cleaned within the month: each unit the cleaner is responsible for counts as
//!   met when a cleaning record of it ended in the month, and as missed when it is still overdue
//!   on the month's last day ([`overdue_on`]; in a month not over yet, on the last day over).
//! - Findings closed on time: each finding given to the cleaner (the team's card: to its cleaners
//!   or to the cleaning department) due in the month counts once its due time has passed or it
//!   was closed; it is met when it stood fixed (or confirmed) at its due time.
//!
//! As with every card, only what is decided at `as_of` counts, so a past month computed later
//! gives the same figures: later marks fall on later days, later reviews in later months, a
//! later record does not undo an overdue day, and a finding is judged as it stood at its due
//! time. (A list's or record's review is kept as its latest: a sent-back list finished again
//! loses that review, as it does on the cleaning report.) Each miss names its area, unit, record
//! or finding.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Month;
use super::agent::Rate;
use crate::cleaning::{Area, AreaDay, ChecklistItem, Review, VacantRecord, VacantUnit, Verdict};
use crate::complaints::china_date;
use crate::findings::{Assignee, Department, Finding, FindingEvent};
use crate::reports::{AreaLine, Period, PeriodKind, cleaning_figures, overdue_on};

/// Why a cleaning figure was missed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CleaningMiss {
    /// Items of the area's checklists due in the month and left unmarked.
    Checklist {
        area_id: Uuid,
        area: String,
        missing: u32,
    },
    /// An area's list of `date` sent back at a spot check.
    ListSentBack {
        area_id: Uuid,
        area: String,
        date: NaiveDate,
    },
    /// A vacant-unit record sent back at a spot check.
    RecordSentBack {
        record_id: Uuid,
        unit_id: Uuid,
        unit: String,
    },
    /// A vacant unit not cleaned in the month and overdue at its end.
    UnitNotCleaned { unit_id: Uuid, unit: String },
    /// A finding not closed by its due time.
    LateFinding {
        finding_id: Uuid,
        place: String,
        due: DateTime<Utc>,
    },
}

impl CleaningMiss {
    /// The miss's name without its details (as its JSON tag), for readers that show only
    /// what it is (the phone).
    pub fn kind(&self) -> &'static str {
        match self {
            CleaningMiss::Checklist { .. } => "checklist",
            CleaningMiss::ListSentBack { .. } => "list_sent_back",
            CleaningMiss::RecordSentBack { .. } => "record_sent_back",
            CleaningMiss::UnitNotCleaned { .. } => "unit_not_cleaned",
            CleaningMiss::LateFinding { .. } => "late_finding",
        }
    }
}

/// A cleaner's card, or a team's (`cleaner` empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleaningScorecard {
    pub cleaner: String,
    #[serde(default)]
    pub name: String,
    pub team: String,
    pub month: Month,
    /// Checklist items marked of due.
    pub checklist: Rate,
    /// Spot checks approved of made.
    pub spot_checks: Rate,
    /// Vacant units cleaned in the month of those cleaned or overdue.
    pub vacant_units: Rate,
    /// Findings closed by their due time.
    pub findings_on_time: Rate,
    pub misses: Vec<CleaningMiss>,
}

/// A team's card and its cleaners'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamCleaningScorecard {
    pub team: String,
    pub total: CleaningScorecard,
    pub cleaners: Vec<CleaningScorecard>,
}

/// `GET /api/scorecards/cleaning?month=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleaningScorecards {
    pub month: Month,
    pub as_of: DateTime<Utc>,
    pub teams: Vec<TeamCleaningScorecard>,
}

/// What a team's cards are counted from (all of the team's; the month's are picked here). The
/// area days must reach back far enough for the month's spot checks (a review made on the 1st
/// of the last day's list).
#[derive(Debug, Clone, Copy)]
pub struct TeamCleaning<'a> {
    pub areas: &'a [Area],
    pub items: &'a [ChecklistItem],
    pub days: &'a [AreaDay],
    pub units: &'a [VacantUnit],
    pub records: &'a [VacantRecord],
    pub findings: &'a [Finding],
}

/// The card's figures, in the order of [`cleaning_rates`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Figure {
    Checklist,
    SpotCheck,
    VacantUnit,
    Finding,
}

/// One counted thing: whose it is, which figure, how much of it was met.
struct Counted {
    owner: Option<String>,
    /// Whether the team's card counts it (a finding given to someone outside the team's
    /// cleaners does not).
    team: bool,
    figure: Figure,
    met: u32,
    of: u32,
    miss: Option<CleaningMiss>,
}

/// The period's area lines over the days over at `as_of` (the whole period once it is over).
fn checklist_lines(whole: Period, t: &TeamCleaning, as_of: DateTime<Utc>) -> Vec<AreaLine> {
    let count = |period: Period| {
        cleaning_figures(period, t.areas, t.items, t.days, &[], &[], &[], &[]).areas
    };
    if whole.end() <= as_of {
        return count(whole);
    }
    let mut lines: Vec<AreaLine> = Vec::new();
    for first in whole.days() {
        let day = Period {
            kind: PeriodKind::Day,
            first,
        };
        if day.end() > as_of {
            break;
        }
        for line in count(day) {
            match lines.iter_mut().find(|l| l.area_id == line.area_id) {
                Some(l) => {
                    l.due += line.due;
                    l.done += line.done;
                    l.finished_days += line.finished_days;
                    if l.cleaner.is_empty() {
                        l.cleaner = line.cleaner;
                    }
                }
                None => lines.push(line),
            }
        }
    }
    lines
}

/// The last day whose end has passed at `as_of`, if it is in the period.
fn last_day_over(period: Period, as_of: DateTime<Utc>) -> Option<NaiveDate> {
    let over = china_date(as_of) - Duration::days(1);
    let day = over.min(period.last());
    (day >= period.first).then_some(day)
}

/// Whether the finding stood fixed (or confirmed) at `at`.
fn closed_at(f: &Finding, at: DateTime<Utc>) -> bool {
    f.history
        .iter()
        .filter(|s| s.at <= at)
        .fold(false, |closed, s| match s.event {
            FindingEvent::Fixed { .. } | FindingEvent::Confirmed => true,
            FindingEvent::Reopened { .. } | FindingEvent::Assigned { .. } => false,
            FindingEvent::Reported => closed,
        })
}

fn review_in(review: &Option<Review>, period: Period, as_of: DateTime<Utc>) -> Option<bool> {
    review
        .as_ref()
        .filter(|r| period.contains(r.at) && r.at <= as_of)
        .map(|r| r.verdict == Verdict::Approved)
}

/// Everything the team's cards count in `month` (or a week: the trend's), at `as_of`.
fn counted(
    cleaners: &[String],
    month: Period,
    t: &TeamCleaning,
    as_of: DateTime<Utc>,
) -> Vec<Counted> {
    let mut out = Vec::new();
    let one = |owner: Option<String>, team: bool, figure: Figure, met: bool, miss| Counted {
        owner,
        team,
        figure,
        met: u32::from(met),
        of: 1,
        miss: if met { None } else { Some(miss) },
    };

    for line in checklist_lines(month, t, as_of) {
        let missing = line.due.saturating_sub(line.done);
        out.push(Counted {
            owner: Some(line.cleaner.clone()).filter(|c| !c.is_empty()),
            team: true,
            figure: Figure::Checklist,
            met: line.done,
            of: line.due,
            miss: (missing > 0).then(|| CleaningMiss::Checklist {
                area_id: line.area_id,
                area: line.area.clone(),
                missing,
            }),
        });
    }

    for day in t.days {
        let Some(passed) = review_in(&day.review, month, as_of) else {
            continue;
        };
        let area = t.areas.iter().find(|a| a.id == day.area_id);
        let owner = area
            .and_then(|a| a.cleaner.clone())
            .or_else(|| day.finished_by.clone())
            .or_else(|| day.marks.values().next().map(|m| m.by.clone()));
        let miss = CleaningMiss::ListSentBack {
            area_id: day.area_id,
            area: area.map(|a| a.name.clone()).unwrap_or_default(),
            date: day.date,
        };
        out.push(one(owner, true, Figure::SpotCheck, passed, miss));
    }
    let unit_name = |id: Uuid| {
        t.units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    for r in t.records.iter().filter(|r| r.stands()) {
        let Some(passed) = review_in(&r.review, month, as_of) else {
            continue;
        };
        let miss = CleaningMiss::RecordSentBack {
            record_id: r.id,
            unit_id: r.unit_id,
            unit: unit_name(r.unit_id),
        };
        out.push(one(
            Some(r.cleaner.clone()),
            true,
            Figure::SpotCheck,
            passed,
            miss,
        ));
    }

    let judged_on = last_day_over(month, as_of);
    for u in t.units {
        let cleaned = t
            .records
            .iter()
            .any(|r| r.unit_id == u.id && month.contains(r.ended_at) && r.ended_at <= as_of);
        let overdue = || judged_on.is_some_and(|day| overdue_on(u, t.records, day));
        if cleaned || overdue() {
            let miss = CleaningMiss::UnitNotCleaned {
                unit_id: u.id,
                unit: u.name.clone(),
            };
            out.push(one(
                Some(u.responsible.clone()),
                true,
                Figure::VacantUnit,
                cleaned,
                miss,
            ));
        }
    }

    for f in t.findings {
        let (owner, team) = match &f.assignee {
            Some(Assignee::Person { username }) => {
                (Some(username.clone()), cleaners.contains(username))
            }
            Some(Assignee::Department {
                department: Department::Cleaning,
            }) => (None, true),
            _ => continue,
        };
        let Some(due) = f.due.filter(|due| month.contains(*due)) else {
            continue;
        };
        let met = if due <= as_of {
            closed_at(f, due)
        } else if closed_at(f, as_of) {
            true
        } else {
            continue;
        };
        let place = match f.area_id.and_then(|id| t.areas.iter().find(|a| a.id == id)) {
            Some(a) if f.place.is_empty() => a.name.clone(),
            _ => f.place.clone(),
        };
        let miss = CleaningMiss::LateFinding {
            finding_id: f.id,
            place,
            due,
        };
        out.push(one(owner, team, Figure::Finding, met, miss));
    }
    out
}

fn card<'a>(
    cleaner: &str,
    team: &str,
    month: Month,
    counted: impl Iterator<Item = &'a Counted>,
) -> CleaningScorecard {
    let mut card = CleaningScorecard {
        cleaner: cleaner.to_string(),
        name: String::new(),
        team: team.to_string(),
        month,
        checklist: Rate::default(),
        spot_checks: Rate::default(),
        vacant_units: Rate::default(),
        findings_on_time: Rate::default(),
        misses: Vec::new(),
    };
    for c in counted {
        let rate = match c.figure {
            Figure::Checklist => &mut card.checklist,
            Figure::SpotCheck => &mut card.spot_checks,
            Figure::VacantUnit => &mut card.vacant_units,
            Figure::Finding => &mut card.findings_on_time,
        };
        rate.met += c.met;
        rate.of += c.of;
        card.misses.extend(c.miss.clone());
    }
    card
}

/// The team's card and one per cleaner of `cleaners` (usernames, in the order given), for
/// `month` at `as_of`.
pub fn cleaning_scorecards(
    team: &str,
    cleaners: &[String],
    month: Month,
    records: &TeamCleaning,
    as_of: DateTime<Utc>,
) -> TeamCleaningScorecard {
    let all = counted(cleaners, month.period(), records, as_of);
    TeamCleaningScorecard {
        team: team.to_string(),
        total: card("", team, month, all.iter().filter(|c| c.team)),
        cleaners: cleaners
            .iter()
            .map(|who| {
                let mine = all.iter().filter(|c| c.owner.as_deref() == Some(who));
                card(who, team, month, mine)
            })
            .collect(),
    }
}

/// The four rates of the team's card (`who`: `None`) or of one of its cleaners in `period`,
/// at `as_of`, by the card's own rules (the trend's value of a period, [`super::trend`]).
pub fn cleaning_rates(
    cleaners: &[String],
    period: Period,
    records: &TeamCleaning,
    as_of: DateTime<Utc>,
    who: Option<&str>,
) -> [Rate; 4] {
    let mut rates = [Rate::default(); 4];
    for c in counted(cleaners, period, records, as_of) {
        let counts = match who {
            None => c.team,
            Some(w) => c.owner.as_deref() == Some(w),
        };
        if counts {
            let r = &mut rates[c.figure as usize];
            r.met += c.met;
            r.of += c.of;
        }
    }
    rates
}

/// Team-a's November, worked out by hand (China time is UTC+8: 23:30 on 30 November is
/// 15:30Z that day, 00:10 on 1 December is 16:10Z on 30 November).
#[cfg(test)]
mod worked {
    use super::*;
    use serde_json::{Value, json};

    const NOV: Month = Month {
        year: 2026,
        month: 11,
    };
    const LOBBY: u128 = 1;
    const LIFT: u128 = 2;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn area(n: u128, name: &str, cleaner: &str) -> Area {
        serde_json::from_value(json!({
            "id": id(n), "team": "team-a", "name": name, "kind": "lobby", "cleaner": cleaner
        }))
        .unwrap()
    }

    /// Each area has one daily item, numbered 10 × the area's.
    fn item(area: u128) -> ChecklistItem {
        serde_json::from_value(json!({
            "id": id(10 * area), "area_id": id(area), "label": "擦", "schedule": "daily"
        }))
        .unwrap()
    }

    /// The area's item marked done at `when`, on the list of that China date.
    fn ticked(area: u128, when: &str, by: &str) -> AreaDay {
        let marked = at(when);
        serde_json::from_value(json!({
            "area_id": id(area), "date": china_date(marked),
            "marks": { id(10 * area).to_string(): {"mark": "done", "by": by, "at": marked} },
            "finished_at": marked, "finished_by": by
        }))
        .unwrap()
    }

    fn approved(when: &str) -> Value {
        json!({"verdict": "approved", "by": "supervisor1", "at": when})
    }

    fn sent_back(when: &str) -> Value {
        json!({"verdict": {"sent_back": {"reason": "不干净"}}, "by": "supervisor1", "at": when})
    }

    fn reviewed(mut day: AreaDay, review: Value) -> AreaDay {
        day.review = Some(serde_json::from_value(review).unwrap());
        day
    }

    fn unit(n: u128, responsible: &str, last: &str, let_on: Option<&str>) -> VacantUnit {
        serde_json::from_value(json!({
            "id": id(n), "team": "team-a", "name": format!("1栋 {n}"), "responsible": responsible,
            "vacant_since": "2026-06-01", "last_cleaned": last, "let_on": let_on
        }))
        .unwrap()
    }

    fn record(n: u128, unit: u128, by: &str, ended: &str, review: Option<Value>) -> VacantRecord {
        serde_json::from_value(json!({
            "id": id(n), "unit_id": id(unit), "cleaner": by, "started_at": ended,
            "ended_at": ended, "checks": [], "photos": [], "review": review
        }))
        .unwrap()
    }

    /// A finding given to `to` due at `due`, with later steps (event, at).
    fn finding(n: u128, to: Value, due: &str, steps: &[(Value, &str)]) -> Finding {
        let mut history = vec![
            json!({"event": "reported", "by": "supervisor1", "at": "2026-11-01T01:00:00Z"}),
            json!({"event": {"assigned": {"to": to, "due": due}}, "by": "supervisor1",
                   "at": "2026-11-01T01:05:00Z"}),
        ];
        for (event, when) in steps {
            history.push(json!({"event": event, "by": "x", "at": when}));
        }
        serde_json::from_value(json!({
            "id": id(n), "team": "team-a", "area_id": id(LOBBY), "source": "spotted",
            "problem": "damaged", "reported_by": "supervisor1",
            "reported_at": "2026-11-01T01:00:00Z", "state": "assigned", "assignee": to,
            "due": due, "history": history
        }))
        .unwrap()
    }

    fn person(who: &str) -> Value {
        json!({"person": {"username": who}})
    }

    fn fixed() -> Value {
        json!({"fixed": {"note": ""}})
    }

    struct Data {
        areas: Vec<Area>,
        items: Vec<ChecklistItem>,
        days: Vec<AreaDay>,
        units: Vec<VacantUnit>,
        records: Vec<VacantRecord>,
        findings: Vec<Finding>,
    }

    impl Data {
        fn team(&self) -> TeamCleaning<'_> {
            TeamCleaning {
                areas: &self.areas,
                items: &self.items,
                days: &self.days,
                units: &self.units,
                records: &self.records,
                findings: &self.findings,
            }
        }
    }

    fn november() -> Data {
        // 大堂 (cleaner1) and 电梯 (cleaner2), one daily item each: 30 due in November.
        let areas = vec![
            area(LOBBY, "大堂", "cleaner1"),
            area(LIFT, "电梯", "cleaner2"),
        ];
        let items = vec![item(LOBBY), item(LIFT)];
        let mut days = Vec::new();
        // 大堂 ticked at 10:00 every day but the 3rd, and on the 30th only at 23:30: 29 of 30.
        for d in (1..=29).filter(|d| *d != 3) {
            days.push(ticked(
                LOBBY,
                &format!("2026-11-{d:02}T02:00:00Z"),
                "cleaner1",
            ));
        }
        days.push(ticked(LOBBY, "2026-11-30T15:30:00Z", "cleaner1"));
        // 00:10 on 1 December: December's list, though it is still 30 November in UTC.
        days.push(ticked(LOBBY, "2026-11-30T16:10:00Z", "cleaner1"));
        // 电梯 ticked on the 1st to the 10th only: 10 of 30.
        for d in 1..=10 {
            days.push(ticked(
                LIFT,
                &format!("2026-11-{d:02}T02:00:00Z"),
                "cleaner2",
            ));
        }
        // Spot checks: 大堂 of the 5th approved that day, of the 12th sent back that day, of the
        // 30th approved at 23:30 (November's); 电梯 of the 8th approved; 大堂's list of 1
        // December approved at 00:20 that day (December's).
        for (list, review) in [
            (3, approved("2026-11-05T03:00:00Z")),
            (10, sent_back("2026-11-12T03:00:00Z")),
            (28, approved("2026-11-30T15:30:00Z")),
            (29, approved("2026-11-30T16:20:00Z")),
            (37, approved("2026-11-08T03:00:00Z")),
        ] {
            days[list] = reviewed(days[list].clone(), review);
        }
        assert_eq!(
            china_date(days[10].finished_at.unwrap()).to_string(),
            "2026-11-12"
        );
        assert_eq!(days[3].date.to_string(), "2026-11-05");
        assert_eq!(days[37].date.to_string(), "2026-11-08");

        // Units: 101 (cleaner1) due 20 November, cleaned that day; 102 (cleaner1) due the
        // 15th, never cleaned; 201 (cleaner2) cleaned at 23:30 on the 30th; 202 (cleaner2) due
        // the 25th and cleaned at 00:10 on 1 December (too late for November); 203 (cleaner2)
        // let on the 10th.
        let units = vec![
            unit(101, "cleaner1", "2026-10-20", None),
            unit(102, "cleaner1", "2026-10-15", None),
            unit(201, "cleaner2", "2026-10-31", None),
            unit(202, "cleaner2", "2026-10-25", None),
            unit(203, "cleaner2", "2026-09-01", Some("2026-11-10")),
        ];
        let records = vec![
            record(
                901,
                101,
                "cleaner1",
                "2026-11-20T02:00:00Z",
                Some(approved("2026-11-21T02:00:00Z")),
            ),
            record(
                902,
                201,
                "cleaner2",
                "2026-11-30T15:30:00Z",
                Some(sent_back("2026-11-30T15:45:00Z")),
            ),
            record(903, 202, "cleaner2", "2026-11-30T16:10:00Z", None),
            // 101 recorded again the same day on cleaner1's other phone, apart: the supervisor
            // sent it back, then kept 901 when settling the conflict. Set aside, it is no spot
            // check (nor a second cleaning).
            VacantRecord {
                set_aside: true,
                ..record(
                    904,
                    101,
                    "cleaner1",
                    "2026-11-20T02:20:00Z",
                    Some(sent_back("2026-11-21T01:00:00Z")),
                )
            },
        ];

        let findings = vec![
            // F1 cleaner1's, due the 10th, fixed the 9th: on time.
            finding(
                1,
                person("cleaner1"),
                "2026-11-10T02:00:00Z",
                &[(fixed(), "2026-11-09T02:00:00Z")],
            ),
            // F2 cleaner1's, due the 12th, fixed the 13th: late.
            finding(
                2,
                person("cleaner1"),
                "2026-11-12T02:00:00Z",
                &[(fixed(), "2026-11-13T02:00:00Z")],
            ),
            // F3 cleaner2's, due the 20th: fixed the 19th, reopened the same day, fixed again
            // the 25th: not closed at its due time.
            finding(
                3,
                person("cleaner2"),
                "2026-11-20T02:00:00Z",
                &[
                    (fixed(), "2026-11-19T02:00:00Z"),
                    (
                        json!({"reopened": {"reason": "还漏"}}),
                        "2026-11-19T06:00:00Z",
                    ),
                    (fixed(), "2026-11-25T02:00:00Z"),
                ],
            ),
            // F4 the cleaning department's, due the 25th, fixed the 24th and confirmed: the
            // team's only.
            finding(
                4,
                json!({"department": {"department": "cleaning"}}),
                "2026-11-25T02:00:00Z",
                &[
                    (fixed(), "2026-11-24T02:00:00Z"),
                    (json!("confirmed"), "2026-11-24T05:00:00Z"),
                ],
            ),
            // F5 engineering's: not cleaning's.
            finding(
                5,
                json!({"department": {"department": "engineering"}}),
                "2026-11-15T02:00:00Z",
                &[],
            ),
            // F6 cleaner1's, due at 23:30 on the 30th, not fixed: November's, missed.
            finding(6, person("cleaner1"), "2026-11-30T15:30:00Z", &[]),
            // F7 cleaner1's, due at 00:30 on 1 December: December's.
            finding(7, person("cleaner1"), "2026-11-30T16:30:00Z", &[]),
        ];
        Data {
            areas,
            items,
            days,
            units,
            records,
            findings,
        }
    }

    fn cleaners() -> Vec<String> {
        vec!["cleaner1".into(), "cleaner2".into()]
    }

    fn rates(c: &CleaningScorecard) -> [Rate; 4] {
        [
            c.checklist,
            c.spot_checks,
            c.vacant_units,
            c.findings_on_time,
        ]
    }

    fn r(met: u32, of: u32) -> Rate {
        Rate { met, of }
    }

    #[test]
    fn team_a_s_november_by_hand() {
        let data = november();
        // 1 December, 09:00 China.
        let as_of = at("2026-12-01T01:00:00Z");
        let cards = cleaning_scorecards("team-a", &cleaners(), NOV, &data.team(), as_of);
        let [c1, c2] = &cards.cleaners[..] else {
            panic!("two cleaners")
        };
        // cleaner1: 大堂 29 of 30; spot checks the 5th, the 30th and record 901 passed, the
        // 12th sent back (3 of 4; the 1 December list's is December's); units 101 cleaned,
        // 102 overdue (1 of 2); findings F1 on time, F2 and F6 late (1 of 3; F7 is
        // December's).
        assert_eq!(rates(c1), [r(29, 30), r(3, 4), r(1, 2), r(1, 3)]);
        // cleaner2: 电梯 10 of 30; the 8th passed, record 902 sent back; 201 cleaned, 202
        // overdue on the 30th (203 let); F3 late.
        assert_eq!(rates(c2), [r(10, 30), r(1, 2), r(1, 2), r(0, 1)]);
        // The team: the sums, and F4 (the department's) on time: F1, F4 of F1 F2 F3 F4 F6.
        assert_eq!(rates(&cards.total), [r(39, 60), r(4, 6), r(2, 4), r(2, 5)]);
        assert_eq!(cards.total.checklist.percent(), Some(65));
        assert_eq!(
            c1.misses,
            vec![
                CleaningMiss::Checklist {
                    area_id: id(LOBBY),
                    area: "大堂".into(),
                    missing: 1
                },
                CleaningMiss::ListSentBack {
                    area_id: id(LOBBY),
                    area: "大堂".into(),
                    date: "2026-11-12".parse().unwrap()
                },
                CleaningMiss::UnitNotCleaned {
                    unit_id: id(102),
                    unit: "1栋 102".into()
                },
                CleaningMiss::LateFinding {
                    finding_id: id(2),
                    place: "大堂".into(),
                    due: at("2026-11-12T02:00:00Z")
                },
                CleaningMiss::LateFinding {
                    finding_id: id(6),
                    place: "大堂".into(),
                    due: at("2026-11-30T15:30:00Z")
                },
            ]
        );
        let kinds: Vec<&str> = c2.misses.iter().map(CleaningMiss::kind).collect();
        assert_eq!(
            kinds,
            [
                "checklist",
                "record_sent_back",
                "unit_not_cleaned",
                "late_finding"
            ]
        );
        // The team's: both areas' checklists, the 12th's list and record 902, units 102 and
        // 202, F2, F3 and F6.
        assert_eq!(cards.total.misses.len(), 9);

        // Computed again on 20 December, after more was recorded (a review on 2 December of
        // the 29th's list, unit 102 cleaned on the 3rd, F2 confirmed, F6 fixed): the same.
        let mut later = november();
        later.days[27] = reviewed(later.days[27].clone(), sent_back("2026-12-02T02:00:00Z"));
        later.records.push(record(
            904,
            102,
            "cleaner1",
            "2026-12-03T02:00:00Z",
            Some(approved("2026-12-03T03:00:00Z")),
        ));
        later.findings[5].history.push(serde_json::from_value(
            json!({"event": {"fixed": {"note": ""}}, "by": "cleaner1", "at": "2026-12-02T02:00:00Z"}),
        )
        .unwrap());
        let again = cleaning_scorecards(
            "team-a",
            &cleaners(),
            NOV,
            &later.team(),
            at("2026-12-20T01:00:00Z"),
        );
        assert_eq!(again, cards);
    }

    #[test]
    fn the_trend_reads_each_period_by_the_card_s_rules() {
        use crate::scorecard::trend::{cleaning_trend, trend_periods};
        let data = november();
        let as_of = at("2026-12-01T01:00:00Z");
        let cleaners = cleaners();
        let teams = [(cleaners.as_slice(), data.team())];
        let value = |s: &[crate::scorecard::trend::TrendSeries], figure: &str, first: &str| {
            let s = s.iter().find(|s| s.figure == figure).unwrap();
            let first: NaiveDate = first.parse().unwrap();
            s.points
                .iter()
                .find(|p| p.period.first == first)
                .unwrap()
                .value
        };
        // By month, the team: November's point is the card's (39/60, 4/6, 2/4, 2/5).
        let months = trend_periods(PeriodKind::Month, NOV, as_of);
        let team = cleaning_trend(&teams, None, &months, as_of);
        let nov = |f| value(&team, f, "2026-11-01");
        assert_eq!(
            [
                nov("checklist"),
                nov("spot_checks"),
                nov("vacant_units"),
                nov("findings_on_time")
            ],
            [Some(65.0), Some(67.0), Some(50.0), Some(40.0)]
        );
        // October, before team-a's first list: no value, not 0% (the lists fell due unrecorded).
        assert_eq!(value(&team, "checklist", "2026-10-01"), None);
        assert_eq!(value(&team, "spot_checks", "2026-10-01"), None);

        // By week, cleaner1's: Friday 6 to Thursday 12 November. 大堂 ticked every day (7 of
        // 7); the 12th's list sent back that day (0 of 1; the 5th's review was before the
        // week); no unit cleaned or overdue by the 12th; F1 on time, F2 late (1 of 2).
        let weeks = trend_periods(PeriodKind::Week, NOV, as_of);
        let mine = cleaning_trend(&teams, Some("cleaner1"), &weeks, as_of);
        let week = |f| value(&mine, f, "2026-11-06");
        assert_eq!(
            [
                week("checklist"),
                week("spot_checks"),
                week("vacant_units"),
                week("findings_on_time")
            ],
            [Some(100.0), Some(0.0), None, Some(50.0)]
        );
    }

    #[test]
    fn mid_month_counts_only_what_is_decided() {
        let data = november();
        // 15 November, 13:00 China: the 1st to the 14th are over.
        let mid = at("2026-11-15T05:00:00Z");
        let cards = cleaning_scorecards("team-a", &cleaners(), NOV, &data.team(), mid);
        let [c1, c2] = &cards.cleaners[..] else {
            panic!("two cleaners")
        };
        // 大堂 13 of 14 (not the 3rd); spot checks of the 5th and the 12th (record 901's
        // review is on the 21st); no unit cleaned yet and none overdue on the 14th (102 is due
        // the 15th); F1 on time, F2 late.
        assert_eq!(rates(c1), [r(13, 14), r(1, 2), r(0, 0), r(1, 2)]);
        // 电梯 10 of 14; the 8th passed; F3 (due the 20th) not decided: its fix on the 19th
        // is still to come.
        assert_eq!(rates(c2), [r(10, 14), r(1, 1), r(0, 0), r(0, 0)]);
        // A finding fixed before its due time counts at once.
        let early = at("2026-11-19T03:00:00Z");
        let cards = cleaning_scorecards("team-a", &cleaners(), NOV, &data.team(), early);
        assert_eq!(cards.cleaners[1].findings_on_time, r(1, 1));
    }
}
