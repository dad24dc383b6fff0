//! `/api/session`: sign in, who am I, sign out.

use axum::Extension;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use fieldbook_model::{SessionInfo, SignIn};
use serde_json::json;

use crate::auth::{self, CurrentUser};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::password;
use crate::rate_limit::ClientAddr;
use crate::state::AppState;
use crate::users;

/// `POST /api/session`. Unknown user, wrong password and disabled account answer alike, in
/// about the same time, so the answer does not tell which usernames exist.
///
/// Failed sign-ins are limited per username and per client (`rate_limit.rs`): past the limit
/// the answer is `429 too_many_sign_ins`, even for the right password, until one is forgotten.
pub async fn sign_in(
    State(state): State<AppState>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Response, AppError> {
    state
        .limiter
        .sign_in_allowed(&state.db, &body.username, client)
        .await?;
    let mut conn = state.db.acquire().await?;
    let user = users::find_by_username(&mut conn, &body.username).await?;
    drop(conn);
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let matches = password::verify(body.password, stored)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let user = match user {
        Some(user) if matches && !user.disabled => user,
        _ => {
            state
                .limiter
                .sign_in_failed(&state.db, &body.username, client)
                .await?;
            tracing::info!(username = %body.username, %client, "sign-in refused");
            return Err(AppError::BadCredentials);
        }
    };
    let profile = user.profile();
    // A new token on every sign-in; the one this browser held before is dropped.
    if let Some(old) = auth::token_from_headers(&headers) {
        auth::end_session(&state.db, &old).await?;
    }
    let token = auth::start_session(&state.db, &user.id).await?;
    tracing::info!(username = %user.username, "signed in");
    let info = SessionInfo {
        user: profile,
        server_time: Utc::now(),
    };
    Ok((
        [(
            header::SET_COOKIE,
            auth::session_cookie(&token, state.secure_cookies),
        )],
        Json(info),
    )
        .into_response())
}

/// `GET /api/session`: the signed-in profile, so the app can check its session is alive.
pub async fn current(user: CurrentUser) -> Json<SessionInfo> {
    Json(SessionInfo {
        user: user.profile,
        server_time: Utc::now(),
    })
}

/// `DELETE /api/session`. Succeeds without a session too: the person wanted to be signed out,
/// and is.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(token) = auth::token_from_headers(&headers) {
        auth::end_session(&state.db, &token).await?;
    }
    Ok((
        [(
            header::SET_COOKIE,
            auth::cleared_cookie(state.secure_cookies),
        )],
        Json(json!({"status": "signed_out"})),
    )
        .into_response())
}
