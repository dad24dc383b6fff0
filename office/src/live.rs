//! The desk's orders, kept current: loaded once, then `GET /api/work-orders?since=N` every 3 s
//! while the tab is visible, changed orders merged in. The list, the follow-up lists and the open
//! order's page all read this one store, so what another desk or a phone changes shows up on
//! every screen within a few seconds without a reload.
//!
//! Polling rather than server-sent events, on purpose: a plain short GET passes every proxy and
//! corporate gateway unchanged (a held-open event stream is what they buffer or cut); it asks with
//! the same sequence cursor as the phones' sync, so the server needs no second change feed; and
//! an office has a handful of desks, so a request each every 3 s is nothing for the server. A
//! hidden tab does not ask at all, and catches up from its cursor when shown again.

use fieldbook::api::ApiFail;
use fieldbook_model::WorkOrder;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::api;
use crate::session::use_session;

/// How often a visible desk asks for changes.
pub const POLL_MS: u32 = 3_000;

/// Call `poll` every [`POLL_MS`] while the tab is visible. The timer is dropped, and so stopped,
/// with the reactive owner that called this (the page, or the session on signing out).
pub fn poll_while_visible(poll: impl Fn() + 'static) {
    let tick = gloo::timers::callback::Interval::new(POLL_MS, move || {
        if !gloo::utils::document().hidden() {
            poll();
        }
    });
    StoredValue::new_local(tick);
}

#[derive(Clone, Copy)]
pub struct Live {
    /// Every order the desk can see, newest call first; `None` until the first load.
    pub orders: RwSignal<Option<Vec<WorkOrder>>>,
    /// The last load or poll failed this way (cleared by the next good one).
    pub failed: RwSignal<Option<ApiFail>>,
    /// The highest sequence value seen: the next poll asks for what changed after it.
    seq: StoredValue<i64>,
    busy: StoredValue<bool>,
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}

impl Live {
    /// The store in context, loaded now and polled while the owner lives.
    pub fn provide() -> Live {
        let live = Live {
            orders: RwSignal::new(None),
            failed: RwSignal::new(None),
            seq: StoredValue::new(0),
            busy: StoredValue::new(false),
        };
        provide_context(live);
        // A 401 on a load or a poll: the session ended (signed out elsewhere, disabled, expired).
        let session = use_session();
        Effect::new(move |_| {
            if live
                .failed
                .with(|f| matches!(f, Some(ApiFail::Unauthorized)))
            {
                session.expire();
            }
        });
        live.reload();
        poll_while_visible(move || live.poll());
        live
    }

    /// Load the whole list again.
    pub fn reload(self) {
        spawn_local(async move {
            match api::work_orders().await {
                Ok(list) => {
                    let seq = list.iter().map(|o| o.seq).max().unwrap_or(0);
                    self.seq.set_value(seq);
                    self.orders.set(Some(sorted(list)));
                    self.failed.set(None);
                }
                Err(e) => self.failed.set(Some(e)),
            }
        });
    }

    /// Ask for what changed since the last answer, and merge it.
    pub fn poll(self) {
        if self.busy.get_value() || self.orders.with_untracked(Option::is_none) {
            return;
        }
        self.busy.set_value(true);
        spawn_local(async move {
            match api::changes(self.seq.get_value()).await {
                Ok(changes) => {
                    if !changes.orders.is_empty() {
                        self.merge(changes.orders);
                    }
                    self.seq.set_value(self.seq.get_value().max(changes.seq));
                    if self.failed.with_untracked(Option::is_some) {
                        self.failed.set(None);
                    }
                }
                Err(e) => self.failed.set(Some(e)),
            }
            self.busy.set_value(false);
        });
    }

    /// Changed orders in place of the ones held (or added), keeping the newer by sequence.
    pub fn merge(self, changed: Vec<WorkOrder>) {
        self.orders.update(|list| {
            let list = list.get_or_insert_with(Vec::new);
            for order in changed {
                match list.iter_mut().find(|o| o.id == order.id) {
                    Some(held) if held.seq <= order.seq => *held = order,
                    Some(_) => {}
                    None => list.push(order),
                }
            }
            list.sort_by_key(|o| std::cmp::Reverse(o.called_at));
        });
    }

    /// One order, tracked.
    pub fn order(self, id: Uuid) -> Option<WorkOrder> {
        self.orders.with(|l| {
            l.as_ref()
                .and_then(|l| l.iter().find(|o| o.id == id).cloned())
        })
    }
}

fn sorted(mut list: Vec<WorkOrder>) -> Vec<WorkOrder> {
    list.sort_by_key(|o| std::cmp::Reverse(o.called_at));
    list
}
