//! Complaints (投诉) and call-backs (回访): the customer at the end of every piece of field work.
//!
//! A complaint is taken wherever it arrives (the office desk, a supervisor's tablet, a cleaner's or
//! an engineer's phone, offline too). Whoever takes it owns it until it is closed (首问负责制). It is
//! fixed through a task: a [`Finding`] with source [`FindingSource::Complaint`], made with it, so the
//! people who fix findings today fix complaints the same way (assigned, closed with an after photo,
//! confirmed by the supervisor). Once the fix is confirmed the call-back is due; a satisfied
//! call-back closes the complaint, a dissatisfied one reopens it and its task.
//!
//! Deadlines (DOMAIN.md "Complaints and call-backs"), written down here once:
//! - The fix is due at the end (24:00 China time) of the n-th working day after the day the
//!   complaint was taken: n = 1 for a major complaint, 3 for an ordinary one. The complaint's own
//!   day never counts, whatever the hour: a major complaint taken on Friday is due at the end of the
//!   next working day (Monday, or the first day after a holiday, or a make-up Saturday).
//! - The call-back is due 7 (major) or 14 (ordinary) calendar days after the fix was confirmed.
//! - After a closed work order the desk's call-back is due `call_back_days` calendar days after the
//!   closing ([`crate::desk::DeskSettings::call_back_days`]).
//! - A reopened complaint's fix is due again n working days after the reopening.
//!
//! Working days come from [`WorkCalendar`], which the office keeps as data: Monday to Friday, less
//! the public holidays, plus the make-up working days (调休) on weekends.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cleaning::{MAX_PHOTOS_PER_RECORD, PhotoRef, check_photos};
use crate::findings::{
    Assignee, Finding, FindingEvent, FindingSource, FindingState, FindingStep, ProblemKind,
};
use crate::user::{Role, UserProfile};
use crate::validate::{OpError, limits, short_ok, text_ok};
use crate::work_order::WorkOrder;

const CHINA: Duration = Duration::hours(8);

/// The China date of an instant.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    (at + CHINA).date_naive()
}

/// 00:00 China time of `day`, as an instant.
pub fn china_midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc() - CHINA
}

/// 重大投诉 / 一般投诉.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Major,
    Ordinary,
}

impl Severity {
    /// Working days to fix it.
    pub fn fix_working_days(self) -> u32 {
        match self {
            Severity::Major => 1,
            Severity::Ordinary => 3,
        }
    }

    /// Calendar days from the confirmed fix to the call-back.
    pub fn call_back_days(self) -> i64 {
        match self {
            Severity::Major => 7,
            Severity::Ordinary => 14,
        }
    }
}

/// The office's working-day calendar (`GET/PUT /api/calendar`), as data. Weekends are days off
/// unless listed as make-up days; weekdays are working days unless listed as holidays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkCalendar {
    /// Public holidays (法定节假日) that fall on weekdays, and any other weekday off.
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
    /// Weekend days worked (调休上班).
    #[serde(default)]
    pub make_up_days: Vec<NaiveDate>,
}

/// Why a calendar was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{0} is both a holiday and a make-up working day")]
    BothKinds(NaiveDate),
    #[error("{0} is a weekend day: it is off already")]
    HolidayOnWeekend(NaiveDate),
    #[error("{0} is a weekday: it is a working day already")]
    MakeUpOnWeekday(NaiveDate),
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

impl WorkCalendar {
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if is_weekend(day) {
            self.make_up_days.contains(&day)
        } else {
            !self.holidays.contains(&day)
        }
    }

    /// The n-th working day after `day` (`day` itself never counts).
    pub fn nth_working_day_after(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut d = day;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().expect("dates far from the end of time");
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// The end (24:00 China time) of the n-th working day after the China day of `from`.
    pub fn due_after(&self, from: DateTime<Utc>, working_days: u32) -> DateTime<Utc> {
        let last = self.nth_working_day_after(china_date(from), working_days);
        china_midnight(last.succ_opt().expect("dates far from the end of time"))
    }

    /// Sorted, without duplicates, and each day listed where it changes something.
    pub fn check(&self) -> Result<(), CalendarError> {
        for d in &self.holidays {
            if is_weekend(*d) {
                return Err(CalendarError::HolidayOnWeekend(*d));
            }
            if self.make_up_days.contains(d) {
                return Err(CalendarError::BothKinds(*d));
            }
        }
        if let Some(d) = self.make_up_days.iter().find(|d| !is_weekend(**d)) {
            return Err(CalendarError::MakeUpOnWeekday(*d));
        }
        Ok(())
    }

    /// The same calendar, sorted and without duplicates (what the server stores).
    pub fn normalized(mut self) -> WorkCalendar {
        self.holidays.sort();
        self.holidays.dedup();
        self.make_up_days.sort();
        self.make_up_days.dedup();
        self
    }
}

/// A person as the complaint rules see them: `home` is their cleaning team (cleaner, supervisor)
/// or their service station (engineer, station head), as on their profile; none for the desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub username: String,
    pub role: Role,
    pub home: Option<String>,
}

impl From<&UserProfile> for Staff {
    fn from(p: &UserProfile) -> Staff {
        Staff {
            username: p.username.clone(),
            role: p.role,
            home: p.team.clone(),
        }
    }
}

impl Staff {
    fn is_home(&self, team: &str) -> bool {
        self.home.as_deref() == Some(team)
    }

    /// The desk (any team), or the supervisor / station head of `team`.
    pub fn manages(&self, team: &str) -> bool {
        match self.role {
            Role::Dispatcher => true,
            Role::Supervisor | Role::ServiceSupervisor => self.is_home(team),
            _ => false,
        }
    }

    /// Whoever may take a complaint for `team`: the desk for any team, field staff for their own.
    pub fn may_take_for(&self, team: &str) -> bool {
        self.role == Role::Dispatcher || self.is_home(team)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintState {
    /// Taken; its task is being fixed (or waits for someone to be given it).
    Fixing,
    /// The fix was confirmed; the call-back is due.
    CallBackDue,
    /// Called back and the customer was satisfied.
    Closed,
}

/// `POST /api/complaints` (desk) and the body of [`crate::OpKind::TakeComplaint`] (phones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewComplaint {
    /// Made by the device or the office page, so a retry never takes it twice.
    pub id: Uuid,
    /// The id of its fix task (a finding), made with it.
    pub finding_id: Uuid,
    /// The cleaning team or service station that fixes it.
    pub team: String,
    pub severity: Severity,
    pub customer: String,
    #[serde(default)]
    pub contact_phone: String,
    /// The unit or area when it is one of the team's.
    #[serde(default)]
    pub area_id: Option<Uuid>,
    /// The unit or site in words (required when there is no area).
    #[serde(default)]
    pub place: String,
    /// What happened, in the customer's words.
    pub what: String,
    #[serde(default)]
    pub photos: Vec<PhotoRef>,
    /// The work order it is about, if any.
    #[serde(default)]
    pub work_order_id: Option<Uuid>,
    /// Given to someone at once (the desk or the supervisor taking it); else the supervisor does.
    #[serde(default)]
    pub assignee: Option<Assignee>,
}

/// A form field that is wrong, for the message beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ComplaintField {
    #[error("team")]
    Team,
    #[error("customer")]
    Customer,
    #[error("contact phone")]
    ContactPhone,
    #[error("place")]
    Place,
    #[error("what happened")]
    What,
    #[error("photos")]
    Photos,
    #[error("assignee")]
    Assignee,
    #[error("answered by")]
    AnsweredBy,
    #[error("customer's words")]
    Words,
    #[error("signature")]
    Signature,
    #[error("time")]
    Time,
}

/// A phone number as people type it: digits, with spaces, dashes and a leading +.
pub fn phone_ok(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits)
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')'))
}

