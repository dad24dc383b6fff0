//! Customers' complaints (投诉) on the phone and the tablet: taking one on a customer's behalf
//! (`take`), one complaint with its task, deadlines and the visit's 《回访记录表》 (`one`), the
//! lists the board's figures open, and the person's own (首问负责: "我受理的投诉").
//!
//! Everything reads IndexedDB; taking and calling back go through the outbox, so both work offline.
//! The fix task is a finding: it shows, is closed and is confirmed where findings are.

mod one;
mod take;

pub use one::ComplaintPage;
pub use take::TakeComplaintPage;

use chrono::{DateTime, Utc};
use fieldbook_model::complaints::{Complaint, ComplaintEvent, ComplaintState, Severity};
use leptos::prelude::*;

use crate::components::back::BackHome;
use crate::components::device_read::DeviceRead;
use crate::hooks::use_read;
use crate::i18n::{Msg, tr, use_lang};
use crate::router::{ComplaintList, Route};
use crate::session::use_session;
use crate::sync::use_sync;
use crate::time;

pub fn severity_msg(s: Severity) -> Msg {
    match s {
        Severity::Major => Msg::SeverityMajor,
        Severity::Ordinary => Msg::SeverityOrdinary,
    }
}

/// The state shown on a complaint: reopened (by a dissatisfied call-back or the office) is told
/// apart from being fixed the first time.
pub fn state_msg(c: &Complaint) -> (Msg, &'static str) {
    match c.state {
        ComplaintState::Fixing
            if c.history
                .iter()
                .any(|s| matches!(s.event, ComplaintEvent::Reopened { .. })) =>
        {
            (Msg::StateReopened, "reopened")
        }
        ComplaintState::Fixing => (Msg::StateFixing, "fixing"),
        ComplaintState::CallBackDue => (Msg::StateCallBackDue, "call-back"),
        ComplaintState::Closed => (Msg::StateClosed, "closed"),
    }
}

/// The deadline that runs now (the fix's, or the call-back's), and whether it is passed.
pub fn deadline(c: &Complaint, now: DateTime<Utc>) -> Option<(Msg, DateTime<Utc>, bool)> {
    match c.state {
        ComplaintState::Fixing => Some((Msg::FixDue, c.fix_due, c.is_fix_late(now))),
        ComplaintState::CallBackDue => c
            .call_back_due
            .map(|d| (Msg::CallBackDueBy, d, c.is_call_back_late(now))),
        ComplaintState::Closed => None,
    }
}

pub fn is_late(c: &Complaint, now: DateTime<Utc>) -> bool {
    c.is_fix_late(now) || c.is_call_back_late(now)
}

fn in_list(c: &Complaint, list: ComplaintList, me: &str, now: DateTime<Utc>) -> bool {
    match list {
        ComplaintList::Open => c.is_open(),
        ComplaintList::Late => is_late(c, now),
        ComplaintList::CallBackDue => c.state == ComplaintState::CallBackDue,
        ComplaintList::Mine => c.taken_by == me && c.is_open(),
    }
}

fn list_title(list: ComplaintList) -> Msg {
    match list {
        ComplaintList::Open => Msg::ComplaintsOpen,
        ComplaintList::Late => Msg::ComplaintsLate,
        ComplaintList::CallBackDue => Msg::CallBacksDue,
        ComplaintList::Mine => Msg::MyComplaints,
    }
}

/// The complaint's severity as a small badge (major in red). (The small views here are plain
/// functions, not components: each component costs the field wasm its own wrapper.)
pub fn severity_badge(severity: Severity) -> impl IntoView {
    let class = match severity {
        Severity::Major => "badge missing",
        Severity::Ordinary => "badge plain",
    };
    view! { <span class=class data-testid="severity">{tr(severity_msg(severity))}</span> }
}

/// The deadline in force, red when late.
pub fn deadline_badge(complaint: &Complaint) -> impl IntoView {
    deadline(complaint, crate::time::now()).map(|(label, at, late)| {
        view! {
            <span class="deadline" class:overdue=late class:soon=!late data-testid="complaint-due" data-late=late.to_string()>
                {tr(label)}" "{time::short(at)}
            </span>
        }
    })
}

