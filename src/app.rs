//! The app's frame: contexts, the header with the sync badge, and the routes.

use fieldbook_model::UserProfile;
use leptos::prelude::*;

use crate::components::header::Header;
use crate::db::Db;
use crate::i18n::Lang;
use crate::pages::office::{OfficeList, OfficeOrderPage};
use crate::pages::sign_in::SignInPage;
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
pub fn App(boot: Boot, sync: SyncState) -> impl IntoView {
    let lang = RwSignal::new(boot.lang);
    let session = Session(RwSignal::new(boot.profile));
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
    view! {
        <Header/>
        <main class="page">
            <Show when=move || session.0.with(Option::is_some) fallback=|| view! { <SignInPage/> }>
                {move || match route.get() {
                    Route::Home => view! { <Home session/> }.into_any(),
                    Route::WorkOrder(id) => view! { <WorkOrderPage id/> }.into_any(),
                    Route::Office(id) => view! { <OfficeOrderPage id/> }.into_any(),
                    Route::Sync => view! { <SyncPage/> }.into_any(),
                }}
            </Show>
        </main>
    }
}

/// Shown when the browser refuses IndexedDB (some private modes): the app cannot keep work safe.
#[component]
pub fn NoStorage() -> impl IntoView {
    view! {
        <main class="page">
            <div class="card error-card">
                <h1>"无法使用本机存储 / This browser blocks storage"</h1>
                <p>"Fieldbook 需要浏览器存储来离线保存记录。请关闭无痕模式或换用 Chrome。"</p>
                <p>"Fieldbook keeps your work on the device. Leave private mode or use Chrome."</p>
            </div>
        </main>
    }
}

/// The first screen: the office sees every order, field staff their own.
#[component]
fn Home(session: Session) -> impl IntoView {
    let office = move || {
        session
            .0
            .with(|p| p.as_ref().is_some_and(|p| p.role.is_office()))
    };
    view! {
        <Show when=office fallback=|| view! { <WorkOrderList/> }>
            <OfficeList/>
        </Show>
    }
}
