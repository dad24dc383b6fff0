//! Scorecard trends (issue 18): `GET /api/scorecards/{engineers|agents|supervisors}/trend
//! ?who=<username>&by=month|week&month=YYYY-MM`: each figure of the card per month (12 points)
//! or per week over the 12 months ending with `month` (the current China month when absent),
//! for `who` or, without it, for everyone the reader may read (the manager: the department).
//!
//! Read rights are the card's own: the engineers' for the manager and the desk (every engineer),
//! a station head (their station's) and an engineer (their own); the agents' for the manager and
//! an agent (their own); the supervisors' for the manager and a supervisor (their own).
//!
//! Each trend loads the span's rows in the same few set-based queries a month's cards do, then
//! the model computes every period in memory (`fieldbook_model::scorecard::trend`): no query per
//! period (README "Reports and scorecards at the company's size").

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Duration, Utc};
use fieldbook_model::Role;
use fieldbook_model::findings::Finding;
use fieldbook_model::patrol::PatrolRound;
use fieldbook_model::reports::{Period, PeriodKind};
use fieldbook_model::scorecard::agent::AgentRules;
use fieldbook_model::scorecard::trend::{
    Trend, agent_trend, engineer_trend, span, supervisor_trend, trend_periods,
};
use fieldbook_model::scorecard::{EngineerRules, Month};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::db;
use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::routes::scorecards::{complaints_since, engineers_of, excused};
use crate::routes::supervisor_scorecards::parse;
use crate::state::AppState;
use crate::work_orders;

#[derive(Debug, Deserialize)]
pub struct TrendQuery {
    /// A username; absent: everyone the reader may read.
    #[serde(default)]
    pub who: Option<String>,
    /// `month` (the default) or `week`.
    #[serde(default)]
    pub by: Option<String>,
    /// `YYYY-MM`: the trend's last month.
    #[serde(default)]
    pub month: Option<String>,
}

/// The query's period kind, last month and periods, at `as_of`.
fn periods_of(
    query: &TrendQuery,
    as_of: DateTime<Utc>,
) -> Result<(PeriodKind, Month, Vec<Period>), AppError> {
    let by = match query.by.as_deref().map(str::trim) {
        None | Some("") | Some("month") => PeriodKind::Month,
        Some("week") => PeriodKind::Week,
        Some(_) => return Err(AppError::bad_request("bad_query", "by: month or week")),
    };
    let last = match query.month.as_deref() {
        None => Month::of(as_of),
        Some(m) => Month::parse(m).ok_or_else(|| {
            AppError::bad_request("bad_query", "month: give it as YYYY-MM, e.g. 2026-11")
        })?,
    };
    Ok((by, last, trend_periods(by, last, as_of)))
}

/// The span's bounds as stored call times are compared (UTC RFC 3339 text); a day either side
/// covers any rounding, and the model picks each period exactly.
fn text_span(periods: &[Period]) -> Result<(String, String), AppError> {
    let (from, to) =
        span(periods).ok_or_else(|| AppError::Internal("a trend has periods".into()))?;
    Ok((
        db::time_to_text(from - Duration::days(1)),
        db::time_to_text(to + Duration::days(1)),
    ))
}

/// `who`, when the reader may read them among `readable` (else 403).
fn only<'a>(who: Option<&'a str>, readable: &[&'a str], what: &str) -> Result<(), AppError> {
    match who {
        Some(w) if !readable.contains(&w) => Err(AppError::Forbidden(format!(
            "{w} is not one of the {what} you may read"
        ))),
        _ => Ok(()),
    }
}

fn who_of(query: &TrendQuery) -> Option<&str> {
    query
        .who
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
}

/// `GET /api/scorecards/engineers/trend`.
pub async fn engineers(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<TrendQuery>,
) -> Result<Json<Trend>, AppError> {
    let as_of = Utc::now();
    let (by, last, periods) = periods_of(&query, as_of)?;
    let who = who_of(&query);
    let mut conn = state.db.acquire().await?;
    let readable: Vec<String> = match user.profile.role {
        Role::Manager | Role::Dispatcher => engineers_of(&mut conn, None)
            .await?
            .into_iter()
            .map(|e| e.username)
            .collect(),
        Role::ServiceSupervisor => {
            let station = user.profile.team.clone().unwrap_or_default();
            engineers_of(&mut conn, Some(&station))
                .await?
                .into_iter()
                .map(|e| e.username)
                .collect()
        }
        Role::Engineer => vec![user.profile.username.clone()],
        _ => {
            return Err(AppError::Forbidden(
                "the engineers' scorecards are the office's (an engineer reads their own)".into(),
            ));
        }
    };
    let readable: Vec<&str> = readable.iter().map(String::as_str).collect();
    only(who, &readable, "engineers")?;
    let engineers: Vec<&str> = who.map_or(readable.clone(), |w| vec![w]);
    // One engineer's orders only when one is asked for (by their id, as the card's own query).
    let assignee_id: Option<String> = match engineers.as_slice() {
        [one] => {
            sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                .bind(*one)
                .fetch_optional(&mut *conn)
                .await?
        }
        _ => None,
    };
    let (from, to) = text_span(&periods)?;
    let orders = if engineers.is_empty() {
        Vec::new()
    } else {
        work_orders::called_between(&mut conn, &from, &to, assignee_id.as_deref()).await?
    };
    let repeats = work_orders::repeats_since(&mut conn, &from).await?;
    let repeats: Vec<(&str, &str)> = repeats
        .iter()
        .map(|(t, r)| (t.as_str(), r.as_str()))
        .collect();
    let first = Month::of(periods[0].start());
    let complaints = complaints_since(&mut conn, first).await?;
    let excused = excused(&mut conn).await?;
    let series = engineer_trend(
        &engineers,
        &periods,
        &orders,
        &repeats,
        &complaints,
        &excused,
        &EngineerRules::default(),
        as_of,
    );
    Ok(Json(Trend {
        who: who.map(str::to_string),
        by,
        last,
        as_of,
        series,
    }))
}

