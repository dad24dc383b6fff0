//! One complaint at the desk: who took it (首问负责人, on it until it is closed), its deadlines, its
//! timeline (the complaint's steps and its task's), its fix task (who has it, when it is due, the
//! after photos once fixed), and what the desk does: give the task to someone, confirm the fix of
//! a team whose head is at the desk, call the customer back (not satisfied reopens it, saying so),
//! reopen a closed complaint with a reason. The call-backs made are listed, a visit's signature
//! shown. Read again every 3 s while the tab is visible, as an order's page.

use chrono::{DateTime, Utc};
use fieldbook::api::ApiFail;
use fieldbook::i18n::{self as labels, Lang, use_lang};
use fieldbook_model::complaints::{
    CallBackSubject, Complaint, ComplaintEvent, ComplaintState, NewCallBack, Severity,
};
use fieldbook_model::findings::{Assignee, Department, FindingEvent, FindingState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::api;
use crate::china;
use crate::complaints_api::{self as capi, ComplaintDetail};
use crate::i18n::{Msg, tr};
use crate::pages::call_backs::{CallBackForm, history, refusal_text};
use crate::pages::complaints::{deadline_view, severity_msg, state_code, state_msg};
use crate::router::Route;
use crate::session::{fail_text, use_session};

/// An assignee in words.
pub fn assignee_text(a: &Assignee, lang: Lang) -> String {
    match a {
        Assignee::Person { username } => username.clone(),
        Assignee::Department { department } => labels::department(*department, lang).to_string(),
    }
}

#[component]
pub fn ComplaintPage(id: Uuid) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let data = RwSignal::new(None::<ComplaintDetail>);
    let failed = RwSignal::new(None::<ApiFail>);
    let load = move || {
        spawn_local(async move {
            match capi::complaint(id).await {
                Ok(d) => {
                    failed.set(None);
                    if data.with_untracked(|old| old.as_ref() != Some(&d)) {
                        data.set(Some(d));
                    }
                }
                Err(ApiFail::Unauthorized) => session.expire(),
                Err(e) => failed.set(Some(e)),
            }
        });
    };
    load();
    crate::live::poll_while_visible(load);
    let loaded = Memo::new(move |_| data.with(Option::is_some));
    view! {
        <section class="detail-page">
            <a class="back" href=Route::Complaints.href()>"‹ "{tr(Msg::Back)}</a>
            {move || failed.get().map(|e| match e {
                ApiFail::Server(404, _) => view! { <p class="empty muted">{tr(Msg::NoComplaint)}</p> }.into_any(),
                e => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
            })}
            {move || if loaded.get() {
                view! { <ComplaintView data load=Callback::new(move |()| load())/> }.into_any()
            } else if failed.with(Option::is_none) {
                view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any()
            } else {
                ().into_any()
            }}
        </section>
    }
}

/// One line of the timeline.
struct Step {
    at: DateTime<Utc>,
    by: String,
    what: Msg,
    detail: String,
    testid: &'static str,
}

fn timeline(d: &ComplaintDetail, lang: Lang) -> Vec<Step> {
    let mut steps: Vec<Step> = d
        .complaint
        .history
        .iter()
        .map(|s| {
            let (what, detail, testid) = match &s.event {
                ComplaintEvent::Taken => (Msg::EvTaken, String::new(), "ev-taken"),
                ComplaintEvent::FixConfirmed => (Msg::EvConfirmed, String::new(), "ev-confirmed"),
                ComplaintEvent::CalledBack { satisfied, .. } => (
                    Msg::EvCalledBack,
                    if *satisfied {
                        Msg::Satisfied
                    } else {
                        Msg::NotSatisfied
                    }
                    .text(lang)
                    .to_string(),
                    "ev-called-back",
                ),
                ComplaintEvent::Reopened { reason } => {
                    (Msg::EvReopened, reason.clone(), "ev-reopened")
                }
            };
            Step {
                at: s.at,
                by: s.by.clone(),
                what,
                detail,
                testid,
            }
        })
        .collect();
    for s in &d.task.history {
        let (what, detail, testid) = match &s.event {
            FindingEvent::Assigned { to, due } => (
                Msg::EvAssigned,
                format!(
                    "{} · {} {}",
                    assignee_text(to, lang),
                    Msg::Due.text(lang),
                    china::due(*due)
                ),
                "ev-assigned",
            ),
            FindingEvent::Fixed { note } => (Msg::EvFixed, note.clone(), "ev-fixed"),
            // The complaint's own steps say these.
            _ => continue,
        };
        steps.push(Step {
            at: s.at,
            by: s.by.clone(),
            what,
            detail,
            testid,
        });
    }
    capi::order_by(&mut steps, |s| s.at.timestamp_millis());
    steps
}

