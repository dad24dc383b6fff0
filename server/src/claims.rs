//! Warranty claims, commercial claims and old parts on the server (issue 19): their rows, the
//! sign-off chain, the people's grades and titles, and the old parts a submitted report hands
//! over (the `SubmitReport` applier calls [`hand_over_parts`]).
//!
//! The rules are the model's (`fieldbook_model::claims`); each record is stored whole as the
//! model's JSON beside the columns the pages filter on (migration 0009).

use chrono::{DateTime, Utc};
use fieldbook_model::WorkOrder;
use fieldbook_model::claims::{
    ChainStep, Claim, ClaimState, CommercialClaim, CommercialState, Grade, OldPart, PartState,
    SignOffChain, old_parts_of,
};
use uuid::Uuid;

use crate::db::{self, Conn};
use crate::error::AppError;

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(format!("cannot serialise: {e}")))
}

fn corrupt(what: &str, id: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("stored {what} {id} is unreadable: {e}"))
}

fn parse<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T, AppError> {
    serde_json::from_str(json).map_err(|e| corrupt(what, "row", e))
}

/// A value of a unit-like serde enum as its name (`ClaimState::Draft` -> `draft`).
pub fn name_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Claims.

/// A claim as stored, with who drafted it and the body it was drafted with.
pub struct StoredClaim {
    pub claim: Claim,
    pub payload: String,
    pub created_by: String,
}

pub async fn find(conn: &mut Conn, id: Uuid) -> Result<Option<StoredClaim>, AppError> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT claim_json, payload, created_by FROM claims WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(conn)
            .await?;
    row.map(|(json, payload, created_by)| {
        Ok(StoredClaim {
            claim: parse("claim", &json)?,
            payload,
            created_by,
        })
    })
    .transpose()
}

/// The claim of a work order, if it has one.
pub async fn of_order(conn: &mut Conn, work_order_id: Uuid) -> Result<Option<Claim>, AppError> {
    let json: Option<String> =
        sqlx::query_scalar("SELECT claim_json FROM claims WHERE work_order_id = $1")
            .bind(work_order_id.to_string())
            .fetch_optional(conn)
            .await?;
    json.map(|j| parse("claim", &j)).transpose()
}

