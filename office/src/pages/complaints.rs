//! 投诉: the desk's complaints, open / late / waiting for a call-back (and all of them), with
//! each one's deadlines (the fix, the call-back) in red once late, searchable. Loaded once, then
//! `GET /api/complaints?since=N` every 3 s while the tab is visible, as the orders (`live`): what
//! a phone or another desk changes moves here within seconds.

use chrono::{DateTime, Utc};
use fieldbook::api::ApiFail;
use fieldbook::i18n::use_lang;
use fieldbook_model::complaints::{Complaint, ComplaintState, Severity};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::china;
use crate::complaints_api as capi;
use crate::i18n::{Msg, tr};
use crate::router::Route;
use crate::session::{fail_text, use_session};

/// The complaints the desk sees, kept current.
#[derive(Clone, Copy)]
pub struct Complaints {
    pub list: RwSignal<Option<Vec<Complaint>>>,
    pub failed: RwSignal<Option<ApiFail>>,
    seq: StoredValue<i64>,
    busy: StoredValue<bool>,
}

impl Complaints {
    /// Loaded now and polled while the calling component lives.
    pub fn start() -> Complaints {
        let store = Complaints {
            list: RwSignal::new(None),
            failed: RwSignal::new(None),
            seq: StoredValue::new(0),
            busy: StoredValue::new(false),
        };
        let session = use_session();
        Effect::new(move |_| {
            if store
                .failed
                .with(|f| matches!(f, Some(ApiFail::Unauthorized)))
            {
                session.expire();
            }
        });
        store.poll();
        crate::live::poll_while_visible(move || store.poll());
        store
    }

    /// What changed since the last answer (everything the first time), merged in.
    pub fn poll(self) {
        if self.busy.get_value() {
            return;
        }
        self.busy.set_value(true);
        spawn_local(async move {
            match capi::complaints(self.seq.get_value()).await {
                Ok(changes) => {
                    let seq = changes
                        .complaints
                        .iter()
                        .map(|c| c.seq)
                        .max()
                        .unwrap_or(0)
                        .max(changes.seq);
                    if !changes.complaints.is_empty() || self.list.with_untracked(Option::is_none) {
                        self.merge(changes.complaints);
                    }
                    self.seq.set_value(self.seq.get_value().max(seq));
                    if self.failed.with_untracked(Option::is_some) {
                        self.failed.set(None);
                    }
                }
                Err(e) => self.failed.set(Some(e)),
            }
            self.busy.set_value(false);
        });
    }

    fn merge(self, changed: Vec<Complaint>) {
        self.list.update(|list| {
            let list = list.get_or_insert_with(Vec::new);
            for c in changed {
                match list.iter_mut().find(|h| h.id == c.id) {
                    Some(held) if held.seq <= c.seq => *held = c,
                    Some(_) => {}
                    None => list.push(c),
                }
            }
            capi::order_by(list, |c| -c.taken_at.timestamp_millis());
        });
    }
}

pub fn severity_msg(s: Severity) -> Msg {
    match s {
        Severity::Major => Msg::Major,
        Severity::Ordinary => Msg::Ordinary,
    }
}

/// The state as the server spells it, for tests and styles.
pub fn state_code(s: ComplaintState) -> &'static str {
    match s {
        ComplaintState::Fixing => "fixing",
        ComplaintState::CallBackDue => "call_back_due",
        ComplaintState::Closed => "closed",
    }
}

pub fn state_msg(s: ComplaintState) -> Msg {
    match s {
        ComplaintState::Fixing => Msg::StFixing,
        ComplaintState::CallBackDue => Msg::StCallBackDue,
        ComplaintState::Closed => Msg::StClosed,
    }
}

