//! Talking to the sync server. Only the server's own JSON counts as an answer.

use fieldbook_model::{
    ApiError, OpsRequest, PushVerdict, SessionInfo, SignIn, SyncResponse, sync::judge_ops_reply,
};
use gloo::net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use uuid::Uuid;
use web_sys::AbortController;

/// A weak network can leave a request hanging for minutes; give up and retry later instead.
const TIMEOUT_MS: u32 = 20_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiFail {
    /// No answer, a timeout, or an answer that is not the server's JSON (a captive portal).
    Unreachable,
    /// The server says the session is missing or expired.
    Unauthorized,
    /// The server answered with its own error.
    Server(u16, ApiError),
    /// The server asks to wait (429): too many failed sign-ins for this account, or too many
    /// requests. Not "no signal": the server answered.
    Wait { sign_ins: bool, seconds: u64 },
}

struct Raw {
    status: u16,
    content_type: Option<String>,
    retry_after: Option<u64>,
    body: String,
}

async fn send(
    builder: RequestBuilder,
    body: Option<&impl serde::Serialize>,
) -> Result<Raw, ApiFail> {
    let controller = AbortController::new().map_err(|_| ApiFail::Unreachable)?;
    let builder = builder
        .header("Accept", "application/json")
        .abort_signal(Some(&controller.signal()));
    let request = match body {
        Some(b) => builder.json(b),
        None => builder.build(),
    }
    .map_err(|_| ApiFail::Unreachable)?;
    send_request(request, controller, TIMEOUT_MS).await
}

/// A photo of ~400 KB on a weak uplink may need minutes; a stuck one must still end.
const PHOTO_TIMEOUT_MS: u32 = 180_000;

async fn send_request(
    request: Request,
    controller: AbortController,
    timeout_ms: u32,
) -> Result<Raw, ApiFail> {
    let timer = gloo::timers::callback::Timeout::new(timeout_ms, move || controller.abort());
    let result = read(request.send().await).await;
    drop(timer);
    result
}

async fn read(response: Result<Response, gloo::net::Error>) -> Result<Raw, ApiFail> {
    let response = response.map_err(|_| ApiFail::Unreachable)?;
    let status = response.status();
    let content_type = response.headers().get("content-type");
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|s| s.trim().parse().ok());
    let body = response.text().await.map_err(|_| ApiFail::Unreachable)?;
    Ok(Raw {
        status,
        content_type,
        retry_after,
        body,
    })
}

fn is_json(raw: &Raw) -> bool {
    raw.content_type
        .as_deref()
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

fn judge<T: DeserializeOwned>(raw: Raw) -> Result<T, ApiFail> {
    let body = accepted(raw)?;
    fieldbook_model::json::from_str(&body).map_err(|_| ApiFail::Unreachable)
}

/// The body of a successful JSON answer, or what any other answer means. Apart from [`judge`]'s
/// one generic line, so that it is in the wasm once rather than once for every answer's type.
fn accepted(raw: Raw) -> Result<String, ApiFail> {
    if !is_json(&raw) {
        return Err(ApiFail::Unreachable);
    }
    match raw.status {
        200..=299 => Ok(raw.body),
        401 => Err(ApiFail::Unauthorized),
        408 => Err(ApiFail::Unreachable),
        429 => Err(ApiFail::Wait {
            sign_ins: fieldbook_model::json::from_str::<ApiError>(&raw.body)
                .is_ok_and(|e| e.error == "too_many_sign_ins"),
            seconds: raw.retry_after.unwrap_or(60),
        }),
        // The server's own errors, 5xx included, are its answer, not a lost connection.
        status => match fieldbook_model::json::from_str::<ApiError>(&raw.body) {
            Ok(err) => Err(ApiFail::Server(status, err)),
            Err(_) => Err(ApiFail::Unreachable),
        },
    }
}

pub async fn sign_in(username: &str, password: &str) -> Result<SessionInfo, ApiFail> {
    let body = SignIn {
        username: username.to_string(),
        password: password.to_string(),
    };
    judge(send(Request::post("/api/session"), Some(&body)).await?)
}

pub async fn sign_out() -> Result<(), ApiFail> {
    let raw = send(Request::delete("/api/session"), None::<&()>).await?;
    judge::<serde::de::IgnoredAny>(raw).map(|_| ())
}

pub async fn pull(cursor: i64) -> Result<SyncResponse, ApiFail> {
    judge(
        send(
            Request::get(&format!("/api/sync?cursor={cursor}")),
            None::<&()>,
        )
        .await?,
    )
}

/// Send one batch of operations and judge the answer against what was sent; `None` when no
/// reply came at all (no signal, or it timed out).
pub async fn push(request: &OpsRequest) -> Option<PushVerdict> {
    let sent: Vec<Uuid> = request.ops.iter().map(|op| op.id).collect();
    let raw = send(Request::post("/api/ops"), Some(request)).await.ok()?;
    Some(judge_ops_reply(
        raw.status,
        raw.content_type.as_deref(),
        &raw.body,
        &sent,
    ))
}

/// What became of a photo's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoPut {
    /// The server holds exactly these bytes (stored now, or before).
    Stored,
    /// The server does not know the photo yet: its metadata operation has not arrived.
    NotYet,
    /// The server refused the bytes, with its reason.
    Refused(String),
}

