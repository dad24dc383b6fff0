//! The status nodes: a stepper with their times, and the button for the next one.

use fieldbook_model::work_order::UNDO_OFFERED_SECS;
use fieldbook_model::{OpKind, StatusNode};
use leptos::prelude::*;
use uuid::Uuid;

use super::Loaded;
use crate::components::feedback::Feedback;
use crate::components::rejected::RejectedCard;
use crate::db::EntryState;
use crate::hooks::UseOutboxReturn;
use crate::i18n::{self, Msg, tr, use_lang};
use crate::session::use_session;
use crate::time;

/// The path of nodes an order at `status` is on, for the stepper.
fn path_of(status: StatusNode) -> Vec<StatusNode> {
    if status == StatusNode::ResolvedByPhone {
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
pub fn StatusCard(loaded: RwSignal<Option<Loaded>>, outbox: UseOutboxReturn) -> impl IntoView {
    let lang = use_lang();
    // 出发 asks for the expected arrival and the companions before it is recorded.
    let departing = RwSignal::new(false);
    // A tap by mistake is taken back for a few seconds after it (出发 too); then the offer goes.
    let session = use_session();
    let expired = RwSignal::new(0u32);
    let undo_node = Memo::new(move |_| {
        expired.track();
        let me = session.0.with(|p| p.as_ref().map(|p| p.username.clone()))?;
        loaded.with(|l| l.as_ref()?.order.undo_offered(&me, time::now()))
    });
    Effect::new(move |_| {
        if undo_node.get().is_some() {
            set_timeout(
                move || expired.update(|n| *n += 1),
                std::time::Duration::from_secs(UNDO_OFFERED_SECS as u64),
            );
        }
    });
    let undo = move |_| {
        let (Some(node), Some(id)) = (
            undo_node.get_untracked(),
            loaded.with_untracked(|l| l.as_ref().map(|l| l.order.id)),
        ) else {
            return;
        };
        outbox.record(
            vec![OpKind::UndoStatus {
                work_order_id: id,
                node,
            }],
            Vec::new(),
        );
    };
    // The node a tap is saving, shown at the next paint: the write and the read of the order
    // after it are IndexedDB round trips (~200 ms on a slowed phone; issue 20). It is drawn as
    // "saving" (`.step.saving`), never as reached: reached means stored on this phone, and the
    // rest of the page (the report's fields) follows the stored order. Until the stored order has
    // the node; a write that fails clears it.
    let tapped = RwSignal::new(None::<StatusNode>);
    Effect::new(move |_| {
        let Some(node) = tapped.get() else { return };
        let stored = loaded.with(|l| {
            l.as_ref()
                .is_some_and(|l| l.order.history.iter().any(|h| h.node == node))
        });
        let failed = outbox
            .feedback
            .with(|f| matches!(f, Some(Feedback::Failed(_))));
        if stored || failed {
            tapped.set(None);
        }
    });
    let steps = move || {
        let Some(l) = loaded.get() else {
            return Vec::new();
        };
        let tapped = tapped.get();
        let queued: Vec<Uuid> = l.queued().map(|e| e.op.id).collect();
        let order = l.order;
        path_of(tapped.unwrap_or(order.status))
            .into_iter()
            .map(|node| {
                let event = order.history.iter().find(|h| h.node == node).cloned();
                let reached = node == StatusNode::Dispatched || event.is_some();
                let saving = !reached && tapped == Some(node);
                let pending = event.as_ref().is_some_and(|e| queued.contains(&e.op_id));
                // Dispatch has no tap of its own: show the planned time, marked as such.
                let planned = (node == StatusNode::Dispatched).then(|| time::short(order.planned_at));
                let at = event.as_ref().map(|e| time::short(e.at));
                view! {
                    <li class="step" class:reached=reached class:saving=saving class:pending=pending data-node=node.as_str()>
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
            .collect_view()
    };
    let actions = move || {
        let Some(l) = loaded.get() else {
            return Vec::new();
        };
        let id = l.order.id;
        if l.order.report.submitted_at.is_some() || l.order.is_closed() {
            return Vec::new();
        }
        tapped
            .get()
            .unwrap_or(l.order.status)
            .next()
            .iter()
            .map(|&node| {
                let class = if node == StatusNode::ResolvedByPhone { "secondary big" } else { "primary big" };
                let tap = move |_| {
                    if node == StatusNode::Departed {
                        departing.set(true);
                    } else {
                        if !outbox.pending.get_untracked() {
                            tapped.set(Some(node));
                        }
                        outbox.record(vec![OpKind::SetStatus { work_order_id: id, node }], Vec::new());
                    }
                };
                view! {
                    <button class=class data-testid="next-node" data-node=node.as_str() disabled=move || outbox.pending.get() on:click=tap>
                        {move || i18n::status_node(node, lang.get())}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <div class="card">
            <h2>{tr(Msg::Status)}</h2>
            <ol class="stepper" data-testid="stepper">{steps}</ol>
            {move || loaded.with(|l| l.as_ref().and_then(|l| super::depart::departure_line(&l.order))).map(|(arrival, companions)| view! {
                <dl class="facts departure" data-testid="departure">
                    <dt>{tr(Msg::ExpectedArrival)}</dt><dd data-testid="expected-arrival">{arrival}</dd>
                    <dt>{tr(Msg::DepartCompanions)}</dt>
                    <dd data-testid="departure-companions">
                        {if companions.is_empty() { Msg::NoCompanions.text(lang.get()).to_string() } else { companions }}
                    </dd>
                </dl>
            })}
            <div class="actions" hidden=move || departing.get()>{actions}</div>
            {move || undo_node.get().map(|node| view! {
                <div class="undo" data-testid="undo">
                    <span>{move || i18n::status_node(node, lang.get())}" · "{tr(Msg::Recorded)}</span>
                    <button type="button" class="secondary" data-testid="undo-status" data-node=node.as_str()
                        disabled=move || outbox.pending.get() on:click=undo>{tr(Msg::Undo)}</button>
                </div>
            })}
            {move || departing.get().then(|| super::depart::depart_form(loaded, outbox, departing))}
        </div>
    }
}

/// What the server refused for this order, with its reason in the person's language.
#[component]
pub fn RefusedForOrder(loaded: RwSignal<Option<Loaded>>) -> impl IntoView {
    let rejected = move || {
        loaded.with(|l| {
            l.as_ref()
                .map(|l| {
                    l.entries
                        .iter()
                        .filter(|e| e.state == EntryState::Rejected)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    move || {
        let list = rejected();
        (!list.is_empty()).then(|| view! { <RejectedCard entries=list testid="rejected"/> })
    }
}
