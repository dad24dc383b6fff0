//! Field operations applied to their records: ticks, finishing and spot checks of an area's day,
//! vacant-unit records, findings and patrol rounds.
//!
//! The one mapping from an operation to the record it makes or changes, run by the phone (to show
//! the change at once) and by the server (to keep it). The caller loads the record the operation
//! is about ([`Operation::subject`]) and the little it needs besides ([`FieldContext`]); the
//! server authorises first (roles, teams, assignments by its own rows); this decides, and the
//! caller saves what it returns. A refused operation returns nothing to save.

use uuid::Uuid;

use crate::cleaning::{AreaDay, ChecklistItem, VacantRecord, VacantStandard, due_items};
use crate::conflict::{Arrival, Stamp, Twin};
use crate::findings::{Finding, FindingSource, ProblemKind};
use crate::op::{OpKind, Operation, Subject};
use crate::patrol::PatrolRound;
use crate::user::Actor;
use crate::validate::OpError;

/// A record a field operation is about, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldRecord {
    AreaDay(AreaDay),
    VacantRecord(VacantRecord),
    /// A vacant-unit record and the other record of its unit and day it was just found in
    /// conflict with, or settled against: both are stored.
    VacantPair(VacantRecord, Box<VacantRecord>),
    Finding(Finding),
    Round(PatrolRound),
    /// A round and the supervisor's other round of its kind and day it was just found in conflict
    /// with, or settled against: both are stored.
    RoundPair(PatrolRound, Box<PatrolRound>),
}

impl FieldRecord {
    /// What the record is, in the terms of [`Operation::subject`].
    pub fn subject(&self) -> Subject {
        match self {
            FieldRecord::AreaDay(day) => Subject::AreaDay(day.area_id, day.date),
            FieldRecord::VacantRecord(r) | FieldRecord::VacantPair(r, _) => {
                Subject::VacantRecord(r.id)
            }
            FieldRecord::Finding(f) => Subject::Finding(f.id),
            FieldRecord::Round(r) | FieldRecord::RoundPair(r, _) => Subject::Round(r.id),
        }
    }
}

/// What an operation needs besides its own record, as the caller knows it.
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldContext<'a> {
    /// The area's checklist items (others' are passed over): a tick must name one of them, and
    /// finishing needs every one due that day marked.
    pub items: &'a [ChecklistItem],
    /// The name of the area a new finding is in: its place when the person typed none.
    pub area_name: Option<&'a str>,
    /// How the operation reached the server (None on the phone): a mark from another device
    /// that had not seen the item's mark is kept beside it (`crate::conflict`).
    pub arrival: Option<Arrival>,
    /// For a new vacant-unit record, the unit's other records (those of its day are met, see
    /// `crate::conflict::Twin`); for a settling, the record in conflict with the one kept.
    pub others: &'a [VacantRecord],
    /// For a new round, the supervisor's rounds of its kind and day (month, for the outlets); for
    /// a settling, the round in conflict with the one kept.
    pub rounds: &'a [PatrolRound],
    /// For a finding's step, the finding before the step it shows, which the server keeps (a
    /// step made without that one is taken from it: [`Finding::change`]); None on the phone.
    pub finding_before: Option<&'a Finding>,
}

