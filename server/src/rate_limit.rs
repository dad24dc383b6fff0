//! Rate limits: request bursts per client, and failed sign-ins per username and per client.
//!
//! A small in-process token bucket rather than tower_governor: sign-in limits count only
//! failures and are keyed by the username in the body, which a per-route IP limiter cannot do;
//! one mechanism for both keeps one set of knobs and one JSON 429.
//!
//! Failed sign-ins per username are kept in the database (`sign_in_failures`, the same bucket
//! as a row), so that every process behind a load balancer counts the same failures: the fifth
//! wrong password through any process locks the account for all of them. The request and
//! per-client buckets are per process: with N processes a client gets up to N times that budget,
//! which still stops floods at a rate that matters.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::db::Db;
use crate::error::AppError;
use crate::state::AppState;

/// The limits; `Config::rate_limits`.
#[derive(Debug, Clone)]
pub struct RateLimits {
    /// API requests a client may make at once...
    pub request_burst: u32,
    /// ...and per second after that.
    pub requests_per_second: f64,
    /// Failed sign-ins for one username before it must wait...
    pub sign_in_failures_per_user: u32,
    /// ...failed sign-ins from one client (over all usernames)...
    pub sign_in_failures_per_client: u32,
    /// ...and how long one failure takes to be forgotten.
    pub sign_in_failure_forgotten_after: Duration,
    /// Take the client's address from the last `X-Forwarded-For` entry (set this only behind a
    /// proxy that writes it); otherwise the TCP peer is the client.
    pub trust_forwarded_for: bool,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            // A phone draining its outbox sends a few requests a second; a page load a handful.
            request_burst: 300,
            requests_per_second: 100.0,
            sign_in_failures_per_user: 5,
            sign_in_failures_per_client: 20,
            sign_in_failure_forgotten_after: Duration::from_secs(60),
            trust_forwarded_for: false,
        }
    }
}

/// Token buckets by key.
pub struct Buckets {
    capacity: f64,
    refill_per_second: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets untouched this long are full again and are dropped, so the map stays small.
const FORGET_AFTER: Duration = Duration::from_secs(600);

impl Buckets {
    pub fn new(capacity: u32, refill_per_second: f64) -> Buckets {
        Buckets {
            capacity: f64::from(capacity.max(1)),
            refill_per_second,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn refreshed(&self, bucket: Option<Bucket>, now: Instant) -> Bucket {
        match bucket {
            Some(b) => Bucket {
                tokens: (b.tokens
                    + now.duration_since(b.at).as_secs_f64() * self.refill_per_second)
                    .min(self.capacity),
                at: now,
            },
            None => Bucket {
                tokens: self.capacity,
                at: now,
            },
        }
    }

    fn wait_for_one(&self, tokens: f64) -> Duration {
        if self.refill_per_second <= 0.0 {
            return FORGET_AFTER;
        }
        Duration::from_secs_f64(((1.0 - tokens) / self.refill_per_second).max(0.0))
    }

    /// Whether `key` has a token left; `Err(wait)` when not. Takes nothing.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = self.refreshed(buckets.get(key).copied(), now);
        if bucket.tokens >= 1.0 {
            Ok(())
        } else {
            Err(self.wait_for_one(bucket.tokens))
        }
    }

    /// Take one token from `key`; `Err(wait)` when there was none (nothing taken).
    pub fn take(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > 10_000 {
            buckets.retain(|_, b| now.duration_since(b.at) < FORGET_AFTER);
        }
        let mut bucket = self.refreshed(buckets.get(key).copied(), now);
        let answer = if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(self.wait_for_one(bucket.tokens))
        };
        buckets.insert(key.to_string(), bucket);
        answer
    }
}

/// The limiter every request goes through, shared in [`AppState`].
pub struct Limiter {
    pub limits: RateLimits,
    requests: Buckets,
    failures_by_client: Buckets,
}

impl Limiter {
    pub fn new(limits: RateLimits) -> Limiter {
        let forget = limits
            .sign_in_failure_forgotten_after
            .as_secs_f64()
            .max(0.001);
        Limiter {
            requests: Buckets::new(limits.request_burst, limits.requests_per_second),
            failures_by_client: Buckets::new(limits.sign_in_failures_per_client, 1.0 / forget),
            limits,
        }
    }

    /// Before checking a password: refused while the username or the client has used up its
    /// failures (so a guesser does not even get the argon2 answer).
    pub async fn sign_in_allowed(
        &self,
        db: &Db,
        username: &str,
        client: IpAddr,
    ) -> Result<(), AppError> {
        self.failures_by_client
            .check(&client.to_string())
            .map_err(too_many_sign_ins)?;
        let row: Option<(f64, i64)> =
            sqlx::query_as("SELECT tokens, updated_at FROM sign_in_failures WHERE username = $1")
                .bind(username.to_lowercase())
                .fetch_optional(db)
                .await?;
        let Some((tokens, at)) = row else {
            return Ok(());
        };
        let per_ms = self.refill_per_ms();
        let now = crate::db::millis(chrono::Utc::now());
        let tokens = tokens + (now - at).max(0) as f64 * per_ms;
        if tokens >= 1.0 {
            return Ok(());
        }
        let wait_ms = if per_ms > 0.0 {
            (1.0 - tokens) / per_ms
        } else {
            FORGET_AFTER.as_millis() as f64
        };
        Err(too_many_sign_ins(Duration::from_millis(
            wait_ms.ceil() as u64
        )))
    }

