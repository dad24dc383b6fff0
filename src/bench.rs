//! Entry points for the benchmarks in bench/ (called from the page through `window.wasmBindings`,
//! which Trunk sets). They run the app's real code paths; nothing in the app calls them.

use wasm_bindgen::prelude::*;

/// The whole photo pipeline on one file, as a capture does it: decode with orientation, resize
/// to the stored size, encode JPEG, hash. Returns `[bytes, width, height]`.
#[wasm_bindgen]
pub async fn bench_process_photo(file: web_sys::Blob) -> Result<Vec<f64>, JsValue> {
    let p = crate::photo::process(&file, fieldbook_model::photo::LONG_EDGE_PX, &[])
        .await
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    Ok(vec![p.bytes as f64, p.width as f64, p.height as f64])
}

/// Queue already-encoded JPEGs on a work order exactly as the photo screen does after a capture:
/// hash and measure with [`crate::photo::finish`], then one [`crate::sync::record`] per photo
/// (its `AddPhoto` operation and its bytes in one transaction). Returns how many were queued.
#[wasm_bindgen]
pub async fn bench_queue_photos(
    work_order_id: String,
    slot: String,
    width: u32,
    height: u32,
    blobs: js_sys::Array,
) -> Result<u32, JsValue> {
    use wasm_bindgen::JsCast;

    let fail = |e: &dyn std::fmt::Display| JsValue::from_str(&e.to_string());
    let order = uuid::Uuid::parse_str(&work_order_id).map_err(|e| fail(&e))?;
    let profile = crate::sync::db()
        .profile()
        .await
        .map_err(|e| fail(&e))?
        .ok_or_else(|| JsValue::from_str("nobody is signed in"))?;
    let mut queued = 0;
    for blob in blobs.iter() {
        let blob: web_sys::Blob = blob
            .dyn_into()
            .map_err(|_| JsValue::from_str("not a Blob"))?;
        let p = crate::photo::finish(blob, width, height, "image/jpeg")
            .await
            .map_err(|e| fail(&e))?;
        let (kind, photo) = p.into_record(order, &slot, &profile.username);
        let db = crate::sync::db();
        let state = crate::sync::state();
        crate::sync::record(&db, state, &profile, vec![kind], vec![photo])
            .await
            .map_err(|e| fail(&e))?;
        queued += 1;
    }
    Ok(queued)
}

/// Ask the uploader for a run now, as the `online` event does (skips any backoff wait).
#[wasm_bindgen]
pub fn bench_kick() {
    crate::sync::kick();
}

/// The outbox as the sync badge sees it: `[queued, rejected, photos unsent, photos refused]`,
/// read from IndexedDB the way the uploader's refresh reads it.
#[wasm_bindgen]
pub async fn bench_outbox_counts() -> Result<Vec<f64>, JsValue> {
    let db = crate::sync::db();
    let user = db
        .profile()
        .await
        .ok()
        .flatten()
        .map(|p| p.username)
        .unwrap_or_default();
    let c = db
        .outbox_counts(&user)
        .await
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    Ok(vec![
        c.queued as f64,
        c.rejected as f64,
        c.photos as f64,
        c.photos_refused as f64,
    ])
}

/// Write `orders_json` (a JSON array of work orders) to a fresh database named `db_name` the way
/// a sync pull does: [`crate::db::Db::apply_pull`], one transaction, from the JSON text.
/// Returns `[text to parsed, text to committed]` in milliseconds.
#[wasm_bindgen]
pub async fn bench_write_orders(db_name: String, orders_json: String) -> Result<Vec<f64>, JsValue> {
    let fail = |e: &dyn std::fmt::Display| JsValue::from_str(&e.to_string());
    let db = crate::db::Db::open(&db_name).await.map_err(|e| fail(&e))?;
    let start = js_sys::Date::now();
    let work_orders: Vec<fieldbook_model::WorkOrder> =
        fieldbook_model::json::from_str(&orders_json).map_err(|e| fail(&e))?;
    let parsed = js_sys::Date::now();
    let pull = fieldbook_model::SyncResponse {
        cursor: 1,
        server_time: chrono::Utc::now(),
        work_orders,
        removed: Vec::new(),
        more: false,
        field: Default::default(),
    };
    db.apply_pull(&pull, chrono::Utc::now())
        .await
        .map_err(|e| fail(&e))?;
    Ok(vec![parsed - start, js_sys::Date::now() - start])
}

/// A whole sync pull from cursor 0 into a fresh database named `db_name`, as the uploader does
/// it: each page through [`crate::api::pull`], then [`crate::db::Db::apply_pull`], until the
/// server has no more. Returns `[time waiting for and parsing answers, time writing them,
/// orders, pages]` in milliseconds.
#[wasm_bindgen]
pub async fn bench_pull(db_name: String) -> Result<Vec<f64>, JsValue> {
    let fail = |e: &dyn std::fmt::Display| JsValue::from_str(&e.to_string());
    let db = crate::db::Db::open(&db_name).await.map_err(|e| fail(&e))?;
    let (mut fetching, mut writing, mut orders, mut pages) = (0.0, 0.0, 0, 0);
    let mut cursor = 0;
    loop {
        let start = js_sys::Date::now();
        let batch = crate::api::pull(cursor)
            .await
            .map_err(|e| JsValue::from_str(&format!("{e:?}")))?;
        let answered = js_sys::Date::now();
        db.apply_pull(&batch, chrono::Utc::now())
            .await
            .map_err(|e| fail(&e))?;
        fetching += answered - start;
        writing += js_sys::Date::now() - answered;
        orders += batch.work_orders.len();
        pages += 1;
        cursor = batch.cursor;
        if !batch.more {
            break;
        }
    }
    Ok(vec![fetching, writing, orders as f64, pages as f64])
}
