//! The cleaning supervisor's month (DOMAIN.md "Supervisor patrols"; issue 18):
//! - Rounds done against due: every day of the month, the morning and afternoon rounds and the
//!   last round before leaving (three a day, each due by the end of its window, China time),
//!   by the supervisor for their team.
//! - The monthly outlet check (商铺月检): done in the month, due by its end.
//! - Findings confirmed within their due time: each of the team's findings due in the month
//!   counts once its due time has passed or it was confirmed; it is met when the supervisor's
//!   confirmation came by the due time.
//!
//! A week's card (the trends) counts the week's days' rounds and the findings due in the week;
//! the outlet check is a monthly duty and is left out of it (of 0).
//!
//! As with every card, only what is decided at `as_of` counts (a round whose window is still
//! open, a finding not yet due), so a past month computed later gives the same figures. Each
//! miss names its day and round, or its finding.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Month;
use super::agent::Rate;
use crate::complaints::china_midnight;
use crate::findings::{Finding, FindingEvent};
use crate::patrol::{PatrolRound, RoundKind};
use crate::reports::{Period, PeriodKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupervisorMiss {
    Round { date: NaiveDate, kind: RoundKind },
    OutletCheck,
    LateConfirmation { finding_id: Uuid },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisorScorecard {
    pub supervisor: String,
    #[serde(default)]
    pub name: String,
    pub team: String,
    pub month: Month,
    /// The daily rounds (three a day).
    pub rounds: Rate,
    /// The monthly outlet check (of 1 once decided).
    pub outlet_check: Rate,
    pub findings_confirmed: Rate,
    pub misses: Vec<SupervisorMiss>,
}

/// `GET /api/scorecards/supervisors?month=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisorScorecards {
    pub month: Month,
    pub as_of: DateTime<Utc>,
    pub cards: Vec<SupervisorScorecard>,
}

/// When a daily round of `date` is over (its window's end, China time).
fn round_over(date: NaiveDate, kind: RoundKind) -> DateTime<Utc> {
    let (_, end) = kind.window().expect("a daily round has a window");
    china_midnight(date) + (end - chrono::NaiveTime::MIN)
}

/// The supervisor's card: `rounds` and `findings` of their team (any month; the month's are
/// picked here), computed at `as_of`.
pub fn supervisor_scorecard(
    supervisor: &str,
    team: &str,
    month: Month,
    rounds: &[PatrolRound],
    findings: &[Finding],
    as_of: DateTime<Utc>,
) -> SupervisorScorecard {
    let rounds: Vec<&PatrolRound> = rounds.iter().collect();
    let findings: Vec<&Finding> = findings.iter().collect();
    supervisor_card_over(supervisor, team, month.period(), &rounds, &findings, as_of)
}

/// As [`supervisor_scorecard`], for any period (a week's, for the trends; `month`: the month
/// the period starts in). The trends hand each period only its own rows.
pub fn supervisor_card_over(
    supervisor: &str,
    team: &str,
    period: Period,
    rounds: &[&PatrolRound],
    findings: &[&Finding],
    as_of: DateTime<Utc>,
) -> SupervisorScorecard {
    let mine = |r: &&&PatrolRound| r.stands() && r.supervisor == supervisor && r.team == team;
    let done = |date: NaiveDate, kind: RoundKind| {
        rounds
            .iter()
            .filter(mine)
            .any(|r| r.date == date && r.kind == kind)
    };
    let mut card = SupervisorScorecard {
        supervisor: supervisor.to_string(),
        name: String::new(),
        team: team.to_string(),
        month: Month::of(period.start()),
        rounds: Rate::default(),
        outlet_check: Rate::default(),
        findings_confirmed: Rate::default(),
        misses: Vec::new(),
    };
    for date in period.days() {
        for kind in RoundKind::DAILY {
            let met = done(date, kind);
            if met || round_over(date, kind) <= as_of {
                card.rounds.of += 1;
                if met {
                    card.rounds.met += 1;
                } else {
                    card.misses.push(SupervisorMiss::Round { date, kind });
                }
            }
        }
    }
    let outlets = rounds
        .iter()
        .filter(mine)
        .any(|r| r.kind == RoundKind::MonthlyOutlets && period.contains(china_midnight(r.date)));
    if period.kind == PeriodKind::Month && (outlets || period.end() <= as_of) {
        card.outlet_check.of = 1;
        card.outlet_check.met = u32::from(outlets);
        if !outlets {
            card.misses.push(SupervisorMiss::OutletCheck);
        }
    }
    for f in findings.iter().filter(|f| f.team == team) {
        let Some(due) = f.due.filter(|due| period.contains(*due)) else {
            continue;
        };
        let confirmed = f
            .history
            .iter()
            .rfind(|s| s.event == FindingEvent::Confirmed)
            .map(|s| s.at);
        let met = match confirmed {
            Some(at) => at <= due,
            None if as_of > due => false,
            None => continue,
        };
        card.findings_confirmed.of += 1;
        if met {
            card.findings_confirmed.met += 1;
        } else {
            card.misses
                .push(SupervisorMiss::LateConfirmation { finding_id: f.id });
        }
    }
    card
}

/// supervisor1's November, worked out by hand.
#[cfg(test)]
mod worked {
    use super::*;
    use crate::findings::{FindingSource, FindingState, FindingStep, ProblemKind};

    const NOV: Month = Month {
        year: 2026,
        month: 11,
    };

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn round(date: NaiveDate, kind: RoundKind, by: &str) -> PatrolRound {
        PatrolRound {
            id: Uuid::new_v4(),
            team: "team-a".into(),
            kind,
            date,
            supervisor: by.into(),
            started_at: china_midnight(date),
            ended_at: china_midnight(date),
            areas: Vec::new(),
            seq: 0,
            stamp: None,
            conflict_with: None,
            set_aside: false,
        }
    }

    fn finding(due: &str, confirmed: Option<&str>) -> Finding {
        let mut history = vec![FindingStep {
            event: FindingEvent::Reported,
            by: "cleaner1".into(),
            at: at("2026-11-01T01:00:00Z"),
        }];
        if let Some(c) = confirmed {
            history.push(FindingStep {
                event: FindingEvent::Confirmed,
                by: "supervisor1".into(),
                at: at(c),
            });
        }
        Finding {
            id: Uuid::new_v4(),
            team: "team-a".into(),
            area_id: None,
            place: "大堂".into(),
            source: FindingSource::Spotted,
            problem: ProblemKind::Damaged,
            note: String::new(),
            reported_by: "cleaner1".into(),
            reported_at: at("2026-11-01T01:00:00Z"),
            photos: Vec::new(),
            state: if confirmed.is_some() {
                FindingState::Confirmed
            } else {
                FindingState::Assigned
            },
            assignee: None,
            due: Some(at(due)),
            after_photos: Vec::new(),
            history,
            seq: 0,
            stamp: None,
            conflict: None,
        }
    }

    #[test]
    fn supervisor1_s_november_by_hand() {
        // Every day's three rounds, except: the 3rd's afternoon is missing, and the 10th's last
        // round was made by another supervisor (not supervisor1's). November has 30 days.
        let mut rounds = Vec::new();
        for d in 1..=30 {
            for kind in RoundKind::DAILY {
                if (d, kind) == (3, RoundKind::Afternoon) {
                    continue;
                }
                let by = if (d, kind) == (10, RoundKind::LastRound) {
                    "supervisor2"
                } else {
                    "supervisor1"
                };
                rounds.push(round(day(d), kind, by));
            }
        }
        // The outlets were checked on the 15th.
        rounds.push(round(day(15), RoundKind::MonthlyOutlets, "supervisor1"));
        // A December round does not count.
        rounds.push(round(
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            RoundKind::Morning,
            "supervisor1",
        ));
        let findings = vec![
            // Due Nov 5th, confirmed the 4th: met.
            finding("2026-11-05T02:00:00Z", Some("2026-11-04T02:00:00Z")),
            // Due Nov 6th, confirmed the 8th: late.
            finding("2026-11-06T02:00:00Z", Some("2026-11-08T02:00:00Z")),
            // Due at 23:30 on Nov 30th (China; 15:30 UTC): November's, not confirmed, and at
            // as_of (Dec 1st 09:00 China) past due: missed.
            finding("2026-11-30T15:30:00Z", None),
            // Due at 00:30 on Dec 1st (China): December's.
            finding("2026-11-30T16:30:00Z", None),
        ];
        let as_of = at("2026-12-01T01:00:00Z");
        let card = supervisor_scorecard("supervisor1", "team-a", NOV, &rounds, &findings, as_of);
        assert_eq!(
            card.rounds,
            Rate { met: 88, of: 90 },
            "30 days x 3, two missing"
        );
        assert_eq!(card.rounds.percent(), Some(98));
        assert_eq!(card.outlet_check, Rate { met: 1, of: 1 });
        assert_eq!(card.findings_confirmed, Rate { met: 1, of: 3 });
        assert_eq!(
            card.misses[..2],
            [
                SupervisorMiss::Round {
                    date: day(3),
                    kind: RoundKind::Afternoon
                },
                SupervisorMiss::Round {
                    date: day(10),
                    kind: RoundKind::LastRound
                },
            ]
        );
        assert_eq!(card.misses.len(), 4);

        // Mid-month (Nov 15th, 13:00 China), with the rounds made by then: the 15th's morning
        // is done, its afternoon window still open (not counted); the outlet check is done;
        // the first two findings are decided, the third not yet due.
        let mid = at("2026-11-15T05:00:00Z");
        let rounds: Vec<PatrolRound> = rounds
            .into_iter()
            .filter(|r| {
                r.date < day(15)
                    || (r.date == day(15)
                        && matches!(r.kind, RoundKind::Morning | RoundKind::MonthlyOutlets))
            })
            .collect();
        let card = supervisor_scorecard("supervisor1", "team-a", NOV, &rounds, &findings, mid);
        assert_eq!(
            card.rounds,
            Rate { met: 41, of: 43 },
            "14 days x 3 and a morning"
        );
        assert_eq!(card.outlet_check, Rate { met: 1, of: 1 });
        assert_eq!(card.findings_confirmed, Rate { met: 1, of: 2 });
        // Without the outlet check, it is not missed before the month is over...
        let no_outlets: Vec<PatrolRound> = rounds
            .iter()
            .filter(|r| r.kind != RoundKind::MonthlyOutlets)
            .cloned()
            .collect();
        let card = supervisor_scorecard("supervisor1", "team-a", NOV, &no_outlets, &findings, mid);
        assert_eq!(card.outlet_check, Rate { met: 0, of: 0 });
        // ...and missed after.
        let card =
            supervisor_scorecard("supervisor1", "team-a", NOV, &no_outlets, &findings, as_of);
        assert_eq!(card.outlet_check, Rate { met: 0, of: 1 });
        assert!(card.misses.contains(&SupervisorMiss::OutletCheck));
    }
}