/// Apply the field operation `op`, made by `actor`, to `current`, its record as stored (None when
/// there is none yet). Returns the record to store, or why the operation is refused.
///
/// A record is made once: an operation that makes one (`save_vacant_record`, `report_finding`,
/// `submit_round`) is refused when its id is already taken, before anything else is looked at.
pub fn apply(
    op: &Operation,
    actor: &Actor,
    current: Option<FieldRecord>,
    context: &FieldContext<'_>,
) -> Result<FieldRecord, OpError> {
    if op.work_order_id().is_some() {
        return Err(OpError::BadValue("the operation is about a work order"));
    }
    if current
        .as_ref()
        .is_some_and(|r| r.subject() != op.subject())
    {
        return Err(OpError::BadValue("the operation is not about this record"));
    }
    let at = op.device_time;
    match &op.kind {
        OpKind::MarkItem {
            area_id,
            item_id,
            date,
            mark,
        } => {
            if !context
                .items
                .iter()
                .any(|i| i.id == *item_id && i.area_id == *area_id)
            {
                return Err(OpError::NotFound("checklist item in this area"));
            }
            let mut day = area_day(current).unwrap_or_else(|| AreaDay::new(*area_id, *date));
            day.mark(*item_id, *mark, Stamp::of(op, context.arrival.as_ref()))?;
            Ok(FieldRecord::AreaDay(day))
        }
        OpKind::SettleMark {
            item_id,
            keep_device,
            ..
        } => {
            // The server checks the settler is the area's team's supervisor; the model, the role.
            if actor.role != crate::user::Role::Supervisor {
                return Err(OpError::NotAllowed);
            }
            let mut day = area_day(current).ok_or(OpError::NotFound("checklist of that day"))?;
            day.settle(*item_id, *keep_device)?;
            Ok(FieldRecord::AreaDay(day))
        }
        OpKind::FinishArea { area_id, date } => {
            let mut day = area_day(current).unwrap_or_else(|| AreaDay::new(*area_id, *date));
            day.finish(&due_items(context.items, *area_id, *date), &op.user, at)?;
            Ok(FieldRecord::AreaDay(day))
        }
        OpKind::ReviewArea { verdict, .. } => {
            // Nothing ticked: no record of the day, and nothing to check.
            let mut day = area_day(current).ok_or(OpError::NotFound("checklist of that day"))?;
            day.review(verdict.clone(), &op.user, at)?;
            Ok(FieldRecord::AreaDay(day))
        }
        OpKind::SaveVacantRecord {
            record_id,
            unit_id,
            started_at,
            ended_at,
            checks,
            note,
            photos,
        } => {
            if current.is_some() {
                return Err(OpError::AlreadyExists("a vacant-unit record with this id"));
            }
            let mut record = VacantRecord {
                id: *record_id,
                unit_id: *unit_id,
                cleaner: op.user.clone(),
                started_at: *started_at,
                ended_at: *ended_at,
                checks: checks.clone(),
                note: note.clone(),
                photos: photos.clone(),
                review: None,
                seq: 0,
                stamp: Some(Stamp::of(op, context.arrival.as_ref())),
                conflict_with: None,
                set_aside: false,
            };
            record.check()?;
            Ok(match met(&mut record, context.others) {
                Some(other) => FieldRecord::VacantPair(record, Box::new(other)),
                None => FieldRecord::VacantRecord(record),
            })
        }
        // The server checks the settler supervises the unit's team; the model, the role.
        OpKind::SettleVacantRecord { .. } => match current {
            Some(FieldRecord::VacantRecord(keep)) => settled(actor, keep, context.others)
                .map(|(keep, other)| FieldRecord::VacantPair(keep, Box::new(other))),
            _ => Err(OpError::NotFound("vacant-unit record")),
        },
        OpKind::ReviewVacantRecord { verdict, .. } => {
            let Some(FieldRecord::VacantRecord(mut record)) = current else {
                return Err(OpError::NotFound("vacant-unit record"));
            };
            record.review(verdict.clone(), &op.user, at)?;
            Ok(FieldRecord::VacantRecord(record))
        }
        OpKind::ReportFinding {
            finding_id,
            area_id,
            place,
            source,
            problem,
            note,
            photos,
        } => {
            if current.is_some() {
                return Err(OpError::AlreadyExists("a finding with this id"));
            }
            let place = match context.area_name {
                Some(name) if area_id.is_some() && place.trim().is_empty() => name,
                _ => place.as_str(),
            };
            let finding = Finding::report(
                *finding_id,
                actor,
                *area_id,
                place,
                source.clone(),
                *problem,
                note,
                photos.clone(),
                at,
            )?;
            Ok(FieldRecord::Finding(finding))
        }
        // A finding's steps, by the rule of `crate::conflict` (`Finding::change`). One arm and
        // one step function: an arm per step costs the phone's wasm ~5 KiB raw of moves and drops.
        OpKind::AssignFinding { .. }
        | OpKind::CloseFinding { .. }
        | OpKind::ConfirmFinding { .. }
        | OpKind::ReopenFinding { .. } => finding(current)?
            .change(
                context.finding_before,
                Stamp::of(op, context.arrival.as_ref()),
                &|f| finding_step(op, actor, f),
            )
            .map(FieldRecord::Finding),
        // The server checks the settler supervises the finding's team; so does the model.
        OpKind::SettleFinding { keep_device, .. } => finding(current)?
            .settle(actor, *keep_device)
            .map(FieldRecord::Finding),
        OpKind::SubmitRound {
            round_id,
            kind,
            date,
            started_at,
            ended_at,
            areas,
        } => {
            if current.is_some() {
                return Err(OpError::AlreadyExists("a patrol round with this id"));
            }
            // A round is its supervisor's team's.
            let Some(team) = actor.team.clone() else {
                return Err(OpError::NotAllowed);
            };
            let mut round = PatrolRound {
                id: *round_id,
                team,
                kind: *kind,
                date: *date,
                supervisor: op.user.clone(),
                started_at: *started_at,
                ended_at: *ended_at,
                areas: areas.clone(),
                seq: 0,
                stamp: Some(Stamp::of(op, context.arrival.as_ref())),
                conflict_with: None,
                set_aside: false,
            };
            round.check()?;
            Ok(match met(&mut round, context.rounds) {
                Some(other) => FieldRecord::RoundPair(round, Box::new(other)),
                None => FieldRecord::Round(round),
            })
        }
        // The server checks the round is of the settler's team; the model, the role.
        OpKind::SettleRound { .. } => match current {
            Some(FieldRecord::Round(keep)) => settled(actor, keep, context.rounds)
                .map(|(keep, other)| FieldRecord::RoundPair(keep, Box::new(other))),
            _ => Err(OpError::NotFound("patrol round")),
        },
        // Work-order kinds: refused above.
        _ => Err(OpError::BadValue("the operation is about a work order")),
    }
}

/// The findings a vacant-unit record's problems become, sent right after it: one for each item
/// marked as a problem, with its note and its photos (the record's, filed once with it), at
/// `place` (the unit's name). The supervisor makes each a task like any other finding.
pub fn vacant_problems(
    record: &VacantRecord,
    place: &str,
    mut new_id: impl FnMut() -> Uuid,
) -> Vec<OpKind> {
    record
        .checks
        .iter()
        .filter(|c| !c.pass)
        .map(|c| OpKind::ReportFinding {
            finding_id: new_id(),
            area_id: None,
            place: place.to_string(),
            source: FindingSource::VacantUnit(record.id),
            problem: match c.item {
                VacantStandard::DoorsWindowsClosed => ProblemKind::Safety,
                _ => ProblemKind::Dirty,
            },
            note: c.note.trim().to_string(),
            photos: record
                .photos
                .iter()
                .filter(|p| p.slot == c.item.slot())
                .cloned()
                .collect(),
        })
        .collect()
}

