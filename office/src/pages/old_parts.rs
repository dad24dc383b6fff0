//! 旧件: the month's old parts (`GET /api/old-parts?month=`), one card a return tag, narrowed by
//! station and state: where each is (with the engineer → the station head → the company store →
//! destroyed or shipped back), who holds it and since when, the day it is due in the store (the
//! 25th of the next month) and a late shipment, both red. The station head confirms receipt here
//! on their phone (the cards are one column at 360 px); claims support moves parts into the store
//! (large or small), destroys or ships them, and notes the manufacturer's request; the month's
//! ledger downloads as .xlsx or CSV. Read again every 3 s while visible.

use chrono::{Datelike, Utc};
use fieldbook::i18n::use_lang;
use fieldbook_model::Role;
use fieldbook_model::claims::{PartSize, PartState};
use fieldbook_model::complaints::china_date;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;
use uuid::Uuid;

use crate::china;
use crate::claims_api::{self as kapi, OldPartRow};
use crate::complaints_api as capi;
use crate::i18n::{Msg, tr};
use crate::pages::claims::my_role;
use crate::router::Route;
use crate::session::{fail_text, use_session};

#[derive(Serialize)]
struct Receive {
    work_order_id: Uuid,
}

#[derive(Serialize)]
struct Move {
    to: PartState,
    size: Option<PartSize>,
}

