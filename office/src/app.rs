//! The app's frame: the language and session in context, the bar, and the screen for the route.

use leptos::prelude::*;

use crate::header::Header;
use crate::i18n::{self, Msg, tr};
use crate::live::Live;
use crate::nav::Nav;
use crate::pages::calendar::CalendarPage;
use crate::pages::call::CallPage;
use crate::pages::call_backs::CallBacksPage;
use crate::pages::claim::ClaimPage;
use crate::pages::claims::ClaimsPage;
use crate::pages::commercial::CommercialPage;
use crate::pages::complaint::ComplaintPage;
use crate::pages::complaint_new::NewComplaintPage;
use crate::pages::complaints::ComplaintsPage;
use crate::pages::follow_ups::FollowUpsPage;
use crate::pages::imports::ImportsPage;
use crate::pages::ledger::LedgerPage;
use crate::pages::list::WorkOrderTable;
use crate::pages::old_parts::OldPartsPage;
use crate::pages::order::WorkOrderPage;
use crate::pages::people::PeoplePage;
use crate::pages::photo_rules::PhotoRulesPage;
use crate::pages::register::{MachinePage, RegisterPage};
use crate::pages::reports::ReportsPage;
use crate::pages::scorecards::ScorecardsPage;
use crate::pages::sign_in::SignInPage;
use crate::router::{self, Route};
use crate::session::{Desk, Session, use_session};

/// What the main area shows: changes only when the session's kind does, not with its details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    Checking,
    Unreachable,
    SignIn,
    /// Signed in with a field role: the office is not theirs.
    NotOffice,
    Office,
}

#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(i18n::stored_lang());
    provide_context(lang);
    Effect::new(move |_| {
        let code = lang.get().code();
        if let Some(html) = gloo::utils::document().document_element() {
            let _ = html.set_attribute("lang", code);
        }
    });
    let session = Session::provide();
    let route = router::start();
    let screen = Memo::new(move |_| {
        session.0.with(|desk| match desk {
            Desk::Checking => Screen::Checking,
            Desk::Unreachable => Screen::Unreachable,
            Desk::SignedOut { .. } => Screen::SignIn,
            Desk::SignedIn(p) if p.role.uses_desk() => Screen::Office,
            Desk::SignedIn(_) => Screen::NotOffice,
        })
    });
    view! {
        <Header/>
        <main class="page desk">
            {move || match screen.get() {
                Screen::Checking => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Screen::Unreachable => view! {
                    <div class="banner offline" role="alert">
                        <p>{tr(Msg::Unreachable)}</p>
                        <button class="secondary" on:click=move |_| session.check()>{tr(Msg::TryAgain)}</button>
                    </div>
                }.into_any(),
                Screen::SignIn => view! { <SignInPage/> }.into_any(),
                Screen::NotOffice => view! { <NotOffice/> }.into_any(),
                Screen::Office => view! { <DeskShell route/> }.into_any(),
            }}
        </main>
    }
}

/// The signed-in desk: the navigation beside the screen of the route, over one store of orders
/// kept current by polling (`live`), made when the desk opens and dropped at sign-out.
#[component]
fn DeskShell(route: ReadSignal<Route>) -> impl IntoView {
    Live::provide();
    // Signed in on the desk's front page: the role's own home (claims support's queue).
    let role = use_session().0.with_untracked(|d| match d {
        Desk::SignedIn(p) => Some(p.role),
        _ => None,
    });
    if let Some(home) = role.map(crate::nav::home)
        && route.get_untracked() == Route::WorkOrders
        && home != Route::WorkOrders
        && gloo::utils::window()
            .location()
            .pathname()
            .is_ok_and(|p| p.trim_end_matches('/') == "/office")
    {
        router::go(home);
    }
    view! {
        <div class="desk-shell">
            <Nav route/>
            <div class="desk-main">
                {move || match route.get() {
                    Route::WorkOrders => view! { <WorkOrderTable/> }.into_any(),
                    Route::WorkOrder(id) => view! { <WorkOrderPage id/> }.into_any(),
                    Route::NewCall => view! { <CallPage/> }.into_any(),
                    Route::FollowUps => view! { <FollowUpsPage/> }.into_any(),
                    Route::Machines => view! { <RegisterPage/> }.into_any(),
                    Route::Machine => view! { <MachinePage serial=router::machine_serial()/> }.into_any(),
                    Route::PhotoRules => view! { <PhotoRulesPage/> }.into_any(),
                    Route::Imports => view! { <ImportsPage/> }.into_any(),
                    Route::Complaints => view! { <ComplaintsPage/> }.into_any(),
                    Route::NewComplaint => view! { <NewComplaintPage/> }.into_any(),
                    Route::Complaint(id) => view! { <ComplaintPage id/> }.into_any(),
                    Route::CallBacks => view! { <CallBacksPage/> }.into_any(),
                    Route::Calendar => view! { <CalendarPage/> }.into_any(),
                    Route::Ledger => view! { <LedgerPage/> }.into_any(),
                    Route::Scorecards => view! { <ScorecardsPage/> }.into_any(),
                    Route::Reports => view! { <ReportsPage/> }.into_any(),
                    Route::Claims => view! { <ClaimsPage/> }.into_any(),
                    Route::Claim(id) => view! { <ClaimPage id/> }.into_any(),
                    Route::Commercial => view! { <CommercialPage/> }.into_any(),
                    Route::OldParts => view! { <OldPartsPage/> }.into_any(),
                    Route::People => view! { <PeoplePage/> }.into_any(),
                }}
            </div>
        </div>
    }
}

/// A cleaner or an engineer signed in here: their app is the field app.
#[component]
fn NotOffice() -> impl IntoView {
    view! {
        <div class="card" data-testid="not-office">
            <p>{tr(Msg::NotForOffice)}</p>
            <a class="primary field-link" href="/">{tr(Msg::OpenFieldApp)}</a>
        </div>
    }
}
