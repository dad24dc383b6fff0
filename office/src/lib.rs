//! Fieldbook's office app: the dispatch desk. A second Leptos CSR app beside the field PWA, served
//! under `/office/` by the same server and signed in by the same session cookie. It works online:
//! every screen reads the server, and says so when it cannot be reached.
//!
//! Browser code only. What the field app already has (the request layer, the domain's labels,
//! times, the virtual list) comes from the field crate; the office's own words are in `i18n`.
#![cfg(target_arch = "wasm32")]

pub mod api;
pub mod app;
pub mod china;
pub mod claims_api;
pub mod complaints_api;
pub mod header;
pub mod i18n;
pub mod live;
pub mod nav;
pub mod pages;
pub mod register_api;
pub mod router;
pub mod session;

/// Mount the app and drop the loading screen.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
    if let Some(splash) = gloo::utils::document().get_element_by_id("splash") {
        splash.remove();
    }
}
