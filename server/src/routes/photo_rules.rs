//! The photo rules on a screen: `GET /api/settings/photo-slots` (every service type's slots),
//! `PUT /api/settings/photo-slots/{service_type}` (one type's slots, in order), and the example
//! pictures the slots show, `PUT`/`GET /api/settings/examples/{id}`.
//!
//! Orders pick up a change of slots on their next read, as they always did (the slots are read
//! with the order). Photos already taken keep their names and stay with the order even when
//! their slot is taken out. Dispatchers write; desk roles read; field roles get 403.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use fieldbook_model::ServiceType;
use fieldbook_model::desk::SlotRule;
use fieldbook_model::register::check_slot_rules;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::db::{self, Conn};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath};
use crate::image_check;
use crate::routes::machines::{desk_only, dispatcher_only};
use crate::state::AppState;

/// One example picture decoded at a time (they are rare, and photos have their own two).
static DECODES: Semaphore = Semaphore::const_new(1);

/// The first part of every example picture's key (outside the janitor's `wo-` and `fp-`).
pub const EXAMPLE_KEY_PREFIX: &str = "ex-";

async fn rules_of(conn: &mut Conn, service: ServiceType) -> Result<Vec<SlotRule>, AppError> {
    let rows: Vec<(String, String, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT key, label_zh, label_en, CASE WHEN required THEN 1 ELSE 0 END, example \
         FROM photo_slots WHERE service_type = $1 ORDER BY position, key",
    )
    .bind(service.as_str())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, label_zh, label_en, required, example)| SlotRule {
            key,
            label_zh,
            label_en,
            required: required != 0,
            example: example.and_then(|e| Uuid::parse_str(&e).ok()),
        })
        .collect())
}

