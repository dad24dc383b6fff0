//! One work order at the desk: every field, the status nodes with their times, the departure,
//! the station head's first response (and a phone fix that closes the order), the plan and the
//! companions, a reassignment with the held work settled, a "99" order's serial, the unrepaired
//! reason, the repeat visit, and the review of the submitted report (关单, or 退回 item by item,
//! every round listed). A closed order shows locked and offers no edits.
//!
//! Read from the server, and read again every 3 s while the tab is visible (the desk's poll
//! period, see `live`), so what others change, and work held from a previous engineer, shows up
//! without a reload; an unchanged answer leaves the page and its half-typed forms alone.

use std::collections::BTreeMap;

use chrono::Utc;
use fieldbook::api::ApiFail;
use fieldbook::i18n::{self as labels, Lang, use_lang};
use fieldbook_model::claims::claimable_service;
use fieldbook_model::desk::{
    FirstResponse, HeldDecision, MachineFix, PhoneFix, PlanChange, ReviewDecision, ReviewItem,
    SendBackItem, UnrepairedReason, WaiverAnswer,
};
use fieldbook_model::{AssigneeChange, HeldOperation, PhotoMeta, Role, WorkOrder, WorkOrderDetail};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;
use uuid::Uuid;

use crate::api;
use crate::china;
use crate::i18n::{Msg, tr};
use crate::live::{Live, use_live};
use crate::router::Route;
use crate::session::{fail_text, use_session};

#[component]
pub fn WorkOrderPage(id: Uuid) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let live = use_live();
    let data = RwSignal::new(None::<WorkOrderDetail>);
    let failed = RwSignal::new(None::<ApiFail>);
    let load = move || {
        spawn_local(async move {
            match api::work_order(id).await {
                Ok(d) => {
                    failed.set(None);
                    // Unchanged answers leave the page alone (forms being typed in stay).
                    if data.with_untracked(|old| old.as_ref() != Some(&d)) {
                        live.merge(vec![d.work_order.clone()]);
                        data.set(Some(d));
                    }
                }
                Err(ApiFail::Unauthorized) => session.expire(),
                Err(e) => failed.set(Some(e)),
            }
        });
    };
    load();
    // Read again every poll period while the tab is visible: the order's own changes come with
    // the desk's poll too, but work held from a previous engineer does not change the order (nor
    // its sequence value), and it is this page's to show.
    crate::live::poll_while_visible(load);
    let loaded = Memo::new(move |_| data.with(Option::is_some));
    let page = Page {
        data,
        live,
        load: Callback::new(move |()| load()),
    };
    view! {
        <section class="detail-page">
            <a class="back" href=Route::WorkOrders.href()>"‹ "{tr(Msg::Back)}</a>
            {move || failed.get().map(|e| match e {
                ApiFail::Server(404, _) => view! { <p class="empty muted">{tr(Msg::NotFound)}</p> }.into_any(),
                e => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
            })}
            {move || if loaded.get() {
                view! { <OrderView page/> }.into_any()
            } else if failed.with(Option::is_none) {
                view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any()
            } else {
                ().into_any()
            }}
        </section>
    }
}

/// "device clock off by N min" beside a status step (its operation id) or photo (its id) whose
/// device's clock was off when it sent it: the time shown is the server's correction.
fn clock_note(page: Page, id: Uuid) -> Option<impl IntoView> {
    let minutes = page.data.with_untracked(|d| {
        d.as_ref()?
            .clock_off
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.minutes)
    })?;
    Some(view! {
        <span class="badge missing" data-testid="clock-off">
            {tr(Msg::ClockOff)}" "{minutes.abs()}" "{tr(Msg::ClockOffMinutes)}
        </span>
    })
}

/// The page's order and how to change it.
#[derive(Clone, Copy)]
struct Page {
    data: RwSignal<Option<WorkOrderDetail>>,
    live: Live,
    load: Callback<()>,
}

/// What a change ended with, for the form that sent it.
type Outcome = RwSignal<Option<Result<(), String>>>;

/// Send one change; on success show the server's answer (or read the order again).
fn send(
    page: Page,
    method: &'static str,
    path: String,
    body: impl Serialize + 'static,
    outcome: Outcome,
    lang: Lang,
) {
    // Written as JSON here: what follows is one copy of code for every form's body (a copy per
    // body type was about 0.3 KiB brotli of wasm each).
    match serde_json::to_string(&body) {
        Ok(json) => send_json(page, method, path, json, outcome, lang),
        Err(_) => outcome.set(Some(Err(refusal_text(&ApiFail::Unreachable, lang)))),
    }
}

fn send_json(
    page: Page,
    method: &'static str,
    path: String,
    json: String,
    outcome: Outcome,
    lang: Lang,
) {
    outcome.set(None);
    spawn_local(async move {
        match api::change_json(method, &path, json).await {
            Ok(answer) => {
                match answer {
                    Some(d) => {
                        page.live.merge(vec![d.work_order.clone()]);
                        page.data.set(Some(d));
                    }
                    None => page.load.run(()),
                }
                outcome.set(Some(Ok(())));
            }
            Err(fail) => outcome.set(Some(Err(refusal_text(&fail, lang)))),
        }
    });
}

/// A refusal as the desk says it: the server's code in words, else its message.
pub(crate) fn refusal_text(fail: &ApiFail, lang: Lang) -> String {
    match fail {
        ApiFail::Server(_, e) => {
            let msg = match e.error.as_str() {
                "order_closed" => Some(Msg::OrderClosedRefused),
                "not_submitted" => Some(Msg::NotSubmittedRefused),
                "no_items" => Some(Msg::NoItems),
                "bad_reason" => Some(Msg::BadReason),
                "unknown_photo" => Some(Msg::UnknownPhoto),
                "planned_before_call" => Some(Msg::PlannedBeforeCall),
                "companion_is_assignee" => Some(Msg::CompanionIsAssignee),
                "user_disabled" => Some(Msg::UserDisabled),
                "not_an_engineer" => Some(Msg::NotAnEngineer),
                "unknown_user" => Some(Msg::UnknownUser),
                "required" => Some(Msg::Required),
                "already_decided" => Some(Msg::WaiverAlreadyDecided),
                "no_waiver_request" => Some(Msg::WaiverNone),
                "report_in_conflict" => Some(Msg::ReportConflictHint),
                _ => None,
            };
            match msg {
                Some(m) => m.text(lang).to_string(),
                None => format!("{}: {}", Msg::ServerRefused.text(lang), e.message),
            }
        }
        other => fail_text(other).text(lang).to_string(),
    }
}

