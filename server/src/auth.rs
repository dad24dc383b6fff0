//! Sessions: the token in the `fb_session` cookie, and the [`CurrentUser`] extractor.
//!
//! Field staff go offline for weeks, so a session survives 30 days without use and 90 days in
//! all. Only the token's SHA-256 is stored; the token itself lives in an HttpOnly cookie that
//! page scripts cannot read.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use fieldbook_model::UserProfile;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::{self, Db};
use crate::error::AppError;
use crate::state::AppState;

pub const COOKIE_NAME: &str = "fb_session";
/// A session unused for this long ends.
pub const IDLE_TIMEOUT: Duration = Duration::days(30);
/// A session ends this long after sign-in, used or not.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::days(90);
/// `last_seen_at` is written at most this often, so reads do not all become writes.
const TOUCH_INTERVAL: Duration = Duration::minutes(1);

/// The signed-in person, as the database says now (role and disabled flag are read on every
/// request, never taken from the client).
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: String,
    pub profile: UserProfile,
}

/// 32 random bytes from a CSPRNG, base64url without padding: what goes in the cookie.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Start a session for `user_id`; returns the token for the cookie.
pub async fn start_session(db: &Db, user_id: &str) -> Result<String, sqlx::Error> {
    let token = new_token();
    let now = Utc::now();
    let mut tx = db.begin().await?;
    // Sign-in is a good moment to forget this user's dead sessions.
    sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND (created_at < $2 OR last_seen_at < $3)",
    )
    .bind(user_id)
    .bind(db::millis(now - ABSOLUTE_TIMEOUT))
    .bind(db::millis(now - IDLE_TIMEOUT))
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(db::millis(now))
    .bind(db::millis(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// End the session with this token, if there is one.
pub async fn end_session(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(db)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    user_id: String,
    username: String,
    display_name: String,
    role: String,
    team: Option<String>,
    #[sqlx(try_from = "crate::db::IntFlag")]
    disabled: bool,
    created_at: i64,
    last_seen_at: i64,
}

/// The user behind a token, if the session is alive and the account enabled.
pub async fn user_for_token(db: &Db, token: &str) -> Result<Option<CurrentUser>, sqlx::Error> {
    let hash = token_hash(token);
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT s.user_id, u.username, u.display_name, u.role, u.team, \
                CASE WHEN u.disabled THEN 1 ELSE 0 END AS disabled, s.created_at, \
                s.last_seen_at \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let now = Utc::now();
    let expired = row.created_at < db::millis(now - ABSOLUTE_TIMEOUT)
        || row.last_seen_at < db::millis(now - IDLE_TIMEOUT);
    if expired {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(&hash)
            .execute(db)
            .await?;
        return Ok(None);
    }
    if row.disabled {
        return Ok(None);
    }
    let Some(role) = fieldbook_model::Role::parse(&row.role) else {
        tracing::error!(user = %row.username, role = %row.role, "user has an unknown role");
        return Ok(None);
    };
    if row.last_seen_at < db::millis(now - TOUCH_INTERVAL) {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(db::millis(now))
            .bind(&hash)
            .execute(db)
            .await?;
    }
    Ok(Some(CurrentUser {
        id: row.user_id,
        profile: UserProfile {
            username: row.username,
            display_name: row.display_name,
            role,
            team: row.team,
        },
    }))
}

/// The session token from the request's cookies, if any.
pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
        .filter(|value| !value.is_empty())
}

/// `Set-Cookie` for a new session. Max-Age matches the absolute timeout: the server decides
/// earlier ends (idle, sign-out), the browser only forgets it when it is surely dead.
pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    cookie(token, ABSOLUTE_TIMEOUT.num_seconds(), secure)
}

/// `Set-Cookie` that makes the browser forget the session.
pub fn cleared_cookie(secure: bool) -> HeaderValue {
    cookie("", 0, secure)
}

fn cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!(
        "{COOKIE_NAME}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    );
    // The token is base64url: always a valid header value.
    HeaderValue::from_str(&text).expect("cookie text is ASCII")
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = token_from_headers(&parts.headers).ok_or(AppError::Unauthorized)?;
        user_for_token(&state.db, &token)
            .await?
            .ok_or(AppError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(token_hash(&a).len(), 64);
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; fb_session=tok; b=2"),
        );
        assert_eq!(token_from_headers(&headers).as_deref(), Some("tok"));
        headers.insert(header::COOKIE, HeaderValue::from_static("fb_session="));
        assert_eq!(token_from_headers(&headers), None);
    }

    #[test]
    fn cookies_are_http_only_and_strict() {
        let c = session_cookie("tok", true);
        let c = c.to_str().unwrap();
        assert!(
            c.starts_with("fb_session=tok; HttpOnly; SameSite=Strict; Path=/; Max-Age=7776000")
        );
        assert!(c.ends_with("; Secure"));
        assert!(!cleared_cookie(false).to_str().unwrap().contains("Secure"));
    }
}
