//! The engineer's list of assigned work orders, read from the device.

use fieldbook_model::{Deadline, StatusNode, WorkOrder};
use leptos::prelude::*;
use uuid::Uuid;

use crate::router::Route;

use crate::components::rejected::RejectedCard;
use crate::components::virtual_list::VirtualList;
use crate::db::EntryState;
use crate::failure::Failure;
use crate::hooks::{use_read, use_read_list};
use crate::i18n::{self, Lang, Msg, tr, use_lang};
use crate::sync::use_sync;
use crate::time::{self, use_now};

#[component]
pub fn WorkOrderList() -> impl IntoView {
    let sync = use_sync();
    let session = crate::session::use_session();
    let orders = use_read_list(
        move || {
            sync.changed.work_orders.track();
            session.0.track();
        },
        move |db| {
            let user = session
                .0
                .with_untracked(|p| p.as_ref().map(|p| p.username.clone()));
            async move {
                // A shared device may keep another person's orders (and unsent work) for them.
                let mut list = db.work_orders().await?;
                list.retain(|o| Some(&o.assignee) == user.as_ref());
                Ok(list)
            }
        },
    );
    // Refused work on orders no longer on this device (reassigned): still shown, never lost.
    let orphans = use_read(
        move || {
            sync.changed.outbox.track();
            sync.changed.work_orders.track();
        },
        |db| async move {
            let entries = db.outbox().await?;
            if !entries.iter().any(|e| e.state == EntryState::Rejected) {
                return Ok(Vec::new());
            }
            let ids = db.work_order_ids().await?;
            Ok(entries
                .into_iter()
                .filter(|e| e.state == EntryState::Rejected)
                .filter(|e| e.op.work_order_id().is_some_and(|id| !ids.contains(&id)))
                .collect::<Vec<_>>())
        },
    );
    let shown = Memo::new(move |_| {
        orders.state.with(|o| match o {
            None => Shown::Loading,
            Some(Err(e)) => Shown::Failed(e.clone()),
            Some(Ok(0)) => Shown::Empty,
            Some(Ok(_)) => Shown::List,
        })
    });
    let list = orders.items;
    let lang = use_lang();
    let now = use_now();
    let freshness = move || match sync.last_synced.get() {
        Some(at) => format!("{} {}", Msg::LastSynced.text(lang.get()), time::short(at)),
        None => Msg::NeverSynced.text(lang.get()).to_string(),
    };

    view! {
        <section class="list-page">
            <div class="list-head">
                <h1>{tr(Msg::MyWorkOrders)}</h1>
                <span class="muted small" data-testid="freshness">{freshness}</span>
            </div>
            {move || orphans.get().and_then(Result::ok).filter(|o| !o.is_empty()).map(|list| view! {
                <RejectedCard entries=list testid="orphans"/>
            })}
            <Show when=move || sync.reachable.get() == Some(false)>
                <p class="banner offline" data-testid="offline-banner">{tr(Msg::Offline)}</p>
            </Show>
            {move || match shown.get() {
                Shown::Loading => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Shown::Failed(e) => view! { <p class="banner attention" role="alert" data-testid="read-failed">{move || e.text(lang.get())}</p> }.into_any(),
                Shown::Empty => view! { <p class="empty muted">{tr(Msg::NoWorkOrders)}</p> }.into_any(),
                // Mounted once: a sync that changes the orders keeps the list and its place.
                Shown::List => view! {
                    <VirtualList
                        items=list.into()
                        key=card_key
                        row=move |wo| view! { <WorkOrderCard order=wo now=now/> }
                        class="cards virtual"
                        testid="work-order-list"
                    />
                }.into_any(),
            }}
        </section>
    }
}

/// What the list page shows: a change of orders within `List` keeps the list mounted.
#[derive(Clone, PartialEq)]
enum Shown {
    Loading,
    Failed(Failure),
    Empty,
    List,
}

