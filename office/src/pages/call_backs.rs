//! 回访: the desk's phone call-back form (a complaint's, or a closed work order's), the call-backs
//! a complaint or an order has had, and the list of call-backs due (`GET /api/call-backs/due`:
//! complaints whose fix was confirmed and closed orders without one), due today and late first.
//! A closed order's call-back is recorded in its row; a complaint's on its page.

use chrono::{DateTime, Utc};
use fieldbook::api::ApiFail;
use fieldbook::i18n::{Lang, use_lang};
use fieldbook_model::complaints::{
    CallBack, CallBackDue, CallBackMethod, CallBackSubject, ComplaintField, NewCallBack, china_date,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::china;
use crate::complaints_api::{self as capi, ChangeFail};
use crate::i18n::{Msg, tr};
use crate::pages::complaints::deadline_view;
use crate::router::Route;
use crate::session::{fail_text, use_session};

/// A refusal of a call-back or another complaint change, in the desk's words.
pub fn refusal_text(fail: &ChangeFail, lang: Lang) -> String {
    match fail {
        // A task in conflict (two devices' steps kept): the words its state shows, "有冲突".
        ChangeFail::Refused(r) if r.error == "task_in_conflict" => {
            fieldbook::i18n::finding_state(None, lang).to_string()
        }
        ChangeFail::Refused(r) => {
            let msg = match r.error.as_str() {
                "fix_not_confirmed" => Some(Msg::FixNotConfirmed),
                "signature_on_phone" => Some(Msg::SignatureOnPhone),
                "words_required" => Some(Msg::WordsRequired),
                "order_not_closed" => Some(Msg::OrderNotClosed),
                "forbidden" => Some(Msg::Forbidden),
                "wrong_state" => Some(Msg::WrongState),
                "unknown_user" => Some(Msg::UnknownUser),
                _ => None,
            };
            match msg {
                Some(m) => m.text(lang).to_string(),
                None => format!("{}: {}", Msg::ServerRefused.text(lang), r.message),
            }
        }
        ChangeFail::Api(f) => fail_text(f).text(lang).to_string(),
    }
}

/// A phone call-back recorded at the desk: when, who answered, satisfied or not, the customer's
/// words (needed when not satisfied). `done` gets the server's answer.
#[component]
pub fn CallBackForm(
    subject: CallBackSubject,
    done: Callback<(String, NewCallBack)>,
) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let opened = StoredValue::new(china::to_input(Utc::now()));
    let at = RwSignal::new(opened.get_value());
    let answered_by = RwSignal::new(String::new());
    let satisfied = RwSignal::new(None::<bool>);
    let words = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<String>);
    // Made once: sending again after a lost answer is the same call-back.
    let id = StoredValue::new(Uuid::new_v4());
    let build = move || {
        let typed = at.get();
        let when = if opened.with_value(|o| *o == typed) {
            Some(Utc::now())
        } else {
            china::from_input(&typed)
        };
        let new = NewCallBack {
            id: id.get_value(),
            subject,
            method: CallBackMethod::Phone,
            at: when.unwrap_or_else(Utc::now),
            answered_by: answered_by.get().trim().to_string(),
            satisfied: satisfied.get().unwrap_or(true),
            words: words.get().trim().to_string(),
            signature: None,
        };
        let mut errors: Vec<(&'static str, Msg)> = Vec::new();
        if when.is_none() {
            errors.push(("cb_at", Msg::Required));
        }
        if satisfied.get().is_none() {
            errors.push(("cb_satisfied", Msg::Required));
        }
        let mut probe = new.clone();
        for _ in 0..3 {
            match probe.check() {
                Err(ComplaintField::AnsweredBy) => {
                    errors.push((
                        "cb_answered_by",
                        if probe.answered_by.is_empty() {
                            Msg::Required
                        } else {
                            Msg::InvalidValue
                        },
                    ));
                    probe.answered_by = "x".into();
                }
                Err(ComplaintField::Words) => {
                    errors.push((
                        "cb_words",
                        if probe.words.is_empty() {
                            Msg::WordsRequired
                        } else {
                            Msg::InvalidValue
                        },
                    ));
                    probe.words = "x".into();
                }
                _ => break,
            }
        }
        (new, errors)
    };
    let err = move |field: &'static str| {
        move || {
            if !tried.get() {
                return None;
            }
            let lang = lang.get();
            build()
                .1
                .into_iter()
                .find(|(f, _)| *f == field)
                .map(|(_, m)| m.text(lang))
        }
    };
    let send = move |_| {
        tried.set(true);
        outcome.set(None);
        let (new, errors) = build();
        if !errors.is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let answer = capi::send(
                "POST",
                "/api/call-backs",
                serde_json::to_string(&new).unwrap_or_default(),
            )
            .await;
            busy.set(false);
            match answer {
                Ok(body) => {
                    id.set_value(Uuid::new_v4());
                    tried.set(false);
                    answered_by.set(String::new());
                    words.set(String::new());
                    satisfied.set(None);
                    done.run((body, new));
                }
                Err(ChangeFail::Api(ApiFail::Unauthorized)) => session.expire(),
                Err(fail) => outcome.set(Some(refusal_text(&fail, lang.get_untracked()))),
            }
        });
    };
    let choice = move |value: bool, msg: Msg| {
        view! {
            <label class="radio">
                <input type="radio" name="cb_satisfied" value=if value { "yes" } else { "no" }
                    prop:checked=move || satisfied.get() == Some(value)
                    on:change=move |_| satisfied.set(Some(value))/>
                {tr(msg)}
            </label>
        }
    };
    view! {
        <div class="form call-back-form" data-testid="call-back-form">
            <div class="grid3">
                <label class="field">
                    <span>{tr(Msg::CallBackAt)}</span>
                    <input type="datetime-local" name="cb_at" aria-label=tr(Msg::CallBackAt) prop:value=move || at.get() on:input=move |ev| at.set(event_target_value(&ev))/>
                    <small class="field-error" data-field="cb_at">{err("cb_at")}</small>
                </label>
                <label class="field">
                    <span>{tr(Msg::AnsweredBy)}</span>
                    <input name="cb_answered_by" aria-label=tr(Msg::AnsweredBy) autocomplete="off" prop:value=move || answered_by.get() on:input=move |ev| answered_by.set(event_target_value(&ev))/>
                    <small class="field-error" data-field="cb_answered_by">{err("cb_answered_by")}</small>
                </label>
                <fieldset class="field satisfied">
                    <legend>{tr(Msg::Satisfied)}"?"</legend>
                    {choice(true, Msg::Satisfied)}
                    {choice(false, Msg::NotSatisfied)}
                    <small class="field-error" data-field="cb_satisfied">{err("cb_satisfied")}</small>
                </fieldset>
            </div>
            <label class="field">
                <span>{tr(Msg::CustomerWords)}</span>
                <textarea name="cb_words" aria-label=tr(Msg::CustomerWords) rows="2" prop:value=move || words.get() on:input=move |ev| words.set(event_target_value(&ev))></textarea>
                <small class="field-error" data-field="cb_words">{err("cb_words")}</small>
            </label>
            <div class="row">
                <button class="primary" type="button" data-testid="record-call-back" disabled=move || busy.get() on:click=send>{tr(Msg::RecordCallBack)}</button>
                <span class="form-error" role="alert" data-testid="call-back-error">{move || outcome.get()}</span>
            </div>
        </div>
    }
}

