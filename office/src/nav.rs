//! The desk's navigation: one entry per screen, down the left side. The equipment register, the
//! photo rules and the imports add their entries to [`ENTRIES`] (and their routes to `router`).

use leptos::prelude::*;

use fieldbook_model::Role;

use crate::i18n::{Msg, tr};
use crate::router::Route;
use crate::session::{Desk, use_session};

/// The desk's screens in the order of the bar, with what they are called, whether only a
/// dispatcher (the 400 desk) has them (a station head takes no calls and changes no settings), and
/// the entry's test id. The manager's entries are [`MANAGER`].
pub const ENTRIES: &[(Route, Msg, bool, &str)] = &[
    (Route::WorkOrders, Msg::NavOrders, false, "nav-orders"),
    (
        Route::Scorecards,
        Msg::NavScorecards,
        false,
        "nav-scorecards",
    ),
    (Route::NewCall, Msg::NavCall, true, "nav-call"),
    (Route::FollowUps, Msg::NavFollowUps, false, "nav-follow-ups"),
    (
        Route::Complaints,
        Msg::NavComplaints,
        false,
        "nav-complaints",
    ),
    (Route::CallBacks, Msg::NavCallBacks, false, "nav-call-backs"),
    (Route::Ledger, Msg::NavLedger, false, "nav-ledger"),
    (Route::Machines, Msg::NavRegister, false, "nav-register"),
    (
        Route::PhotoRules,
        Msg::NavPhotoRules,
        true,
        "nav-photo-rules",
    ),
    (Route::Imports, Msg::NavImports, true, "nav-imports"),
    (Route::Calendar, Msg::NavCalendar, true, "nav-calendar"),
];

/// The manager (reads the reports, changes nothing): the reports and the orders.
const MANAGER: &[Route] = &[Route::Scorecards, Route::WorkOrders];

#[component]
pub fn Nav(route: ReadSignal<Route>) -> impl IntoView {
    let here = move |r: Route| {
        move || {
            let now = route.get();
            // An order's page belongs to the orders.
            (now == r
                || (r == Route::WorkOrders && matches!(now, Route::WorkOrder(_)))
                || (r == Route::Machines && now == Route::Machine)
                || (r == Route::Complaints
                    && matches!(now, Route::Complaint(_) | Route::NewComplaint)))
            .then_some("page")
        }
    };
    let role = use_session().0.with_untracked(|d| match d {
        Desk::SignedIn(p) => Some(p.role),
        _ => None,
    });
    let dispatcher = role == Some(Role::Dispatcher);
    let shown = move |r: Route, dispatchers_only: bool| {
        if role == Some(Role::Manager) {
            MANAGER.contains(&r)
        } else {
            dispatcher || !dispatchers_only
        }
    };
    view! {
        <nav class="desk-nav" aria-label=tr(Msg::DeskNav)>
            <ul>
                {ENTRIES.iter().filter(|e| shown(e.0, e.2)).map(|&(r, msg, _, id)| view! {
                    <li><a href=r.href() aria-current=here(r) data-testid=id>{tr(msg)}</a></li>
                }).collect_view()}
            </ul>
        </nav>
    }
}