    /// After a wrong password, unknown user or disabled account: one failure taken from the
    /// username's bucket (in the database, in one statement: failures through several processes
    /// at once all count) and from the client's.
    pub async fn sign_in_failed(
        &self,
        db: &Db,
        username: &str,
        client: IpAddr,
    ) -> Result<(), AppError> {
        let _ = self.failures_by_client.take(&client.to_string());
        let capacity = f64::from(self.limits.sign_in_failures_per_user.max(1));
        let per_ms = self.refill_per_ms();
        let now = crate::db::millis(chrono::Utc::now());
        // The bucket refilled since its last failure, capped at its capacity, less this one
        // (never below zero: a failure on an empty bucket was refused before the password).
        let refilled = "(sign_in_failures.tokens + ($3 - sign_in_failures.updated_at) * $4)";
        sqlx::query(&format!(
            "INSERT INTO sign_in_failures (username, tokens, updated_at) VALUES ($1, $2 - 1, $3) \
             ON CONFLICT (username) DO UPDATE SET updated_at = $3, tokens = CASE \
             WHEN {refilled} >= $2 THEN $2 - 1 WHEN {refilled} >= 1 THEN {refilled} - 1 ELSE 0 END"
        ))
        .bind(username.to_lowercase())
        .bind(capacity)
        .bind(now)
        .bind(per_ms)
        .execute(db)
        .await?;
        // Buckets full again are forgotten, so the table holds only recent failures.
        if per_ms > 0.0 {
            sqlx::query("DELETE FROM sign_in_failures WHERE updated_at < $1")
                .bind(now - (capacity / per_ms).ceil() as i64)
                .execute(db)
                .await?;
        }
        Ok(())
    }

    /// How much of one failure a username's bucket gets back per millisecond.
    fn refill_per_ms(&self) -> f64 {
        1.0 / (self
            .limits
            .sign_in_failure_forgotten_after
            .as_secs_f64()
            .max(0.001)
            * 1000.0)
    }

    /// The address requests are counted under.
    pub fn client(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> IpAddr {
        if self.limits.trust_forwarded_for
            && let Some(ip) = headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|v| v.trim().parse::<IpAddr>().ok())
                .next_back()
        {
            return ip;
        }
        peer.map_or(IpAddr::from([0, 0, 0, 0]), |p| p.ip())
    }
}

fn seconds(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

fn too_many_sign_ins(wait: Duration) -> AppError {
    AppError::TooManyRequests {
        code: "too_many_sign_ins",
        message: format!(
            "too many failed sign-ins: wait {} s and try again",
            seconds(wait)
        ),
        retry_after: seconds(wait),
    }
}

/// The client a request is counted under, put in the request's extensions by
/// [`limit_requests`] for handlers that limit by client too (sign-in).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

/// Middleware: API requests beyond a client's burst answer 429 with `Retry-After`, before
/// anything else is done with them. Other clients are not affected.
pub async fn limit_requests(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    if !is_api {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let client = state.limiter.client(peer, request.headers());
    if let Err(wait) = state.limiter.requests.take(&client.to_string()) {
        tracing::info!(%client, "request rate limited");
        return AppError::TooManyRequests {
            code: "rate_limited",
            message: format!(
                "too many requests from this device: wait {} s",
                seconds(wait)
            ),
            retry_after: seconds(wait),
        }
        .into_response();
    }
    request.extensions_mut().insert(ClientAddr(client));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_and_other_keys_are_untouched() {
        let buckets = Buckets::new(3, 0.0);
        for _ in 0..3 {
            assert!(buckets.take("a").is_ok());
        }
        assert!(buckets.take("a").is_err());
        assert!(buckets.check("a").is_err());
        assert!(buckets.take("b").is_ok());
    }

    #[test]
    fn a_bucket_refills() {
        let buckets = Buckets::new(1, 1000.0);
        assert!(buckets.take("a").is_ok());
        std::thread::sleep(Duration::from_millis(5));
        assert!(buckets.take("a").is_ok());
    }

    #[test]
    fn forwarded_for_counts_only_when_trusted() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "10.0.0.9, 10.0.0.7".parse().unwrap());
        let peer = Some(SocketAddr::from(([127, 0, 0, 1], 5000)));
        let plain = Limiter::new(RateLimits::default());
        assert_eq!(plain.client(peer, &headers).to_string(), "127.0.0.1");
        let proxied = Limiter::new(RateLimits {
            trust_forwarded_for: true,
            ..RateLimits::default()
        });
        assert_eq!(proxied.client(peer, &headers).to_string(), "10.0.0.7");
    }
}
