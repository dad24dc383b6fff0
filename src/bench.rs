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
