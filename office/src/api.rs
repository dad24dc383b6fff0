//! The office's reads and changes on the server, on the field app's request layer
//! (`fieldbook::api`): only the server's own JSON counts as an answer, and a hanging request ends.

use fieldbook::api::{self, ApiFail};
use fieldbook_model::desk::{EngineerLoad, Machine, OrderChanges};
use fieldbook_model::{ClockOff, HeldOperation, WorkOrder, WorkOrderDetail};
use serde::Serialize;
use uuid::Uuid;

/// The office's list of recent work orders.
pub async fn work_orders() -> Result<Vec<WorkOrder>, ApiFail> {
    api::get("/api/work-orders").await
}

/// The orders changed after sequence value `since` (the desk's poll).
pub async fn changes(since: i64) -> Result<OrderChanges, ApiFail> {
    api::get(&format!("/api/work-orders?since={since}")).await
}

/// One work order as the office sees it, with work held after a reassignment.
pub async fn work_order(id: Uuid) -> Result<WorkOrderDetail, ApiFail> {
    detail(api::get_body(&format!("/api/work-orders/{id}")).await?)
}

/// A `WorkOrderDetail` answer read.
fn detail(body: String) -> Result<WorkOrderDetail, ApiFail> {
    /// The answer's `held` and `clock_off`, beside the work order's own fields.
    #[derive(serde::Deserialize)]
    struct Held {
        #[serde(default)]
        held: Option<Vec<HeldOperation>>,
        #[serde(default)]
        clock_off: Vec<ClockOff>,
    }
    // The body read twice, as a plain work order and for its `held`, instead of through
    // `WorkOrderDetail`'s `#[serde(flatten)]`: that buffers the order and builds a second parser
    // for it and everything in it (about 11 KiB brotli of wasm).
    let work_order = fieldbook_model::json::from_str(&body).map_err(|_| ApiFail::Unreachable)?;
    let Held { held, clock_off } =
        fieldbook_model::json::from_str(&body).map_err(|_| ApiFail::Unreachable)?;
    Ok(WorkOrderDetail {
        work_order,
        held,
        clock_off,
    })
}

/// `GET /api/engineers`: who can be dispatched, with their load.
pub async fn engineers() -> Result<Vec<EngineerLoad>, ApiFail> {
    api::get("/api/engineers").await
}

/// `GET /api/machines?q=`: the register's machines whose serial or model matches.
pub async fn machines(q: &str) -> Result<Vec<Machine>, ApiFail> {
    api::get(&format!("/api/machines?q={}", encode(q))).await
}

/// `GET /api/work-orders/next-ticket`: the ticket the rule would give now.
pub async fn next_ticket() -> Result<String, ApiFail> {
    #[derive(serde::Deserialize)]
    struct Next {
        ticket: String,
    }
    api::get::<Next>("/api/work-orders/next-ticket")
        .await
        .map(|n| n.ticket)
}

/// A change sent as `method` (POST or PUT) to `path`; the answer's body if it is the order (the
/// server answers a `WorkOrderDetail` or a `WorkOrder` for most changes), else `None`.
pub async fn change(
    method: &str,
    path: &str,
    body: &impl Serialize,
) -> Result<Option<WorkOrderDetail>, ApiFail> {
    let json = serde_json::to_string(body).map_err(|_| ApiFail::Unreachable)?;
    change_json(method, path, json).await
}

/// [`change`] with the body already written as JSON: one copy of the request's code in the wasm
/// for every kind of body, not one per type.
pub async fn change_json(
    method: &str,
    path: &str,
    json: String,
) -> Result<Option<WorkOrderDetail>, ApiFail> {
    let answer = api::send_body(method, path, json).await?;
    Ok(detail(answer).ok())
}

/// A query value as a URL wants it (letters, digits and `-_.~` as they are; the rest as UTF-8 %XX).
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `GET /api/scorecards/engineers?month=YYYY-MM`: the engineers' scorecards the reader may see.
pub async fn scorecards(
    month: String,
) -> Result<fieldbook_model::scorecard::EngineerScorecards, ApiFail> {
    api::get(&scorecards_href(&month, "json")).await
}

/// The scorecards' download in `format` (csv or xlsx).
pub fn scorecards_href(month: &str, format: &str) -> String {
    format!("/api/scorecards/engineers?month={month}&format={format}")
}

/// `GET /api/scorecards/agents?month=`: the 400 agents' scorecards the reader may see.
pub async fn agent_scorecards(
    month: String,
) -> Result<fieldbook_model::scorecard::agent::AgentScorecards, ApiFail> {
    api::get(&scorecard_href("agents", &month, "json")).await
}

/// `GET /api/scorecards/supervisors?month=`: the cleaning supervisors' scorecards.
pub async fn supervisor_scorecards(
    month: String,
) -> Result<fieldbook_model::scorecard::supervisor::SupervisorScorecards, ApiFail> {
    api::get(&scorecard_href("supervisors", &month, "json")).await
}

pub async fn cleaning_scorecards(
    month: String,
) -> Result<fieldbook_model::scorecard::cleaning::CleaningScorecards, ApiFail> {
    api::get(&scorecard_href("cleaning", &month, "json")).await
}

/// A scorecard list (`agents`, `supervisors`, `cleaning`) in `format` (json, csv or xlsx).
pub fn scorecard_href(which: &str, month: &str, format: &str) -> String {
    format!("/api/scorecards/{which}?month={month}&format={format}")
}

/// `GET /api/scorecards/{which}/trend`: a card's figures over the 12 months ending with `month`
/// (`YYYY-MM`), `by` month or week, of `who` or (`None`) everyone the reader may see.
pub async fn scorecard_trend(
    which: &'static str,
    who: Option<String>,
    by: &'static str,
    month: String,
) -> Result<fieldbook_model::scorecard::trend::Trend, ApiFail> {
    let who = who.map(|w| format!("&who={w}")).unwrap_or_default();
    api::get(&format!(
        "/api/scorecards/{which}/trend?by={by}&month={month}{who}"
    ))
    .await
}

/// An order's first-fix excuse; `Ok(None)` when it has none.
pub async fn excuse(
    id: Uuid,
) -> Result<Option<fieldbook_model::scorecard::FirstFixExcuse>, ApiFail> {
    match api::get(&format!("/api/work-orders/{id}/first-fix-excuse")).await {
        Ok(e) => Ok(Some(e)),
        Err(ApiFail::Server(404, _)) => Ok(None),
        Err(e) => Err(e),
    }
}
