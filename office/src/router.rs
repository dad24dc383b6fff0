//! The office's screens by path, all under `/office/`. Navigation is the field app's
//! (`fieldbook::router::follow_links`): links to the office's own paths stay in the app, any
//! other (the field app at `/`, the API, a download) loads as usual.

use leptos::prelude::*;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// Every work order, as a table.
    WorkOrders,
    /// One work order: its photos by slot, its report, work held after a reassignment.
    WorkOrder(Uuid),
    /// 接报/派工: a customer's call taken and dispatched.
    NewCall,
    /// 跟进: the follow-up lists.
    FollowUps,
}

impl Route {
    /// Unknown paths under `/office/` show the list, as the server's fallback serves the app for
    /// every one of them.
    pub fn parse(path: &str) -> Route {
        let rest = path.strip_prefix("/office").unwrap_or(path);
        let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
        let id = |s: &str| Uuid::parse_str(s).ok();
        match parts.as_slice() {
            ["work-orders", s] => id(s).map_or(Route::WorkOrders, Route::WorkOrder),
            ["call"] => Route::NewCall,
            ["follow-ups"] => Route::FollowUps,
            // The address of an order's page while it was in the field app.
            [s] => id(s).map_or(Route::WorkOrders, Route::WorkOrder),
            _ => Route::WorkOrders,
        }
    }

    /// The path of this screen: every link is built here, so `parse(href())` is the route again.
    pub fn href(self) -> String {
        match self {
            Route::WorkOrders => "/office/".into(),
            Route::WorkOrder(id) => format!("/office/work-orders/{id}"),
            Route::NewCall => "/office/call".into(),
            Route::FollowUps => "/office/follow-ups".into(),
        }
    }
}

fn is_office_path(href: &str) -> bool {
    href == "/office" || href.starts_with("/office/")
}

/// Go to a screen from code (after creating an order), as a followed link does.
pub fn go(route: Route) {
    let href = route.href();
    if let Ok(history) = gloo::utils::window().history() {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
    }
    if let Some(set) = SET_ROUTE.with(std::cell::Cell::get) {
        set.set(route);
    }
    gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0);
}

thread_local! {
    static SET_ROUTE: std::cell::Cell<Option<WriteSignal<Route>>> = const { std::cell::Cell::new(None) };
}

/// Start following navigation; the returned signal is the current screen.
pub fn start() -> ReadSignal<Route> {
    let path = gloo::utils::window()
        .location()
        .pathname()
        .unwrap_or_default();
    let (route, set_route) = signal(Route::parse(&path));
    SET_ROUTE.with(|s| s.set(Some(set_route)));
    fieldbook::router::follow_links(is_office_path, move |path| {
        set_route.set(Route::parse(path))
    });
    route
}
