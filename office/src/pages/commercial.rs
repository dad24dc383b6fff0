//! 商务索赔: commercial claims (outside the warranty). The station head requests one (amount in
//! yuan, the reason, the order it concerns if any); each claim shows its chain of sign-offs in
//! order (the chain in force when it was requested), with who signed each step and when, approved
//! or refused with the reason; the person whose sign-off title is the next step's signs or refuses
//! it here. Read again every 3 s while visible.

use fieldbook::i18n::{Lang, use_lang};
use fieldbook_model::Role;
use fieldbook_model::claims::{CommercialClaim, CommercialState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;
use uuid::Uuid;

use crate::china;
use crate::claims_api as kapi;
use crate::complaints_api as capi;
use crate::i18n::{Msg, tr};
use crate::live::use_live;
use crate::pages::claims::{my_role, my_username, polled};
use crate::router::Route;
use crate::session::fail_text;

#[derive(Serialize)]
struct NewCommercial {
    id: Uuid,
    work_order_id: Option<Uuid>,
    fen: i64,
    reason: String,
}

#[derive(Serialize)]
struct Sign {
    step: String,
    approved: bool,
    reason: String,
}

#[component]
pub fn CommercialPage() -> impl IntoView {
    let lang = use_lang();
    let (list, failed, reload) = polled(kapi::commercial);
    let me = my_username();
    // My sign-off title, from the people list (not every role may read it: then none).
    let people = LocalResource::new(kapi::people);
    let title = Signal::derive(move || {
        people.get().and_then(Result::ok).and_then(|p| {
            p.into_iter()
                .find(|p| p.username == me)
                .and_then(|p| p.title)
        })
    });
    let head = my_role() == Some(Role::ServiceSupervisor);
    view! {
        <section class="commercial-page">
            <div class="list-head">
                <h1>{tr(Msg::NavCommercial)}</h1>
            </div>
            {head.then(|| view! { <RequestForm reload/> })}
            {move || failed.get().map(|e| view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> })}
            <ul class="commercial-list" data-testid="commercial-list">
                <For
                    each=move || list.get().unwrap_or_default()
                    key=|c: &CommercialClaim| (c.id, c.sign_offs.len(), c.state == CommercialState::Signing)
                    children=move |c| view! { <CommercialCard claim=c title reload/> }
                />
            </ul>
            {move || match list.with(|l| l.as_ref().map(Vec::is_empty)) {
                None if failed.with(Option::is_none) => Some(view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any()),
                Some(true) => Some(view! { <p class="empty muted">{tr(Msg::NoCommercial)}</p> }.into_any()),
                _ => None,
            }}
        </section>
    }
}

#[component]
fn RequestForm(reload: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let live = use_live();
    let amount = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let ticket = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<(), String>>);
    // Made once per request: sending again after a lost answer is the same request.
    let id = RwSignal::new(Uuid::new_v4());
    let order_of = move |t: &str| {
        let t = t.trim().to_string();
        live.orders.with(|l| {
            l.as_ref()
                .and_then(|l| l.iter().find(|o| o.ticket == t).map(|o| o.id))
        })
    };
    let err = move |field: &'static str| {
        move || {
            if !tried.get() {
                return None;
            }
            let bad = match field {
                "cc_amount" => amount
                    .with(|a| kapi::parse_yuan(a).is_none_or(|f| f <= 0))
                    .then_some(Msg::BadAmount),
                "cc_reason" => reason
                    .with(|r| r.trim().is_empty())
                    .then_some(Msg::ReasonRequired),
                _ => {
                    let t = ticket.get();
                    (!t.trim().is_empty() && order_of(&t).is_none()).then_some(Msg::NoSuchTicket)
                }
            };
            bad.map(|m| m.text(lang.get()))
        }
    };
    let send = move |_| {
        tried.set(true);
        outcome.set(None);
        let t = ticket.get_untracked();
        let work_order_id = order_of(&t);
        let fen = kapi::parse_yuan(&amount.get_untracked()).filter(|f| *f > 0);
        let r = reason.get_untracked().trim().to_string();
        let (Some(fen), false, true) = (
            fen,
            r.is_empty(),
            t.trim().is_empty() || work_order_id.is_some(),
        ) else {
            outcome.set(Some(Err(Msg::FixFields.text(lang.get_untracked()).into())));
            return;
        };
        let body = NewCommercial {
            id: id.get_untracked(),
            work_order_id,
            fen,
            reason: r,
        };
        spawn_local(async move {
            match capi::send(
                "POST",
                "/api/commercial-claims",
                serde_json::to_string(&body).unwrap_or_default(),
            )
            .await
            {
                Ok(_) => {
                    outcome.set(Some(Ok(())));
                    tried.set(false);
                    amount.set(String::new());
                    reason.set(String::new());
                    ticket.set(String::new());
                    id.set(Uuid::new_v4());
                    reload.run(());
                }
                Err(f) => outcome.set(Some(Err(kapi::refusal_text(&f, lang.get_untracked())))),
            }
        });
    };
    view! {
        <div class="card" data-testid="commercial-form">
            <h2>{tr(Msg::CcRequest)}</h2>
            <div class="grid3">
                <label class="field">
                    <span>{tr(Msg::AmountYuan)}</span>
                    <input name="cc_amount" aria-label=tr(Msg::AmountYuan) inputmode="decimal" autocomplete="off" prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev))/>
                    <small class="field-error" data-field="cc_amount">{err("cc_amount")}</small>
                </label>
                <label class="field">
                    <span>{tr(Msg::WorkOrderTicket)}</span>
                    <input name="cc_ticket" aria-label=tr(Msg::WorkOrderTicket) autocomplete="off" prop:value=move || ticket.get() on:input=move |ev| ticket.set(event_target_value(&ev))/>
                    <small class="field-error" data-field="cc_ticket">{err("cc_ticket")}</small>
                </label>
                <label class="field">
                    <span>{tr(Msg::CcReason)}</span>
                    <textarea name="cc_reason" aria-label=tr(Msg::CcReason) rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    <small class="field-error" data-field="cc_reason">{err("cc_reason")}</small>
                </label>
            </div>
            <button class="primary" type="button" data-testid="cc-send" on:click=send>{tr(Msg::CcSend)}</button>
            {move || outcome.get().map(|r| match r {
                Ok(()) => view! { <p class="saved" role="status" data-testid="cc-outcome">{tr(Msg::Saved)}</p> }.into_any(),
                Err(t) => view! { <p class="form-error" role="alert" data-testid="cc-outcome">{t}</p> }.into_any(),
            })}
        </div>
    }
}

