//! Findings (问题) and the follow-up tasks they become.
//!
//! A cleaner's problem report or a supervisor's patrol finding starts open. The supervisor assigns
//! it to a person or a department with a due time; the assignee closes it with an "after" photo;
//! the supervisor confirms it (never their own closing) or reopens it with a reason.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cleaning::{MAX_PHOTOS_PER_RECORD, PhotoRef, check_photos};
use crate::conflict::Stamp;
use crate::user::Role;
use crate::validate::{OpError, limits, text_ok};

pub use crate::user::Actor;

/// The departments a task can go to as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Department {
    /// 工程部: the engineers.
    Engineering,
    /// 保洁: the cleaners.
    Cleaning,
}

impl Department {
    /// The department a role works in, if it is one.
    pub fn of(role: Role) -> Option<Department> {
        match role {
            Role::Engineer => Some(Department::Engineering),
            Role::Cleaner => Some(Department::Cleaning),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assignee {
    Person { username: String },
    Department { department: Department },
}

/// Where a finding came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingSource {
    /// "Problem" on a checklist item.
    Checklist { item_id: Uuid, date: NaiveDate },
    /// A supervisor's patrol round.
    Patrol { round_id: Uuid },
    /// Damage someone saw on their way (two taps from anywhere).
    Spotted,
    /// The fix task of a customer's complaint (`crate::complaints`): made with it, due in working
    /// days; confirming it makes the complaint's call-back due.
    Complaint { complaint_id: Uuid },
    /// An item the vacant-unit record (its id) marked as a problem
    /// (`crate::field_op::vacant_problems`), sent with the record; its photo is the record's own.
    /// A newtype, not `{ record_id }`: serde's struct variants cost the field wasm more.
    VacantUnit(Uuid),
}

/// The common problems offered as one tap instead of typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// 设施损坏
    Damaged,
    /// 漏水 / 积水
    Leak,
    /// 灯不亮
    LightOut,
    /// 堵塞
    Blocked,
    /// 垃圾未清 / 脏污
    Dirty,
    /// 安全隐患
    Safety,
    Other,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 7] = [
        ProblemKind::Damaged,
        ProblemKind::Leak,
        ProblemKind::LightOut,
        ProblemKind::Blocked,
        ProblemKind::Dirty,
        ProblemKind::Safety,
        ProblemKind::Other,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingState {
    /// Reported; waiting for the supervisor to give it to someone.
    Open,
    /// A task with an owner and a due time.
    Assigned,
    /// The owner says it is fixed, with an after photo.
    Fixed,
    /// The supervisor saw the after photo and agreed.
    Confirmed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingEvent {
    Reported,
    Assigned { to: Assignee, due: DateTime<Utc> },
    Fixed { note: String },
    Confirmed,
    Reopened { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingStep {
    pub event: FindingEvent,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub id: Uuid,
    pub team: String,
    #[serde(default)]
    pub area_id: Option<Uuid>,
    /// The place in words when it is not one of the areas ("B座 地下车库 入口").
    #[serde(default)]
    pub place: String,
    pub source: FindingSource,
    pub problem: ProblemKind,
    #[serde(default)]
    pub note: String,
    pub reported_by: String,
    pub reported_at: DateTime<Utc>,
    /// The "before" photos.
    #[serde(default)]
    pub photos: Vec<PhotoRef>,
    pub state: FindingState,
    #[serde(default)]
    pub assignee: Option<Assignee>,
    #[serde(default)]
    pub due: Option<DateTime<Utc>>,
    /// The "after" photos of the latest closing.
    #[serde(default)]
    pub after_photos: Vec<PhotoRef>,
    #[serde(default)]
    pub history: Vec<FindingStep>,
    #[serde(default)]
    pub seq: i64,
    /// The step that made the finding as it shows (`crate::conflict`): who, which device, when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Stamp>,
    /// In conflict: the finding as another device's step, made without the shown one, left it;
    /// kept beside it until the supervisor keeps one ([`Finding::settle`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Box<Finding>>,
}

fn note_ok(s: &str) -> bool {
    text_ok(s, limits::MAX_TEXT_CHARS)
}

/// What a person may do to a finding: pure rules, the same on the phone and on the server.
impl Finding {
    #[allow(clippy::too_many_arguments)]
    pub fn report(
        id: Uuid,
        actor: &Actor,
        area_id: Option<Uuid>,
        place: &str,
        source: FindingSource,
        problem: ProblemKind,
        note: &str,
        photos: Vec<PhotoRef>,
        at: DateTime<Utc>,
    ) -> Result<Finding, OpError> {
        let Some(team) = actor.team.clone() else {
            return Err(OpError::NotAllowed);
        };
        if !matches!(
            actor.role,
            Role::Cleaner | Role::Supervisor | Role::Engineer
        ) {
            return Err(OpError::NotAllowed);
        }
        if !note_ok(note) || !text_ok(place, limits::MAX_SHORT_CHARS) || place.contains('\n') {
            return Err(OpError::BadValue("note"));
        }
        if area_id.is_none() && place.trim().is_empty() {
            return Err(OpError::BadValue("where it is"));
        }
        if problem == ProblemKind::Other && note.trim().is_empty() {
            return Err(OpError::BadValue("a note saying what the problem is"));
        }
        if photos.is_empty() {
            return Err(OpError::BadPhoto("a finding needs a photo"));
        }
        check_photos(&photos, MAX_PHOTOS_PER_RECORD)?;
        Ok(Finding {
            id,
            team,
            area_id,
            place: place.trim().to_string(),
            source,
            problem,
            note: note.trim().to_string(),
            reported_by: actor.username.clone(),
            reported_at: at,
            photos,
            state: FindingState::Open,
            assignee: None,
            due: None,
            after_photos: Vec::new(),
            history: vec![FindingStep {
                event: FindingEvent::Reported,
                by: actor.username.clone(),
                at,
            }],
            seq: 0,
            stamp: None,
            conflict: None,
        })
    }

    fn supervisor_of_team(&self, actor: &Actor) -> bool {
        actor.role == Role::Supervisor && actor.team.as_deref() == Some(self.team.as_str())
    }

    /// Whether `actor` is the one (or of the department) the task is assigned to. Engineering
    /// serves every team (engineers have none); the cleaning department is the finding's own
    /// team's cleaners, never another team's.
    pub fn is_assigned_to(&self, actor: &Actor) -> bool {
        match &self.assignee {
            Some(Assignee::Person { username }) => *username == actor.username,
            Some(Assignee::Department { department }) => {
                Department::of(actor.role) == Some(*department)
                    && (*department == Department::Engineering
                        || actor.team.as_deref() == Some(self.team.as_str()))
            }
            None => false,
        }
    }

    /// Whether `actor` may see this finding at all (in conflict, either side's assignee).
    pub fn visible_to(&self, actor: &Actor) -> bool {
        self.conflict.as_ref().is_some_and(|c| c.visible_to(actor))
            || self.reported_by == actor.username
            || self.supervisor_of_team(actor)
            || (self.is_assigned_to(actor)
                && matches!(
                    self.state,
                    FindingState::Assigned | FindingState::Fixed | FindingState::Confirmed
                ))
    }

    fn step(&mut self, event: FindingEvent, actor: &Actor, at: DateTime<Utc>) {
        self.history.push(FindingStep {
            event,
            by: actor.username.clone(),
            at,
        });
    }

    /// Give the finding to a person or department. Only the team's supervisor; again while it is
    /// assigned (to move it), not once fixed.
    pub fn assign(
        &mut self,
        actor: &Actor,
        to: Assignee,
        due: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<(), OpError> {
        if !self.supervisor_of_team(actor) {
            return Err(OpError::NotAllowed);
        }
        if !matches!(self.state, FindingState::Open | FindingState::Assigned) {
            return Err(OpError::WrongState);
        }
        if let Assignee::Person { username } = &to
            && (username.trim().is_empty() || username.len() > limits::MAX_SHORT_CHARS)
        {
            return Err(OpError::BadValue("assignee"));
        }
        if due <= self.reported_at {
            return Err(OpError::BadValue("the due time is before the finding"));
        }
        self.assignee = Some(to.clone());
        self.due = Some(due);
        self.state = FindingState::Assigned;
        self.step(FindingEvent::Assigned { to, due }, actor, at);
        Ok(())
    }

    /// The assignee says it is fixed: never without an after photo.
    pub fn close(
        &mut self,
        actor: &Actor,
        note: &str,
        after: Vec<PhotoRef>,
        at: DateTime<Utc>,
    ) -> Result<(), OpError> {
        if self.state != FindingState::Assigned {
            return Err(OpError::WrongState);
        }
        if !self.is_assigned_to(actor) {
            return Err(OpError::NotAllowed);
        }
        if !note_ok(note) {
            return Err(OpError::BadValue("note"));
        }
        if after.is_empty() {
            return Err(OpError::BadPhoto("closing needs an after photo"));
        }
        check_photos(&after, MAX_PHOTOS_PER_RECORD)?;
        if after
            .iter()
            .any(|a| self.photos.iter().any(|b| b.photo_id == a.photo_id))
        {
            return Err(OpError::BadPhoto("the after photo is a before photo"));
        }
        self.after_photos = after;
        self.state = FindingState::Fixed;
        self.step(
            FindingEvent::Fixed {
                note: note.trim().to_string(),
            },
            actor,
            at,
        );
        Ok(())
    }

    /// Who closed it last.
    pub fn fixed_by(&self) -> Option<&str> {
        self.history
            .iter()
            .rev()
            .find(|s| matches!(s.event, FindingEvent::Fixed { .. }))
            .map(|s| s.by.as_str())
    }

    /// The team's supervisor agrees it is fixed; never the person who fixed it.
    pub fn confirm(&mut self, actor: &Actor, at: DateTime<Utc>) -> Result<(), OpError> {
        if !self.supervisor_of_team(actor) || self.fixed_by() == Some(actor.username.as_str()) {
            return Err(OpError::NotAllowed);
        }
        if self.state != FindingState::Fixed {
            return Err(OpError::WrongState);
        }
        self.state = FindingState::Confirmed;
        self.step(FindingEvent::Confirmed, actor, at);
        Ok(())
    }

    /// The supervisor does not agree: back to the assignee, with the reason.
    pub fn reopen(
        &mut self,
        actor: &Actor,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<(), OpError> {
        if !self.supervisor_of_team(actor) {
            return Err(OpError::NotAllowed);
        }
        if self.state != FindingState::Fixed {
            return Err(OpError::WrongState);
        }
        if reason.trim().is_empty() || !note_ok(reason) {
            return Err(OpError::BadValue("the reason for reopening"));
        }
        self.state = FindingState::Assigned;
        self.step(
            FindingEvent::Reopened {
                reason: reason.trim().to_string(),
            },
            actor,
            at,
        );
        Ok(())
    }

    /// Take one step (assign, close, confirm or reopen, as `step`) made with `stamp`, by the rule
    /// of `crate::conflict`. A step another device made without the shown one (before it could
    /// have seen it) is taken from `before`, the finding as it was before that one (the server
    /// keeps it; a phone has none, and its own steps never contest): if it leaves it differently,
    /// both are kept and the finding is in conflict, the later action shown (so what it shows
    /// does not depend on which phone found signal first). Any other step is taken from the
    /// finding as it shows, allowed or refused as always. Nothing but settling is taken while in
    /// conflict.
    pub fn change(
        self,
        before: Option<&Finding>,
        stamp: Stamp,
        step: &dyn Fn(&mut Finding) -> Result<(), OpError>,
    ) -> Result<Finding, OpError> {
        if self.conflict.is_some() {
            return Err(OpError::WrongState);
        }
        if let (Some(shown), Some(before)) = (&self.stamp, before)
            && stamp.contests(shown)
        {
            let mut theirs = before.clone();
            if step(&mut theirs).is_ok() {
                if theirs.outcome() == self.outcome() {
                    return Ok(self);
                }
                let later = stamp.shown_before(shown);
                theirs.stamp = Some(stamp);
                let (mut shown, other) = if later {
                    (theirs, self)
                } else {
                    (self, theirs)
                };
                shown.conflict = Some(Box::new(other));
                return Ok(shown);
            }
        }
        let mut next = self;
        step(&mut next)?;
        next.stamp = Some(stamp);
        Ok(next)
    }

    /// What a step left, for telling two steps apart: the same outcome from two devices (two
    /// confirmations) is no conflict.
    #[allow(clippy::type_complexity)]
    fn outcome(
        &self,
    ) -> (
        FindingState,
        &Option<Assignee>,
        Option<DateTime<Utc>>,
        &[PhotoRef],
        Option<&FindingEvent>,
    ) {
        (
            self.state,
            &self.assignee,
            self.due,
            &self.after_photos,
            self.history.last().map(|s| &s.event),
        )
    }

    /// The team's supervisor settles a conflict by keeping the side `device`'s step made; the
    /// other stays in the history of operations only. Refused when not in conflict (a second
    /// settling) or when neither side came from `device`.
    pub fn settle(mut self, actor: &Actor, device: Uuid) -> Result<Finding, OpError> {
        if !self.supervisor_of_team(actor) {
            return Err(OpError::NotAllowed);
        }
        let other = self.conflict.take().ok_or(OpError::WrongState)?;
        let device_of = |f: &Finding| f.stamp.as_ref().map(|s| s.device);
        if device_of(&self) == Some(device) {
            Ok(self)
        } else if device_of(&other) == Some(device) {
            Ok(*other)
        } else {
            Err(OpError::WrongState)
        }
    }

    /// The state the finding shows: none while two devices' steps are both kept (it shows
    /// 有冲突 instead).
    pub fn shown_state(&self) -> Option<FindingState> {
        self.conflict.is_none().then_some(self.state)
    }

    /// Open or being worked on: what the board counts.
    pub fn is_open(&self) -> bool {
        !matches!(self.state, FindingState::Confirmed)
    }

    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.state == FindingState::Assigned && self.due.is_some_and(|d| d < now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn actor(name: &str, role: Role, team: &str) -> Actor {
        Actor {
            username: name.into(),
            role,
            team: Some(team.into()),
        }
    }

    fn photo(n: u128) -> PhotoRef {
        PhotoRef {
            photo_id: Uuid::from_u128(n),
            slot: "before".into(),
            sha256: "b".repeat(64),
            bytes: 10,
            width: 10,
            height: 10,
            content_type: "image/jpeg".into(),
        }
    }

    fn reported() -> Finding {
        Finding::report(
            Uuid::from_u128(1),
            &actor("cleaner1", Role::Cleaner, "a"),
            Some(Uuid::from_u128(7)),
            "",
            FindingSource::Spotted,
            ProblemKind::Leak,
            "水管滴水",
            vec![photo(1)],
            at("2026-11-27T01:00:00Z"),
        )
        .unwrap()
    }

    #[test]
    fn a_finding_goes_from_report_to_confirmation() {
        let sup = actor("supervisor1", Role::Supervisor, "a");
        let eng = actor("engineer1", Role::Engineer, "a");
        let mut f = reported();
        assert_eq!(f.state, FindingState::Open);
        let due = at("2026-11-28T01:00:00Z");
        let to = Assignee::Person {
            username: "engineer1".into(),
        };
        f.assign(&sup, to, due, at("2026-11-27T02:00:00Z")).unwrap();
        assert!(f.visible_to(&eng));
        assert!(f.is_overdue(at("2026-11-29T00:00:00Z")));
        // No closing without an after photo; not by someone else.
        assert_eq!(
            f.close(&eng, "", vec![], at("2026-11-27T03:00:00Z")),
            Err(OpError::BadPhoto("closing needs an after photo"))
        );
        let other = actor("engineer2", Role::Engineer, "a");
        assert_eq!(
            f.close(&other, "", vec![photo(2)], at("2026-11-27T03:00:00Z")),
            Err(OpError::NotAllowed)
        );
        assert_eq!(
            f.close(&eng, "", vec![photo(1)], at("2026-11-27T03:00:00Z")),
            Err(OpError::BadPhoto("the after photo is a before photo"))
        );
        f.close(&eng, "换了阀门", vec![photo(2)], at("2026-11-27T03:00:00Z"))
            .unwrap();
        assert_eq!(f.state, FindingState::Fixed);
        assert_eq!(f.fixed_by(), Some("engineer1"));
        // Reopen, fix again, confirm.
        f.reopen(&sup, "还在滴", at("2026-11-27T04:00:00Z"))
            .unwrap();
        assert_eq!(f.state, FindingState::Assigned);
        f.close(&eng, "", vec![photo(3)], at("2026-11-27T05:00:00Z"))
            .unwrap();
        assert_eq!(
            f.confirm(&eng, at("2026-11-27T06:00:00Z")),
            Err(OpError::NotAllowed)
        );
        f.confirm(&sup, at("2026-11-27T06:00:00Z")).unwrap();
        assert_eq!(f.state, FindingState::Confirmed);
        assert!(!f.is_open());
        assert_eq!(f.history.len(), 6);
        assert_eq!(
            f.reopen(&sup, "x", at("2026-11-27T07:00:00Z")),
            Err(OpError::WrongState)
        );
    }

    #[test]
    fn who_may_do_what() {
        let mut f = reported();
        let cleaner = actor("cleaner1", Role::Cleaner, "a");
        let other_sup = actor("supervisor2", Role::Supervisor, "b");
        let due = at("2026-11-28T01:00:00Z");
        let dept = Assignee::Department {
            department: Department::Cleaning,
        };
        // Only the team's own supervisor assigns.
        assert_eq!(
            f.assign(&cleaner, dept.clone(), due, at("2026-11-27T02:00:00Z")),
            Err(OpError::NotAllowed)
        );
        assert_eq!(
            f.assign(&other_sup, dept.clone(), due, at("2026-11-27T02:00:00Z")),
            Err(OpError::NotAllowed)
        );
        assert!(!f.visible_to(&other_sup));
        let sup = actor("supervisor1", Role::Supervisor, "a");
        f.assign(&sup, dept, due, at("2026-11-27T02:00:00Z"))
            .unwrap();
        // Another team's cleaner is not of this team's cleaning department.
        let elsewhere = actor("cleaner3", Role::Cleaner, "b");
        assert!(!f.is_assigned_to(&elsewhere) && !f.visible_to(&elsewhere));
        assert_eq!(
            f.close(&elsewhere, "", vec![photo(5)], at("2026-11-27T03:00:00Z")),
            Err(OpError::NotAllowed)
        );
        // The cleaning department: any cleaner may close; a cleaner cannot confirm their own
        // task, and a supervisor cannot confirm a task they closed themselves.
        f.close(&cleaner, "", vec![photo(5)], at("2026-11-27T03:00:00Z"))
            .unwrap();
        assert_eq!(
            f.confirm(&cleaner, at("2026-11-27T03:30:00Z")),
            Err(OpError::NotAllowed)
        );
        let mut g = reported();
        let to_self = Assignee::Person {
            username: "supervisor1".into(),
        };
        g.assign(&sup, to_self, due, at("2026-11-27T02:00:00Z"))
            .unwrap();
        g.close(&sup, "", vec![photo(6)], at("2026-11-27T03:00:00Z"))
            .unwrap();
        assert_eq!(
            g.confirm(&sup, at("2026-11-27T03:30:00Z")),
            Err(OpError::NotAllowed)
        );
        // A due time before the report is refused; so is a finding without a photo.
        let mut h = reported();
        let early = at("2026-11-26T00:00:00Z");
        let to = Assignee::Person {
            username: "engineer1".into(),
        };
        assert!(
            h.assign(&sup, to, early, at("2026-11-27T02:00:00Z"))
                .is_err()
        );
        let no_photo = Finding::report(
            Uuid::from_u128(2),
            &cleaner,
            None,
            "地下车库",
            FindingSource::Spotted,
            ProblemKind::Damaged,
            "",
            vec![],
            at("2026-11-27T01:00:00Z"),
        );
        assert_eq!(no_photo, Err(OpError::BadPhoto("a finding needs a photo")));
        let nowhere = Finding::report(
            Uuid::from_u128(2),
            &cleaner,
            None,
            " ",
            FindingSource::Spotted,
            ProblemKind::Damaged,
            "",
            vec![photo(1)],
            at("2026-11-27T01:00:00Z"),
        );
        assert_eq!(nowhere, Err(OpError::BadValue("where it is")));
    }

    fn stamp(by: &str, device: u128, acted: &str, received: &str) -> Stamp {
        Stamp {
            by: by.into(),
            device: Uuid::from_u128(device),
            at: at(acted),
            received_at: Some(at(received)),
        }
    }

    type Step = Box<dyn Fn(&mut Finding) -> Result<(), OpError>>;

    /// `first` then `second` taken as the server takes them, each with its stamp.
    fn both(start: &Finding, first: (&Stamp, &Step), second: (&Stamp, &Step)) -> Finding {
        start
            .clone()
            .change(None, first.0.clone(), first.1)
            .unwrap()
            .change(Some(start), second.0.clone(), second.1)
            .unwrap()
    }

    /// A finding assigned to cleaner1 (from the supervisor's tablet, device 9, at 02:00).
    fn assigned() -> Finding {
        let sup = actor("supervisor1", Role::Supervisor, "a");
        let to = Assignee::Person {
            username: "cleaner1".into(),
        };
        let due = at("2026-11-28T01:00:00Z");
        reported()
            .change(
                None,
                stamp(
                    "supervisor1",
                    9,
                    "2026-11-27T02:00:00Z",
                    "2026-11-27T02:00:00Z",
                ),
                &|f| f.assign(&sup, to.clone(), due, at("2026-11-27T02:00:00Z")),
            )
            .unwrap()
    }

    #[test]
    fn two_devices_stepping_one_finding_apart_keep_both_whichever_arrives_first() {
        let cleaner = actor("cleaner1", Role::Cleaner, "a");
        let sup = actor("supervisor1", Role::Supervisor, "a");
        let close = |note: &'static str, photo_n: u128, when: &'static str| -> Step {
            let cleaner = cleaner.clone();
            Box::new(move |f: &mut Finding| f.close(&cleaner, note, vec![photo(photo_n)], at(when)))
        };
        // A cleaner's two phones close it offline, 03:00 and 03:05; both reconnect at 04:00/04:30.
        let one = |r| stamp("cleaner1", 1, "2026-11-27T03:00:00Z", r);
        let two = |r| stamp("cleaner1", 2, "2026-11-27T03:05:00Z", r);
        let (c1, c2) = (
            close("擦干了", 11, "2026-11-27T03:00:00Z"),
            close("换了阀门", 12, "2026-11-27T03:05:00Z"),
        );
        let early = "2026-11-27T04:00:00Z";
        let late = "2026-11-27T04:30:00Z";
        let a = both(&assigned(), (&one(early), &c1), (&two(late), &c2));
        let b = both(&assigned(), (&two(early), &c2), (&one(late), &c1));
        for f in [&a, &b] {
            assert_eq!(f.state, FindingState::Fixed);
            assert_eq!(
                f.after_photos[0].photo_id,
                Uuid::from_u128(12),
                "the later closing shows"
            );
            let other = f.conflict.as_deref().expect("in conflict");
            assert_eq!(
                other.after_photos[0].photo_id,
                Uuid::from_u128(11),
                "the other is kept"
            );
            assert_eq!(other.stamp.as_ref().unwrap().device, Uuid::from_u128(1));
            assert_eq!(f.shown_state(), None, "it shows 有冲突, not a state");
            assert!(f.visible_to(&cleaner));
        }
        let shows = |f: &Finding| {
            let o = f.conflict.as_deref().unwrap();
            (
                f.after_photos.clone(),
                f.history.clone(),
                o.after_photos.clone(),
                o.history.clone(),
            )
        };
        assert_eq!(
            shows(&a),
            shows(&b),
            "the same whichever phone found signal first"
        );

        // While in conflict nothing but settling is taken; only the team's supervisor settles,
        // keeping one side, once.
        let confirm = stamp(
            "supervisor1",
            9,
            "2026-11-27T05:00:00Z",
            "2026-11-27T05:00:00Z",
        );
        assert_eq!(
            a.clone().change(None, confirm, &|f| f
                .confirm(&sup, at("2026-11-27T05:00:00Z"))),
            Err(OpError::WrongState)
        );
        assert_eq!(
            a.clone().settle(&cleaner, Uuid::from_u128(1)),
            Err(OpError::NotAllowed)
        );
        assert_eq!(
            a.clone().settle(&sup, Uuid::from_u128(7)),
            Err(OpError::WrongState)
        );
        let kept = a.settle(&sup, Uuid::from_u128(1)).unwrap();
        assert_eq!(
            (kept.shown_state(), kept.after_photos[0].photo_id),
            (Some(FindingState::Fixed), Uuid::from_u128(11))
        );
        assert_eq!(
            kept.clone().settle(&sup, Uuid::from_u128(1)),
            Err(OpError::WrongState),
            "exactly once"
        );
        let kept_two = b.settle(&sup, Uuid::from_u128(2)).unwrap();
        assert_eq!(kept_two.after_photos[0].photo_id, Uuid::from_u128(12));
        // Settled, it goes on as any finding.
        kept.change(
            None,
            stamp(
                "supervisor1",
                9,
                "2026-11-27T06:00:00Z",
                "2026-11-27T06:00:00Z",
            ),
            &|f| f.confirm(&sup, at("2026-11-27T06:00:00Z")),
        )
        .unwrap();
    }

    #[test]
    fn a_confirmation_and_a_reopening_apart_and_two_assignments_apart_are_conflicts() {
        let cleaner = actor("cleaner1", Role::Cleaner, "a");
        let sup = actor("supervisor1", Role::Supervisor, "a");
        let fixed = assigned()
            .change(
                None,
                stamp(
                    "cleaner1",
                    1,
                    "2026-11-27T03:00:00Z",
                    "2026-11-27T03:00:00Z",
                ),
                &|f| f.close(&cleaner, "", vec![photo(11)], at("2026-11-27T03:00:00Z")),
            )
            .unwrap();
        // The supervisor confirms on the tablet at 04:00; their phone, offline, reopens at 04:02.
        let sup2 = sup.clone();
        let confirm: Step = Box::new(move |f| f.confirm(&sup2, at("2026-11-27T04:00:00Z")));
        let sup3 = sup.clone();
        let reopen: Step = Box::new(move |f| f.reopen(&sup3, "还在滴", at("2026-11-27T04:02:00Z")));
        let tablet = |r| stamp("supervisor1", 9, "2026-11-27T04:00:00Z", r);
        let phone = |r| stamp("supervisor1", 8, "2026-11-27T04:02:00Z", r);
        let (early, late) = ("2026-11-27T04:05:00Z", "2026-11-27T04:40:00Z");
        for f in [
            both(&fixed, (&tablet(early), &confirm), (&phone(late), &reopen)),
            both(&fixed, (&phone(early), &reopen), (&tablet(late), &confirm)),
        ] {
            assert_eq!(
                f.state,
                FindingState::Assigned,
                "the later step (reopening) shows"
            );
            assert_eq!(
                f.conflict.as_deref().unwrap().state,
                FindingState::Confirmed
            );
            assert!(f.is_open(), "counted once, by the state it shows");
        }
        // Made after the other could be seen (past SEEN_AFTER): a normal refusal, as always.
        let seen = stamp("supervisor1", 8, "2026-11-27T04:30:00Z", late);
        let confirmed = fixed
            .clone()
            .change(Some(&assigned()), tablet(early), &confirm)
            .unwrap();
        assert_eq!(
            confirmed.clone().change(Some(&fixed), seen, &reopen),
            Err(OpError::WrongState)
        );
        // The same outcome from two devices (two confirmations) is no conflict.
        let sup4 = sup.clone();
        let again: Step = Box::new(move |f| f.confirm(&sup4, at("2026-11-27T04:01:00Z")));
        let twice = confirmed
            .change(
                Some(&fixed),
                stamp("supervisor1", 8, "2026-11-27T04:01:00Z", late),
                &again,
            )
            .unwrap();
        assert!(twice.conflict.is_none());
        // Without the finding before (a phone's own step), a step is taken as always.
        let own = fixed.change(None, phone(late), &confirm).unwrap();
        assert!(own.conflict.is_none());

        // Two assignments apart, to different people: both kept, either assignee sees it.
        let open = reported();
        let due = at("2026-11-28T01:00:00Z");
        let to = |who: &'static str| -> Step {
            let sup = sup.clone();
            Box::new(move |f| {
                let to = Assignee::Person {
                    username: who.into(),
                };
                f.assign(&sup, to, due, at("2026-11-27T02:00:00Z"))
            })
        };
        let t = |r| stamp("supervisor1", 9, "2026-11-27T02:00:00Z", r);
        let p = |r| stamp("supervisor1", 8, "2026-11-27T02:01:00Z", r);
        for f in [
            both(
                &open,
                (&t(early), &to("cleaner2")),
                (&p(late), &to("engineer1")),
            ),
            both(
                &open,
                (&p(early), &to("engineer1")),
                (&t(late), &to("cleaner2")),
            ),
        ] {
            assert_eq!(
                f.assignee,
                Some(Assignee::Person {
                    username: "engineer1".into()
                })
            );
            assert!(
                f.visible_to(&cleaner),
                "the other side's assignee still sees it"
            );
        }
    }
}
