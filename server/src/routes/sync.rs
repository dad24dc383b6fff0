//! `GET /api/sync?cursor=N`: the signed-in user's work orders (a supervisor's: all of them) that
//! changed since N, and the ones reassigned away from them since N; at most [`PAGE`] orders an
//! answer.

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use fieldbook_model::{Role, SyncResponse};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::db;
use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::state::AppState;
use crate::work_orders;

/// The most work orders one answer carries. A phone parses an answer in one go: 500 orders are
/// about 1 MB of JSON and a few tens of milliseconds of main thread, where the 5,000 of a first
/// pull on a supervisor's tablet were one freeze of a second on a cheap phone.
pub const PAGE: usize = 500;

#[derive(Deserialize)]
pub struct SyncQuery {
    /// Absent means 0: a device that never synced asks for everything.
    cursor: Option<i64>,
}

pub async fn sync(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<SyncQuery>,
) -> Result<Json<SyncResponse>, AppError> {
    let cursor = query.cursor.unwrap_or(0);
    if cursor < 0 {
        return Err(AppError::bad_request(
            "bad_cursor",
            "the cursor must be 0 or more",
        ));
    }
    // Read the sequence before the orders: an order changed in between shows up now and again
    // next time (harmless), never not at all.
    let mut conn = state.db.acquire().await?;
    let current = db::current_seq(&mut conn).await?;
    if cursor == current && cursor > 0 && !db::baseline() {
        // Nothing changed: every change numbered up to `current` is one this device has, and
        // one numbered above it is not `current` yet, so it comes with a later pull. (A device
        // that never pulled, cursor 0, gets the field reference set however.) One query.
        return Ok(Json(SyncResponse {
            cursor,
            more: false,
            server_time: Utc::now(),
            work_orders: Vec::new(),
            removed: Vec::new(),
            field: Default::default(),
        }));
    }
    drop(conn);
    let mut tx = state.db.begin().await?;
    // A cursor the server never handed out means its database was reset: start over.
    let since = if cursor > current { 0 } else { cursor };
    // Supervisors are an office role too: their board shows every engineer's work orders.
    let orders = if user.profile.role == Role::Supervisor {
        work_orders::changed_for_all(&mut tx, since, PAGE).await?
    } else {
        work_orders::changed_for_assignee(&mut tx, &user.id, since, PAGE).await?
    };
    // A full page: the device stores it and asks again from its last order. What else changed
    // since `since` (removals, the field side) comes now and again with the next page (storing
    // it twice is harmless), so nothing between the two cursors is missed.
    let more = orders.len() == PAGE;
    let cursor = match orders.last() {
        Some(last) if more => last.seq,
        _ => current,
    };
    let removed = work_orders::removed_from(&mut tx, &user.id, since).await?;
    let field = crate::field::pull(&mut tx, &user, since).await?;
    tx.commit().await?;
    Ok(Json(SyncResponse {
        cursor,
        more,
        server_time: Utc::now(),
        work_orders: orders,
        removed,
        field,
    }))
}
