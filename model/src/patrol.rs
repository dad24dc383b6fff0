//! Supervisor patrols (主管巡检): the morning and afternoon rounds, the last round before leaving,
//! and the monthly check of commercial outlets; when each is due and whether it was missed.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cleaning::{Area, AreaKind};
use crate::conflict::{Stamp, Twin};
use crate::photo::naming_date;
use crate::validate::{OpError, limits, text_ok};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundKind {
    Morning,
    Afternoon,
    /// 下班前的最后巡视
    LastRound,
    /// 商铺月检
    MonthlyOutlets,
}

impl RoundKind {
    pub const DAILY: [RoundKind; 3] = [
        RoundKind::Morning,
        RoundKind::Afternoon,
        RoundKind::LastRound,
    ];
    pub const ALL: [RoundKind; 4] = [
        RoundKind::Morning,
        RoundKind::Afternoon,
        RoundKind::LastRound,
        RoundKind::MonthlyOutlets,
    ];

    /// The local (UTC+8) hours a daily round belongs to; None for the monthly check.
    pub fn window(self) -> Option<(NaiveTime, NaiveTime)> {
        let h = |h| NaiveTime::from_hms_opt(h, 0, 0).expect("valid hour");
        match self {
            RoundKind::Morning => Some((h(6), h(12))),
            RoundKind::Afternoon => Some((h(12), h(17))),
            RoundKind::LastRound => Some((h(17), h(21))),
            RoundKind::MonthlyOutlets => None,
        }
    }

    /// The areas a round covers: the patrol areas, or for the monthly check the outlets.
    pub fn covers(self, area: &Area) -> bool {
        match self {
            RoundKind::MonthlyOutlets => area.kind == AreaKind::CommercialOutlet,
            _ => area.patrol && area.kind != AreaKind::CommercialOutlet,
        }
    }
}

/// The monthly outlet check, item by item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutletCheck {
    /// 无违章摆卖
    NoIllegalStalls,
    /// 无违规广告牌
    NoBillboards,
    /// 无乱张贴、涂画
    NoPostersOrGraffiti,
    /// 无饲养家禽、家畜及宠物
    NoAnimals,
}

