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
    // Before the outbox is counted: neither "all sent" nor "saved here" (issue 15).
    assert_eq!(
        badge.get_attribute("data-state").as_deref(),
        Some("checking")
    );
    assert!(badge.text_content().unwrap().contains("检查中…"));
    assert!(!badge.text_content().unwrap().contains("已全部发送"));
    // A link to the sync screen, with nothing interactive inside it (valid markup).
    assert_eq!(badge.tag_name(), "A");
    assert_eq!(badge.get_attribute("href").as_deref(), Some("/sync"));
    assert!(badge.query_selector("a, button").unwrap().is_none());

    state.set_counts(OutboxCounts::default());
    settle().await;
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

/// The `<li>`s of the list with this test id, as their texts.
fn rows(testid: &str) -> Vec<String> {
    let list = gloo::utils::document()
        .query_selector(&format!("[data-testid={testid}]"))
        .unwrap()
        .expect("the list is on the page");
    let items = list.children();
    (0..items.length())
        .map(|i| items.item(i).unwrap().text_content().unwrap())
        .collect()
}

/// Scroll events and the list's answer to them.
async fn scrolled(y: f64) {
    gloo::utils::window().scroll_to_with_x_and_y(0.0, y);
    TimeoutFuture::new(50).await;
}

#[wasm_bindgen_test]
async fn a_long_list_keeps_only_the_rows_near_the_screen_and_its_full_height() {
    use fieldbook::components::virtual_list::VirtualList;
    let items = RwSignal::new((0..2000).collect::<Vec<u32>>());
    let short = RwSignal::new((0..10).collect::<Vec<u32>>());
    leptos::mount::mount_to_body(move || {
        view! {
            <VirtualList items=short.into() key=|i: &u32| *i row=|i| view! { <li>{i}</li> }
                class="short" testid="short-list"/>
            <VirtualList items=items.into() key=|i: &u32| *i
                row=|i| view! { <li style="height: 40px; margin: 0 0 10px">{format!("row {i}")}</li> }
                class="long" testid="long-list"/>
        }
    });
    settle().await;
    // A short list is whole.
    assert_eq!(rows("short-list").len(), 10);
    let screen = gloo::utils::window()
        .inner_height()
        .unwrap()
        .as_f64()
        .unwrap();
    let on_screen = (screen / 50.0).ceil() as usize;
    let first = rows("long-list");
    assert!(
        first.len() < on_screen + 20,
        "{} rows in the page for a screen of {on_screen}",
        first.len()
    );
    assert_eq!(first[0], "row 0");
    // The page is as high as all 2,000 rows, 50 px apart.
    let height = gloo::utils::document()
        .document_element()
        .unwrap()
        .scroll_height();
    assert!((100_000..101_000).contains(&height), "page height {height}");

    // Half-way down: the rows there are in the page, and only they.
    let list_top = gloo::utils::document()
        .query_selector("[data-testid=long-list]")
        .unwrap()
        .unwrap()
        .get_bounding_client_rect()
        .top();
    scrolled(list_top + 50_000.0).await;
    let middle = rows("long-list");
    assert!(middle.contains(&"row 1000".to_string()), "{middle:?}");
    assert!(!middle.contains(&"row 0".to_string()));
    assert!(middle.len() < on_screen + 20, "{} rows", middle.len());
    // Row 1000 is where the page's scroll puts it: at the top of the screen.
    let list = gloo::utils::document()
        .query_selector("[data-testid=long-list]")
        .unwrap()
        .unwrap();
    let children = list.children();
    let row = (0..children.length())
        .filter_map(|i| children.item(i))
        .find(|el| el.text_content().as_deref() == Some("row 1000"))
        .unwrap()
        .get_bounding_client_rect()
        .top();
    assert!(row.abs() < 2.0, "row 1000 is {row} px from the top");

    // New items (a sync) keep the list where it is.
    items.update(|v| v.extend(2000..2500));
    settle().await;
    assert!(rows("long-list").contains(&"row 1000".to_string()));

    // The end of the list: the last row is there, nothing stands in below it.
    scrolled(1e9).await;
    let end = rows("long-list");
    assert_eq!(end.last().map(String::as_str), Some("row 2499"));
}

/// Whether the page can still read an object URL.
async fn readable(url: &str) -> bool {
    gloo::net::http::Request::get(url).send().await.is_ok()
}

