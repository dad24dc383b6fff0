//! The complaints' and call-backs' requests (issue 17): reads through the field app's request
//! layer; changes through one function that also keeps the `field` a refusal names, so that the
//! message goes under the field it concerns.

use chrono::{DateTime, Utc};
use fieldbook::api::{self, ApiFail};
use fieldbook_model::ApiError;
use fieldbook_model::cleaning::PhotoRef;
use fieldbook_model::complaints::{CallBackDue, Complaint, LedgerRow, WorkCalendar};
use fieldbook_model::findings::{Assignee, FindingState, FindingStep};
use gloo::net::http::Request;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `GET /api/complaints?since=N`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ComplaintChanges {
    #[serde(default)]
    pub complaints: Vec<Complaint>,
    #[serde(default)]
    pub seq: i64,
}

/// A complaint with its fix task, as `GET /api/complaints/{id}` and every change answer it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ComplaintDetail {
    pub complaint: Complaint,
    pub task: Task,
}

/// The fix task (a `Finding`) as the desk shows it: the fields it reads, no more (the whole
/// finding's reader, its source and before photos, cost the wasm ~4 KiB brotli for nothing).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Task {
    pub state: FindingState,
    #[serde(default)]
    pub assignee: Option<Assignee>,
    #[serde(default)]
    pub due: Option<DateTime<Utc>>,
    #[serde(default)]
    pub after_photos: Vec<PhotoRef>,
    #[serde(default)]
    pub history: Vec<FindingStep>,
    /// Two devices' steps both kept (`fieldbook_model::conflict`): the desk shows 有冲突 and
    /// leaves the task to the team's supervisor, who keeps one.
    #[serde(default)]
    pub conflict: Option<serde::de::IgnoredAny>,
}

/// A refusal: the server's code and message, and the field it names, when it names one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub error: String,
    pub message: String,
    pub field: Option<String>,
    /// The whole answer, for what a refusal carries beside its code (a claim's missing list).
    pub body: String,
}

/// What a change ended with when it did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeFail {
    /// Unreachable or signed out, as every read says.
    Api(ApiFail),
    Refused(Refusal),
}

pub async fn complaints(since: i64) -> Result<ComplaintChanges, ApiFail> {
    api::get(&format!("/api/complaints?since={since}")).await
}

pub async fn complaint(id: Uuid) -> Result<ComplaintDetail, ApiFail> {
    api::get(&format!("/api/complaints/{id}")).await
}

pub async fn call_backs_due() -> Result<Vec<CallBackDue>, ApiFail> {
    api::get("/api/call-backs/due").await
}

pub async fn calendar() -> Result<WorkCalendar, ApiFail> {
    api::get("/api/calendar").await
}

/// The month's ledger (`month` as `2026-12`).
pub async fn ledger(month: String) -> Result<Vec<LedgerRow>, ApiFail> {
    api::get(&ledger_href(&month, "json")).await
}

/// The ledger's download in `format` (csv or xlsx).
pub fn ledger_href(month: &str, format: &str) -> String {
    format!("/api/complaints/ledger?month={month}&format={format}")
}

/// A JSON change (`POST` unless `method` is `PUT`); the answer's body on success.
pub async fn change(method: &str, path: &str, body: &impl Serialize) -> Result<String, ChangeFail> {
    let json = serde_json::to_string(body).map_err(|_| ChangeFail::Api(ApiFail::Unreachable))?;
    send(method, path, json).await
}

/// A change with its JSON body already written.
pub async fn send(method: &str, path: &str, json: String) -> Result<String, ChangeFail> {
    let unreachable = ChangeFail::Api(ApiFail::Unreachable);
    let builder = if method == "PUT" {
        Request::put(path)
    } else {
        Request::post(path)
    };
    let request = builder
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .body(json)
        .map_err(|_| unreachable.clone())?;
    let response = request.send().await.map_err(|_| unreachable.clone())?;
    let status = response.status();
    let json = response
        .headers()
        .get("content-type")
        .is_some_and(|ct| ct.starts_with("application/json"));
    let body = response.text().await.map_err(|_| unreachable.clone())?;
    if !json {
        return Err(unreachable);
    }
    match status {
        200..=299 => Ok(body),
        401 => Err(ChangeFail::Api(ApiFail::Unauthorized)),
        408 | 429 | 500..=599 => Err(unreachable),
        status => {
            #[derive(Deserialize)]
            struct Body {
                error: String,
                #[serde(default)]
                message: String,
                #[serde(default)]
                field: Option<String>,
            }
            let b: Body =
                fieldbook_model::json::from_str(&body).map_err(|_| unreachable.clone())?;
            Err(ChangeFail::Refused(Refusal {
                status,
                error: b.error,
                message: b.message,
                field: b.field,
                body,
            }))
        }
    }
}

impl ChangeFail {
    /// As the reads' failure, for the words every screen has for it.
    pub fn api(&self) -> ApiFail {
        match self {
            ChangeFail::Api(f) => f.clone(),
            ChangeFail::Refused(r) => ApiFail::Server(
                r.status,
                ApiError {
                    error: r.error.clone(),
                    message: r.message.clone(),
                },
            ),
        }
    }
}

/// A complaint-with-task answer read; `None` when the answer is something else.
pub fn detail(body: &str) -> Option<ComplaintDetail> {
    fieldbook_model::json::from_str(body).ok()
}

/// Sort `v` by an integer key, stably, through one sort of `(key, index)` pairs: every element
/// type sorted with the standard library's own sort carries a copy of it in the wasm (~10 KiB).
pub fn order_by<T>(v: &mut Vec<T>, key: impl Fn(&T) -> i64) {
    let mut keys: Vec<(i64, usize)> = v.iter().enumerate().map(|(i, t)| (key(t), i)).collect();
    keys.sort_unstable();
    let mut held: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(keys.into_iter().filter_map(|(_, i)| held[i].take()));
}