impl NewComplaint {
    /// Every field's own rule (who may take it is [`Complaint::take`]'s business).
    pub fn check(&self) -> Result<(), ComplaintField> {
        if self.team.trim().is_empty() || !short_ok(&self.team) {
            return Err(ComplaintField::Team);
        }
        if self.customer.trim().is_empty() || !short_ok(&self.customer) {
            return Err(ComplaintField::Customer);
        }
        if !self.contact_phone.trim().is_empty() && !phone_ok(self.contact_phone.trim()) {
            return Err(ComplaintField::ContactPhone);
        }
        if !text_ok(&self.place, limits::MAX_SHORT_CHARS)
            || self.place.contains('\n')
            || (self.area_id.is_none() && self.place.trim().is_empty())
        {
            return Err(ComplaintField::Place);
        }
        if self.what.trim().is_empty() || !text_ok(&self.what, limits::MAX_TEXT_CHARS) {
            return Err(ComplaintField::What);
        }
        if check_photos(&self.photos, MAX_PHOTOS_PER_RECORD).is_err() {
            return Err(ComplaintField::Photos);
        }
        if let Some(Assignee::Person { username }) = &self.assignee
            && (username.trim().is_empty() || !short_ok(username))
        {
            return Err(ComplaintField::Assignee);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallBackMethod {
    Phone,
    /// On site: the 《回访记录表》 filled on the tablet or phone, signed by the customer.
    Visit,
}

/// What a call-back is about. Externally tagged (`{"complaint": {"complaint_id": ..}}`), as every
/// enum the phone reads: serde's internally tagged enums buffer and cost the wasm dearly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallBackSubject {
    Complaint {
        complaint_id: Uuid,
    },
    /// The 400 desk's call-back after a closed work order.
    WorkOrder {
        work_order_id: Uuid,
    },
}

/// `POST /api/call-backs` (desk) and the body of [`crate::OpKind::RecordCallBack`] (phones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCallBack {
    pub id: Uuid,
    pub subject: CallBackSubject,
    pub method: CallBackMethod,
    /// When the call or visit was made (the desk may record a call made a little earlier).
    pub at: DateTime<Utc>,
    /// Who answered (the customer or their contact).
    pub answered_by: String,
    pub satisfied: bool,
    /// The customer's words (required when not satisfied: they reopen the complaint).
    #[serde(default)]
    pub words: String,
    /// A visit's customer signature: a photo with slot `signature` ([`SIGNATURE_SLOT`]). Never on
    /// a phone call-back.
    #[serde(default)]
    pub signature: Option<PhotoRef>,
}

impl NewCallBack {
    pub fn check(&self) -> Result<(), ComplaintField> {
        if self.answered_by.trim().is_empty() || !short_ok(&self.answered_by) {
            return Err(ComplaintField::AnsweredBy);
        }
        if !text_ok(&self.words, limits::MAX_TEXT_CHARS)
            || (!self.satisfied && self.words.trim().is_empty())
        {
            return Err(ComplaintField::Words);
        }
        match (self.method, &self.signature) {
            (CallBackMethod::Phone, Some(_)) | (CallBackMethod::Visit, None) => {
                return Err(ComplaintField::Signature);
            }
            (CallBackMethod::Visit, Some(s)) => {
                if s.slot != SIGNATURE_SLOT || check_photos(std::slice::from_ref(s), 1).is_err() {
                    return Err(ComplaintField::Signature);
                }
            }
            (CallBackMethod::Phone, None) => {}
        }
        Ok(())
    }
}

/// The photo slot of a visit's customer signature.
pub const SIGNATURE_SLOT: &str = "signature";

/// A call-back as kept on the complaint or work order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallBack {
    pub id: Uuid,
    pub method: CallBackMethod,
    pub by: String,
    pub at: DateTime<Utc>,
    pub answered_by: String,
    pub satisfied: bool,
    #[serde(default)]
    pub words: String,
    #[serde(default)]
    pub signature: Option<PhotoRef>,
    /// The due time in force when it was made (for "on time" in the ledger and scorecards).
    #[serde(default)]
    pub due: Option<DateTime<Utc>>,
}

