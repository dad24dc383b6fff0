//! Browsers that cannot keep a person's work safe say so before anyone starts, not after.
//!
//! Fieldbook's promise (nothing saved is ever lost, work goes on without signal) rests on three
//! things of the browser: IndexedDB (where the work waits), a service worker (the app starts with
//! no signal) and a secure origin (without it there is no service worker). An app opened inside
//! another app (WeChat's browser, an Android WebView) may have them today and lose them tomorrow:
//! its storage belongs to the host app and is cleared with its cache. Those get a page that says
//! "open this in the phone's browser" with the link to copy, instead of a half-working app.
//!
//! Safari on an iPhone or iPad deletes a site's storage after 7 days without a visit unless the
//! site was added to the home screen. There the app works, but asks to be added, and warns louder
//! while unsent work is on the device.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::i18n::{Lang, Msg};

/// What this browser can be trusted with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Everything needed is here. `home_screen_hint`: an iPhone/iPad browser tab that is not the
    /// home-screen app, whose storage Safari may delete after 7 days without a visit.
    Ok { home_screen_hint: bool },
    /// Opened inside another app (WeChat, DingTalk, an Android WebView…).
    InApp,
    /// Plain http on a network address: the browser allows no service worker there.
    Insecure,
    /// No service worker or no IndexedDB (an old WebView, some private modes).
    Missing,
}

/// User-agent marks of apps that open links in their own web view. " QQ/" with its space: the
/// QQ app's in-app view, not the QQ Browser (`MQQBrowser/`), which is a real browser.
const IN_APP_MARKS: &[&str] = &[
    "MicroMessenger", // WeChat, and WeCom's "wxwork" carries it too
    "wxwork",
    "DingTalk",
    "AlipayClient",
    " QQ/",
    "Weibo",
    "aweme", // Douyin
    "BytedanceWebview",
    "Lark",
    "FBAN",
    "FBAV",
    "Instagram",
    "Line/",
    "; wv)", // Android System WebView inside any app
];

/// Judged from what the browser says about itself. Pure, so it is tested with real user agents.
pub fn judge(ua: &str, secure: bool, has_worker: bool, has_idb: bool, standalone: bool) -> Gate {
    if IN_APP_MARKS.iter().any(|mark| ua.contains(mark)) {
        return Gate::InApp;
    }
    if !secure {
        return Gate::Insecure;
    }
    if !has_worker || !has_idb {
        return Gate::Missing;
    }
    let ios = ua.contains("iPhone") || ua.contains("iPad") || ua.contains("iPod");
    Gate::Ok {
        home_screen_hint: ios && !standalone,
    }
}

/// This browser, now.
pub fn current() -> Gate {
    let window = gloo::utils::window();
    let navigator = window.navigator();
    let has = |target: &JsValue, name: &str| {
        js_sys::Reflect::get(target, &JsValue::from_str(name))
            .map(|v| !v.is_undefined() && !v.is_null())
            .unwrap_or(false)
    };
    let ua = navigator.user_agent().unwrap_or_default();
    // iPadOS asks for the desktop site and says "Macintosh"; only touch points tell it apart.
    let ua = if ua.contains("Macintosh") && navigator.max_touch_points() > 1 {
        format!("{ua} iPad")
    } else {
        ua
    };
    let standalone = js_sys::Reflect::get(&navigator, &JsValue::from_str("standalone"))
        .map(|v| v.is_truthy())
        .unwrap_or(false)
        || window
            .match_media("(display-mode: standalone)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
    judge(
        &ua,
        window.is_secure_context(),
        has(&navigator, "serviceWorker"),
        has(&window, "indexedDB"),
        standalone,
    )
}

/// The language before anyone has chosen one: the browser's.
pub fn browser_lang() -> Lang {
    Lang::from_code(
        &gloo::utils::window()
            .navigator()
            .language()
            .unwrap_or_default(),
    )
}

/// The page instead of the app, in the browser's language with the other one under it.
#[component]
pub fn Unsupported(gate: Gate) -> impl IntoView {
    let (title, body) = match gate {
        Gate::InApp => (Msg::InAppTitle, Msg::InAppBody),
        Gate::Insecure => (Msg::InsecureTitle, Msg::InsecureBody),
        _ => (Msg::NoStorageTitle, Msg::NoStorageBody),
    };
    let url = gloo::utils::window().location().href().unwrap_or_default();
    let lang = browser_lang();
    let block = move |lang: Lang| {
        view! {
            <h1>{title.text(lang)}</h1>
            <p>{body.text(lang)}</p>
        }
    };
    view! {
        <main class="page" data-testid="unsupported">
            <div class="card error-card">
                {block(lang)}
                <input class="copy-link" readonly value=url aria-label=Msg::CopyLink.text(lang)
                    on:focus=|ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    }/>
                <div class="other-lang">{block(lang.other())}</div>
            </div>
        </main>
    }
}

/// Above the app on an iPhone/iPad tab: add to the home screen, louder while work is unsent.
#[component]
pub fn HomeScreenHint() -> impl IntoView {
    let sync = crate::sync::use_sync();
    let unsent = move || sync.counts.with(|c| c.queued + c.rejected > 0);
    view! {
        <div class="banner" class:attention=unsent class:offline=move || !unsent()
            data-testid="home-screen-hint" role="note">
            {move || if unsent() {
                crate::i18n::tr(Msg::HomeScreenUnsent)()
            } else {
                crate::i18n::tr(Msg::HomeScreenAsk)()
            }}
        </div>
    }
}