/// The outcome line under a form.
fn outcome_line(outcome: Outcome, testid: &'static str) -> impl IntoView {
    let lang = use_lang();
    move || {
        outcome.get().map(|r| match r {
            Ok(()) => view! { <p class="saved" role="status" data-testid=testid>{move || Msg::Saved.text(lang.get())}</p> }.into_any(),
            Err(text) => view! { <p class="form-error" role="alert" data-testid=testid>{text}</p> }.into_any(),
        })
    }
}

#[component]
fn OrderView(page: Page) -> impl IntoView {
    let lang = use_lang();
    let live = page.live;
    let order = Memo::new(move |_| {
        page.data
            .with(|d| d.as_ref().map(|d| d.work_order.clone()))
            .expect("shown once loaded")
    });
    let held = Memo::new(move |_| {
        page.data
            .with(|d| d.as_ref().and_then(|d| d.held.clone()).unwrap_or_default())
    });
    let closed = Memo::new(move |_| order.with(WorkOrder::is_closed));
    // Claims support and the manager read an order here; its changes are the desk's.
    let writer = desk_writer();
    let locked = Memo::new(move |_| closed.get() || !writer);
    let dispatcher = crate::pages::claims::my_role() == Some(Role::Dispatcher);
    let fault =
        order.with_untracked(|o| o.service_type == fieldbook_model::ServiceType::FaultRepair);
    let id = order.with_untracked(|o| o.id);
    let zip = format!("/api/work-orders/{id}/photos.zip");
    let engineers = LocalResource::new(api::engineers);
    let engineer_list =
        Signal::derive(move || engineers.get().and_then(Result::ok).unwrap_or_default());
    // The earlier order this one repeats, if the desk has it.
    let repeat = move || {
        order.with(|o| o.repeat_of.clone()).map(|ticket| {
            let earlier = live.orders.with(|l| {
                l.as_ref()
                    .and_then(|l| l.iter().find(|o| o.ticket == ticket).map(|o| o.id))
            });
            view! {
                <span class="badge repeat" data-testid="repeat-of">
                    {tr(Msg::RepeatOf)}" "
                    {match earlier {
                        Some(e) => view! { <a href=Route::WorkOrder(e).href()>{ticket.clone()}</a> }.into_any(),
                        None => view! { <span>{ticket.clone()}</span> }.into_any(),
                    }}
                </span>
            }
        })
    };
    let field =
        move |label: Msg, value: Box<dyn Fn() -> String + Send + Sync>, testid: &'static str| {
            view! {
                <div class="kv">
                    <dt>{tr(label)}</dt>
                    <dd data-testid=testid>{value}</dd>
                </div>
            }
        };
    let o = move |f: fn(&WorkOrder) -> String| -> Box<dyn Fn() -> String + Send + Sync> {
        Box::new(move || order.with(f))
    };
    view! {
        <div class="order-desk">
            <div class="card order-head">
                <div class="row between">
                    <h1 class="ticket" data-testid="ticket">{move || order.with(|o| o.ticket.clone())}</h1>
                    <div class="row">
                        {repeat}
                        {move || closed.get().then(|| view! {
                            <span class="badge locked" data-testid="closed">{tr(Msg::ClosedLocked)}</span>
                        })}
                        <a class="primary zip-link" href=zip download data-testid="zip">{tr(Msg::DownloadZip)}</a>
                    </div>
                </div>
                {move || order.with(|o| o.closure.clone()).map(|c| view! {
                    <p class="banner ok" data-testid="closure">
                        {tr(Msg::ClosedBy)}" "{c.by.label().to_string()}" · "{china::full(c.at)}
                        {c.resolution.map(|r| view! { <br/>{tr(Msg::Resolution)}": "{r}})}
                    </p>
                })}
                <dl class="kv-grid">
                    {field(Msg::Customer, o(|o| o.customer.clone()), "f-customer")}
                    {field(Msg::ContactName, o(|o| o.contact_name.clone()), "f-contact")}
                    {field(Msg::ContactPhone, o(|o| o.contact_phone.clone()), "f-phone")}
                    {field(Msg::Site, o(|o| o.site.clone()), "f-site")}
                    {field(Msg::Model, o(|o| o.equipment_model.clone()), "f-model")}
                    {field(Msg::Serial, Box::new(move || order.with(|o| if o.serial.trim().is_empty() { Msg::SerialPending.text(lang.get()).to_string() } else { o.serial.clone() })), "f-serial")}
                    {field(Msg::Hours, o(|o| format!("{} h", o.engine_hours)), "f-hours")}
                    {field(Msg::WorkingCondition, o(|o| o.working_condition.clone()), "f-condition")}
                    {field(Msg::ServiceType, Box::new(move || labels::service_type(order.with(|o| o.service_type), lang.get()).to_string()), "f-service")}
                    {field(Msg::MachineDown, Box::new(move || if order.with(|o| o.machine_down) { Msg::Yes } else { Msg::No }.text(lang.get()).to_string()), "f-down")}
                    {field(Msg::CalledAt, o(|o| china::full(o.called_at)), "f-called")}
                    {field(Msg::PlannedAt, o(|o| china::full(o.planned_at)), "planned-at")}
                    {field(Msg::Assignee, o(|o| o.assignee_label().to_string()), "f-assignee")}
                    {field(Msg::Companions, o(|o| o.companions.iter().map(|p| p.label().to_string()).collect::<Vec<_>>().join("、")), "f-companions")}
                    {field(Msg::Station, o(|o| o.station.clone().unwrap_or_default()), "f-station")}
                    {field(Msg::UnrepairedReasonLabel, o(|o| o.unrepaired_reason.as_ref().map(|r| r.text.clone()).unwrap_or_default()), "f-unrepaired")}
                </dl>
                <p class="fault"><strong>{tr(Msg::Fault)}": "</strong>{move || order.with(|o| o.fault_description.clone())}</p>
            </div>
            <div class="order-cols">
                <div class="order-col">
                    <StatusCard order page/>
                    <WaiverCard order page/>
                    {move || claimable_service(order.with(|o| o.service_type)).then(|| view! { <ClaimCard order page closed/> })}
                    <FirstResponseCard order page closed=locked/>
                    {move || (writer && closed.get()).then(|| view! { <CallBackCard order page/> })}
                    {fault.then(|| view! { <ExcuseCard id dispatcher/> })}
                    {move || (!locked.get()).then(|| view! {
                        <PlanCard order page engineers=engineer_list/>
                        <ReassignCard order page engineers=engineer_list held/>
                        <MachineCard order page/>
                        <UnrepairedCard order page/>
                    })}
                </div>
                <div class="order-col wide">
                    <ReviewCard order page closed=locked/>
                </div>
            </div>
        </div>
    }
}

