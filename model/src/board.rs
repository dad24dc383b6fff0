//! Today's board (今日看板): the supervisor's figures, computed from what the device holds, so it
//! works offline and says how fresh it is.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cleaning::{Area, AreaDay, ChecklistItem, UnitDue, VacantUnit, Verdict, due_items};
use crate::findings::Finding;
use crate::order::ordered;
use crate::patrol::{PatrolRound, RoundKind, RoundState, round_states};
use crate::photo::naming_date;
use crate::work_order::{Deadline, StatusNode, WorkOrder};

/// What the board reads.
pub struct BoardInput<'a> {
    pub now: DateTime<Utc>,
    pub areas: &'a [Area],
    pub items: &'a [ChecklistItem],
    pub days: &'a [AreaDay],
    pub units: &'a [VacantUnit],
    pub rounds: &'a [PatrolRound],
    pub findings: &'a [Finding],
    pub work_orders: &'a [WorkOrder],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    NotReviewed,
    Approved,
    SentBack,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaProgress {
    pub area_id: Uuid,
    pub name: String,
    pub cleaner: Option<String>,
    pub due: usize,
    pub done: usize,
    pub finished_at: Option<DateTime<Utc>>,
    pub review: ReviewState,
    /// An item was marked differently by two devices and is not settled (`crate::conflict`).
    #[serde(default)]
    pub in_conflict: bool,
}

impl AreaProgress {
    /// How far `area` is on `date`: its items due that day, how many are done, whether it was
    /// finished and how it was reviewed. The cleaner's today screen, the area page and the
    /// supervisor's board all count with this.
    pub fn of(area: &Area, items: &[ChecklistItem], days: &[AreaDay], date: NaiveDate) -> Self {
        let due = due_items(items, area.id, date);
        let day = days.iter().find(|d| d.area_id == area.id && d.date == date);
        AreaProgress {
            area_id: area.id,
            name: area.name.clone(),
            cleaner: area.cleaner.clone(),
            due: due.len(),
            done: day.map_or(0, |d| d.done_of(&due)),
            finished_at: day.and_then(|d| d.finished_at),
            review: match day.and_then(|d| d.review.as_ref()).map(|r| &r.verdict) {
                None => ReviewState::NotReviewed,
                Some(Verdict::Approved) => ReviewState::Approved,
                Some(Verdict::SentBack { .. }) => ReviewState::SentBack,
            },
            in_conflict: day.is_some_and(AreaDay::in_conflict),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanerProgress {
    pub username: String,
    pub due: usize,
    pub done: usize,
    pub areas: usize,
    pub areas_finished: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingAges {
    /// Open (not confirmed) findings reported less than a day ago.
    pub under_1d: usize,
    pub from_1d_to_3d: usize,
    pub over_3d: usize,
    /// Not yet given to anyone.
    pub unassigned: usize,
    /// Assigned and past their due time.
    pub overdue: usize,
    /// Fixed, waiting for the supervisor's confirmation.
    pub to_confirm: usize,
}

/// A figure of the findings tile, as a rule: the board counts the open findings it holds, and a
/// tap on the figure lists exactly those.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingFigure {
    Open,
    Unassigned,
    Overdue,
    ToConfirm,
}

impl FindingFigure {
    pub fn holds(self, f: &Finding, now: DateTime<Utc>) -> bool {
        f.is_open()
            && match self {
                FindingFigure::Open => true,
                FindingFigure::Unassigned => f.assignee.is_none(),
                FindingFigure::Overdue => f.is_overdue(now),
                FindingFigure::ToConfirm => f.state == crate::findings::FindingState::Fixed,
            }
    }
}

/// A figure of the vacant units' tile, as a rule (like [`FindingFigure`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitFigure {
    Overdue,
    /// Due within a week.
    Due,
}

impl UnitFigure {
    /// Whether the figure counts `unit` on `date`: still vacant, and overdue or due soon.
    pub fn holds(self, unit: &VacantUnit, date: NaiveDate) -> bool {
        unit.is_vacant_on(date)
            && matches!(
                (self, unit.due_state(date)),
                (UnitFigure::Overdue, UnitDue::Overdue { .. })
                    | (UnitFigure::Due, UnitDue::DueSoon { .. })
            )
    }
}

/// A figure of the engineers' work-order tile, as a rule (like [`FindingFigure`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderFigure {
    Open,
    ResponseLate,
    ResponsePending,
    ReportLate,
    ReportPending,
}

impl OrderFigure {
    pub const ALL: [OrderFigure; 5] = [
        OrderFigure::Open,
        OrderFigure::ResponseLate,
        OrderFigure::ResponsePending,
        OrderFigure::ReportLate,
        OrderFigure::ReportPending,
    ];

