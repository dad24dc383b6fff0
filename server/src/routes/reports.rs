//! Reports (issue 18): the 400 desk's daily, weekly and monthly figures, the 16:30 list of
//! unrepaired orders, the service station heads' daily and the cleaning supervisors' daily and
//! month-end summary. Each is `GET /api/reports/{desk,unrepaired,stations,cleaning}` with
//! `period=day|week|month&date=YYYY-MM-DD` (any day of the period; the list takes a `date`
//! only) and `format=json|csv|xlsx`.
//!
//! Computed from what was recorded by the model's pure functions (`fieldbook_model::reports`):
//! a period that is over always gives the same figures. A period not over yet is refused (its
//! figures would still change); the 16:30 list of today is the list as of now until 16:30.
//!
//! Who reads what: the manager everything; the 400 desk (dispatchers) the desk's reports and
//! the list; a station head (service supervisor) their station's daily and list; a cleaning
//! supervisor their team's cleaning report.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use fieldbook_model::Role;
use fieldbook_model::complaints::china_date;
use fieldbook_model::reports::{
    CleaningFigures, CleaningReport, DeskFigures, DeskReport, Period, StationFigures,
    StationReport, TeamCleaning, UnrepairedReport, cleaning_figures, desk_figures, percent,
    station_figures, unrepaired, unrepaired_cutoff,
};
use fieldbook_model::{StatusNode, WorkOrder};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::db;
use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::field;
use crate::sheet::{self, Cell};
use crate::state::AppState;
use crate::work_orders;

#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    period: Option<String>,
    date: String,
    #[serde(default)]
    format: Option<String>,
}

/// Every station/team, or one.
enum Scope {
    All,
    One(String),
}

impl Scope {
    fn keeps(&self, name: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::One(mine) => mine == name,
        }
    }
}

fn forbidden(what: &str) -> AppError {
    AppError::Forbidden(format!("{what} is not yours to read"))
}

fn own_team(user: &CurrentUser) -> Scope {
    Scope::One(user.profile.team.clone().unwrap_or_default())
}

fn period_of(query: &ReportQuery) -> Result<Period, AppError> {
    let kind = query.period.as_deref().unwrap_or("day");
    let period = Period::parse(kind, &query.date).ok_or_else(|| {
        AppError::bad_request(
            "bad_query",
            "period: day, week or month; date: YYYY-MM-DD, e.g. 2026-12-06",
        )
    })?;
    if period.end() > Utc::now() {
        return Err(AppError::bad_request(
            "period_not_over",
            format!("{period} is not over yet: its figures would still change"),
        ));
    }
    Ok(period)
}

fn date_of(query: &ReportQuery) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(query.date.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::bad_request("bad_query", "date: YYYY-MM-DD, e.g. 2026-12-06"))
}

/// The orders any event before `end` can come from: called before it and not closed before
/// `since` (a closed order has had its last event).
async fn orders_between(
    conn: &mut db::Conn,
    since: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<WorkOrder>, AppError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM work_orders WHERE called_at < $1 \
         AND (closed_at IS NULL OR closed_at >= $2) ORDER BY called_at, id",
    )
    .bind(db::time_to_text(end))
    .bind(db::millis(since))
    .fetch_all(&mut *conn)
    .await?;
    Ok(work_orders::by_ids(conn, &ids).await?)
}

/// The stations: the service supervisors' teams.
async fn stations(conn: &mut db::Conn) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT team FROM users WHERE role = $1 AND team IS NOT NULL ORDER BY team",
    )
    .bind(Role::ServiceSupervisor.as_str())
    .fetch_all(conn)
    .await?)
}

/// The figures' columns, as the files hold them.
pub const FIGURE_HEADER: [&str; 10] = [
    "来电",
    "其中停机",
    "派工出发",
    "到达工地",
    "修复离开",
    "电话解决",
    "提交报告",
    "其中超期",
    "期末未修复",
    "其中停机",
];

fn figure_cells(f: &DeskFigures) -> Vec<Cell> {
    [
        f.calls,
        f.calls_machine_down,
        f.dispatches,
        f.arrivals,
        f.repaired,
        f.resolved_by_phone,
        f.reports_submitted,
        f.reports_late,
        f.open_at_end,
        f.machines_down_at_end,
    ]
    .into_iter()
    .map(|n| Cell::Number(f64::from(n)))
    .collect()
}

fn header_with(first: &[&'static str], rest: &[&'static str]) -> Vec<&'static str> {
    first.iter().chain(rest).copied().collect()
}