/// The engineer's waiver request (免签) and its answer; the station head or a manager answers a
/// waiting one here: approved in one tap, or refused with the reason typed beside it.
#[component]
fn WaiverCard(order: Memo<WorkOrder>, page: Page) -> impl IntoView {
    let lang = use_lang();
    let id = order.with_untracked(|o| o.id);
    let reason = RwSignal::new(String::new());
    let outcome: Outcome = RwSignal::new(None);
    let answer = move |approve: bool| {
        let reason = reason.get_untracked().trim().to_string();
        if !approve && reason.is_empty() {
            let why = Msg::WaiverRefuseReason.text(lang.get_untracked());
            outcome.set(Some(Err(why.into())));
            return;
        }
        let body = WaiverAnswer { approve, reason };
        let path = format!("/api/work-orders/{id}/waiver");
        send(page, "POST", path, body, outcome, lang.get_untracked());
    };
    let answers = crate::pages::waivers::answers_waivers();
    move || {
        // Drawn again (the order changed): the input is empty again, and so is its reason.
        reason.update_untracked(String::clear);
        let (w, waiting) = order.with(|o| (o.report.waiver.clone(), o.waiver_waiting()));
        w.map(|w| view! {
            <div class="card" data-testid="waiver">
                <h2>{tr(Msg::Waived)}</h2>
                <p data-testid="waiver-state">{crate::pages::waivers::waiver_line(&w, lang.get_untracked())}</p>
                {(waiting && answers).then(|| view! {
                    <div class="row">
                        <button class="primary" type="button" on:click=move |_| answer(true) data-testid="waiver-approve">{tr(Msg::Approve)}</button>
                        <input name="waiver_refuse_reason" placeholder=Msg::WaiverRefuseReason.text(lang.get_untracked())
                            on:input=move |ev| reason.set(event_target_value(&ev))/>
                        <button class="danger" type="button" on:click=move |_| answer(false) data-testid="waiver-refuse">{tr(Msg::WaiverRefuse)}</button>
                    </div>
                })}
                {outcome_line(outcome, "waiver-outcome")}
            </div>
        })
    }
}

/// The dispatcher and the station head change orders at the desk; the others here read them.
fn desk_writer() -> bool {
    matches!(
        crate::pages::claims::my_role(),
        Some(Role::Dispatcher | Role::ServiceSupervisor)
    )
}

#[derive(Serialize)]
struct ClaimExpected {
    claim_expected: bool,
}

/// 索赔: whether the order expects a warranty claim (changed by the desk, the station head and
/// claims support while it is open), and its claim's state with a link once there is one.
#[component]
fn ClaimCard(order: Memo<WorkOrder>, page: Page, closed: Memo<bool>) -> impl IntoView {
    let lang = use_lang();
    let id = order.with_untracked(|o| o.id);
    let expected = Memo::new(move |_| order.with(|o| o.claim_expected));
    let role = crate::pages::claims::my_role();
    let may_change = matches!(
        role,
        Some(Role::Dispatcher | Role::ServiceSupervisor | Role::Claims)
    );
    // The order's claim, if there is one (read when the order expects one).
    let claim = LocalResource::new(move || {
        let wanted = expected.get();
        async move {
            if !wanted {
                return None;
            }
            crate::claims_api::claims()
                .await
                .ok()
                .and_then(|c| c.claims.into_iter().find(|c| c.work_order_id == id))
        }
    });
    let outcome: Outcome = RwSignal::new(None);
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        send(
            page,
            "PUT",
            format!("/api/work-orders/{id}/claim-expected"),
            ClaimExpected { claim_expected: on },
            outcome,
            lang.get_untracked(),
        );
    };
    view! {
        <div class="card" data-testid="order-claim">
            <h2>{tr(Msg::ClaimTitle)}</h2>
            {move || if may_change && !closed.get() {
                view! {
                    <label class="check">
                        <input type="checkbox" name="order_claim_expected" prop:checked=move || expected.get() on:change=toggle/>
                        <span>{tr(Msg::ClaimExpected)}</span>
                    </label>
                }.into_any()
            } else {
                view! { <p data-testid="claim-expected">{move || if expected.get() { Msg::ClaimExpected.text(lang.get()) } else { "" }}</p> }.into_any()
            }}
            {move || claim.get().flatten().map(|c| {
                let state = c.state;
                view! {
                    <p>
                        <a href=Route::Claim(c.id).href() data-testid="order-claim-link" data-state=crate::claims_api::state_code(state)>
                            {tr(Msg::OpenClaim)}" · "{move || crate::claims_api::state_msg(state).text(lang.get())}
                            {(!c.claim_number.is_empty()).then(|| format!(" · {}", c.claim_number))}
                        </a>
                    </p>
                }
            })}
            {move || (expected.get() && claim.get().is_some_and(|c| c.is_none())).then(|| view! { <p class="muted">{tr(Msg::NoClaimYet)}</p> })}
            {outcome_line(outcome, "claim-expected-outcome")}
        </div>
    }
}

#[component]
fn StatusCard(order: Memo<WorkOrder>, page: Page) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="card" data-testid="status-nodes">
            <h2>{tr(Msg::Status)}": "{move || labels::status_node(order.with(|o| o.status), lang.get())}</h2>
            <ol class="nodes">
                <li>{tr(Msg::CalledAt)}" · "{move || order.with(|o| china::full(o.called_at))}</li>
                {move || order.with(|o| o.history.clone()).into_iter().map(|e| view! {
                    <li>
                        <strong>{move || labels::status_node(e.node, lang.get())}</strong>
                        " · "{china::full(e.at)}" · "{e.by.clone()}
                        {clock_note(page, e.op_id)}
                    </li>
                }).collect_view()}
            </ol>
            {move || order.with(|o| o.departure.clone()).map(|d| view! {
                <p data-testid="departure">
                    <strong>{tr(Msg::ExpectedArrival)}": "</strong>{china::full(d.expected_arrival)}
                    {(!d.companions.is_empty()).then(|| view! { " · "{tr(Msg::Companions)}": "{d.companions.join("、")} })}
                </p>
            })}
        </div>
    }
}

