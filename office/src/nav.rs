//! The desk's navigation: one entry per screen, down the left side. The equipment register, the
//! photo rules and the imports add their entries to [`ENTRIES`] (and their routes to `router`).

use leptos::prelude::*;

use fieldbook_model::Role;

use crate::i18n::{Msg, tr};
use crate::router::Route;
use crate::session::{Desk, use_session};

/// Who has an entry: the 400 desk only (a station head takes no calls and changes no
/// settings), the desk's screens (dispatcher, station head, the manager reading), the claims'
/// screens (claims support, the manager reading), the station head's part of them, or everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum For {
    All,
    Dispatcher,
    Desk,
    Claims,
    ClaimsAndHead,
    /// Who keeps people's grades and titles (claims support, the 400 desk) and the manager.
    People,
    /// Who reads reports: the manager, the 400 desk, station heads, cleaning supervisors.
    Reports,
}

impl For {
    pub fn shows(self, role: Role) -> bool {
        match self {
            For::All => true,
            For::Dispatcher => role == Role::Dispatcher,
            For::Desk => matches!(
                role,
                Role::Dispatcher | Role::ServiceSupervisor | Role::Manager
            ),
            For::Claims => matches!(role, Role::Claims | Role::Manager),
            For::People => matches!(role, Role::Claims | Role::Dispatcher | Role::Manager),
            For::Reports => matches!(
                role,
                Role::Manager | Role::Dispatcher | Role::ServiceSupervisor | Role::Supervisor
            ),
            For::ClaimsAndHead => {
                matches!(role, Role::Claims | Role::Manager | Role::ServiceSupervisor)
            }
        }
    }
}

/// The desk's screens in the order of the bar, with what they are called, who has them, and the
/// entry's test id.
pub const ENTRIES: &[(Route, Msg, For, &str)] = &[
    (Route::Claims, Msg::NavClaims, For::Claims, "nav-claims"),
    (Route::WorkOrders, Msg::NavOrders, For::All, "nav-orders"),
    // The engineers' monthly scorecards: the desk, the station heads (their station's) and the
    // manager (issue 18).
    (
        Route::Scorecards,
        Msg::NavScorecards,
        For::Desk,
        "nav-scorecards",
    ),
    // The reports (issue 18): each role's own.
    (Route::Reports, Msg::NavReports, For::Reports, "nav-reports"),
    (Route::NewCall, Msg::NavCall, For::Dispatcher, "nav-call"),
    (
        Route::FollowUps,
        Msg::NavFollowUps,
        For::Desk,
        "nav-follow-ups",
    ),
    (
        Route::Complaints,
        Msg::NavComplaints,
        For::Desk,
        "nav-complaints",
    ),
    (
        Route::CallBacks,
        Msg::NavCallBacks,
        For::Desk,
        "nav-call-backs",
    ),
    (Route::Ledger, Msg::NavLedger, For::Desk, "nav-ledger"),
    (
        Route::OldParts,
        Msg::NavOldParts,
        For::ClaimsAndHead,
        "nav-old-parts",
    ),
    (
        Route::Commercial,
        Msg::NavCommercial,
        For::ClaimsAndHead,
        "nav-commercial",
    ),
    (Route::Machines, Msg::NavRegister, For::All, "nav-register"),
    (Route::People, Msg::NavPeople, For::People, "nav-people"),
    (
        Route::PhotoRules,
        Msg::NavPhotoRules,
        For::Dispatcher,
        "nav-photo-rules",
    ),
    (
        Route::Imports,
        Msg::NavImports,
        For::Dispatcher,
        "nav-imports",
    ),
    (
        Route::Calendar,
        Msg::NavCalendar,
        For::Dispatcher,
        "nav-calendar",
    ),
];

/// Where a role's desk opens: claims support's on its queue, the manager's on the scorecards,
/// everyone else's on the orders.
pub fn home(role: Role) -> Route {
    match role {
        Role::Claims => Route::Claims,
        Role::Manager => Route::Scorecards,
        _ => Route::WorkOrders,
    }
}

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
                    && matches!(now, Route::Complaint(_) | Route::NewComplaint))
                || (r == Route::Claims && matches!(now, Route::Claim(_))))
            .then_some("page")
        }
    };
    let role = use_session().0.with_untracked(|d| match d {
        Desk::SignedIn(p) => Some(p.role),
        _ => None,
    });
    view! {
        <nav class="desk-nav" aria-label=tr(Msg::DeskNav)>
            <ul>
                {ENTRIES.iter().filter(|e| role.is_some_and(|r| e.2.shows(r))).map(|&(r, msg, _, id)| view! {
                    <li><a href=r.href() aria-current=here(r) data-testid=id>{tr(msg)}</a></li>
                }).collect_view()}
            </ul>
        </nav>
    }
}
