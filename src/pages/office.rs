//! The office's view (dispatchers, supervisors): every work order, which photo slots are filled
//! and when, the report, and the ZIP of the photos named by the company rule. The office works
//! online, so these screens read the server directly and say so when it cannot be reached.

use fieldbook_model::{WorkOrder, WorkOrderDetail};
use leptos::prelude::*;

use crate::components::back::BackHome;

use crate::router::Route;
use uuid::Uuid;

use crate::api::{self, ApiFail};
use crate::components::virtual_list::{VirtualList, loaded_items};
use crate::i18n::{self, Lang, Msg, tr, use_lang};
use crate::pages::work_orders::status_class;
use crate::time;

fn fail_text(fail: &ApiFail, lang: Lang) -> &'static str {
    match fail {
        ApiFail::Unauthorized => Msg::SignInAgain.text(lang),
        _ => Msg::OfficeOffline.text(lang),
    }
}

#[component]
pub fn OfficeList() -> impl IntoView {
    let lang = use_lang();
    let orders = LocalResource::new(api::office_orders);
    // The failure, if the last load failed; the list stays mounted across refreshes.
    let failed = Memo::new(move |_| orders.with(|o| o.as_ref().map(|r| r.as_ref().err().cloned())));
    let list = loaded_items(orders);
    view! {
        <section class="list-page">
            <div class="list-head">
                <h1>{tr(Msg::AllWorkOrders)}</h1>
                <button class="secondary" on:click=move |_| orders.refetch()>{tr(Msg::Refresh)}</button>
            </div>
            {move || match failed.get() {
                None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Some(Some(e)) => view! { <p class="banner offline">{fail_text(&e, lang.get())}</p> }.into_any(),
                Some(None) => view! {
                    <VirtualList
                        items=list.into()
                        key=|o: &WorkOrder| o.id
                        row=|o| view! { <OfficeCard order=o/> }
                        class="cards virtual"
                        testid="office-list"
                    />
                }.into_any(),
            }}
        </section>
    }
}

fn filled(order: &WorkOrder) -> (usize, usize) {
    let required: Vec<_> = order.slots.iter().filter(|s| s.required).collect();
    let done = required
        .iter()
        .filter(|s| order.photos.iter().any(|p| p.slot == s.key && p.uploaded))
        .count();
    (done, required.len())
}

#[component]
fn OfficeCard(order: WorkOrder) -> impl IntoView {
    let lang = use_lang();
    let status = order.status;
    let service = order.service_type;
    let (done, required) = filled(&order);
    let submitted = order.report.submitted_at.is_some();
    view! {
        <li>
            <a class="card order-card" href=Route::Office(order.id).href() data-testid="office-card" data-ticket=order.ticket.clone()>
                <div class="row between">
                    <span class="ticket">{order.ticket.clone()}</span>
                    <span class="chips">
                        {order.machine_down.then(|| view! { <span class="badge down">{tr(Msg::MachineDown)}</span> })}
                        <span class=status_class(status)>{move || i18n::status_node(status, lang.get())}</span>
                    </span>
                </div>
                <div class="customer">{order.customer.clone()}</div>
                <div class="machine">
                    <span class="model">{order.equipment_model.clone()}</span>
                    <span class="serial">{order.serial.clone()}</span>
                    <span>{order.assignee_label().to_string()}</span>
                </div>
                <div class="row between foot">
                    <span class="service">{move || i18n::service_type(service, lang.get())}</span>
                    <span class=if done == required { "badge ok" } else { "badge missing" }>
                        {tr(Msg::Photos)}" "{done}"/"{required}
                    </span>
                </div>
                {submitted.then(|| view! { <div class="deadline met">{tr(Msg::ReportSubmitted)}</div> })}
            </a>
        </li>
    }
}

