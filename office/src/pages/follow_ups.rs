//! 跟进: the desk's follow-up lists, from the model's `dispatch::follow_ups` over the orders the
//! desk holds (`live`, so they move as orders change): machines down, response due soon or late
//! (36 hours), report due soon or late (3 days), and the afternoon list of unrepaired orders with
//! the reason per order editable in the row. Searchable by ticket, serial, customer and engineer;
//! each list is exported as CSV made in the browser (UTF-8 with a BOM, so Excel on a Chinese PC
//! opens it right).

use chrono::{DateTime, Utc};
use fieldbook::i18n::{self as labels, Lang, use_lang};
use fieldbook_model::desk::UnrepairedReason;
use fieldbook_model::dispatch::{FollowUp, follow_ups};
use fieldbook_model::{Deadline, WorkOrder};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::china;
use crate::i18n::{Msg, tr};
use crate::live::use_live;
use crate::router::Route;
use crate::session::fail_text;

const LISTS: [(FollowUp, Msg); 6] = [
    (FollowUp::MachineDown, Msg::FuMachineDown),
    (FollowUp::ResponseDueSoon, Msg::FuResponseSoon),
    (FollowUp::ResponseLate, Msg::FuResponseLate),
    (FollowUp::ReportDueSoon, Msg::FuReportSoon),
    (FollowUp::ReportLate, Msg::FuReportLate),
    (FollowUp::Unrepaired, Msg::FuUnrepaired),
];

/// The order matches what was typed: ticket, serial, customer or engineer.
fn matches(o: &WorkOrder, q: &str) -> bool {
    let q = q.trim().to_lowercase();
    q.is_empty()
        || [
            o.ticket.as_str(),
            o.serial.as_str(),
            o.customer.as_str(),
            o.assignee.as_str(),
            o.assignee_name.as_str(),
        ]
        .iter()
        .any(|f| f.to_lowercase().contains(&q))
}

/// The deadline that puts the order on the list, as the row says it.
fn deadline(o: &WorkOrder, list: FollowUp, now: DateTime<Utc>) -> String {
    match list {
        FollowUp::ResponseDueSoon | FollowUp::ResponseLate => match o.response(now) {
            Deadline::Open { due, .. }
            | Deadline::Overdue { due, .. }
            | Deadline::Met { due, .. }
            | Deadline::MetLate { due, .. } => china::full(due),
        },
        FollowUp::ReportDueSoon | FollowUp::ReportLate => {
            o.report_due().map(china::full).unwrap_or_default()
        }
        _ => china::full(o.planned_at),
    }
}