pub async fn insert(
    conn: &mut Conn,
    claim: &mut Claim,
    payload: &str,
    by: &str,
    now: DateTime<Utc>,
    seq: i64,
) -> Result<(), AppError> {
    claim.seq = seq;
    sqlx::query(
        "INSERT INTO claims (id, work_order_id, state, claim_number, due, created_by, \
         created_at, payload, claim_json, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(claim.id.to_string())
    .bind(claim.work_order_id.to_string())
    .bind(name_of(&claim.state))
    .bind(&claim.claim_number)
    .bind(db::millis(claim.due))
    .bind(by)
    .bind(db::millis(now))
    .bind(payload)
    .bind(to_json(claim)?)
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn save(conn: &mut Conn, claim: &mut Claim, seq: i64) -> Result<(), AppError> {
    claim.seq = seq;
    sqlx::query(
        "UPDATE claims SET state = $1, claim_number = $2, claim_json = $3, seq = $4 WHERE id = $5",
    )
    .bind(name_of(&claim.state))
    .bind(&claim.claim_number)
    .bind(to_json(claim)?)
    .bind(seq)
    .bind(claim.id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// The claims changed after `since`, in sequence order.
pub async fn changed_since(conn: &mut Conn, since: i64) -> Result<Vec<Claim>, AppError> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT claim_json FROM claims WHERE seq > $1 ORDER BY seq")
            .bind(since)
            .fetch_all(conn)
            .await?;
    rows.iter().map(|j| parse("claim", j)).collect()
}

/// Every claim (the figures; a dealer files hundreds a year, not millions).
pub async fn all(conn: &mut Conn) -> Result<Vec<Claim>, AppError> {
    changed_since(conn, i64::MIN).await
}

// ---------------------------------------------------------------------------------------------
// People: grades and titles.

/// An engineer's grade, as kept on their account.
pub async fn grade_of(conn: &mut Conn, username: &str) -> Result<Option<Grade>, AppError> {
    let grade: Option<Option<String>> =
        sqlx::query_scalar("SELECT grade FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(conn)
            .await?;
    Ok(grade
        .flatten()
        .and_then(|g| serde_json::from_value(serde_json::Value::String(g)).ok()))
}

/// Every grade of the people named (the claim's engineers).
pub async fn grades(
    conn: &mut Conn,
    names: Vec<String>,
) -> Result<Vec<(String, Option<Grade>)>, AppError> {
    let mut out: Vec<(String, Option<Grade>)> = Vec::new();
    for name in names {
        if out.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let grade = grade_of(conn, &name).await?;
        out.push((name, grade));
    }
    Ok(out)
}

/// A person's sign-off title, if they hold one.
pub async fn title_of(conn: &mut Conn, user_id: &str) -> Result<Option<String>, AppError> {
    let title: Option<Option<String>> = sqlx::query_scalar("SELECT title FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    Ok(title.flatten().filter(|t| !t.trim().is_empty()))
}

// ---------------------------------------------------------------------------------------------
// The sign-off chain.

pub async fn chain(conn: &mut Conn) -> Result<SignOffChain, AppError> {
    let json: Option<String> =
        sqlx::query_scalar("SELECT chain_json FROM claim_settings WHERE id = 1")
            .fetch_optional(conn)
            .await?;
    match json {
        None => Ok(Vec::new()),
        Some(j) => parse("sign-off chain", &j),
    }
}

pub async fn save_chain(conn: &mut Conn, chain: &[ChainStep], seq: i64) -> Result<(), AppError> {
    let json = to_json(&chain)?;
    db::put_single_row(conn, "claim_settings", "chain_json", &json, seq).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Commercial claims.

pub async fn find_commercial(
    conn: &mut Conn,
    id: Uuid,
) -> Result<Option<(CommercialClaim, String)>, AppError> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT claim_json, payload FROM commercial_claims WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(conn)
            .await?;
    row.map(|(json, payload)| Ok((parse("commercial claim", &json)?, payload)))
        .transpose()
}

fn commercial_state(s: CommercialState) -> String {
    name_of(&s)
}

pub async fn insert_commercial(
    conn: &mut Conn,
    c: &mut CommercialClaim,
    payload: &str,
    seq: i64,
) -> Result<(), AppError> {
    c.seq = seq;
    sqlx::query(
        "INSERT INTO commercial_claims (id, work_order_id, station, requested_by, state, payload, \
         claim_json, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(c.id.to_string())
    .bind(c.work_order_id.map(|w| w.to_string()))
    .bind(&c.station)
    .bind(&c.requested_by)
    .bind(commercial_state(c.state))
    .bind(payload)
    .bind(to_json(c)?)
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn save_commercial(
    conn: &mut Conn,
    c: &mut CommercialClaim,
    seq: i64,
) -> Result<(), AppError> {
    c.seq = seq;
    sqlx::query("UPDATE commercial_claims SET state = $1, claim_json = $2, seq = $3 WHERE id = $4")
        .bind(commercial_state(c.state))
        .bind(to_json(c)?)
        .bind(seq)
        .bind(c.id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Every commercial claim, oldest request first.
pub async fn all_commercial(conn: &mut Conn) -> Result<Vec<CommercialClaim>, AppError> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT claim_json FROM commercial_claims ORDER BY seq")
            .fetch_all(conn)
            .await?;
    rows.iter().map(|j| parse("commercial claim", j)).collect()
}

// ---------------------------------------------------------------------------------------------
// Old parts.

pub async fn part(conn: &mut Conn, tag: &str) -> Result<Option<OldPart>, AppError> {
    let json: Option<String> = sqlx::query_scalar("SELECT part_json FROM old_parts WHERE tag = $1")
        .bind(tag)
        .fetch_optional(conn)
        .await?;
    json.map(|j| parse("old part", &j)).transpose()
}

pub async fn save_part(conn: &mut Conn, p: &OldPart, seq: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE old_parts SET state = $1, part_json = $2, seq = $3 WHERE tag = $4")
        .bind(name_of(&p.state))
        .bind(to_json(p)?)
        .bind(seq)
        .bind(&p.tag)
        .execute(conn)
        .await?;
    Ok(())
}

/// The old parts that came off in `[from, to)` (every one when both are None), within a station
/// when one is given, oldest first.
pub async fn parts_between(
    conn: &mut Conn,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    station: Option<&str>,
) -> Result<Vec<OldPart>, AppError> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT part_json FROM old_parts WHERE removed_at >= $1 AND removed_at < $2 \
         AND ($3 IS NULL OR station = $3) ORDER BY removed_at, tag",
    )
    .bind(from.map(db::millis).unwrap_or(i64::MIN))
    .bind(to.map(db::millis).unwrap_or(i64::MAX))
    .bind(station)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|j| parse("old part", j)).collect()
}

/// A submitted report hands its replaced parts over: one old part per return tag, created once
/// (a report sent back and submitted again adds only tags not seen before; a part already
/// followed keeps its state).
pub async fn hand_over_parts(conn: &mut Conn, wo: &WorkOrder, seq: i64) -> Result<(), AppError> {
    for p in old_parts_of(wo) {
        let exists: Option<String> = sqlx::query_scalar("SELECT tag FROM old_parts WHERE tag = $1")
            .bind(&p.tag)
            .fetch_optional(&mut *conn)
            .await?;
        if exists.is_some() {
            continue;
        }
        debug_assert_eq!(p.state, PartState::WithEngineer);
        sqlx::query(
            "INSERT INTO old_parts (tag, work_order_id, station, state, removed_at, part_json, \
             seq) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&p.tag)
        .bind(p.work_order_id.to_string())
        .bind(&p.station)
        .bind(name_of(&p.state))
        .bind(db::millis(p.removed_at))
        .bind(to_json(&p)?)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Whether a claim may still change (not paid).
pub fn is_paid(c: &Claim) -> bool {
    c.state == ClaimState::Paid
}
