//! A complaint taken at the desk: customer, contact phone, the team or station that fixes it,
//! the unit or site, what happened, major or ordinary, optionally who fixes it and the work order
//! it is about. Every field is checked as it is typed with the model's own rule
//! (`NewComplaint::check`), and what the server refuses (an unknown team or account, ...) shows
//! under its field. The half-typed complaint is a draft in local storage, ids included, so a
//! reload keeps it and sending it again never takes it twice.

use std::collections::HashSet;

use fieldbook::i18n::{self as labels, use_lang};
use fieldbook_model::complaints::{ComplaintField, NewComplaint, Severity};
use fieldbook_model::findings::{Assignee, Department};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api;
use crate::complaints_api::{self as capi, ChangeFail};
use crate::i18n::{Msg, tr};
use crate::live::use_live;
use crate::router::{self, Route};
use crate::session::{fail_text, use_session};

const DRAFT_KEY: &str = "fieldbook-office-complaint-draft";

/// The form as typed, with the ids the complaint and its task will have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub id: Uuid,
    pub finding_id: Uuid,
    pub team: String,
    pub severity: Severity,
    pub customer: String,
    pub contact_phone: String,
    pub place: String,
    pub what: String,
    /// `""` (the supervisor assigns), `dept:engineering`, `dept:cleaning`, `user:NAME`, `other`.
    pub assignee: String,
    /// The account typed when `assignee` is `other`.
    pub other: String,
    /// The work order's ticket.
    pub ticket: String,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            id: Uuid::new_v4(),
            finding_id: Uuid::new_v4(),
            team: String::new(),
            severity: Severity::Ordinary,
            customer: String::new(),
            contact_phone: String::new(),
            place: String::new(),
            what: String::new(),
            assignee: String::new(),
            other: String::new(),
            ticket: String::new(),
        }
    }
}

impl Draft {
    pub fn is_blank(&self) -> bool {
        *self
            == Draft {
                id: self.id,
                finding_id: self.finding_id,
                ..Draft::default()
            }
    }

    fn assignee(&self) -> Option<Assignee> {
        let person = |u: &str| Assignee::Person {
            username: u.trim().to_string(),
        };
        match self.assignee.as_str() {
            "" => None,
            "dept:engineering" => Some(Assignee::Department {
                department: Department::Engineering,
            }),
            "dept:cleaning" => Some(Assignee::Department {
                department: Department::Cleaning,
            }),
            "other" => Some(person(&self.other)),
            code => Some(person(code.strip_prefix("user:").unwrap_or(code))),
        }
    }