/// One CSV cell: quoted when it has to be.
fn cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The list as CSV, UTF-8 with a BOM (Excel reads a BOM-less file as the PC's code page).
pub fn csv(rows: &[WorkOrder], list: FollowUp, now: DateTime<Utc>, lang: Lang) -> String {
    let head = [
        Msg::Ticket,
        Msg::Customer,
        Msg::Model,
        Msg::Serial,
        Msg::Assignee,
        Msg::Status,
        Msg::CalledAt,
        Msg::Due,
        Msg::UnrepairedReasonLabel,
    ]
    .map(|m| cell(m.text(lang)))
    .join(",");
    let mut out = format!("\u{feff}{head}\r\n");
    for o in rows {
        let line = [
            o.ticket.clone(),
            o.customer.clone(),
            o.equipment_model.clone(),
            o.serial.clone(),
            o.assignee_label().to_string(),
            labels::status_node(o.status, lang).to_string(),
            china::full(o.called_at),
            deadline(o, list, now),
            o.unrepaired_reason
                .as_ref()
                .map(|r| r.text.clone())
                .unwrap_or_default(),
        ]
        .map(|c| cell(&c))
        .join(",");
        out.push_str(&line);
        out.push_str("\r\n");
    }
    out
}

/// Hand `text` to the browser as a download called `name`.
fn download(name: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let parts = js_sys_array(text);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/csv;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let doc = gloo::utils::document();
    if let Some(a) = doc
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

fn js_sys_array(text: &str) -> wasm_bindgen::JsValue {
    let parts = web_sys::js_sys::Array::new();
    parts.push(&wasm_bindgen::JsValue::from_str(text));
    parts.into()
}

#[component]
pub fn FollowUpsPage() -> impl IntoView {
    let lang = use_lang();
    let live = use_live();
    let now = fieldbook::time::use_now();
    let list = RwSignal::new(FollowUp::MachineDown);
    let query = RwSignal::new(String::new());
    // Every order with the lists it is on now.
    let placed = Memo::new(move |_| {
        let now = now.get();
        live.orders.with(|l| {
            l.as_ref()
                .map(|l| {
                    l.iter()
                        .map(|o| (o.clone(), follow_ups(o, now)))
                        .filter(|(_, lists)| !lists.is_empty())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let rows = Memo::new(move |_| {
        let which = list.get();
        let q = query.get();
        placed.with(|p| {
            p.iter()
                .filter(|(o, lists)| lists.contains(&which) && matches(o, &q))
                .map(|(o, _)| o.clone())
                .collect::<Vec<_>>()
        })
    });
    let export = move |_| {
        let which = list.get_untracked();
        let lang = lang.get_untracked();
        let name = LISTS
            .iter()
            .find(|(l, _)| *l == which)
            .map_or("follow-ups", |(_, m)| m.text(lang));
        let date = china::to_input(Utc::now());
        let text = rows.with_untracked(|r| csv(r, which, Utc::now(), lang));
        download(&format!("{name}-{}.csv", &date[..10]), &text);
    };
    view! {
        <section class="follow-ups">
            <div class="list-head">
                <h1>{tr(Msg::NavFollowUps)}</h1>
                <input
                    type="search"
                    name="search"
                    class="search"
                    aria-label=tr(Msg::SearchHint)
                    placeholder=tr(Msg::SearchHint)
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                <button class="secondary" type="button" on:click=export data-testid="export-csv">{tr(Msg::ExportCsv)}</button>
            </div>
            <div class="tabs" role="tablist">
                {LISTS.iter().map(|&(l, msg)| {
                    let count = move || placed.with(|p| p.iter().filter(|(_, ls)| ls.contains(&l)).count());
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            aria-selected=move || if list.get() == l { "true" } else { "false" }
                            on:click=move |_| list.set(l)
                        >
                            {tr(msg)}" "<span class="count">{count}</span>
                        </button>
                    }
                }).collect_view()}
            </div>
            {move || live.failed.get().map(|e| view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> })}
            <table class="dense" data-testid="follow-up-table">
                <thead>
                    <tr>
                        <th>{tr(Msg::Ticket)}</th>
                        <th>{tr(Msg::Customer)}</th>
                        <th>{tr(Msg::Machine)}</th>
                        <th>{tr(Msg::Assignee)}</th>
                        <th>{tr(Msg::Status)}</th>
                        <th>{tr(Msg::CalledAt)}</th>
                        <th>{tr(Msg::Due)}</th>
                        <th>{tr(Msg::UnrepairedReasonLabel)}</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || {
                            let which = list.get();
                            rows.get().into_iter().map(move |o| (which, o))
                        }
                        key=|(which, o)| (*which, o.id, o.seq)
                        children=move |(which, o)| view! { <FollowUpRow order=o list=which now/> }
                    />
                </tbody>
            </table>
            {move || rows.with(Vec::is_empty).then(|| view! { <p class="empty muted">{tr(Msg::NothingHere)}</p> })}
        </section>
    }
}

#[component]
fn FollowUpRow(order: WorkOrder, list: FollowUp, now: ReadSignal<DateTime<Utc>>) -> impl IntoView {
    let lang = use_lang();
    let live = use_live();
    let id = order.id;
    let status = order.status;
    let reason = RwSignal::new(
        order
            .unrepaired_reason
            .as_ref()
            .map(|r| r.text.clone())
            .unwrap_or_default(),
    );
    let note = RwSignal::new(None::<String>);
    let save = move || {
        let body = UnrepairedReason {
            reason: reason.get_untracked().trim().to_string(),
        };
        spawn_local(async move {
            let lang = lang.get_untracked();
            match api::change_json(
                "PUT",
                &format!("/api/work-orders/{id}/unrepaired-reason"),
                serde_json::to_string(&body).unwrap_or_default(),
            )
            .await
            {
                Ok(Some(d)) => {
                    live.merge(vec![d.work_order]);
                    note.set(Some(Msg::Saved.text(lang).into()));
                }
                Ok(None) => {
                    live.poll();
                    note.set(Some(Msg::Saved.text(lang).into()));
                }
                Err(e) => note.set(Some(match e {
                    fieldbook::api::ApiFail::Server(_, e) => e.message,
                    other => fail_text(&other).text(lang).into(),
                })),
            }
        });
    };
    let due = {
        let o = order.clone();
        move || deadline(&o, list, now.get())
    };
    let ticket = order.ticket.clone();
    view! {
        <tr data-testid="follow-up-row" data-ticket=order.ticket.clone()>
            <td><a href=Route::WorkOrder(id).href()>{order.ticket.clone()}</a></td>
            <td>{order.customer.clone()}</td>
            <td class="mono">{format!("{} · {}", order.equipment_model, order.serial)}</td>
            <td>{order.assignee_label().to_string()}</td>
            <td>{move || labels::status_node(status, lang.get())}</td>
            <td>{china::short(order.called_at)}</td>
            <td>{due}</td>
            <td class="reason-cell">
                {if list == FollowUp::Unrepaired && !order.is_closed() {
                    view! {
                        <input
                            name="row_reason"
                            aria-label=format!("{} {ticket}", Msg::UnrepairedReasonLabel.text(Lang::Zh))
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))
                            on:change=move |_| save()
                        />
                        <small class="muted">{move || note.get()}</small>
                    }.into_any()
                } else {
                    view! { <span>{reason.get_untracked()}</span> }.into_any()
                }}
            </td>
        </tr>
    }
}
