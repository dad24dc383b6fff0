//! 索赔: claims support's queue. Every order that expects a claim and whose engineer has left
//! the site, without a claim or with one not yet paid (`GET /api/claims/queue`), sorted by its
//! 14-day deadline (24:00 China time, red once late), with its claim's state; a row without a
//! claim builds one (the kind picked beside it) and opens it. Read again every 3 s while visible.

use fieldbook::api::ApiFail;
use fieldbook::i18n::{self as labels, use_lang};
use fieldbook_model::Role;
use fieldbook_model::claims::ClaimKind;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;
use uuid::Uuid;

use crate::claims_api::{self as kapi, QueueRow};
use crate::complaints_api as capi;
use crate::i18n::{Msg, tr};
use crate::pages::complaints::deadline_view;
use crate::router::{self, Route};
use crate::session::{Desk, fail_text, use_session};

/// The signed-in person's role.
pub fn my_role() -> Option<Role> {
    use_session().0.with_untracked(|d| match d {
        Desk::SignedIn(p) => Some(p.role),
        _ => None,
    })
}

/// The signed-in person's username.
pub fn my_username() -> String {
    use_session().0.with_untracked(|d| match d {
        Desk::SignedIn(p) => p.username.clone(),
        _ => String::new(),
    })
}

/// Claims support changes claims; everyone else here reads them.
pub fn claims_writer() -> bool {
    my_role() == Some(Role::Claims)
}

/// The order's state as the queue spells it, in words.
fn order_state_msg(s: &str) -> Msg {
    match s {
        "closed" => Msg::OsClosed,
        "submitted" => Msg::OsSubmitted,
        _ => Msg::OsOpen,
    }
}

/// A read's rows, re-read every poll period while the tab is visible; a 401 ends the session.
pub fn polled<T: Send + Sync + 'static, F>(
    read: impl Fn() -> F + Copy + Send + Sync + 'static,
) -> (RwSignal<Option<T>>, RwSignal<Option<ApiFail>>, Callback<()>)
where
    F: std::future::Future<Output = Result<T, ApiFail>> + 'static,
{
    let session = use_session();
    let data = RwSignal::new(None::<T>);
    let failed = RwSignal::new(None::<ApiFail>);
    let load = move || {
        spawn_local(async move {
            match read().await {
                Ok(d) => {
                    failed.set(None);
                    data.set(Some(d));
                }
                Err(ApiFail::Unauthorized) => session.expire(),
                Err(e) => failed.set(Some(e)),
            }
        });
    };
    load();
    crate::live::poll_while_visible(load);
    (data, failed, Callback::new(move |()| load()))
}

#[derive(Serialize)]
struct NewClaim {
    id: Uuid,
    work_order_id: Uuid,
    kind: ClaimKind,
}

#[component]
pub fn ClaimsPage() -> impl IntoView {
    let lang = use_lang();
    let (rows, failed, _) = polled(kapi::queue);
    let writer = claims_writer();
    view! {
        <section class="claims-page">
            <div class="list-head">
                <h1>{tr(Msg::NavClaims)}</h1>
                <span class="muted hint">{tr(Msg::QueueHint)}</span>
            </div>
            {move || failed.get().map(|e| view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> })}
            <div class="table-scroll">
                <table class="dense claims" data-testid="claim-queue">
                    <thead>
                        <tr>
                            <th>{tr(Msg::Ticket)}</th>
                            <th>{tr(Msg::Machine)}</th>
                            <th>{tr(Msg::ServiceType)}</th>
                            <th>{tr(Msg::Station)}</th>
                            <th>{tr(Msg::Assignee)}</th>
                            <th>{tr(Msg::OrderState)}</th>
                            <th>{tr(Msg::ClaimDue)}</th>
                            <th>{tr(Msg::ClaimStateLabel)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || rows.get().unwrap_or_default()
                            key=|r: &QueueRow| (r.work_order_id, r.late, r.claim.clone().map(|c| (c.id, kapi::state_code(c.state))))
                            children=move |r| view! { <QueueLine row=r writer/> }
                        />
                    </tbody>
                </table>
            </div>
            {move || match rows.with(|r| r.as_ref().map(Vec::is_empty)) {
                None if failed.with(Option::is_none) => Some(view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any()),
                Some(true) => Some(view! { <p class="empty muted">{tr(Msg::NoQueue)}</p> }.into_any()),
                _ => None,
            }}
        </section>
    }
}

#[component]
fn QueueLine(row: QueueRow, writer: bool) -> impl IntoView {
    let lang = use_lang();
    let r = row;
    let order = r.work_order_id;
    let kind = RwSignal::new(kapi::default_kind(r.service_type));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Made once per row: a retry after a lost answer is the same claim.
    let id = StoredValue::new(Uuid::new_v4());
    let create = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let body = NewClaim {
            id: id.get_value(),
            work_order_id: order,
            kind: kind.get_untracked(),
        };
        spawn_local(async move {
            match capi::send(
                "POST",
                "/api/claims",
                serde_json::to_string(&body).unwrap_or_default(),
            )
            .await
            {
                Ok(_) => router::go(Route::Claim(body.id)),
                Err(f) => {
                    busy.set(false);
                    error.set(Some(kapi::refusal_text(&f, lang.get_untracked())));
                }
            }
        });
    };
    let service = r.service_type;
    let state = r.order_state.clone();
    let machine = format!("{} / {}", r.equipment_model, r.serial);
    let engineer = if r.assignee_name.is_empty() {
        r.assignee.clone()
    } else {
        r.assignee_name.clone()
    };
    view! {
        <tr data-testid="queue-row" data-ticket=r.ticket.clone() data-late=r.late.to_string()>
            <td class="cell-strong"><a href=Route::WorkOrder(order).href()>{r.ticket.clone()}</a></td>
            <td class="clip" title=machine.clone()>{machine.clone()}</td>
            <td>{move || labels::service_type(service, lang.get())}</td>
            <td>{r.station.clone().unwrap_or_default()}</td>
            <td>{engineer}</td>
            <td>{move || order_state_msg(&state).text(lang.get())}</td>
            <td>{deadline_view(Some(r.due), r.late, "claim-due")}</td>
            <td>
                {match r.claim.clone() {
                    Some(c) => view! {
                        <a href=Route::Claim(c.id).href() data-testid="queue-claim" data-state=kapi::state_code(c.state)>
                            {move || kapi::state_msg(c.state).text(lang.get())}
                            {(!c.claim_number.is_empty()).then(|| format!(" · {}", c.claim_number))}
                        </a>
                    }.into_any(),
                    None if writer => view! {
                        <span class="row create-claim">
                            <select name="claim_kind" aria-label=tr(Msg::ClaimKindLabel) on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if let Some(k) = kapi::KINDS.into_iter().find(|k| kapi::kind_code(*k) == v) {
                                    kind.set(k);
                                }
                            }>
                                {kapi::KINDS.into_iter().map(|k| view! {
                                    <option value=kapi::kind_code(k) selected=move || kind.get() == k>{move || kapi::kind_msg(k).text(lang.get())}</option>
                                }).collect_view()}
                            </select>
                            <button class="secondary small" type="button" data-testid="create-claim" disabled=move || busy.get() on:click=create>{tr(Msg::CreateClaim)}</button>
                        </span>
                        {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                    }.into_any(),
                    None => view! { <span class="muted">{tr(Msg::NoClaimYet)}</span> }.into_any(),
                }}
            </td>
        </tr>
    }
}
