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
    /// 设备档案: the equipment register's search.
    Machines,
    /// One machine: its serial is the address's (`machine_serial`), so that `Route` stays `Copy`.
    Machine,
    /// 照片规则: the photo slots per service type and the naming rule.
    PhotoRules,
    /// 导入: work orders and machines from a file.
    Imports,
    /// 投诉: the complaints, open / late / waiting for a call-back.
    Complaints,
    /// A complaint taken at the desk.
    NewComplaint,
    /// One complaint: its timeline, task and call-backs.
    Complaint(Uuid),
    /// 回访: the call-backs due (complaints and closed work orders).
    CallBacks,
    /// 工作日历: the working-day calendar.
    Calendar,
    /// 投诉台账: the month's complaint ledger.
    Ledger,
    /// 考核 (scorecards): the engineers' monthly scorecards (the manager's home).
    Scorecards,
    /// 报表: the desk's, the stations', the cleaning reports (issue 18).
    Reports,
    /// 索赔: claims support's queue of claimable orders.
    Claims,
    /// One warranty claim.
    Claim(Uuid),
    /// 商务索赔: commercial claims and their sign-offs.
    Commercial,
    /// 旧件: the old parts per station and month.
    OldParts,
    /// 人员: people's grades and sign-off titles.
    People,
}

impl Route {
    /// Unknown paths under `/office/` show the list, as the server's fallback serves the app for
    /// every one of them.
    pub fn parse(path: &str) -> Route {
        let rest = path.strip_prefix("/office").unwrap_or(path);
        let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
        let id = |s: &str| Uuid::parse_str(s).ok();
        match parts.as_slice() {
            ["machines"] => Route::Machines,
            ["machines", _] => Route::Machine,
            ["photo-rules"] => Route::PhotoRules,
            ["imports"] => Route::Imports,
            ["work-orders", s] => id(s).map_or(Route::WorkOrders, Route::WorkOrder),
            ["call"] => Route::NewCall,
            ["complaints"] => Route::Complaints,
            ["complaints", "new"] => Route::NewComplaint,
            ["complaints", s] => id(s).map_or(Route::Complaints, Route::Complaint),
            ["call-backs"] => Route::CallBacks,
            ["calendar"] => Route::Calendar,
            ["ledger"] => Route::Ledger,
            ["scorecards"] => Route::Scorecards,
            ["reports"] => Route::Reports,
            ["claims"] => Route::Claims,
            ["claims", s] => id(s).map_or(Route::Claims, Route::Claim),
            ["commercial-claims"] => Route::Commercial,
            ["old-parts"] => Route::OldParts,
            ["people"] => Route::People,
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
            Route::Machines => "/office/machines".into(),
            // The serial is not in the route: `machine_href` makes these links.
            Route::Machine => "/office/machines".into(),
            Route::PhotoRules => "/office/photo-rules".into(),
            Route::Imports => "/office/imports".into(),
            Route::Complaints => "/office/complaints".into(),
            Route::NewComplaint => "/office/complaints/new".into(),
            Route::Complaint(id) => format!("/office/complaints/{id}"),
            Route::CallBacks => "/office/call-backs".into(),
            Route::Calendar => "/office/calendar".into(),
            Route::Ledger => "/office/ledger".into(),
            Route::Scorecards => "/office/scorecards".into(),
            Route::Reports => "/office/reports".into(),
            Route::Claims => "/office/claims".into(),
            Route::Claim(id) => format!("/office/claims/{id}"),
            Route::Commercial => "/office/commercial-claims".into(),
            Route::OldParts => "/office/old-parts".into(),
            Route::People => "/office/people".into(),
        }
    }

    /// A machine's page by its serial.
    pub fn machine_href(serial: &str) -> String {
        format!(
            "/office/machines/{}",
            String::from(js_sys::encode_uri_component(serial.trim()))
        )
    }
}

/// The serial in the address of a machine's page (`/office/machines/{serial}`).
pub fn machine_serial() -> String {
    let path = gloo::utils::window()
        .location()
        .pathname()
        .unwrap_or_default();
    let raw = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    js_sys::decode_uri_component(&raw)
        .map(String::from)
        .unwrap_or(raw)
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
