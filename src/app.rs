//! The app's frame: contexts, the header with the sync badge, and the routes.

use fieldbook_model::{Role, UserProfile};
use leptos::prelude::*;

use crate::components::device_read::DeviceRead;
use crate::components::header::Header;
use crate::db::Db;
use crate::i18n::Lang;
use crate::pages::complaints::{
    ComplaintPage, ComplaintsPage, TakeComplaintPage, my_complaints, take_complaint_button,
};
use crate::pages::field::area::AreaPage;
use crate::pages::field::finding::FindingPage;
use crate::pages::field::report::ReportPage;
use crate::pages::field::today::{ReportedList, TaskList, TodayPage};
use crate::pages::field::unit::UnitPage;
use crate::pages::sign_in::SignInPage;
use crate::pages::supervisor::{PatrolPage, RecordPage, SupervisorHome};
use crate::pages::sync::SyncPage;
use crate::pages::work_order::WorkOrderPage;
use crate::pages::work_orders::WorkOrderList;
use crate::router::{self, Route};
use crate::session::Session;
use crate::sync::SyncState;

/// What the app needs before its first frame, read from IndexedDB.
pub struct Boot {
    pub profile: Option<UserProfile>,
    pub lang: Lang,
}

impl Boot {
    pub async fn load(db: &Db) -> Boot {
        let profile = db.profile().await.ok().flatten();
        let lang = match db.lang().await.ok().flatten() {
            Some(code) => Lang::from_code(&code),
            None => Lang::default(),
        };
        Boot { profile, lang }
    }
}

#[component]
pub fn App(boot: Boot, sync: SyncState, db: Db) -> impl IntoView {
    let lang = RwSignal::new(boot.lang);
    let session = Session(RwSignal::new(boot.profile));
    crate::db::provide_db(db);
    provide_context(lang);
    provide_context(session);
    provide_context(sync);
    Effect::new(move |_| {
        let code = lang.get().code();
        if let Some(html) = gloo::utils::document().document_element() {
            let _ = html.set_attribute("lang", code);
        }
    });

    let route = router::start();
    let home_screen_hint = matches!(
        crate::browser::current(),
        crate::browser::Gate::Ok {
            home_screen_hint: true
        }
    );
    view! {
        <Header/>
        {home_screen_hint.then(|| view! { <crate::browser::HomeScreenHint/> })}
        <main class="page">
            <Show when=move || session.0.with(Option::is_some) fallback=|| view! { <SignInPage/> }>
                {move || match route.get() {
                    Route::Home => view! { <Home session/> }.into_any(),
                    Route::WorkOrder(id) => view! { <WorkOrderPage id/> }.into_any(),
                    Route::Sync => view! { <SyncPage/> }.into_any(),
                    Route::Area(id) => view! { <AreaPage id/> }.into_any(),
                    Route::Unit(id) => view! { <UnitPage id/> }.into_any(),
                    Route::Report => view! { <ReportPage/> }.into_any(),
                    Route::Finding(id) => view! { <FindingPage id/> }.into_any(),
                    Route::Patrol => view! { <PatrolPage/> }.into_any(),
                    Route::Record(id) => view! { <RecordPage id/> }.into_any(),
                    Route::TakeComplaint => view! { <TakeComplaintPage/> }.into_any(),
                    Route::Complaint(id) => view! { <ComplaintPage id/> }.into_any(),
                    Route::Complaints(list) => view! { <ComplaintsPage list/> }.into_any(),
                    Route::Scorecard => view! { <crate::pages::scorecard::ScorecardPage/> }.into_any(),
                }}
            </Show>
        </main>
    }
}

/// The first screen, by role: the cleaner's today, the supervisor's board, the engineer's work
/// orders (with any tasks given to them). Dispatchers work in the office app.
#[component]
fn Home(session: Session) -> impl IntoView {
    let role = move || session.0.with(|p| p.as_ref().map(|p| p.role));
    move || match role() {
        Some(Role::Cleaner) => view! { <TodayPage/> }.into_any(),
        Some(Role::Supervisor) => view! { <SupervisorHome/> }.into_any(),
        Some(r) if r.uses_desk() => view! { <ToTheOffice/> }.into_any(),
        _ => view! { <EngineerTasks/><WorkOrderList/> }.into_any(),
    }
}

/// Above an engineer's work orders: taking a complaint, the tasks from findings given to them (or
/// to engineering), and the complaints they took.
#[component]
fn EngineerTasks() -> impl IntoView {
    let sync = crate::sync::use_sync();
    let findings = crate::hooks::use_read(
        move || sync.changed.field.track(),
        |db| async move { Ok((db.findings().await?, db.complaints().await?)) },
    );
    // The button to take a complaint, then the tasks and complaints (a failure shows here too).
    view! {
        <section class="list-page tasks-above">
            {take_complaint_button()}
            <a class="secondary" href=Route::Scorecard.href() data-testid="my-scorecard-link">{crate::i18n::tr(crate::i18n::Msg::MyScorecard)}</a>
            <DeviceRead read=findings view=|(f, c)| view! { <TaskList findings=f.clone()/><ReportedList findings=f/>{my_complaints(c)} }/>
        </section>
    }
}

/// A dispatcher's sign-in goes straight to the office app and is not kept here
/// (`session::sign_in`); a device that kept one from before the office had its own app gets a
/// plain link (an automatic move could loop: the office sends field roles back here).
#[component]
fn ToTheOffice() -> impl IntoView {
    view! {
        <section class="card">
            <p>{crate::i18n::tr(crate::i18n::Msg::OfficeMoved)}</p>
            <a class="primary" href=crate::session::OFFICE_HREF data-testid="to-office">
                {crate::i18n::tr(crate::i18n::Msg::OpenOffice)}
            </a>
        </section>
    }
}
