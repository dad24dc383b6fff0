//! The office's reads from the server, on the field app's request layer (`fieldbook::api`): only
//! the server's own JSON counts as an answer, and a hanging request ends.

use fieldbook::api::{self, ApiFail};
use fieldbook_model::{HeldOperation, WorkOrder, WorkOrderDetail};
use uuid::Uuid;

/// The office's list of recent work orders.
pub async fn work_orders() -> Result<Vec<WorkOrder>, ApiFail> {
    api::get("/api/work-orders").await
}

/// One work order as the office sees it, with work held after a reassignment.
pub async fn work_order(id: Uuid) -> Result<WorkOrderDetail, ApiFail> {
    /// The answer's `held`, beside the work order's own fields.
    #[derive(serde::Deserialize)]
    struct Held {
        #[serde(default)]
        held: Option<Vec<HeldOperation>>,
    }
    let body = api::get_body(&format!("/api/work-orders/{id}")).await?;
    // The body read twice, as a plain work order and for its `held`, instead of through
    // `WorkOrderDetail`'s `#[serde(flatten)]`: that buffers the order and builds a second parser
    // for it and everything in it (about 11 KiB brotli of wasm).
    let work_order = serde_json::from_str(&body).map_err(|_| ApiFail::Unreachable)?;
    let Held { held } = serde_json::from_str(&body).map_err(|_| ApiFail::Unreachable)?;
    Ok(WorkOrderDetail { work_order, held })
}
