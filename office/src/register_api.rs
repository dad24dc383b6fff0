//! The register's, photo rules' and imports' requests: reads through the field app's request
//! layer, writes (JSON, a picture, a file) here with the same rule: only the server's own JSON
//! counts as an answer.

use std::collections::BTreeMap;

use fieldbook::api::{self, ApiFail};
use fieldbook_model::ApiError;
use fieldbook_model::desk::{DeskSettings, Machine, MachineHistory, SlotRule};
use fieldbook_model::register::ImportReport;
use gloo::net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use uuid::Uuid;
use wasm_bindgen::JsValue;

/// A path segment with everything but unreserved characters percent-encoded.
pub fn segment(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

async fn answer<T: DeserializeOwned>(
    request: Result<Request, gloo::net::Error>,
) -> Result<T, ApiFail> {
    let request = request.map_err(|_| ApiFail::Unreachable)?;
    let response = request.send().await.map_err(|_| ApiFail::Unreachable)?;
    let status = response.status();
    let json = response
        .headers()
        .get("content-type")
        .is_some_and(|ct| ct.starts_with("application/json"));
    let body = response.text().await.map_err(|_| ApiFail::Unreachable)?;
    if !json {
        return Err(ApiFail::Unreachable);
    }
    match status {
        200..=299 => fieldbook_model::json::from_str(&body).map_err(|_| ApiFail::Unreachable),
        401 => Err(ApiFail::Unauthorized),
        408 | 429 | 500..=599 => Err(ApiFail::Unreachable),
        status => fieldbook_model::json::from_str::<ApiError>(&body)
            .map(|e| Err(ApiFail::Server(status, e)))
            .unwrap_or(Err(ApiFail::Unreachable)),
    }
}

fn json_body(
    builder: RequestBuilder,
    body: &impl serde::Serialize,
) -> Result<Request, gloo::net::Error> {
    builder.header("Accept", "application/json").json(body)
}

fn raw_body(builder: RequestBuilder, body: &JsValue) -> Result<Request, gloo::net::Error> {
    builder
        .header("Accept", "application/json")
        .body(body.clone())
}

pub async fn search(q: String) -> Result<Vec<Machine>, ApiFail> {
    api::get(&format!("/api/machines?q={}", segment(&q))).await
}

pub async fn machine(serial: String) -> Result<MachineHistory, ApiFail> {
    api::get(&format!("/api/machines/{}", segment(&serial))).await
}

pub async fn put_machine(machine: Machine) -> Result<Machine, ApiFail> {
    let path = format!("/api/machines/{}", segment(machine.serial.trim()));
    answer(json_body(Request::put(&path), &machine)).await
}

pub async fn photo_slots() -> Result<BTreeMap<String, Vec<SlotRule>>, ApiFail> {
    api::get("/api/settings/photo-slots").await
}

pub async fn put_photo_slots(service: &str, rules: &[SlotRule]) -> Result<Vec<SlotRule>, ApiFail> {
    let path = format!("/api/settings/photo-slots/{service}");
    answer(json_body(Request::put(&path), &rules)).await
}

/// Upload a picture under a new id; the id, once stored.
pub async fn put_example(file: &web_sys::File) -> Result<Uuid, ApiFail> {
    let id = Uuid::new_v4();
    let path = example_path(id);
    let _: serde::de::IgnoredAny = answer(raw_body(
        Request::put(&path).header("Content-Type", &file.type_()),
        file.as_ref(),
    ))
    .await?;
    Ok(id)
}

pub fn example_path(id: Uuid) -> String {
    format!("/api/settings/examples/{id}")
}

/// The desk's settings (`GET /api/settings`, built beside this on the desk-server branch).
pub async fn settings() -> Result<DeskSettings, ApiFail> {
    api::get("/api/settings").await
}

pub async fn put_settings(settings: &DeskSettings) -> Result<DeskSettings, ApiFail> {
    answer(json_body(Request::put("/api/settings"), settings)).await
}

/// `what`: `work-orders` or `machines`.
pub async fn import(what: &str, file: &web_sys::File) -> Result<ImportReport, ApiFail> {
    let path = format!("/api/import/{what}");
    answer(raw_body(Request::post(&path), file.as_ref())).await
}
