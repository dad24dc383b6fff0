//! Monthly scorecards (issue 18): `GET /api/scorecards/engineers?month=YYYY-MM` (the manager and
//! the 400 desk: every engineer; a station head: their station's), `GET /api/scorecards/me`
//! (an engineer: their own), each also as `&format=csv|xlsx`; and the office's excuse of a fault
//! order from first-time fix (`PUT`/`GET /api/work-orders/{id}/first-fix-excuse`).
//!
//! Everything is computed from what was recorded, by the model's formulas
//! (`fieldbook_model::scorecard`); only the excuses are stored (migration 0010).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use fieldbook_model::complaints::{Complaint, china_midnight};
use fieldbook_model::scorecard::{
    Defect, EngineerMonth, EngineerRules, EngineerScorecard, EngineerScorecards, ExcuseRequest,
    FirstFixExcuse, Month,
};
use fieldbook_model::validate::{limits, text_ok};
use fieldbook_model::{Role, ServiceType};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::db;
use crate::desk::{self, order_id, unprocessable};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::scorecard_summaries;
use crate::sheet::{self, Cell};
use crate::state::AppState;
use crate::work_orders;

#[derive(Debug, Deserialize)]
pub struct ScorecardQuery {
    /// `YYYY-MM`, a China calendar month.
    pub month: String,
    #[serde(default)]
    pub format: Option<String>,
}

/// Whose scorecards a reader sees: every engineer, or a station's.
enum Readers {
    All,
    Station(String),
}

/// The manager and the 400 desk read every engineer's; a station head their station's.
fn readers(user: &CurrentUser) -> Result<Readers, AppError> {
    match user.profile.role {
        Role::Manager | Role::Dispatcher => Ok(Readers::All),
        Role::ServiceSupervisor => Ok(Readers::Station(
            user.profile.team.clone().unwrap_or_default(),
        )),
        _ => Err(AppError::Forbidden(
            "the engineers' scorecards are the office's (an engineer reads their own)".into(),
        )),
    }
}

pub fn month_of(query: &ScorecardQuery) -> Result<Month, AppError> {
    Month::parse(&query.month).ok_or_else(|| {
        AppError::bad_request("bad_query", "month: give it as YYYY-MM, e.g. 2026-11")
    })
}

/// When a month starts, in UTC.
pub fn start_of(month: Month) -> DateTime<Utc> {
    china_midnight(month.first_day())
}

/// The complaints taken from the month's start on (a complaint about an order comes after it).
pub(crate) async fn complaints_since(
    conn: &mut db::Conn,
    month: Month,
) -> Result<Vec<Complaint>, AppError> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT complaint_json FROM complaints WHERE taken_at >= $1 ORDER BY taken_at, id",
    )
    .bind(db::millis(start_of(month)))
    .fetch_all(&mut *conn)
    .await?;
    crate::complaints::parse_all(&rows)
}

pub(crate) async fn excused(conn: &mut db::Conn) -> Result<Vec<Uuid>, AppError> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT work_order_id FROM first_fix_excuses")
        .fetch_all(&mut *conn)
        .await?;
    Ok(ids
        .iter()
        .filter_map(|id| Uuid::parse_str(id).ok())
        .collect())
}

/// An engineer whose card is computed.
#[derive(sqlx::FromRow)]
pub struct EngineerRow {
    pub username: String,
    pub display_name: String,
    pub team: Option<String>,
}

/// The engineers of `station` (every engineer when `None`), by station and username.
pub async fn engineers_of(
    conn: &mut db::Conn,
    station: Option<&str>,
) -> Result<Vec<EngineerRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT username, display_name, team FROM users \
         WHERE role = $1 AND ($2 IS NULL OR team = $2) ORDER BY team, username",
    )
    .bind(Role::Engineer.as_str())
    .bind(station)
    .fetch_all(&mut *conn)
    .await?)
}

/// The scorecards of `engineers` for `month`, computed at `as_of`: a month that is over from
/// the kept cards whose source still holds, the rest by the model from the month's orders
/// ([`crate::scorecard_summaries`]; README "Reports and scorecards at the company's size").
/// `assignee_id`: the one engineer's user id when one engineer's card is asked for.
pub async fn compute(
    conn: &mut db::Conn,
    engineers: Vec<EngineerRow>,
    month: Month,
    assignee_id: Option<&str>,
    as_of: DateTime<Utc>,
) -> Result<EngineerScorecards, AppError> {
    let names: Vec<&str> = engineers.iter().map(|e| e.username.as_str()).collect();
    let mut cards =
        scorecard_summaries::engineer_cards(conn, &[month.period()], &names, assignee_id, as_of)
            .await?;
    let cards = cards
        .pop()
        .unwrap_or_default()
        .into_iter()
        .zip(engineers)
        .map(|(mut card, e)| {
            card.name = e.display_name;
            card.station = e.team;
            card
        })
        .collect();
    Ok(EngineerScorecards {
        month,
        as_of,
        cards,
    })
}