#[component]
fn FirstResponseCard(order: Memo<WorkOrder>, page: Page, closed: Memo<bool>) -> impl IntoView {
    let lang = use_lang();
    let id = order.with_untracked(|o| o.id);
    let opened = StoredValue::new(china::to_input(Utc::now()));
    let at = RwSignal::new(opened.get_value());
    let outcome_text = RwSignal::new(String::new());
    let site_confirmed = RwSignal::new(false);
    let phone_fix = RwSignal::new(false);
    let resolution = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Msg>);
    let outcome: Outcome = RwSignal::new(None);
    let fix_outcome: Outcome = RwSignal::new(None);
    let record = move |_| {
        let typed = at.get_untracked();
        // Left as it was: now, to the second (the minute shown may be before a call made in it).
        let when = if opened.with_value(|o| *o == typed) {
            Some(Utc::now())
        } else {
            china::from_input(&typed)
        };
        let Some(when) = when else {
            error.set(Some(Msg::Required));
            return;
        };
        if outcome_text.with_untracked(|t| t.trim().is_empty()) {
            error.set(Some(Msg::OutcomeRequired));
            return;
        }
        error.set(None);
        let body = FirstResponse {
            at: when,
            outcome: outcome_text.get_untracked().trim().to_string(),
            site_confirmed: site_confirmed.get_untracked(),
            phone_fix: phone_fix.get_untracked(),
        };
        send(
            page,
            "POST",
            format!("/api/work-orders/{id}/first-response"),
            body,
            outcome,
            lang.get_untracked(),
        );
    };
    let close_fix = move |_| {
        if resolution.with_untracked(|t| t.trim().is_empty()) {
            fix_outcome.set(Some(Err(Msg::ResolutionRequired
                .text(lang.get_untracked())
                .into())));
            return;
        }
        let body = PhoneFix {
            resolution: resolution.get_untracked().trim().to_string(),
        };
        send(
            page,
            "POST",
            format!("/api/work-orders/{id}/phone-fix"),
            body,
            fix_outcome,
            lang.get_untracked(),
        );
    };
    view! {
        <div class="card" data-testid="first-response">
            <h2>{tr(Msg::FirstResponseTitle)}</h2>
            {move || match order.with(|o| o.first_response.clone()) {
                Some(r) => view! {
                    <p>
                        {china::full(r.response.at)}" · "{r.by.label().to_string()}<br/>
                        {r.response.outcome.clone()}<br/>
                        {move || if r.response.site_confirmed { Msg::SiteConfirmed.text(lang.get()) } else { Msg::SiteNotConfirmed.text(lang.get()) }}
                        {r.response.phone_fix.then(|| view! { " · "<strong>{tr(Msg::PhoneFixPlanned)}</strong> })}
                    </p>
                }.into_any(),
                None if closed.get() => ().into_any(),
                None => view! {
                    <div class="form">
                        <label class="field">
                            <span>{tr(Msg::ResponseAt)}</span>
                            <input type="datetime-local" name="response_at" aria-label=tr(Msg::ResponseAt) prop:value=move || at.get() on:input=move |ev| at.set(event_target_value(&ev))/>
                        </label>
                        <label class="field">
                            <span>{tr(Msg::ResponseOutcome)}</span>
                            <textarea name="response_outcome" aria-label=tr(Msg::ResponseOutcome) rows="2" prop:value=move || outcome_text.get() on:input=move |ev| outcome_text.set(event_target_value(&ev))></textarea>
                            <small class="field-error">{move || error.get().map(|m| m.text(lang.get()))}</small>
                        </label>
                        <label class="check"><input type="checkbox" name="site_confirmed" prop:checked=move || site_confirmed.get() on:change=move |ev| site_confirmed.set(event_target_checked(&ev))/><span>{tr(Msg::SiteConfirmed)}</span></label>
                        <label class="check"><input type="checkbox" name="phone_fix" prop:checked=move || phone_fix.get() on:change=move |ev| phone_fix.set(event_target_checked(&ev))/><span>{tr(Msg::PhoneFixQuestion)}</span></label>
                        <button class="primary" type="button" on:click=record>{tr(Msg::RecordResponse)}</button>
                        {outcome_line(outcome, "first-response-outcome")}
                    </div>
                }.into_any(),
            }}
            {move || {
                let wants_fix = order.with(|o| o.first_response.as_ref().is_some_and(|r| r.response.phone_fix));
                (wants_fix && !closed.get()).then(|| view! {
                    <div class="form phone-fix" data-testid="phone-fix">
                        <label class="field">
                            <span>{tr(Msg::Resolution)}</span>
                            <textarea name="resolution" aria-label=tr(Msg::Resolution) rows="3" prop:value=move || resolution.get() on:input=move |ev| resolution.set(event_target_value(&ev))></textarea>
                        </label>
                        <button class="primary" type="button" on:click=close_fix>{tr(Msg::ClosePhoneFix)}</button>
                        {outcome_line(fix_outcome, "phone-fix-outcome")}
                    </div>
                })
            }}
        </div>
    }
}

/// Companions as checkboxes over the engineers (accounts), the main engineer left out.
fn companion_boxes(
    engineers: Signal<Vec<fieldbook_model::desk::EngineerLoad>>,
    chosen: RwSignal<Vec<String>>,
    assignee: Memo<String>,
) -> impl IntoView {
    move || {
        engineers
            .get()
            .into_iter()
            .filter(|e| e.person.username != assignee.get())
            .map(|e| {
                let user = e.person.username.clone();
                let (u1, u2) = (user.clone(), user.clone());
                let label = format!("{} · {}/{}", e.person.label(), e.open_orders, e.today);
                view! {
                    <label class="check">
                        <input
                            type="checkbox"
                            name="plan_companion"
                            value=user
                            prop:checked=move || chosen.with(|c| c.contains(&u1))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|x| *x != u2);
                                    if on {
                                        c.push(u2.clone());
                                    }
                                });
                            }
                        />
                        <span>{label}</span>
                    </label>
                }
            })
            .collect_view()
    }
}

/// 回访: the desk's call-back after a closed order (the form while it is owed), and the
/// call-backs made.
#[component]
fn CallBackCard(order: Memo<WorkOrder>, page: Page) -> impl IntoView {
    let id = order.with_untracked(|o| o.id);
    let done = Callback::new(
        move |(body, _): (String, fieldbook_model::complaints::NewCallBack)| {
            #[derive(serde::Deserialize)]
            struct Answer {
                work_order: WorkOrder,
            }
            match fieldbook_model::json::from_str::<Answer>(&body) {
                Ok(a) => {
                    page.live.merge(vec![a.work_order.clone()]);
                    page.data.update(|d| {
                        if let Some(d) = d {
                            d.work_order = a.work_order;
                        }
                    });
                }
                Err(_) => page.load.run(()),
            }
        },
    );
    view! {
        <div class="card" data-testid="order-call-back">
            <h2>{tr(Msg::OrderCallBack)}</h2>
            {move || crate::pages::call_backs::history(order.with(|o| o.call_backs.clone()))}
            {move || order.with(fieldbook_model::complaints::order_call_back_owed).then(|| view! {
                <crate::pages::call_backs::CallBackForm
                    subject=fieldbook_model::complaints::CallBackSubject::WorkOrder { work_order_id: id }
                    done
                />
            })}
        </div>
    }
}