#[component]
pub fn OldPartsPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let today = china_date(Utc::now());
    let month = RwSignal::new(format!("{}-{:02}", today.year(), today.month()));
    let station = RwSignal::new(String::new());
    let state = RwSignal::new(String::new());
    let rows = RwSignal::new(None::<Vec<OldPartRow>>);
    let failed = RwSignal::new(None);
    let load = move || {
        let m = month.get_untracked();
        spawn_local(async move {
            match kapi::old_parts(m.clone(), String::new(), String::new()).await {
                // An answer for a month no longer chosen is dropped.
                Ok(list) if month.get_untracked() == m => {
                    failed.set(None);
                    if rows.with_untracked(|r| r.as_ref() != Some(&list)) {
                        rows.set(Some(list));
                    }
                }
                Ok(_) => {}
                Err(fieldbook::api::ApiFail::Unauthorized) => session.expire(),
                Err(e) => failed.set(Some(e)),
            }
        });
    };
    Effect::new(move |_| {
        month.track();
        rows.set(None);
        load();
    });
    crate::live::poll_while_visible(load);
    let role = my_role();
    let stations = Memo::new(move |_| {
        let mut s: Vec<String> =
            rows.with(|r| r.iter().flatten().map(|p| p.station.clone()).collect());
        s.sort_unstable();
        s.dedup();
        s
    });
    let shown = Memo::new(move |_| {
        let (st, sta) = (station.get(), state.get());
        rows.with(|r| {
            r.iter()
                .flatten()
                .filter(|p| {
                    (st.is_empty() || p.station == st)
                        && (sta.is_empty() || kapi::part_code(p.state) == sta)
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="old-parts-page">
            <div class="list-head wrap">
                <h1>{tr(Msg::NavOldParts)}</h1>
                <label class="field inline">
                    <span>{tr(Msg::Month)}</span>
                    <input type="month" name="month" aria-label=tr(Msg::Month) prop:value=move || month.get()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if v.len() == 7 {
                                month.set(v);
                            }
                        }/>
                </label>
                <select name="station" aria-label=tr(Msg::Station) on:change=move |ev| station.set(event_target_value(&ev))>
                    <option value="">{tr(Msg::AllStations)}</option>
                    {move || stations.get().into_iter().map(|s| view! { <option value=s.clone() selected=station.get_untracked() == s>{s.clone()}</option> }).collect_view()}
                </select>
                <select name="state" aria-label=tr(Msg::CoState) on:change=move |ev| state.set(event_target_value(&ev))>
                    <option value="">{tr(Msg::AllStates)}</option>
                    {kapi::PART_STATES.into_iter().map(|s| view! { <option value=kapi::part_code(s)>{move || kapi::part_msg(s).text(lang.get())}</option> }).collect_view()}
                </select>
                <span class="downloads">
                    <span class="muted">{tr(Msg::PartsLedger)}</span>
                    <a class="secondary" data-testid="parts-ledger-xlsx" download href=move || kapi::ledger_href(&month.get(), "xlsx")>{tr(Msg::DownloadXlsx)}</a>
                    <a class="secondary" data-testid="parts-ledger-csv" download href=move || kapi::ledger_href(&month.get(), "csv")>{tr(Msg::DownloadCsv)}</a>
                </span>
            </div>
            {move || failed.get().map(|e| view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> })}
            <ul class="part-list" data-testid="old-parts">
                <For
                    each=move || shown.get()
                    key=|p: &OldPartRow| (p.tag.clone(), kapi::part_code(p.state), p.since, p.ship_requested_at, p.store_late, p.ship_late)
                    children=move |p| view! { <PartCard part=p role reload=Callback::new(move |()| load())/> }
                />
            </ul>
            {move || match rows.with(|r| r.as_ref().map(Vec::is_empty)) {
                None if failed.with(Option::is_none) => Some(view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any()),
                _ if rows.with(Option::is_some) && shown.with(Vec::is_empty) => Some(view! { <p class="empty muted">{tr(Msg::NoParts)}</p> }.into_any()),
                _ => None,
            }}
        </section>
    }
}

#[component]
fn PartCard(part: OldPartRow, role: Option<Role>, reload: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let p = part;
    let tag = p.tag.clone();
    let order = p.work_order_id;
    let state = p.state;
    let size = RwSignal::new(p.size);
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let busy = RwSignal::new(false);
    let post = move |what: &'static str, json: String| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        outcome.set(None);
        let path = kapi::part_path(&tag, what);
        spawn_local(async move {
            match capi::send("POST", &path, json).await {
                Ok(_) => {
                    outcome.set(Some(Ok(())));
                    reload.run(());
                }
                Err(f) => outcome.set(Some(Err(kapi::refusal_text(&f, lang.get_untracked())))),
            }
            busy.set(false);
        });
    };
    let post = StoredValue::new(post);
    let receive = move |_| {
        post.with_value(|post| {
            post(
                "receive",
                serde_json::to_string(&Receive {
                    work_order_id: order,
                })
                .unwrap_or_default(),
            )
        });
    };
    let move_to = move |to: PartState| {
        let body = Move {
            to,
            size: (to == PartState::InStore).then(|| size.get_untracked()),
        };
        post.with_value(|post| post("move", serde_json::to_string(&body).unwrap_or_default()));
    };
    let ship_request = move |_| post.with_value(|post| post("ship-request", "{}".into()));
    let head = role == Some(Role::ServiceSupervisor);
    let claims = role == Some(Role::Claims);
    let group = format!("size-{}", p.tag);
    let size_choice = move |s: PartSize, msg: Msg| {
        view! {
            <label class="radio">
                <input type="radio" name=group.clone() prop:checked=move || size.get() == s on:change=move |_| size.set(s)/>
                {tr(msg)}
            </label>
        }
    };
    view! {
        <li class="part-card card" data-testid="part" data-tag=p.tag.clone() data-state=kapi::part_code(state) data-late=p.store_late.to_string()>
            <div class="row between">
                <strong class="tag" data-testid="part-tag">{p.tag.clone()}</strong>
                <span class="badge" data-testid="part-state">{move || kapi::part_msg(state).text(lang.get())}</span>
            </div>
            <p class="part-what">{format!("{} {} ×{}", p.part_no, p.name, p.qty)}</p>
            <dl class="kv-grid two">
                <div class="kv"><dt>{tr(Msg::Ticket)}</dt><dd><a href=Route::WorkOrder(order).href()>{p.ticket.clone()}</a></dd></div>
                <div class="kv"><dt>{tr(Msg::Station)}</dt><dd>{p.station.clone()}</dd></div>
                <div class="kv"><dt>{tr(Msg::Holder)}</dt><dd data-testid="part-holder">{p.holder.clone()}</dd></div>
                <div class="kv"><dt>{tr(Msg::Since)}</dt><dd>{china::full(p.since)}</dd></div>
                <div class="kv"><dt>{tr(Msg::StoreDue)}</dt><dd>
                    <span class=if p.store_late { "deadline late" } else { "deadline" } data-testid="store-due" data-late=p.store_late.to_string()>
                        {p.store_due.to_string()}
                        {p.store_late.then(|| view! { " · "{tr(Msg::LateMark)} })}
                    </span>
                </dd></div>
                <div class="kv"><dt>{tr(Msg::PartSizeLabel)}</dt><dd>{move || if p.size == PartSize::Large { Msg::Large } else { Msg::Small }.text(lang.get())}</dd></div>
            </dl>
            {p.ship_requested_at.map(|at| view! {
                <p class=if p.ship_late { "late" } else { "muted" } data-testid="ship-requested">
                    {tr(Msg::ShipRequested)}" · "{china::full(at)}
                    {p.ship_late.then(|| view! { " · "{tr(Msg::ShipLate)} })}
                </p>
            })}
            <div class="part-actions">
                {((head || claims) && state == PartState::WithEngineer).then(|| view! {
                    <button class="primary" type="button" data-testid="receive-part" disabled=move || busy.get() on:click=receive>{tr(Msg::ReceivePart)}</button>
                })}
                {(claims && state == PartState::WithStationHead).then(|| view! {
                    <fieldset class="field sizes">
                        <legend>{tr(Msg::PartSizeLabel)}</legend>
                        {size_choice(PartSize::Small, Msg::Small)}
                        {size_choice(PartSize::Large, Msg::Large)}
                    </fieldset>
                    <button class="primary" type="button" data-testid="to-store" disabled=move || busy.get() on:click=move |_| move_to(PartState::InStore)>{tr(Msg::ToStore)}</button>
                })}
                {(claims && state == PartState::InStore).then(|| view! {
                    <button class="secondary" type="button" data-testid="ship-part" disabled=move || busy.get() on:click=move |_| move_to(PartState::ShippedToManufacturer)>{tr(Msg::ShipBack)}</button>
                    <button class="danger" type="button" data-testid="destroy-part" disabled=move || busy.get() on:click=move |_| move_to(PartState::Destroyed)>{tr(Msg::Destroy)}</button>
                    {p.ship_requested_at.is_none().then(|| view! {
                        <button class="secondary" type="button" data-testid="ship-request" disabled=move || busy.get() on:click=ship_request>{tr(Msg::ShipRequest)}</button>
                    })}
                })}
            </div>
            {move || outcome.get().map(|r| match r {
                Ok(()) => view! { <p class="saved" role="status" data-testid="part-outcome">{tr(Msg::Saved)}</p> }.into_any(),
                Err(t) => view! { <p class="form-error" role="alert" data-testid="part-outcome">{t}</p> }.into_any(),
            })}
        </li>
    }
}
