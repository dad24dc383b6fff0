//! One work order as the office sees it: which photo slots are filled and when, every photo's
//! name by the company rule, the report, work held after a reassignment, and the ZIP of the
//! photos. Read from the server (the office works online); it says so when it cannot be reached.

use fieldbook::i18n::{self as labels, Lang, use_lang};
use fieldbook::time;
use fieldbook_model::WorkOrderDetail;
use leptos::prelude::*;
use uuid::Uuid;

use crate::api;
use crate::i18n::{Msg, tr};
use crate::router::Route;
use crate::session::{fail_text, use_session};

#[component]
pub fn WorkOrderPage(id: Uuid) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let detail = LocalResource::new(move || api::work_order(id));
    Effect::new(move |_| {
        if detail.with(|d| matches!(d, Some(Err(fieldbook::api::ApiFail::Unauthorized)))) {
            session.expire();
        }
    });
    view! {
        <section class="detail-page">
            <a class="back" href=Route::WorkOrders.href()>"‹ "{tr(Msg::Back)}</a>
            {move || match detail.get() {
                None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Some(Err(fieldbook::api::ApiFail::Server(404, _))) => view! { <p class="empty muted">{tr(Msg::NotFound)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
                Some(Ok(d)) => view! { <WorkOrderView detail=d/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn WorkOrderView(detail: WorkOrderDetail) -> impl IntoView {
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
                <p>{tr(Msg::Status)}": "<strong>{move || labels::status_node(order.status, lang.get())}</strong>" · "{order.assignee_label().to_string()}</p>
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
