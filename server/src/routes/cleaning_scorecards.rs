//! The cleaning scorecards (issue 18), per cleaner and per team: `GET
//! /api/scorecards/cleaning?month=YYYY-MM` (`&format=csv|xlsx` too; the manager every team's, a
//! supervisor their own team's) and `GET /api/scorecards/cleaning/me?month=` (a cleaner's own
//! card). Computed from the team's checklists, spot checks, vacant-unit records and findings as
//! recorded, by the model's formulas (`fieldbook_model::scorecard::cleaning`), with the cleaning
//! report's queries: a handful per team, whatever the number of cleaners.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use fieldbook_model::Role;
use fieldbook_model::scorecard::Month;
use fieldbook_model::scorecard::agent::Rate;
use fieldbook_model::scorecard::cleaning::{
    CleaningMiss, CleaningScorecard, CleaningScorecards, cleaning_scorecards,
};

use crate::auth::CurrentUser;
use crate::db;
use crate::error::AppError;
use crate::extract::ApiQuery;
use crate::field;
use crate::routes::scorecards::{ScorecardQuery, month_of};
use crate::sheet::{self, Cell};
use crate::state::AppState;

#[derive(sqlx::FromRow)]
struct CleanerRow {
    username: String,
    display_name: String,
    team: Option<String>,
}

/// The cleaning teams' cards for `month`: every team's, or `only` this one's.
pub async fn compute(
    conn: &mut db::Conn,
    month: Month,
    only: Option<&str>,
    as_of: DateTime<Utc>,
) -> Result<CleaningScorecards, AppError> {
    let cleaners: Vec<CleanerRow> = sqlx::query_as(
        "SELECT username, display_name, team FROM users \
         WHERE role = $1 AND ($2 IS NULL OR team = $2) ORDER BY team, username",
    )
    .bind(Role::Cleaner.as_str())
    .bind(only)
    .fetch_all(&mut *conn)
    .await?;
    let first = month.first_day();
    let last = month.next().first_day() - Duration::days(1);
    let mut teams = Vec::new();
    for team in field::cleaning_teams(&mut *conn).await? {
        if only.is_some_and(|t| t != team) {
            continue;
        }
        let mine: Vec<&CleanerRow> = cleaners
            .iter()
            .filter(|c| c.team.as_deref() == Some(team.as_str()))
            .collect();
        let usernames: Vec<String> = mine.iter().map(|c| c.username.clone()).collect();
        // The lists of the month before too: a spot check made on the 1st of the last day's
        // list is the month's.
        let r = field::team_records(&mut *conn, &team, first - Duration::days(31), last).await?;
        let mut cards = cleaning_scorecards(&team, &usernames, month, &r.cleaning(), as_of);
        for (card, row) in cards.cleaners.iter_mut().zip(&mine) {
            card.name = row.display_name.clone();
        }
        teams.push(cards);
    }
    Ok(CleaningScorecards {
        month,
        as_of,
        teams,
    })
}

pub const CLEANING_HEADER: [&str; 11] = [
    "班组",
    "保洁员",
    "姓名",
    "清单已做",
    "清单应做",
    "清单完成率(%)",
    "抽查合格率(%)",
    "空置单元已清洁",
    "空置单元应清洁",
    "空置单元清洁率(%)",
    "整改按时率(%)",
];

/// A miss of the team's own (no cleaner's) has the cleaner's columns empty.
pub const MISS_HEADER: [&str; 4] = ["班组", "保洁员", "姓名", "未达项"];

pub fn miss_text(miss: &CleaningMiss) -> String {
    match miss {
        CleaningMiss::Checklist { area, missing, .. } => format!("{area} 清单漏做 {missing} 项"),
        CleaningMiss::ListSentBack { area, date, .. } => format!("{area} {date} 清单抽查退回"),
        CleaningMiss::RecordSentBack { unit, .. } => format!("{unit} 空置单元记录抽查退回"),
        CleaningMiss::UnitNotCleaned { unit, .. } => format!("{unit} 本月未清洁（已超期）"),
        CleaningMiss::LateFinding {
            place, finding_id, ..
        } => format!("{place} 整改未按时完成（{finding_id}）"),
    }
}

fn rate(r: Rate) -> Cell {
    r.percent()
        .map_or_else(|| "".into(), |p| Cell::Number(f64::from(p)))
}

