//! Photo bytes: `PUT /api/photos/{photo_id}` from the engineer's phone, `GET` of the same for
//! the office, and `GET /api/work-orders/{id}/photos.zip`.
//!
//! An upload is checked completely before anything is written: the metadata (its AddPhoto
//! operation) must be applied already, the body must fit the limit as it streams, its SHA-256
//! must match both the `Content-Digest` header and the metadata, and the bytes must be the JPEG
//! or PNG of the size the metadata says. Only then is its clean copy (re-encoded upright, without
//! EXIF or any other metadata: `image_check.rs`) written to the photo store, under a key made
//! from the server's own records, and recorded in the database. Downloads serve that copy.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::Utc;
use fieldbook_model::PhotoMeta;
use fieldbook_model::op::limits::MAX_PHOTO_BYTES;
use futures_util::StreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::db;
use crate::digest;
use crate::error::AppError;
use crate::extract::ApiPath;
use crate::image_check;
use crate::photo_zip::{self, PhotoZip};
use crate::photos;
use crate::state::AppState;
use crate::stored_photo::{Filing, StoredPhoto};
use crate::work_orders;

/// Decoding a photo takes up to [`image_check::MAX_DECODE_ALLOC`] bytes: two at a time at most,
/// whatever the number of uploads in flight.
static DECODES: Semaphore = Semaphore::const_new(2);

fn parse_id(raw: &str, what: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw)
        .map_err(|_| AppError::bad_request("bad_id", format!("'{raw}' is not a {what} id")))
}

fn mismatch(message: &str) -> AppError {
    AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, "digest_mismatch", message)
}

fn too_large() -> AppError {
    AppError::refused(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("a photo may be at most {MAX_PHOTO_BYTES} bytes"),
    )
}

fn empty() -> AppError {
    AppError::bad_request("empty_body", "the photo's bytes are missing (empty body)")
}

/// `PUT /api/photos/{photo_id}`: `201` stored now, `200` stored before, an error and nothing
/// stored otherwise.
pub async fn put_photo(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(photo_id): ApiPath<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let photo_id = parse_id(&photo_id, "photo")?;
    let claimed = digest::sha256_of(
        headers
            .get("content-digest")
            .map(|v| v.to_str().unwrap_or_default()),
    )
    .map_err(|e| AppError::bad_request("bad_digest", e.to_string()))?;
    // Answered before a byte of the body is read.
    match content_length(&headers) {
        Some(n) if n > MAX_PHOTO_BYTES => return Err(too_large()),
        Some(0) => return Err(empty()),
        _ => {}
    }
    let photo = find_photo(&state, photo_id).await?;
    if photo.assignee_id != user.id {
        // Answered as an id nobody has (issue 15), so ids cannot be probed, and the phone's rule
        // (404: its metadata has not arrived, try later) still holds for the sender. Only an
        // earlier assignee of the order (taken from them meanwhile) hears why: they knew it, and
        // their phone then stops sending it.
        let mut conn = state.db.acquire().await?;
        let was_theirs = match photo.work_order_id {
            Some(order) => work_orders::was_assigned(&mut conn, order, &user.id).await?,
            None => false,
        };
        return Err(if was_theirs {
            AppError::Forbidden("the work order was given to someone else".into())
        } else {
            unknown_photo(photo_id)
        });
    }

    let (bytes, actual) = read_limited(body, content_length(&headers)).await?;
    if actual != claimed {
        return Err(mismatch(
            "the body's SHA-256 is not the one in Content-Digest (damaged on the way?)",
        ));
    }
    if digest::hex(&actual) != photo.meta.sha256 {
        return Err(mismatch(
            "these bytes are not the photo its metadata describes (another SHA-256)",
        ));
    }
    if photo.meta.uploaded {
        // The database says these very bytes are stored: nothing to do.
        return Ok(answer(StatusCode::OK, photo.meta));
    }
    if bytes.len() as u64 != photo.meta.bytes {
        return Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "size_mismatch",
            format!(
                "the photo is {} bytes, its metadata says {}",
                bytes.len(),
                photo.meta.bytes
            ),
        ));
    }
    let clean = check_image(&bytes, &photo.meta).await?;

    let key = photo.key();
    let mut conn = state.db.acquire().await?;
    if photos::key_taken_by_other(&mut conn, key.as_ref(), photo_id).await? {
        return Err(AppError::refused(
            StatusCode::CONFLICT,
            "name_conflict",
            format!("another photo is already filed as {key}"),
        ));
    }
    drop(conn);
    // Every check passed: only now is anything written. Concurrent PUTs of one photo may all
    // get here; they write the same bytes under the same key, and the database decides which
    // one answers 201. If the database fails after this write, the photo's row still protects
    // the key (janitor.rs) and a retry of the upload completes it.
    state
        .photos
        .put(&key, PutPayload::from(clean))
        .await
        .map_err(|e| {
            tracing::error!(photo = %photo_id, %key, error = %e, "photo store write failed");
            AppError::Unavailable("the photo store does not answer; try again later".into())
        })?;
    let mut writing = db::begin_writing(&state.db).await?;
    let tx = writing.tx();
    let seq = match photo.work_order_id {
        Some(work_order_id) => {
            db::next_seq_for_order(tx, &photo_id.to_string(), &work_order_id.to_string()).await?
        }
        None => db::next_seq(tx).await?,
    };
    let first = photos::mark_uploaded(tx, &photo, key.as_ref(), Utc::now()).await?;
    let status = if first {
        // The order changed (a slot is filled): devices and the office pull it again.
        if let Some(work_order_id) = photo.work_order_id {
            work_orders::touch(tx, work_order_id, seq).await?;
        }
        writing.commit().await?;
        tracing::info!(photo = %photo_id, %key, "photo stored");
        StatusCode::CREATED
    } else {
        writing.rollback().await?;
        StatusCode::OK
    };
    let stored = find_photo(&state, photo_id).await?;
    Ok(answer(status, stored.meta))
}

