//! `POST /api/import/work-orders` and `POST /api/import/machines` (dispatchers): the body is the
//! file itself, `.xlsx` (known by its zip signature, whatever the Content-Type) or CSV in UTF-8 or
//! GBK. Line by line, as the command-line import: each good line is written on its own, each
//! refused line is answered with its number and reason and changes nothing. A file that cannot be
//! read at all (not a table, unknown or missing columns) is a 422 and writes nothing.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use chrono::FixedOffset;
use fieldbook_model::register::ImportReport;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::import::{self, ImportError};
use crate::routes::machines::dispatcher_only;
use crate::state::AppState;

/// The largest file an import takes.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

#[derive(Deserialize)]
pub struct ImportQuery {
    /// Minutes east of UTC for times written without a zone; China (+08:00) unless given.
    #[serde(default = "china")]
    utc_offset_minutes: i32,
}

fn china() -> i32 {
    8 * 60
}

fn offset(query: &ImportQuery) -> Result<FixedOffset, AppError> {
    FixedOffset::east_opt(query.utc_offset_minutes.saturating_mul(60)).ok_or_else(|| {
        AppError::bad_request("bad_query", "utc_offset_minutes must be within a day")
    })
}

fn refused(e: ImportError) -> AppError {
    match e {
        ImportError::Database(e) => e.into(),
        other => AppError::Unprocessable {
            code: other.code(),
            message: other.to_string(),
        },
    }
}

fn non_empty(body: &Bytes) -> Result<(), AppError> {
    if body.is_empty() {
        return Err(AppError::bad_request(
            "empty_body",
            "send the file as the request's body",
        ));
    }
    Ok(())
}

pub async fn work_orders(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<Json<ImportReport>, AppError> {
    dispatcher_only(&user, "import work orders")?;
    let offset = offset(&query)?;
    non_empty(&body)?;
    let reports = import::import(&state.db, &body, offset)
        .await
        .map_err(refused)?;
    let report = import::summary(&reports);
    tracing::info!(accepted = report.accepted, refused = report.refused.len(), by = %user.profile.username, "work orders imported");
    Ok(Json(report))
}

pub async fn machines(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<Json<ImportReport>, AppError> {
    dispatcher_only(&user, "import machines")?;
    let offset = offset(&query)?;
    non_empty(&body)?;
    let reports = import::import_machines(&state.db, &body, offset)
        .await
        .map_err(refused)?;
    let report = import::summary(&reports);
    tracing::info!(accepted = report.accepted, refused = report.refused.len(), by = %user.profile.username, "machines imported");
    Ok(Json(report))
}