    pub fn holds(self, wo: &WorkOrder, now: DateTime<Utc>) -> bool {
        let report_due = wo
            .report_due()
            .filter(|_| wo.status == StatusNode::RepairedLeft && wo.report.submitted_at.is_none());
        match self {
            OrderFigure::Open => !wo.status.is_final(),
            // Arriving late does not make the order's response on time: it stays counted late
            // while the order is open.
            OrderFigure::ResponseLate => match wo.response(now) {
                Deadline::Overdue { .. } => true,
                Deadline::MetLate { .. } => !wo.status.is_final(),
                _ => false,
            },
            OrderFigure::ResponsePending => matches!(wo.response(now), Deadline::Open { .. }),
            OrderFigure::ReportLate => report_due.is_some_and(|due| now > due),
            OrderFigure::ReportPending => report_due.is_some_and(|due| now <= due),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderFigures {
    /// Not yet finished on site.
    pub open: usize,
    /// No one on site within 36 hours of the call.
    pub response_overdue: usize,
    /// Still within the 36 hours, nobody on site yet.
    pub response_pending: usize,
    /// Left the site, report not submitted, 3 days passed.
    pub report_overdue: usize,
    /// Left the site, report not submitted, still in time.
    pub report_pending: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub date: NaiveDate,
    pub areas: Vec<AreaProgress>,
    pub cleaners: Vec<CleanerProgress>,
    pub units_due: usize,
    pub units_overdue: usize,
    pub rounds: Vec<(RoundKind, RoundState)>,
    pub findings: FindingAges,
    pub work_orders: WorkOrderFigures,
}

impl Board {
    pub fn compute(input: &BoardInput<'_>) -> Board {
        let date = naming_date(input.now);
        let areas: Vec<&Area> = input.areas.iter().filter(|a| a.cleaner.is_some()).collect();
        let areas = ordered(areas, |a| (a.position, 0, a.name.clone()));
        let areas: Vec<AreaProgress> = areas
            .into_iter()
            .map(|area| AreaProgress::of(area, input.items, input.days, date))
            .filter(|a| a.due > 0)
            .collect();

        let mut cleaners: Vec<CleanerProgress> = Vec::new();
        for a in &areas {
            let Some(name) = &a.cleaner else { continue };
            let i = match cleaners.iter().position(|c| &c.username == name) {
                Some(i) => i,
                None => {
                    cleaners.push(CleanerProgress {
                        username: name.clone(),
                        due: 0,
                        done: 0,
                        areas: 0,
                        areas_finished: 0,
                    });
                    cleaners.len() - 1
                }
            };
            let c = &mut cleaners[i];
            c.due += a.due;
            c.done += a.done;
            c.areas += 1;
            c.areas_finished += usize::from(a.finished_at.is_some());
        }
        let cleaners = ordered(cleaners, |c| (0, 0, c.username.clone()));

        let units =
            |figure: UnitFigure| input.units.iter().filter(|u| figure.holds(u, date)).count();
        let (units_due, units_overdue) = (units(UnitFigure::Due), units(UnitFigure::Overdue));

        let mut findings = FindingAges::default();
        for f in input.findings.iter().filter(|f| f.is_open()) {
            let age = input.now - f.reported_at;
            if age < Duration::days(1) {
                findings.under_1d += 1;
            } else if age <= Duration::days(3) {
                findings.from_1d_to_3d += 1;
            } else {
                findings.over_3d += 1;
            }
            let holds = |figure: FindingFigure| usize::from(figure.holds(f, input.now));
            findings.unassigned += holds(FindingFigure::Unassigned);
            findings.overdue += holds(FindingFigure::Overdue);
            findings.to_confirm += holds(FindingFigure::ToConfirm);
        }

        let orders = |figure: OrderFigure| {
            input
                .work_orders
                .iter()
                .filter(|wo| figure.holds(wo, input.now))
                .count()
        };
        let work_orders = WorkOrderFigures {
            open: orders(OrderFigure::Open),
            response_overdue: orders(OrderFigure::ResponseLate),
            response_pending: orders(OrderFigure::ResponsePending),
            report_overdue: orders(OrderFigure::ReportLate),
            report_pending: orders(OrderFigure::ReportPending),
        };

        Board {
            date,
            areas,
            cleaners,
            units_due,
            units_overdue,
            rounds: round_states(input.now, input.rounds),
            findings,
            work_orders,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cleaning::{AreaKind, ItemMark, Mark, Review, Schedule};
    use crate::findings::{Actor, Assignee, FindingSource, ProblemKind};
    use crate::user::Role;
    use std::collections::BTreeMap;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn area(n: u128, cleaner: &str) -> Area {
        Area {
            id: Uuid::from_u128(n),
            team: "a".into(),
            name: format!("{n}F"),
            kind: AreaKind::Floor,
            cleaner: Some(cleaner.into()),
            patrol: false,
            position: n as i64,
        }
    }

    fn item(n: u128, area: u128, schedule: Schedule) -> ChecklistItem {
        ChecklistItem {
            id: Uuid::from_u128(1000 + n),
            area_id: Uuid::from_u128(area),
            label: format!("item {n}"),
            schedule,
            position: n as i64,
        }
    }

    fn finding(n: u128, reported: &str) -> Finding {
        Finding::report(
            Uuid::from_u128(500 + n),
            &Actor {
                username: "cleaner1".into(),
                role: Role::Cleaner,
                team: Some("a".into()),
            },
            Some(Uuid::from_u128(1)),
            "",
            FindingSource::Spotted,
            ProblemKind::Leak,
            "",
            vec![crate::cleaning::PhotoRef {
                photo_id: Uuid::from_u128(900 + n),
                slot: "before".into(),
                sha256: "c".repeat(64),
                bytes: 1,
                width: 1,
                height: 1,
                content_type: "image/jpeg".into(),
            }],
            at(reported),
        )
        .unwrap()
    }

    /// A fixed day: two cleaners, three areas, some ticks, two units, one round, three findings.
    #[test]
    fn the_board_counts_what_was_done() {
        let now = at("2026-11-27T07:00:00Z"); // 15:00 in China, a Friday
        let areas = vec![
            area(1, "cleaner1"),
            area(2, "cleaner1"),
            area(3, "cleaner2"),
        ];
        let items = vec![
            item(1, 1, Schedule::Daily),
            item(2, 1, Schedule::Daily),
            item(3, 1, Schedule::Weekly { weekday: 1 }), // not today
            item(4, 2, Schedule::Daily),
            item(5, 3, Schedule::Monthly { day: 27 }),
            item(6, 3, Schedule::Daily),
        ];
        let mark = |n: u128| {
            (
                Uuid::from_u128(1000 + n),
                ItemMark {
                    mark: Mark::Done,
                    by: "x".into(),
                    at: now,
                },
            )
        };
        let days = vec![
            AreaDay {
                marks: BTreeMap::from([mark(1), mark(2)]),
                finished_at: Some(at("2026-11-27T02:00:00Z")),
                finished_by: Some("cleaner1".into()),
                review: Some(Review {
                    verdict: Verdict::Approved,
                    by: "supervisor1".into(),
                    at: now,
                }),
                ..AreaDay::new(Uuid::from_u128(1), d(11, 27))
            },
            AreaDay {
                marks: BTreeMap::from([mark(6)]),
                ..AreaDay::new(Uuid::from_u128(3), d(11, 27))
            },
            // Yesterday's ticks do not count today.
            AreaDay {
                marks: BTreeMap::from([mark(4)]),
                ..AreaDay::new(Uuid::from_u128(2), d(11, 26))
            },
        ];
        let unit = |n: u128, last: Option<NaiveDate>, let_on: Option<NaiveDate>| VacantUnit {
            id: Uuid::from_u128(n),
            team: "a".into(),
            name: format!("u{n}"),
            responsible: "cleaner1".into(),
            let_on,
            last_cleaned: last,
            vacant_since: d(1, 1),
        };
        let units = vec![
            unit(1, Some(d(10, 1)), None),          // overdue
            unit(2, Some(d(10, 30)), None),         // due on 30 Nov
            unit(3, Some(d(11, 20)), None),         // fine
            unit(4, Some(d(9, 1)), Some(d(11, 1))), // let: not counted
        ];
        let rounds = vec![crate::patrol::PatrolRound {
            id: Uuid::from_u128(77),
            team: "a".into(),
            kind: RoundKind::Morning,
            date: d(11, 27),
            supervisor: "supervisor1".into(),
            started_at: at("2026-11-27T01:00:00Z"),
            ended_at: at("2026-11-27T01:40:00Z"),
            areas: vec![],
            seq: 0,
            stamp: None,
            conflict_with: None,
            set_aside: false,
        }];
        let sup = Actor {
            username: "supervisor1".into(),
            role: Role::Supervisor,
            team: Some("a".into()),
        };
        let mut late = finding(1, "2026-11-22T01:00:00Z");
        late.assign(
            &sup,
            Assignee::Person {
                username: "engineer1".into(),
            },
            at("2026-11-23T01:00:00Z"),
            at("2026-11-22T02:00:00Z"),
        )
        .unwrap();
        let mut done = finding(2, "2026-11-25T01:00:00Z");
        done.state = crate::findings::FindingState::Confirmed;
        let findings = vec![late, done, finding(3, "2026-11-27T05:00:00Z")];

        let board = Board::compute(&BoardInput {
            now,
            areas: &areas,
            items: &items,
            days: &days,
            units: &units,
            rounds: &rounds,
            findings: &findings,
            work_orders: &[],
        });
        assert_eq!(board.date, d(11, 27));
        let figures: Vec<(usize, usize, bool, ReviewState)> = board
            .areas
            .iter()
            .map(|a| (a.due, a.done, a.finished_at.is_some(), a.review))
            .collect();
        assert_eq!(
            figures,
            vec![
                (2, 2, true, ReviewState::Approved),
                (1, 0, false, ReviewState::NotReviewed),
                (2, 1, false, ReviewState::NotReviewed),
            ]
        );
        assert_eq!(
            board.cleaners,
            vec![
                CleanerProgress {
                    username: "cleaner1".into(),
                    due: 3,
                    done: 2,
                    areas: 2,
                    areas_finished: 1
                },
                CleanerProgress {
                    username: "cleaner2".into(),
                    due: 2,
                    done: 1,
                    areas: 1,
                    areas_finished: 0
                },
            ]
        );
        assert_eq!((board.units_due, board.units_overdue), (1, 1));
        assert_eq!(
            board.rounds,
            vec![
                (RoundKind::Morning, RoundState::Done),
                (RoundKind::Afternoon, RoundState::Due),
                (RoundKind::LastRound, RoundState::Upcoming),
                (RoundKind::MonthlyOutlets, RoundState::Due),
            ]
        );
        assert_eq!(
            board.findings,
            FindingAges {
                under_1d: 1,
                from_1d_to_3d: 0,
                over_3d: 1,
                unassigned: 1,
                overdue: 1,
                to_confirm: 0,
            }
        );
        // A tap on a figure lists exactly what it counts.
        let listed =
            |figure: FindingFigure| findings.iter().filter(|f| figure.holds(f, now)).count();
        let f = &board.findings;
        assert_eq!(
            [
                FindingFigure::Open,
                FindingFigure::Unassigned,
                FindingFigure::Overdue,
                FindingFigure::ToConfirm
            ]
            .map(listed),
            [
                f.under_1d + f.from_1d_to_3d + f.over_3d,
                f.unassigned,
                f.overdue,
                f.to_confirm
            ]
        );
    }

    /// A work order called at `called`, walked through `steps` (node, time), as the engineer's
    /// phone reported them.
    fn order(n: u128, called: &str, steps: &[(StatusNode, &str)]) -> WorkOrder {
        let mut wo: WorkOrder = serde_json::from_value(serde_json::json!({
            "id": Uuid::from_u128(n), "ticket": format!("BX-{n}"), "customer": "c", "site": "s",
            "equipment_model": "EC210D", "serial": "x", "engine_hours": 1,
            "working_condition": "", "fault_description": "", "service_type": "fault_repair",
            "machine_down": false, "called_at": called, "planned_at": called,
            "assignee": "engineer1", "status": "dispatched", "history": [], "seq": 0
        }))
        .unwrap();
        for (node, when) in steps {
            wo.apply_status(crate::work_order::StatusEvent {
                node: *node,
                at: at(when),
                by: "engineer1".into(),
                op_id: Uuid::from_u128(n * 100 + wo.history.len() as u128),
            })
            .unwrap();
        }
        wo
    }

    /// The engineers' orders against the 36-hour response and the 3-day report, at their edges.
    #[test]
    fn the_board_judges_work_orders_by_36_hours_and_3_days() {
        use StatusNode::{Arrived, Departed, RepairedLeft, ResolvedByPhone};
        let now = at("2026-11-27T07:00:00Z");
        let mut submitted = order(
            6,
            "2026-11-20T00:00:00Z",
            &[
                (Departed, "2026-11-20T05:00:00Z"),
                (Arrived, "2026-11-20T08:00:00Z"),
                (RepairedLeft, "2026-11-21T08:00:00Z"),
            ],
        );
        submitted.report.submitted_at = Some(at("2026-11-22T08:00:00Z"));
        let orders = vec![
            // Called 31 hours ago, nobody on site: pending (5 hours left).
            order(1, "2026-11-26T00:00:00Z", &[]),
            // Called 55 hours ago, on the way but not there: overdue.
            order(
                2,
                "2026-11-25T00:00:00Z",
                &[(Departed, "2026-11-25T20:00:00Z")],
            ),
            // Called exactly 36 hours ago: still in time, to the second.
            order(3, "2026-11-25T19:00:00Z", &[]),
            // On site in time, left 4 days ago, no report: the report is overdue.
            order(
                4,
                "2026-11-20T00:00:00Z",
                &[
                    (Departed, "2026-11-20T05:00:00Z"),
                    (Arrived, "2026-11-21T06:00:00Z"),
                    (RepairedLeft, "2026-11-23T07:00:00Z"),
                ],
            ),
            // Left yesterday: the report is pending.
            order(
                5,
                "2026-11-25T00:00:00Z",
                &[
                    (Departed, "2026-11-25T05:00:00Z"),
                    (Arrived, "2026-11-25T10:00:00Z"),
                    (RepairedLeft, "2026-11-26T10:00:00Z"),
                ],
            ),
            // Report submitted: no longer counted anywhere.
            submitted,
            // Resolved by phone: the call is answered, no report window.
            order(
                7,
                "2026-11-26T00:00:00Z",
                &[(ResolvedByPhone, "2026-11-26T01:00:00Z")],
            ),
            // Arrived late and still on site: no longer pending, and still late.
            order(
                8,
                "2026-11-24T00:00:00Z",
                &[
                    (Departed, "2026-11-25T10:00:00Z"),
                    (Arrived, "2026-11-25T14:00:00Z"),
                ],
            ),
            // Left exactly 3 days ago: the report is still in time.
            order(
                9,
                "2026-11-23T00:00:00Z",
                &[
                    (Departed, "2026-11-23T05:00:00Z"),
                    (Arrived, "2026-11-23T09:00:00Z"),
                    (RepairedLeft, "2026-11-24T07:00:00Z"),
                ],
            ),
        ];
        let board = Board::compute(&BoardInput {
            now,
            areas: &[],
            items: &[],
            days: &[],
            units: &[],
            rounds: &[],
            findings: &[],
            work_orders: &orders,
        });
        assert_eq!(
            board.work_orders,
            WorkOrderFigures {
                open: 4,
                response_overdue: 2,
                response_pending: 2,
                report_overdue: 1,
                report_pending: 2,
            }
        );
        // A second later both edges tip over.
        let board = Board::compute(&BoardInput {
            now: now + Duration::seconds(1),
            areas: &[],
            items: &[],
            days: &[],
            units: &[],
            rounds: &[],
            findings: &[],
            work_orders: &orders,
        });
        assert_eq!(
            (
                board.work_orders.response_overdue,
                board.work_orders.response_pending,
                board.work_orders.report_overdue,
                board.work_orders.report_pending
            ),
            (3, 1, 2, 1)
        );
    }
}
