//! Every work order as a desk table: one line each, the columns a dispatcher scans (ticket,
//! customer, machine, engineer, service, status, photos, report). Long lists keep only the rows
//! on screen (the field app's virtual list: every row is one line, so one height). The rows are
//! the desk's store (`live`), so orders created or changed anywhere appear within seconds.

use fieldbook::components::virtual_list::VirtualList;
use fieldbook::i18n::{self as labels, use_lang};
use fieldbook::pages::work_orders::status_class;
use fieldbook_model::WorkOrder;
use leptos::prelude::*;

use crate::i18n::{Msg, tr};
use crate::live::use_live;
use crate::router::Route;
use crate::session::{fail_text, use_session};

#[component]
pub fn WorkOrderTable() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let live = use_live();
    // Nothing loaded yet: None; then the failure of the last load or poll, if any.
    let failed = Memo::new(move |_| {
        let e = live.failed.get();
        if live.orders.with(Option::is_none) && e.is_none() {
            None
        } else {
            Some(e)
        }
    });
    Effect::new(move |_| {
        if matches!(
            failed.get(),
            Some(Some(fieldbook::api::ApiFail::Unauthorized))
        ) {
            session.expire();
        }
    });
    let list = Memo::new(move |_| live.orders.get().unwrap_or_default());
    view! {
        <section class="list-page">
            <div class="list-head">
                <h1>{tr(Msg::AllWorkOrders)}</h1>
                <a class="primary" href=Route::NewCall.href()>{tr(Msg::TakeCall)}</a>
                <button class="secondary" on:click=move |_| live.reload()>{tr(Msg::Refresh)}</button>
            </div>
            {move || failed.get().flatten().map(|e| view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> })}
            {crate::pages::waivers::answers_waivers().then(|| view! { <crate::pages::waivers::WaitingWaivers/> })}
            {move || match failed.get() {
                None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Some(_) if live.orders.with(Option::is_none) => ().into_any(),
                Some(_) if list.with(Vec::is_empty) => view! { <p class="empty muted">{tr(Msg::NoWorkOrders)}</p> }.into_any(),
                Some(_) => view! {
                    <div class="desk-table">
                        <div class="desk-row desk-head" aria-hidden="true">
                            <span>{tr(Msg::Ticket)}</span>
                            <span>{tr(Msg::Customer)}</span>
                            <span>{tr(Msg::Machine)}</span>
                            <span>{tr(Msg::Assignee)}</span>
                            <span>{tr(Msg::ServiceType)}</span>
                            <span>{tr(Msg::Status)}</span>
                            <span>{tr(Msg::Photos)}</span>
                            <span>{tr(Msg::Report)}</span>
                        </div>
                        <VirtualList
                            items=list.into()
                            key=|o: &WorkOrder| o.id
                            row=|o| view! { <WorkOrderRow order=o/> }
                            class="desk-rows"
                            testid="office-list"
                        />
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

/// Required photo slots with an uploaded photo, and required slots.
fn filled(order: &WorkOrder) -> (usize, usize) {
    let required: Vec<_> = order.slots.iter().filter(|s| s.required).collect();
    let done = required
        .iter()
        .filter(|s| order.photos.iter().any(|p| p.slot == s.key && p.uploaded))
        .count();
    (done, required.len())
}

#[component]
fn WorkOrderRow(order: WorkOrder) -> impl IntoView {
    let lang = use_lang();
    let status = order.status;
    let service = order.service_type;
    let (done, required) = filled(&order);
    let submitted = order.report.submitted_at.is_some();
    let machine = format!("{} · {}", order.equipment_model, order.serial);
    let machine_title = machine.clone();
    view! {
        <li>
            <a class="desk-row" href=Route::WorkOrder(order.id).href() data-testid="office-card" data-ticket=order.ticket.clone()>
                <span class="ticket">{order.ticket.clone()}</span>
                <span class="cell-strong" title=order.customer.clone()>{order.customer.clone()}</span>
                <span class="cell-mono" title=machine_title>{machine}</span>
                <span>{order.assignee_label().to_string()}</span>
                <span class="service">{move || labels::service_type(service, lang.get())}</span>
                <span class="chips-cell">
                    <span class=status_class(status)>{move || labels::status_node(status, lang.get())}</span>
                    {order.machine_down.then(|| view! { " "<span class="badge down">{tr(Msg::MachineDown)}</span> })}
                </span>
                <span><span class=if done == required { "badge ok" } else { "badge missing" }>{done}"/"{required}</span></span>
                <span class=if submitted { "report done" } else { "report muted" }>
                    {tr(if submitted { Msg::Submitted } else { Msg::NotSubmitted })}
                </span>
            </a>
        </li>
    }
}
