//! The office's side of the field data: areas, their checklist items and schedules, and vacant
//! units, managed from the command line (`import-areas`, `add-unit`, `let-unit`). Every change
//! takes a sequence value, so the devices of the people concerned pull it on their next sync.
//!
//! The area sheet is CSV, one line per checklist item (an area with no items, e.g. a patrol area,
//! is a line with the item left empty):
//!
//! ```text
//! team,area,kind,cleaner,patrol,item,schedule
//! team-a,大堂,lobby,cleaner1,yes,地面推尘、湿拖,daily
//! team-a,大堂,lobby,cleaner1,yes,大理石晶面养护,monthly:15
//! team-a,A座 3F 卫生间,restroom,cleaner1,no,墙面瓷砖深度清洁,quarterly:2/27
//! team-a,商铺 101,commercial_outlet,,no,,
//! ```
//!
//! Schedules: `daily`, `weekly:N` (1 = Monday … 7 = Sunday), `monthly:D` (a day past the month's
//! end falls on its last day), `quarterly:M/D` (month 1–3 of each quarter). An area in the sheet
//! gets exactly the sheet's items: items no longer listed are retired (kept for the records that
//! name them, no longer due). Lines that cannot be used are reported by number with the reason;
//! the others are applied, in one transaction.

use crate::db::Conn;
use chrono::NaiveDate;
use fieldbook_model::Role;
use fieldbook_model::cleaning::{AreaKind, Schedule};
use uuid::Uuid;

use crate::db::{self, Db};
use crate::error::AppError;
use crate::users;

/// What an import did, and the lines it refused.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub areas_created: usize,
    pub areas_updated: usize,
    pub items_created: usize,
    pub items_retired: usize,
    /// (line number, 1-based, counting the header; why)
    pub refused: Vec<(usize, String)>,
}

/// One CSV line's fields: commas separate, double quotes may wrap a field ("" is a quote).
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().expect("one field").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(String::new()),
            (c, _) => out.last_mut().expect("one field").push(c),
        }
    }
    out.into_iter().map(|f| f.trim().to_string()).collect()
}

/// `daily`, `weekly:N`, `monthly:D`, `quarterly:M/D`.
pub fn parse_schedule(s: &str) -> Option<Schedule> {
    let (kind, arg) = s.split_once(':').unwrap_or((s, ""));
    let num = |v: &str| v.trim().parse::<u8>().ok();
    let schedule = match kind.trim() {
        "daily" if arg.is_empty() => Schedule::Daily,
        "weekly" => Schedule::Weekly { weekday: num(arg)? },
        "monthly" => Schedule::Monthly { day: num(arg)? },
        "quarterly" => {
            let (m, d) = arg.split_once('/')?;
            Schedule::Quarterly {
                month: num(m)?,
                day: num(d)?,
            }
        }
        _ => return None,
    };
    schedule.is_valid().then_some(schedule)
}

struct Line {
    team: String,
    area: String,
    kind: AreaKind,
    cleaner_id: Option<String>,
    patrol: bool,
    item: Option<(String, Schedule)>,
}

async fn read_line(conn: &mut Conn, f: &[String]) -> Result<Line, String> {
    let [team, area, kind, cleaner, patrol, item, schedule] = f else {
        return Err(format!("expected 7 fields, found {}", f.len()));
    };
    if team.is_empty() || area.is_empty() {
        return Err("team and area are required".into());
    }
    if area.chars().count() > 60 || item.chars().count() > 120 {
        return Err("area names are at most 60 characters, items 120".into());
    }
    let kind = AreaKind::parse(kind).ok_or_else(|| format!("unknown area kind '{kind}'"))?;
    let patrol = match patrol.as_str() {
        "yes" | "y" | "true" | "1" | "是" => true,
        "no" | "n" | "false" | "0" | "否" | "" => false,
        other => return Err(format!("patrol must be yes or no, not '{other}'")),
    };
    let cleaner_id = if cleaner.is_empty() {
        None
    } else {
        let user = users::find_by_username(conn, cleaner)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no user '{cleaner}'"))?;
        if user.role != Role::Cleaner || user.team.as_deref() != Some(team.as_str()) {
            return Err(format!("'{cleaner}' is not a cleaner of team '{team}'"));
        }
        Some(user.id)
    };
    let item = match (item.is_empty(), schedule.is_empty()) {
        (true, true) => None,
        (false, false) => Some((
            item.clone(),
            parse_schedule(schedule)
                .ok_or_else(|| format!("cannot read the schedule '{schedule}'"))?,
        )),
        _ => return Err("an item needs a schedule, and a schedule an item".into()),
    };
    Ok(Line {
        team: team.clone(),
        area: area.clone(),
        kind,
        cleaner_id,
        patrol,
        item,
    })
}

