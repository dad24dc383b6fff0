//! The 400 agents' monthly scorecards (issue 18): `GET /api/scorecards/agents?month=YYYY-MM`
//! (`&format=csv|xlsx` too). The manager reads every agent's; an agent (dispatcher) their own.
//! Computed from the orders each agent took (`work_orders.taken_by`, migration 0012) by the
//! model's formulas (`fieldbook_model::scorecard::agent`).

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use fieldbook_model::Role;
use fieldbook_model::scorecard::Month;
use fieldbook_model::scorecard::agent::{
    AgentMissKind, AgentRules, AgentScorecard, AgentScorecards, Rate, agent_scorecard,
};
use fieldbook_model::work_order::WorkOrder;

use crate::auth::CurrentUser;
use crate::db;
use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::routes::scorecards::{ScorecardQuery, month_of, start_of};
use crate::scorecard_summaries;
use crate::sheet::{self, Cell};
use crate::state::AppState;
use crate::work_orders;

#[derive(sqlx::FromRow)]
struct AgentRow {
    username: String,
    display_name: String,
}

async fn agents_of(conn: &mut db::Conn, only: Option<&str>) -> Result<Vec<AgentRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT username, display_name FROM users \
         WHERE role = $1 AND ($2 IS NULL OR username = $2) ORDER BY username",
    )
    .bind(Role::Dispatcher.as_str())
    .bind(only)
    .fetch_all(&mut *conn)
    .await?)
}

/// The agents' rule book with the desk's call-back days.
pub async fn rules(conn: &mut db::Conn) -> Result<AgentRules, AppError> {
    let settings = crate::desk::settings(conn).await?;
    Ok(AgentRules {
        call_back_days: settings.call_back_days,
        ..AgentRules::default()
    })
}

/// The agents' cards for `month`: every agent's, or `only` this one's; a month that is over
/// from the kept cards whose source still holds ([`crate::scorecard_summaries`]).
pub async fn compute(
    conn: &mut db::Conn,
    month: Month,
    only: Option<&str>,
    as_of: DateTime<Utc>,
) -> Result<AgentScorecards, AppError> {
    let agents = agents_of(conn, only).await?;
    let rules = rules(conn).await?;
    let names: Vec<&str> = agents.iter().map(|a| a.username.as_str()).collect();
    let mut cards =
        scorecard_summaries::agent_cards(conn, &[month.period()], &names, &rules, as_of).await?;
    let cards = cards
        .pop()
        .unwrap_or_default()
        .into_iter()
        .zip(agents)
        .map(|(mut card, a)| {
            card.name = a.display_name;
            card
        })
        .collect();
    Ok(AgentScorecards {
        month,
        as_of,
        cards,
    })
}

/// [`compute`] without the kept cards: every card by the model from the month's orders read
/// whole. The way before the summaries; the tests and the benchmark compare the two.
pub async fn compute_from_orders(
    conn: &mut db::Conn,
    month: Month,
    only: Option<&str>,
    as_of: DateTime<Utc>,
) -> Result<AgentScorecards, AppError> {
    let agents = agents_of(conn, only).await?;
    let from = db::time_to_text(start_of(month) - Duration::days(1));
    let to = db::time_to_text(start_of(month.next()) + Duration::days(1));
    let taken = work_orders::taken_between(conn, &from, &to).await?;
    let mut by_agent: HashMap<&str, Vec<&WorkOrder>> = HashMap::new();
    for (by, o) in &taken {
        by_agent.entry(by.as_str()).or_default().push(o);
    }
    let rules = rules(conn).await?;
    let cards = agents
        .into_iter()
        .map(|a| {
            let mine = by_agent.get(a.username.as_str()).map(Vec::as_slice);
            let mut card =
                agent_scorecard(&a.username, month, mine.unwrap_or_default(), &rules, as_of);
            card.name = a.display_name;
            card
        })
        .collect();
    Ok(AgentScorecards {
        month,
        as_of,
        cards,
    })
}

pub const AGENT_HEADER: [&str; 7] = [
    "客服",
    "姓名",
    "工单数",
    "首次响应率(%)",
    "实际响应率(%)",
    "报告及时率(%)",
    "回访完成率(%)",
];

pub const MISS_HEADER: [&str; 4] = ["客服", "姓名", "工单号", "未达项"];

pub fn miss_text(kind: AgentMissKind) -> &'static str {
    match kind {
        AgentMissKind::FirstResponse => "首次响应超时",
        AgentMissKind::ActualResponse => "36小时内未到现场",
        AgentMissKind::LateReport => "服务报告超过3天",
        AgentMissKind::CallBack => "回访超时",
    }
}

/// A rate's cell: its percent, or blank with nothing decided.
fn rate(r: Rate) -> Cell {
    r.percent()
        .map_or_else(|| "".into(), |p| Cell::Number(f64::from(p)))
}

fn rows(cards: &[AgentScorecard]) -> (Vec<Vec<Cell>>, Vec<Vec<Cell>>) {
    let summary = cards
        .iter()
        .map(|c| {
            vec![
                c.agent.as_str().into(),
                c.name.as_str().into(),
                Cell::Number(f64::from(c.orders)),
                rate(c.first_response),
                rate(c.actual_response),
                rate(c.reports_on_time),
                rate(c.call_backs),
            ]
        })
        .collect();
    let misses = cards
        .iter()
        .flat_map(|c| {
            c.misses.iter().map(move |m| {
                vec![
                    c.agent.as_str().into(),
                    c.name.as_str().into(),
                    m.ticket.as_str().into(),
                    miss_text(m.kind).into(),
                ]
            })
        })
        .collect();
    (summary, misses)
}

/// `GET /api/scorecards/agents?month=2026-11&format=json|csv|xlsx`.
pub async fn agents(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ScorecardQuery>,
) -> Result<Response, AppError> {
    let only = match user.profile.role {
        Role::Manager => None,
        Role::Dispatcher => Some(user.profile.username.as_str()),
        _ => {
            return Err(AppError::Forbidden(
                "the 400 agents' scorecards are the manager's (an agent reads their own)".into(),
            ));
        }
    };
    let month = month_of(&query)?;
    let mut conn = state.db.acquire().await?;
    let cards = compute(&mut conn, month, only, Utc::now()).await?;
    let stem = format!("agent-scorecards-{month}");
    let (summary, misses) = rows(&cards.cards);
    let name = format!("客服考核 {month}");
    sheet::answer(
        query.format.as_deref(),
        || Json(&cards).into_response(),
        &stem,
        &[
            (&name, &AGENT_HEADER, &summary),
            ("未达明细", &MISS_HEADER, &misses),
        ],
    )
}