#[component]
fn PlanCard(
    order: Memo<WorkOrder>,
    page: Page,
    engineers: Signal<Vec<fieldbook_model::desk::EngineerLoad>>,
) -> impl IntoView {
    let lang = use_lang();
    let id = order.with_untracked(|o| o.id);
    let planned = RwSignal::new(order.with_untracked(|o| china::to_input(o.planned_at)));
    let chosen = RwSignal::new(order.with_untracked(|o| {
        o.companions
            .iter()
            .map(|p| p.username.clone())
            .collect::<Vec<_>>()
    }));
    let assignee = Memo::new(move |_| order.with(|o| o.assignee.clone()));
    let error = RwSignal::new(None::<Msg>);
    let outcome: Outcome = RwSignal::new(None);
    let save = move |_| {
        let Some(at) = china::from_input(&planned.get_untracked()) else {
            error.set(Some(Msg::Required));
            return;
        };
        if at < order.with_untracked(|o| o.called_at) {
            error.set(Some(Msg::PlannedBeforeCall));
            return;
        }
        error.set(None);
        let body = PlanChange {
            planned_at: at,
            companions: chosen.get_untracked(),
        };
        send(
            page,
            "PUT",
            format!("/api/work-orders/{id}/plan"),
            body,
            outcome,
            lang.get_untracked(),
        );
    };
    view! {
        <div class="card" data-testid="plan">
            <h2>{tr(Msg::PlanTitle)}</h2>
            <div class="form">
                <label class="field">
                    <span>{tr(Msg::PlannedAt)}</span>
                    <input type="datetime-local" name="plan_at" aria-label=tr(Msg::PlannedAt) prop:value=move || planned.get() on:input=move |ev| { planned.set(event_target_value(&ev)); error.set(None); }/>
                    <small class="field-error" data-field="plan_at">{move || error.get().map(|m| m.text(lang.get()))}</small>
                </label>
                <fieldset class="field companions">
                    <legend>{tr(Msg::Companions)}</legend>
                    {companion_boxes(engineers, chosen, assignee)}
                </fieldset>
                <button class="primary" type="button" on:click=save>{tr(Msg::SavePlan)}</button>
                {outcome_line(outcome, "plan-outcome")}
            </div>
        </div>
    }
}