/// Import an area sheet (see the module's documentation).
pub async fn import_areas(db: &Db, csv: &str) -> Result<ImportReport, AppError> {
    let mut report = ImportReport::default();
    let mut tx = db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    // (area id) → the item labels the sheet lists for it
    let mut listed: Vec<(String, Vec<String>)> = Vec::new();
    for (n, raw) in csv.lines().enumerate().skip(1) {
        let number = n + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let line = match read_line(&mut tx, &fields(raw)).await {
            Ok(line) => line,
            Err(why) => {
                report.refused.push((number, why));
                continue;
            }
        };
        let existing: Option<String> =
            sqlx::query_scalar("SELECT id FROM areas WHERE team = $1 AND name = $2")
                .bind(&line.team)
                .bind(&line.area)
                .fetch_optional(&mut *tx)
                .await?;
        let area_id = match existing {
            Some(id) => {
                if !listed.iter().any(|(a, _)| *a == id) {
                    sqlx::query(
                        "UPDATE areas SET kind = $1, cleaner_id = $2, patrol = $3, \
                         retired = FALSE, seq = $4 WHERE id = $5",
                    )
                    .bind(line.kind.as_str())
                    .bind(&line.cleaner_id)
                    .bind(line.patrol)
                    .bind(seq)
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                    report.areas_updated += 1;
                }
                id
            }
            None => {
                let id = Uuid::new_v4().to_string();
                let position: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM areas WHERE team = $1")
                        .bind(&line.team)
                        .fetch_one(&mut *tx)
                        .await?;
                sqlx::query(
                    "INSERT INTO areas (id, team, name, kind, cleaner_id, patrol, position, seq) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&id)
                .bind(&line.team)
                .bind(&line.area)
                .bind(line.kind.as_str())
                .bind(&line.cleaner_id)
                .bind(line.patrol)
                .bind(position)
                .bind(seq)
                .execute(&mut *tx)
                .await?;
                report.areas_created += 1;
                id
            }
        };
        let labels = match listed.iter_mut().find(|(a, _)| *a == area_id) {
            Some((_, labels)) => labels,
            None => {
                listed.push((area_id.clone(), Vec::new()));
                &mut listed.last_mut().expect("just pushed").1
            }
        };
        let Some((label, schedule)) = line.item else {
            continue;
        };
        labels.push(label.clone());
        let schedule = serde_json::to_string(&schedule)
            .map_err(|e| AppError::Internal(format!("schedule: {e}")))?;
        let position = labels.len() as i64;
        let updated = sqlx::query(
            "UPDATE checklist_items SET schedule_json = $1, position = $2, retired = FALSE, \
             seq = $3 WHERE area_id = $4 AND label = $5",
        )
        .bind(&schedule)
        .bind(position)
        .bind(seq)
        .bind(&area_id)
        .bind(&label)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            sqlx::query(
                "INSERT INTO checklist_items (id, area_id, label, schedule_json, position, seq) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(Uuid::new_v4().to_string())
            .bind(&area_id)
            .bind(&label)
            .bind(&schedule)
            .bind(position)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
            report.items_created += 1;
        }
    }
    // Items of the imported areas that the sheet no longer lists stop being due.
    for (area_id, labels) in &listed {
        let current: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, label FROM checklist_items WHERE area_id = $1 AND NOT retired",
        )
        .bind(area_id)
        .fetch_all(&mut *tx)
        .await?;
        for (id, label) in current {
            if !labels.contains(&label) {
                sqlx::query("UPDATE checklist_items SET retired = TRUE, seq = $1 WHERE id = $2")
                    .bind(seq)
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                report.items_retired += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(report)
}

/// Add a vacant unit with the cleaner responsible for it.
pub async fn add_unit(
    db: &Db,
    team: &str,
    name: &str,
    responsible: &str,
    vacant_since: NaiveDate,
) -> Result<Uuid, AppError> {
    let mut tx = db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    let user = users::find_by_username(&mut tx, responsible)
        .await?
        .filter(|u| u.team.as_deref() == Some(team) && u.role == Role::Cleaner)
        .ok_or_else(|| {
            AppError::bad_request(
                "unknown_cleaner",
                format!("'{responsible}' is not a cleaner of team '{team}'"),
            )
        })?;
    if name.trim().is_empty() || name.chars().count() > 60 {
        return Err(AppError::bad_request(
            "bad_name",
            "a unit's name is 1 to 60 characters",
        ));
    }
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO vacant_units (id, team, name, responsible_id, vacant_since, seq) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.to_string())
    .bind(team)
    .bind(name.trim())
    .bind(&user.id)
    .bind(vacant_since.format("%Y-%m-%d").to_string())
    .bind(seq)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The unit is let from `on`: it leaves the cleaners' lists.
pub async fn let_unit(db: &Db, team: &str, name: &str, on: NaiveDate) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let seq = db::next_seq(&mut tx).await?;
    let done =
        sqlx::query("UPDATE vacant_units SET let_on = $1, seq = $2 WHERE team = $3 AND name = $4")
            .bind(on.format("%Y-%m-%d").to_string())
            .bind(seq)
            .bind(team)
            .bind(name)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound(format!(
            "no unit '{name}' in team '{team}'"
        )));
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_and_schedules() {
        assert_eq!(
            fields(r#"team-a,"大堂, 东侧","a ""quoted"" item",x"#),
            vec!["team-a", "大堂, 东侧", "a \"quoted\" item", "x"]
        );
        assert_eq!(parse_schedule("daily"), Some(Schedule::Daily));
        assert_eq!(
            parse_schedule("weekly:5"),
            Some(Schedule::Weekly { weekday: 5 })
        );
        assert_eq!(
            parse_schedule("quarterly:2/27"),
            Some(Schedule::Quarterly { month: 2, day: 27 })
        );
        for bad in [
            "weekly:8",
            "monthly:0",
            "quarterly:4/1",
            "hourly",
            "daily:3",
            "monthly:x",
        ] {
            assert_eq!(parse_schedule(bad), None, "{bad}");
        }
    }
}
