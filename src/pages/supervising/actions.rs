//! The supervisor's part of a finding: make it a task for a person or a department with a due
//! time; once it is fixed, compare the before and after photos and confirm it, or reopen it with
//! a reason.

use chrono::{
    DateTime, Datelike, Duration, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike,
    Utc,
};
use fieldbook_model::findings::{Assignee, Department, Finding, FindingState};
use fieldbook_model::order::ordered;
use fieldbook_model::{OpKind, Role, UserProfile};
use leptos::prelude::*;
use uuid::Uuid;

use crate::components::feedback::FeedbackToast;
use crate::drafts::use_text;
use crate::hooks::{UseOutboxReturn, use_outbox};
use crate::i18n::{self, Msg, tr, use_lang};
use crate::session::use_session;

/// The due times offered as one tap, in hours from now.
const QUICK_DUE: [i64; 3] = [4, 24, 72];

/// A time as a `datetime-local` input holds it, in the device's time zone: "2026-11-28T15:30".
pub fn to_input(at: DateTime<Utc>) -> String {
    let t = at.with_timezone(&Local);
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// The input's value back as a time; None when it is empty or not a time.
pub fn from_input(value: &str) -> Option<DateTime<Utc>> {
    let (date, time) = value.split_once('T')?;
    let mut d = date.splitn(3, '-').map(str::parse::<u32>);
    let (y, m, day) = (d.next()?.ok()?, d.next()?.ok()?, d.next()?.ok()?);
    let mut t = time.splitn(3, ':').map(|s| s.parse::<u32>());
    let (h, min) = (t.next()?.ok()?, t.next()?.ok()?);
    let naive = NaiveDateTime::new(
        NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, day)?,
        NaiveTime::from_hms_opt(h, min, 0)?,
    );
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// An assignee as the form keeps it: "person:engineer1", "department:Engineering".
fn to_text(a: &Assignee) -> String {
    match a {
        Assignee::Person { username } => format!("person:{username}"),
        Assignee::Department { department } => format!("department:{department:?}"),
    }
}

fn from_text(s: &str) -> Option<Assignee> {
    match s.split_once(':')? {
        ("person", username) if !username.is_empty() => Some(Assignee::Person {
            username: username.to_string(),
        }),
        ("department", "Engineering") => Some(Assignee::Department {
            department: Department::Engineering,
        }),
        ("department", "Cleaning") => Some(Assignee::Department {
            department: Department::Cleaning,
        }),
        _ => None,
    }
}

/// Engineers first, then cleaners: the people a task can go to.
fn assignable(people: &[UserProfile]) -> Vec<UserProfile> {
    let p: Vec<UserProfile> = people
        .iter()
        .filter(|p| matches!(p.role, Role::Engineer | Role::Cleaner))
        .cloned()
        .collect();
    ordered(p, |p| {
        (i64::from(p.role != Role::Engineer), 0, p.username.clone())
    })
}

#[component]
pub fn FindingActions(
    finding: Finding,
    people: Vec<UserProfile>,
    /// A complaint's task: the complaint's working-day deadline, offered as the due time.
    fix_due: Option<DateTime<Utc>>,
) -> impl IntoView {
    let session = use_session();
    let me = session
        .0
        .get_untracked()
        .map(|p| p.username)
        .unwrap_or_default();
    let outbox = use_outbox();
    let body = match finding.state {
        FindingState::Open => view! { <AssignForm finding people outbox fix_due/> }.into_any(),
        FindingState::Assigned => {
            let open = RwSignal::new(false);
            view! {
                <Show when=move || open.get() fallback=move || view! {
                    <button class="secondary big" data-testid="reassign" on:click=move |_| open.set(true)>{tr(Msg::Reassign)}</button>
                }>
                    <AssignForm finding=finding.clone() people=people.clone() outbox fix_due/>
                </Show>
            }
            .into_any()
        }
        FindingState::Fixed if finding.fixed_by() == Some(me.as_str()) => {
            view! { <p class="muted">{tr(Msg::OwnFix)}</p> }.into_any()
        }
        FindingState::Fixed => view! { <ConfirmForm finding_id=finding.id outbox/> }.into_any(),
        FindingState::Confirmed => return ().into_any(),
    };
    view! {
        <div class="card finding-actions" data-testid="finding-actions">
            {body}
            <FeedbackToast feedback=outbox.feedback/>
        </div>
    }
    .into_any()
}

#[component]
fn AssignForm(
    finding: Finding,
    people: Vec<UserProfile>,
    outbox: UseOutboxReturn,
    fix_due: Option<DateTime<Utc>>,
) -> impl IntoView {
    let lang = use_lang();
    let finding_id = finding.id;
    let reported_at = finding.reported_at;
    // Kept while typed (see `typed`): a sync rebuilding the page does not undo a choice.
    let to_key = format!("assign-to:{finding_id}");
    let due_key = format!("assign-due:{finding_id}");
    let (chosen, chosen_draft) = use_text(to_key.clone());
    if chosen.get_untracked().is_empty() {
        chosen.set(finding.assignee.as_ref().map(to_text).unwrap_or_default());
    }
    let to = Signal::derive(move || chosen.with(|c| from_text(c)));
    let (due, due_draft) = use_text(due_key.clone());
    if due.get_untracked().is_empty() {
        due.set(to_input(
            finding
                .due
                .or(fix_due)
                .unwrap_or_else(|| crate::time::now() + Duration::hours(24)),
        ));
    }
    let tried = RwSignal::new(false);
    let parsed = move || due.with(|v| from_input(v));
    let due_error = move || match parsed() {
        None => Some(Msg::DueInvalid),
        Some(d) if d <= reported_at => Some(Msg::DueAfterReport),
        Some(_) => None,
    };
    let assign = move |_| {
        tried.set(true);
        let (Some(assignee), Some(due), None) = (to.get_untracked(), parsed(), due_error()) else {
            return;
        };
        chosen_draft.saved();
        due_draft.saved();
        outbox.record(
            vec![OpKind::AssignFinding {
                finding_id,
                assignee,
                due,
            }],
            Vec::new(),
        );
    };
    // A person's name and role, or a department's name: the words follow a language switch.
    let chip = move |a: Assignee, name: Option<String>, role: Option<Role>, testid: String| {
        let selected = {
            let a = a.clone();
            move || to.with(|t| t.as_ref() == Some(&a))
        };
        let label = {
            let a = a.clone();
            move || match (&name, &a) {
                (Some(n), _) => n.clone(),
                (None, Assignee::Department { department }) => {
                    i18n::department(*department, lang.get()).to_string()
                }
                (None, _) => String::new(),
            }
        };
        let sub = move || role.map_or("", |r| i18n::role_name(r, lang.get()));
        view! {
            <button type="button" class="chip choice person" class:selected=selected
                data-testid="assignee" data-to=testid on:click=move |_| chosen.set(to_text(&a))>
                <span>{label}</span><span class="chip-sub">{sub}</span>
            </button>
        }
    };
    let person_chips = assignable(&people)
        .into_iter()
        .map(|p| {
            chip(
                Assignee::Person {
                    username: p.username.clone(),
                },
                Some(p.display_name.clone()),
                Some(p.role),
                p.username,
            )
        })
        .collect_view();
    let department_chips = [Department::Engineering, Department::Cleaning]
        .into_iter()
        .map(|d| {
            chip(
                Assignee::Department { department: d },
                None,
                None,
                match d {
                    Department::Engineering => "engineering",
                    Department::Cleaning => "cleaning",
                }
                .to_string(),
            )
        })
        .collect_view();
    view! {
        <div class="assign-form" data-testid="assign-form">
            <h2>{tr(Msg::AssignTitle)}</h2>
            <h3 class="sub">{tr(Msg::ToPerson)}</h3>
            <div class="chips assign-chips">{person_chips}</div>
            <h3 class="sub">{tr(Msg::ToDepartment)}</h3>
            <div class="chips assign-chips">{department_chips}</div>
            {move || (tried.get() && to.with(Option::is_none)).then(|| view! { <p class="field-error" role="alert">{tr(Msg::ChooseAssignee)}</p> })}
            <label class="field">
                <span>{tr(Msg::DueTime)}</span>
                <input type="datetime-local" data-testid="due" prop:value=move || due.get()
                    class:invalid=move || tried.get() && due_error().is_some()
                    on:input=move |ev| due.set(event_target_value(&ev))/>
            </label>
            <div class="chips quick-due">
                {QUICK_DUE.into_iter().map(|h| view! {
                    <button type="button" class="chip choice small-chip" data-testid="quick-due"
                        on:click=move |_| due.set(to_input(crate::time::now() + Duration::hours(h)))>
                        {move || i18n::due_in(h, lang.get())}
                    </button>
                }).collect_view()}
            </div>
            {move || tried.get().then(due_error).flatten().map(|m| view! { <p class="field-error" role="alert" data-testid="due-error">{move || m.text(lang.get())}</p> })}
            <button class="primary big" data-testid="assign" disabled=move || outbox.pending.get() on:click=assign>{tr(Msg::AssignButton)}</button>
        </div>
    }
}

#[component]
fn ConfirmForm(finding_id: Uuid, outbox: UseOutboxReturn) -> impl IntoView {
    let reason_key = format!("reopen:{finding_id}");
    let (reason, reason_draft) = use_text(reason_key.clone());
    let tried = RwSignal::new(false);
    let missing = move || reason.with(|r| r.trim().is_empty());
    let confirm = move |_| outbox.record(vec![OpKind::ConfirmFinding { finding_id }], Vec::new());
    let reopen = move |_| {
        tried.set(true);
        if missing() {
            return;
        }
        reason_draft.saved();
        outbox.record(
            vec![OpKind::ReopenFinding {
                finding_id,
                reason: reason.get_untracked().trim().to_string(),
            }],
            Vec::new(),
        );
    };
    view! {
        <div class="confirm-form" data-testid="confirm-form">
            <p class="muted">{tr(Msg::CheckAfterPhoto)}</p>
            <button class="primary big confirm-fix" data-testid="confirm-fix" disabled=move || outbox.pending.get() on:click=confirm>{tr(Msg::ConfirmFix)}</button>
            <label class="field">
                <span>{tr(Msg::ReopenReason)}</span>
                <textarea rows="2" maxlength="500" data-testid="reopen-reason" prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            </label>
            {move || (tried.get() && missing()).then(|| view! { <p class="field-error" role="alert" data-testid="reason-required">{tr(Msg::ReasonRequired)}</p> })}
            <button class="secondary big" data-testid="reopen" disabled=move || outbox.pending.get() on:click=reopen>{tr(Msg::Reopen)}</button>
        </div>
    }
}
