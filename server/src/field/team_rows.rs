//! A team's cleaning records over a period, for the cleaning supervisor's reports (issue 18):
//! its areas (retired ones too: a past day counts what was there), their items, the area days
//! and patrol rounds of the period's dates, its findings, vacant units and their records.

use chrono::NaiveDate;
use fieldbook_model::cleaning::{Area, AreaDay, ChecklistItem, VacantRecord, VacantUnit};
use fieldbook_model::findings::Finding;
use fieldbook_model::patrol::PatrolRound;

use super::rows::{AREA_SELECT, AreaRow, ItemRow, UNIT_SELECT, UnitRow, parse_all};
use crate::db::Conn;
use crate::error::AppError;

/// What the cleaning report of one team counts.
#[derive(Debug, Default)]
pub struct TeamRecords {
    pub areas: Vec<Area>,
    pub items: Vec<ChecklistItem>,
    pub days: Vec<AreaDay>,
    pub rounds: Vec<PatrolRound>,
    pub findings: Vec<Finding>,
    pub units: Vec<VacantUnit>,
    pub records: Vec<VacantRecord>,
}

impl TeamRecords {
    /// What the cleaning cards count, borrowed from the rows.
    pub fn cleaning(&self) -> fieldbook_model::scorecard::cleaning::TeamCleaning<'_> {
        fieldbook_model::scorecard::cleaning::TeamCleaning {
            areas: &self.areas,
            items: &self.items,
            days: &self.days,
            units: &self.units,
            records: &self.records,
            findings: &self.findings,
        }
    }
}

/// The cleaning teams (the teams that have areas), in name order.
pub async fn cleaning_teams(conn: &mut Conn) -> Result<Vec<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT DISTINCT team FROM areas ORDER BY team")
            .fetch_all(conn)
            .await?,
    )
}

/// `team`'s records for the dates `first..=last` (local dates).
pub async fn team_records(
    conn: &mut Conn,
    team: &str,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<TeamRecords, AppError> {
    let (from, to) = (first.to_string(), last.to_string());
    let areas: Vec<AreaRow> = sqlx::query_as(&format!(
        "{AREA_SELECT} WHERE a.team = $1 AND (NOT a.retired OR a.id IN \
         (SELECT area_id FROM area_days WHERE team = $1 AND day >= $2 AND day <= $3)) \
         ORDER BY a.position, a.name"
    ))
    .bind(team)
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?;
    let items: Vec<ItemRow> = sqlx::query_as(
        "SELECT i.id, i.area_id, i.label, i.schedule_json, i.position FROM checklist_items i \
         JOIN areas a ON a.id = i.area_id WHERE a.team = $1 AND NOT i.retired ORDER BY i.position",
    )
    .bind(team)
    .fetch_all(&mut *conn)
    .await?;
    let days: Vec<String> = sqlx::query_scalar(
        "SELECT day_json FROM area_days WHERE team = $1 AND day >= $2 AND day <= $3",
    )
    .bind(team)
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?;
    let rounds: Vec<String> = sqlx::query_scalar(
        "SELECT round_json FROM patrol_rounds WHERE team = $1 AND day >= $2 AND day <= $3",
    )
    .bind(team)
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?;
    let findings: Vec<String> =
        sqlx::query_scalar("SELECT finding_json FROM findings WHERE team = $1")
            .bind(team)
            .fetch_all(&mut *conn)
            .await?;
    let units: Vec<UnitRow> =
        sqlx::query_as(&format!("{UNIT_SELECT} WHERE v.team = $1 ORDER BY v.name"))
            .bind(team)
            .fetch_all(&mut *conn)
            .await?;
    let records: Vec<String> =
        sqlx::query_scalar("SELECT record_json FROM vacant_records WHERE team = $1")
            .bind(team)
            .fetch_all(&mut *conn)
            .await?;
    Ok(TeamRecords {
        areas: areas.iter().map(AreaRow::area).collect::<Result<_, _>>()?,
        items: items.iter().map(ItemRow::item).collect::<Result<_, _>>()?,
        days: parse_all(&days, "area day")?,
        rounds: parse_all(&rounds, "patrol round")?,
        findings: parse_all(&findings, "finding")?,
        units: units.iter().map(UnitRow::unit).collect::<Result<_, _>>()?,
        records: parse_all(&records, "vacant record")?,
    })
}
