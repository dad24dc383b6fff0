//! 接报/派工: a customer's call taken and dispatched in one screen. Every field is checked as it
//! is typed with the model's own rules (`NewWorkOrder::check`, `check_ticket`), and what the
//! server refuses (a duplicate ticket, a disabled engineer, ...) is shown under the field it
//! concerns. The half-typed call is a draft in local storage: a reload or a dropped connection
//! keeps it; it goes only when the order is created or the agent discards it.

use std::collections::HashSet;

use chrono::Utc;
use fieldbook::api::ApiFail;
use fieldbook::i18n::{self as labels, Lang, use_lang};
use fieldbook_model::ServiceType;
use fieldbook_model::claims::claimable_service;
use fieldbook_model::desk::{CallError, EngineerLoad, Machine, NewWorkOrder};
use fieldbook_model::dispatch::check_ticket;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use crate::api;
use crate::china;
use crate::i18n::{Msg, tr};
use crate::live::use_live;
use crate::router::{self, Route};
use crate::session::{fail_text, use_session};

const DRAFT_KEY: &str = "fieldbook-office-call-draft";

/// The form as typed: text as it stands (hours and times too), so that nothing typed is lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub ticket: String,
    pub customer: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub site: String,
    pub equipment_model: String,
    pub serial: String,
    pub engine_hours: String,
    pub working_condition: String,
    pub fault_description: String,
    pub service_type: ServiceType,
    pub machine_down: bool,
    /// A warranty claim is expected (only for a claimable service: sent as false otherwise).
    pub claim_expected: bool,
    /// China time, as `datetime-local` holds it.
    pub called_at: String,
    pub planned_at: String,
    pub assignee: String,
    pub companions: Vec<String>,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            ticket: String::new(),
            customer: String::new(),
            contact_name: String::new(),
            contact_phone: String::new(),
            site: String::new(),
            equipment_model: String::new(),
            serial: String::new(),
            engine_hours: String::new(),
            working_condition: String::new(),
            fault_description: String::new(),
            service_type: ServiceType::FaultRepair,
            machine_down: false,
            claim_expected: false,
            called_at: china::to_input(Utc::now()),
            planned_at: String::new(),
            assignee: String::new(),
            companions: Vec::new(),
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    gloo::utils::window().local_storage().ok().flatten()
}

fn load_draft() -> Option<Draft> {
    let text = storage()?.get_item(DRAFT_KEY).ok().flatten()?;
    fieldbook_model::json::from_str(&text).ok()
}

fn save_draft(d: &Draft) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(d)) {
        let _ = s.set_item(DRAFT_KEY, &text);
    }
}

fn drop_draft() {
    if let Some(s) = storage() {
        let _ = s.remove_item(DRAFT_KEY);
    }
}

/// The message for one of the model's refusals.
fn call_error_msg(e: &CallError) -> Msg {
    match e {
        CallError::Required { .. } => Msg::Required,
        CallError::Invalid { .. } => Msg::InvalidValue,
        CallError::Phone => Msg::BadPhone,
        CallError::PlannedBeforeCall => Msg::PlannedBeforeCall,
        CallError::CompanionIsAssignee => Msg::CompanionIsAssignee,
    }
}

impl Draft {
    /// Nothing typed yet (the call time alone is the default's).
    pub fn is_blank(&self) -> bool {
        *self
            == Draft {
                called_at: self.called_at.clone(),
                ..Draft::default()
            }
    }

