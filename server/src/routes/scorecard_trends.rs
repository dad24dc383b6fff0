//! Scorecard trends (issue 18): `GET /api/scorecards/{engineers|agents|supervisors|cleaning}/trend
//! ?who=<username>&by=month|week&month=YYYY-MM`: each figure of the card per month (12 points)
//! or per week over the 12 months ending with `month` (the current China month when absent),
//! for `who` or, without it, for everyone the reader may read (the manager: the department).
//!
//! Read rights are the card's own: the engineers' for the manager and the desk (every engineer),
//! a station head (their station's) and an engineer (their own); the agents' for the manager and
//! an agent (their own); the supervisors' for the manager and a supervisor (their own); the
//! cleaning cards' for the manager (every team), a supervisor (their team and its cleaners) and
//! a cleaner (their own).
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
use fieldbook_model::scorecard::cleaning::TeamCleaning;
use fieldbook_model::scorecard::trend::{
    Trend, TrendSeries, agent_trend, agent_trend_of, cleaning_trend, engineer_trend,
    engineer_trend_of, span, supervisor_trend, trend_periods,
};
use fieldbook_model::scorecard::{EngineerRules, Month};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::db;
use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::field;
use crate::routes::agent_scorecards;
use crate::routes::scorecards::{complaints_since, engineers_of, excused};
use crate::routes::supervisor_scorecards::parse;
use crate::scorecard_summaries;
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

/// What a trend request asks, at the time it is asked: the period kind, the last month, the
/// periods and whom (`None`: everyone the reader may read).
struct Asked<'q> {
    as_of: DateTime<Utc>,
    by: PeriodKind,
    last: Month,
    periods: Vec<Period>,
    who: Option<&'q str>,
}

impl<'q> Asked<'q> {
    fn of(query: &'q TrendQuery) -> Result<Asked<'q>, AppError> {
        let as_of = Utc::now();
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
        let who = query
            .who
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty());
        Ok(Asked {
            as_of,
            by,
            last,
            periods: trend_periods(by, last, as_of),
            who,
        })
    }

    /// The trend of `who` (a cleaner asking without `who`: themselves) made of `series`, with
    /// their name as people know them.
    async fn answer(
        &self,
        conn: &mut db::Conn,
        who: Option<&str>,
        series: Vec<TrendSeries>,
    ) -> Result<Json<Trend>, AppError> {
        let name: Option<String> = match who {
            Some(w) => {
                sqlx::query_scalar("SELECT display_name FROM users WHERE username = $1")
                    .bind(w)
                    .fetch_optional(&mut *conn)
                    .await?
            }
            None => None,
        };
        Ok(Json(Trend {
            who: who.map(str::to_string),
            name: name.filter(|n| !n.is_empty()),
            by: self.by,
            last: self.last,
            as_of: self.as_of,
            series,
        }))
    }
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

/// `GET /api/scorecards/engineers/trend`.
pub async fn engineers(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<TrendQuery>,
) -> Result<Json<Trend>, AppError> {
    let asked = Asked::of(&query)?;
    let (who, periods, as_of) = (asked.who, &asked.periods, asked.as_of);
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
    let series = engineer_series(
        &mut conn,
        &engineers,
        periods,
        assignee_id.as_deref(),
        as_of,
    )
    .await?;
    asked.answer(&mut conn, who, series).await
}

/// The engineers' trend over `periods` (`assignee_id`: the one engineer's user id when
/// `engineers` is them alone): each period's cards kept or computed
/// ([`scorecard_summaries::engineer_cards`]), then the model's figures of them.
pub async fn engineer_series(
    conn: &mut db::Conn,
    engineers: &[&str],
    periods: &[Period],
    assignee_id: Option<&str>,
    as_of: DateTime<Utc>,
) -> Result<Vec<TrendSeries>, AppError> {
    let cards =
        scorecard_summaries::engineer_cards(conn, periods, engineers, assignee_id, as_of).await?;
    Ok(engineer_trend_of(periods, &cards))
}

/// The engineers' trend without the kept cards: the span's orders read whole and every period
/// computed by the model (the way before `scorecard_summaries`; the tests and the benchmark
/// compare the two).
pub async fn engineer_series_from_orders(
    conn: &mut db::Conn,
    engineers: &[&str],
    periods: &[Period],
    assignee_id: Option<&str>,
    as_of: DateTime<Utc>,
) -> Result<Vec<TrendSeries>, AppError> {
    let (from, to) = text_span(periods)?;
    let orders = if engineers.is_empty() {
        Vec::new()
    } else {
        work_orders::called_between(conn, &from, &to, assignee_id).await?
    };
    let repeats = work_orders::repeats_since(conn, &from).await?;
    let repeats: Vec<(&str, &str)> = repeats
        .iter()
        .map(|(t, r)| (t.as_str(), r.as_str()))
        .collect();
    let first = Month::of(periods[0].start());
    let complaints = complaints_since(conn, first).await?;
    let excused = excused(conn).await?;
    Ok(engineer_trend(
        engineers,
        periods,
        &orders,
        &repeats,
        &complaints,
        &excused,
        &EngineerRules::default(),
        as_of,
    ))
}

/// `GET /api/scorecards/agents/trend`.
pub async fn agents(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<TrendQuery>,
) -> Result<Json<Trend>, AppError> {
    let asked = Asked::of(&query)?;
    let (who, periods, as_of) = (asked.who, &asked.periods, asked.as_of);
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
    let series = agent_series(&mut conn, &agents, periods, as_of).await?;
    asked.answer(&mut conn, who, series).await
}

/// The agents' trend over `periods`: each period's cards kept or computed
/// ([`scorecard_summaries::agent_cards`]), then each rate summed.
pub async fn agent_series(
    conn: &mut db::Conn,
    agents: &[&str],
    periods: &[Period],
    as_of: DateTime<Utc>,
) -> Result<Vec<TrendSeries>, AppError> {
    let rules = agent_scorecards::rules(conn).await?;
    let cards = scorecard_summaries::agent_cards(conn, periods, agents, &rules, as_of).await?;
    Ok(agent_trend_of(periods, &cards))
}

/// The agents' trend without the kept cards: the span's orders read whole and every period
/// computed by the model (the way before `scorecard_summaries`).
pub async fn agent_series_from_orders(
    conn: &mut db::Conn,
    agents: &[&str],
    periods: &[Period],
    as_of: DateTime<Utc>,
) -> Result<Vec<TrendSeries>, AppError> {
    let (from, to) = text_span(periods)?;
    let taken = work_orders::taken_between(conn, &from, &to).await?;
    let rules = agent_scorecards::rules(conn).await?;
    Ok(agent_trend(agents, periods, &taken, &rules, as_of))
}

#[derive(sqlx::FromRow)]
struct StaffRow {
    username: String,
    team: Option<String>,
}

/// The users of `role`, of `team` and named `username` where given, by team and name.
async fn staff(
    conn: &mut db::Conn,
    role: Role,
    team: Option<&str>,
    username: Option<&str>,
) -> Result<Vec<StaffRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT username, team FROM users WHERE role = $1 AND ($2 IS NULL OR team = $2) \
         AND ($3 IS NULL OR username = $3) ORDER BY team, username",
    )
    .bind(role.as_str())
    .bind(team)
    .bind(username)
    .fetch_all(&mut *conn)
    .await?)
}

