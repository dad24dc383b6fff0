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
    /// A visit's customer signature: a photo with slot `signature`. Never on a phone call-back.
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
                if check_photos(std::slice::from_ref(s), 1).is_err() {
                    return Err(ComplaintField::Signature);
                }
            }
            (CallBackMethod::Phone, None) => {}
        }
        Ok(())
    }
}

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