/// [`compute`] without the kept cards: every card by the model from the month's orders read
/// whole ([`work_orders::called_between`], of `assignee_id` only when one engineer's card is
/// asked for), the second visits' tickets, the complaints since the month's start and the
/// excuses. The way before the summaries; the tests and the benchmark compare the two.
pub async fn compute_from_orders(
    conn: &mut db::Conn,
    engineers: Vec<EngineerRow>,
    month: Month,
    assignee_id: Option<&str>,
    as_of: DateTime<Utc>,
) -> Result<EngineerScorecards, AppError> {
    // Stored call times are UTC RFC 3339 text, which sorts as time; a day either side covers
    // any rounding, and the model picks the month exactly.
    let from = db::time_to_text(start_of(month) - Duration::days(1));
    let to = db::time_to_text(start_of(month.next()) + Duration::days(1));
    let orders = work_orders::called_between(conn, &from, &to, assignee_id).await?;
    let repeats = work_orders::repeats_since(conn, &from).await?;
    let repeats: Vec<(&str, &str)> = repeats
        .iter()
        .map(|(t, r)| (t.as_str(), r.as_str()))
        .collect();
    let complaints = complaints_since(conn, month).await?;
    let excused = excused(conn).await?;
    let rules = EngineerRules::default();
    let records = EngineerMonth::new(month, &orders, &repeats, &complaints, &excused);
    let cards = engineers
        .into_iter()
        .map(|e| {
            let mut card = records.card(&e.username, &rules, as_of);
            card.name = e.display_name;
            card.station = e.team;
            card
        })
        .collect();
    Ok(EngineerScorecards {
        month,
        as_of,
        cards,
    })
}

/// A deduction's cause as the export writes it.
pub fn defect_text(d: &Defect) -> String {
    match d {
        Defect::LateResponse => "36小时内未到现场".into(),
        Defect::SecondVisit { repeat_ticket } => format!("未一次修复（二次上门 {repeat_ticket}）"),
        Defect::MissingPhoto { slot } => format!("缺少照片：{slot}"),
        Defect::LateReport => "服务报告超过3天".into(),
        Defect::Unsigned => "服务记录未签字".into(),
        Defect::SentBack => "报告被退回".into(),
        Defect::Complaint { .. } => "有效投诉".into(),
        Defect::DissatisfiedCallBack { .. } => "回访不满意".into(),
    }
}

pub const CARD_HEADER: [&str; 9] = [
    "工程师",
    "姓名",
    "服务站",
    "工单数",
    "实际响应(20)",
    "一次修复(20)",
    "服务数据(60)",
    "投诉与回访扣分",
    "总分",
];

pub const DEDUCTION_HEADER: [&str; 5] = ["工程师", "姓名", "工单号", "扣分原因", "扣分"];

/// The cards' rows and the deductions' rows, as the files hold them.
fn rows(cards: &[EngineerScorecard]) -> (Vec<Vec<Cell>>, Vec<Vec<Cell>>) {
    let n = |v: u32| Cell::Number(f64::from(v));
    let summary = cards
        .iter()
        .map(|c| {
            vec![
                c.engineer.as_str().into(),
                c.name.as_str().into(),
                c.station.clone().unwrap_or_default().into(),
                n(c.orders),
                n(c.response),
                n(c.first_fix),
                n(c.data),
                n(c.beyond),
                Cell::Number(c.total as f64),
            ]
        })
        .collect();
    let deductions = cards
        .iter()
        .flat_map(|c| {
            c.deductions.iter().map(move |d| {
                vec![
                    c.engineer.as_str().into(),
                    c.name.as_str().into(),
                    d.ticket.as_str().into(),
                    defect_text(&d.defect).into(),
                    n(d.points),
                ]
            })
        })
        .collect();
    (summary, deductions)
}

/// The JSON, or the cards as CSV, or cards and deductions as .xlsx, named `{stem}.csv|xlsx`.
fn answer(
    format: Option<&str>,
    json: impl FnOnce() -> Response,
    cards: &[EngineerScorecard],
    month: Month,
    stem: &str,
) -> Result<Response, AppError> {
    let (summary, deductions) = rows(cards);
    let name = format!("工程师考核 {month}");
    sheet::answer(
        format,
        json,
        stem,
        &[
            (&name, &CARD_HEADER, &summary),
            ("扣分明细", &DEDUCTION_HEADER, &deductions),
        ],
    )
}