    /// The request this draft makes, and every field's refusal (field name, message).
    pub fn to_call(&self) -> (NewWorkOrder, Vec<(&'static str, Msg)>) {
        let mut errors = Vec::new();
        let ticket = self.ticket.trim();
        if !ticket.is_empty() && check_ticket(ticket).is_err() {
            errors.push(("ticket", Msg::BadTicket));
        }
        let hours = self.engine_hours.trim();
        let engine_hours = if hours.is_empty() {
            errors.push(("engine_hours", Msg::Required));
            0
        } else {
            hours.parse::<u32>().unwrap_or_else(|_| {
                errors.push(("engine_hours", Msg::NotANumber));
                0
            })
        };
        let called = china::from_input(&self.called_at);
        if called.is_none() {
            errors.push(("called_at", Msg::Required));
        }
        let planned = china::from_input(&self.planned_at);
        if planned.is_none() {
            errors.push(("planned_at", Msg::Required));
        }
        let called_at = called.unwrap_or_else(Utc::now);
        let call = NewWorkOrder {
            ticket: (!ticket.is_empty()).then(|| ticket.to_string()),
            customer: self.customer.trim().into(),
            contact_name: self.contact_name.trim().into(),
            contact_phone: self.contact_phone.trim().into(),
            site: self.site.trim().into(),
            equipment_model: self.equipment_model.trim().into(),
            serial: self.serial.trim().into(),
            engine_hours,
            working_condition: self.working_condition.trim().into(),
            fault_description: self.fault_description.trim().into(),
            service_type: self.service_type,
            machine_down: self.machine_down,
            called_at,
            planned_at: planned.unwrap_or(called_at),
            assignee: self.assignee.clone(),
            companions: self.companions.clone(),
            claim_expected: self.claim_expected && claimable_service(self.service_type),
        };
        errors.extend(call.check().iter().map(|e| (e.field(), call_error_msg(e))));
        (call, errors)
    }
}

/// Where the server's refusal belongs, and what to say.
fn refusal(code: &str, message: &str, call: &NewWorkOrder) -> (&'static str, Msg) {
    // An account's refusal names the account: a companion's goes under the companions.
    let about_companion = call
        .companions
        .iter()
        .any(|c| !c.is_empty() && message.contains(c.as_str()));
    let account = if about_companion {
        "companions"
    } else {
        "assignee"
    };
    match code {
        "duplicate_ticket" => ("ticket", Msg::DuplicateTicket),
        "bad_ticket" => ("ticket", Msg::BadTicket),
        "planned_before_call" => ("planned_at", Msg::PlannedBeforeCall),
        "bad_phone" => ("contact_phone", Msg::BadPhone),
        "companion_is_assignee" => ("companions", Msg::CompanionIsAssignee),
        "unknown_user" => (account, Msg::UnknownUser),
        "not_an_engineer" => (account, Msg::NotAnEngineer),
        "user_disabled" => (account, Msg::UserDisabled),
        "required" | "invalid_value" => {
            let field = FIELDS
                .iter()
                .find(|f| message.contains(**f))
                .copied()
                .unwrap_or("form");
            let msg = if code == "required" {
                Msg::Required
            } else {
                Msg::InvalidValue
            };
            (field, msg)
        }
        _ => ("form", Msg::ServerRefused),
    }
}

/// Every field name, longest first where one contains another.
const FIELDS: [&str; 17] = [
    "claim_expected",
    "contact_phone",
    "contact_name",
    "customer",
    "site",
    "equipment_model",
    "serial",
    "engine_hours",
    "working_condition",
    "fault_description",
    "service_type",
    "machine_down",
    "called_at",
    "planned_at",
    "companions",
    "assignee",
    "ticket",
];

/// An engineer as the pickers show them: name, station, open orders, today's load.
fn engineer_line(e: &EngineerLoad, lang: Lang) -> String {
    let station = e
        .station
        .as_deref()
        .map(|s| format!(" · {s}"))
        .unwrap_or_default();
    let (open, today) = (e.open_orders, e.today);
    match lang {
        Lang::Zh => format!("{}{station} · 在办 {open} · 今日 {today}", e.person.label()),
        Lang::En => format!(
            "{}{station} · {open} open · {today} today",
            e.person.label()
        ),
    }
}

#[component]
pub fn CallPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let live = use_live();
    let draft = RwSignal::new(load_draft().unwrap_or_default());
    // Saved on every change: a reload or a lost connection keeps what was typed.
    // A blank form is no draft: nothing is kept until something is typed.
    Effect::new(move |_| {
        draft.with(|d| {
            if d.is_blank() {
                drop_draft()
            } else {
                save_draft(d)
            }
        });
    });
    // Fields typed in (their messages show); all of them once sending was tried.
    let touched = RwSignal::new(HashSet::<&'static str>::new());
    let all = RwSignal::new(false);
    let server_errors = RwSignal::new(Vec::<(&'static str, Msg, String)>::new());
    let form_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let checked = Memo::new(move |_| draft.with(|d| d.to_call().1));
    let engineers = LocalResource::new(api::engineers);
    let next_ticket = LocalResource::new(api::next_ticket);
    let suggestions = RwSignal::new(Vec::<Machine>::new());
    let search_timer = StoredValue::new_local(None::<gloo::timers::callback::Timeout>);

    let error_for = move |field: &'static str| {
        move || {
            let lang = lang.get();
            if let Some((_, m, detail)) =
                server_errors.with(|s| s.iter().find(|(f, ..)| *f == field).cloned())
            {
                return Some(if detail.is_empty() {
                    m.text(lang).to_string()
                } else {
                    format!("{} ({detail})", m.text(lang))
                });
            }
            if !all.get() && !touched.with(|t| t.contains(field)) {
                return None;
            }
            checked.with(|c| {
                c.iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, m)| m.text(lang).to_string())
            })
        }
    };
    let form = Form {
        draft,
        touched,
        server_errors,
    };
    let edit = move |field: &'static str, change: &dyn Fn(&mut Draft)| form.edit(field, change);
    let search = move |q: String| {
        search_timer.update_value(|t| {
            *t = None;
            if q.trim().chars().count() >= 2 {
                *t = Some(gloo::timers::callback::Timeout::new(250, move || {
                    spawn_local(async move {
                        suggestions.set(api::machines(q.trim()).await.unwrap_or_default());
                    });
                }));
            } else {
                suggestions.set(Vec::new());
            }
        });
    };
    let pick = move |m: Machine| {
        draft.update(|d| {
            d.serial = m.serial.clone();
            d.equipment_model = m.equipment_model.clone();
            if d.customer.trim().is_empty() {
                d.customer = m.customer.clone();
            }
            if d.engine_hours.trim().is_empty()
                && let Some(last) = m.hours.last()
            {
                d.engine_hours = last.hours.to_string();
            }
        });
        suggestions.set(Vec::new());
    };
    let discard = move |_| {
        drop_draft();
        draft.set(Draft::default());
        touched.set(HashSet::new());
        all.set(false);
        server_errors.set(Vec::new());
        form_error.set(None);
        next_ticket.refetch();
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        all.set(true);
        form_error.set(None);
        let (call, errors) = draft.with_untracked(Draft::to_call);
        if !errors.is_empty() {
            form_error.set(Some(Msg::FixFields.text(lang.get_untracked()).into()));
            return;
        }
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let answer = api::change_json(
                "POST",
                "/api/work-orders",
                serde_json::to_string(&call).unwrap_or_default(),
            )
            .await;
            busy.set(false);
            match answer {
                Ok(created) => {
                    drop_draft();
                    draft.set(Draft::default());
                    touched.set(HashSet::new());
                    all.set(false);
                    match created {
                        Some(d) => {
                            let id = d.work_order.id;
                            live.merge(vec![d.work_order]);
                            router::go(Route::WorkOrder(id));
                        }
                        None => {
                            live.reload();
                            router::go(Route::WorkOrders);
                        }
                    }
                }
                Err(ApiFail::Server(_, e)) => {
                    let (field, msg) = refusal(&e.error, &e.message, &call);
                    if field == "form" {
                        form_error.set(Some(format!(
                            "{}: {}",
                            msg.text(lang.get_untracked()),
                            e.message
                        )));
                    } else {
                        server_errors.update(|s| s.push((field, msg, String::new())));
                        form_error.set(Some(msg.text(lang.get_untracked()).into()));
                    }
                }
                Err(ApiFail::Unauthorized) => session.expire(),
                Err(fail) => form_error.set(Some(format!(
                    "{} {}",
                    fail_text(&fail).text(lang.get_untracked()),
                    Msg::DraftKept.text(lang.get_untracked())
                ))),
            }
        });
    };

    // One text input bound to the draft.
    let input = move |label: Msg,
                      field: &'static str,
                      get: fn(&Draft) -> &String,
                      set: fn(&mut Draft, String),
                      kind: &'static str| {
        let err = error_for(field);
        let invalid = move || err().is_some();
        view! {
            <label class="field">
                <span>{tr(label)}</span>
                <input
                    name=field
                    aria-label=tr(label)
                    type=kind
                    prop:value=move || draft.with(|d| get(d).clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        edit(field, &|d| set(d, v.clone()));
                    }
                    on:blur=move |_| touched.update(|t| { t.insert(field); })
                    class:invalid=invalid
                    aria-invalid=move || invalid().then_some("true")
                />
                <small class="field-error" data-field=field>{err}</small>
            </label>
        }
    };

    view! {
        <section class="call-page">
            <div class="list-head">
                <h1>{tr(Msg::TakeCall)}</h1>
                <span class="muted" data-testid="draft-state">
                    {move || if draft.with(Draft::is_blank) { "" } else { tr(Msg::DraftSaved)() }}
                </span>
                <button type="button" class="secondary" on:click=discard>{tr(Msg::DiscardDraft)}</button>
            </div>
            <form class="desk-form" on:submit=submit novalidate>
                <fieldset class="card">
                    <legend>{tr(Msg::CustomerSection)}</legend>
                    <div class="grid4">
                        {input(Msg::Customer, "customer", |d| &d.customer, |d, v| d.customer = v, "text")}
                        {input(Msg::ContactName, "contact_name", |d| &d.contact_name, |d, v| d.contact_name = v, "text")}
                        {input(Msg::ContactPhone, "contact_phone", |d| &d.contact_phone, |d, v| d.contact_phone = v, "tel")}
                        {input(Msg::Site, "site", |d| &d.site, |d, v| d.site = v, "text")}
                    </div>
                </fieldset>
                <fieldset class="card">
                    <legend>{tr(Msg::MachineSection)}</legend>
                    <div class="grid4">
                        <label class="field">
                            <span>{tr(Msg::Serial)}</span>
                            <input
                                name="serial"
                                aria-label=tr(Msg::Serial)
                                autocomplete="off"
                                placeholder=move || Msg::SerialUnknownHint.text(lang.get())
                                prop:value=move || draft.with(|d| d.serial.clone())
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    search(v.clone());
                                    edit("serial", &|d| d.serial = v.clone());
                                }
                                class:invalid=move || error_for("serial")().is_some()
                            />
                            <small class="field-error" data-field="serial">{error_for("serial")}</small>
                            {move || draft.with(|d| d.serial.trim().is_empty()).then(|| view! {
                                <small class="muted hint" data-testid="serial-pending">{tr(Msg::SerialPendingNote)}</small>
                            })}
                        </label>
                        <label class="field">
                            <span>{tr(Msg::Model)}</span>
                            <input
                                name="equipment_model"
                                aria-label=tr(Msg::Model)
                                autocomplete="off"
                                prop:value=move || draft.with(|d| d.equipment_model.clone())
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    search(v.clone());
                                    edit("equipment_model", &|d| d.equipment_model = v.clone());
                                }
                                class:invalid=move || error_for("equipment_model")().is_some()
                            />
                            <small class="field-error" data-field="equipment_model">{error_for("equipment_model")}</small>
                        </label>
                        {input(Msg::Hours, "engine_hours", |d| &d.engine_hours, |d, v| d.engine_hours = v, "text")}
                        {input(Msg::WorkingCondition, "working_condition", |d| &d.working_condition, |d, v| d.working_condition = v, "text")}
                    </div>
                    {move || {
                        let list = suggestions.get();
                        (!list.is_empty()).then(|| view! {
                            <ul class="suggestions" role="listbox" aria-label=tr(Msg::MachineMatches) data-testid="machine-suggestions">
                                {list.into_iter().map(|m| {
                                    let line = format!("{} · {} · {}", m.serial, m.equipment_model, m.customer);
                                    view! {
                                        <li role="option" aria-selected="false">
                                            <button type="button" class="suggestion" on:click=move |_| pick(m.clone())>{line}</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        })
                    }}
                    <div class="grid4">
                        <label class="field">
                            <span>{tr(Msg::ServiceType)}</span>
                            <select
                                name="service_type"
                                aria-label=tr(Msg::ServiceType)
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    if let Some(t) = ServiceType::ALL.into_iter().find(|t| service_code(*t) == v) {
                                        edit("service_type", &|d| d.service_type = t);
                                    }
                                }
                            >
                                {ServiceType::ALL.into_iter().map(|t| view! {
                                    <option value=service_code(t) selected=move || draft.with(|d| d.service_type == t)>
                                        {move || labels::service_type(t, lang.get())}
                                    </option>
                                }).collect_view()}
                            </select>
                        </label>
                        <div class="checks">
                        <label class="check">
                            <input
                                type="checkbox"
                                name="machine_down"
                                prop:checked=move || draft.with(|d| d.machine_down)
                                on:change=move |ev| {
                                    let v = event_target_checked(&ev);
                                    edit("machine_down", &|d| d.machine_down = v);
                                }
                            />
                            <span>{tr(Msg::MachineDown)}</span>
                        </label>
                        {move || claimable_service(draft.with(|d| d.service_type)).then(|| view! {
                            <label class="check claim-expected" title=tr(Msg::ClaimExpectedHint)>
                                <input
                                    type="checkbox"
                                    name="claim_expected"
                                    prop:checked=move || draft.with(|d| d.claim_expected)
                                    on:change=move |ev| {
                                        let v = event_target_checked(&ev);
                                        edit("claim_expected", &|d| d.claim_expected = v);
                                    }
                                />
                                <span>{tr(Msg::ClaimExpected)}</span>
                                <small class="field-error" data-field="claim_expected">{error_for("claim_expected")}</small>
                            </label>
                        })}
                        </div>
                        <label class="field span2">
                            <span>{tr(Msg::Fault)}</span>
                            <textarea
                                name="fault_description"
                            aria-label=tr(Msg::Fault)
                                rows="2"
                                prop:value=move || draft.with(|d| d.fault_description.clone())
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    edit("fault_description", &|d| d.fault_description = v.clone());
                                }
                                class:invalid=move || error_for("fault_description")().is_some()
                            ></textarea>
                            <small class="field-error" data-field="fault_description">{error_for("fault_description")}</small>
                        </label>
                    </div>
                </fieldset>
                <fieldset class="card">
                    <legend>{tr(Msg::DispatchSection)}</legend>
                    <div class="grid4">
                        {input(Msg::CalledAt, "called_at", |d| &d.called_at, |d, v| d.called_at = v, "datetime-local")}
                        {input(Msg::PlannedAt, "planned_at", |d| &d.planned_at, |d, v| d.planned_at = v, "datetime-local")}
                        <label class="field">
                            <span>{tr(Msg::Ticket)}</span>
                            <input
                                name="ticket"
                                aria-label=tr(Msg::Ticket)
                                autocomplete="off"
                                placeholder=move || next_ticket.get().and_then(Result::ok).unwrap_or_default()
                                prop:value=move || draft.with(|d| d.ticket.clone())
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    edit("ticket", &|d| d.ticket = v.clone());
                                }
                                class:invalid=move || error_for("ticket")().is_some()
                            />
                            <small class="muted" data-testid="next-ticket">
                                {move || next_ticket.get().and_then(Result::ok).map(|t| format!("{} {t}", Msg::NextTicket.text(lang.get())))}
                            </small>
                            <small class="field-error" data-field="ticket">{error_for("ticket")}</small>
                        </label>
                        <p class="muted hint">{tr(Msg::ChinaTime)}</p>
                    </div>
                    {move || match engineers.get() {
                        None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                        Some(Err(e)) => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
                        Some(Ok(list)) => view! {
                            <EngineerPickers
                                list
                                form
                                assignee_error=Signal::derive(error_for("assignee"))
                                companion_error=Signal::derive(error_for("companions"))
                            />
                        }.into_any(),
                    }}
                </fieldset>
                <p class="form-error" role="alert" data-testid="call-error">{move || form_error.get()}</p>
                <div class="row">
                    <button class="primary" type="submit" disabled=move || busy.get()>{tr(Msg::CreateOrder)}</button>
                </div>
            </form>
        </section>
    }
}