#[component]
fn ReassignCard(
    order: Memo<WorkOrder>,
    page: Page,
    engineers: Signal<Vec<fieldbook_model::desk::EngineerLoad>>,
    held: Memo<Vec<HeldOperation>>,
) -> impl IntoView {
    let lang = use_lang();
    let id = order.with_untracked(|o| o.id);
    let to = RwSignal::new(String::new());
    let outcome: Outcome = RwSignal::new(None);
    let reassign = move |_| {
        let username = to.get_untracked();
        if username.is_empty() {
            outcome.set(Some(Err(Msg::Choose.text(lang.get_untracked()).into())));
            return;
        }
        send(
            page,
            "PUT",
            format!("/api/work-orders/{id}/assignee"),
            AssigneeChange { username },
            outcome,
            lang.get_untracked(),
        );
    };
    view! {
        <div class="card" data-testid="reassign">
            <h2>{tr(Msg::Reassign)}</h2>
            <div class="row">
                <label class="field grow">
                    <span>{tr(Msg::NewEngineer)}</span>
                    <select name="reassign_to" aria-label=tr(Msg::NewEngineer) on:change=move |ev| to.set(event_target_value(&ev))>
                        <option value="">{tr(Msg::Choose)}</option>
                        {move || engineers.get().into_iter().filter(|e| e.person.username != order.with(|o| o.assignee.clone())).map(|e| {
                            let line = format!("{} · {}/{}", e.person.label(), e.open_orders, e.today);
                            view! { <option value=e.person.username.clone()>{line}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button class="secondary" type="button" on:click=reassign>{tr(Msg::Reassign)}</button>
            </div>
            {outcome_line(outcome, "reassign-outcome")}
            {move || {
                let list = held.get();
                (!list.is_empty()).then(|| view! {
                    <h3>{tr(Msg::HeldWork)}</h3>
                    <ul class="held" data-testid="held">
                        {list.into_iter().map(|h| view! { <HeldRow held=h page id/> }).collect_view()}
                    </ul>
                })
            }}
        </div>
    }
}

#[component]
fn HeldRow(held: HeldOperation, page: Page, id: Uuid) -> impl IntoView {
    let lang = use_lang();
    let op_id = held.op.id;
    let reason = RwSignal::new(String::new());
    let outcome: Outcome = RwSignal::new(None);
    let kind = held.op.kind.clone();
    let path = format!("/api/work-orders/{id}/held/{op_id}");
    let p2 = path.clone();
    let apply = move |_| {
        send(
            page,
            "POST",
            path.clone(),
            HeldDecision::Apply,
            outcome,
            lang.get_untracked(),
        )
    };
    let dismiss = move |_| {
        let r = reason.get_untracked().trim().to_string();
        if r.is_empty() {
            outcome.set(Some(Err(Msg::ReasonRequired
                .text(lang.get_untracked())
                .into())));
            return;
        }
        send(
            page,
            "POST",
            p2.clone(),
            HeldDecision::Dismiss { reason: r },
            outcome,
            lang.get_untracked(),
        );
    };
    view! {
        <li class="held-row">
            <span>
                <strong>{move || labels::op_label(&kind, lang.get())}</strong>
                " · "{held.op.user.clone()}" · "{china::full(held.received_at)}
            </span>
            {match held.settled {
                Some(done) => {
                    let (what, why) = match done.decision {
                        HeldDecision::Apply => (Msg::Applied, String::new()),
                        HeldDecision::Dismiss { reason } => (Msg::Dismissed, format!(" · {reason}")),
                    };
                    view! {
                        <p class="muted" data-testid="held-settled">
                            {tr(what)}" · "{done.by.label().to_string()}" · "{china::full(done.at)}{why}
                        </p>
                    }.into_any()
                }
                None => view! {
                    <div class="row">
                        <button class="secondary" type="button" on:click=apply>{tr(Msg::Apply)}</button>
                        <input name="dismiss_reason" aria-label=tr(Msg::DismissReason) placeholder=tr(Msg::DismissReason) prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                        <button class="secondary" type="button" on:click=dismiss>{tr(Msg::Dismiss)}</button>
                    </div>
                    {outcome_line(outcome, "held-outcome")}
                }.into_any(),
            }}
        </li>
    }
}

#[component]
fn MachineCard(order: Memo<WorkOrder>, page: Page) -> impl IntoView {
    let lang = use_lang();
    let id = order.with_untracked(|o| o.id);
    let serial = RwSignal::new(String::new());
    let model = RwSignal::new(order.with_untracked(|o| o.equipment_model.clone()));
    let outcome: Outcome = RwSignal::new(None);
    let save = move |_| {
        let s = serial.get_untracked().trim().to_string();
        if s.is_empty() {
            outcome.set(Some(Err(Msg::Required.text(lang.get_untracked()).into())));
            return;
        }
        let body = MachineFix {
            serial: s,
            equipment_model: model.get_untracked().trim().to_string(),
        };
        send(
            page,
            "PUT",
            format!("/api/work-orders/{id}/machine"),
            body,
            outcome,
            lang.get_untracked(),
        );
    };
    move || {
        order.with(|o| o.serial.trim().is_empty()).then(|| view! {
            <div class="card" data-testid="machine-fix">
                <h2>{tr(Msg::FillSerial)}</h2>
                <div class="row">
                    <label class="field grow"><span>{tr(Msg::Serial)}</span><input name="fix_serial" aria-label=tr(Msg::Serial) prop:value=move || serial.get() on:input=move |ev| serial.set(event_target_value(&ev))/></label>
                    <label class="field grow"><span>{tr(Msg::Model)}</span><input name="fix_model" aria-label=tr(Msg::Model) prop:value=move || model.get() on:input=move |ev| model.set(event_target_value(&ev))/></label>
                </div>
                <button class="secondary" type="button" on:click=save>{tr(Msg::SaveMachine)}</button>
                {outcome_line(outcome, "machine-outcome")}
            </div>
        })
    }
}

/// 一次修复豁免: whether the office excused this fault order from first-time fix, and why; the
/// 400 desk gives the reason here.
#[component]
fn ExcuseCard(id: Uuid, dispatcher: bool) -> impl IntoView {
    let lang = use_lang();
    let excuse = RwSignal::new(None::<fieldbook_model::scorecard::FirstFixExcuse>);
    let reason = RwSignal::new(String::new());
    let outcome: Outcome = RwSignal::new(None);
    let load = move || {
        spawn_local(async move {
            if let Ok(Some(e)) = api::excuse(id).await {
                reason.set(e.reason.clone());
                excuse.set(Some(e));
            }
        })
    };
    load();
    let save = move |_| {
        let text = reason.get_untracked().trim().to_string();
        if text.is_empty() {
            outcome.set(Some(Err(Msg::ExcuseReasonRequired
                .text(lang.get_untracked())
                .into())));
            return;
        }
        outcome.set(None);
        spawn_local(async move {
            let body = fieldbook_model::scorecard::ExcuseRequest { reason: text };
            match api::change_json(
                "PUT",
                &format!("/api/work-orders/{id}/first-fix-excuse"),
                serde_json::to_string(&body).unwrap_or_default(),
            )
            .await
            {
                Ok(_) => {
                    outcome.set(Some(Ok(())));
                    load();
                }
                Err(fail) => outcome.set(Some(Err(refusal_text(&fail, lang.get_untracked())))),
            }
        });
    };
    view! {
        <div class="card" data-testid="excuse">
            <h2>{tr(Msg::ExcuseTitle)}</h2>
            <p data-testid="excuse-state">
                {move || match excuse.get() {
                    Some(e) => format!("{}：{}（{} · {}）", Msg::Excused.text(lang.get()), e.reason, e.by, china::full(e.at)),
                    None => Msg::NotExcused.text(lang.get()).to_string(),
                }}
            </p>
            {dispatcher.then(|| view! {
                <p class="muted">{tr(Msg::ExcuseHint)}</p>
                <div class="row">
                    <input class="grow" name="excuse_reason" aria-label=tr(Msg::ExcuseReason) placeholder=tr(Msg::ExcuseReason) prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                    <button class="secondary" type="button" on:click=save>{tr(Msg::ExcuseSave)}</button>
                </div>
                {outcome_line(outcome, "excuse-outcome")}
            })}
        </div>
    }
}

#[component]
fn UnrepairedCard(order: Memo<WorkOrder>, page: Page) -> impl IntoView {
    let lang = use_lang();
    let id = order.with_untracked(|o| o.id);
    let reason = RwSignal::new(order.with_untracked(|o| {
        o.unrepaired_reason
            .as_ref()
            .map(|r| r.text.clone())
            .unwrap_or_default()
    }));
    let outcome: Outcome = RwSignal::new(None);
    let save = move |_| {
        let body = UnrepairedReason {
            reason: reason.get_untracked().trim().to_string(),
        };
        send(
            page,
            "PUT",
            format!("/api/work-orders/{id}/unrepaired-reason"),
            body,
            outcome,
            lang.get_untracked(),
        );
    };
    view! {
        <div class="card" data-testid="unrepaired">
            <h2>{tr(Msg::UnrepairedReasonLabel)}</h2>
            <div class="row">
                <input class="grow" name="unrepaired_reason" aria-label=tr(Msg::UnrepairedReasonLabel) prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                <button class="secondary" type="button" on:click=save>{tr(Msg::Save)}</button>
            </div>
            {outcome_line(outcome, "unrepaired-outcome")}
        </div>
    }
}

/// One item of a send-back being put together: ticked, and why.
#[derive(Clone, Copy)]
struct Pick {
    on: RwSignal<bool>,
    reason: RwSignal<String>,
}

impl Pick {
    fn new() -> Pick {
        Pick {
            on: RwSignal::new(false),
            reason: RwSignal::new(String::new()),
        }
    }
}

/// A tick and a reason for one item, labelled for people and tests alike.
fn pick_view(pick: Pick, label: String) -> impl IntoView {
    let lang = use_lang();
    let box_label = label.clone();
    view! {
        <div class="pick">
            <label class="check">
                <input type="checkbox" aria-label=format!("退回 {box_label}") prop:checked=move || pick.on.get() on:change=move |ev| pick.on.set(event_target_checked(&ev))/>
                <span>{tr(Msg::SendBackThis)}</span>
            </label>
            {move || pick.on.get().then(|| {
                let label = label.clone();
                view! {
                    <input class="reason" aria-label=format!("{} {label}", Msg::ReasonFor.text(lang.get())) placeholder=move || Msg::ReasonFor.text(lang.get()) prop:value=move || pick.reason.get() on:input=move |ev| pick.reason.set(event_target_value(&ev))/>
                }
            })}
        </div>
    }
}

/// Which of two report texts in conflict to keep: the device that saved it.
#[derive(Serialize)]
struct KeepText {
    keep_device: Uuid,
}

/// Two report texts saved apart on two of the engineer's phones (`fieldbook_model::conflict`):
/// both with who, when and which device, the later save first; the desk keeps one with a click.
#[component]
fn ReportConflict(order: Memo<WorkOrder>, page: Page) -> impl IntoView {
    let lang = use_lang();
    let outcome: Outcome = RwSignal::new(None);
    move || {
        let (id, report) = order.with(|o| (o.id, o.report.clone()));
        let Some(other) = report.conflict.clone() else {
            return ().into_any();
        };
        let sides = [report, *other].into_iter().filter_map(|side| {
            let stamp = side.stamp.clone()?;
            let device = stamp.device;
            let keep = move |_| {
                send(
                    page,
                    "POST",
                    format!("/api/work-orders/{id}/report-conflict"),
                    KeepText { keep_device: device },
                    outcome,
                    lang.get_untracked(),
                )
            };
            let t = side;
            let parts = t
                .parts
                .iter()
                .map(|p| format!("{} {} ×{}", p.part_no, p.name, p.qty))
                .collect::<Vec<_>>()
                .join("、");
            Some(view! {
                <li data-testid="conflict-side">
                    <p><strong>{tr(Msg::FaultCause)}": "</strong>{t.fault_cause}</p>
                    <p><strong>{tr(Msg::WorkDone)}": "</strong>{t.work_done}</p>
                    {(!parts.is_empty()).then(|| view! { <p><strong>{tr(Msg::Parts)}": "</strong>{parts}</p> })}
                    <p class="muted small">{stamp.by}" · "{china::full(stamp.at)}" · "
                        {tr(Msg::ConflictDevice)}" "{device.simple().to_string()[..6].to_string()}</p>
                    <button class="secondary" type="button" data-testid="keep-side" on:click=keep>{tr(Msg::KeepThis)}</button>
                </li>
            })
        });
        view! {
            <div class="card banner attention" data-testid="report-conflict">
                <h2>{tr(Msg::ReportInConflict)}</h2>
                <p class="muted">{tr(Msg::ReportConflictHint)}</p>
                <ul class="conflict-sides">{sides.collect_view()}</ul>
                {outcome_line(outcome, "conflict-outcome")}
            </div>
        }
        .into_any()
    }
}

#[component]
fn ReviewCard(order: Memo<WorkOrder>, page: Page, closed: Memo<bool>) -> impl IntoView {
    let lang = use_lang();
    // Rebuilt for each submission (ticks belong to the report they were made on), on closing,
    // and when a conflict between two texts is settled.
    let submitted = Memo::new(move |_| order.with(|o| o.report.submitted_at));
    let text = Memo::new(move |_| order.with(|o| o.report.stamp.clone()));
    view! {
        <ReportConflict order page/>
        {move || {
            let _ = (submitted.get(), closed.get(), text.get());
            view! { <ReviewBody order page closed/> }
        }}
        <div class="card" data-testid="review-rounds">
            <h2>{tr(Msg::ReviewRounds)}</h2>
            {move || {
                let rounds = order.with(|o| o.reviews.clone());
                if rounds.is_empty() {
                    return view! { <p class="muted">{tr(Msg::NoRounds)}</p> }.into_any();
                }
                let photos = order.with(|o| o.photos.clone());
                view! {
                    <ol class="rounds">
                        {rounds.into_iter().enumerate().map(|(i, r)| {
                            let head = format!("#{} · {} · {}", i + 1, china::full(r.at), r.by.label());
                            let (decision, items) = match r.decision {
                                ReviewDecision::Close => (Msg::DecisionClose, Vec::new()),
                                ReviewDecision::SendBack { items } => (Msg::DecisionSendBack, items),
                            };
                            let photos = photos.clone();
                            view! {
                                <li data-testid="round">
                                    <strong>{head}" · "{tr(decision)}</strong>
                                    <ul>
                                        {items.into_iter().map(|i| {
                                            let what = item_label(&i.item, &photos, lang.get_untracked());
                                            view! { <li>{what}": "{i.reason}</li> }
                                        }).collect_view()}
                                    </ul>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </div>
    }
}

/// What an item sent back was, in words.
fn item_label(item: &ReviewItem, photos: &[PhotoMeta], lang: Lang) -> String {
    match item {
        ReviewItem::Photo { photo_id } => photos
            .iter()
            .find(|p| p.id == *photo_id)
            .map_or_else(|| photo_id.to_string(), |p| p.name.clone()),
        ReviewItem::MissingPhoto { slot } => format!("{} {slot}", Msg::MissingSlot.text(lang)),
        ReviewItem::FaultCause => Msg::FaultCause.text(lang).into(),
        ReviewItem::WorkDone => Msg::WorkDone.text(lang).into(),
        ReviewItem::Parts => Msg::Parts.text(lang).into(),
        ReviewItem::Signature => Msg::SignatureItem.text(lang).into(),
        ReviewItem::Other => Msg::Other.text(lang).into(),
    }
}

#[component]
fn ReviewBody(order: Memo<WorkOrder>, page: Page, closed: Memo<bool>) -> impl IntoView {
    let lang = use_lang();
    let o = order.get_untracked();
    let id = o.id;
    let reviewable = o.report.submitted_at.is_some() && !o.is_closed() && desk_writer();
    let report = o.report.clone();
    // Picks per photo, per slot (missing), per text item.
    let photo_picks: BTreeMap<Uuid, Pick> = o.photos.iter().map(|p| (p.id, Pick::new())).collect();
    let slot_picks: BTreeMap<String, Pick> = o
        .slots
        .iter()
        .map(|s| (s.key.clone(), Pick::new()))
        .collect();
    let text_items = [
        (ReviewItem::FaultCause, Msg::FaultCause),
        (ReviewItem::WorkDone, Msg::WorkDone),
        (ReviewItem::Parts, Msg::Parts),
        (ReviewItem::Signature, Msg::SignatureItem),
        (ReviewItem::Other, Msg::Other),
    ]
    .map(|(item, msg)| (item, msg, Pick::new()));
    let outcome: Outcome = RwSignal::new(None);
    let all_picks = {
        let mut v: Vec<(ReviewItem, Pick)> = photo_picks
            .iter()
            .map(|(id, p)| (ReviewItem::Photo { photo_id: *id }, *p))
            .collect();
        v.extend(
            slot_picks
                .iter()
                .map(|(s, p)| (ReviewItem::MissingPhoto { slot: s.clone() }, *p)),
        );
        v.extend(text_items.iter().map(|(i, _, p)| (i.clone(), *p)));
        StoredValue::new(v)
    };
    let close = move |_| {
        send(
            page,
            "POST",
            format!("/api/work-orders/{id}/review"),
            ReviewDecision::Close,
            outcome,
            lang.get_untracked(),
        );
    };
    let send_back = move |_| {
        let lang = lang.get_untracked();
        let items: Vec<SendBackItem> = all_picks.with_value(|v| {
            v.iter()
                .filter(|(_, p)| p.on.get_untracked())
                .map(|(item, p)| SendBackItem {
                    item: item.clone(),
                    reason: p.reason.get_untracked().trim().to_string(),
                })
                .collect()
        });
        if items.is_empty() {
            outcome.set(Some(Err(Msg::NoItems.text(lang).into())));
            return;
        }
        if items.iter().any(|i| i.reason.is_empty()) {
            outcome.set(Some(Err(Msg::BadReason.text(lang).into())));
            return;
        }
        send(
            page,
            "POST",
            format!("/api/work-orders/{id}/review"),
            ReviewDecision::SendBack { items },
            outcome,
            lang,
        );
    };
    let sent_back = move |pid: Uuid| order.with_untracked(|o| o.sent_back_photo(pid));
    // The configured slots, then the replaced parts' and the extra photos: every photo shows,
    // and every one can be sent back.
    let slots = o
        .shown_slots()
        .iter()
        .map(|slot| {
            let photos: Vec<PhotoMeta> = o.photos.iter().filter(|p| p.slot == slot.key).cloned().collect();
            let label = (slot.label_zh.clone(), slot.label_en.clone());
            let slot_label = slot.label_zh.clone();
            let required = slot.required;
            let filled = photos.iter().any(|p| p.uploaded && order.with_untracked(|o| o.photo_stands(p)));
            let state = if filled { "slot done" } else if required { "slot missing" } else { "slot optional" };
            let slot_pick = slot_picks.get(&slot.key).copied();
            view! {
                <li class=state data-slot=slot.key.clone()>
                    <div class="slot-head">
                        <span class="slot-label">{move || if lang.get() == Lang::Zh { label.0.clone() } else { label.1.clone() }}</span>
                        <span class="slot-state">
                            {move || if filled { Msg::PhotoTaken } else if required { Msg::PhotoMissing } else { Msg::PhotoOptional }.text(lang.get())}
                        </span>
                    </div>
                    <div class="thumbs">
                        {photos.into_iter().map(|p| {
                            let pick = photo_picks.get(&p.id).copied();
                            let back = sent_back(p.id);
                            // Withdrawn by the engineer (a wrong picture): shown crossed out, for the record.
                            let withdrawn = p.withdrawn_at.map(|at| (p.withdrawn_by.clone().unwrap_or_default(), at));
                            let is_withdrawn = withdrawn.is_some();
                            let gone = back || is_withdrawn;
                            view! {
                                <figure class="thumb" class:sent-back=back class:withdrawn=is_withdrawn>
                                    {p.uploaded.then(|| view! { <a href=format!("/api/photos/{}", p.id) target="_blank"><img src=format!("/api/photos/{}", p.id) alt=p.name.clone() loading="lazy"/></a> })}
                                    <figcaption>
                                        <span class="photo-name" data-testid="photo-name">{p.name.clone()}</span>
                                        <span class="muted">{tr(Msg::TakenAt)}" "{p.taken_at.map(china::short).unwrap_or_default()}</span>
                                        {clock_note(page, p.id)}
                                        <span class=if p.uploaded { "photo-state sent" } else { "photo-state waiting" }>
                                            {if p.uploaded { tr(Msg::PhotoSent)() } else { tr(Msg::PhotoWaiting)() }}
                                            " "{p.uploaded_at.map(china::short).unwrap_or_default()}
                                        </span>
                                        {back.then(|| view! { <span class="badge missing">{tr(Msg::SentBack)}</span> })}
                                        {withdrawn.map(|w| view! {
                                            <span class="badge missing" data-testid="photo-withdrawn">{tr(Msg::Withdrawn)}" · "{w.0}" "{china::short(w.1)}</span>
                                        })}
                                    </figcaption>
                                    {(reviewable && !gone).then(|| pick.map(|k| pick_view(k, p.name.clone())))}
                                </figure>
                            }
                        }).collect_view()}
                    </div>
                    {(reviewable).then(|| slot_pick.map(|k| view! {
                        <div class="missing-pick">
                            <span class="muted">{tr(Msg::MissingSlot)}</span>
                            {pick_view(k, format!("{} {}", Msg::MissingSlot.text(Lang::Zh), slot_label))}
                        </div>
                    }))}
                </li>
            }
        })
        .collect_view();
    let text_pick = move |item: &ReviewItem| {
        text_items
            .iter()
            .find(|(i, ..)| i == item)
            .filter(|_| reviewable)
            .map(|(_, msg, p)| pick_view(*p, msg.text(Lang::Zh).to_string()))
    };
    view! {
        <div class="card" data-testid="review">
            <h2>{tr(Msg::ServiceReport)}</h2>
            {match report.submitted_at {
                Some(at) => view! { <p class="submitted">{tr(Msg::ReportSubmitted)}" "{china::full(at)}</p> }.into_any(),
                None => view! { <p class="muted" data-testid="not-submitted">{tr(Msg::NotSubmitted)}</p> }.into_any(),
            }}
            <div class="review-item">
                <p><strong>{tr(Msg::FaultCause)}": "</strong>{report.fault_cause.clone()}</p>
                {text_pick(&ReviewItem::FaultCause)}
            </div>
            <div class="review-item">
                <p><strong>{tr(Msg::WorkDone)}": "</strong>{report.work_done.clone()}</p>
                {text_pick(&ReviewItem::WorkDone)}
            </div>
            <div class="review-item">
                <strong>{tr(Msg::Parts)}</strong>
                <ul>{report.parts.iter().map(|p| view! {
                    <li>{format!("{} {} ×{}", p.part_no, p.name, p.qty)}{p.return_tag.clone().map(|t| format!(" · {t}"))}</li>
                }).collect_view()}</ul>
                {text_pick(&ReviewItem::Parts)}
            </div>
            <div class="review-item">
                <p>
                    <strong>{tr(Msg::SignatureItem)}": "</strong>
                    {report.signature.as_ref().map(|s| format!("✓ {} {}", s.signer, china::short(s.at)))}
                    {report.waiver.as_ref().map(|w| crate::pages::waivers::waiver_line(w, lang.get_untracked()))}
                </p>
                {text_pick(&ReviewItem::Signature)}
            </div>
            {reviewable.then(|| view! {
                <div class="review-item"><strong>{tr(Msg::Other)}</strong>{text_pick(&ReviewItem::Other)}</div>
            })}
            <h3>{tr(Msg::Photos)}</h3>
            <ul class="slots" data-testid="office-photos">{slots}</ul>
            {(reviewable && !closed.get_untracked()).then(|| view! {
                <div class="row review-actions">
                    <button class="primary" type="button" on:click=close>{tr(Msg::CloseOrder)}</button>
                    <button class="danger" type="button" on:click=send_back>{tr(Msg::SendBack)}</button>
                </div>
            })}
            {outcome_line(outcome, "review-outcome")}
        </div>
    }
}
