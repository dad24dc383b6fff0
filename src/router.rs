//! The app's four screens by path, and in-app navigation through the History API.
//!
//! A router crate pulled in a URL parser with international-domain tables (~90 KiB of wasm) for
//! four fixed paths; this is the whole of what the app needs: links are ordinary `<a href>`,
//! clicks on same-origin app links become `pushState`, and back/forward come from `popstate`.

use gloo::events::EventListener;
use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Home,
    WorkOrder(Uuid),
    Office(Uuid),
    Sync,
}

impl Route {
    /// Unknown paths show the home screen, as the server's fallback serves the app for them.
    pub fn parse(path: &str) -> Route {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let id = |s: &str| Uuid::parse_str(s).ok();
        match parts.as_slice() {
            ["work-orders", s] => id(s).map_or(Route::Home, Route::WorkOrder),
            ["office", s] => id(s).map_or(Route::Home, Route::Office),
            ["sync"] => Route::Sync,
            _ => Route::Home,
        }
    }
}

fn current_path() -> String {
    gloo::utils::window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".into())
}

/// Start listening for navigation; the returned signal is the current route.
pub fn start() -> ReadSignal<Route> {
    let (route, set_route) = signal(Route::parse(&current_path()));
    let window = gloo::utils::window();
    let pop = EventListener::new(&window, "popstate", move |_| {
        set_route.set(Route::parse(&current_path()))
    });
    let click = EventListener::new(&gloo::utils::document(), "click", move |ev| {
        let Some(ev) = ev.dyn_ref::<web_sys::MouseEvent>() else {
            return;
        };
        if ev.default_prevented()
            || ev.button() != 0
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.shift_key()
        {
            return;
        }
        let Some(link) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
        else {
            return;
        };
        let href = link.get_attribute("href").unwrap_or_default();
        // Downloads and the API are the server's; only the app's own paths stay in the app.
        if !href.starts_with('/')
            || href.starts_with("//")
            || href.starts_with("/api/")
            || link.has_attribute("download")
        {
            return;
        }
        ev.prevent_default();
        let window = gloo::utils::window();
        if let Ok(history) = window.history() {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
        }
        set_route.set(Route::parse(&href));
        window.scroll_to_with_x_and_y(0.0, 0.0);
    });
    // Both live as long as the app.
    pop.forget();
    click.forget();
    route
}
