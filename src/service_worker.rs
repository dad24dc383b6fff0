//! Registering the service worker (public/sw.js), which keeps the app shell for offline starts.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::ServiceWorkerContainer;

/// The page's service-worker container, where the browser has one (not in private modes of some
/// browsers, not on plain http other than localhost).
pub fn container() -> Option<ServiceWorkerContainer> {
    let navigator = gloo::utils::window().navigator();
    let has =
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    has.then(|| navigator.service_worker())
}

pub fn register() {
    let Some(container) = container() else { return };
    let promise = container.register("/sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(registration) => request_background_sync(registration),
            Err(e) => gloo::console::warn!("service worker not registered", e),
        }
    });
}

/// Ask for a Background Sync, where the browser has it: the worker then wakes the page's
/// uploader when the connection returns, even if the app is in the background.
fn request_background_sync(registration: JsValue) {
    let Ok(sync) = js_sys::Reflect::get(&registration, &JsValue::from_str("sync")) else {
        return;
    };
    if sync.is_undefined() {
        return;
    }
    let Ok(register) = js_sys::Reflect::get(&sync, &JsValue::from_str("register")) else {
        return;
    };
    if let Some(register) = register.dyn_ref::<js_sys::Function>() {
        // A refusal (permission, unsupported) is fine: the page's own triggers still run.
        if let Ok(p) = register.call1(&sync, &JsValue::from_str("fieldbook-outbox"))
            && let Ok(p) = p.dyn_into::<js_sys::Promise>()
        {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(p).await;
            });
        }
    }
}