/// A new record met with the stored ones of its kind (`crate::conflict::meet`): the first it is now
/// in conflict with, changed to name it.
fn met<T: Twin + Clone>(new: &mut T, stored: &[T]) -> Option<T> {
    stored.iter().find_map(|other| {
        let mut other = other.clone();
        crate::conflict::meet(new, &mut other).then_some(other)
    })
}

/// A supervisor keeps `keep` of two records in conflict, the other among `stored`; returns both
/// as they are to be stored (`crate::conflict::settle`).
fn settled<T: Twin + Clone>(actor: &Actor, mut keep: T, stored: &[T]) -> Result<(T, T), OpError> {
    if actor.role != crate::user::Role::Supervisor {
        return Err(OpError::NotAllowed);
    }
    let with = *keep.pairing().0;
    let mut other = stored
        .iter()
        .find(|r| Some(r.id()) == with)
        .cloned()
        .ok_or(OpError::WrongState)?;
    crate::conflict::settle(&mut keep, &mut other)?;
    Ok((keep, other))
}

// `apply` refused a `current` of another kind than its operation's subject before these.

/// A finding's step `op` by `actor`, taken on `f` (the finding as shown, or as it was before).
fn finding_step(op: &Operation, actor: &Actor, f: &mut Finding) -> Result<(), OpError> {
    let at = op.device_time;
    match &op.kind {
        OpKind::AssignFinding { assignee, due, .. } => f.assign(actor, assignee.clone(), *due, at),
        OpKind::CloseFinding { note, photos, .. } => f.close(actor, note, photos.clone(), at),
        OpKind::ConfirmFinding { .. } => f.confirm(actor, at),
        OpKind::ReopenFinding { reason, .. } => f.reopen(actor, reason, at),
        _ => Err(OpError::BadValue("the operation is not a finding's step")),
    }
}

/// The area day in `current`, if there is one.
fn area_day(current: Option<FieldRecord>) -> Option<AreaDay> {
    match current {
        Some(FieldRecord::AreaDay(day)) => Some(day),
        _ => None,
    }
}

