//! Cleaning checklists, vacant units, findings and patrol rounds: applying their operations,
//! what each person pulls, and their photos.
//!
//! Authorisation is by the server's own rows (the area's cleaner, the unit's responsible person,
//! the user's current team and role), never by anything the device says. The rules themselves are
//! the model's, the same code the phone ran.

use crate::db::Conn;
use chrono::{DateTime, NaiveDate, Utc};
use fieldbook_model::cleaning::{
    Area, AreaDay, AreaKind, ChecklistItem, PhotoRef, Schedule, VacantRecord, VacantUnit, due_items,
};
use fieldbook_model::findings::{Actor, Assignee, Department, Finding, FindingState};
use fieldbook_model::op::naming_date;
use fieldbook_model::patrol::{AreaResult, PatrolRound};
use fieldbook_model::sync::{FieldData, FieldReference};
use fieldbook_model::{OpKind, Operation, RejectCode, Role, UserProfile};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::ops::{Arrival, Refusal};
use crate::photos::{Filing, StoredPhoto};

type Verdicts = Result<Result<(), Refusal>, AppError>;

fn wrong_kind(op: &Operation) -> AppError {
    AppError::Internal(format!("operation {} is not of the kind matched", op.id))
}

fn refuse(code: RejectCode) -> Verdicts {
    Ok(Err(code.into()))
}

fn corrupt(what: &str, id: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("stored {what} {id} is unreadable: {e}"))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(format!("cannot serialise: {e}")))
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[derive(sqlx::FromRow)]
struct AreaRow {
    id: String,
    team: String,
    name: String,
    kind: String,
    cleaner: Option<String>,
    cleaner_id: Option<String>,
    #[sqlx(try_from = "crate::db::IntFlag")]
    patrol: bool,
    position: i64,
}