pub fn complaint_card(complaint: Complaint) -> impl IntoView {
    let lang = use_lang();
    let (state, class) = state_msg(&complaint);
    let late = is_late(&complaint, crate::time::now());
    let title = if complaint.place.is_empty() {
        complaint.customer.clone()
    } else {
        format!("{} · {}", complaint.customer, complaint.place)
    };
    view! {
        <li>
            <a class="card order-card finding-card complaint-card" class:overdue=late href=Route::Complaint(complaint.id).href()
                data-testid="complaint-card" data-id=complaint.id.to_string() data-state=class>
                <div class="row between">
                    <strong>{title}</strong>
                    <span class=format!("status complaint-{class}") data-testid="complaint-state">{move || state.text(lang.get())}</span>
                </div>
                <span class="small">{severity_badge(complaint.severity)}" "{complaint.what.clone()}</span>
                <span class="muted small">{time::short(complaint.taken_at)}" "{deadline_badge(&complaint)}</span>
            </a>
        </li>
    }
}

/// A list the board's figures open (and the person's own), read from the device.
#[component]
pub fn ComplaintsPage(list: ComplaintList) -> impl IntoView {
    let sync = use_sync();
    let read = use_read(
        move || sync.changed.field.track(),
        |db| async move { db.complaints().await },
    );
    let me = use_session()
        .0
        .get_untracked()
        .map(|p| p.username)
        .unwrap_or_default();
    view! {
        <section class="list-page field-page">
            <BackHome/>
            <h1>{tr(list_title(list))}</h1>
            <DeviceRead read view={move |all: Vec<Complaint>| {
                let now = crate::time::now();
                let shown: Vec<Complaint> = all.into_iter().filter(|c| in_list(c, list, &me, now)).collect();
                view! {
                    {shown.is_empty().then(|| view! { <p class="empty muted">{tr(Msg::NoComplaints)}</p> })}
                    <ul class="cards" data-testid="complaint-list">
                        {shown.into_iter().map(complaint_card).collect_view()}
                    </ul>
                }
            }}/>
        </section>
    }
}

/// On every field home: the button to take a complaint (two taps to the form: this, then the
/// first field), and the complaints the person took that are not closed yet.
pub fn my_complaints(complaints: Vec<Complaint>) -> impl IntoView {
    let me = use_session()
        .0
        .get_untracked()
        .map(|p| p.username)
        .unwrap_or_default();
    let now = crate::time::now();
    let mine: Vec<Complaint> = complaints
        .into_iter()
        .filter(|c| in_list(c, ComplaintList::Mine, &me, now))
        .collect();
    (!mine.is_empty()).then(|| {
        view! {
            <h2 class="section-title">{tr(Msg::MyComplaints)}</h2>
            <ul class="cards" data-testid="my-complaints">
                {mine.into_iter().map(complaint_card).collect_view()}
            </ul>
        }
    })
}

/// The button that opens the complaint form.
pub fn take_complaint_button() -> impl IntoView {
    view! {
        <a href=Route::TakeComplaint.href() class="secondary big take-complaint" data-testid="take-complaint">{tr(Msg::TakeComplaint)}</a>
    }
}

/// The board's complaints tile: open, late, call-backs due, each opening its list.
pub fn complaints_tile(complaints: Vec<Complaint>) -> impl IntoView {
    let now = crate::time::now();
    let count = |list| {
        complaints
            .iter()
            .filter(|c| in_list(c, list, "", now))
            .count()
    };
    let figure = move |list: ComplaintList, n: usize, bad: bool, testid: &'static str| {
        view! {
            <a class="figure" class:bad={bad && n > 0} href=Route::Complaints(list).href() data-testid=testid>
                <span class="figure-value">{n}</span>
                <span class="figure-label">{tr(list_title(list))}</span>
            </a>
        }
    };
    view! {
        <div class="card tile" data-testid="tile-complaints">
            <h3>{tr(Msg::ComplaintsTile)}</h3>
            <div class="figures">
                {figure(ComplaintList::Open, count(ComplaintList::Open), false, "complaints-open")}
                {figure(ComplaintList::Late, count(ComplaintList::Late), true, "complaints-late")}
                {figure(ComplaintList::CallBackDue, count(ComplaintList::CallBackDue), false, "complaints-call-back")}
            </div>
            {take_complaint_button()}
        </div>
    }
}