/// `GET /api/scorecards/agents/trend`.
pub async fn agents(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<TrendQuery>,
) -> Result<Json<Trend>, AppError> {
    let as_of = Utc::now();
    let (by, last, periods) = periods_of(&query, as_of)?;
    let who = who_of(&query);
    let mut conn = state.db.acquire().await?;
    let readable: Vec<String> = match user.profile.role {
        Role::Manager => {
            sqlx::query_scalar("SELECT username FROM users WHERE role = $1 ORDER BY username")
                .bind(Role::Dispatcher.as_str())
                .fetch_all(&mut *conn)
                .await?
        }
        Role::Dispatcher => vec![user.profile.username.clone()],
        _ => {
            return Err(AppError::Forbidden(
                "the 400 agents' scorecards are the manager's (an agent reads their own)".into(),
            ));
        }
    };
    let readable: Vec<&str> = readable.iter().map(String::as_str).collect();
    only(who, &readable, "agents")?;
    let agents: Vec<&str> = who.map_or(readable.clone(), |w| vec![w]);
    let (from, to) = text_span(&periods)?;
    let taken = work_orders::taken_between(&mut conn, &from, &to).await?;
    let settings = crate::desk::settings(&mut conn).await?;
    let rules = AgentRules {
        call_back_days: settings.call_back_days,
        ..AgentRules::default()
    };
    let series = agent_trend(&agents, &periods, &taken, &rules, as_of);
    Ok(Json(Trend {
        who: who.map(str::to_string),
        by,
        last,
        as_of,
        series,
    }))
}

#[derive(sqlx::FromRow)]
struct SupervisorRow {
    username: String,
    team: Option<String>,
}

/// `GET /api/scorecards/supervisors/trend`.
pub async fn supervisors(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<TrendQuery>,
) -> Result<Json<Trend>, AppError> {
    let as_of = Utc::now();
    let (by, last, periods) = periods_of(&query, as_of)?;
    let who = who_of(&query);
    let mine = match user.profile.role {
        Role::Manager => None,
        Role::Supervisor => Some(user.profile.username.clone()),
        _ => {
            return Err(AppError::Forbidden(
                "the supervisors' scorecards are the manager's (a supervisor reads their own)"
                    .into(),
            ));
        }
    };
    let mut conn = state.db.acquire().await?;
    let rows: Vec<SupervisorRow> = sqlx::query_as(
        "SELECT username, team FROM users \
         WHERE role = $1 AND ($2 IS NULL OR username = $2) ORDER BY team, username",
    )
    .bind(Role::Supervisor.as_str())
    .bind(mine.as_deref())
    .fetch_all(&mut *conn)
    .await?;
    let readable: Vec<&str> = rows.iter().map(|r| r.username.as_str()).collect();
    only(who, &readable, "supervisors")?;
    let supervisors: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| who.is_none_or(|w| w == r.username))
        .map(|r| (r.username.as_str(), r.team.as_deref().unwrap_or_default()))
        .collect();
    let one = match supervisors.as_slice() {
        [(one, _)] => Some(*one),
        _ => None,
    };
    // Rounds are stored by their local date (YYYY-MM-DD text, which sorts as dates).
    let from = periods[0].first.to_string();
    let to = periods[periods.len() - 1].last().to_string();
    let rounds: Vec<String> = sqlx::query_scalar(
        "SELECT round_json FROM patrol_rounds WHERE day >= $1 AND day <= $2 \
         AND ($3 IS NULL OR team = (SELECT team FROM users WHERE username = $3)) ORDER BY seq",
    )
    .bind(&from)
    .bind(&to)
    .bind(one)
    .fetch_all(&mut *conn)
    .await?;
    let rounds: Vec<PatrolRound> = parse(&rounds, "patrol round")?;
    let findings: Vec<String> = sqlx::query_scalar(
        "SELECT finding_json FROM findings \
         WHERE ($1 IS NULL OR team = (SELECT team FROM users WHERE username = $1)) ORDER BY seq",
    )
    .bind(one)
    .fetch_all(&mut *conn)
    .await?;
    let findings: Vec<Finding> = parse(&findings, "finding")?;
    let series = supervisor_trend(&supervisors, &periods, &rounds, &findings, as_of);
    Ok(Json(Trend {
        who: who.map(str::to_string),
        by,
        last,
        as_of,
        series,
    }))
}