fn station_rows(total: Option<&DeskFigures>, stations: &[StationFigures]) -> Vec<Vec<Cell>> {
    total
        .map(|t| ("合计".to_string(), t))
        .into_iter()
        .chain(stations.iter().map(|s| {
            let name = if s.station.is_empty() {
                "未分配".to_string()
            } else {
                s.station.clone()
            };
            (name, &s.figures)
        }))
        .map(|(name, f)| {
            let mut row = vec![Cell::Text(name)];
            row.extend(figure_cells(f));
            row
        })
        .collect()
}

/// A period in a file name: `day-2026-12-06`, `week-2026-12-04`, `month-2026-12`.
fn stem(what: &str, period: Period) -> String {
    let first = match period.kind {
        fieldbook_model::reports::PeriodKind::Month => period.first.format("%Y-%m").to_string(),
        _ => period.first.to_string(),
    };
    format!("{what}-{}-{first}", period.kind.as_str())
}

/// A sheet's name: what and when (Excel refuses some characters and long names).
fn sheet_name(what: &str, period: Period) -> String {
    format!("{what} {}", period.to_string().replace(" – ", "至"))
}

/// `GET /api/reports/desk?period=day|week|month&date=&format=`: the manager and the 400 desk.
pub async fn desk(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, AppError> {
    if !matches!(user.profile.role, Role::Manager | Role::Dispatcher) {
        return Err(forbidden("the 400 desk's report"));
    }
    let period = period_of(&query)?;
    let mut conn = state.db.acquire().await?;
    let orders = orders_between(&mut conn, period.start(), period.end()).await?;
    let names = stations(&mut conn).await?;
    let report = DeskReport {
        period,
        total: desk_figures(period, &orders),
        stations: station_figures(period, &orders, &names),
    };
    let header = header_with(&["服务站"], &FIGURE_HEADER);
    let rows = station_rows(Some(&report.total), &report.stations);
    let name = sheet_name("400报表", period);
    sheet::answer(
        query.format.as_deref(),
        || Json(&report).into_response(),
        &stem("desk", period),
        &[(&name, &header, &rows)],
    )
}

/// `GET /api/reports/stations?period=&date=&format=`: the manager every station's; a station
/// head their own.
pub async fn stations_report(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, AppError> {
    let scope = match user.profile.role {
        Role::Manager => Scope::All,
        Role::ServiceSupervisor => own_team(&user),
        _ => return Err(forbidden("the station heads' report")),
    };
    let period = period_of(&query)?;
    let mut conn = state.db.acquire().await?;
    let orders = orders_between(&mut conn, period.start(), period.end()).await?;
    let names: Vec<String> = stations(&mut conn)
        .await?
        .into_iter()
        .filter(|s| scope.keeps(s))
        .collect();
    let report = StationReport {
        period,
        stations: if names.is_empty() {
            Vec::new()
        } else {
            station_figures(period, &orders, &names)
        },
    };
    let header = header_with(&["服务站"], &FIGURE_HEADER);
    let rows = station_rows(None, &report.stations);
    let name = sheet_name("服务站日报", period);
    sheet::answer(
        query.format.as_deref(),
        || Json(&report).into_response(),
        &stem("stations", period),
        &[(&name, &header, &rows)],
    )
}

pub const UNREPAIRED_HEADER: [&str; 9] = [
    "工单号",
    "客户",
    "服务站",
    "工程师",
    "报修时间",
    "时长(小时)",
    "停机",
    "状态",
    "未修复原因",
];

fn status_text(s: StatusNode) -> &'static str {
    match s {
        StatusNode::Dispatched => "已派工",
        StatusNode::Departed => "已出发",
        StatusNode::Arrived => "已到达工地",
        StatusNode::RepairedLeft => "修复离开",
        StatusNode::ResolvedByPhone => "电话解决",
    }
}

/// `GET /api/reports/unrepaired?date=&format=`: the 16:30 list. The manager and the 400 desk
/// every station's; a station head their own.
pub async fn unrepaired_list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, AppError> {
    let scope = match user.profile.role {
        Role::Manager | Role::Dispatcher => Scope::All,
        Role::ServiceSupervisor => own_team(&user),
        _ => return Err(forbidden("the list of unrepaired orders")),
    };
    let date = date_of(&query)?;
    let now = Utc::now();
    if date > china_date(now) {
        return Err(AppError::bad_request(
            "period_not_over",
            format!("{date} has not come yet"),
        ));
    }
    let at = unrepaired_cutoff(date).min(now);
    let mut conn = state.db.acquire().await?;
    let orders = orders_between(&mut conn, at, at).await?;
    let rows = unrepaired(&orders, at)
        .into_iter()
        .filter(|r| scope.keeps(r.station.as_deref().unwrap_or_default()))
        .collect();
    let report = UnrepairedReport { date, at, rows };
    let cells: Vec<Vec<Cell>> = report
        .rows
        .iter()
        .map(|r| {
            let engineer = if r.engineer_name.is_empty() {
                r.engineer.clone()
            } else {
                r.engineer_name.clone()
            };
            vec![
                r.ticket.as_str().into(),
                r.customer.as_str().into(),
                r.station.clone().unwrap_or_default().into(),
                engineer.into(),
                sheet::china_time(r.called_at).into(),
                Cell::Number(r.age_hours as f64),
                if r.machine_down { "是" } else { "否" }.into(),
                status_text(r.status).into(),
                r.reason.clone().unwrap_or_default().into(),
            ]
        })
        .collect();
    let name = format!("未修复工单 {date}");
    sheet::answer(
        query.format.as_deref(),
        || Json(&report).into_response(),
        &format!("unrepaired-{date}"),
        &[(&name, &UNREPAIRED_HEADER, &cells)],
    )
}

pub const CLEANING_HEADER: [&str; 12] = [
    "班组",
    "应巡次数",
    "已巡次数",
    "漏巡次数",
    "商铺月检",
    "应做项目",
    "已做项目",
    "完成率(%)",
    "新发现问题",
    "关闭问题",
    "空置单元已清洁",
    "空置单元超期",
];

pub const AREA_HEADER: [&str; 7] = [
    "班组",
    "区域",
    "保洁员",
    "应做项目",
    "已做项目",
    "完成率(%)",
    "完成天数",
];

pub const CLEANER_HEADER: [&str; 5] = ["班组", "保洁员", "应做项目", "已做项目", "完成率(%)"];

fn pct(done: u32, due: u32) -> Cell {
    percent(done, due).map_or_else(|| Cell::Text(String::new()), Cell::Number)
}

fn cleaning_row(team: &str, f: &CleaningFigures) -> Vec<Cell> {
    let n = |v: u32| Cell::Number(f64::from(v));
    vec![
        team.into(),
        n(f.rounds_due),
        n(f.rounds_done),
        n(f.rounds_missed),
        n(f.outlet_checks),
        n(f.items_due),
        n(f.items_done),
        pct(f.items_done, f.items_due),
        n(f.findings_opened),
        n(f.findings_closed),
        n(f.vacant_cleaned),
        n(f.vacant_overdue),
    ]
}

/// `GET /api/reports/cleaning?period=day|month&date=&format=`: the cleaning supervisor's daily
/// or month-end summary. The manager every team's; a cleaning supervisor their own.
pub async fn cleaning(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, AppError> {
    let scope = match user.profile.role {
        Role::Manager => Scope::All,
        Role::Supervisor => own_team(&user),
        _ => return Err(forbidden("the cleaning report")),
    };
    let period = period_of(&query)?;
    let mut conn = state.db.acquire().await?;
    let mut teams = Vec::new();
    for team in field::cleaning_teams(&mut conn).await? {
        if !scope.keeps(&team) {
            continue;
        }
        let r = field::team_records(&mut conn, &team, period.first, period.last()).await?;
        let figures = cleaning_figures(
            period,
            &r.areas,
            &r.items,
            &r.days,
            &r.rounds,
            &r.findings,
            &r.units,
            &r.records,
        );
        teams.push(TeamCleaning { team, figures });
    }
    let report = CleaningReport { period, teams };
    let n = |v: u32| Cell::Number(f64::from(v));
    let summary: Vec<Vec<Cell>> = report
        .teams
        .iter()
        .map(|t| cleaning_row(&t.team, &t.figures))
        .collect();
    let areas: Vec<Vec<Cell>> = report
        .teams
        .iter()
        .flat_map(|t| {
            t.figures.areas.iter().map(|a| {
                vec![
                    t.team.as_str().into(),
                    a.area.as_str().into(),
                    a.cleaner.as_str().into(),
                    n(a.due),
                    n(a.done),
                    pct(a.done, a.due),
                    n(a.finished_days),
                ]
            })
        })
        .collect();
    let cleaners: Vec<Vec<Cell>> = report
        .teams
        .iter()
        .flat_map(|t| {
            t.figures.cleaners.iter().map(|c| {
                vec![
                    t.team.as_str().into(),
                    c.cleaner.as_str().into(),
                    n(c.due),
                    n(c.done),
                    pct(c.done, c.due),
                ]
            })
        })
        .collect();
    let name = sheet_name("保洁报表", period);
    sheet::answer(
        query.format.as_deref(),
        || Json(&report).into_response(),
        &stem("cleaning", period),
        &[
            (&name, &CLEANING_HEADER, &summary),
            ("区域", &AREA_HEADER, &areas),
            ("保洁员", &CLEANER_HEADER, &cleaners),
        ],
    )
}