impl OutletCheck {
    pub const ALL: [OutletCheck; 4] = [
        OutletCheck::NoIllegalStalls,
        OutletCheck::NoBillboards,
        OutletCheck::NoPostersOrGraffiti,
        OutletCheck::NoAnimals,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaResult {
    Pass,
    /// Something wrong: the finding (reported with its photos) carries the rest.
    Finding {
        finding_id: Uuid,
    },
    Skipped,
}

impl AreaResult {
    /// 0 pass, 1 a finding, 2 skipped: what a result says, whichever finding it names.
    pub fn code(&self) -> usize {
        match self {
            AreaResult::Pass => 0,
            AreaResult::Finding { .. } => 1,
            AreaResult::Skipped => 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundArea {
    pub area_id: Uuid,
    pub result: AreaResult,
    #[serde(default)]
    pub note: String,
    /// For outlets: the checks that failed.
    #[serde(default)]
    pub failed_checks: Vec<OutletCheck>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatrolRound {
    pub id: Uuid,
    pub team: String,
    pub kind: RoundKind,
    /// The local date it belongs to.
    pub date: NaiveDate,
    pub supervisor: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub areas: Vec<RoundArea>,
    #[serde(default)]
    pub seq: i64,
    /// Who submitted it, from which device, when, and when the server received it (none on the
    /// device before it is sent, and on rounds older than the stamps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Stamp>,
    /// The supervisor's other round of the same kind and day (month, for the outlets), submitted
    /// from another device without this one, with other results (`crate::conflict::Twin`): both
    /// are kept, each naming the other, until the supervisor keeps one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_with: Option<Uuid>,
    /// The supervisor kept the other round: this one is on record but not counted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub set_aside: bool,
}

impl PatrolRound {
    /// The rules a finished round meets: its times, every area at most once, notes in limits.
    pub fn check(&self) -> Result<(), OpError> {
        let took = self.ended_at - self.started_at;
        if took < Duration::zero() || took > Duration::hours(12) {
            return Err(OpError::BadValue("the round's times"));
        }
        if self.areas.is_empty() || self.areas.len() > 500 {
            return Err(OpError::BadValue("the round's areas"));
        }
        for (i, a) in self.areas.iter().enumerate() {
            if self.areas[..i].iter().any(|b| b.area_id == a.area_id) {
                return Err(OpError::BadValue("an area twice in one round"));
            }
            if !text_ok(&a.note, limits::MAX_TEXT_CHARS) || a.failed_checks.len() > 4 {
                return Err(OpError::BadValue("an area's note"));
            }
            if !a.failed_checks.is_empty() && !matches!(a.result, AreaResult::Finding { .. }) {
                return Err(OpError::BadValue("a failed check needs a finding"));
            }
        }
        Ok(())
    }

    /// Whether the round counts: not the one set aside when a conflict was settled.
    pub fn stands(&self) -> bool {
        !self.set_aside
    }

    /// Its areas passed, with a finding and skipped: what two rounds in conflict say.
    pub fn tally(&self) -> [usize; 3] {
        let mut n = [0; 3];
        for a in &self.areas {
            n[a.result.code()] += 1;
        }
        n
    }

    pub fn skipped(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.areas
            .iter()
            .filter(|a| a.result == AreaResult::Skipped)
            .map(|a| a.area_id)
    }
}

impl Twin for PatrolRound {
    fn id(&self) -> Uuid {
        self.id
    }
    fn stamp(&self) -> Option<&Stamp> {
        self.stamp.as_ref()
    }
    /// One supervisor's round of one team, kind and (China) day, or month for the outlets: two
    /// supervisors' rounds are two rounds, each on its own scorecard.
    fn same_thing(&self, other: &Self) -> bool {
        let period = |r: &PatrolRound| match r.kind {
            RoundKind::MonthlyOutlets => (r.date.year(), r.date.month(), 0),
            _ => (r.date.year(), r.date.month(), r.date.day()),
        };
        self.team == other.team
            && self.supervisor == other.supervisor
            && self.kind == other.kind
            && period(self) == period(other)
    }
    /// The same areas with the same results (pass, a finding with the same failed checks, or
    /// skipped); the findings themselves are records of their own, kept either way.
    fn agrees(&self, other: &Self) -> bool {
        let said = |a: &RoundArea| (a.area_id, a.result.code(), a.failed_checks.clone());
        self.areas.len() == other.areas.len()
            && self
                .areas
                .iter()
                .all(|a| other.areas.iter().any(|b| said(a) == said(b)))
    }
    fn pairing(&mut self) -> (&mut Option<Uuid>, &mut bool) {
        (&mut self.conflict_with, &mut self.set_aside)
    }
}

/// A round as the board shows it on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    Done,
    /// Its window is open now.
    Due,
    /// Later today (or later this month).
    Upcoming,
    /// Its window closed without it.
    Missed,
}

/// Where each round stands for `team` at `now`, given the rounds done.
pub fn round_states(now: DateTime<Utc>, rounds: &[PatrolRound]) -> Vec<(RoundKind, RoundState)> {
    let local = now + Duration::hours(8);
    let today = naming_date(now);
    let time = local.time();
    RoundKind::ALL
        .into_iter()
        .map(|kind| {
            let done = rounds.iter().any(|r| {
                r.stands()
                    && r.kind == kind
                    && match kind {
                        RoundKind::MonthlyOutlets => {
                            r.date.year() == today.year() && r.date.month() == today.month()
                        }
                        _ => r.date == today,
                    }
            });
            let state = if done {
                RoundState::Done
            } else {
                match kind.window() {
                    None => RoundState::Due,
                    Some((_, end)) if time >= end => RoundState::Missed,
                    Some((start, _)) if time >= start => RoundState::Due,
                    Some(_) => RoundState::Upcoming,
                }
            };
            (kind, state)
        })
        .collect()
}

/// The round a supervisor most likely means to start now: the first daily one due, else the
/// first upcoming, else the monthly check if it is not done.
pub fn suggested_round(now: DateTime<Utc>, rounds: &[PatrolRound]) -> RoundKind {
    let states = round_states(now, rounds);
    let first = |want: RoundState| {
        states
            .iter()
            .find(|(k, s)| *s == want && *k != RoundKind::MonthlyOutlets)
            .map(|(k, _)| *k)
    };
    first(RoundState::Due)
        .or_else(|| first(RoundState::Upcoming))
        .unwrap_or(RoundKind::MonthlyOutlets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn round(kind: RoundKind, date: NaiveDate) -> PatrolRound {
        PatrolRound {
            id: Uuid::from_u128(1),
            team: "a".into(),
            kind,
            date,
            supervisor: "s".into(),
            started_at: at("2026-11-27T01:00:00Z"),
            ended_at: at("2026-11-27T01:30:00Z"),
            areas: vec![RoundArea {
                area_id: Uuid::from_u128(2),
                result: AreaResult::Pass,
                note: String::new(),
                failed_checks: vec![],
            }],
            seq: 0,
            stamp: None,
            conflict_with: None,
            set_aside: false,
        }
    }

    fn state(states: &[(RoundKind, RoundState)], kind: RoundKind) -> RoundState {
        states.iter().find(|(k, _)| *k == kind).unwrap().1
    }

    #[test]
    fn rounds_are_due_in_their_local_windows_and_missed_after() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        // 09:00 in China is 01:00 UTC.
        let s = round_states(at("2026-11-27T01:00:00Z"), &[]);
        assert_eq!(state(&s, RoundKind::Morning), RoundState::Due);
        assert_eq!(state(&s, RoundKind::Afternoon), RoundState::Upcoming);
        assert_eq!(state(&s, RoundKind::MonthlyOutlets), RoundState::Due);
        assert_eq!(
            suggested_round(at("2026-11-27T01:00:00Z"), &[]),
            RoundKind::Morning
        );
        // 14:00: the morning round was missed.
        let s = round_states(at("2026-11-27T06:00:00Z"), &[]);
        assert_eq!(state(&s, RoundKind::Morning), RoundState::Missed);
        assert_eq!(state(&s, RoundKind::Afternoon), RoundState::Due);
        // Done counts on its local date only; the monthly check for the whole month.
        let done = [
            round(RoundKind::Morning, today),
            round(
                RoundKind::MonthlyOutlets,
                NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
            ),
        ];
        let s = round_states(at("2026-11-27T06:00:00Z"), &done);
        assert_eq!(state(&s, RoundKind::Morning), RoundState::Done);
        assert_eq!(state(&s, RoundKind::MonthlyOutlets), RoundState::Done);
        // 22:00 local: every daily round not done is missed; 23:30 UTC is already tomorrow.
        let s = round_states(at("2026-11-27T14:00:00Z"), &done);
        assert_eq!(state(&s, RoundKind::LastRound), RoundState::Missed);
        let s = round_states(at("2026-11-27T23:30:00Z"), &done);
        assert_eq!(state(&s, RoundKind::Morning), RoundState::Due);
        // December: the monthly check is due again.
        let s = round_states(at("2026-12-01T01:00:00Z"), &done);
        assert_eq!(state(&s, RoundKind::MonthlyOutlets), RoundState::Due);
        assert_eq!(
            suggested_round(at("2026-11-27T14:00:00Z"), &done),
            RoundKind::MonthlyOutlets
        );
    }

    #[test]
    fn a_round_s_rules() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        round(RoundKind::Morning, today).check().unwrap();
        let mut r = round(RoundKind::Morning, today);
        r.areas.push(r.areas[0].clone());
        assert!(r.check().is_err());
        let mut r = round(RoundKind::Morning, today);
        r.ended_at = r.started_at - Duration::minutes(1);
        assert!(r.check().is_err());
        let mut r = round(RoundKind::MonthlyOutlets, today);
        r.areas[0].failed_checks = vec![OutletCheck::NoAnimals];
        assert!(r.check().is_err());
        r.areas[0].result = AreaResult::Finding {
            finding_id: Uuid::from_u128(3),
        };
        r.check().unwrap();
        let mut r = round(RoundKind::Morning, today);
        r.areas[0].result = AreaResult::Skipped;
        assert_eq!(r.skipped().count(), 1);
    }
}