/// Every service type (also those asking for nothing) and its slots, in order.
pub async fn get_slots(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<BTreeMap<String, Vec<SlotRule>>>, AppError> {
    desk_only(&user, "the photo rules")?;
    let mut conn = state.db.acquire().await?;
    let mut all = BTreeMap::new();
    for service in ServiceType::ALL {
        all.insert(
            service.as_str().to_string(),
            rules_of(&mut conn, service).await?,
        );
    }
    Ok(Json(all))
}

/// Replace one service type's slots with the list given, in its order.
pub async fn put_slots(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(service): ApiPath<String>,
    ApiJson(rules): ApiJson<Vec<SlotRule>>,
) -> Result<Json<Vec<SlotRule>>, AppError> {
    dispatcher_only(&user, "change the photo rules")?;
    let Some(service) = ServiceType::parse(&service) else {
        return Err(AppError::refused(
            StatusCode::NOT_FOUND,
            "unknown_service_type",
            format!(
                "'{service}' is not one of {}",
                ServiceType::ALL.map(|t| t.as_str()).join(", ")
            ),
        ));
    };
    if let Some(error) = check_slot_rules(&rules).into_iter().next() {
        return Err(AppError::Unprocessable {
            code: error.code(),
            message: error.to_string(),
        });
    }
    let mut tx = state.db.begin().await?;
    for (index, rule) in rules.iter().enumerate() {
        let Some(example) = rule.example else {
            continue;
        };
        let found: Option<String> =
            sqlx::query_scalar("SELECT id FROM slot_examples WHERE id = $1")
                .bind(example.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        if found.is_none() {
            return Err(AppError::Unprocessable {
                code: "unknown_example",
                message: format!("slot {index}: no example picture {example} was uploaded"),
            });
        }
    }
    sqlx::query("DELETE FROM photo_slots WHERE service_type = $1")
        .bind(service.as_str())
        .execute(&mut *tx)
        .await?;
    for (position, rule) in rules.iter().enumerate() {
        sqlx::query(
            "INSERT INTO photo_slots (service_type, key, label_zh, label_en, required, position, \
             example) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(service.as_str())
        .bind(&rule.key)
        .bind(rule.label_zh.trim())
        .bind(rule.label_en.trim())
        .bind(rule.required)
        .bind(position as i64 + 1)
        .bind(rule.example.map(|e| e.to_string()))
        .execute(&mut *tx)
        .await?;
    }
    let stored = rules_of(&mut tx, service).await?;
    tx.commit().await?;
    tracing::info!(service = service.as_str(), slots = stored.len(), by = %user.profile.username, "photo slots changed");
    Ok(Json(stored))
}

/// What `PUT /api/settings/examples/{id}` answers.
#[derive(Serialize)]
pub struct ExampleStored {
    pub id: Uuid,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

fn example_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw)
        .map_err(|_| AppError::bad_request("bad_id", format!("'{raw}' is not an example id")))
}

fn example_key(id: Uuid, content_type: &str) -> Path {
    let ext = if content_type == "image/png" {
        "png"
    } else {
        "jpg"
    };
    Path::from(format!("{EXAMPLE_KEY_PREFIX}{id}.{ext}"))
}

fn bad_image(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// Store an example picture under the id the office chose: a JPEG or PNG, checked and cleaned as
/// photos are (no metadata kept). 201 when new, 200 when it replaced the picture under that id.
pub async fn put_example(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    dispatcher_only(&user, "upload example pictures")?;
    let id = example_id(&id)?;
    if body.is_empty() {
        return Err(AppError::bad_request(
            "empty_body",
            "the picture's bytes are missing (empty body)",
        ));
    }
    let _permit = DECODES
        .acquire()
        .await
        .map_err(|e| AppError::Internal(format!("decode semaphore closed: {e}")))?;
    let bytes = body.clone();
    let (content_type, width, height, clean) = tokio::task::spawn_blocking(move || {
        let format = image::guess_format(&bytes)
            .map_err(|_| bad_image("not_an_image", "the bytes are not a JPEG or PNG image"))?;
        let content_type = match format {
            image::ImageFormat::Jpeg => "image/jpeg",
            image::ImageFormat::Png => "image/png",
            _ => return Err(bad_image("not_an_image", "only JPEG and PNG are accepted")),
        };
        let mut reader = image::ImageReader::with_format(std::io::Cursor::new(&bytes[..]), format);
        reader.limits(image_check::limits());
        let (width, height) = reader
            .into_dimensions()
            .map_err(|e| bad_image("not_an_image", format!("the image cannot be read: {e}")))?;
        let clean = image_check::verify_and_clean(&bytes, content_type, width, height)
            .map_err(|problem| bad_image(problem.code(), problem.to_string()))?;
        Ok::<_, AppError>((content_type, width, height, clean))
    })
    .await
    .map_err(|e| AppError::Internal(format!("image check panicked: {e}")))??;
    let key = example_key(id, content_type);
    let sha256: String = Sha256::digest(&clean)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let size = clean.len() as u64;
    state
        .photos
        .put(&key, PutPayload::from(clean))
        .await
        .map_err(|e| AppError::Unavailable(format!("the photo store failed: {e}")))?;
    let mut tx = state.db.begin().await?;
    let existed: Option<String> = sqlx::query_scalar("SELECT id FROM slot_examples WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    if existed.is_some() {
        sqlx::query("DELETE FROM slot_examples WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO slot_examples (id, stored_key, content_type, sha256, bytes, width, height, \
         uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(key.to_string())
    .bind(content_type)
    .bind(&sha256)
    .bind(size as i64)
    .bind(i64::from(width))
    .bind(i64::from(height))
    .bind(db::millis(Utc::now()))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let status = if existed.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let answer = ExampleStored {
        id,
        content_type,
        width,
        height,
        bytes: size,
    };
    Ok((status, Json(answer)).into_response())
}

/// The example picture's bytes.
pub async fn get_example(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, AppError> {
    desk_only(&user, "the photo rules")?;
    let id = example_id(&id)?;
    let mut conn = state.db.acquire().await?;
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT stored_key, content_type FROM slot_examples WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    drop(conn);
    let Some((key, content_type)) = row else {
        return Err(AppError::NotFound(format!("no example picture {id}")));
    };
    let bytes = state
        .photos
        .get(&Path::from(key.as_str()))
        .await
        .map_err(|e| AppError::Unavailable(format!("the photo store failed: {e}")))?
        .bytes()
        .await
        .map_err(|e| AppError::Unavailable(format!("the photo store failed: {e}")))?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .map_err(|_| AppError::Internal(format!("bad content type {content_type}")))?,
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    Ok((headers, bytes).into_response())
}
