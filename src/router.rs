//! The app's screens by path, and in-app navigation through the History API.
//!
//! A router crate pulled in a URL parser with international-domain tables (~90 KiB of wasm) for
//! a handful of fixed paths; this is the whole of what the app needs: links are ordinary `<a href>`,
//! clicks on same-origin app links become `pushState`, and back/forward come from `popstate`.

use gloo::events::{EventListener, EventListenerOptions};
use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Home,
    WorkOrder(Uuid),
    Sync,
    /// An area's checklist for today (a cleaner ticks, a supervisor spot-checks).
    Area(Uuid),
    /// A vacant unit: its records, and the form for a new one.
    Unit(Uuid),
    /// Report a problem seen anywhere.
    Report,
    /// A finding and the task it became.
    Finding(Uuid),
    /// The supervisor's patrol round in progress.
    Patrol,
    /// A vacant-unit record, for the supervisor's spot check.
    Record(Uuid),
    /// Take a customer's complaint (the form, with its draft).
    TakeComplaint,
    /// One complaint: its task, deadlines, call-backs, and the visit's 《回访记录表》.
    Complaint(Uuid),
    /// A list of complaints (the board's figures open these).
    Complaints(ComplaintList),
    /// An engineer's or a cleaner's own monthly scorecard.
    Scorecard,
}

/// Which complaints a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintList {
    /// Not closed.
    Open,
    /// The fix or the call-back is late.
    Late,
    /// The fix is confirmed; the call-back waits.
    CallBackDue,
    /// The ones the person took (首问负责), until closed.
    Mine,
}

impl ComplaintList {
    const ALL: [(ComplaintList, &'static str); 4] = [
        (ComplaintList::Open, "open"),
        (ComplaintList::Late, "late"),
        (ComplaintList::CallBackDue, "call-back"),
        (ComplaintList::Mine, "mine"),
    ];

    fn slug(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(l, _)| *l == self)
            .map_or("open", |x| x.1)
    }
}

impl Route {
    /// Unknown paths show the home screen, as the server's fallback serves the app for them.
    pub fn parse(path: &str) -> Route {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let id = |s: &str| Uuid::parse_str(s).ok();
        match parts.as_slice() {
            ["work-orders", s] => id(s).map_or(Route::Home, Route::WorkOrder),
            ["sync"] => Route::Sync,
            ["areas", s] => id(s).map_or(Route::Home, Route::Area),
            ["units", s] => id(s).map_or(Route::Home, Route::Unit),
            ["report"] => Route::Report,
            ["scorecard"] => Route::Scorecard,
            ["findings", s] => id(s).map_or(Route::Home, Route::Finding),
            ["patrol"] => Route::Patrol,
            ["records", s] => id(s).map_or(Route::Home, Route::Record),
            ["complaints", "new"] => Route::TakeComplaint,
            ["complaints", s] => match ComplaintList::ALL.iter().find(|(_, slug)| slug == s) {
                Some((list, _)) => Route::Complaints(*list),
                None => id(s).map_or(Route::Home, Route::Complaint),
            },
            _ => Route::Home,
        }
    }
}

impl Route {
    /// The path of this screen: every link and `navigate` is built here, never by hand, so
    /// `parse(href())` is the route again (tested in `tests/components.rs`).
    pub fn href(self) -> String {
        match self {
            Route::Home => "/".into(),
            Route::WorkOrder(id) => format!("/work-orders/{id}"),
            Route::Sync => "/sync".into(),
            Route::Area(id) => format!("/areas/{id}"),
            Route::Unit(id) => format!("/units/{id}"),
            Route::Report => "/report".into(),
            Route::Scorecard => "/scorecard".into(),
            Route::Finding(id) => format!("/findings/{id}"),
            Route::Patrol => "/patrol".into(),
            Route::Record(id) => format!("/records/{id}"),
            Route::TakeComplaint => "/complaints/new".into(),
            Route::Complaint(id) => format!("/complaints/{id}"),
            Route::Complaints(list) => format!("/complaints/{}", list.slug()),
        }
    }
}

fn current_path() -> String {
    gloo::utils::window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".into())
}

thread_local! {
    static SET_ROUTE: std::cell::Cell<Option<WriteSignal<Route>>> = const { std::cell::Cell::new(None) };
}

/// Go to a screen from code (after a form is saved), as a link click would.
pub fn navigate(route: Route) {
    navigate_to(&route.href());
}

fn navigate_to(href: &str) {
    let window = gloo::utils::window();
    if let Ok(history) = window.history() {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href));
    }
    if let Some(set) = SET_ROUTE.with(std::cell::Cell::get) {
        set.set(Route::parse(href));
    }
    window.scroll_to_with_x_and_y(0.0, 0.0);
}

/// Start listening for navigation; the returned signal is the current route.
pub fn start() -> ReadSignal<Route> {
    let (route, set_route) = signal(Route::parse(&current_path()));
    SET_ROUTE.with(|s| s.set(Some(set_route)));
    follow_links(is_field_path, move |path| set_route.set(Route::parse(path)));
    route
}

/// The field app's own paths: the server's API and the office app (`/office/`, a separate app
/// the server serves) are left to the browser.
fn is_field_path(href: &str) -> bool {
    href.starts_with('/')
        && !href.starts_with("//")
        && !href.starts_with("/api/")
        && href != "/office"
        && !href.starts_with("/office/")
}

/// Keep navigation inside an app: back/forward (`popstate`) and clicks on links to the app's own
/// paths (`is_app_path`) call `go` with the new path, the clicks after a `pushState` instead of
/// loading a new document. Any other link (another app, the API, a download) loads as usual.
pub fn follow_links(is_app_path: fn(&str) -> bool, go: impl Fn(&str) + Copy + 'static) {
    let window = gloo::utils::window();
    let pop = EventListener::new(&window, "popstate", move |_| go(&current_path()));
    // Not passive: gloo registers listeners as passive unless told otherwise, and the browser then
    // ignores `prevent_default()`, loading a whole new document for every link (aborting any
    // upload in flight and dropping whatever the page held in memory).
    let click = EventListener::new_with_options(
        &gloo::utils::document(),
        "click",
        EventListenerOptions::enable_prevent_default(),
        move |ev| {
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
            if !is_app_path(&href) || link.has_attribute("download") {
                return;
            }
            ev.prevent_default();
            let window = gloo::utils::window();
            if let Ok(history) = window.history() {
                let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
            }
            go(&href);
            window.scroll_to_with_x_and_y(0.0, 0.0);
        },
    );
    // Both live as long as the app.
    pop.forget();
    click.forget();
}
