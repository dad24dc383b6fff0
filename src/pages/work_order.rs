//! One work order: its facts, its deadlines, and the status nodes the engineer taps on site.

use fieldbook_model::{OpKind, StatusNode, WorkOrder};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::db::{EntryState, OutboxEntry};
use crate::i18n::{self, Msg, tr, use_lang};
use crate::pages::work_orders::{response_text, status_class};
use crate::session::use_session;
use crate::sync::{self, use_sync};
use crate::time::{self, use_now};

/// The path of nodes this order is on, for the stepper.
fn path_of(order: &WorkOrder) -> Vec<StatusNode> {
    if order.status == StatusNode::ResolvedByPhone {
        vec![StatusNode::Dispatched, StatusNode::ResolvedByPhone]
    } else {
        vec![
            StatusNode::Dispatched,
            StatusNode::Departed,
            StatusNode::Arrived,
            StatusNode::RepairedLeft,
        ]
    }
}

#[component]
pub fn WorkOrderPage() -> impl IntoView {
    let params = use_params_map();
    let sync = use_sync();
    let id = move || params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()));
    let data = LocalResource::new(move || {
        sync.data_version.track();
        let id = id();
        async move {
            let Some(id) = id else {
                return Ok((None, Vec::new()));
            };
            let db = sync::db();
            let order = db.work_order(id).await?;
            let mut entries = db.outbox().await?;
            entries.retain(|e| e.op.work_order_id() == id);
            Ok::<_, crate::db::DbError>((order, entries))
        }
    });

    // Outside the part that re-renders on every change, so a confirmation outlives the re-read.
    let feedback = RwSignal::new(None::<Feedback>);
    let lang = use_lang();

    view! {
        <section class="detail-page">
            <a class="back" href="/">"‹ "{tr(Msg::Back)}</a>
            {move || match data.get() {
                None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="banner attention">{e.to_string()}</p> }.into_any(),
                Some(Ok((None, _))) => view! { <p class="empty muted">{tr(Msg::NotFound)}</p> }.into_any(),
                Some(Ok((Some(order), entries))) => view! { <WorkOrderDetail order entries feedback/> }.into_any(),
            }}
            {move || feedback.get().map(|f| match f {
                Feedback::Saved => view! {
                    <p class="toast" role="status" data-testid="saved-toast">{move || Msg::NodeSaved.text(lang.get())}</p>
                }.into_any(),
                Feedback::Failed(e) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
            })}
        </section>
    }
}

/// What became of the last tap.
#[derive(Debug, Clone, PartialEq)]
enum Feedback {
    Saved,
    Failed(String),
}

