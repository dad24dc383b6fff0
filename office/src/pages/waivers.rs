//! 免签 (issue 16): the engineers' requests to do without the customer's signature, answered by
//! the station head (their station's orders) or a manager, on a phone or at a desk. The waiting
//! ones are listed above the orders' table with their count (the live store: what a phone asks
//! shows within a poll), each answered on its order's page in one tap (a refusal with its
//! reason, which the engineer reads; `order.rs`'s `WaiverCard`).

use fieldbook::i18n::Lang;
use fieldbook_model::{Role, Waiver};
use leptos::prelude::*;
use uuid::Uuid;

use crate::china;
use crate::i18n::{Msg, tr};
use crate::live::use_live;
use crate::router::Route;

/// The station head and the manager answer waiver requests; the others read them.
pub fn answers_waivers() -> bool {
    matches!(
        crate::pages::claims::my_role(),
        Some(Role::ServiceSupervisor | Role::Manager)
    )
}

/// The request and its answer in words: "免签 · 等待主管批准 · reason", "免签 · 已批准 · 周站长 ·
/// 12-07 14:05 · reason", "免签 · 被拒绝：why · 周站长 · reason".
pub fn waiver_line(w: &Waiver, lang: Lang) -> String {
    let state = match &w.decision {
        None => Msg::WaiverPending.text(lang).to_string(),
        Some(d) if d.approved => format!(
            "{} · {} · {}",
            Msg::WaiverApproved.text(lang),
            d.by.label(),
            china::short(d.at)
        ),
        Some(d) => format!(
            "{}：{} · {}",
            Msg::WaiverRefused.text(lang),
            d.reason,
            d.by.label()
        ),
    };
    format!("{} · {state} · {}", Msg::Waived.text(lang), w.reason)
}

/// The requests waiting for the reader's answer, with their count, each a link to its order's
/// page where it is answered; nothing when none waits.
#[component]
pub fn WaitingWaivers() -> impl IntoView {
    let live = use_live();
    // What the rows show: no memo, as nothing typed lives in them.
    let waiting = move || {
        live.orders.with(|l| {
            l.iter()
                .flatten()
                .filter(|o| o.waiver_waiting())
                .map(|o| {
                    let reason = o.report.waiver.as_ref().map(|w| w.reason.as_str());
                    let line = format!(
                        "{} · {} · {}",
                        o.ticket,
                        o.assignee_label(),
                        reason.unwrap_or_default()
                    );
                    (o.id, line)
                })
                .collect::<Vec<(Uuid, String)>>()
        })
    };
    move || {
        let rows = waiting();
        (!rows.is_empty()).then(|| view! {
            <div class="card waivers" data-testid="waivers">
                <h2>{tr(Msg::WaiversWaiting)}" "<span class="badge missing" data-testid="waivers-count">{rows.len()}</span></h2>
                {rows.into_iter().map(|(id, line)| view! {
                    <p><a href=Route::WorkOrder(id).href() data-testid="waiver-row">{line}</a></p>
                }).collect_view()}
            </div>
        })
    }
}