fn answer(status: StatusCode, meta: PhotoMeta) -> Response {
    (status, Json(meta)).into_response()
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

async fn find_photo(state: &AppState, photo_id: Uuid) -> Result<StoredPhoto, AppError> {
    let mut conn = state.db.acquire().await?;
    photos::find(&mut conn, photo_id)
        .await?
        .ok_or_else(|| unknown_photo(photo_id))
}

/// The body, refused as soon as it passes the limit, and its SHA-256 computed as it streams.
async fn read_limited(body: Body, expected: Option<u64>) -> Result<(Bytes, [u8; 32]), AppError> {
    let mut stream = body.into_data_stream();
    let mut buffer = Vec::with_capacity(expected.unwrap_or(0).min(MAX_PHOTO_BYTES) as usize);
    let mut hasher = Sha256::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            AppError::bad_request("bad_body", format!("the body could not be read: {e}"))
        })?;
        if (buffer.len() + chunk.len()) as u64 > MAX_PHOTO_BYTES {
            return Err(too_large());
        }
        hasher.update(&chunk);
        buffer.extend_from_slice(&chunk);
    }
    if buffer.is_empty() {
        return Err(empty());
    }
    Ok((Bytes::from(buffer), hasher.finalize().into()))
}

/// Judge the bytes by what they are and make their clean copy (off the async threads, two
/// decodes at a time).
async fn check_image(bytes: &Bytes, meta: &PhotoMeta) -> Result<Vec<u8>, AppError> {
    let _permit = DECODES
        .acquire()
        .await
        .map_err(|e| AppError::Internal(format!("decode semaphore closed: {e}")))?;
    let (bytes, content_type, width, height) = (
        bytes.clone(),
        meta.content_type.clone(),
        meta.width,
        meta.height,
    );
    tokio::task::spawn_blocking(move || {
        image_check::verify_and_clean(&bytes, &content_type, width, height)
    })
    .await
    .map_err(|e| AppError::Internal(format!("image check panicked: {e}")))?
    .map_err(|problem| {
        AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            problem.code(),
            problem.to_string(),
        )
    })
}

/// Office roles read every order's photos, an engineer only their own orders'. Another's photo
/// is answered as an unknown one ([`unknown_photo`]): ids cannot be probed.
fn may_read(user: &CurrentUser, assignee_id: &str, photo_id: Uuid) -> Result<(), AppError> {
    if user.profile.role.is_office() || assignee_id == user.id {
        Ok(())
    } else {
        Err(unknown_photo(photo_id))
    }
}