#[component]
fn ComplaintView(data: RwSignal<Option<ComplaintDetail>>, load: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let now = fieldbook::time::use_now();
    let complaint = Memo::new(move |_| {
        data.with(|d| d.as_ref().map(|d| d.complaint.clone()))
            .expect("shown once loaded")
    });
    let state = Memo::new(move |_| complaint.with(|c| c.state));
    let id = complaint.with_untracked(|c| c.id);
    // What the last call-back did, said at the top.
    let notice = RwSignal::new(None::<(bool, String)>);
    let show = move |body: &str| {
        if let Some(d) = capi::detail(body) {
            data.set(Some(d));
        } else {
            load.run(());
        }
    };
    let called_back = Callback::new(move |(body, new): (String, NewCallBack)| {
        notice.set(Some((new.satisfied, new.words.clone())));
        show(&body);
    });
    let kv = move |label: Msg, value: String, testid: &'static str| {
        view! { <div class="kv"><dt>{tr(label)}</dt><dd data-testid=testid>{value}</dd></div> }
    };
    view! {
        <div class="order-desk complaint-desk">
            <div class="card order-head">
                <div class="row between">
                    <h1 data-testid="complaint-customer">{move || complaint.with(|c| c.customer.clone())}</h1>
                    <div class="row">
                        {move || {
                            let s = complaint.with(|c| c.severity);
                            view! { <span class=if s == Severity::Major { "badge down" } else { "badge" } data-testid="severity">{move || severity_msg(s).text(lang.get())}</span> }
                        }}
                        <span class="badge locked" data-testid="complaint-state" data-state=move || state_code(state.get())>{move || state_msg(state.get()).text(lang.get())}</span>
                    </div>
                </div>
                {move || notice.get().map(|(satisfied, words)| if satisfied {
                    view! { <p class="banner ok" role="status" data-testid="call-back-notice">{tr(Msg::ClosedNotice)}</p> }.into_any()
                } else {
                    view! { <p class="banner attention" role="status" data-testid="call-back-notice">{tr(Msg::ReopenedNotice)}" “"{words}"”"</p> }.into_any()
                })}
                {move || complaint.with(|c| {
                    let order = c.work_order_id;
                    view! {
                        <dl class="kv-grid">
                            {kv(Msg::ContactPhone, c.contact_phone.clone(), "c-phone")}
                            {kv(Msg::TeamOrStation, c.team.clone(), "c-team")}
                            {kv(Msg::Place, c.place.clone(), "c-place")}
                            {kv(Msg::TakenBy, c.taken_by.clone(), "c-taken-by")}
                            {kv(Msg::ComplaintTakenAt, china::full(c.taken_at), "c-taken-at")}
                            <div class="kv"><dt>{tr(Msg::CbOrder)}</dt><dd>{order.map(|o| view! { <a href=Route::WorkOrder(o).href() data-testid="c-order">{tr(Msg::CbOrder)}</a> })}</dd></div>
                        </dl>
                        <p class="fault" data-testid="c-what"><strong>{tr(Msg::What)}": "</strong>{c.what.clone()}</p>
                    }
                })}
                <dl class="kv-grid deadlines">
                    <div class="kv"><dt>{tr(Msg::FixDue)}</dt><dd>{move || {
                        let c = complaint.get();
                        deadline_view(Some(c.fix_due), c.is_fix_late(now.get()), "c-fix-due")
                    }}</dd></div>
                    <div class="kv"><dt>{tr(Msg::CallBackDueAt)}</dt><dd>{move || {
                        let c = complaint.get();
                        deadline_view(c.call_back_due, c.is_call_back_late(now.get()), "c-call-back-due")
                    }}</dd></div>
                </dl>
            </div>
            <div class="order-cols">
                <div class="order-col">
                    <TaskCard data complaint show/>
                    <div class="card" data-testid="timeline">
                        <h2>{tr(Msg::Timeline)}</h2>
                        <ol class="nodes">
                            {move || data.with(|d| d.as_ref().map(|d| timeline(d, lang.get())).unwrap_or_default()).into_iter().map(|s| view! {
                                <li data-testid=s.testid>
                                    <strong>{move || s.what.text(lang.get())}</strong>" · "{china::full(s.at)}" · "{s.by.clone()}
                                    {(!s.detail.is_empty()).then(|| view! { <br/><span class="detail">{s.detail.clone()}</span> })}
                                </li>
                            }).collect_view()}
                        </ol>
                    </div>
                </div>
                <div class="order-col wide">
                    <div class="card" data-testid="call-backs">
                        <h2>{tr(Msg::CallBackHistory)}</h2>
                        {move || history(complaint.with(|c| c.call_backs.clone()))}
                        {move || (state.get() == ComplaintState::CallBackDue).then(|| view! {
                            <h3>{tr(Msg::CallBack)}</h3>
                            <CallBackForm subject=CallBackSubject::Complaint { complaint_id: id } done=called_back/>
                        })}
                    </div>
                    {move || (state.get() == ComplaintState::Closed).then(|| view! { <ReopenCard id show/> })}
                </div>
            </div>
        </div>
    }
}