fn row(c: &CleaningScorecard) -> Vec<Cell> {
    let n = |v: u32| Cell::Number(f64::from(v));
    vec![
        c.team.as_str().into(),
        c.cleaner.as_str().into(),
        if c.cleaner.is_empty() {
            "全组".into()
        } else {
            c.name.as_str().into()
        },
        n(c.checklist.met),
        n(c.checklist.of),
        rate(c.checklist),
        rate(c.spot_checks),
        n(c.vacant_units.met),
        n(c.vacant_units.of),
        rate(c.vacant_units),
        rate(c.findings_on_time),
    ]
}

/// Each miss of `cards`, a row each.
fn miss_rows<'a>(cards: impl Iterator<Item = &'a CleaningScorecard>) -> Vec<Vec<Cell>> {
    cards
        .flat_map(|c| {
            c.misses.iter().map(move |m| {
                vec![
                    c.team.as_str().into(),
                    c.cleaner.as_str().into(),
                    c.name.as_str().into(),
                    miss_text(m).into(),
                ]
            })
        })
        .collect()
}

/// The cards a row each (a team's own first, then its cleaners'), and the misses of
/// `misses_of`.
fn answer<'a>(
    format: Option<&str>,
    json: impl FnOnce() -> Response,
    cards: impl Iterator<Item = &'a CleaningScorecard>,
    misses_of: impl Iterator<Item = &'a CleaningScorecard>,
    month: Month,
    stem: &str,
) -> Result<Response, AppError> {
    let summary: Vec<Vec<Cell>> = cards.map(row).collect();
    let misses = miss_rows(misses_of);
    let name = format!("保洁考核 {month}");
    sheet::answer(
        format,
        json,
        stem,
        &[
            (&name, &CLEANING_HEADER, &summary),
            ("未达明细", &MISS_HEADER, &misses),
        ],
    )
}

/// `GET /api/scorecards/cleaning?month=2026-11&format=json|csv|xlsx`: per team, its card and
/// its cleaners'.
pub async fn teams(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ScorecardQuery>,
) -> Result<Response, AppError> {
    let only = match user.profile.role {
        Role::Manager => None,
        Role::Supervisor => Some(user.profile.team.clone().unwrap_or_default()),
        _ => {
            return Err(AppError::Forbidden(
                "the cleaning scorecards are the manager's and the supervisors' (a cleaner \
                 reads their own)"
                    .into(),
            ));
        }
    };
    let month = month_of(&query)?;
    let mut conn = state.db.acquire().await?;
    let cards = compute(&mut conn, month, only.as_deref(), Utc::now()).await?;
    let every = cards
        .teams
        .iter()
        .flat_map(|t| std::iter::once(&t.total).chain(&t.cleaners));
    // The misses sheet: each cleaner's, then what only the team has (the department's findings).
    let team_only: Vec<CleaningScorecard> = cards
        .teams
        .iter()
        .map(|t| CleaningScorecard {
            misses: t
                .total
                .misses
                .iter()
                .filter(|m| !t.cleaners.iter().any(|c| c.misses.contains(m)))
                .cloned()
                .collect(),
            ..t.total.clone()
        })
        .collect();
    let misses = cards
        .teams
        .iter()
        .flat_map(|t| t.cleaners.iter())
        .chain(&team_only);
    answer(
        query.format.as_deref(),
        || Json(&cards).into_response(),
        every,
        misses,
        month,
        &format!("cleaning-scorecards-{month}"),
    )
}

/// `GET /api/scorecards/cleaning/me?month=`: a cleaner's own card.
pub async fn me(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ScorecardQuery>,
) -> Result<Response, AppError> {
    if user.profile.role != Role::Cleaner {
        return Err(AppError::Forbidden(
            "this is a cleaner's own scorecard".into(),
        ));
    }
    let month = month_of(&query)?;
    let team = user.profile.team.clone().unwrap_or_default();
    let mut conn = state.db.acquire().await?;
    let cards = compute(&mut conn, month, Some(&team), Utc::now()).await?;
    let me = &user.profile.username;
    let card = cards
        .teams
        .into_iter()
        .flat_map(|t| t.cleaners)
        .find(|c| &c.cleaner == me)
        .unwrap_or_else(|| CleaningScorecard {
            // A cleaner of a team with no areas yet: nothing was due.
            cleaner: me.clone(),
            name: user.profile.display_name.clone(),
            team,
            month,
            checklist: Rate::default(),
            spot_checks: Rate::default(),
            vacant_units: Rate::default(),
            findings_on_time: Rate::default(),
            misses: Vec::new(),
        });
    let one = std::slice::from_ref(&card);
    answer(
        query.format.as_deref(),
        || Json(&card).into_response(),
        one.iter(),
        one.iter(),
        month,
        &format!("cleaning-scorecard-{me}-{month}"),
    )
}