#[wasm_bindgen_test]
async fn a_shown_photo_s_bytes_are_let_go_when_its_view_goes() {
    use fieldbook::components::capture::shown_url;
    let blob = |text: &str| {
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        web_sys::Blob::new_with_str_sequence(&parts).unwrap()
    };
    let shown = RwSignal::new(vec![blob("first")]);
    leptos::mount::mount_to_body(move || {
        view! {
            <div data-testid="shown">
                {move || shown.get().into_iter().map(|b| view! { <img src=shown_url(&b)/> }).collect_view()}
            </div>
        }
    });
    settle().await;
    let src = || {
        gloo::utils::document()
            .query_selector("[data-testid=shown] img")
            .unwrap()
            .unwrap()
            .get_attribute("src")
            .unwrap()
    };
    let first = src();
    assert!(readable(&first).await);
    shown.set(vec![blob("second")]);
    settle().await;
    let second = src();
    assert_ne!(first, second);
    assert!(readable(&second).await);
    assert!(!readable(&first).await, "the first photo's URL was revoked");
}

#[wasm_bindgen_test]
fn every_route_is_its_own_link() {
    use fieldbook::router::{ComplaintList, Route};
    let id = uuid::Uuid::new_v4();
    for route in [
        Route::Home,
        Route::WorkOrder(id),
        Route::Sync,
        Route::Area(id),
        Route::Unit(id),
        Route::Report,
        Route::Finding(id),
        Route::Patrol,
        Route::Record(id),
        Route::TakeComplaint,
        Route::Complaint(id),
        Route::Complaints(ComplaintList::Open),
        Route::Complaints(ComplaintList::Late),
        Route::Complaints(ComplaintList::CallBackDue),
        Route::Complaints(ComplaintList::Mine),
    ] {
        assert_eq!(Route::parse(&route.href()), route, "{}", route.href());
    }
    // An unknown or damaged path shows the home screen, as the server's fallback serves the app.
    assert_eq!(Route::parse("/work-orders/not-a-uuid"), Route::Home);
}

/// Real user agents, judged: apps' own web views get the "open in the browser" page, plain http
/// on a network address and browsers without a worker or IndexedDB get theirs, an iPhone tab is
/// asked to go on the home screen, and the home-screen app and the phones' real browsers
/// (including the QQ Browser, whose name looks like the QQ app's) are simply let in.
#[wasm_bindgen_test]
fn browsers_that_cannot_keep_work_safe_are_told_before_they_start() {
    use fieldbook::browser::{Gate, judge};
    const WECHAT: &str = "Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64";
    const WECHAT_IOS: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2f) NetType/WIFI Language/zh_CN";
    const DINGTALK: &str = "Mozilla/5.0 (Linux; U; Android 12; zh-CN; PGBM10 Build/SP1A.210812.016) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.2.59 Mobile Safari/537.36 AliApp(DingTalk/7.0.40) com.alibaba.android.rimet/31460111 Channel/700159 language/zh-CN";
    const WEBVIEW: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/121.0.6167.178 Mobile Safari/537.36";
    const CHROME: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Mobile Safari/537.36";
    const QQ_BROWSER: &str = "Mozilla/5.0 (Linux; U; Android 12; zh-cn; V2055A Build/SP1A.210812.003) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.86 MQQBrowser/13.6 Mobile Safari/537.36 COVC/046335";
    const SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";

    for ua in [WECHAT, WECHAT_IOS, DINGTALK, WEBVIEW] {
        assert_eq!(judge(ua, true, true, true, false), Gate::InApp, "{ua}");
    }
    let ok = Gate::Ok {
        home_screen_hint: false,
    };
    assert_eq!(judge(CHROME, true, true, true, false), ok);
    assert_eq!(judge(QQ_BROWSER, true, true, true, false), ok);
    assert_eq!(judge(CHROME, false, false, true, false), Gate::Insecure);
    assert_eq!(judge(CHROME, true, false, true, false), Gate::Missing);
    assert_eq!(judge(CHROME, true, true, false, false), Gate::Missing);
    assert_eq!(
        judge(SAFARI, true, true, true, false),
        Gate::Ok {
            home_screen_hint: true
        }
    );
    assert_eq!(judge(SAFARI, true, true, true, true), ok);
}