    /// The request, and every field's refusal by the model's rule (each field's own, not only the
    /// first: a field found wrong is set right in a copy and the check runs again).
    pub fn to_complaint(
        &self,
        work_order_id: Option<Uuid>,
    ) -> (NewComplaint, Vec<(&'static str, Msg)>) {
        let new = NewComplaint {
            id: self.id,
            finding_id: self.finding_id,
            team: self.team.trim().to_string(),
            severity: self.severity,
            customer: self.customer.trim().to_string(),
            contact_phone: self.contact_phone.trim().to_string(),
            area_id: None,
            place: self.place.trim().to_string(),
            what: self.what.trim().to_string(),
            photos: Vec::new(),
            work_order_id,
            assignee: self.assignee(),
        };
        let mut errors = Vec::new();
        if !self.ticket.trim().is_empty() && work_order_id.is_none() {
            errors.push(("work_order", Msg::NoSuchTicket));
        }
        let mut probe = new.clone();
        for _ in 0..8 {
            let Err(field) = probe.check() else { break };
            let empty = |s: &str| s.trim().is_empty();
            let (name, msg) = match field {
                ComplaintField::Team => {
                    let m = if empty(&probe.team) {
                        Msg::Required
                    } else {
                        Msg::InvalidValue
                    };
                    probe.team = "x".into();
                    ("team", m)
                }
                ComplaintField::Customer => {
                    let m = if empty(&probe.customer) {
                        Msg::Required
                    } else {
                        Msg::InvalidValue
                    };
                    probe.customer = "x".into();
                    ("customer", m)
                }
                ComplaintField::ContactPhone => {
                    probe.contact_phone.clear();
                    ("contact_phone", Msg::BadPhone)
                }
                ComplaintField::Place => {
                    let m = if empty(&probe.place) {
                        Msg::Required
                    } else {
                        Msg::InvalidValue
                    };
                    probe.place = "x".into();
                    ("place", m)
                }
                ComplaintField::What => {
                    let m = if empty(&probe.what) {
                        Msg::Required
                    } else {
                        Msg::InvalidValue
                    };
                    probe.what = "x".into();
                    ("what", m)
                }
                ComplaintField::Assignee => {
                    let m = if empty(&self.other) {
                        Msg::Required
                    } else {
                        Msg::InvalidValue
                    };
                    probe.assignee = None;
                    ("assignee", m)
                }
                _ => {
                    probe.photos.clear();
                    ("form", Msg::InvalidValue)
                }
            };
            errors.push((name, msg));
        }
        (new, errors)
    }
}

fn storage() -> Option<web_sys::Storage> {
    gloo::utils::window().local_storage().ok().flatten()
}

fn load_draft() -> Option<Draft> {
    fieldbook_model::json::from_str(&storage()?.get_item(DRAFT_KEY).ok().flatten()?).ok()
}

fn keep_draft(d: &Draft) {
    if let Some(s) = storage() {
        if d.is_blank() {
            let _ = s.remove_item(DRAFT_KEY);
        } else if let Ok(text) = serde_json::to_string(d) {
            let _ = s.set_item(DRAFT_KEY, &text);
        }
    }
}

/// The field a refusal concerns and what to say there.
fn refusal(code: &str, field: Option<&str>, message: &str) -> (&'static str, Msg) {
    const FIELDS: [(&str, &str); 7] = [
        ("contact_phone", "contact_phone"),
        ("contact phone", "contact_phone"),
        ("customer", "customer"),
        ("team", "team"),
        ("place", "place"),
        ("what", "what"),
        ("assignee", "assignee"),
    ];
    let named = field
        .or_else(|| message.split(':').next())
        .and_then(|f| FIELDS.iter().find(|(n, _)| *n == f.trim()))
        .or_else(|| FIELDS.iter().find(|(n, _)| message.contains(n)))
        .map(|(_, f)| *f);
    match code {
        "unknown_team" => ("team", Msg::UnknownTeam),
        "unknown_user" | "user_disabled" => ("assignee", Msg::UnknownUser),
        "forbidden" => ("form", Msg::Forbidden),
        "bad_phone" => ("contact_phone", Msg::BadPhone),
        "invalid_value" | "required" => (
            named.unwrap_or("form"),
            if named == Some("contact_phone") {
                Msg::BadPhone
            } else {
                Msg::InvalidValue
            },
        ),
        _ => ("form", Msg::ServerRefused),
    }
}

#[component]
pub fn NewComplaintPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let live = use_live();
    let draft = RwSignal::new(load_draft().unwrap_or_default());
    Effect::new(move |_| draft.with(keep_draft));
    let touched = RwSignal::new(HashSet::<&'static str>::new());
    let all = RwSignal::new(false);
    let server_errors = RwSignal::new(Vec::<(&'static str, Msg)>::new());
    let form_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let engineers = LocalResource::new(api::engineers);
    // The work order named by its ticket, among the desk's orders.
    let order_id = Memo::new(move |_| {
        let ticket = draft.with(|d| d.ticket.trim().to_string());
        (!ticket.is_empty())
            .then(|| {
                live.orders.with(|l| {
                    l.iter()
                        .flatten()
                        .find(|o| o.ticket == ticket)
                        .map(|o| o.id)
                })
            })
            .flatten()
    });
    let checked = Memo::new(move |_| draft.with(|d| d.to_complaint(order_id.get()).1));
    let error_for = move |field: &'static str| {
        move || {
            let lang = lang.get();
            if let Some((_, m)) =
                server_errors.with(|s| s.iter().find(|(f, _)| *f == field).copied())
            {
                return Some(m.text(lang));
            }
            if !all.get() && !touched.with(|t| t.contains(field)) {
                return None;
            }
            checked.with(|c| {
                c.iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, m)| m.text(lang))
            })
        }
    };
    let edit = move |field: &'static str, change: &dyn Fn(&mut Draft)| {
        draft.update(|d| change(d));
        touched.update(|t| {
            t.insert(field);
        });
        server_errors.update(|s| s.retain(|(f, _)| *f != field));
    };
    let discard = move |_| {
        draft.set(Draft::default());
        touched.set(HashSet::new());
        all.set(false);
        server_errors.set(Vec::new());
        form_error.set(None);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        all.set(true);
        form_error.set(None);
        let lang = lang.get_untracked();
        let (new, errors) = draft.with_untracked(|d| d.to_complaint(order_id.get_untracked()));
        if !errors.is_empty() {
            form_error.set(Some(Msg::FixFields.text(lang).into()));
            return;
        }
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let answer = capi::send(
                "POST",
                "/api/complaints",
                serde_json::to_string(&new).unwrap_or_default(),
            )
            .await;
            busy.set(false);
            match answer {
                Ok(_) => {
                    draft.set(Draft::default());
                    touched.set(HashSet::new());
                    all.set(false);
                    router::go(Route::Complaint(new.id));
                }
                Err(ChangeFail::Refused(r)) => {
                    let (field, msg) = refusal(&r.error, r.field.as_deref(), &r.message);
                    if field == "form" {
                        form_error.set(Some(format!("{}: {}", msg.text(lang), r.message)));
                    } else {
                        server_errors.update(|s| s.push((field, msg)));
                        form_error.set(Some(msg.text(lang).into()));
                    }
                }
                Err(ChangeFail::Api(fieldbook::api::ApiFail::Unauthorized)) => session.expire(),
                Err(ChangeFail::Api(fail)) => form_error.set(Some(format!(
                    "{} {}",
                    fail_text(&fail).text(lang),
                    Msg::DraftKept.text(lang)
                ))),
            }
        });
    };
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
                    autocomplete="off"
                    list=match field { "team" => Some("teams"), "work_order" => Some("tickets"), _ => None }
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
    // Teams the desk knows of: the stations of its engineers.
    let teams = move || {
        let mut t: Vec<String> = Vec::new();
        for e in engineers.get().and_then(Result::ok).unwrap_or_default() {
            if let Some(s) = e.station
                && !t.contains(&s)
            {
                t.push(s);
            }
        }
        t.into_iter()
            .map(|t| view! { <option value=t/> })
            .collect_view()
    };
    let tickets = move || {
        live.orders.with(|l| {
            l.iter()
                .flatten()
                .take(200)
                .map(|o| view! { <option value=o.ticket.clone()>{o.customer.clone()}</option> })
                .collect_view()
        })
    };
    let severity_radio = move |s: Severity, msg: Msg| {
        view! {
            <label class="radio">
                <input type="radio" name="severity" value=if s == Severity::Major { "major" } else { "ordinary" }
                    prop:checked=move || draft.with(|d| d.severity == s)
                    on:change=move |_| edit("severity", &|d| d.severity = s)/>
                {tr(msg)}
            </label>
        }
    };
    let assignee_err = error_for("assignee");
    view! {
        <section class="call-page">
            <div class="list-head">
                <h1>{tr(Msg::TakeComplaint)}</h1>
                <span class="muted" data-testid="draft-state">
                    {move || if draft.with(Draft::is_blank) { "" } else { tr(Msg::DraftSaved)() }}
                </span>
                <button type="button" class="secondary" on:click=discard>{tr(Msg::DiscardDraft)}</button>
            </div>
            <datalist id="teams">{teams}</datalist>
            <datalist id="tickets">{tickets}</datalist>
            <form class="desk-form" on:submit=submit novalidate data-testid="complaint-form">
                <fieldset class="card">
                    <legend>{tr(Msg::CustomerSection)}</legend>
                    <div class="grid4">
                        {input(Msg::Customer, "customer", |d| &d.customer, |d, v| d.customer = v, "text")}
                        {input(Msg::ContactPhone, "contact_phone", |d| &d.contact_phone, |d, v| d.contact_phone = v, "tel")}
                        {input(Msg::Place, "place", |d| &d.place, |d, v| d.place = v, "text")}
                        <fieldset class="field severity" data-testid="severity">
                            <legend>{tr(Msg::Severity)}</legend>
                            {severity_radio(Severity::Ordinary, Msg::Ordinary)}
                            {severity_radio(Severity::Major, Msg::Major)}
                        </fieldset>
                        <label class="field span4">
                            <span>{tr(Msg::What)}</span>
                            <textarea
                                name="what"
                                aria-label=tr(Msg::What)
                                rows="3"
                                prop:value=move || draft.with(|d| d.what.clone())
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    edit("what", &|d| d.what = v.clone());
                                }
                                on:blur=move |_| touched.update(|t| { t.insert("what"); })
                                class:invalid=move || error_for("what")().is_some()
                            ></textarea>
                            <small class="field-error" data-field="what">{error_for("what")}</small>
                        </label>
                    </div>
                </fieldset>
                <fieldset class="card">
                    <legend>{tr(Msg::DispatchSection)}</legend>
                    <div class="grid4">
                        <div>
                            {input(Msg::TeamOrStation, "team", |d| &d.team, |d, v| d.team = v, "text")}
                            <small class="muted hint">{tr(Msg::TeamHint)}</small>
                        </div>
                        <label class="field">
                            <span>{tr(Msg::TaskAssignee)}</span>
                            <select
                                name="assignee"
                                aria-label=tr(Msg::TaskAssignee)
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    edit("assignee", &|d| d.assignee = v.clone());
                                }
                            >
                                <option value="" selected=move || draft.with(|d| d.assignee.is_empty())>{tr(Msg::AssignLater)}</option>
                                {[("dept:engineering", Department::Engineering), ("dept:cleaning", Department::Cleaning)].into_iter().map(|(code, dep)| view! {
                                    <option value=code selected=move || draft.with(|d| d.assignee == code)>{move || labels::department(dep, lang.get())}</option>
                                }).collect_view()}
                                {move || {
                                    let team = draft.with(|d| d.team.trim().to_string());
                                    let list = engineers.get().and_then(Result::ok).unwrap_or_default();
                                    // The team's own engineers first.
                                    let (own, rest): (Vec<_>, Vec<_>) = list.into_iter().partition(|e| e.station.as_deref() == Some(team.as_str()));
                                    own.into_iter().chain(rest).map(|e| {
                                        let code = format!("user:{}", e.person.username);
                                        let c = code.clone();
                                        let line = format!("{} · {}", e.person.label(), e.station.unwrap_or_default());
                                        view! { <option value=code selected=move || draft.with(|d| d.assignee == c)>{line}</option> }
                                    }).collect_view()
                                }}
                                <option value="other" selected=move || draft.with(|d| d.assignee == "other")>{tr(Msg::OtherAccount)}</option>
                            </select>
                            {move || draft.with(|d| d.assignee == "other").then(|| view! {
                                <input
                                    name="assignee_other"
                                    aria-label=tr(Msg::AccountName)
                                    placeholder=tr(Msg::AccountName)
                                    autocomplete="off"
                                    prop:value=move || draft.with(|d| d.other.clone())
                                    on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        edit("assignee", &|d| d.other = v.clone());
                                    }
                                />
                            })}
                            <small class="field-error" data-field="assignee">{assignee_err}</small>
                        </label>
                        {input(Msg::WorkOrderTicket, "work_order", |d| &d.ticket, |d, v| d.ticket = v, "text")}
                    </div>
                </fieldset>
                <p class="form-error" role="alert" data-testid="complaint-error">{move || form_error.get()}</p>
                <div class="row">
                    <button class="primary" type="submit" disabled=move || busy.get()>{tr(Msg::TakeComplaint)}</button>
                </div>
            </form>
        </section>
    }
}
