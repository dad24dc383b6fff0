//! Fieldbook's PWA: Leptos rendered on the client, IndexedDB as the source of every screen, and
//! an outbox that sends what people did when the server can be reached.
//!
//! Everything here is browser code: it compiles for wasm32 only. Pure logic lives in `model/`.
#![cfg(target_arch = "wasm32")]

pub mod api;
pub mod app;
#[cfg(feature = "bench")]
pub mod bench;
pub mod browser;
pub mod components;
pub mod db;
pub mod drafts;
pub mod failure;
pub mod hooks;
pub mod i18n;
pub mod pages;
pub mod photo;
pub mod router;
pub mod service_worker;
pub mod session;
pub mod sync;
pub mod time;

/// Open the device's database, start the uploader, then mount the app.
pub fn start() {
    console_error_panic_hook::set_once();
    // Not Leptos's spawn_local: its executor is set up when the app mounts, after this.
    wasm_bindgen_futures::spawn_local(async {
        let gate = browser::current();
        if !matches!(gate, browser::Gate::Ok { .. }) {
            leptos::mount::mount_to_body(move || {
                browser::Unsupported(browser::UnsupportedProps { gate })
            });
            remove_splash();
            return;
        }
        service_worker::register();
        match db::Db::open(db::DB_NAME).await {
            Ok(db) => {
                let boot = app::Boot::load(&db).await;
                let sync = sync::start(db.clone());
                leptos::mount::mount_to_body(move || app::App(app::AppProps { boot, sync, db }));
            }
            Err(e) => {
                gloo::console::error!(format!("opening IndexedDB failed: {e:?}"));
                let gate = browser::Gate::Missing;
                leptos::mount::mount_to_body(move || {
                    browser::Unsupported(browser::UnsupportedProps { gate })
                });
            }
        }
        remove_splash();
    });
}

fn remove_splash() {
    if let Some(splash) = gloo::utils::document().get_element_by_id("splash") {
        splash.remove();
    }
}
