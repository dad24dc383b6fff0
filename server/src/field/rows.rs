//! The field records' rows: reading and writing areas, checklist items, area days, vacant units
//! and their records, findings and patrol rounds. Records are kept whole as JSON beside the
//! columns the queries filter on.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use fieldbook_model::cleaning::{
    Area, AreaDay, AreaKind, ChecklistItem, Schedule, VacantRecord, VacantUnit,
};
use fieldbook_model::findings::{Assignee, Department, Finding, FindingState};
use fieldbook_model::op::naming_date;
use fieldbook_model::patrol::{PatrolRound, RoundKind};
use uuid::Uuid;

use crate::db::Conn;
use crate::error::AppError;

pub(super) fn corrupt(what: &str, id: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("stored {what} {id} is unreadable: {e}"))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(format!("cannot serialise: {e}")))
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[derive(sqlx::FromRow)]
pub(super) struct AreaRow {
    id: String,
    pub(super) team: String,
    pub(super) name: String,
    kind: String,
    cleaner: Option<String>,
    pub(super) cleaner_id: Option<String>,
    #[sqlx(try_from = "crate::db::IntFlag")]
    patrol: bool,
    position: i64,
}

impl AreaRow {
    pub(super) fn area(&self) -> Result<Area, AppError> {
        Ok(Area {
            id: Uuid::parse_str(&self.id).map_err(|e| corrupt("area", &self.id, e))?,
            team: self.team.clone(),
            name: self.name.clone(),
            kind: AreaKind::parse(&self.kind).unwrap_or(AreaKind::Other),
            cleaner: self.cleaner.clone(),
            patrol: self.patrol,
            position: self.position,
        })
    }
}

pub(super) const AREA_SELECT: &str = "SELECT a.id, a.team, a.name, a.kind, u.username AS cleaner, \
    a.cleaner_id, CASE WHEN a.patrol THEN 1 ELSE 0 END AS patrol, a.position FROM areas a LEFT JOIN users u ON u.id = a.cleaner_id";

pub(super) async fn area(conn: &mut Conn, id: Uuid) -> Result<Option<AreaRow>, AppError> {
    Ok(
        sqlx::query_as(&format!("{AREA_SELECT} WHERE a.id = $1 AND NOT a.retired"))
            .bind(id.to_string())
            .fetch_optional(conn)
            .await?,
    )
}

#[derive(sqlx::FromRow)]
pub(super) struct ItemRow {
    id: String,
    area_id: String,
    label: String,
    schedule_json: String,
    position: i64,
}

impl ItemRow {
    pub(super) fn item(&self) -> Result<ChecklistItem, AppError> {
        let bad = |e: &dyn std::fmt::Display| corrupt("checklist item", &self.id, e);
        Ok(ChecklistItem {
            id: Uuid::parse_str(&self.id).map_err(|e| bad(&e))?,
            area_id: Uuid::parse_str(&self.area_id).map_err(|e| bad(&e))?,
            label: self.label.clone(),
            schedule: serde_json::from_str::<Schedule>(&self.schedule_json).map_err(|e| bad(&e))?,
            position: self.position,
        })
    }
}