/// The service type's code as the server spells it.
pub fn service_code(t: ServiceType) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The draft with what was typed in it, and the server's refusals per field.
#[derive(Clone, Copy)]
struct Form {
    draft: RwSignal<Draft>,
    touched: RwSignal<HashSet<&'static str>>,
    server_errors: RwSignal<Vec<(&'static str, Msg, String)>>,
}

impl Form {
    /// A change typed into `field`: its message shows from now on, the server's goes.
    fn edit(self, field: &'static str, change: &dyn Fn(&mut Draft)) {
        self.draft.update(|d| change(d));
        self.touched.update(|t| {
            t.insert(field);
        });
        self.server_errors
            .update(|s| s.retain(|(f, ..)| *f != field));
    }
}

#[component]
fn EngineerPickers(
    list: Vec<EngineerLoad>,
    form: Form,
    assignee_error: Signal<Option<String>>,
    companion_error: Signal<Option<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let draft = form.draft;
    let edit = move |field: &'static str, change: &dyn Fn(&mut Draft)| form.edit(field, change);
    let options = list.clone();
    view! {
        <div class="grid2">
            <label class="field">
                <span>{tr(Msg::MainEngineer)}</span>
                <select
                    name="assignee"
                    aria-label=tr(Msg::MainEngineer)
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        edit("assignee", &|d| d.assignee = v.clone());
                    }
                >
                    <option value="" selected=move || draft.with(|d| d.assignee.is_empty())>{tr(Msg::Choose)}</option>
                    {options.into_iter().map(|e| {
                        let user = e.person.username.clone();
                        let u = user.clone();
                        view! {
                            <option value=user selected=move || draft.with(|d| d.assignee == u)>
                                {move || engineer_line(&e, lang.get())}
                            </option>
                        }
                    }).collect_view()}
                </select>
                <small class="field-error" data-field="assignee">{assignee_error}</small>
            </label>
            <fieldset class="field companions" data-testid="companions">
                <legend>{tr(Msg::Companions)}</legend>
                {list.into_iter().map(|e| {
                    let user = e.person.username.clone();
                    let (u1, u2) = (user.clone(), user.clone());
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                name="companion"
                                value=user
                                prop:checked=move || draft.with(|d| d.companions.contains(&u1))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let u = u2.clone();
                                    edit("companions", &|d| {
                                        d.companions.retain(|c| *c != u);
                                        if on {
                                            d.companions.push(u.clone());
                                        }
                                    });
                                }
                            />
                            <span>{move || engineer_line(&e, lang.get())}</span>
                        </label>
                    }
                }).collect_view()}
                <small class="field-error" data-field="companions">{companion_error}</small>
            </fieldset>
        </div>
    }
}
