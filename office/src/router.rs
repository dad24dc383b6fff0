//! The office's screens by path, all under `/office/`. Navigation is the field app's
//! (`fieldbook::router::follow_links`): links to the office's own paths stay in the app, any
//! other (the field app at `/`, the API, a download) loads as usual.

use leptos::prelude::*;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Every work order, as a table.
    WorkOrders,
    /// One work order: its photos by slot, its report, work held after a reassignment.
    WorkOrder(Uuid),
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
        }
    }
}

fn is_office_path(href: &str) -> bool {
    href == "/office" || href.starts_with("/office/")
}

/// Start following navigation; the returned signal is the current screen.
pub fn start() -> ReadSignal<Route> {
    let path = gloo::utils::window()
        .location()
        .pathname()
        .unwrap_or_default();
    let (route, set_route) = signal(Route::parse(&path));
    fieldbook::router::follow_links(is_office_path, move |path| {
        set_route.set(Route::parse(path))
    });
    route
}