#[derive(serde::Serialize)]
struct AssignBody {
    assignee: Assignee,
}

#[derive(serde::Serialize)]
struct ReopenBody {
    reason: String,
}

#[component]
fn TaskCard(
    data: RwSignal<Option<ComplaintDetail>>,
    complaint: Memo<Complaint>,
    show: impl Fn(&str) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let task = Memo::new(move |_| {
        data.with(|d| d.as_ref().map(|d| d.task.clone()))
            .expect("shown once loaded")
    });
    let id = complaint.with_untracked(|c| c.id);
    let engineers = LocalResource::new(api::engineers);
    let to = RwSignal::new(String::new());
    let other = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let post = move |path: String, json: String| {
        outcome.set(None);
        spawn_local(async move {
            match capi::send("POST", &path, json).await {
                Ok(b) => {
                    show(&b);
                    outcome.set(Some(Ok(())));
                }
                Err(f) => outcome.set(Some(Err(refusal_text(&f, lang.get_untracked())))),
            }
        });
    };
    let assign = move |_| {
        let code = to.get_untracked();
        let assignee = match code.as_str() {
            "" => None,
            "dept:engineering" => Some(Assignee::Department {
                department: Department::Engineering,
            }),
            "dept:cleaning" => Some(Assignee::Department {
                department: Department::Cleaning,
            }),
            "other" => Some(other.get_untracked().trim().to_string())
                .filter(|u| !u.is_empty())
                .map(|username| Assignee::Person { username }),
            c => Some(Assignee::Person {
                username: c.trim_start_matches("user:").to_string(),
            }),
        };
        let Some(assignee) = assignee else {
            outcome.set(Some(Err(Msg::Choose.text(lang.get_untracked()).into())));
            return;
        };
        post(
            format!("/api/complaints/{id}/assign"),
            serde_json::to_string(&AssignBody { assignee }).unwrap_or_default(),
        );
    };
    // An empty object: the confirmation says nothing more.
    let confirm = move |_| post(format!("/api/complaints/{id}/confirm"), "{}".into());
    let fixing = move || complaint.with(|c| c.state == ComplaintState::Fixing);
    view! {
        <div class="card" data-testid="task">
            <h2>{tr(Msg::Task)}": "<span data-testid="task-state">{move || labels::finding_state(task.with(|t| t.conflict.is_none().then_some(t.state)), lang.get())}</span></h2>
            <dl class="kv-grid two">
                <div class="kv"><dt>{tr(Msg::TaskAssignee)}</dt><dd data-testid="task-assignee">{move || task.with(|t| t.assignee.as_ref().map(|a| assignee_text(a, lang.get())).unwrap_or_default())}</dd></div>
                <div class="kv"><dt>{tr(Msg::Due)}</dt><dd data-testid="task-due">{move || task.with(|t| t.due.map(china::due).unwrap_or_default())}</dd></div>
            </dl>
            {move || {
                let photos = task.with(|t| t.after_photos.clone());
                (!photos.is_empty()).then(|| view! {
                    <h3>{tr(Msg::AfterPhotos)}</h3>
                    <div class="thumbs" data-testid="after-photos">
                        {photos.into_iter().map(|p| {
                            let src = format!("/api/photos/{}", p.photo_id);
                            view! { <figure class="thumb"><a href=src.clone() target="_blank"><img src=src.clone() alt="" loading="lazy"/></a></figure> }
                        }).collect_view()}
                    </div>
                })
            }}
            {move || (fixing() && task.with(|t| t.conflict.is_none() && matches!(t.state, FindingState::Open | FindingState::Assigned))).then(|| view! {
                <div class="row assign-row">
                    <label class="field grow">
                        <span>{tr(Msg::Assign)}</span>
                        <select name="task_assignee" aria-label=tr(Msg::TaskAssignee) on:change=move |ev| to.set(event_target_value(&ev))>
                            <option value="">{tr(Msg::Choose)}</option>
                            <option value="dept:engineering">{move || labels::department(Department::Engineering, lang.get())}</option>
                            <option value="dept:cleaning">{move || labels::department(Department::Cleaning, lang.get())}</option>
                            {move || {
                                let team = complaint.with(|c| c.team.clone());
                                let list = engineers.get().and_then(Result::ok).unwrap_or_default();
                                // The team's own engineers first.
                                let (own, rest): (Vec<_>, Vec<_>) = list.into_iter().partition(|e| e.station.as_deref() == Some(team.as_str()));
                                own.into_iter().chain(rest).map(|e| {
                                    let line = format!("{} · {}", e.person.label(), e.station.unwrap_or_default());
                                    view! { <option value=format!("user:{}", e.person.username)>{line}</option> }
                                }).collect_view()
                            }}
                            <option value="other">{tr(Msg::OtherAccount)}</option>
                        </select>
                    </label>
                    {move || (to.get() == "other").then(|| view! {
                        <label class="field"><span>{tr(Msg::AccountName)}</span>
                            <input name="task_assignee_other" aria-label=tr(Msg::AccountName) autocomplete="off" prop:value=move || other.get() on:input=move |ev| other.set(event_target_value(&ev))/>
                        </label>
                    })}
                    <button class="secondary" type="button" data-testid="assign" on:click=assign>{tr(Msg::Assign)}</button>
                </div>
            })}
            {move || (fixing() && task.with(|t| t.conflict.is_none() && t.state == FindingState::Fixed)).then(|| view! {
                <button class="primary" type="button" data-testid="confirm-fix" on:click=confirm>{tr(Msg::ConfirmFix)}</button>
            })}
            {move || outcome.get().map(|r| match r {
                Ok(()) => view! { <p class="saved" role="status" data-testid="task-outcome">{tr(Msg::Saved)}</p> }.into_any(),
                Err(t) => view! { <p class="form-error" role="alert" data-testid="task-outcome">{t}</p> }.into_any(),
            })}
        </div>
    }
}

