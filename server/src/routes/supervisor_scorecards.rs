//! The cleaning supervisors' monthly scorecards (issue 18): `GET
//! /api/scorecards/supervisors?month=YYYY-MM` (`&format=csv|xlsx` too). The manager reads every
//! supervisor's; a supervisor their own. Computed from the rounds and findings as recorded, by
//! the model's formulas (`fieldbook_model::scorecard::supervisor`).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use fieldbook_model::Role;
use fieldbook_model::findings::Finding;
use fieldbook_model::patrol::{PatrolRound, RoundKind};
use fieldbook_model::scorecard::Month;
use fieldbook_model::scorecard::agent::Rate;
use fieldbook_model::scorecard::supervisor::{
    SupervisorMiss, SupervisorScorecard, SupervisorScorecards, supervisor_scorecard,
};

use crate::auth::CurrentUser;
use crate::db;
use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::routes::scorecards::{ScorecardQuery, month_of};
use crate::sheet::{self, Cell};
use crate::state::AppState;

#[derive(sqlx::FromRow)]
struct SupervisorRow {
    username: String,
    display_name: String,
    team: Option<String>,
}

/// Stored JSON rows read into the model's type; one that does not read is the server's fault.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    rows: &[String],
    what: &str,
) -> Result<Vec<T>, AppError> {
    rows.iter()
        .map(|j| {
            serde_json::from_str(j)
                .map_err(|e| AppError::Internal(format!("a stored {what} does not read: {e}")))
        })
        .collect()
}

/// The supervisors' cards for `month`: every supervisor's, or `only` this one's.
pub async fn compute(
    conn: &mut db::Conn,
    month: Month,
    only: Option<&str>,
    as_of: DateTime<Utc>,
) -> Result<SupervisorScorecards, AppError> {
    let supervisors: Vec<SupervisorRow> = sqlx::query_as(
        "SELECT username, display_name, team FROM users \
         WHERE role = $1 AND ($2 IS NULL OR username = $2) ORDER BY team, username",
    )
    .bind(Role::Supervisor.as_str())
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    // Rounds are stored by their local date (YYYY-MM-DD text, which sorts as dates).
    let from = month.first_day().to_string();
    let to = month.next().first_day().to_string();
    let rounds: Vec<String> = sqlx::query_scalar(
        "SELECT round_json FROM patrol_rounds WHERE day >= $1 AND day < $2 \
         AND ($3 IS NULL OR team = (SELECT team FROM users WHERE username = $3)) ORDER BY seq",
    )
    .bind(&from)
    .bind(&to)
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    let rounds: Vec<PatrolRound> = parse(&rounds, "patrol round")?;
    let findings: Vec<String> = sqlx::query_scalar(
        "SELECT finding_json FROM findings \
         WHERE ($1 IS NULL OR team = (SELECT team FROM users WHERE username = $1)) ORDER BY seq",
    )
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    let findings: Vec<Finding> = parse(&findings, "finding")?;
    let cards = supervisors
        .into_iter()
        .map(|s| {
            let team = s.team.unwrap_or_default();
            let mut card =
                supervisor_scorecard(&s.username, &team, month, &rounds, &findings, as_of);
            card.name = s.display_name;
            card
        })
        .collect();
    Ok(SupervisorScorecards {
        month,
        as_of,
        cards,
    })
}

pub const SUPERVISOR_HEADER: [&str; 8] = [
    "主管",
    "姓名",
    "班组",
    "巡检完成",
    "应巡检",
    "巡检完成率(%)",
    "商铺月检",
    "按时确认整改率(%)",
];

pub const MISS_HEADER: [&str; 3] = ["主管", "姓名", "未达项"];

fn round_text(kind: RoundKind) -> &'static str {
    match kind {
        RoundKind::Morning => "上午巡检",
        RoundKind::Afternoon => "下午巡检",
        RoundKind::LastRound => "下班前巡视",
        RoundKind::MonthlyOutlets => "商铺月检",
    }
}

pub fn miss_text(miss: &SupervisorMiss) -> String {
    match miss {
        SupervisorMiss::Round { date, kind } => format!("{date} 未{}", round_text(*kind)),
        SupervisorMiss::OutletCheck => "本月未做商铺月检".into(),
        SupervisorMiss::LateConfirmation { finding_id } => {
            format!("整改未按时确认（{finding_id}）")
        }
    }
}

fn rate(r: Rate) -> Cell {
    r.percent()
        .map_or_else(|| "".into(), |p| Cell::Number(f64::from(p)))
}

fn rows(cards: &[SupervisorScorecard]) -> (Vec<Vec<Cell>>, Vec<Vec<Cell>>) {
    let summary = cards
        .iter()
        .map(|c| {
            vec![
                c.supervisor.as_str().into(),
                c.name.as_str().into(),
                c.team.as_str().into(),
                Cell::Number(f64::from(c.rounds.met)),
                Cell::Number(f64::from(c.rounds.of)),
                rate(c.rounds),
                match (c.outlet_check.of, c.outlet_check.met) {
                    (0, _) => "".into(),
                    (_, 0) => "未做".into(),
                    _ => "已做".into(),
                },
                rate(c.findings_confirmed),
            ]
        })
        .collect();
    let misses = cards
        .iter()
        .flat_map(|c| {
            c.misses.iter().map(move |m| {
                vec![
                    c.supervisor.as_str().into(),
                    c.name.as_str().into(),
                    miss_text(m).into(),
                ]
            })
        })
        .collect();
    (summary, misses)
}

/// `GET /api/scorecards/supervisors?month=2026-11&format=json|csv|xlsx`.
pub async fn supervisors(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ScorecardQuery>,
) -> Result<Response, AppError> {
    let only = match user.profile.role {
        Role::Manager => None,
        Role::Supervisor => Some(user.profile.username.as_str()),
        _ => {
            return Err(AppError::Forbidden(
                "the supervisors' scorecards are the manager's (a supervisor reads their own)"
                    .into(),
            ));
        }
    };
    let month = month_of(&query)?;
    let mut conn = state.db.acquire().await?;
    let cards = compute(&mut conn, month, only, Utc::now()).await?;
    let stem = format!("supervisor-scorecards-{month}");
    let (summary, misses) = rows(&cards.cards);
    let name = format!("主管考核 {month}");
    sheet::answer(
        query.format.as_deref(),
        || Json(&cards).into_response(),
        &stem,
        &[
            (&name, &SUPERVISOR_HEADER, &summary),
            ("未达明细", &MISS_HEADER, &misses),
        ],
    )
}