#[component]
pub fn OfficeOrderPage(id: Uuid) -> impl IntoView {
    let lang = use_lang();
    let id = move || Some(id);
    let detail = LocalResource::new(move || {
        let id = id();
        async move {
            match id {
                Some(id) => api::office_order(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    view! {
        <section class="detail-page">
            <BackHome/>
            {move || match detail.get() {
                None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="banner offline">{fail_text(&e, lang.get())}</p> }.into_any(),
                Some(Ok(None)) => view! { <p class="empty muted">{tr(Msg::NotFound)}</p> }.into_any(),
                Some(Ok(Some(d))) => view! { <OfficeOrder detail=d/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn OfficeOrder(detail: WorkOrderDetail) -> impl IntoView {
    let lang = use_lang();
    let order = detail.work_order;
    let held = detail.held.unwrap_or_default().len();
    let zip = format!("/api/work-orders/{}/photos.zip", order.id);
    let slots = order
        .slots
        .iter()
        .map(|slot| {
            let photos: Vec<_> = order.photos.iter().filter(|p| p.slot == slot.key).cloned().collect();
            let label = (slot.label_zh.clone(), slot.label_en.clone());
            let required = slot.required;
            let state = if photos.iter().any(|p| p.uploaded) {
                "slot done"
            } else if required {
                "slot missing"
            } else {
                "slot optional"
            };
            view! {
                <li class=state data-slot=slot.key.clone()>
                    <div class="slot-head">
                        <span class="slot-label">{move || if lang.get() == Lang::Zh { label.0.clone() } else { label.1.clone() }}</span>
                        <span class="slot-state">
                            {if photos.is_empty() { if required { tr(Msg::PhotoMissing)() } else { tr(Msg::PhotoOptional)() } } else { tr(Msg::PhotoTaken)() }}
                        </span>
                    </div>
                    <div class="thumbs">
                        {photos.into_iter().map(|p| view! {
                            <figure class="thumb">
                                {p.uploaded.then(|| view! { <img src=format!("/api/photos/{}", p.id) alt=p.name.clone() loading="lazy"/> })}
                                <figcaption>
                                    <span class="photo-name" data-testid="photo-name">{p.name.clone()}</span>
                                    <span class="muted">{tr(Msg::TakenAt)}" "{p.taken_at.map(time::short).unwrap_or_default()}</span>
                                    <span class=if p.uploaded { "photo-state sent" } else { "photo-state waiting" }>
                                        {if p.uploaded { tr(Msg::PhotoSent)() } else { tr(Msg::PhotoWaiting)() }}
                                        " "{p.uploaded_at.map(time::short).unwrap_or_default()}
                                    </span>
                                </figcaption>
                            </figure>
                        }).collect_view()}
                    </div>
                </li>
            }
        })
        .collect_view();
    let report = order.report.clone();
    view! {
        <div class="detail">
            <div class="card">
                <div class="row between">
                    <h1 class="ticket" data-testid="ticket">{order.ticket.clone()}</h1>
                    <a class="primary zip-link" href=zip download data-testid="zip">{tr(Msg::DownloadZip)}</a>
                </div>
                <div class="customer">{order.customer.clone()}</div>
                <div class="muted">{order.site.clone()}" · "{order.equipment_model.clone()}" "{order.serial.clone()}" · "{format!("{} h", order.engine_hours)}</div>
                <p>{tr(Msg::Status)}": "<strong>{move || i18n::status_node(order.status, lang.get())}</strong>" · "{order.assignee_label().to_string()}</p>
                {(held > 0).then(|| view! { <p class="banner attention">{tr(Msg::HeldWork)}": "{held}</p> })}
            </div>
            <div class="card">
                <h2>{tr(Msg::ServiceReport)}</h2>
                <p><strong>{tr(Msg::FaultCause)}": "</strong>{report.fault_cause.clone()}</p>
                <p><strong>{tr(Msg::WorkDone)}": "</strong>{report.work_done.clone()}</p>
                <ul>{report.parts.iter().map(|p| view! {
                    <li>{format!("{} {} ×{}", p.part_no, p.name, p.qty)}{p.return_tag.clone().map(|t| format!(" · {t}"))}</li>
                }).collect_view()}</ul>
                <p>
                    {report.signature.as_ref().map(|s| format!("✓ {} {}", s.signer, time::short(s.at)))}
                    {report.waiver.as_ref().map(|w| format!("✓ {} · {}", w.by, w.reason))}
                </p>
                {report.submitted_at.map(|at| view! { <p class="submitted">{tr(Msg::ReportSubmitted)}" "{time::full(at)}</p> })}
            </div>
            <div class="card" data-testid="office-photos">
                <h2>{tr(Msg::Photos)}</h2>
                <ul class="slots">{slots}</ul>
            </div>
        </div>
    }
}
