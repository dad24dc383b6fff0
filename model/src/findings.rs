//! Findings (问题) and the follow-up tasks they become.
//!
//! A cleaner's problem report or a supervisor's patrol finding starts open. The supervisor assigns
//! it to a person or a department with a due time; the assignee closes it with an "after" photo;
//! the supervisor confirms it (never their own closing) or reopens it with a reason.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cleaning::{MAX_PHOTOS_PER_RECORD, PhotoRef, check_photos};
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

    /// Whether `actor` may see this finding at all.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        self.reported_by == actor.username
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
}
