//! One work order: its facts and deadlines, the status nodes, the required photos, the service
//! report with parts and signature, and submitting it. Everything works with no signal.
//!
//! The page reads the order from IndexedDB whenever stored data changes; the sections below read
//! it through signals, so a background sync refreshes what they show without wiping what a person
//! is typing or drawing.

mod depart;
mod photos;
mod report;
mod review;
mod status;

pub use depart::{default_arrival, input_value, parse_input};

use std::collections::HashMap;

use fieldbook_model::WorkOrder;
use leptos::prelude::*;

use crate::components::back::BackHome;
use uuid::Uuid;

use crate::components::feedback::FeedbackToast;
use crate::db::{Db, DbError, EntryState, OutboxEntry, PhotoRecord};
use crate::failure::Failure;
use crate::hooks::{UseOutboxReturn, use_outbox, use_read};
use crate::i18n::{self, Msg, tr, use_lang};
use crate::pages::work_orders::{response_text, status_class};
use crate::sync::use_sync;
use crate::time::{self, use_now};

/// A photo's bytes on this device, as a URL the page can show.
#[derive(Debug, Clone, PartialEq)]
pub struct DevicePhoto {
    pub record: PhotoRecord,
    pub url: String,
}

/// What the page read from the device.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub order: WorkOrder,
    pub entries: Vec<OutboxEntry>,
    pub photos: Vec<DevicePhoto>,
}

impl Loaded {
    /// Operations of this order still waiting on the device.
    pub fn queued(&self) -> impl Iterator<Item = &OutboxEntry> {
        self.entries
            .iter()
            .filter(|e| e.state == EntryState::Queued)
    }
}

/// Object URLs of the order's photos, one per photo, made when a read first meets it and revoked
/// when the person leaves the order: a photo's bytes never change, and a read that is dropped or
/// finds nothing new leaves no URL behind (nor a re-render: the URLs it returns are the same).
type Urls = StoredValue<HashMap<Uuid, String>, LocalStorage>;

async fn load(
    db: Db,
    id: Uuid,
    user: Option<String>,
    urls: Urls,
) -> Result<Option<Loaded>, DbError> {
    // Another person's order kept on a shared device is not shown to whoever is signed in.
    let Some(order) = db
        .work_order(id)
        .await?
        .filter(|o| Some(&o.assignee) == user.as_ref())
    else {
        return Ok(None);
    };
    let mut entries = db.outbox().await?;
    entries.retain(|e| e.op.work_order_id() == Some(id));
    let photos = db
        .photos(Some(id))
        .await?
        .into_iter()
        .map(|p| DevicePhoto {
            url: urls
                .try_update_value(|u| {
                    u.entry(p.record.id)
                        .or_insert_with(|| {
                            web_sys::Url::create_object_url_with_blob(&p.blob).unwrap_or_default()
                        })
                        .clone()
                })
                .unwrap_or_default(),
            record: p.record,
        })
        .collect();
    Ok(Some(Loaded {
        order,
        entries,
        photos,
    }))
}

#[component]
pub fn WorkOrderPage(id: Uuid) -> impl IntoView {
    let sync = use_sync();
    let session = crate::session::use_session();
    let urls: Urls = StoredValue::new_local(HashMap::new());
    on_cleanup(move || {
        urls.try_with_value(|u| {
            for url in u.values() {
                let _ = web_sys::Url::revoke_object_url(url);
            }
        });
    });
    // The order, its queued steps (the stepper marks what is only on this phone) and its photos.
    let data = use_read(
        move || {
            sync.changed.work_orders.track();
            sync.changed.outbox.track();
            sync.changed.photos.track();
            session.0.track();
        },
        move |db| {
            let user = session
                .0
                .with_untracked(|p| p.as_ref().map(|p| p.username.clone()));
            load(db, id, user, urls)
        },
    );
    // The last good read, kept while the next one loads, so nothing flickers.
    let loaded = RwSignal::new(None::<Loaded>);
    let failed = RwSignal::new(None::<Failure>);
    let ready = RwSignal::new(false);
    Effect::new(move |_| {
        data.with(|d| match d {
            Some(Ok(next)) => {
                loaded.set(next.clone());
                failed.set(None);
                ready.set(true);
            }
            Some(Err(e)) => failed.set(Some(e.clone())),
            None => {}
        })
    });
    let outbox = use_outbox();
    let lang = use_lang();
    let has_order = move || loaded.with(Option::is_some);

    view! {
        <section class="detail-page">
            <BackHome/>
            {move || failed.get().map(|e| view! { <p class="banner attention" role="alert" data-testid="read-failed">{move || e.text(lang.get())}</p> })}
            <Show when=move || ready.get() fallback=|| view! { <p class="muted">{tr(Msg::Loading)}</p> }>
                <Show when=has_order fallback=|| view! { <p class="empty muted">{tr(Msg::NotFound)}</p> }>
                    <Detail loaded outbox/>
                </Show>
            </Show>
            <FeedbackToast feedback=outbox.feedback/>
        </section>
    }
}

