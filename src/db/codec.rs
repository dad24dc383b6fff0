//! Records to and from IndexedDB: through JSON text and the browser's own parser, and written in
//! chunks (see `put_many`).

use serde::{Serialize, de::DeserializeOwned};
use wasm_bindgen::JsValue;

use super::{DbError, Result};

pub(super) fn to_js<T: Serialize>(value: &T) -> Result<JsValue> {
    // Through JSON text and the browser's own parser: the API already needs serde_json for
    // every type, and a second serializer (serde-wasm-bindgen) for the same types cost the wasm
    // tens of KiB. Stored values stay plain objects, readable in DevTools.
    parse(&serde_json::to_string(value).map_err(|e| DbError::Decode(e.to_string()))?)
}

pub(super) fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T> {
    fieldbook_model::json::from_str(&stringify(&value)?).map_err(|e| DbError::Decode(e.to_string()))
}

// The halves that do not depend on the type: one copy in the wasm, not one per stored type.
pub(super) fn parse(text: &str) -> Result<JsValue> {
    js_sys::JSON::parse(text).map_err(|e| DbError::Decode(format!("{e:?}")))
}

pub(super) fn stringify(value: &JsValue) -> Result<String> {
    Ok(js_sys::JSON::stringify(value)
        .map_err(|e| DbError::Decode(format!("{e:?}")))?
        .into())
}

/// Every value of a `get_all` at once: one JSON text for the lot instead of one per value
/// (10,000 stored orders read in about half the time).
pub(super) fn from_js_all<T: DeserializeOwned>(values: Vec<JsValue>) -> Result<Vec<T>> {
    from_js(values.into_iter().collect::<js_sys::Array>().into())
}

/// How many work orders [`Db::work_orders`] reads at a time (~10 ms of main thread each).
pub(super) const READ_PAGE: u32 = 500;

/// How many values [`put_many`] hands the browser at a time: ~250 orders are ~15 ms of main
/// thread on a mid phone, well under the 50 ms a tap may wait.
pub(super) const PUT_CHUNK: usize = 250;

/// Put many values in one store of an open read-write transaction. Each chunk is one JSON text
/// parsed once by the browser, its puts issued without waiting for each. Between chunks the page
/// answers taps and draws, yet the browser's writer is never idle: the next chunk is issued when
/// the one before the current one is written. A pull of 10,000 orders is still one atomic write,
/// and never one long freeze. `key` gives the key of a store without a key path.
pub(super) async fn put_many<T: Serialize>(
    store: &rexie::Store,
    values: &[T],
    key: impl Fn(&T) -> Option<JsValue>,
) -> Result<()> {
    use std::future::{Future, poll_fn};
    use std::task::Poll;
    let mut in_flight = None;
    for chunk in values.chunks(PUT_CHUNK) {
        let array: js_sys::Array = to_js(&chunk)?.into();
        let puts: Vec<_> = array.iter().zip(chunk).map(|(v, t)| (v, key(t))).collect();
        let mut next = Box::pin(store.put_all(puts.into_iter()));
        // Its first poll issues the chunk's puts (the transaction is active here: at its start,
        // or right after a request of it succeeded).
        if let Poll::Ready(done) = poll_fn(|cx| Poll::Ready(next.as_mut().poll(cx))).await {
            done?;
            continue;
        }
        if let Some(previous) = in_flight.replace(next) {
            previous.await?;
        }
    }
    if let Some(last) = in_flight {
        last.await?;
    }
    Ok(())
}