#[component]
fn WorkOrderDetail(
    order: WorkOrder,
    entries: Vec<OutboxEntry>,
    feedback: RwSignal<Option<Feedback>>,
) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let now = use_now();
    let order_id = order.id;
    let service = order.service_type;
    let status = order.status;

    let tap = move |node: StatusNode| {
        let Some(profile) = session.0.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let kind = OpKind::SetStatus {
                work_order_id: order_id,
                node,
            };
            match sync::record(&profile, kind).await {
                Ok(_) => {
                    feedback.set(Some(Feedback::Saved));
                    // The badge keeps telling the truth after the confirmation fades.
                    set_timeout(
                        move || {
                            feedback.update(|f| {
                                if *f == Some(Feedback::Saved) {
                                    *f = None
                                }
                            })
                        },
                        std::time::Duration::from_secs(5),
                    );
                }
                Err(e) => feedback.set(Some(Feedback::Failed(e.to_string()))),
            }
        });
    };

    let queued: Vec<Uuid> = entries
        .iter()
        .filter(|e| e.state == EntryState::Queued)
        .map(|e| e.op.id)
        .collect();
    let rejected: Vec<OutboxEntry> = entries
        .into_iter()
        .filter(|e| e.state == EntryState::Rejected)
        .collect();
    let steps = path_of(&order)
        .into_iter()
        .map(|node| {
            let event = order.history.iter().find(|h| h.node == node).cloned();
            let reached = node == StatusNode::Dispatched || event.is_some();
            let pending = event.as_ref().is_some_and(|e| queued.contains(&e.op_id));
            // Dispatch has no tap of its own: show the planned time, marked as such.
            let planned = (node == StatusNode::Dispatched).then(|| time::short(order.planned_at));
            let at = event.as_ref().map(|e| time::short(e.at));
            view! {
                <li class="step" class:reached=reached class:pending=pending data-node=node.as_str()>
                    <span class="step-dot" aria-hidden="true"></span>
                    <span class="step-name">{move || i18n::status_node(node, lang.get())}</span>
                    <span class="step-time" data-testid="step-time">
                        {planned.map(|p| view! { <span class="muted small">{tr(Msg::Planned)}" "</span>{p} })}
                        {at}
                    </span>
                    {pending.then(|| view! { <span class="step-flag">{tr(Msg::BadgeSavedHere)}</span> })}
                </li>
            }
        })
        .collect_view();
    let next: Vec<StatusNode> = order.status.next().to_vec();
    let actions = next
        .into_iter()
        .map(|node| {
            let class = if node == StatusNode::ResolvedByPhone { "secondary big" } else { "primary big" };
            view! {
                <button class=class data-testid="next-node" data-node=node.as_str() on:click=move |_| tap(node)>
                    {move || i18n::status_node(node, lang.get())}
                </button>
            }
        })
        .collect_view();
    let report_due = order.report_due().map(time::full);
    let response = {
        let order = order.clone();
        move || response_text(&order, now.get(), lang.get())
    };
    let response_class = {
        let response = response.clone();
        move || response().1
    };

    view! {
        <div class="detail">
            <div class="card">
                <div class="row between">
                    <h1 class="ticket" data-testid="ticket">{order.ticket.clone()}</h1>
                    <span class="chips">
                        {order.machine_down.then(|| view! { <span class="badge down">{tr(Msg::MachineDown)}</span> })}
                        <span class=status_class(status) data-testid="status">{move || i18n::status_node(status, lang.get())}</span>
                    </span>
                </div>
                <div class="customer">{order.customer.clone()}</div>
                <div class="muted">{order.site.clone()}</div>
                <dl class="facts">
                    <dt>{tr(Msg::ServiceTypeLabel)}</dt><dd>{move || i18n::service_type(service, lang.get())}</dd>
                    <dt>{tr(Msg::Model)}</dt><dd>{order.equipment_model.clone()}</dd>
                    <dt>{tr(Msg::Serial)}</dt><dd class="mono">{order.serial.clone()}</dd>
                    <dt>{tr(Msg::Hours)}</dt><dd>{format!("{} h", order.engine_hours)}</dd>
                    <dt>{tr(Msg::Condition)}</dt><dd>{order.working_condition.clone()}</dd>
                    <dt>{tr(Msg::Called)}</dt><dd>{time::full(order.called_at)}</dd>
                    <dt>{tr(Msg::Planned)}</dt><dd>{time::full(order.planned_at)}</dd>
                </dl>
                <p class="fault"><strong>{tr(Msg::Fault)}": "</strong>{order.fault_description.clone()}</p>
            </div>
            <div class="card deadlines">
                <div class=move || response_class() data-testid="response">
                    <span>{tr(Msg::ResponseTarget)}</span>" "<strong>{move || response().0}</strong>
                </div>
                {report_due.map(|due| view! {
                    <div class="deadline"><span>{tr(Msg::ReportDue)}</span>" "<strong>{due}</strong></div>
                })}
            </div>
            <div class="card">
                <h2>{tr(Msg::Status)}</h2>
                <ol class="stepper" data-testid="stepper">{steps}</ol>
                <div class="actions">{actions}</div>
            </div>
            {(!rejected.is_empty()).then(|| view! {
                <div class="card attention-card" data-testid="rejected">
                    <h2>{tr(Msg::Rejected)}</h2>
                    <ul>
                        {rejected.into_iter().map(|e| {
                            let kind = e.op.kind.clone();
                            let code = e.code;
                            view! {
                                <li>
                                    <strong>{move || i18n::op_label(&kind, lang.get())}</strong>
                                    " · "{time::short(e.created_at)}" · "
                                    {move || code.map(|c| i18n::reject_code(c, lang.get())).unwrap_or_default()}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </div>
    }
}