/// A deadline as a cell: the China time, red and marked once late.
pub fn deadline_view(
    due: Option<DateTime<Utc>>,
    late: bool,
    testid: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    due.map(|d| {
        view! {
            <span class=if late { "deadline late" } else { "deadline" } data-testid=testid data-late=late.to_string()>
                {china::due(d)}
                {late.then(|| view! { " · "{move || Msg::LateMark.text(lang.get())} })}
            </span>
        }
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Open,
    Late,
    CallBackDue,
    All,
}

const TABS: [(Tab, Msg); 4] = [
    (Tab::Open, Msg::CoOpen),
    (Tab::Late, Msg::CoLate),
    (Tab::CallBackDue, Msg::CoCallBackDue),
    (Tab::All, Msg::CoAll),
];

fn on_tab(c: &Complaint, tab: Tab, now: DateTime<Utc>) -> bool {
    match tab {
        Tab::Open => c.is_open(),
        Tab::Late => c.is_fix_late(now) || c.is_call_back_late(now),
        Tab::CallBackDue => c.state == ComplaintState::CallBackDue,
        Tab::All => true,
    }
}

/// The complaint matches what was typed.
fn matches(c: &Complaint, q: &str) -> bool {
    let q = q.trim().to_lowercase();
    q.is_empty()
        || [
            &c.customer,
            &c.contact_phone,
            &c.place,
            &c.what,
            &c.team,
            &c.taken_by,
        ]
        .iter()
        .any(|f| f.to_lowercase().contains(&q))
}

#[component]
pub fn ComplaintsPage() -> impl IntoView {
    let lang = use_lang();
    let store = Complaints::start();
    let now = fieldbook::time::use_now();
    let tab = RwSignal::new(Tab::Open);
    let query = RwSignal::new(String::new());
    let rows = Memo::new(move |_| {
        let (tab, now, q) = (tab.get(), now.get(), query.get());
        store.list.with(|l| {
            l.iter()
                .flatten()
                .filter(|c| on_tab(c, tab, now) && matches(c, &q))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="complaints-page">
            <div class="list-head">
                <h1>{tr(Msg::NavComplaints)}</h1>
                <input
                    type="search"
                    name="search"
                    class="search"
                    aria-label=tr(Msg::CoSearch)
                    placeholder=tr(Msg::CoSearch)
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                <a class="primary" href=Route::NewComplaint.href() data-testid="take-complaint">{tr(Msg::TakeComplaint)}</a>
            </div>
            <div class="tabs" role="tablist">
                {TABS.iter().map(|&(t, msg)| {
                    let count = move || {
                        let now = now.get();
                        store.list.with(|l| l.iter().flatten().filter(|c| on_tab(c, t, now)).count())
                    };
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            aria-selected=move || if tab.get() == t { "true" } else { "false" }
                            on:click=move |_| tab.set(t)
                        >
                            {tr(msg)}" "<span class="count">{count}</span>
                        </button>
                    }
                }).collect_view()}
            </div>
            {move || store.failed.get().map(|e| view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> })}
            <table class="dense complaints" data-testid="complaint-table">
                <thead>
                    <tr>
                        <th>{tr(Msg::ComplaintTakenAt)}</th>
                        <th>{tr(Msg::Severity)}</th>
                        <th>{tr(Msg::Customer)}</th>
                        <th>{tr(Msg::TeamOrStation)}</th>
                        <th>{tr(Msg::Place)}</th>
                        <th>{tr(Msg::What)}</th>
                        <th>{tr(Msg::TakenBy)}</th>
                        <th>{tr(Msg::CoState)}</th>
                        // One column: a complaint waits for its fix or for its call-back, never both.
                        <th>{tr(Msg::FixOrCallBackDue)}</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || rows.get()
                        key=|c| (c.id, c.seq)
                        children=move |c| view! { <ComplaintRow complaint=c now/> }
                    />
                </tbody>
            </table>
            {move || match store.list.with(|l| l.as_ref().map(Vec::is_empty)) {
                None if store.failed.with(Option::is_none) => Some(view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any()),
                _ if rows.with(Vec::is_empty) && store.list.with(Option::is_some) => Some(view! { <p class="empty muted">{tr(Msg::NoComplaints)}</p> }.into_any()),
                _ => None,
            }}
        </section>
    }
}

#[component]
fn ComplaintRow(complaint: Complaint, now: ReadSignal<DateTime<Utc>>) -> impl IntoView {
    let lang = use_lang();
    let c = complaint;
    let href = Route::Complaint(c.id).href();
    let (severity, state) = (c.severity, c.state);
    let fix_due = c.fix_due;
    let cb_due = c.call_back_due;
    let (c1, c2) = (c.clone(), c.clone());
    view! {
        <tr data-testid="complaint-row" data-customer=c.customer.clone() data-state=state_code(c.state)>
            <td><a href=href.clone()>{china::short(c.taken_at)}</a></td>
            <td><span class=if severity == Severity::Major { "badge down" } else { "badge" }>{move || severity_msg(severity).text(lang.get())}</span></td>
            <td class="cell-strong clip" title=c.customer.clone()><a href=href>{c.customer.clone()}</a></td>
            <td>{c.team.clone()}</td>
            <td class="clip" title=c.place.clone()>{c.place.clone()}</td>
            <td class="clip" title=c.what.clone()>{c.what.clone()}</td>
            <td>{c.taken_by.clone()}</td>
            <td>{move || state_msg(state).text(lang.get())}</td>
            <td>
                {move || (state == ComplaintState::Fixing).then(|| deadline_view(Some(fix_due), c1.is_fix_late(now.get()), "fix-due"))}
                {move || deadline_view(cb_due.filter(|_| state == ComplaintState::CallBackDue), c2.is_call_back_late(now.get()), "call-back-due")}
            </td>
        </tr>
    }
}