/// What an unknown photo id, or one the caller may not see, is answered.
fn unknown_photo(photo_id: Uuid) -> AppError {
    AppError::refused(
        StatusCode::NOT_FOUND,
        "unknown_photo",
        format!("no photo {photo_id}: send its add_photo operation first"),
    )
}

pub(crate) async fn stored_bytes(state: &AppState, photo: &StoredPhoto) -> Result<Bytes, AppError> {
    let key = photo.stored_key.as_deref().ok_or_else(|| {
        AppError::Internal(format!("photo {} is uploaded without a key", photo.meta.id))
    })?;
    let key = Path::parse(key)
        .map_err(|e| AppError::Internal(format!("stored key '{key}' is not a path: {e}")))?;
    let fetched = async { state.photos.get(&key).await?.bytes().await };
    fetched.await.map_err(|e| {
        AppError::Internal(format!(
            "photo {} is recorded as stored at {key} but cannot be read: {e}",
            photo.meta.id
        ))
    })
}

/// `GET /api/photos/{photo_id}`: the stored bytes, for the office and the assignee.
pub async fn get_photo(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(photo_id): ApiPath<String>,
) -> Result<Response, AppError> {
    let photo_id = parse_id(&photo_id, "photo")?;
    let photo = find_photo(&state, photo_id).await?;
    match &photo.filing {
        Filing::Ticket { .. } => may_read(&user, &photo.assignee_id, photo_id)?,
        Filing::Field {
            team,
            owner_kind,
            owner_id,
        } => {
            let mut conn = state.db.acquire().await?;
            if !crate::field::may_read_photo(&mut conn, &user, owner_kind, *owner_id, team).await? {
                return Err(unknown_photo(photo_id));
            }
        }
    }
    if !photo.meta.uploaded {
        return Err(AppError::refused(
            StatusCode::NOT_FOUND,
            "not_uploaded",
            "the photo's bytes have not been uploaded yet",
        ));
    }
    let bytes = stored_bytes(&state, &photo).await?;
    let headers = [
        (
            header::CONTENT_TYPE,
            header_value(&photo.meta.content_type)?,
        ),
        // The bytes under a photo id never change (their SHA-256 is fixed by its metadata).
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=31536000, immutable"),
        ),
        (
            header::ETAG,
            header_value(&format!("\"{}\"", photo.meta.sha256))?,
        ),
        (
            header::CONTENT_DISPOSITION,
            header_value(&photo_zip::content_disposition("inline", &photo.meta.name))?,
        ),
    ];
    Ok((headers, bytes).into_response())
}

fn header_value(value: &str) -> Result<HeaderValue, AppError> {
    HeaderValue::from_str(value)
        .map_err(|_| AppError::Internal(format!("'{value}' cannot be a header value")))
}

/// `GET /api/work-orders/{id}/photos.zip`: the order's uploaded photos, for the office.
pub async fn get_zip(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, AppError> {
    let id = parse_id(&id, "work order")?;
    let mut conn = state.db.acquire().await?;
    let Some((wo, assignee_id)) = work_orders::find(&mut conn, id).await? else {
        return Err(AppError::NotFound(format!("no work order {id}")));
    };
    // Another's order is answered as an unknown one: ids cannot be probed.
    if may_read(&user, &assignee_id, Uuid::nil()).is_err() {
        return Err(AppError::NotFound(format!("no work order {id}")));
    }
    let uploaded = photos::uploaded_for_order(&mut conn, id).await?;
    drop(conn);
    // Held whole in memory for now (a ticket's photos are tens of MB at most); streaming the
    // archive is a later improvement.
    let capacity = uploaded.iter().map(|p| p.meta.bytes as usize).sum();
    let mut zip = PhotoZip::new(&wo, capacity);
    for photo in &uploaded {
        let bytes = stored_bytes(&state, photo).await?;
        zip.add(&photo.meta, &bytes)
            .map_err(|e| AppError::Internal(format!("cannot write the ZIP of {id}: {e}")))?;
    }
    let archive = zip
        .finish()
        .map_err(|e| AppError::Internal(format!("cannot finish the ZIP of {id}: {e}")))?;
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/zip"),
        ),
        (
            header::CONTENT_DISPOSITION,
            header_value(&photo_zip::content_disposition(
                "attachment",
                &photo_zip::file_name(&wo),
            ))?,
        ),
    ];
    Ok((headers, archive).into_response())
}
