//! The desk's navigation: one entry per screen, down the left side. The equipment register, the
//! photo rules and the imports add their entries to [`ENTRIES`] (and their routes to `router`).

use leptos::prelude::*;

use crate::i18n::{Msg, tr};
use crate::router::Route;

/// The desk's screens in the order of the bar, with what they are called.
pub const ENTRIES: &[(Route, Msg)] = &[
    (Route::WorkOrders, Msg::NavOrders),
    (Route::NewCall, Msg::NavCall),
    (Route::FollowUps, Msg::NavFollowUps),
];

#[component]
pub fn Nav(route: ReadSignal<Route>) -> impl IntoView {
    let here = move |r: Route| {
        move || {
            let now = route.get();
            // An order's page belongs to the orders.
            (now == r || (r == Route::WorkOrders && matches!(now, Route::WorkOrder(_))))
                .then_some("page")
        }
    };
    view! {
        <nav class="desk-nav" aria-label=tr(Msg::DeskNav)>
            <ul>
                {ENTRIES.iter().map(|&(r, msg)| view! {
                    <li><a href=r.href() aria-current=here(r) data-testid="nav">{tr(msg)}</a></li>
                }).collect_view()}
            </ul>
        </nav>
    }
}