impl AreaRow {
    fn area(&self) -> Result<Area, AppError> {
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

const AREA_SELECT: &str = "SELECT a.id, a.team, a.name, a.kind, u.username AS cleaner, \
    a.cleaner_id, CASE WHEN a.patrol THEN 1 ELSE 0 END AS patrol, a.position FROM areas a LEFT JOIN users u ON u.id = a.cleaner_id";

async fn area(conn: &mut Conn, id: Uuid) -> Result<Option<AreaRow>, AppError> {
    Ok(
        sqlx::query_as(&format!("{AREA_SELECT} WHERE a.id = $1 AND NOT a.retired"))
            .bind(id.to_string())
            .fetch_optional(conn)
            .await?,
    )
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: String,
    area_id: String,
    label: String,
    schedule_json: String,
    position: i64,
}

impl ItemRow {
    fn item(&self) -> Result<ChecklistItem, AppError> {
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

async fn items_of(conn: &mut Conn, area: Uuid) -> Result<Vec<ChecklistItem>, AppError> {
    let rows: Vec<ItemRow> = sqlx::query_as(
        "SELECT id, area_id, label, schedule_json, position FROM checklist_items \
         WHERE area_id = $1 AND NOT retired",
    )
    .bind(area.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(ItemRow::item).collect()
}

async fn area_day(
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

async fn save_area_day(
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
struct UnitRow {
    id: String,
    team: String,
    name: String,
    responsible: String,
    responsible_id: String,
    vacant_since: String,
    let_on: Option<String>,
    last_cleaned: Option<String>,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

impl UnitRow {
    fn unit(&self) -> Result<VacantUnit, AppError> {
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

const UNIT_SELECT: &str = "SELECT v.id, v.team, v.name, u.username AS responsible, \
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

async fn finding(conn: &mut Conn, id: Uuid) -> Result<Option<Finding>, AppError> {
    let row = find_json(
        conn,
        "SELECT id, finding_json FROM findings WHERE id = $1",
        id,
    )
    .await?;
    row.map(|(id, j)| serde_json::from_str(&j).map_err(|e| corrupt("finding", &id, e)))
        .transpose()
}

async fn save_finding(conn: &mut Conn, f: &mut Finding, seq: i64) -> Result<(), AppError> {
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

fn department_text(d: Department) -> &'static str {
    match d {
        Department::Engineering => "engineering",
        Department::Cleaning => "cleaning",
    }
}

/// File a record's photos: the bytes follow with `PUT /api/photos/{id}`. A photo id already
/// used anywhere is refused, never moved.
async fn add_photos(
    conn: &mut Conn,
    owner_kind: &str,
    owner_id: Uuid,
    team: &str,
    photos: &[PhotoRef],
    op: &Operation,
    seq: i64,
) -> Result<Result<(), Refusal>, AppError> {
    let date = naming_date(op.device_time).format("%Y%m%d");
    // Numbered after the photos the record already has: a second closing (after a reopening)
    // on the same day is filed beside the first, never under its name.
    let earlier: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM field_photos WHERE owner_kind = $1 AND owner_id = $2",
    )
    .bind(owner_kind)
    .bind(owner_id.to_string())
    .fetch_one(&mut *conn)
    .await?;
    let earlier = usize::try_from(earlier).unwrap_or(0);
    for (n, p) in photos.iter().enumerate() {
        let id = p.photo_id.to_string();
        let taken: Option<String> = sqlx::query_scalar(
            "SELECT photo_id FROM photos WHERE photo_id = $1 \
             UNION ALL SELECT photo_id FROM field_photos WHERE photo_id = $1",
        )
        .bind(&id)
        .fetch_optional(&mut *conn)
        .await?;
        if taken.is_some() {
            return Ok(Err(RejectCode::InvalidPhoto.into()));
        }
        let ext = if p.content_type == "image/png" {
            "png"
        } else {
            "jpg"
        };
        let name = format!("{owner_kind}-{date}-{}-{}.{ext}", p.slot, earlier + n + 1);
        sqlx::query(
            "INSERT INTO field_photos (photo_id, owner_kind, owner_id, team, slot, name, sha256, \
             bytes, width, height, content_type, taken_at, op_id, seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(&id)
        .bind(owner_kind)
        .bind(owner_id.to_string())
        .bind(team)
        .bind(&p.slot)
        .bind(name)
        .bind(&p.sha256)
        .bind(p.bytes as i64)
        .bind(i64::from(p.width))
        .bind(i64::from(p.height))
        .bind(&p.content_type)
        .bind(crate::db::time_to_text(op.device_time))
        .bind(op.id.to_string())
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    }
    Ok(Ok(()))
}

fn is_supervisor_of(user: &CurrentUser, team: &str) -> bool {
    user.profile.role == Role::Supervisor && user.profile.team.as_deref() == Some(team)
}

/// Authorise a field operation and write its effect, or say why not.
pub(crate) async fn apply(
    conn: &mut Conn,
    op: &Operation,
    seq: i64,
    arrival: &Arrival<'_>,
) -> Verdicts {
    let me = arrival.user;
    let actor: Actor = me.profile.actor();
    let at = op.device_time;
    match &op.kind {
        OpKind::MarkItem { area_id, date, .. } | OpKind::FinishArea { area_id, date } => {
            let Some(row) = area(conn, *area_id).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            if row.cleaner_id.as_deref() != Some(me.id.as_str()) {
                return refuse(RejectCode::NotAssigned);
            }
            let items = items_of(conn, *area_id).await?;
            let mut day = area_day(conn, *area_id, *date)
                .await?
                .unwrap_or_else(|| AreaDay::new(*area_id, *date));
            let done = match &op.kind {
                OpKind::MarkItem { item_id, mark, .. } => {
                    if !items.iter().any(|i| i.id == *item_id) {
                        return refuse(RejectCode::UnknownRecord);
                    }
                    day.mark(*item_id, *mark, &op.user, at)
                }
                _ => day.finish(&due_items(&items, *area_id, *date), &op.user, at),
            };
            if let Err(e) = done {
                return refuse(e.into());
            }
            save_area_day(conn, &row.team, &mut day, seq).await?;
        }
        OpKind::ReviewArea {
            area_id,
            date,
            verdict,
        } => {
            let Some(row) = area(conn, *area_id).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            if !is_supervisor_of(me, &row.team) {
                return refuse(RejectCode::Forbidden);
            }
            let Some(mut day) = area_day(conn, *area_id, *date).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            if let Err(e) = day.review(verdict.clone(), &op.user, at) {
                return refuse(e.into());
            }
            save_area_day(conn, &row.team, &mut day, seq).await?;
        }
        OpKind::SaveVacantRecord {
            record_id,
            unit_id,
            ended_at,
            photos,
            ..
        } => {
            let row: Option<UnitRow> = sqlx::query_as(&format!("{UNIT_SELECT} WHERE v.id = $1"))
                .bind(unit_id.to_string())
                .fetch_optional(&mut *conn)
                .await?;
            let Some(row) = row else {
                return refuse(RejectCode::UnknownRecord);
            };
            if row.responsible_id != me.id {
                return refuse(RejectCode::NotAssigned);
            }
            let exists = find_json(
                conn,
                "SELECT id, id FROM vacant_records WHERE id = $1",
                *record_id,
            )
            .await?;
            if exists.is_some() {
                return refuse(RejectCode::InvalidValue);
            }
            let mut record = VacantRecord::from_op(op).ok_or_else(|| wrong_kind(op))?;
            if let Err(e) = record.check() {
                return refuse(e.into());
            }
            if let Err(r) = add_photos(
                conn,
                "vacant_record",
                *record_id,
                &row.team,
                photos,
                op,
                seq,
            )
            .await?
            {
                return Ok(Err(r));
            }
            record.seq = seq;
            sqlx::query(
                "INSERT INTO vacant_records (id, unit_id, cleaner_id, team, record_json, seq) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(record_id.to_string())
            .bind(unit_id.to_string())
            .bind(&me.id)
            .bind(&row.team)
            .bind(to_json(&record)?)
            .bind(seq)
            .execute(&mut *conn)
            .await?;
            let cleaned = naming_date(*ended_at);
            let last = row.last_cleaned.as_deref().and_then(parse_date);
            if last.is_none_or(|l| l < cleaned) {
                sqlx::query("UPDATE vacant_units SET last_cleaned = $1, seq = $2 WHERE id = $3")
                    .bind(date_text(cleaned))
                    .bind(seq)
                    .bind(unit_id.to_string())
                    .execute(&mut *conn)
                    .await?;
            }
        }
        OpKind::ReviewVacantRecord { record_id, verdict } => {
            let row = find_json(
                conn,
                "SELECT team, record_json FROM vacant_records WHERE id = $1",
                *record_id,
            )
            .await?;
            let Some((team, json)) = row else {
                return refuse(RejectCode::UnknownRecord);
            };
            if !is_supervisor_of(me, &team) {
                return refuse(RejectCode::Forbidden);
            }
            let mut record: VacantRecord = serde_json::from_str(&json)
                .map_err(|e| corrupt("vacant record", &record_id.to_string(), e))?;
            if let Err(e) = record.review(verdict.clone(), &op.user, at) {
                return refuse(e.into());
            }
            record.seq = seq;
            sqlx::query("UPDATE vacant_records SET record_json = $1, seq = $2 WHERE id = $3")
                .bind(to_json(&record)?)
                .bind(seq)
                .bind(record_id.to_string())
                .execute(&mut *conn)
                .await?;
        }
        OpKind::ReportFinding {
            finding_id,
            area_id,
            place,
            source,
            problem,
            note,
            photos,
        } => {
            if finding(conn, *finding_id).await?.is_some() {
                return refuse(RejectCode::InvalidValue);
            }
            let mut place = place.clone();
            if let Some(area_id) = area_id {
                let Some(row) = area(conn, *area_id).await? else {
                    return refuse(RejectCode::UnknownRecord);
                };
                if Some(row.team.as_str()) != actor.team.as_deref() {
                    return refuse(RejectCode::UnknownRecord);
                }
                if place.trim().is_empty() {
                    place = row.name.clone();
                }
            }
            let mut f = match Finding::report(
                *finding_id,
                &actor,
                *area_id,
                &place,
                source.clone(),
                *problem,
                note,
                photos.clone(),
                at,
            ) {
                Ok(f) => f,
                Err(e) => return refuse(e.into()),
            };
            if let Err(r) =
                add_photos(conn, "finding", *finding_id, &f.team, photos, op, seq).await?
            {
                return Ok(Err(r));
            }
            save_finding(conn, &mut f, seq).await?;
        }
        OpKind::AssignFinding {
            finding_id,
            assignee,
            due,
        } => {
            let Some(mut f) = visible_finding(conn, *finding_id, &actor).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            // A person: an engineer (they serve every team) or someone of the finding's team.
            if let Assignee::Person { username } = assignee {
                let person = crate::users::find_by_username(conn, username).await?;
                let can_work = person.is_some_and(|p| {
                    !p.disabled
                        && (p.role == "engineer"
                            || (matches!(p.role.as_str(), "cleaner" | "supervisor")
                                && p.team.as_deref() == Some(f.team.as_str())))
                });
                if !can_work {
                    return refuse(RejectCode::UnknownRecord);
                }
            }
            if let Err(e) = f.assign(&actor, assignee.clone(), *due, at) {
                return refuse(e.into());
            }
            save_finding(conn, &mut f, seq).await?;
        }
        OpKind::CloseFinding {
            finding_id,
            note,
            photos,
        } => {
            let Some(mut f) = visible_finding(conn, *finding_id, &actor).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            if let Err(e) = f.close(&actor, note, photos.clone(), at) {
                return refuse(e.into());
            }
            if let Err(r) =
                add_photos(conn, "finding_after", *finding_id, &f.team, photos, op, seq).await?
            {
                return Ok(Err(r));
            }
            save_finding(conn, &mut f, seq).await?;
        }
        OpKind::ConfirmFinding { finding_id } | OpKind::ReopenFinding { finding_id, .. } => {
            let Some(mut f) = visible_finding(conn, *finding_id, &actor).await? else {
                return refuse(RejectCode::UnknownRecord);
            };
            let done = match &op.kind {
                OpKind::ReopenFinding { reason, .. } => f.reopen(&actor, reason, at),
                _ => f.confirm(&actor, at),
            };
            if let Err(e) = done {
                return refuse(e.into());
            }
            save_finding(conn, &mut f, seq).await?;
        }
        OpKind::SubmitRound {
            round_id,
            kind,
            date,
            areas,
            ..
        } => {
            let (Role::Supervisor, Some(team)) = (me.profile.role, me.profile.team.clone()) else {
                return refuse(RejectCode::Forbidden);
            };
            let exists = find_json(
                conn,
                "SELECT id, id FROM patrol_rounds WHERE id = $1",
                *round_id,
            )
            .await?;
            if exists.is_some() {
                return refuse(RejectCode::InvalidValue);
            }
            for a in areas {
                match area(conn, a.area_id).await? {
                    Some(row) if row.team == team => {}
                    _ => return refuse(RejectCode::UnknownRecord),
                }
                // The finding a failed area names was reported before the round (the phone sends
                // it first), on the same team.
                if let AreaResult::Finding { finding_id } = a.result {
                    let of: Option<String> =
                        sqlx::query_scalar("SELECT team FROM findings WHERE id = $1")
                            .bind(finding_id.to_string())
                            .fetch_optional(&mut *conn)
                            .await?;
                    if of.as_deref() != Some(team.as_str()) {
                        return refuse(RejectCode::UnknownRecord);
                    }
                }
            }
            let mut round = PatrolRound::from_op(op, &team).ok_or_else(|| wrong_kind(op))?;
            round.seq = seq;
            if let Err(e) = round.check() {
                return refuse(e.into());
            }
            sqlx::query(
                "INSERT INTO patrol_rounds (id, team, supervisor_id, kind, day, round_json, seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(round_id.to_string())
            .bind(&team)
            .bind(&me.id)
            .bind(to_json(kind)?.trim_matches('"').to_string())
            .bind(date_text(*date))
            .bind(to_json(&round)?)
            .bind(seq)
            .execute(&mut *conn)
            .await?;
        }
        _ => {
            return Err(AppError::Internal(format!(
                "operation {} is not a field operation",
                op.id
            )));
        }
    }
    Ok(Ok(()))
}

/// A finding the actor may see; one they may not is answered as unknown (no probing of ids).
async fn visible_finding(
    conn: &mut Conn,
    id: Uuid,
    actor: &Actor,
) -> Result<Option<Finding>, AppError> {
    Ok(finding(conn, id).await?.filter(|f| f.visible_to(actor)))
}

/// What the user pulls: their own areas and units (a cleaner), their team's (a supervisor), and
/// the findings they reported or must fix.
pub async fn pull(conn: &mut Conn, user: &CurrentUser, since: i64) -> Result<FieldData, AppError> {
    let profile = &user.profile;
    let team = profile.team.clone().unwrap_or_default();
    let mut data = FieldData::default();
    // Both filters name both parameters (PostgreSQL refuses a parameter it cannot type).
    let (area_filter, unit_filter) = match profile.role {
        Role::Supervisor => (
            "(a.team = $2 OR a.cleaner_id = $1)",
            "(v.team = $2 OR v.responsible_id = $1)",
        ),
        _ => (
            "(a.cleaner_id = $1 AND a.team = $2)",
            "(v.responsible_id = $1 AND v.team = $2)",
        ),
    };
    let has_field = matches!(profile.role, Role::Cleaner | Role::Supervisor) && !team.is_empty();

    if has_field {
        // The reference set is small (a team's areas and units): sent whole when any of it
        // changed, so an area moved to someone else leaves this device too.
        let changed: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT MAX(s) FROM (\
             SELECT MAX(a.seq) AS s FROM areas a WHERE {area_filter} \
             UNION ALL SELECT MAX(i.seq) FROM checklist_items i JOIN areas a ON a.id = i.area_id \
                WHERE {area_filter} \
             UNION ALL SELECT MAX(v.seq) FROM vacant_units v WHERE {unit_filter}) AS t"
        ))
        .bind(&user.id)
        .bind(&team)
        .fetch_one(&mut *conn)
        .await
        .unwrap_or(None);
        if since == 0 || changed.is_some_and(|c| c > since) {
            data.reference = Some(reference(conn, user, &team, area_filter, unit_filter).await?);
        }
        let days: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT d.day_json FROM area_days d JOIN areas a ON a.id = d.area_id \
             WHERE {area_filter} AND d.seq > $3 ORDER BY d.seq"
        ))
        .bind(&user.id)
        .bind(&team)
        .bind(since)
        .fetch_all(&mut *conn)
        .await?;
        data.area_days = parse_all(&days, "area day")?;
        let records: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT r.record_json FROM vacant_records r JOIN vacant_units v ON v.id = r.unit_id \
             WHERE {unit_filter} AND r.seq > $3 ORDER BY r.seq"
        ))
        .bind(&user.id)
        .bind(&team)
        .bind(since)
        .fetch_all(&mut *conn)
        .await?;
        data.vacant_records = parse_all(&records, "vacant record")?;
    }
    if profile.role == Role::Supervisor && !team.is_empty() {
        let rounds: Vec<String> = sqlx::query_scalar(
            "SELECT round_json FROM patrol_rounds WHERE team = $1 AND seq > $2 ORDER BY seq",
        )
        .bind(&team)
        .bind(since)
        .fetch_all(&mut *conn)
        .await?;
        data.rounds = parse_all(&rounds, "patrol round")?;
    }
    let department = Department::of(profile.role).map(department_text);
    let actor = profile.actor();
    data.findings = visible_findings(conn, profile, since).await?;
    // Tasks that were this user's (by name or by department) and went to someone else since:
    // the device drops them rather than keep a task nobody may close there. Usernames and
    // department names are plain ASCII, so they are found in the stored JSON as they are.
    let mine = format!("%\"username\":\"{}\"%", profile.username);
    // No department: a pattern only the empty text matches.
    let dept = department.map_or_else(String::new, |d| format!("%\"department\":\"{d}\"%"));
    let moved: Vec<String> = sqlx::query_scalar(
        "SELECT finding_json FROM findings WHERE seq > $1 AND reported_by <> $2 \
         AND (finding_json LIKE $3 OR finding_json LIKE $4)",
    )
    .bind(since)
    .bind(&profile.username)
    .bind(&mine)
    .bind(&dept)
    .fetch_all(&mut *conn)
    .await?;
    data.findings_removed = parse_all::<Finding>(&moved, "finding")?
        .into_iter()
        .filter(|f| !f.visible_to(&actor))
        .map(|f| f.id)
        .collect();
    // An engineer has no team of their own: their task screens name people from the engineers and
    // the teams the tasks come from, sent again (whole) whenever their tasks changed.
    let tasks_changed = !data.findings.is_empty() || !data.findings_removed.is_empty();
    if profile.role == Role::Engineer && tasks_changed {
        let mut teams: Vec<String> = visible_findings(conn, profile, 0)
            .await?
            .into_iter()
            .map(|f| f.team)
            .collect();
        teams.sort();
        teams.dedup();
        data.reference = Some(FieldReference {
            people: people_of(conn, &teams).await?,
            ..FieldReference::default()
        });
    }
    Ok(data)
}

/// The findings `profile` may see that changed since `since`, oldest change first.
async fn visible_findings(
    conn: &mut Conn,
    profile: &UserProfile,
    since: i64,
) -> Result<Vec<Finding>, AppError> {
    let department = Department::of(profile.role).map(department_text);
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT finding_json FROM findings WHERE seq > $1 AND (reported_by = $2 \
         OR (team = $3 AND $4) \
         OR (assignee_kind = 'person' AND assignee = $2) \
         OR (assignee_kind = 'department' AND assignee = $5)) ORDER BY seq",
    )
    .bind(since)
    .bind(&profile.username)
    .bind(profile.team.as_deref().unwrap_or_default())
    .bind(profile.role == Role::Supervisor)
    .bind(department.unwrap_or(""))
    .fetch_all(&mut *conn)
    .await?;
    let actor = profile.actor();
    Ok(parse_all::<Finding>(&rows, "finding")?
        .into_iter()
        .filter(|f| f.visible_to(&actor))
        .collect())
}

/// The people of `teams` and the engineers (who work for every team), as the phones name them.
async fn people_of(conn: &mut Conn, teams: &[String]) -> Result<Vec<UserProfile>, AppError> {
    let select = "SELECT id, username, display_name, role, team, password_hash, \
         CASE WHEN disabled THEN 1 ELSE 0 END AS disabled FROM users WHERE NOT disabled AND ";
    let mut rows: Vec<crate::users::UserRecord> =
        sqlx::query_as(&format!("{select} role = 'engineer'"))
            .fetch_all(&mut *conn)
            .await?;
    for team in teams {
        let members: Vec<crate::users::UserRecord> =
            sqlx::query_as(&format!("{select} team = $1 AND role <> 'engineer'"))
                .bind(team)
                .fetch_all(&mut *conn)
                .await?;
        rows.extend(members);
    }
    rows.sort_by(|a, b| (&a.role, &a.username).cmp(&(&b.role, &b.username)));
    Ok(rows.iter().filter_map(|r| r.profile()).collect())
}

fn parse_all<T: serde::de::DeserializeOwned>(
    rows: &[String],
    what: &str,
) -> Result<Vec<T>, AppError> {
    rows.iter()
        .map(|j| serde_json::from_str(j).map_err(|e| corrupt(what, "row", e)))
        .collect()
}

async fn reference(
    conn: &mut Conn,
    user: &CurrentUser,
    team: &str,
    area_filter: &str,
    unit_filter: &str,
) -> Result<FieldReference, AppError> {
    let areas: Vec<AreaRow> = sqlx::query_as(&format!(
        "{AREA_SELECT} WHERE {area_filter} AND NOT a.retired ORDER BY a.position, a.name"
    ))
    .bind(&user.id)
    .bind(team)
    .fetch_all(&mut *conn)
    .await?;
    let items: Vec<ItemRow> = sqlx::query_as(&format!(
        "SELECT i.id, i.area_id, i.label, i.schedule_json, i.position FROM checklist_items i \
         JOIN areas a ON a.id = i.area_id WHERE {area_filter} AND NOT i.retired AND NOT a.retired \
         ORDER BY i.position"
    ))
    .bind(&user.id)
    .bind(team)
    .fetch_all(&mut *conn)
    .await?;
    let units: Vec<UnitRow> = sqlx::query_as(&format!(
        "{UNIT_SELECT} WHERE {unit_filter} ORDER BY v.name"
    ))
    .bind(&user.id)
    .bind(team)
    .fetch_all(&mut *conn)
    .await?;
    // The team and the engineers: a supervisor gives them tasks, and every screen names people
    // by their names (a cleaner's task says who reported it, not "supervisor1").
    let people = people_of(conn, &[team.to_string()]).await?;
    Ok(FieldReference {
        areas: areas.iter().map(AreaRow::area).collect::<Result<_, _>>()?,
        items: items.iter().map(ItemRow::item).collect::<Result<_, _>>()?,
        units: units.iter().map(UnitRow::unit).collect::<Result<_, _>>()?,
        people,
    })
}

#[derive(sqlx::FromRow)]
struct FieldPhotoRow {
    photo_id: String,
    owner_kind: String,
    owner_id: String,
    team: String,
    slot: String,
    name: String,
    sha256: String,
    bytes: i64,
    width: i64,
    height: i64,
    content_type: String,
    taken_at: String,
    uploaded_at: Option<i64>,
    stored_key: Option<String>,
    seq: i64,
    uploader_id: String,
}

/// A field photo with what the upload and the download need.
pub async fn find_photo(conn: &mut Conn, photo_id: Uuid) -> Result<Option<StoredPhoto>, AppError> {
    let row: Option<FieldPhotoRow> = sqlx::query_as(
        "SELECT p.photo_id, p.owner_kind, p.owner_id, p.team, p.slot, p.name, p.sha256, p.bytes, \
         p.width, p.height, p.content_type, p.taken_at, p.uploaded_at, p.stored_key, p.seq, \
         u.id AS uploader_id \
         FROM field_photos p JOIN applied_ops o ON o.op_id = p.op_id \
         JOIN users u ON u.username = o.username WHERE p.photo_id = $1",
    )
    .bind(photo_id.to_string())
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let bad = |what: &str| corrupt("field photo", &r.photo_id, what);
    let meta = fieldbook_model::PhotoMeta {
        id: photo_id,
        slot: r.slot.clone(),
        n: 1,
        name: r.name.clone(),
        sha256: r.sha256.clone(),
        bytes: u64::try_from(r.bytes).map_err(|_| bad("bytes"))?,
        width: u32::try_from(r.width).map_err(|_| bad("width"))?,
        height: u32::try_from(r.height).map_err(|_| bad("height"))?,
        content_type: r.content_type.clone(),
        taken_at: crate::db::time_from_text(&r.taken_at).ok(),
        uploaded: r.uploaded_at.is_some(),
        uploaded_at: r
            .uploaded_at
            .and_then(DateTime::<Utc>::from_timestamp_millis),
    };
    Ok(Some(StoredPhoto {
        meta,
        work_order_id: None,
        seq: r.seq,
        assignee_id: r.uploader_id,
        filing: Filing::Field {
            team: r.team,
            owner_kind: r.owner_kind,
            owner_id: Uuid::parse_str(&r.owner_id).map_err(|_| bad("owner_id"))?,
        },
        stored_key: r.stored_key,
    }))
}

/// Whether `user` may see a field photo: whoever may see the record it belongs to.
pub async fn may_read_photo(
    conn: &mut Conn,
    user: &CurrentUser,
    owner_kind: &str,
    owner_id: Uuid,
    team: &str,
) -> Result<bool, AppError> {
    if is_supervisor_of(user, team) {
        return Ok(true);
    }
    match owner_kind {
        "finding" | "finding_after" => Ok(visible_finding(conn, owner_id, &user.profile.actor())
            .await?
            .is_some()),
        "vacant_record" => {
            let cleaner: Option<String> =
                sqlx::query_scalar("SELECT cleaner_id FROM vacant_records WHERE id = $1")
                    .bind(owner_id.to_string())
                    .fetch_optional(conn)
                    .await?;
            Ok(cleaner.is_some_and(|c| c == user.id))
        }
        _ => Ok(false),
    }
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