pub(super) async fn items_of(conn: &mut Conn, area: Uuid) -> Result<Vec<ChecklistItem>, AppError> {
    let rows: Vec<ItemRow> = sqlx::query_as(
        "SELECT id, area_id, label, schedule_json, position FROM checklist_items \
         WHERE area_id = $1 AND NOT retired",
    )
    .bind(area.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(ItemRow::item).collect()
}

pub(super) async fn area_day(
    conn: &mut Conn,
    area: Uuid,
    date: NaiveDate,
) -> Result<Option<AreaDay>, AppError> {
    let json: Option<String> =
        sqlx::query_scalar("SELECT day_json FROM area_days WHERE area_id = $1 AND day = $2")
            .bind(area.to_string())
            .bind(date_text(date))
            .fetch_optional(conn)
            .await?;
    json.map(|j| serde_json::from_str(&j).map_err(|e| corrupt("area day", &area.to_string(), e)))
        .transpose()
}

pub(super) async fn save_area_day(
    conn: &mut Conn,
    team: &str,
    day: &mut AreaDay,
    seq: i64,
) -> Result<(), AppError> {
    day.seq = seq;
    sqlx::query(
        "INSERT INTO area_days (area_id, day, team, day_json, seq) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (area_id, day) DO UPDATE SET day_json = excluded.day_json, \
         seq = excluded.seq",
    )
    .bind(day.area_id.to_string())
    .bind(date_text(day.date))
    .bind(team)
    .bind(to_json(day)?)
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub(super) struct UnitRow {
    id: String,
    pub(super) team: String,
    name: String,
    responsible: String,
    pub(super) responsible_id: String,
    vacant_since: String,
    let_on: Option<String>,
    last_cleaned: Option<String>,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

impl UnitRow {
    pub(super) fn unit(&self) -> Result<VacantUnit, AppError> {
        let bad = |what: &str| corrupt("vacant unit", &self.id, what);
        Ok(VacantUnit {
            id: Uuid::parse_str(&self.id).map_err(|_| bad("id"))?,
            team: self.team.clone(),
            name: self.name.clone(),
            responsible: self.responsible.clone(),
            let_on: self.let_on.as_deref().and_then(parse_date),
            last_cleaned: self.last_cleaned.as_deref().and_then(parse_date),
            vacant_since: parse_date(&self.vacant_since).ok_or_else(|| bad("vacant_since"))?,
        })
    }
}

pub(super) const UNIT_SELECT: &str = "SELECT v.id, v.team, v.name, u.username AS responsible, \
    v.responsible_id, v.vacant_since, v.let_on, v.last_cleaned \
    FROM vacant_units v JOIN users u ON u.id = v.responsible_id";

async fn find_json(
    conn: &mut Conn,
    sql: &str,
    id: Uuid,
) -> Result<Option<(String, String)>, AppError> {
    Ok(sqlx::query_as(sql)
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?)
}

pub(crate) async fn finding(conn: &mut Conn, id: Uuid) -> Result<Option<Finding>, AppError> {
    let row = find_json(
        conn,
        "SELECT id, finding_json FROM findings WHERE id = $1",
        id,
    )
    .await?;
    row.map(|(id, j)| serde_json::from_str(&j).map_err(|e| corrupt("finding", &id, e)))
        .transpose()
}

pub(crate) async fn save_finding(
    conn: &mut Conn,
    f: &mut Finding,
    seq: i64,
) -> Result<(), AppError> {
    f.seq = seq;
    let (kind, who) = match &f.assignee {
        None => (None, None),
        Some(Assignee::Person { username }) => (Some("person"), Some(username.clone())),
        Some(Assignee::Department { department }) => (
            Some("department"),
            Some(department_text(*department).to_string()),
        ),
    };
    sqlx::query(
        "INSERT INTO findings (id, team, reported_by, assignee_kind, assignee, state, \
         finding_json, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (id) DO UPDATE SET assignee_kind = excluded.assignee_kind, \
         assignee = excluded.assignee, state = excluded.state, \
         finding_json = excluded.finding_json, seq = excluded.seq",
    )
    .bind(f.id.to_string())
    .bind(&f.team)
    .bind(&f.reported_by)
    .bind(kind)
    .bind(who)
    .bind(to_json(&f.state)?.trim_matches('"').to_string())
    .bind(to_json(f)?)
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(())
}

/// The finding as it was before the step it shows (`Finding::change`), when the server has it.
pub(crate) async fn finding_before(conn: &mut Conn, id: Uuid) -> Result<Option<Finding>, AppError> {
    let row: Option<Option<String>> =
        sqlx::query_scalar("SELECT before_json FROM findings WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(conn)
            .await?;
    row.flatten()
        .map(|j| serde_json::from_str(&j).map_err(|e| corrupt("finding", &id.to_string(), e)))
        .transpose()
}

/// Keep `before` as the finding before the step `id` shows.
pub(crate) async fn keep_finding_before(
    conn: &mut Conn,
    id: Uuid,
    before: &Finding,
) -> Result<(), AppError> {
    sqlx::query("UPDATE findings SET before_json = $1 WHERE id = $2")
        .bind(to_json(before)?)
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Keep `settled`, a finding in conflict, as the supervisor settled it: both sides, so a pull
/// finds whoever the side set aside named (the server's only).
pub(crate) async fn keep_finding_settled(
    conn: &mut Conn,
    settled: &Finding,
) -> Result<(), AppError> {
    sqlx::query("UPDATE findings SET settled_json = $1 WHERE id = $2")
        .bind(to_json(settled)?)
        .bind(settled.id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// A vacant unit with its responsible person's user id.
pub(super) async fn unit(conn: &mut Conn, id: Uuid) -> Result<Option<UnitRow>, AppError> {
    Ok(sqlx::query_as(&format!("{UNIT_SELECT} WHERE v.id = $1"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?)
}

/// A vacant-unit record with the team it is filed under.
pub(super) async fn vacant_record(
    conn: &mut Conn,
    id: Uuid,
) -> Result<Option<(String, VacantRecord)>, AppError> {
    let row = find_json(
        conn,
        "SELECT team, record_json FROM vacant_records WHERE id = $1",
        id,
    )
    .await?;
    row.map(|(team, j)| {
        serde_json::from_str(&j)
            .map(|r| (team, r))
            .map_err(|e| corrupt("vacant record", &id.to_string(), e))
    })
    .transpose()
}

/// A unit's vacant-unit records (a new one meets those of its day, `conflict::meet`).
pub(super) async fn vacant_records_of(
    conn: &mut Conn,
    unit_id: Uuid,
) -> Result<Vec<VacantRecord>, AppError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, record_json FROM vacant_records WHERE unit_id = $1")
            .bind(unit_id.to_string())
            .fetch_all(conn)
            .await?;
    rows.into_iter()
        .map(|(id, j)| serde_json::from_str(&j).map_err(|e| corrupt("vacant record", &id, e)))
        .collect()
}

/// File a new vacant-unit record, made by `cleaner_id` for a unit of `team`.
pub(super) async fn insert_vacant_record(
    conn: &mut Conn,
    record: &mut VacantRecord,
    cleaner_id: &str,
    team: &str,
    seq: i64,
) -> Result<(), AppError> {
    record.seq = seq;
    sqlx::query(
        "INSERT INTO vacant_records (id, unit_id, cleaner_id, team, record_json, seq) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(record.id.to_string())
    .bind(record.unit_id.to_string())
    .bind(cleaner_id)
    .bind(team)
    .bind(to_json(record)?)
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn update_vacant_record(
    conn: &mut Conn,
    record: &mut VacantRecord,
    seq: i64,
) -> Result<(), AppError> {
    record.seq = seq;
    sqlx::query("UPDATE vacant_records SET record_json = $1, seq = $2 WHERE id = $3")
        .bind(to_json(record)?)
        .bind(seq)
        .bind(record.id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// The unit was cleaned on the local date `ended_at` falls on: its last cleaning moves there,
/// never back (a record sent late for an earlier cleaning leaves it).
pub(super) async fn record_cleaned(
    conn: &mut Conn,
    unit: &UnitRow,
    ended_at: DateTime<Utc>,
    seq: i64,
) -> Result<(), AppError> {
    let cleaned = naming_date(ended_at);
    let last = unit.last_cleaned.as_deref().and_then(parse_date);
    if last.is_none_or(|l| l < cleaned) {
        sqlx::query("UPDATE vacant_units SET last_cleaned = $1, seq = $2 WHERE id = $3")
            .bind(date_text(cleaned))
            .bind(seq)
            .bind(&unit.id)
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn round(conn: &mut Conn, id: Uuid) -> Result<Option<PatrolRound>, AppError> {
    let row = find_json(
        conn,
        "SELECT id, round_json FROM patrol_rounds WHERE id = $1",
        id,
    )
    .await?;
    row.map(|(id, j)| serde_json::from_str(&j).map_err(|e| corrupt("patrol round", &id, e)))
        .transpose()
}

/// The team's rounds of `kind` on `date` (in its month, for the outlets): those a new round
/// meets (`conflict::meet`, which keeps only the same supervisor's).
pub(super) async fn rounds_like(
    conn: &mut Conn,
    team: &str,
    kind: RoundKind,
    date: NaiveDate,
) -> Result<Vec<PatrolRound>, AppError> {
    let (from, to) = match kind {
        RoundKind::MonthlyOutlets => {
            let first = date.with_day(1).unwrap_or(date);
            let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
            (first, next.pred_opt().unwrap_or(first))
        }
        _ => (date, date),
    };
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, round_json FROM patrol_rounds \
         WHERE team = $1 AND kind = $2 AND day >= $3 AND day <= $4",
    )
    .bind(team)
    .bind(to_json(&kind)?.trim_matches('"').to_string())
    .bind(date_text(from))
    .bind(date_text(to))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, j)| serde_json::from_str(&j).map_err(|e| corrupt("patrol round", &id, e)))
        .collect()
}

/// Store a round changed by a conflict or its settling, under a new sequence number (phones pull it).
pub(super) async fn update_round(
    conn: &mut Conn,
    round: &mut PatrolRound,
    seq: i64,
) -> Result<(), AppError> {
    round.seq = seq;
    sqlx::query("UPDATE patrol_rounds SET round_json = $1, seq = $2 WHERE id = $3")
        .bind(to_json(round)?)
        .bind(seq)
        .bind(round.id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// File a new patrol round, made by the supervisor `supervisor_id`.
pub(super) async fn insert_round(
    conn: &mut Conn,
    round: &mut PatrolRound,
    supervisor_id: &str,
    seq: i64,
) -> Result<(), AppError> {
    round.seq = seq;
    sqlx::query(
        "INSERT INTO patrol_rounds (id, team, supervisor_id, kind, day, round_json, seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(round.id.to_string())
    .bind(&round.team)
    .bind(supervisor_id)
    .bind(to_json(&round.kind)?.trim_matches('"').to_string())
    .bind(date_text(round.date))
    .bind(to_json(round)?)
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) fn department_text(d: Department) -> &'static str {
    match d {
        Department::Engineering => "engineering",
        Department::Cleaning => "cleaning",
    }
}

pub(super) fn parse_all<T: serde::de::DeserializeOwned>(
    rows: &[String],
    what: &str,
) -> Result<Vec<T>, AppError> {
    rows.iter()
        .map(|j| serde_json::from_str(j).map_err(|e| corrupt(what, "row", e)))
        .collect()
}

/// A finding's state as stored in its column (for office queries).
pub fn state_text(s: FindingState) -> &'static str {
    match s {
        FindingState::Open => "open",
        FindingState::Assigned => "assigned",
        FindingState::Fixed => "fixed",
        FindingState::Confirmed => "confirmed",
    }
}
