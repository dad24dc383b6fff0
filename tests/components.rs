//! Components mounted in a real browser, driven through their signals, read from the DOM.
#![cfg(target_arch = "wasm32")]

use fieldbook::components::sync_badge::SyncBadge;
use fieldbook::db::OutboxCounts;
use fieldbook::i18n::Lang;
use fieldbook::sync::SyncState;
use gloo::timers::future::TimeoutFuture;
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn badge_el() -> web_sys::Element {
    gloo::utils::document()
        .query_selector("[data-testid=sync-badge]")
        .unwrap()
        .expect("the badge is on the page")
}

/// Let effects run and the DOM update.
async fn settle() {
    TimeoutFuture::new(0).await;
}

#[wasm_bindgen_test]
async fn the_sync_badge_tells_the_truth_in_both_languages() {
    let state = SyncState::new();
    let lang = RwSignal::new(Lang::Zh);
    leptos::mount::mount_to_body(move || {
        provide_context(lang);
        provide_context(state);
        view! { <SyncBadge/> }
    });
    settle().await;
    let badge = badge_el();
    assert_eq!(
        badge.get_attribute("data-state").as_deref(),
        Some("allsent")
    );
    assert!(badge.text_content().unwrap().contains("已全部发送"));

    state.counts.set(OutboxCounts {
        queued: 2,
        photos: 1,
        ..Default::default()
    });
    settle().await;
    assert_eq!(
        badge.get_attribute("data-state").as_deref(),
        Some("savedhere")
    );
    assert!(
        badge.text_content().unwrap().contains("3 条待发送"),
        "{:?}",
        badge.text_content()
    );

    state.sending.set(true);
    settle().await;
    assert_eq!(
        badge.get_attribute("data-state").as_deref(),
        Some("sending")
    );

    lang.set(Lang::En);
    settle().await;
    assert!(badge.text_content().unwrap().contains("Sending"));
    assert!(badge.text_content().unwrap().contains("3 items to send"));

    state.sending.set(false);
    state.counts.set(OutboxCounts {
        queued: 1,
        rejected: 1,
        ..Default::default()
    });
    settle().await;
    assert_eq!(
        badge.get_attribute("data-state").as_deref(),
        Some("attention")
    );
    assert!(badge.text_content().unwrap().contains("1 item refused"));

    state.counts.set(OutboxCounts::default());
    state.needs_sign_in.set(true);
    settle().await;
    assert_eq!(
        badge.get_attribute("data-state").as_deref(),
        Some("attention"),
        "a lost session needs attention"
    );
}
