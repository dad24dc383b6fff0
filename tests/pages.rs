//! Pages mounted in a real browser with a real device store, tapped as a person taps them, and
//! read back from the DOM and from IndexedDB: the page, the outbox hook and the store together.
#![cfg(target_arch = "wasm32")]

use chrono::Utc;
use fieldbook::db::{Db, provide_db};
use fieldbook::i18n::Lang;
use fieldbook::pages::field::area::AreaPage;
use fieldbook::session::Session;
use fieldbook::sync::SyncState;
use fieldbook_model::cleaning::{Area, AreaKind, ChecklistItem, Schedule};
use fieldbook_model::sync::{FieldData, FieldReference};
use fieldbook_model::{OpKind, Role, SyncResponse, UserProfile};
use gloo::timers::future::TimeoutFuture;
use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn cleaner() -> UserProfile {
    UserProfile {
        username: "cleaner1".into(),
        display_name: "王芳".into(),
        role: Role::Cleaner,
        team: Some("team-a".into()),
    }
}

/// A device on which cleaner1 is signed in and has one area with two daily items.
async fn device() -> (Db, Uuid) {
    let db = Db::open(&format!("fieldbook-test-{}", Uuid::new_v4()))
        .await
        .unwrap();
    db.signed_in_as(&cleaner()).await.unwrap();
    let area = Uuid::new_v4();
    let reference = FieldReference {
        areas: vec![Area {
            id: area,
            team: "team-a".into(),
            name: "大堂".into(),
            kind: AreaKind::Lobby,
            cleaner: Some("cleaner1".into()),
            patrol: true,
            position: 0,
        }],
        items: (0..2)
            .map(|i| ChecklistItem {
                id: Uuid::new_v4(),
                area_id: area,
                label: format!("item {i}"),
                schedule: Schedule::Daily,
                position: i,
            })
            .collect(),
        units: vec![],
        people: vec![],
        calendar: Default::default(),
    };
    let pull = SyncResponse {
        cursor: 1,
        server_time: Utc::now(),
        work_orders: vec![],
        removed: vec![],
        more: false,
        field: FieldData {
            reference: Some(reference),
            ..Default::default()
        },
    };
    db.apply_pull(&pull, Utc::now()).await.unwrap();
    (db, area)
}

/// Let the store's transactions finish, effects run and the DOM update.
async fn settle() {
    for _ in 0..10 {
        TimeoutFuture::new(20).await;
    }
}

fn all(selector: &str) -> Vec<web_sys::HtmlElement> {
    let list = gloo::utils::document()
        .query_selector_all(selector)
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into().ok())
        .collect()
}

fn one(selector: &str) -> web_sys::HtmlElement {
    all(selector)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{selector} is on the page"))
}

#[wasm_bindgen_test]
async fn a_cleaner_ticks_an_area_and_a_double_tap_on_finish_records_it_once() {
    let (db, area) = device().await;
    let mount_db = db.clone();
    let state = SyncState::new();
    leptos::mount::mount_to_body(move || {
        provide_context(RwSignal::new(Lang::Zh));
        provide_context(Session(RwSignal::new(Some(cleaner()))));
        provide_context(state);
        provide_db(mount_db.clone());
        view! { <AreaPage id=area/> }
    });
    settle().await;
    assert_eq!(
        one("[data-testid=area-progress]").text_content().as_deref(),
        Some("0/2")
    );
    let ticks = all("[data-testid=tick]");
    assert_eq!(ticks.len(), 2, "both items are due today");

    // Two quick taps on two items: both are kept.
    ticks[0].click();
    ticks[1].click();
    settle().await;
    assert_eq!(
        one("[data-testid=area-progress]").text_content().as_deref(),
        Some("2/2"),
        "the page re-read the store after the ticks"
    );
    assert_eq!(
        state.counts.get_untracked().queued,
        2,
        "the badge counts both"
    );

    // A double tap on "finish": recorded once, and the page says it is finished.
    let finish = one("[data-testid=finish-area]");
    finish.click();
    finish.click();
    settle().await;
    let outbox = db.outbox().await.unwrap();
    let marks = outbox
        .iter()
        .filter(|e| matches!(e.op.kind, OpKind::MarkItem { .. }))
        .count();
    let finishes = outbox
        .iter()
        .filter(|e| matches!(e.op.kind, OpKind::FinishArea { .. }))
        .count();
    assert_eq!((marks, finishes), (2, 1), "{outbox:?}");
    assert!(
        outbox
            .iter()
            .all(|e| e.op.device_id == outbox[0].op.device_id),
        "steps made at once on a new device carry one device id: {outbox:?}"
    );
    assert!(one("[data-testid=finished-at]").text_content().is_some());
    assert!(
        one("[data-testid=finish-area]")
            .get_attribute("disabled")
            .is_some(),
        "a finished area cannot be finished again"
    );
    assert!(
        all("[data-testid=failed-toast]").is_empty(),
        "nothing failed"
    );
}