/// `GET /api/scorecards/supervisors/trend`.
pub async fn supervisors(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<TrendQuery>,
) -> Result<Json<Trend>, AppError> {
    let asked = Asked::of(&query)?;
    let (who, periods, as_of) = (asked.who, &asked.periods, asked.as_of);
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
    let rows = staff(&mut conn, Role::Supervisor, None, mine.as_deref()).await?;
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
    let series = supervisor_trend(&supervisors, periods, &rounds, &findings, as_of);
    asked.answer(&mut conn, who, series).await
}

/// `GET /api/scorecards/cleaning/trend`: the teams' cards summed (the manager's: every team's;
/// a supervisor's: their team's), or one cleaner's own.
pub async fn cleaning(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<TrendQuery>,
) -> Result<Json<Trend>, AppError> {
    let asked = Asked::of(&query)?;
    let (periods, as_of) = (&asked.periods, asked.as_of);
    let profile = &user.profile;
    let (team, who) = match profile.role {
        Role::Manager => (None, asked.who),
        Role::Supervisor => (Some(profile.team.clone().unwrap_or_default()), asked.who),
        Role::Cleaner => (
            Some(profile.team.clone().unwrap_or_default()),
            Some(asked.who.unwrap_or(&profile.username)),
        ),
        _ => {
            return Err(AppError::Forbidden(
                "the cleaning scorecards are the manager's and the supervisors' (a cleaner \
                 reads their own)"
                    .into(),
            ));
        }
    };
    let mut conn = state.db.acquire().await?;
    let cleaners = staff(&mut conn, Role::Cleaner, team.as_deref(), None).await?;
    let readable: Vec<&str> = match profile.role {
        Role::Cleaner => vec![profile.username.as_str()],
        _ => cleaners.iter().map(|c| c.username.as_str()).collect(),
    };
    only(who, &readable, "cleaners")?;
    // A cleaner's trend needs only their team's records; the department's every team's.
    let who_team = who.and_then(|w| cleaners.iter().find(|c| c.username == w));
    let first = periods[0].first - Duration::days(31);
    let last_day = periods[periods.len() - 1].last();
    let mut teams = Vec::new();
    for t in field::cleaning_teams(&mut conn).await? {
        let wanted = match who_team {
            Some(c) => c.team.as_deref() == Some(t.as_str()),
            None => team.as_deref().is_none_or(|mine| mine == t),
        };
        if !wanted {
            continue;
        }
        let names: Vec<String> = cleaners
            .iter()
            .filter(|c| c.team.as_deref() == Some(t.as_str()))
            .map(|c| c.username.clone())
            .collect();
        teams.push((
            names,
            field::team_records(&mut conn, &t, first, last_day).await?,
        ));
    }
    let teams: Vec<(&[String], TeamCleaning)> = teams
        .iter()
        .map(|(names, r)| (names.as_slice(), r.cleaning()))
        .collect();
    let series = cleaning_trend(&teams, who, periods, as_of);
    asked.answer(&mut conn, who, series).await
}