#[component]
fn Detail(loaded: RwSignal<Option<Loaded>>, outbox: UseOutboxReturn) -> impl IntoView {
    let lang = use_lang();
    let now = use_now();
    // Shown only while an order is loaded (see the page), so these reads have a value.
    let order = Memo::new(move |_| loaded.with(|l| l.as_ref().map(|l| l.order.clone())));
    let order = Signal::derive(move || order.get().expect("an order is loaded"));
    let field = move |f: fn(&WorkOrder) -> String| move || order.with(f);
    let response = move || order.with(|o| response_text(o, now.get(), lang.get()));
    let report_due = move || {
        order.with(|o| {
            o.report_due().map(|due| {
                let late = o.report.submitted_at.is_none() && now.get() > due;
                (
                    time::full(due),
                    if late { "deadline overdue" } else { "deadline" },
                )
            })
        })
    };

    view! {
        <div class="detail">
            {review::closed_banner(loaded)}
            {review::send_back_card(loaded)}
            <div class="card">
                <div class="row between">
                    <h1 class="ticket" data-testid="ticket">{field(|o| o.ticket.clone())}</h1>
                    <span class="chips">
                        {move || order.with(|o| o.machine_down).then(|| view! { <span class="badge down">{tr(Msg::MachineDown)}</span> })}
                        {move || order.with(|o| o.claim_expected).then(|| view! { <span class="badge claim" data-testid="claim-chip">{tr(Msg::ClaimChip)}</span> })}
                        <span class=move || status_class(order.with(|o| o.status)) data-testid="status">
                            {move || i18n::status_node(order.with(|o| o.status), lang.get())}
                        </span>
                    </span>
                </div>
                <div class="customer">{field(|o| o.customer.clone())}</div>
                // The site opens in the phone's map app, to navigate there.
                <a class="site map" href=move || order.with(|o| map_href(&o.site)) data-testid="site-map">{field(|o| o.site.clone())}</a>
                {move || order.with(|o| (!o.contact_name.is_empty() || !o.contact_phone.is_empty())
                    .then(|| (o.contact_name.clone(), o.contact_phone.clone())))
                    .map(|(name, phone)| {
                        // Dialled as digits: spaces, brackets and dashes are for reading.
                        let tel = format!("tel:{}", phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>());
                        view! {
                            <p class="contact" data-testid="contact">
                                <span>{tr(Msg::Contact)}": "{name}</span>" "
                                {(!phone.is_empty()).then(|| view! { <a class="tel" href=tel data-testid="contact-phone">{phone}</a> })}
                            </p>
                        }
                    })}
                <dl class="facts">
                    <dt>{tr(Msg::ServiceTypeLabel)}</dt>
                    <dd>{move || i18n::service_type(order.with(|o| o.service_type), lang.get())}</dd>
                    <dt>{tr(Msg::Model)}</dt><dd>{field(|o| o.equipment_model.clone())}</dd>
                    <dt>{tr(Msg::Serial)}</dt><dd class="mono">{field(|o| o.serial.clone())}</dd>
                    <dt>{tr(Msg::Hours)}</dt><dd data-testid="hours">{field(|o| format!("{} h", o.engine_hours))}</dd>
                    <dt>{tr(Msg::Condition)}</dt><dd>{field(|o| o.working_condition.clone())}</dd>
                    <dt>{tr(Msg::Called)}</dt><dd>{field(|o| time::full(o.called_at))}</dd>
                    <dt>{tr(Msg::Planned)}</dt><dd>{field(|o| time::full(o.planned_at))}</dd>
                </dl>
                <p class="fault"><strong>{tr(Msg::Fault)}": "</strong>{field(|o| o.fault_description.clone())}</p>
            </div>
            <div class="card deadlines">
                <div class=move || response().1 data-testid="response">
                    <span>{tr(Msg::ResponseTarget)}</span>" "<strong>{move || response().0}</strong>
                </div>
                {move || report_due().map(|(due, class)| view! {
                    <div class=class data-testid="report-due"><span>{tr(Msg::ReportDue)}</span>" "<strong>{due}</strong></div>
                })}
            </div>
            <status::StatusCard loaded outbox/>
            <photos::PhotosCard loaded outbox/>
            {move || loaded.with(|l| l.as_ref().map(|l| l.order.report.clone()))
                .filter(|r| r.conflict.is_some())
                .map(|report| view! { <crate::pages::field::conflicts::ReportConflict report outbox/> })}
            <report::ReportCard loaded outbox/>
            <report::SignatureCard loaded outbox/>
            <report::SubmitCard loaded outbox/>
            {review::review_history(loaded)}
            <status::RefusedForOrder loaded/>
        </div>
    }
}

/// A link that opens the phone's map app at an address: Apple Maps on an iPhone or iPad, the
/// `geo:` intent elsewhere (Android offers the installed map apps: Amap, Baidu, Google…).
fn map_href(address: &str) -> String {
    let query = String::from(js_sys::encode_uri_component(address));
    let ua = gloo::utils::window()
        .navigator()
        .user_agent()
        .unwrap_or_default();
    if ua.contains("iPhone") || ua.contains("iPad") {
        format!("https://maps.apple.com/?q={query}")
    } else {
        format!("geo:0,0?q={query}")
    }
}