#[component]
fn ReopenCard(id: Uuid, show: impl Fn(&str) + Copy + Send + Sync + 'static) -> impl IntoView {
    let lang = use_lang();
    let reason = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<String>);
    let reopen = move |_| {
        let r = reason.get_untracked().trim().to_string();
        if r.is_empty() {
            outcome.set(Some(Msg::ReasonRequired.text(lang.get_untracked()).into()));
            return;
        }
        outcome.set(None);
        spawn_local(async move {
            match capi::change(
                "POST",
                &format!("/api/complaints/{id}/reopen"),
                &ReopenBody { reason: r },
            )
            .await
            {
                Ok(b) => show(&b),
                Err(f) => outcome.set(Some(refusal_text(&f, lang.get_untracked()))),
            }
        });
    };
    view! {
        <div class="card" data-testid="reopen">
            <h2>{tr(Msg::Reopen)}</h2>
            <label class="field">
                <span>{tr(Msg::ReopenReason)}</span>
                <textarea name="reopen_reason" aria-label=tr(Msg::ReopenReason) rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            </label>
            <div class="row">
                <button class="danger" type="button" data-testid="reopen-button" on:click=reopen>{tr(Msg::Reopen)}</button>
                <span class="form-error" role="alert">{move || outcome.get()}</span>
            </div>
        </div>
    }
}