impl CallBack {
    fn from_new(new: &NewCallBack, by: &str, due: Option<DateTime<Utc>>) -> CallBack {
        CallBack {
            due,
            id: new.id,
            method: new.method,
            by: by.to_string(),
            at: new.at,
            answered_by: new.answered_by.trim().to_string(),
            satisfied: new.satisfied,
            words: new.words.trim().to_string(),
            signature: new.signature.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintEvent {
    Taken,
    FixConfirmed,
    CalledBack {
        call_back_id: Uuid,
        satisfied: bool,
    },
    /// By a dissatisfied call-back (its words) or by the office on a closed complaint.
    Reopened {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintStep {
    pub event: ComplaintEvent,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    pub id: Uuid,
    pub team: String,
    pub severity: Severity,
    pub customer: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub area_id: Option<Uuid>,
    #[serde(default)]
    pub place: String,
    pub what: String,
    #[serde(default)]
    pub photos: Vec<PhotoRef>,
    #[serde(default)]
    pub work_order_id: Option<Uuid>,
    /// 首问负责人: who took it; it stays in their list until it is closed.
    pub taken_by: String,
    pub taken_at: DateTime<Utc>,
    /// Its fix task.
    pub finding_id: Uuid,
    /// When the current fix is due (recomputed on reopening).
    pub fix_due: DateTime<Utc>,
    #[serde(default)]
    pub fix_confirmed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub call_back_due: Option<DateTime<Utc>>,
    #[serde(default)]
    pub call_backs: Vec<CallBack>,
    pub state: ComplaintState,
    #[serde(default)]
    pub history: Vec<ComplaintStep>,
    #[serde(default)]
    pub seq: i64,
}

/// What a call-back did to the complaint; the caller applies it to the fix task too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallBackOutcome {
    Closed,
    /// Reopen the task ([`Complaint::reopen_task`]) with the customer's words.
    Reopened,
}

impl Complaint {
    /// Take a complaint: the complaint and its fix task, both new. `at` is when it was taken
    /// (never after the server's now; the caller clamps it).
    pub fn take(
        new: &NewComplaint,
        by: &Staff,
        at: DateTime<Utc>,
        calendar: &WorkCalendar,
    ) -> Result<(Complaint, Finding), OpError> {
        if new.check().is_err() {
            return Err(OpError::BadValue("a field of the complaint"));
        }
        if !by.may_take_for(new.team.trim()) {
            return Err(OpError::NotAllowed);
        }
        if new.assignee.is_some() && !by.manages(new.team.trim()) {
            return Err(OpError::NotAllowed);
        }
        let team = new.team.trim().to_string();
        let fix_due = calendar.due_after(at, new.severity.fix_working_days());
        let mut history = vec![FindingStep {
            event: FindingEvent::Reported,
            by: by.username.clone(),
            at,
        }];
        if let Some(to) = &new.assignee {
            history.push(FindingStep {
                event: FindingEvent::Assigned {
                    to: to.clone(),
                    due: fix_due,
                },
                by: by.username.clone(),
                at,
            });
        }
        let finding = Finding {
            id: new.finding_id,
            team: team.clone(),
            area_id: new.area_id,
            place: new.place.trim().to_string(),
            source: FindingSource::Complaint {
                complaint_id: new.id,
            },
            problem: ProblemKind::Other,
            note: new.what.trim().to_string(),
            reported_by: by.username.clone(),
            reported_at: at,
            photos: new.photos.clone(),
            state: if new.assignee.is_some() {
                FindingState::Assigned
            } else {
                FindingState::Open
            },
            assignee: new.assignee.clone(),
            due: new.assignee.as_ref().map(|_| fix_due),
            after_photos: Vec::new(),
            history,
            seq: 0,
            stamp: None,
            conflict: None,
        };
        let complaint = Complaint {
            id: new.id,
            team,
            severity: new.severity,
            customer: new.customer.trim().to_string(),
            contact_phone: new.contact_phone.trim().to_string(),
            area_id: new.area_id,
            place: new.place.trim().to_string(),
            what: new.what.trim().to_string(),
            photos: new.photos.clone(),
            work_order_id: new.work_order_id,
            taken_by: by.username.clone(),
            taken_at: at,
            finding_id: new.finding_id,
            fix_due,
            fix_confirmed_at: None,
            call_back_due: None,
            call_backs: Vec::new(),
            state: ComplaintState::Fixing,
            history: vec![ComplaintStep {
                event: ComplaintEvent::Taken,
                by: by.username.clone(),
                at,
            }],
            seq: 0,
        };
        Ok((complaint, finding))
    }

    /// Who sees it: its owner, the desk, the team's supervisor or station head, and whoever its
    /// task is given to (the caller checks the task with [`Finding::visible_to`]).
    pub fn visible_to(&self, who: &Staff) -> bool {
        self.taken_by == who.username || who.manages(&self.team)
    }

    /// Give the fix task to someone (the desk, or the team's supervisor / station head): also
    /// for teams whose head works at the desk, where the finding's own rule (a supervisor of the
    /// team) does not reach.
    pub fn assign_task(
        &self,
        task: &mut Finding,
        by: &Staff,
        to: Assignee,
        at: DateTime<Utc>,
    ) -> Result<(), OpError> {
        if !by.manages(&self.team) {
            return Err(OpError::NotAllowed);
        }
        if self.state != ComplaintState::Fixing {
            return Err(OpError::WrongState);
        }
        if !matches!(task.state, FindingState::Open | FindingState::Assigned) {
            return Err(OpError::WrongState);
        }
        if let Assignee::Person { username } = &to
            && (username.trim().is_empty() || !short_ok(username))
        {
            return Err(OpError::BadValue("assignee"));
        }
        task.assignee = Some(to.clone());
        task.due = Some(self.fix_due);
        task.state = FindingState::Assigned;
        task.history.push(FindingStep {
            event: FindingEvent::Assigned {
                to,
                due: self.fix_due,
            },
            by: by.username.clone(),
            at,
        });
        Ok(())
    }

    /// Its task was confirmed (by [`Finding::confirm`] on a supervisor's tablet, or
    /// [`Complaint::confirm_task`] at the desk): the call-back is due.
    pub fn fix_confirmed(&mut self, by: &str, at: DateTime<Utc>) {
        if self.state != ComplaintState::Fixing {
            return;
        }
        self.state = ComplaintState::CallBackDue;
        self.fix_confirmed_at = Some(at);
        self.call_back_due = Some(at + Duration::days(self.severity.call_back_days()));
        self.history.push(ComplaintStep {
            event: ComplaintEvent::FixConfirmed,
            by: by.to_string(),
            at,
        });
    }

    /// Its task's confirmation is contested (two devices' steps both kept,
    /// [`Finding::conflict`]): a call-back made due by it is not due until the supervisor keeps
    /// one side ([`Complaint::fix_confirmed`] again if they keep the confirmation). Nothing
    /// changes once a call-back was recorded after it.
    pub fn fix_in_doubt(&mut self) {
        if self.state == ComplaintState::CallBackDue
            && self
                .history
                .last()
                .is_some_and(|s| s.event == ComplaintEvent::FixConfirmed)
        {
            self.history.pop();
            self.state = ComplaintState::Fixing;
            self.fix_confirmed_at = None;
            self.call_back_due = None;
        }
    }

    /// The desk or a station head confirms the fix of a team whose head works at the desk.
    pub fn confirm_task(
        &mut self,
        task: &mut Finding,
        by: &Staff,
        at: DateTime<Utc>,
    ) -> Result<(), OpError> {
        if !by.manages(&self.team) || task.fixed_by() == Some(by.username.as_str()) {
            return Err(OpError::NotAllowed);
        }
        if task.state != FindingState::Fixed || self.state != ComplaintState::Fixing {
            return Err(OpError::WrongState);
        }
        task.state = FindingState::Confirmed;
        task.history.push(FindingStep {
            event: FindingEvent::Confirmed,
            by: by.username.clone(),
            at,
        });
        self.fix_confirmed(&by.username, at);
        Ok(())
    }

    /// Record a call-back. Refused before the fix is confirmed, on a closed complaint, a phone
    /// call-back with a signature, a visit without one, or a call-back outside the person's team.
    /// Phone: the desk, the team's supervisor or station head. Visit: those, the owner, or the
    /// team's own people (the engineer or cleaner who goes back).
    pub fn call_back(
        &mut self,
        new: &NewCallBack,
        by: &Staff,
        now: DateTime<Utc>,
    ) -> Result<CallBackOutcome, OpError> {
        if new.subject
            != (CallBackSubject::Complaint {
                complaint_id: self.id,
            })
        {
            return Err(OpError::NotFound("complaint"));
        }
        let allowed = match new.method {
            CallBackMethod::Phone => by.manages(&self.team),
            CallBackMethod::Visit => {
                by.manages(&self.team) || by.username == self.taken_by || by.is_home(&self.team)
            }
        };
        if !allowed {
            return Err(OpError::NotAllowed);
        }
        if let Err(field) = new.check() {
            return Err(OpError::BadValue(match field {
                ComplaintField::Signature => "a signature on a visit, none on a phone call-back",
                ComplaintField::Words => "the customer's words",
                _ => "who answered",
            }));
        }
        if self.state != ComplaintState::CallBackDue {
            return Err(OpError::WrongState);
        }
        let confirmed = self.fix_confirmed_at.unwrap_or(self.taken_at);
        if new.at < confirmed || new.at > now + Duration::minutes(5) {
            return Err(OpError::BadValue("the call-back's time"));
        }
        self.call_backs
            .push(CallBack::from_new(new, &by.username, self.call_back_due));
        self.history.push(ComplaintStep {
            event: ComplaintEvent::CalledBack {
                call_back_id: new.id,
                satisfied: new.satisfied,
            },
            by: by.username.clone(),
            at: new.at,
        });
        if new.satisfied {
            self.state = ComplaintState::Closed;
            Ok(CallBackOutcome::Closed)
        } else {
            self.reopen_with(new.words.trim(), &by.username, new.at);
            Ok(CallBackOutcome::Reopened)
        }
    }

    /// The office reopens a closed complaint (the only change a closed complaint takes).
    pub fn reopen(&mut self, by: &Staff, reason: &str, at: DateTime<Utc>) -> Result<(), OpError> {
        if !by.manages(&self.team) {
            return Err(OpError::NotAllowed);
        }
        if self.state != ComplaintState::Closed {
            return Err(OpError::WrongState);
        }
        if reason.trim().is_empty() || !text_ok(reason, limits::MAX_TEXT_CHARS) {
            return Err(OpError::BadValue("the reason for reopening"));
        }
        self.reopen_with(reason.trim(), &by.username, at);
        Ok(())
    }

    fn reopen_with(&mut self, reason: &str, by: &str, at: DateTime<Utc>) {
        self.state = ComplaintState::Fixing;
        self.fix_confirmed_at = None;
        self.call_back_due = None;
        self.history.push(ComplaintStep {
            event: ComplaintEvent::Reopened {
                reason: reason.to_string(),
            },
            by: by.to_string(),
            at,
        });
    }

    /// After a reopening, the task goes back to whoever had it (or to the supervisor's queue when
    /// nobody did), due again in working days from `at`.
    pub fn reopen_task(
        &mut self,
        task: &mut Finding,
        by: &str,
        at: DateTime<Utc>,
        calendar: &WorkCalendar,
    ) {
        self.fix_due = calendar.due_after(at, self.severity.fix_working_days());
        let reason = match self.history.last() {
            Some(ComplaintStep {
                event: ComplaintEvent::Reopened { reason },
                ..
            }) => reason.clone(),
            _ => String::new(),
        };
        task.state = if task.assignee.is_some() {
            FindingState::Assigned
        } else {
            FindingState::Open
        };
        task.due = task.assignee.as_ref().map(|_| self.fix_due);
        task.history.push(FindingStep {
            event: FindingEvent::Reopened { reason },
            by: by.to_string(),
            at,
        });
    }

    pub fn is_open(&self) -> bool {
        self.state != ComplaintState::Closed
    }

    pub fn is_fix_late(&self, now: DateTime<Utc>) -> bool {
        self.state == ComplaintState::Fixing && self.fix_due < now
    }

    pub fn is_call_back_late(&self, now: DateTime<Utc>) -> bool {
        self.state == ComplaintState::CallBackDue && self.call_back_due.is_some_and(|d| d < now)
    }

    /// The call-back is due on `now`'s China day or earlier and not made.
    pub fn call_back_due_by_today(&self, now: DateTime<Utc>) -> bool {
        self.state == ComplaintState::CallBackDue
            && self
                .call_back_due
                .is_some_and(|d| china_date(d - Duration::seconds(1)) <= china_date(now))
    }

    /// When the fix was (first) confirmed on time, for the ledger: the confirmation of the
    /// latest fix against the due time then in force.
    pub fn fixed_on_time(&self) -> Option<bool> {
        self.fix_confirmed_at.map(|at| at <= self.fix_due)
    }
}

/// One line of the month's complaint ledger (the office page and its CSV / .xlsx export show the
/// same lines).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerRow {
    pub complaint_id: Uuid,
    pub taken_at: DateTime<Utc>,
    pub severity: Severity,
    pub team: String,
    pub customer: String,
    pub place: String,
    pub what: String,
    pub taken_by: String,
    pub fix_due: DateTime<Utc>,
    pub fix_confirmed_at: Option<DateTime<Utc>>,
    pub fixed_on_time: Option<bool>,
    pub call_back_due: Option<DateTime<Utc>>,
    /// The latest call-back.
    pub called_back_at: Option<DateTime<Utc>>,
    pub call_back_on_time: Option<bool>,
    pub satisfied: Option<bool>,
    pub reopened: u32,
    pub state: ComplaintState,
}

impl Complaint {
    pub fn ledger_row(&self) -> LedgerRow {
        let last = self.call_backs.last();
        LedgerRow {
            complaint_id: self.id,
            taken_at: self.taken_at,
            severity: self.severity,
            team: self.team.clone(),
            customer: self.customer.clone(),
            place: self.place.clone(),
            what: self.what.clone(),
            taken_by: self.taken_by.clone(),
            fix_due: self.fix_due,
            fix_confirmed_at: self.fix_confirmed_at,
            fixed_on_time: self.fixed_on_time(),
            call_back_due: self.call_back_due,
            called_back_at: last.map(|c| c.at),
            call_back_on_time: last.and_then(|c| c.due.map(|due| c.at <= due)),
            satisfied: last.map(|c| c.satisfied),
            reopened: self
                .history
                .iter()
                .filter(|s| matches!(s.event, ComplaintEvent::Reopened { .. }))
                .count() as u32,
            state: self.state,
        }
    }
}

/// A call-back the desk owes: a complaint's, or a closed work order's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallBackDue {
    pub subject: CallBackSubject,
    /// The ticket or the customer, for the list.
    pub title: String,
    pub customer: String,
    #[serde(default)]
    pub contact_phone: String,
    pub team: String,
    pub due: DateTime<Utc>,
}

/// When the desk's call-back after a closed work order is due: `days` after the closing.
pub fn order_call_back_due(order: &WorkOrder, days: u32) -> Option<DateTime<Utc>> {
    order
        .closure
        .as_ref()
        .map(|c| c.at + Duration::days(i64::from(days)))
}

/// Whether the desk still owes the order its call-back (closed, none recorded yet).
pub fn order_call_back_owed(order: &WorkOrder) -> bool {
    order.closure.is_some() && order.call_backs.is_empty()
}

/// Record the desk's call-back after a closed work order. Phone: the desk or the order's station
/// head. Visit: those or the order's engineer. Refused before the order is closed. A dissatisfied
/// answer is kept (it counts on the scorecards) and changes nothing else: the desk takes a
/// complaint from it when the customer has one.
pub fn call_back_order(
    order: &mut WorkOrder,
    new: &NewCallBack,
    by: &Staff,
    days: u32,
    now: DateTime<Utc>,
) -> Result<(), OpError> {
    if new.subject
        != (CallBackSubject::WorkOrder {
            work_order_id: order.id,
        })
    {
        return Err(OpError::NotFound("work order"));
    }
    let station_head =
        by.role == Role::ServiceSupervisor && order.station.is_some() && by.home == order.station;
    let allowed = by.role == Role::Dispatcher
        || station_head
        || (new.method == CallBackMethod::Visit && by.username == order.assignee);
    if !allowed {
        return Err(OpError::NotAllowed);
    }
    if new.check().is_err() {
        return Err(OpError::BadValue(
            "who answered, the customer's words, and a signature only on a visit",
        ));
    }
    let Some(closed_at) = order.closure.as_ref().map(|c| c.at) else {
        return Err(OpError::WrongState);
    };
    if new.at < closed_at || new.at > now + Duration::minutes(5) {
        return Err(OpError::BadValue("the call-back's time"));
    }
    let due = order_call_back_due(order, days);
    order
        .call_backs
        .push(CallBack::from_new(new, &by.username, due));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::Closure;
    use crate::findings::{Department, FindingEvent};
    use crate::user::Actor;
    use crate::work_order::{ServiceType, StatusNode};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// China's 2026 calendar (the State Council's notice): weekday holidays and make-up days.
    fn china_2026() -> WorkCalendar {
        WorkCalendar {
            holidays: [
                "2026-01-01",
                "2026-01-02",
                "2026-02-16",
                "2026-02-17",
                "2026-02-18",
                "2026-02-19",
                "2026-02-20",
                "2026-02-23",
                "2026-04-06",
                "2026-05-01",
                "2026-05-04",
                "2026-05-05",
                "2026-06-19",
                "2026-09-25",
                "2026-10-01",
                "2026-10-02",
                "2026-10-05",
                "2026-10-06",
                "2026-10-07",
                "2027-01-01",
            ]
            .map(d)
            .to_vec(),
            make_up_days: [
                "2026-01-04",
                "2026-02-14",
                "2026-02-28",
                "2026-05-09",
                "2026-09-20",
                "2026-10-10",
            ]
            .map(d)
            .to_vec(),
        }
    }

    /// 24:00 China time of `day`, as the deadlines are given.
    fn end_of(day: &str) -> DateTime<Utc> {
        china_midnight(d(day).succ_opt().unwrap())
    }

    #[test]
    fn the_china_calendar_is_a_valid_calendar() {
        assert_eq!(china_2026().check(), Ok(()));
    }

    #[test]
    fn a_year_has_its_working_days_and_no_others() {
        let cal = china_2026();
        let year: Vec<NaiveDate> = d("2026-01-01")
            .iter_days()
            .take_while(|day| day.year() == 2026)
            .collect();
        assert_eq!(year.len(), 365);
        let working = year.iter().filter(|day| cal.is_working_day(**day)).count();
        // 261 weekdays, less 19 weekday holidays, plus 6 make-up weekend days.
        assert_eq!(working, 248);
        // A make-up Saturday works, a holiday Monday does not, a plain Sunday does not.
        assert!(cal.is_working_day(d("2026-10-10")));
        assert!(!cal.is_working_day(d("2026-10-05")));
        assert!(!cal.is_working_day(d("2026-10-11")));
        // Counting on from new year's eve over the whole year lands on the 248th working day.
        let last = cal.nth_working_day_after(d("2025-12-31"), 248);
        assert_eq!(last, d("2026-12-31"));
    }

    #[test]
    fn the_last_day_before_the_national_day_holiday() {
        let cal = china_2026();
        // Wednesday 30 September, 17:00 China time: the next working day is Thursday 8 October.
        let taken = at("2026-09-30T09:00:00Z");
        assert_eq!(cal.due_after(taken, 1), end_of("2026-10-08"));
        // Three working days: 8 (Thu), 9 (Fri) and the make-up Saturday 10 October.
        assert_eq!(cal.due_after(taken, 3), end_of("2026-10-10"));
        // The Sunday 20 September before it is a make-up day: the holiday's eve counts from there.
        assert_eq!(
            cal.nth_working_day_after(d("2026-09-19"), 1),
            d("2026-09-20")
        );
    }

    #[test]
    fn a_complaint_on_a_make_up_saturday_counts_from_the_next_working_day() {
        let cal = china_2026();
        // Taken on the make-up Saturday 10 October: the Sunday is off, Monday is the first day.
        let taken = at("2026-10-10T02:00:00Z");
        assert_eq!(cal.due_after(taken, 1), end_of("2026-10-12"));
        assert_eq!(cal.due_after(taken, 3), end_of("2026-10-14"));
        // And one taken on Friday 13 February, before the Spring Festival: the make-up
        // Saturday 14 February is its next working day; three days reach past the nine days off.
        let taken = at("2026-02-13T03:00:00Z");
        assert_eq!(cal.due_after(taken, 1), end_of("2026-02-14"));
        assert_eq!(cal.due_after(taken, 3), end_of("2026-02-25"));
    }

    #[test]
    fn friday_afternoon_and_late_night_count_by_the_china_day() {
        let cal = china_2026();
        // Friday 4 December 15:00 China time: Monday 7 December, whatever the hour.
        assert_eq!(
            cal.due_after(at("2026-12-04T07:00:00Z"), 1),
            end_of("2026-12-07")
        );
        // 23:59 on Friday China time is still Friday (15:59 UTC).
        assert_eq!(
            cal.due_after(at("2026-12-04T15:59:00Z"), 1),
            end_of("2026-12-07")
        );
        // 00:30 on Saturday China time is Friday evening in UTC, but Saturday in China.
        assert_eq!(
            cal.due_after(at("2026-12-04T16:30:00Z"), 1),
            end_of("2026-12-07")
        );
        // 00:30 on Friday China time (Thursday in UTC) is Friday: due Monday too.
        assert_eq!(
            cal.due_after(at("2026-12-03T16:30:00Z"), 1),
            end_of("2026-12-07")
        );
        // The deadline is 24:00 China time: 16:00 UTC.
        assert_eq!(end_of("2026-12-07"), at("2026-12-07T16:00:00Z"));
    }

    #[test]
    fn deadlines_cross_the_new_year() {
        let cal = china_2026();
        // Thursday 31 December: 1 January is a holiday, then the weekend.
        assert_eq!(
            cal.due_after(at("2026-12-31T02:00:00Z"), 1),
            end_of("2027-01-04")
        );
        // An empty calendar knows weekends only.
        let plain = WorkCalendar::default();
        assert_eq!(
            plain.due_after(at("2026-12-31T02:00:00Z"), 1),
            end_of("2027-01-01")
        );
    }

    #[test]
    fn the_calendar_check_refuses_days_listed_where_they_change_nothing() {
        let ok = china_2026();
        let mut weekend_holiday = ok.clone();
        weekend_holiday.holidays.push(d("2026-10-03"));
        assert_eq!(
            weekend_holiday.check(),
            Err(CalendarError::HolidayOnWeekend(d("2026-10-03")))
        );
        let mut weekday_make_up = ok.clone();
        weekday_make_up.make_up_days.push(d("2026-10-09"));
        assert_eq!(
            weekday_make_up.check(),
            Err(CalendarError::MakeUpOnWeekday(d("2026-10-09")))
        );
        // A day both kinds: a weekday holiday listed as make-up too is caught as both kinds.
        let mut both = ok.clone();
        both.make_up_days.push(d("2026-10-05"));
        assert_eq!(both.check(), Err(CalendarError::BothKinds(d("2026-10-05"))));
        assert!(
            CalendarError::HolidayOnWeekend(d("2026-10-03"))
                .to_string()
                .contains("2026-10-03")
        );
        // Normalised: sorted, without duplicates.
        let messy = WorkCalendar {
            holidays: vec![d("2026-10-02"), d("2026-10-01"), d("2026-10-02")],
            make_up_days: vec![d("2026-10-10"), d("2026-09-20"), d("2026-10-10")],
        };
        let clean = messy.normalized();
        assert_eq!(clean.holidays, vec![d("2026-10-01"), d("2026-10-02")]);
        assert_eq!(clean.make_up_days, vec![d("2026-09-20"), d("2026-10-10")]);
        assert_eq!(clean.check(), Ok(()));
    }

    // The complaint's life cycle.

    fn staff(name: &str, role: Role, home: Option<&str>) -> Staff {
        Staff {
            username: name.into(),
            role,
            home: home.map(str::to_string),
        }
    }

    fn desk() -> Staff {
        staff("dispatcher1", Role::Dispatcher, None)
    }

    fn supervisor() -> Staff {
        staff("supervisor1", Role::Supervisor, Some("team-a"))
    }

    fn other_supervisor() -> Staff {
        staff("supervisor2", Role::Supervisor, Some("team-b"))
    }

    fn cleaner() -> Staff {
        staff("cleaner1", Role::Cleaner, Some("team-a"))
    }

    fn as_actor(s: &Staff) -> Actor {
        UserProfile {
            username: s.username.clone(),
            display_name: s.username.clone(),
            role: s.role,
            team: s.home.clone(),
        }
        .actor()
    }

    fn photo(n: u128, slot: &str) -> PhotoRef {
        PhotoRef {
            photo_id: Uuid::from_u128(n),
            slot: slot.into(),
            sha256: "b".repeat(64),
            bytes: 10,
            width: 10,
            height: 10,
            content_type: "image/jpeg".into(),
        }
    }

    fn new_complaint(severity: Severity, assignee: Option<Assignee>) -> NewComplaint {
        NewComplaint {
            id: Uuid::from_u128(1),
            finding_id: Uuid::from_u128(2),
            team: "team-a".into(),
            severity,
            customer: " 王女士 ".into(),
            contact_phone: "138 0000 0000".into(),
            area_id: None,
            place: "3-2-501".into(),
            what: "楼道没有打扫".into(),
            photos: vec![photo(10, "before")],
            work_order_id: None,
            assignee,
        }
    }

    fn to_cleaner() -> Option<Assignee> {
        Some(Assignee::Person {
            username: "cleaner1".into(),
        })
    }

    /// Friday 4 December 2026, 10:00 China time.
    const TAKEN: &str = "2026-12-04T02:00:00Z";

    fn call_back(
        c: &Complaint,
        method: CallBackMethod,
        satisfied: bool,
        when: &str,
    ) -> NewCallBack {
        NewCallBack {
            id: Uuid::from_u128(50),
            subject: CallBackSubject::Complaint { complaint_id: c.id },
            method,
            at: at(when),
            answered_by: "王女士".into(),
            satisfied,
            words: if satisfied {
                String::new()
            } else {
                "还是很脏".into()
            },
            signature: (method == CallBackMethod::Visit).then(|| photo(60, "signature")),
        }
    }

    /// Taken at the desk and given to cleaner1, fixed with an after photo, confirmed by the
    /// supervisor on the tablet (the applier then calls `fix_confirmed`).
    fn fixed_and_confirmed(severity: Severity) -> (Complaint, Finding) {
        let (mut c, mut f) = Complaint::take(
            &new_complaint(severity, to_cleaner()),
            &desk(),
            at(TAKEN),
            &china_2026(),
        )
        .unwrap();
        f.close(
            &as_actor(&cleaner()),
            "拖干净了",
            vec![photo(11, "after")],
            at("2026-12-04T05:00:00Z"),
        )
        .unwrap();
        f.confirm(&as_actor(&supervisor()), at("2026-12-04T06:00:00Z"))
            .unwrap();
        c.fix_confirmed("supervisor1", at("2026-12-04T06:00:00Z"));
        (c, f)
    }

    #[test]
    fn a_contested_confirmation_makes_the_call_back_not_due_until_kept_again() {
        let (mut c, _) = fixed_and_confirmed(Severity::Ordinary);
        let taken = c.clone();
        c.fix_in_doubt();
        assert_eq!(
            (c.state, c.call_back_due, c.fix_confirmed_at),
            (ComplaintState::Fixing, None, None)
        );
        assert!(
            !c.history
                .iter()
                .any(|s| s.event == ComplaintEvent::FixConfirmed)
        );
        // Kept again: as it was.
        c.fix_confirmed("supervisor1", at("2026-12-04T06:00:00Z"));
        assert_eq!(c, taken);
        // A call-back recorded after it stands.
        let back = call_back(&c, CallBackMethod::Phone, true, "2026-12-05T02:00:00Z");
        c.call_back(&back, &desk(), at("2026-12-05T03:00:00Z"))
            .unwrap();
        let closed = c.clone();
        c.fix_in_doubt();
        assert_eq!(c, closed);
    }

    #[test]
    fn taking_a_complaint_makes_its_task_due_in_working_days() {
        let (c, f) = Complaint::take(
            &new_complaint(Severity::Major, to_cleaner()),
            &desk(),
            at(TAKEN),
            &china_2026(),
        )
        .unwrap();
        assert_eq!(c.state, ComplaintState::Fixing);
        assert_eq!(c.taken_by, "dispatcher1");
        assert_eq!(c.customer, "王女士");
        assert_eq!(c.fix_due, end_of("2026-12-07"));
        assert_eq!(c.finding_id, f.id);
        assert_eq!(f.source, FindingSource::Complaint { complaint_id: c.id });
        assert_eq!(f.state, FindingState::Assigned);
        assert_eq!(f.due, Some(c.fix_due));
        assert_eq!(f.team, "team-a");
        assert_eq!(f.photos, vec![photo(10, "before")]);
        assert!(f.visible_to(&as_actor(&cleaner())));
        // An ordinary one, nobody given it yet: open, in the supervisor's queue, due in three.
        let (c, f) = Complaint::take(
            &new_complaint(Severity::Ordinary, None),
            &cleaner(),
            at(TAKEN),
            &china_2026(),
        )
        .unwrap();
        assert_eq!(c.fix_due, end_of("2026-12-09"));
        assert_eq!(
            (f.state, f.due, f.assignee),
            (FindingState::Open, None, None)
        );
        assert!(c.visible_to(&cleaner()) && c.visible_to(&supervisor()) && c.visible_to(&desk()));
        assert!(!c.visible_to(&other_supervisor()));
        assert!(!c.visible_to(&staff("cleaner2", Role::Cleaner, Some("team-a"))));
    }

    #[test]
    fn who_may_take_a_complaint_and_give_it_at_once() {
        let cal = china_2026();
        let take = |new: &NewComplaint, by: &Staff| Complaint::take(new, by, at(TAKEN), &cal);
        let plain = new_complaint(Severity::Major, None);
        let given = new_complaint(Severity::Major, to_cleaner());
        // Their own team: cleaner, supervisor; the desk for any team.
        assert!(take(&plain, &cleaner()).is_ok());
        assert!(take(&plain, &supervisor()).is_ok());
        assert!(take(&given, &supervisor()).is_ok());
        assert!(take(&given, &desk()).is_ok());
        // Outside one's team, and giving it at once without being the desk or the supervisor.
        assert_eq!(
            take(&plain, &other_supervisor()).unwrap_err(),
            OpError::NotAllowed
        );
        assert_eq!(take(&given, &cleaner()).unwrap_err(), OpError::NotAllowed);
        // A station's: its engineers and its head; not an engineer of another station.
        let station = NewComplaint {
            team: "济南站".into(),
            ..plain.clone()
        };
        let engineer = staff("engineer1", Role::Engineer, Some("济南站"));
        let head = staff("head1", Role::ServiceSupervisor, Some("济南站"));
        assert!(take(&station, &engineer).is_ok());
        assert!(
            take(
                &NewComplaint {
                    assignee: Some(Assignee::Person {
                        username: "engineer1".into()
                    }),
                    ..station.clone()
                },
                &head
            )
            .is_ok()
        );
        assert_eq!(
            take(
                &station,
                &staff("engineer9", Role::Engineer, Some("青岛站"))
            )
            .unwrap_err(),
            OpError::NotAllowed
        );
        assert_eq!(
            take(&plain, &head).unwrap_err(),
            OpError::NotAllowed,
            "a station head is not a cleaning team's"
        );
    }

    #[test]
    fn a_complaints_fields_are_checked_one_by_one() {
        let ok = new_complaint(Severity::Major, None);
        assert_eq!(ok.check(), Ok(()));
        let cases: Vec<(NewComplaint, ComplaintField)> = vec![
            (
                NewComplaint {
                    team: " ".into(),
                    ..ok.clone()
                },
                ComplaintField::Team,
            ),
            (
                NewComplaint {
                    customer: "".into(),
                    ..ok.clone()
                },
                ComplaintField::Customer,
            ),
            (
                NewComplaint {
                    customer: "客".repeat(61),
                    ..ok.clone()
                },
                ComplaintField::Customer,
            ),
            (
                NewComplaint {
                    contact_phone: "call me".into(),
                    ..ok.clone()
                },
                ComplaintField::ContactPhone,
            ),
            (
                NewComplaint {
                    place: " ".into(),
                    ..ok.clone()
                },
                ComplaintField::Place,
            ),
            (
                NewComplaint {
                    place: "a\nb".into(),
                    ..ok.clone()
                },
                ComplaintField::Place,
            ),
            (
                NewComplaint {
                    what: "  ".into(),
                    ..ok.clone()
                },
                ComplaintField::What,
            ),
            (
                NewComplaint {
                    photos: vec![photo(1, "before"), photo(1, "before")],
                    ..ok.clone()
                },
                ComplaintField::Photos,
            ),
            (
                NewComplaint {
                    assignee: Some(Assignee::Person {
                        username: " ".into(),
                    }),
                    ..ok.clone()
                },
                ComplaintField::Assignee,
            ),
        ];
        for (new, field) in cases {
            assert_eq!(new.check(), Err(field), "{new:?}");
            assert!(matches!(
                Complaint::take(&new, &desk(), at(TAKEN), &china_2026()),
                Err(OpError::BadValue(_))
            ));
        }
        // No place in words is fine when the area is named; no photo is fine too.
        let in_area = NewComplaint {
            place: String::new(),
            area_id: Some(Uuid::from_u128(4)),
            photos: Vec::new(),
            contact_phone: String::new(),
            ..ok
        };
        assert_eq!(in_area.check(), Ok(()));
    }

    #[test]
    fn the_desk_or_the_head_gives_the_task_and_confirms_the_fix() {
        let cal = china_2026();
        let (c, mut f) = Complaint::take(
            &new_complaint(Severity::Major, None),
            &cleaner(),
            at(TAKEN),
            &cal,
        )
        .unwrap();
        let to = Assignee::Department {
            department: Department::Cleaning,
        };
        assert_eq!(
            c.assign_task(&mut f, &cleaner(), to.clone(), at(TAKEN)),
            Err(OpError::NotAllowed)
        );
        assert_eq!(
            c.assign_task(&mut f, &other_supervisor(), to.clone(), at(TAKEN)),
            Err(OpError::NotAllowed)
        );
        assert_eq!(
            c.assign_task(
                &mut f,
                &desk(),
                Assignee::Person {
                    username: "".into()
                },
                at(TAKEN)
            ),
            Err(OpError::BadValue("assignee"))
        );
        c.assign_task(&mut f, &desk(), to.clone(), at(TAKEN))
            .unwrap();
        assert_eq!((f.state, f.due), (FindingState::Assigned, Some(c.fix_due)));
        assert!(matches!(
            f.history.last().unwrap().event,
            FindingEvent::Assigned { .. }
        ));

        // Not fixed yet: nothing to confirm.
        let mut c = c;
        assert_eq!(
            c.confirm_task(&mut f, &desk(), at(TAKEN)),
            Err(OpError::WrongState)
        );
        f.close(
            &as_actor(&cleaner()),
            "",
            vec![photo(11, "after")],
            at("2026-12-05T01:00:00Z"),
        )
        .unwrap();
        // Fixed: giving it again is refused; whoever fixed it never confirms it.
        assert_eq!(
            c.assign_task(&mut f, &desk(), to, at(TAKEN)),
            Err(OpError::WrongState)
        );
        assert_eq!(
            c.confirm_task(&mut f, &cleaner(), at(TAKEN)),
            Err(OpError::NotAllowed)
        );
        let confirmed = at("2026-12-05T02:00:00Z");
        c.confirm_task(&mut f, &desk(), confirmed).unwrap();
        assert_eq!(f.state, FindingState::Confirmed);
        assert_eq!(c.state, ComplaintState::CallBackDue);
        assert_eq!(c.fix_confirmed_at, Some(confirmed));
        assert_eq!(c.call_back_due, Some(confirmed + Duration::days(7)));
        assert_eq!(c.fixed_on_time(), Some(true));
        // Once only.
        assert_eq!(
            c.confirm_task(&mut f, &desk(), confirmed),
            Err(OpError::WrongState)
        );
        let before = c.clone();
        c.fix_confirmed("someone", confirmed + Duration::days(1));
        assert_eq!(c, before, "a second confirmation changes nothing");
    }

    #[test]
    fn a_satisfied_call_back_closes_it_and_a_closed_complaint_only_reopens() {
        let (mut c, mut f) = fixed_and_confirmed(Severity::Major);
        assert_eq!(c.call_back_due, Some(at("2026-12-11T06:00:00Z")));
        assert!(c.call_back_due_by_today(at("2026-12-11T01:00:00Z")));
        assert!(!c.call_back_due_by_today(at("2026-12-10T01:00:00Z")));
        assert!(!c.is_call_back_late(at("2026-12-11T05:59:00Z")));
        assert!(c.is_call_back_late(at("2026-12-11T06:01:00Z")));
        let now = at("2026-12-06T02:00:00Z");
        let back = call_back(&c, CallBackMethod::Phone, true, "2026-12-06T01:30:00Z");
        assert_eq!(
            c.call_back(&back, &desk(), now),
            Ok(CallBackOutcome::Closed)
        );
        assert_eq!(c.state, ComplaintState::Closed);
        assert!(!c.is_open());
        assert_eq!(c.call_backs.len(), 1);
        assert_eq!(c.call_backs[0].due, c.call_back_due);
        let row = c.ledger_row();
        assert_eq!(
            (
                row.satisfied,
                row.call_back_on_time,
                row.fixed_on_time,
                row.reopened
            ),
            (Some(true), Some(true), Some(true), 0)
        );

        // Closed: no second call-back, no task changes, no confirming.
        let closed = c.clone();
        let again = NewCallBack {
            id: Uuid::from_u128(51),
            ..back.clone()
        };
        assert_eq!(c.call_back(&again, &desk(), now), Err(OpError::WrongState));
        assert_eq!(
            c.assign_task(&mut f, &desk(), to_cleaner().unwrap(), now),
            Err(OpError::WrongState)
        );
        assert_eq!(
            c.confirm_task(&mut f, &desk(), now),
            Err(OpError::WrongState)
        );
        assert_eq!(c, closed);

        // Reopening: the desk or the team's supervisor, with a reason.
        assert_eq!(
            c.reopen(&cleaner(), "再看看", now),
            Err(OpError::NotAllowed)
        );
        assert_eq!(
            c.reopen(&other_supervisor(), "再看看", now),
            Err(OpError::NotAllowed)
        );
        assert!(matches!(
            c.reopen(&desk(), "  ", now),
            Err(OpError::BadValue(_))
        ));
        assert_eq!(c, closed);
        // Tuesday 8 December, 10:00 China time: due again at the end of Wednesday.
        let reopened = at("2026-12-08T02:00:00Z");
        c.reopen(&desk(), "客户又打电话来了", reopened).unwrap();
        c.reopen_task(&mut f, "dispatcher1", reopened, &china_2026());
        assert_eq!(c.state, ComplaintState::Fixing);
        assert_eq!(c.fix_due, end_of("2026-12-09"));
        assert_eq!((c.fix_confirmed_at, c.call_back_due), (None, None));
        assert_eq!(f.state, FindingState::Assigned);
        assert_eq!(f.due, Some(c.fix_due));
        assert_eq!(
            f.history.last().unwrap().event,
            FindingEvent::Reopened {
                reason: "客户又打电话来了".into()
            }
        );
        // Only a closed one reopens this way.
        assert_eq!(
            c.reopen(&desk(), "again", reopened),
            Err(OpError::WrongState)
        );
        assert_eq!(c.ledger_row().reopened, 1);
    }

    #[test]
    fn a_dissatisfied_call_back_reopens_it_with_a_new_due_time() {
        let (mut c, mut f) = fixed_and_confirmed(Severity::Ordinary);
        assert_eq!(c.call_back_due, Some(at("2026-12-18T06:00:00Z")));
        // On a visit by the cleaner who fixed it (the team's own people may), signed.
        let visit = call_back(&c, CallBackMethod::Visit, false, "2026-12-09T02:00:00Z");
        let now = at("2026-12-09T02:01:00Z");
        assert_eq!(
            c.call_back(&visit, &cleaner(), now),
            Ok(CallBackOutcome::Reopened)
        );
        assert_eq!(c.state, ComplaintState::Fixing);
        assert_eq!(
            c.history.last().unwrap().event,
            ComplaintEvent::Reopened {
                reason: "还是很脏".into()
            }
        );
        c.reopen_task(&mut f, "cleaner1", visit.at, &china_2026());
        // Wednesday 9 December: three working days on, the end of Monday 14 December.
        assert_eq!(c.fix_due, end_of("2026-12-14"));
        assert_eq!(f.state, FindingState::Assigned);
        assert_eq!(f.due, Some(end_of("2026-12-14")));
        assert_eq!(c.call_backs[0].signature, Some(photo(60, "signature")));
        let row = c.ledger_row();
        assert_eq!(
            (row.satisfied, row.reopened, row.state, row.fixed_on_time),
            (Some(false), 1, ComplaintState::Fixing, None)
        );
        // A task nobody had goes back to the supervisor's queue.
        let (mut c2, mut f2) = Complaint::take(
            &new_complaint(Severity::Major, None),
            &cleaner(),
            at(TAKEN),
            &china_2026(),
        )
        .unwrap();
        f2.state = FindingState::Confirmed;
        c2.fix_confirmed("supervisor1", at("2026-12-04T06:00:00Z"));
        let back = call_back(&c2, CallBackMethod::Phone, false, "2026-12-05T02:00:00Z");
        assert_eq!(
            c2.call_back(&back, &supervisor(), at("2026-12-05T02:00:00Z")),
            Ok(CallBackOutcome::Reopened)
        );
        c2.reopen_task(&mut f2, "supervisor1", back.at, &china_2026());
        assert_eq!((f2.state, f2.due), (FindingState::Open, None));
    }

    #[test]
    fn call_backs_are_refused_as_the_issue_says_and_change_nothing() {
        let cal = china_2026();
        // Before the fix is confirmed.
        let (mut fixing, _) = Complaint::take(
            &new_complaint(Severity::Major, to_cleaner()),
            &desk(),
            at(TAKEN),
            &cal,
        )
        .unwrap();
        let early = call_back(&fixing, CallBackMethod::Phone, true, "2026-12-04T03:00:00Z");
        let kept = fixing.clone();
        assert_eq!(
            fixing.call_back(&early, &desk(), at("2026-12-04T03:00:00Z")),
            Err(OpError::WrongState)
        );
        assert_eq!(fixing, kept);

        let (c, _) = fixed_and_confirmed(Severity::Major);
        let now = at("2026-12-06T02:00:00Z");
        let phone = call_back(&c, CallBackMethod::Phone, true, "2026-12-06T01:00:00Z");
        let visit = call_back(&c, CallBackMethod::Visit, true, "2026-12-06T01:00:00Z");
        let refused: Vec<(NewCallBack, Staff, OpError)> = vec![
            // A signature on a call-back by phone; a visit without one.
            (
                NewCallBack {
                    signature: Some(photo(60, "signature")),
                    ..phone.clone()
                },
                desk(),
                OpError::BadValue("a signature on a visit, none on a phone call-back"),
            ),
            (
                NewCallBack {
                    signature: None,
                    ..visit.clone()
                },
                supervisor(),
                OpError::BadValue("a signature on a visit, none on a phone call-back"),
            ),
            // Not satisfied, without the customer's words.
            (
                NewCallBack {
                    satisfied: false,
                    words: " ".into(),
                    ..phone.clone()
                },
                desk(),
                OpError::BadValue("the customer's words"),
            ),
            (
                NewCallBack {
                    answered_by: " ".into(),
                    ..phone.clone()
                },
                desk(),
                OpError::BadValue("who answered"),
            ),
            // Outside the person's team; a cleaner does not call by phone.
            (phone.clone(), other_supervisor(), OpError::NotAllowed),
            (visit.clone(), other_supervisor(), OpError::NotAllowed),
            (
                visit.clone(),
                staff("cleaner9", Role::Cleaner, Some("team-b")),
                OpError::NotAllowed,
            ),
            (phone.clone(), cleaner(), OpError::NotAllowed),
            (
                phone.clone(),
                staff("head1", Role::ServiceSupervisor, Some("济南站")),
                OpError::NotAllowed,
            ),
            // Before the fix was confirmed, or in the future.
            (
                NewCallBack {
                    at: at("2026-12-04T05:59:00Z"),
                    ..phone.clone()
                },
                desk(),
                OpError::BadValue("the call-back's time"),
            ),
            (
                NewCallBack {
                    at: now + Duration::minutes(6),
                    ..phone.clone()
                },
                desk(),
                OpError::BadValue("the call-back's time"),
            ),
            // Another complaint's call-back.
            (
                NewCallBack {
                    subject: CallBackSubject::Complaint {
                        complaint_id: Uuid::from_u128(99),
                    },
                    ..phone.clone()
                },
                desk(),
                OpError::NotFound("complaint"),
            ),
        ];
        for (new, by, error) in refused {
            let mut c2 = c.clone();
            assert_eq!(
                c2.call_back(&new, &by, now),
                Err(error),
                "{new:?} by {by:?}"
            );
            assert_eq!(c2, c, "a refused call-back changes nothing");
        }
        // The owner may call back on a visit: the desk's phone call-back; the team's people.
        for (new, by) in [
            (phone.clone(), desk()),
            (phone.clone(), supervisor()),
            (visit.clone(), cleaner()),
            (
                visit.clone(),
                staff("cleaner2", Role::Cleaner, Some("team-a")),
            ),
        ] {
            let mut c2 = c.clone();
            assert_eq!(c2.call_back(&new, &by, now), Ok(CallBackOutcome::Closed));
        }
    }

    #[test]
    fn a_visit_signature_is_a_signature_photo() {
        let (c, _) = fixed_and_confirmed(Severity::Major);
        let visit = call_back(&c, CallBackMethod::Visit, true, "2026-12-06T01:00:00Z");
        assert_eq!(visit.check(), Ok(()));
        let wrong_slot = NewCallBack {
            signature: Some(photo(60, "after")),
            ..visit.clone()
        };
        assert_eq!(wrong_slot.check(), Err(ComplaintField::Signature));
        let bad_photo = NewCallBack {
            signature: Some(PhotoRef {
                sha256: "x".into(),
                ..photo(60, "signature")
            }),
            ..visit
        };
        assert_eq!(bad_photo.check(), Err(ComplaintField::Signature));
    }

    // The desk's call-back after a closed work order.

    fn order() -> WorkOrder {
        WorkOrder {
            id: Uuid::from_u128(70),
            ticket: "BX-20261204-001".into(),
            customer: "中铁十四局".into(),
            site: "济南东站".into(),
            equipment_model: "EC210D".into(),
            serial: "VCE1".into(),
            engine_hours: 100,
            working_condition: "土方".into(),
            fault_description: "漏油".into(),
            service_type: ServiceType::FaultRepair,
            machine_down: false,
            called_at: at("2026-12-01T01:00:00Z"),
            planned_at: at("2026-12-01T03:00:00Z"),
            assignee: "engineer1".into(),
            assignee_name: "张伟".into(),
            status: StatusNode::RepairedLeft,
            history: Vec::new(),
            seq: 1,
            slots: Vec::new(),
            photos: Vec::new(),
            report: Default::default(),
            contact_name: String::new(),
            contact_phone: String::new(),
            companions: Vec::new(),
            station: Some("济南站".into()),
            repeat_of: None,
            first_response: None,
            departure: None,
            reviews: Vec::new(),
            closure: None,
            naming: Default::default(),
            unrepaired_reason: None,
            call_backs: Vec::new(),
            claim_expected: false,
        }
    }

    fn order_call_back(method: CallBackMethod, when: &str) -> NewCallBack {
        NewCallBack {
            id: Uuid::from_u128(80),
            subject: CallBackSubject::WorkOrder {
                work_order_id: Uuid::from_u128(70),
            },
            method,
            at: at(when),
            answered_by: "王建国".into(),
            satisfied: true,
            words: String::new(),
            signature: (method == CallBackMethod::Visit).then(|| photo(81, "signature")),
        }
    }

    #[test]
    fn a_closed_orders_call_back_is_the_desks_and_comes_after_the_closing() {
        let now = at("2026-12-05T02:00:00Z");
        let desk = desk();
        let head = staff("head1", Role::ServiceSupervisor, Some("济南站"));
        let engineer = staff("engineer1", Role::Engineer, Some("济南站"));
        let phone = order_call_back(CallBackMethod::Phone, "2026-12-05T01:00:00Z");
        let visit = order_call_back(CallBackMethod::Visit, "2026-12-05T01:00:00Z");

        // Not closed yet.
        let mut open = order();
        assert!(!order_call_back_owed(&open));
        assert_eq!(order_call_back_due(&open, 3), None);
        assert_eq!(
            call_back_order(&mut open, &phone, &desk, 3, now),
            Err(OpError::WrongState)
        );
        assert_eq!(open, order());

        let mut closed = order();
        closed.closure = Some(Closure {
            by: crate::desk::Person {
                username: "dispatcher1".into(),
                name: "陈静".into(),
            },
            at: at("2026-12-04T08:00:00Z"),
            resolution: None,
        });
        assert!(order_call_back_owed(&closed));
        assert_eq!(
            order_call_back_due(&closed, 3),
            Some(at("2026-12-07T08:00:00Z"))
        );
        let refused: Vec<(NewCallBack, Staff, OpError)> = vec![
            (phone.clone(), engineer.clone(), OpError::NotAllowed),
            (
                phone.clone(),
                staff("head2", Role::ServiceSupervisor, Some("青岛站")),
                OpError::NotAllowed,
            ),
            (
                visit.clone(),
                staff("engineer2", Role::Engineer, Some("济南站")),
                OpError::NotAllowed,
            ),
            (phone.clone(), supervisor(), OpError::NotAllowed),
            (
                NewCallBack {
                    signature: Some(photo(81, "signature")),
                    ..phone.clone()
                },
                desk.clone(),
                OpError::BadValue(
                    "who answered, the customer's words, and a signature only on a visit",
                ),
            ),
            (
                NewCallBack {
                    at: at("2026-12-04T07:59:00Z"),
                    ..phone.clone()
                },
                desk.clone(),
                OpError::BadValue("the call-back's time"),
            ),
            (
                NewCallBack {
                    subject: CallBackSubject::WorkOrder {
                        work_order_id: Uuid::from_u128(71),
                    },
                    ..phone.clone()
                },
                desk.clone(),
                OpError::NotFound("work order"),
            ),
        ];
        for (new, by, error) in refused {
            let mut wo = closed.clone();
            assert_eq!(
                call_back_order(&mut wo, &new, &by, 3, now),
                Err(error),
                "{by:?}"
            );
            assert_eq!(wo, closed);
        }
        for (new, by) in [
            (phone.clone(), desk.clone()),
            (phone.clone(), head),
            (visit, engineer),
        ] {
            let mut wo = closed.clone();
            call_back_order(&mut wo, &new, &by, 3, now).unwrap();
            assert_eq!(wo.call_backs.len(), 1);
            assert_eq!(wo.call_backs[0].due, Some(at("2026-12-07T08:00:00Z")));
            assert_eq!(wo.call_backs[0].by, by.username);
            assert!(!order_call_back_owed(&wo));
        }
        // A dissatisfied answer is kept and changes nothing else.
        let mut wo = closed.clone();
        let unhappy = NewCallBack {
            satisfied: false,
            words: "配件还没换".into(),
            ..phone
        };
        call_back_order(&mut wo, &unhappy, &desk, 3, now).unwrap();
        assert_eq!(wo.closure, closed.closure);
        assert!(!wo.call_backs[0].satisfied);
    }
}