/// "剩余 5 小时 20 分" or overdue, for the 36-hour response target.
pub fn response_text(
    order: &WorkOrder,
    now: chrono::DateTime<chrono::Utc>,
    lang: Lang,
) -> (String, &'static str) {
    match order.response(now) {
        Deadline::Open { left, .. } => {
            let class = if left.num_hours() < 6 {
                "deadline soon"
            } else {
                "deadline"
            };
            (i18n::duration_left(left.num_minutes(), lang), class)
        }
        Deadline::Overdue { by, .. } => (
            i18n::duration_left(-by.num_minutes(), lang),
            "deadline overdue",
        ),
        Deadline::Met { at, .. } => (format!("✓ {}", time::short(at)), "deadline met"),
        // On site, but after the 36 hours: it stays marked late.
        Deadline::MetLate { at, .. } => (
            format!("{} {}", Msg::ArrivedLate.text(lang), time::short(at)),
            "deadline overdue",
        ),
    }
}

pub fn status_class(node: StatusNode) -> &'static str {
    match node {
        StatusNode::Dispatched => "status dispatched",
        StatusNode::Departed | StatusNode::Arrived => "status active",
        StatusNode::RepairedLeft | StatusNode::ResolvedByPhone => "status done",
    }
}

/// A card's key: its order's id, changed whenever what the card shows can have changed, by the
/// server (its `seq`, which every change there moves: a closure, a send-back, a new plan) or on
/// this phone since (status nodes, photos, the report's submission), so the keyed list redraws it.
/// Keyed by the id alone, an order closed at the desk kept showing "已派工" until a reload.
///
/// The version is spread over the high 64 bits (times an odd constant: one version, one value)
/// before it is XORed in, so ids that differ only in their low bits (the demo's are `…0001`,
/// `…0002`) never meet another order's key. Still a `Uuid`: a key of another type costs the field
/// wasm a second keyed list.
fn card_key(wo: &WorkOrder) -> Uuid {
    const SPREAD: u64 = 0x9E37_79B9_7F4A_7C15;
    let version = (wo.seq as u64)
        ^ (wo.history.len() as u64) << 40
        ^ (wo.photos.len() as u64) << 50
        ^ u64::from(wo.report.submitted_at.is_some()) << 63;
    Uuid::from_u128(wo.id.as_u128() ^ u128::from(version.wrapping_mul(SPREAD)) << 64)
}

#[component]
fn WorkOrderCard(
    order: WorkOrder,
    now: ReadSignal<chrono::DateTime<chrono::Utc>>,
) -> impl IntoView {
    let lang = use_lang();
    let href = Route::WorkOrder(order.id).href();
    let machine_down = order.machine_down;
    let claim = order.claim_expected;
    let status = order.status;
    let service = order.service_type;
    let planned = time::short(order.planned_at);
    let closed = order.is_closed();
    let sent_back = order.open_send_back().is_some();
    let response = {
        let order = order.clone();
        move || response_text(&order, now.get(), lang.get())
    };
    let response_class = {
        let response = response.clone();
        move || response().1
    };
    view! {
        <li>
            <a class="card order-card" href=href data-testid="work-order-card" data-ticket=order.ticket.clone()>
                <div class="row between">
                    <span class="ticket">{order.ticket.clone()}</span>
                    <span class="chips">
                        {machine_down.then(|| view! { <span class="badge down">{tr(Msg::MachineDown)}</span> })}
                        {claim.then(|| view! { <span class="badge claim" data-testid="claim-chip">{tr(Msg::ClaimChip)}</span> })}
                        // Closed by the office: that says more than the last status node.
                        <span class=if closed { "badge closed" } else { status_class(status) } data-testid=closed.then_some("closed")>
                            {move || if closed { Msg::OrderClosed.text(lang.get()) } else { i18n::status_node(status, lang.get()) }}
                        </span>
                    </span>
                </div>
                {sent_back.then(|| view! { <div class="sent-back-line" data-testid="sent-back">{tr(Msg::OfficeSentBack)}</div> })}
                <div class="customer">{order.customer.clone()}</div>
                <div class="muted">{order.site.clone()}</div>
                <div class="machine">
                    <span class="model">{order.equipment_model.clone()}</span>
                    <span class="serial">{order.serial.clone()}</span>
                    <span class="hours">{format!("{} h", order.engine_hours)}</span>
                </div>
                <div class="row between foot">
                    <span class="service">{move || i18n::service_type(service, lang.get())}</span>
                    <span class="muted small">{tr(Msg::Planned)}" "{planned}</span>
                </div>
                <div class=response_class data-testid="response">
                    <span class="small">{tr(Msg::ResponseTarget)}</span>" "
                    <strong>{move || response().0}</strong>
                </div>
            </a>
        </li>
    }
}