/// The call-backs made, newest last, with a visit's signature.
pub fn history(list: Vec<CallBack>) -> impl IntoView {
    let lang = use_lang();
    if list.is_empty() {
        return view! { <p class="muted">{tr(Msg::NoCallBacks)}</p> }.into_any();
    }
    view! {
        <ol class="rounds call-backs" data-testid="call-back-history">
            {list.into_iter().map(|c| {
                let method = if c.method == CallBackMethod::Phone { Msg::ByPhone } else { Msg::ByVisit };
                let verdict = if c.satisfied { Msg::Satisfied } else { Msg::NotSatisfied };
                view! {
                    <li data-testid="call-back" data-satisfied=c.satisfied.to_string()>
                        <strong>{china::full(c.at)}" · "{move || method.text(lang.get())}" · "{c.by.clone()}</strong>
                        " · "{move || Msg::AnsweredBy.text(lang.get())}": "{c.answered_by.clone()}" · "
                        <span class=if c.satisfied { "badge ok" } else { "badge missing" }>{move || verdict.text(lang.get())}</span>
                        {(!c.words.is_empty()).then(|| view! { <p class="words">"“"{c.words.clone()}"”"</p> })}
                        {c.signature.map(|s| view! {
                            <figure class="signature">
                                <img src=format!("/api/photos/{}", s.photo_id) alt=move || Msg::CustomerSignature.text(lang.get()) data-testid="call-back-signature" loading="lazy"/>
                                <figcaption class="muted">{tr(Msg::CustomerSignature)}</figcaption>
                            </figure>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

/// Due on `now`'s China day or earlier.
fn due_by_today(due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    china_date(due - chrono::Duration::seconds(1)) <= china_date(now)
}

#[component]
pub fn CallBacksPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let now = fieldbook::time::use_now();
    let list = RwSignal::new(None::<Vec<CallBackDue>>);
    let failed = RwSignal::new(None::<ApiFail>);
    let load = move || {
        spawn_local(async move {
            match capi::call_backs_due().await {
                // Sorted by due time by the server: due today and late first.
                Ok(l) => {
                    failed.set(None);
                    if list.with_untracked(|old| old.as_ref() != Some(&l)) {
                        list.set(Some(l));
                    }
                }
                Err(ApiFail::Unauthorized) => session.expire(),
                Err(e) => failed.set(Some(e)),
            }
        });
    };
    load();
    crate::live::poll_while_visible(load);
    let today_only = RwSignal::new(true);
    let rows = Memo::new(move |_| {
        let now = now.get();
        let today = today_only.get();
        list.get()
            .unwrap_or_default()
            .into_iter()
            .filter(|c| !today || due_by_today(c.due, now))
            .collect::<Vec<_>>()
    });
    let count = move |today: bool| {
        let now = now.get();
        list.with(|l| {
            l.iter()
                .flatten()
                .filter(|c| !today || due_by_today(c.due, now))
                .count()
        })
    };
    let tab = move |today: bool, msg: Msg| {
        view! {
            <button type="button" role="tab" class="tab"
                aria-selected=move || if today_only.get() == today { "true" } else { "false" }
                on:click=move |_| today_only.set(today)>
                {tr(msg)}" "<span class="count">{move || count(today)}</span>
            </button>
        }
    };
    let reload = Callback::new(move |_: (String, NewCallBack)| load());
    view! {
        <section class="call-backs-page">
            <div class="list-head"><h1>{tr(Msg::NavCallBacks)}</h1></div>
            <div class="tabs" role="tablist">
                {tab(true, Msg::CbDueToday)}
                {tab(false, Msg::CoAll)}
            </div>
            {move || failed.get().map(|e| view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> })}
            <table class="dense" data-testid="call-backs-table">
                <thead>
                    <tr>
                        <th>{tr(Msg::CbKind)}</th>
                        <th>{tr(Msg::Ticket)}" / "{tr(Msg::Customer)}</th>
                        <th>{tr(Msg::ContactPhone)}</th>
                        <th>{tr(Msg::TeamOrStation)}</th>
                        <th>{tr(Msg::Due)}</th>
                        <th></th>
                    </tr>
                </thead>
                <For
                    each=move || rows.get()
                    key=|c| (c.subject, c.due)
                    children=move |c| view! { <DueRow due=c now reload/> }
                />
            </table>
            {move || match list.with(|l| l.as_ref().map(Vec::is_empty)) {
                None if failed.with(Option::is_none) => Some(view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any()),
                Some(_) if rows.with(Vec::is_empty) => Some(view! { <p class="empty muted">{tr(Msg::NoCallBacksDue)}</p> }.into_any()),
                _ => None,
            }}
        </section>
    }
}

#[component]
fn DueRow(
    due: CallBackDue,
    now: ReadSignal<DateTime<Utc>>,
    reload: Callback<(String, NewCallBack)>,
) -> impl IntoView {
    let lang = use_lang();
    let open = RwSignal::new(false);
    let (kind, link) = match due.subject {
        CallBackSubject::Complaint { complaint_id } => {
            (Msg::CbComplaint, Route::Complaint(complaint_id).href())
        }
        CallBackSubject::WorkOrder { work_order_id } => {
            (Msg::CbOrder, Route::WorkOrder(work_order_id).href())
        }
    };
    let is_order = matches!(due.subject, CallBackSubject::WorkOrder { .. });
    let subject = due.subject;
    let at = due.due;
    let title = if due.title == due.customer || due.title.is_empty() {
        due.customer.clone()
    } else {
        format!("{} · {}", due.title, due.customer)
    };
    view! {
        <tbody class="due-row">
            <tr data-testid="call-back-due" data-kind=if is_order { "work_order" } else { "complaint" } data-title=due.title.clone()>
                <td>{move || kind.text(lang.get())}</td>
                <td class="cell-strong"><a href=link.clone()>{title}</a></td>
                <td class="mono">{due.contact_phone.clone()}</td>
                <td>{due.team.clone()}</td>
                <td>
                    {move || deadline_view(Some(at), at < now.get(), "due")}
                    {move || (at >= now.get() && due_by_today(at, now.get())).then(|| view! { " "<span class="badge repeat">{tr(Msg::Today)}</span> })}
                </td>
                <td>
                    {if is_order {
                        view! { <button class="chip" type="button" data-testid="open-call-back" on:click=move |_| open.update(|o| *o = !*o)>{tr(Msg::RecordCallBack)}</button> }.into_any()
                    } else {
                        view! { <a class="chip" href=link>{tr(Msg::RecordCallBack)}</a> }.into_any()
                    }}
                </td>
            </tr>
            {move || open.get().then(|| view! {
                <tr class="call-back-row"><td colspan="6"><CallBackForm subject done=reload/></td></tr>
            })}
        </tbody>
    }
}