/// `PUT /api/photos/{id}` with the bytes and their SHA-256 (RFC 9530 Content-Digest).
///
/// Sent with XMLHttpRequest rather than fetch: only XHR reports upload progress in every browser
/// we target (a streaming fetch body needs HTTP/2 and is Chromium-only). `progress` gets the
/// fraction sent, 0.0 to 1.0. The answer is judged exactly as any other: only the server's own
/// JSON counts, and a photo that hangs is abandoned after [`PHOTO_TIMEOUT_MS`].
pub async fn put_photo(
    id: Uuid,
    blob: &web_sys::Blob,
    content_type: &str,
    digest: &str,
    progress: impl Fn(f64) + 'static,
) -> Result<PhotoPut, ApiFail> {
    let raw = xhr_put(
        &format!("/api/photos/{id}"),
        blob,
        content_type,
        digest,
        progress,
    )
    .await?;
    match judge::<serde::de::IgnoredAny>(raw) {
        Ok(_) => Ok(PhotoPut::Stored),
        Err(ApiFail::Server(404, _)) => Ok(PhotoPut::NotYet),
        // A refusal is about these bytes; the server's own trouble (5xx) is tried again later.
        Err(ApiFail::Server(status, err)) if status < 500 => Ok(PhotoPut::Refused(err.message)),
        Err(other) => Err(other),
    }
}

async fn xhr_put(
    url: &str,
    blob: &web_sys::Blob,
    content_type: &str,
    digest: &str,
    progress: impl Fn(f64) + 'static,
) -> Result<Raw, ApiFail> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let fail = |_| ApiFail::Unreachable;
    let xhr = web_sys::XmlHttpRequest::new().map_err(fail)?;
    xhr.open("PUT", url).map_err(fail)?;
    xhr.set_timeout(PHOTO_TIMEOUT_MS);
    for (name, value) in [
        ("Accept", "application/json"),
        ("Content-Type", content_type),
        ("Content-Digest", digest),
    ] {
        xhr.set_request_header(name, value).map_err(fail)?;
    }
    let on_progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
            if ev.length_computable() && ev.total() > 0.0 {
                progress(ev.loaded() / ev.total());
            }
        });
    xhr.upload()
        .map_err(fail)?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    // `loadend` follows every ending: answered, network error, timeout or abort.
    let done = js_sys::Promise::new(&mut |resolve, _| {
        xhr.set_onloadend(Some(&resolve));
    });
    xhr.send_with_opt_blob(Some(blob)).map_err(fail)?;
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    xhr.set_onloadend(None);
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(None);
    }
    drop(on_progress);
    let status = xhr.status().map_err(fail)?;
    // Status 0: no answer at all (network error, timeout, abort).
    if status == 0 {
        return Err(ApiFail::Unreachable);
    }
    Ok(Raw {
        status,
        content_type: xhr.get_response_header("content-type").ok().flatten(),
        retry_after: None,
        body: xhr.response_text().ok().flatten().unwrap_or_default(),
    })
}

/// A `GET` answered with the server's JSON, read as `T` (the office's reads: the field app reads
/// IndexedDB and only pulls).
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiFail> {
    judge(send(Request::get(path), None::<&()>).await?)
}

/// The body of a `GET` answered with the server's JSON, for a caller that reads it more than
/// one way.
pub async fn get_body(path: &str) -> Result<String, ApiFail> {
    accepted(send(Request::get(path), None::<&()>).await?)
}

/// A `POST` or `PUT` (any `method` but GET) with a JSON body already written, answered with the
/// server's JSON: its body, for the office's changes. The body comes as text so that this is in
/// the wasm once, whatever is sent.
pub async fn send_body(method: &str, path: &str, json: String) -> Result<String, ApiFail> {
    let builder = match method {
        "PUT" => Request::put(path),
        _ => Request::post(path),
    };
    let controller = AbortController::new().map_err(|_| ApiFail::Unreachable)?;
    let request = builder
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .abort_signal(Some(&controller.signal()))
        .body(json)
        .map_err(|_| ApiFail::Unreachable)?;
    accepted(send_request(request, controller, TIMEOUT_MS).await?)
}
