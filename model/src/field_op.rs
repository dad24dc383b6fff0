//! Field operations applied to their records: ticks, finishing and spot checks of an area's day,
//! vacant-unit records, findings and patrol rounds.
//!
//! The one mapping from an operation to the record it makes or changes, run by the phone (to show
//! the change at once) and by the server (to keep it). The caller loads the record the operation
//! is about ([`Operation::subject`]) and the little it needs besides ([`FieldContext`]); the
//! server authorises first (roles, teams, assignments by its own rows); this decides, and the
//! caller saves what it returns. A refused operation returns nothing to save.

use crate::cleaning::{AreaDay, ChecklistItem, VacantRecord, due_items};
use crate::conflict::{Arrival, Stamp};
use crate::findings::Finding;
use crate::op::{OpKind, Operation, Subject};
use crate::patrol::PatrolRound;
use crate::user::Actor;
use crate::validate::OpError;

/// A record a field operation is about, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldRecord {
    AreaDay(AreaDay),
    VacantRecord(VacantRecord),
    Finding(Finding),
    Round(PatrolRound),
}

impl FieldRecord {
    /// What the record is, in the terms of [`Operation::subject`].
    pub fn subject(&self) -> Subject {
        match self {
            FieldRecord::AreaDay(day) => Subject::AreaDay(day.area_id, day.date),
            FieldRecord::VacantRecord(r) => Subject::VacantRecord(r.id),
            FieldRecord::Finding(f) => Subject::Finding(f.id),
            FieldRecord::Round(r) => Subject::Round(r.id),
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
            let record = VacantRecord {
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
            };
            record.check()?;
            Ok(FieldRecord::VacantRecord(record))
        }
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
        OpKind::AssignFinding { assignee, due, .. } => {
            let mut f = finding(current)?;
            f.assign(actor, assignee.clone(), *due, at)?;
            Ok(FieldRecord::Finding(f))
        }
        OpKind::CloseFinding { note, photos, .. } => {
            let mut f = finding(current)?;
            f.close(actor, note, photos.clone(), at)?;
            Ok(FieldRecord::Finding(f))
        }
        OpKind::ConfirmFinding { .. } => {
            let mut f = finding(current)?;
            f.confirm(actor, at)?;
            Ok(FieldRecord::Finding(f))
        }
        OpKind::ReopenFinding { reason, .. } => {
            let mut f = finding(current)?;
            f.reopen(actor, reason, at)?;
            Ok(FieldRecord::Finding(f))
        }
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
            let round = PatrolRound {
                id: *round_id,
                team,
                kind: *kind,
                date: *date,
                supervisor: op.user.clone(),
                started_at: *started_at,
                ended_at: *ended_at,
                areas: areas.clone(),
                seq: 0,
            };
            round.check()?;
            Ok(FieldRecord::Round(round))
        }
        // Work-order kinds: refused above.
        _ => Err(OpError::BadValue("the operation is about a work order")),
    }
}

// `apply` refused a `current` of another kind than its operation's subject before these.

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
        Mark, PhotoRef, Schedule, UNIT_PHOTO_SLOT, VacantCheck, VacantStandard, Verdict,
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