/// `GET /api/scorecards/engineers?month=2026-11&format=json|csv|xlsx`.
pub async fn engineers(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ScorecardQuery>,
) -> Result<Response, AppError> {
    let readers = readers(&user)?;
    let month = month_of(&query)?;
    let station = match &readers {
        Readers::All => None,
        Readers::Station(s) => Some(s.as_str()),
    };
    let mut conn = state.db.acquire().await?;
    let engineers = engineers_of(&mut conn, station).await?;
    let cards = compute(&mut conn, engineers, month, None, Utc::now()).await?;
    answer(
        query.format.as_deref(),
        || Json(&cards).into_response(),
        &cards.cards,
        month,
        &format!("engineer-scorecards-{month}"),
    )
}

/// `GET /api/scorecards/me?month=2026-11&format=json|csv|xlsx`: an engineer's own.
pub async fn me(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ScorecardQuery>,
) -> Result<Response, AppError> {
    if user.profile.role != Role::Engineer {
        return Err(AppError::Forbidden(
            "this is an engineer's own scorecard".into(),
        ));
    }
    let month = month_of(&query)?;
    let mut conn = state.db.acquire().await?;
    let me = EngineerRow {
        username: user.profile.username.clone(),
        display_name: user.profile.display_name.clone(),
        team: user.profile.team.clone(),
    };
    let mut cards = compute(&mut conn, vec![me], month, Some(&user.id), Utc::now()).await?;
    let card = cards.cards.remove(0);
    let stem = format!("scorecard-{}-{month}", card.engineer);
    answer(
        query.format.as_deref(),
        || Json(&card).into_response(),
        std::slice::from_ref(&card),
        month,
        &stem,
    )
}

#[derive(sqlx::FromRow)]
struct ExcuseRow {
    reason: String,
    excused_by: String,
    excused_at: i64,
}

fn excuse_of(id: Uuid, row: ExcuseRow) -> FirstFixExcuse {
    FirstFixExcuse {
        work_order_id: id,
        reason: row.reason,
        by: row.excused_by,
        at: DateTime::from_timestamp_millis(row.excused_at).unwrap_or_default(),
    }
}

/// `GET /api/work-orders/{id}/first-fix-excuse`: the excuse, 404 when there is none (the
/// readers of scorecards).
pub async fn get_excuse(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<FirstFixExcuse>, AppError> {
    let readers = readers(&user)?;
    let id = order_id(&id)?;
    let mut conn = state.db.acquire().await?;
    let Some((wo, _)) = work_orders::find(&mut conn, id).await? else {
        return Err(AppError::NotFound(format!("no work order {id}")));
    };
    if let Readers::Station(s) = readers
        && wo.station.as_deref() != Some(s.as_str())
    {
        // Answered as an unknown id is: ids cannot be probed.
        return Err(AppError::NotFound(format!("no work order {id}")));
    }
    let row: Option<ExcuseRow> = sqlx::query_as(
        "SELECT reason, excused_by, excused_at FROM first_fix_excuses WHERE work_order_id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| Json(excuse_of(id, r)))
        .ok_or_else(|| AppError::NotFound(format!("order {id} is not excused")))
}

/// `PUT /api/work-orders/{id}/first-fix-excuse`: the 400 desk excuses a fault order from
/// first-time fix, with the reason (giving it again replaces the reason).
pub async fn put_excuse(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ExcuseRequest>,
) -> Result<Json<FirstFixExcuse>, AppError> {
    desk::dispatcher(&user)?;
    let id = order_id(&id)?;
    let reason = body.reason.trim();
    if reason.is_empty() {
        return Err(unprocessable(
            "required",
            "reason: say why the order is excused",
        ));
    }
    if !text_ok(reason, limits::MAX_TEXT_CHARS) {
        return Err(unprocessable(
            "invalid_value",
            "reason: too long or has characters that are not allowed",
        ));
    }
    let mut tx = state.db.begin().await?;
    let Some((wo, _)) = work_orders::find(&mut tx, id).await? else {
        return Err(AppError::NotFound(format!("no work order {id}")));
    };
    if wo.service_type != ServiceType::FaultRepair {
        return Err(AppError::refused(
            StatusCode::CONFLICT,
            "not_fault_repair",
            "only a fault repair counts for first-time fix",
        ));
    }
    let at = Utc::now();
    sqlx::query(
        "INSERT INTO first_fix_excuses (work_order_id, reason, excused_by, excused_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (work_order_id) DO UPDATE SET \
         reason = excluded.reason, excused_by = excluded.excused_by, \
         excused_at = excluded.excused_at",
    )
    .bind(id.to_string())
    .bind(reason)
    .bind(&user.profile.username)
    .bind(db::millis(at))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Json(excuse_of(
        id,
        ExcuseRow {
            reason: reason.to_string(),
            excused_by: user.profile.username.clone(),
            excused_at: db::millis(at),
        },
    )))
}