/// The finding in `current`: the operation is refused without one.
fn finding(current: Option<FieldRecord>) -> Result<Finding, OpError> {
    match current {
        Some(FieldRecord::Finding(f)) => Ok(f),
        _ => Err(OpError::NotFound("finding")),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, NaiveDate, Utc};
    use uuid::Uuid;

    use super::*;
    use crate::RejectCode;
    use crate::cleaning::{
        Mark, PhotoRef, Schedule, UNIT_PHOTO_SLOT, VacantCheck, VacantRecord, VacantStandard,
        Verdict,
    };
    use crate::findings::{Assignee, FindingSource, FindingState, ProblemKind};
    use crate::patrol::{AreaResult, RoundArea, RoundKind};
    use crate::user::Role;
    use crate::work_order::StatusNode;

    const AREA: Uuid = Uuid::from_u128(1);
    const OTHER_AREA: Uuid = Uuid::from_u128(2);

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn actor(name: &str, role: Role, team: Option<&str>) -> Actor {
        Actor {
            username: name.into(),
            role,
            team: team.map(str::to_string),
        }
    }

    fn cleaner() -> Actor {
        actor("cleaner1", Role::Cleaner, Some("team-a"))
    }

    fn supervisor() -> Actor {
        actor("supervisor1", Role::Supervisor, Some("team-a"))
    }

    fn op(by: &Actor, kind: OpKind) -> Operation {
        Operation {
            id: Uuid::new_v4(),
            user: by.username.clone(),
            device_id: Uuid::from_u128(99),
            device_time: at("2026-11-27T02:00:00Z"),
            kind,
        }
    }

    fn items() -> Vec<ChecklistItem> {
        [(10, AREA), (11, AREA), (12, OTHER_AREA)]
            .into_iter()
            .map(|(n, area_id)| ChecklistItem {
                id: Uuid::from_u128(n),
                area_id,
                label: format!("item {n}"),
                schedule: Schedule::Daily,
                position: 0,
            })
            .collect()
    }

    fn photo(n: u128, slot: &str) -> PhotoRef {
        PhotoRef {
            photo_id: Uuid::from_u128(n),
            slot: slot.into(),
            sha256: "c".repeat(64),
            bytes: 100,
            width: 10,
            height: 10,
            content_type: "image/jpeg".into(),
        }
    }

    fn mark(item: u128) -> Operation {
        op(
            &cleaner(),
            OpKind::MarkItem {
                area_id: AREA,
                item_id: Uuid::from_u128(item),
                date: day(),
                mark: Some(Mark::Done),
            },
        )
    }

    fn save_record(id: u128) -> Operation {
        op(
            &cleaner(),
            OpKind::SaveVacantRecord {
                record_id: Uuid::from_u128(id),
                unit_id: Uuid::from_u128(5),
                started_at: at("2026-11-27T01:00:00Z"),
                ended_at: at("2026-11-27T01:40:00Z"),
                checks: VacantStandard::ALL
                    .into_iter()
                    .map(|item| VacantCheck {
                        item,
                        pass: true,
                        note: String::new(),
                    })
                    .collect(),
                note: String::new(),
                photos: vec![photo(1, UNIT_PHOTO_SLOT)],
            },
        )
    }

    fn report(id: u128, area_id: Option<Uuid>, place: &str) -> Operation {
        op(
            &cleaner(),
            OpKind::ReportFinding {
                finding_id: Uuid::from_u128(id),
                area_id,
                place: place.into(),
                source: FindingSource::Spotted,
                problem: ProblemKind::Leak,
                note: String::new(),
                photos: vec![photo(2, "before")],
            },
        )
    }

    fn submit(id: u128) -> Operation {
        op(
            &supervisor(),
            OpKind::SubmitRound {
                round_id: Uuid::from_u128(id),
                kind: RoundKind::Morning,
                date: day(),
                started_at: at("2026-11-27T01:00:00Z"),
                ended_at: at("2026-11-27T01:30:00Z"),
                areas: vec![RoundArea {
                    area_id: AREA,
                    result: AreaResult::Pass,
                    note: String::new(),
                    failed_checks: vec![],
                }],
            },
        )
    }

    fn context(items: &[ChecklistItem]) -> FieldContext<'_> {
        FieldContext {
            items,
            area_name: Some("大堂"),
            arrival: None,
            others: &[],
            rounds: &[],
            finding_before: None,
        }
    }

    fn apply_ok(op: &Operation, by: &Actor, current: Option<FieldRecord>) -> FieldRecord {
        let items = items();
        apply(op, by, current, &context(&items)).unwrap()
    }

    fn apply_err(op: &Operation, by: &Actor, current: Option<FieldRecord>) -> OpError {
        let items = items();
        apply(op, by, current, &context(&items)).unwrap_err()
    }

    /// A problem on a vacant unit is a finding like any other: one per item marked as a problem,
    /// with the record's own photo of it, open for the supervisor to assign.
    #[test]
    fn a_vacant_unit_s_problems_become_findings_with_the_record_s_photos() {
        let OpKind::SaveVacantRecord {
            mut checks,
            mut photos,
            ..
        } = save_record(7).kind
        else {
            panic!("a record");
        };
        checks[1].pass = false;
        checks[1].note = " 墙角有蜘蛛网 ".into();
        checks[3].pass = false;
        checks[3].note = "窗户关不上".into();
        photos.push(photo(3, "walls"));
        photos.push(photo(4, "doors_windows"));
        let record = VacantRecord {
            id: Uuid::from_u128(7),
            unit_id: Uuid::from_u128(5),
            cleaner: "cleaner1".into(),
            started_at: at("2026-11-27T01:00:00Z"),
            ended_at: at("2026-11-27T01:40:00Z"),
            checks,
            note: String::new(),
            photos,
            review: None,
            stamp: None,
            conflict_with: None,
            set_aside: false,
            seq: 0,
        };
        record.check().unwrap();
        let mut n = 20;
        let kinds = vacant_problems(&record, "3栋 1204", || {
            n += 1;
            Uuid::from_u128(n)
        });
        assert_eq!(kinds.len(), 2);
        let mut made = Vec::new();
        for kind in kinds {
            let OpKind::ReportFinding { photos, .. } = &kind else {
                panic!("a finding");
            };
            assert!(record.shows_problems(photos));
            let FieldRecord::Finding(f) = apply_ok(&op(&cleaner(), kind), &cleaner(), None) else {
                panic!("a finding");
            };
            made.push(f);
        }
        let walls = &made[0];
        assert_eq!(
            (walls.place.as_str(), walls.note.as_str(), walls.problem),
            ("3栋 1204", "墙角有蜘蛛网", ProblemKind::Dirty)
        );
        assert_eq!(walls.source, FindingSource::VacantUnit(record.id));
        assert_eq!(walls.photos, vec![photo(3, "walls")]);
        assert_eq!(walls.state, FindingState::Open);
        assert_eq!(made[1].problem, ProblemKind::Safety);
        assert_eq!(made[1].photos, vec![photo(4, "doors_windows")]);
        // Only the record's own photos of its problems: not the unit photo, not another's.
        assert!(!record.shows_problems(&[photo(1, UNIT_PHOTO_SLOT)]));
        assert!(!record.shows_problems(&[photo(9, "walls")]));
        assert!(!record.shows_problems(&[]));
        // A record without problems makes none.
        let mut clean = record.clone();
        clean.checks.iter_mut().for_each(|c| c.pass = true);
        assert!(vacant_problems(&clean, "3栋 1204", Uuid::new_v4).is_empty());
    }

    #[test]
    fn a_tick_starts_the_day_and_must_name_an_item_of_the_area() {
        let FieldRecord::AreaDay(day_record) = apply_ok(&mark(10), &cleaner(), None) else {
            panic!("a tick makes an area day");
        };
        assert_eq!((day_record.area_id, day_record.date), (AREA, day()));
        assert_eq!(day_record.marks[&Uuid::from_u128(10)].by, "cleaner1");

        // Another area's item, or none at all: no such item here (the server's unknown_record).
        for item in [12, 13] {
            let e = apply_err(&mark(item), &cleaner(), None);
            assert_eq!(e, OpError::NotFound("checklist item in this area"));
            assert_eq!(RejectCode::from(e), RejectCode::UnknownRecord);
        }
    }

    #[test]
    fn an_area_finishes_with_every_due_item_marked_and_is_reviewed_only_once_started() {
        let finish = op(
            &cleaner(),
            OpKind::FinishArea {
                area_id: AREA,
                date: day(),
            },
        );
        let started = apply_ok(&mark(10), &cleaner(), None);
        assert_eq!(
            apply_err(&finish, &cleaner(), Some(started.clone())),
            OpError::BadValue("items are still unticked")
        );
        let both = apply_ok(&mark(11), &cleaner(), Some(started));
        let FieldRecord::AreaDay(done) = apply_ok(&finish, &cleaner(), Some(both)) else {
            panic!("finishing keeps the area day");
        };
        assert_eq!(done.finished_by.as_deref(), Some("cleaner1"));

        let review = op(
            &supervisor(),
            OpKind::ReviewArea {
                area_id: AREA,
                date: day(),
                verdict: Verdict::Approved,
            },
        );
        let e = apply_err(&review, &supervisor(), None);
        assert_eq!(RejectCode::from(e), RejectCode::UnknownRecord);
        let FieldRecord::AreaDay(reviewed) =
            apply_ok(&review, &supervisor(), Some(FieldRecord::AreaDay(done)))
        else {
            panic!("a review keeps the area day");
        };
        assert_eq!(reviewed.review.unwrap().verdict, Verdict::Approved);
    }

    #[test]
    fn every_kind_of_record_is_made_once() {
        let creates = [
            (
                save_record(9),
                cleaner(),
                "a vacant-unit record with this id",
            ),
            (
                report(9, Some(AREA), ""),
                cleaner(),
                "a finding with this id",
            ),
            (submit(9), supervisor(), "a patrol round with this id"),
        ];
        for (create, by, what) in creates {
            let made = apply_ok(&create, &by, None);
            assert_eq!(made.subject(), create.subject());
            // The same operation again, or another one under the same id: refused, whatever the
            // record now holds, and with the code the server always answered.
            let again = apply_err(&create, &by, Some(made.clone()));
            assert_eq!(again, OpError::AlreadyExists(what));
            assert_eq!(RejectCode::from(again), RejectCode::InvalidValue);
        }
        // Before the operation's own checks: a taken id is refused even for an invalid record.
        let mut bad = report(9, None, "");
        let made = apply_ok(&report(9, Some(AREA), ""), &cleaner(), None);
        if let OpKind::ReportFinding { photos, .. } = &mut bad.kind {
            photos.clear();
        }
        assert!(matches!(
            apply_err(&bad, &cleaner(), Some(made)),
            OpError::AlreadyExists(_)
        ));
    }

    #[test]
    fn a_vacant_record_is_the_operation_s_checked_and_reviewed_until_approved() {
        let FieldRecord::VacantRecord(record) = apply_ok(&save_record(9), &cleaner(), None) else {
            panic!("saving makes a vacant record");
        };
        assert_eq!(record.cleaner, "cleaner1");
        assert_eq!(record.review, None);

        let mut incomplete = save_record(10);
        if let OpKind::SaveVacantRecord { photos, .. } = &mut incomplete.kind {
            photos.clear();
        }
        assert!(apply(&incomplete, &cleaner(), None, &FieldContext::default()).is_err());

        let review = |verdict| {
            op(
                &supervisor(),
                OpKind::ReviewVacantRecord {
                    record_id: Uuid::from_u128(9),
                    verdict,
                },
            )
        };
        assert_eq!(
            apply_err(&review(Verdict::Approved), &supervisor(), None),
            OpError::NotFound("vacant-unit record")
        );
        let approved = apply_ok(
            &review(Verdict::Approved),
            &supervisor(),
            Some(FieldRecord::VacantRecord(record)),
        );
        let back = Verdict::SentBack {
            reason: "门窗未关".into(),
        };
        assert_eq!(
            apply_err(&review(back), &supervisor(), Some(approved)),
            OpError::Closed
        );
    }

    #[test]
    fn a_finding_s_place_is_its_area_s_name_unless_one_was_typed() {
        let place = |op: &Operation| match apply_ok(op, &cleaner(), None) {
            FieldRecord::Finding(f) => f.place,
            other => panic!("a report makes a finding, not {other:?}"),
        };
        assert_eq!(place(&report(9, Some(AREA), " ")), "大堂");
        assert_eq!(place(&report(9, Some(AREA), "B座 入口")), "B座 入口");
        // Not in an area: the name given for one is not used, and a place must be typed.
        assert_eq!(place(&report(9, None, "地下车库")), "地下车库");
        assert_eq!(
            apply_err(&report(9, None, ""), &cleaner(), None),
            OpError::BadValue("where it is")
        );
        // Without a team nobody reports.
        let teamless = actor("cleaner1", Role::Cleaner, None);
        assert_eq!(
            apply_err(&report(9, Some(AREA), ""), &teamless, None),
            OpError::NotAllowed
        );
    }

    #[test]
    fn a_finding_goes_through_its_steps_and_none_of_them_without_it() {
        let id = Uuid::from_u128(9);
        let engineer = actor("engineer1", Role::Engineer, None);
        let assign = op(
            &supervisor(),
            OpKind::AssignFinding {
                finding_id: id,
                assignee: Assignee::Person {
                    username: "engineer1".into(),
                },
                due: at("2026-11-27T02:00:00Z") + Duration::hours(24),
            },
        );
        let close = op(
            &engineer,
            OpKind::CloseFinding {
                finding_id: id,
                note: "换了阀门".into(),
                photos: vec![photo(3, "after")],
            },
        );
        let reopen = op(
            &supervisor(),
            OpKind::ReopenFinding {
                finding_id: id,
                reason: "还在滴".into(),
            },
        );
        let confirm = op(&supervisor(), OpKind::ConfirmFinding { finding_id: id });
        for (step, by) in [
            (&assign, supervisor()),
            (&close, engineer.clone()),
            (&reopen, supervisor()),
            (&confirm, supervisor()),
        ] {
            let e = apply_err(step, &by, None);
            assert_eq!(e, OpError::NotFound("finding"));
            assert_eq!(RejectCode::from(e), RejectCode::UnknownRecord);
        }

        let f = apply_ok(&report(9, Some(AREA), ""), &cleaner(), None);
        // The model's own rules still hold: a cleaner does not assign.
        assert_eq!(
            apply_err(&assign, &cleaner(), Some(f.clone())),
            OpError::NotAllowed
        );
        let f = apply_ok(&assign, &supervisor(), Some(f));
        let f = apply_ok(&close, &engineer, Some(f));
        let f = apply_ok(&reopen, &supervisor(), Some(f));
        let f = apply_ok(&close, &engineer, Some(f));
        let FieldRecord::Finding(f) = apply_ok(&confirm, &supervisor(), Some(f)) else {
            panic!("a step keeps the finding");
        };
        assert_eq!(f.state, FindingState::Confirmed);
        assert_eq!(f.history.len(), 6);
    }

    #[test]
    fn a_round_is_its_supervisor_s_team_s() {
        let FieldRecord::Round(round) = apply_ok(&submit(9), &supervisor(), None) else {
            panic!("submitting makes a round");
        };
        assert_eq!(
            (round.team.as_str(), round.supervisor.as_str()),
            ("team-a", "supervisor1")
        );
        let teamless = actor("supervisor1", Role::Supervisor, None);
        assert_eq!(apply_err(&submit(9), &teamless, None), OpError::NotAllowed);
        let mut backwards = submit(9);
        if let OpKind::SubmitRound { ended_at, .. } = &mut backwards.kind {
            *ended_at = at("2026-11-27T00:00:00Z");
        }
        assert_eq!(
            apply_err(&backwards, &supervisor(), None),
            OpError::BadValue("the round's times")
        );
    }

    #[test]
    fn two_phones_marking_one_item_apart_keep_both_whichever_arrives_first_until_settled() {
        let items = items();
        let phone = |n: u128, mark: Mark, acted: &str| Operation {
            device_id: Uuid::from_u128(n),
            device_time: at(acted),
            ..op(
                &cleaner(),
                OpKind::MarkItem {
                    area_id: AREA,
                    item_id: Uuid::from_u128(10),
                    date: day(),
                    mark: Some(mark),
                },
            )
        };
        let done = phone(1, Mark::Done, "2026-11-27T02:00:00Z");
        let problem = phone(2, Mark::Problem, "2026-11-27T02:03:00Z");
        let arrive = |op: &Operation, when: &str, current| {
            let context = FieldContext {
                arrival: Some(Arrival {
                    received_at: at(when),
                    clock_offset_ms: Some(0),
                }),
                ..context(&items)
            };
            apply(op, &cleaner(), current, &context).unwrap()
        };
        let one = arrive(&done, "2026-11-27T04:00:00Z", None);
        let one = arrive(&problem, "2026-11-27T04:30:00Z", Some(one));
        let two = arrive(&problem, "2026-11-27T04:00:00Z", None);
        let two = arrive(&done, "2026-11-27T04:30:00Z", Some(two));
        let (FieldRecord::AreaDay(one), FieldRecord::AreaDay(two)) = (one, two) else {
            panic!("marks make an area day");
        };
        let item = Uuid::from_u128(10);
        for d in [&one, &two] {
            assert!(d.in_conflict());
            assert_eq!(d.marks[&item].mark, Mark::Problem, "the later action shows");
            assert_eq!(
                d.conflicts[&item].value,
                Some(Mark::Done),
                "the other is kept"
            );
            assert_eq!(d.stamps[&item].device, Uuid::from_u128(2));
        }
        // The same record, but for when each mark reached the server.
        assert_eq!(one.marks, two.marks);
        let kept = |d: &AreaDay| {
            let o = &d.conflicts[&item];
            (o.value, o.stamp.device, o.stamp.at)
        };
        assert_eq!(kept(&one), kept(&two));

        // Only a supervisor settles, keeping one device's mark, once.
        let settle = op(
            &supervisor(),
            OpKind::SettleMark {
                area_id: AREA,
                date: day(),
                item_id: item,
                keep_device: Uuid::from_u128(1),
            },
        );
        let current = Some(FieldRecord::AreaDay(one));
        assert_eq!(
            apply_err(&settle, &cleaner(), current.clone()),
            OpError::NotAllowed
        );
        let FieldRecord::AreaDay(settled) = apply_ok(&settle, &supervisor(), current) else {
            panic!("settling keeps the area day");
        };
        assert!(!settled.in_conflict());
        assert_eq!(settled.marks[&item].mark, Mark::Done);
        let again = apply_err(&settle, &supervisor(), Some(FieldRecord::AreaDay(settled)));
        assert_eq!(RejectCode::from(again), RejectCode::InvalidTransition);
    }

    #[test]
    fn two_phones_recording_one_unit_on_one_day_apart_keep_both_in_either_order_until_settled() {
        // Phone 1 finds everything in order at 10:00, phone 2 a wet floor at 10:20, both offline.
        let phone = |n: u128, floor_ok: bool, acted: &str| {
            let mut op = save_record(n);
            op.device_id = Uuid::from_u128(n);
            op.device_time = at(acted);
            if let OpKind::SaveVacantRecord { checks, photos, .. } = &mut op.kind {
                checks[0].pass = floor_ok;
                checks[0].note = if floor_ok { "" } else { "地面有水" }.into();
                if !floor_ok {
                    photos.push(photo(3, VacantStandard::FloorClear.slot()));
                }
            }
            op
        };
        let ok = phone(1, true, "2026-11-27T02:00:00Z");
        let wet = phone(2, false, "2026-11-27T02:20:00Z");
        let arrive = |op: &Operation, when: &str, others: &[VacantRecord]| {
            let context = FieldContext {
                arrival: Some(Arrival {
                    received_at: at(when),
                    clock_offset_ms: Some(0),
                }),
                others,
                ..FieldContext::default()
            };
            apply(op, &cleaner(), None, &context).unwrap()
        };
        let alone = |r: FieldRecord| match r {
            FieldRecord::VacantRecord(r) => r,
            other => panic!("the first record of the day stands alone, not {other:?}"),
        };
        let pair = |r: FieldRecord| match r {
            FieldRecord::VacantPair(new, stored) => (new, *stored),
            other => panic!("the second record of the day meets the first, not {other:?}"),
        };
        // Either phone finds signal first; the other arrives half an hour later.
        let first = alone(arrive(&ok, "2026-11-27T04:00:00Z", &[]));
        let (wet_one, ok_one) = pair(arrive(&wet, "2026-11-27T04:30:00Z", &[first]));
        let first = alone(arrive(&wet, "2026-11-27T04:00:00Z", &[]));
        let (ok_two, wet_two) = pair(arrive(&ok, "2026-11-27T04:30:00Z", &[first]));
        for (ok, wet) in [(&ok_one, &wet_one), (&ok_two, &wet_two)] {
            assert_eq!(
                (ok.conflict_with, wet.conflict_with),
                (Some(wet.id), Some(ok.id)),
                "each names the other"
            );
            let (o, w) = (ok.side().unwrap(), wet.side().unwrap());
            assert_eq!(
                (o.value, w.value),
                (vec![], vec![VacantStandard::FloorClear])
            );
            assert!(w.stamp.shown_before(&o.stamp), "the later action first");
        }
        // The same records, but for when each reached the server.
        let what = |r: &VacantRecord| {
            let s = r.side().unwrap();
            (r.problems(), r.conflict_with, s.stamp.device, s.stamp.at)
        };
        assert_eq!(what(&ok_one), what(&ok_two));
        assert_eq!(what(&wet_one), what(&wet_two));

        // A record of the same day with the same findings, or one made after the first could be
        // seen, or one of another day: no conflict.
        let stored = ok_one.clone();
        let clean = |r: &VacantRecord| VacantRecord {
            conflict_with: None,
            ..r.clone()
        };
        let same = phone(3, true, "2026-11-27T02:30:00Z");
        let later = phone(4, false, "2026-11-27T05:00:00Z");
        let mut next_day = phone(5, false, "2026-11-28T02:00:00Z");
        if let OpKind::SaveVacantRecord {
            started_at,
            ended_at,
            ..
        } = &mut next_day.kind
        {
            *started_at = at("2026-11-28T01:00:00Z");
            *ended_at = at("2026-11-28T01:40:00Z");
        }
        for op in [same, later, next_day] {
            alone(arrive(&op, "2026-11-28T04:00:00Z", &[clean(&stored)]));
        }
        // A record in conflict is not approved until settled.
        let review = op(
            &supervisor(),
            OpKind::ReviewVacantRecord {
                record_id: ok_one.id,
                verdict: Verdict::Approved,
            },
        );
        assert_eq!(
            apply_err(
                &review,
                &supervisor(),
                Some(FieldRecord::VacantRecord(ok_one.clone()))
            ),
            OpError::BadValue("a conflict is not settled")
        );

        // Only a supervisor settles, keeping one record and setting the other aside, once.
        let settle = op(
            &supervisor(),
            OpKind::SettleVacantRecord {
                record_id: wet_one.id,
            },
        );
        let items = items();
        let others = [ok_one.clone()];
        let with_other = FieldContext {
            others: &others,
            ..context(&items)
        };
        let current = Some(FieldRecord::VacantRecord(wet_one.clone()));
        assert_eq!(
            apply(&settle, &cleaner(), current.clone(), &with_other),
            Err(OpError::NotAllowed)
        );
        let (kept, aside) = pair(apply(&settle, &supervisor(), current, &with_other).unwrap());
        assert_eq!((kept.conflict_with, kept.set_aside), (None, false));
        assert_eq!(
            (aside.id, aside.conflict_with, aside.set_aside),
            (ok_one.id, None, true)
        );
        let others = [aside];
        let again = apply(
            &settle,
            &supervisor(),
            Some(FieldRecord::VacantRecord(kept)),
            &FieldContext {
                others: &others,
                ..context(&items)
            },
        );
        assert_eq!(
            RejectCode::from(again.unwrap_err()),
            RejectCode::InvalidTransition
        );
    }

    #[test]
    fn two_tablets_submitting_one_round_apart_keep_both_in_either_order_until_settled() {
        // The supervisor's tablet passes the lobby at 09:20; their phone, offline, found a
        // problem there at 09:25 (its finding reported first, as the phone sends it).
        let tablet = |n: u128, finding: bool, acted: &str| {
            let mut op = submit(n);
            op.device_id = Uuid::from_u128(n);
            op.device_time = at(acted);
            if let OpKind::SubmitRound { areas, .. } = &mut op.kind
                && finding
            {
                areas[0].result = AreaResult::Finding {
                    finding_id: Uuid::from_u128(40 + n),
                };
            }
            op
        };
        let pass = tablet(1, false, "2026-11-27T01:20:00Z");
        let problem = tablet(2, true, "2026-11-27T01:25:00Z");
        let arrive = |op: &Operation, when: &str, rounds: &[PatrolRound]| {
            let context = FieldContext {
                arrival: Some(Arrival {
                    received_at: at(when),
                    clock_offset_ms: Some(0),
                }),
                rounds,
                ..FieldContext::default()
            };
            apply(op, &supervisor(), None, &context).unwrap()
        };
        let alone = |r: FieldRecord| match r {
            FieldRecord::Round(r) => r,
            other => panic!("the first round stands alone, not {other:?}"),
        };
        let pair = |r: FieldRecord| match r {
            FieldRecord::RoundPair(new, stored) => (new, *stored),
            other => panic!("the second round meets the first, not {other:?}"),
        };
        let first = alone(arrive(&pass, "2026-11-27T03:00:00Z", &[]));
        let (problem_one, pass_one) = pair(arrive(&problem, "2026-11-27T03:30:00Z", &[first]));
        let first = alone(arrive(&problem, "2026-11-27T03:00:00Z", &[]));
        let (pass_two, problem_two) = pair(arrive(&pass, "2026-11-27T03:30:00Z", &[first]));
        let what = |r: &PatrolRound| {
            let s = r.stamp.clone().unwrap();
            (r.id, r.tally(), r.conflict_with, s.device, s.at)
        };
        // The same two rounds, each naming the other, whichever tablet found signal first.
        assert_eq!(what(&pass_one), what(&pass_two));
        assert_eq!(what(&problem_one), what(&problem_two));
        assert_eq!(
            (pass_one.conflict_with, problem_one.conflict_with),
            (Some(problem_one.id), Some(pass_one.id))
        );
        assert_eq!(
            (pass_one.tally(), problem_one.tally()),
            ([1, 0, 0], [0, 1, 0])
        );

        // The same results (other findings' ids), a round made after the first could be seen,
        // another kind, day or supervisor: no conflict.
        let stored = PatrolRound {
            conflict_with: None,
            ..problem_one.clone()
        };
        let same = tablet(3, true, "2026-11-27T01:26:00Z");
        let later = tablet(4, false, "2026-11-27T04:00:00Z");
        let mut afternoon = tablet(5, false, "2026-11-27T01:26:00Z");
        if let OpKind::SubmitRound { kind, .. } = &mut afternoon.kind {
            *kind = RoundKind::Afternoon;
        }
        for op in [same, later, afternoon] {
            alone(arrive(
                &op,
                "2026-11-27T05:00:00Z",
                std::slice::from_ref(&stored),
            ));
        }
        let other_supervisor = PatrolRound {
            supervisor: "supervisor2".into(),
            ..stored.clone()
        };
        alone(arrive(
            &tablet(6, false, "2026-11-27T01:26:00Z"),
            "2026-11-27T05:00:00Z",
            &[other_supervisor],
        ));

        // Only a supervisor settles, keeping one round and setting the other aside, once.
        let settle = op(
            &supervisor(),
            OpKind::SettleRound {
                round_id: problem_one.id,
            },
        );
        let others = [pass_one.clone()];
        let with_other = FieldContext {
            rounds: &others,
            ..FieldContext::default()
        };
        let current = Some(FieldRecord::Round(problem_one.clone()));
        assert_eq!(
            apply(&settle, &cleaner(), current.clone(), &with_other),
            Err(OpError::NotAllowed)
        );
        let (kept, aside) = pair(apply(&settle, &supervisor(), current, &with_other).unwrap());
        assert_eq!((kept.conflict_with, kept.set_aside), (None, false));
        assert_eq!(
            (
                aside.id,
                aside.conflict_with,
                aside.set_aside,
                aside.stands()
            ),
            (pass_one.id, None, true, false)
        );
        // The board counts the kept round: the morning round is done once.
        let states =
            crate::patrol::round_states(at("2026-11-27T05:00:00Z"), std::slice::from_ref(&aside));
        assert_eq!(
            states[0].1,
            crate::patrol::RoundState::Missed,
            "set aside: not done"
        );
        let others = [aside];
        let again = apply(
            &settle,
            &supervisor(),
            Some(FieldRecord::Round(kept)),
            &FieldContext {
                rounds: &others,
                ..FieldContext::default()
            },
        );
        assert_eq!(
            RejectCode::from(again.unwrap_err()),
            RejectCode::InvalidTransition
        );
    }

    #[test]
    fn an_operation_applies_only_to_its_own_record_and_never_to_a_work_order() {
        let day_record = apply_ok(&mark(10), &cleaner(), None);
        // Another finding's record, or another kind of record, is not this operation's.
        let other = apply_ok(&report(8, Some(AREA), ""), &cleaner(), None);
        let confirm = op(
            &supervisor(),
            OpKind::ConfirmFinding {
                finding_id: Uuid::from_u128(9),
            },
        );
        for current in [other, day_record] {
            assert_eq!(
                apply_err(&confirm, &supervisor(), Some(current)),
                OpError::BadValue("the operation is not about this record")
            );
        }
        let status = op(
            &actor("engineer1", Role::Engineer, None),
            OpKind::SetStatus {
                work_order_id: Uuid::from_u128(7),
                node: StatusNode::Arrived,
            },
        );
        assert_eq!(
            apply_err(&status, &cleaner(), None),
            OpError::BadValue("the operation is about a work order")
        );
    }
}