fn state_class(s: CommercialState) -> &'static str {
    match s {
        CommercialState::Signing => "badge",
        CommercialState::Approved => "badge ok",
        CommercialState::Refused => "badge down",
    }
}

#[component]
fn CommercialCard(
    claim: CommercialClaim,
    title: Signal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let c = claim;
    let id = c.id;
    let state = c.state;
    let next = c.next_step().cloned();
    let reason = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<String>);
    let sign = move |step: String, approved: bool| {
        let r = reason.get_untracked().trim().to_string();
        if !approved && r.is_empty() {
            outcome.set(Some(Msg::ReasonRequired.text(lang.get_untracked()).into()));
            return;
        }
        outcome.set(None);
        spawn_local(async move {
            let body = Sign {
                step,
                approved,
                reason: r,
            };
            match capi::send(
                "POST",
                &format!("/api/commercial-claims/{id}/sign"),
                serde_json::to_string(&body).unwrap_or_default(),
            )
            .await
            {
                Ok(_) => reload.run(()),
                Err(f) => outcome.set(Some(kapi::refusal_text(&f, lang.get_untracked()))),
            }
        });
    };
    let sign = StoredValue::new(sign);
    let steps = c.chain.iter().enumerate().map(|(i, step)| {
        let label = (step.label_zh.clone(), step.label_en.clone());
        let done = c.sign_offs.get(i).cloned();
        let is_next = next.as_ref().is_some_and(|n| n.key == step.key);
        let class = match &done {
            Some(s) if s.approved => "sign-step done",
            Some(_) => "sign-step refused",
            None if is_next => "sign-step next",
            None => "sign-step",
        };
        let step_title = step.title.clone();
        let key = step.key.clone();
        view! {
            <li class=class data-testid="cc-step" data-step=step.key.clone()>
                <strong>{move || if lang.get() == Lang::Zh { label.0.clone() } else { label.1.clone() }}</strong>
                {match done {
                    Some(s) => view! {
                        " · "<span>{move || if s.approved { Msg::Approve } else { Msg::RefuseSign }.text(lang.get())}</span>
                        " · "{s.by.clone()}" · "{china::full(s.at)}
                        {(!s.reason.is_empty()).then(|| view! { <br/><span class="detail">{s.reason.clone()}</span> })}
                    }.into_any(),
                    None if is_next => view! {
                        " · "<span class="muted">{tr(Msg::CcWaiting)}</span>
                        {move || (title.get().as_deref() == Some(step_title.as_str())).then(|| {
                            let (k1, k2) = (key.clone(), key.clone());
                            view! {
                                <div class="sign-row" data-testid="cc-sign">
                                    <span class="badge repeat">{tr(Msg::CcYourTurn)}</span>
                                    <input class="reason" name="cc_sign_reason" aria-label=tr(Msg::Reason) placeholder=tr(Msg::Reason) prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                                    <button class="primary" type="button" data-testid="cc-approve" on:click=move |_| sign.with_value(|s| s(k1.clone(), true))>{tr(Msg::Approve)}</button>
                                    <button class="danger" type="button" data-testid="cc-refuse" on:click=move |_| sign.with_value(|s| s(k2.clone(), false))>{tr(Msg::RefuseSign)}</button>
                                </div>
                            }
                        })}
                    }.into_any(),
                    None => ().into_any(),
                }}
            </li>
        }
    }).collect_view();
    view! {
        <li class="card commercial-card" data-testid="commercial" data-state=match state {
            CommercialState::Signing => "signing",
            CommercialState::Approved => "approved",
            CommercialState::Refused => "refused",
        }>
            <div class="row between">
                <strong>{kapi::yuan(c.fen)}" "{tr(Msg::AmountYuan)}</strong>
                <span class=state_class(state) data-testid="cc-state">{move || kapi::commercial_msg(state).text(lang.get())}</span>
            </div>
            <p class="muted">
                {c.station.clone()}" · "{tr(Msg::RequestedBy)}" "{c.requested_by.clone()}" · "{china::full(c.requested_at)}
                {c.work_order_id.map(|o| view! { " · "<a href=Route::WorkOrder(o).href()>{tr(Msg::CbOrder)}</a> })}
            </p>
            <p>{c.reason.clone()}</p>
            <ol class="chain">{steps}</ol>
            <p class="form-error" role="alert">{move || outcome.get()}</p>
        </li>
    }
}
