//! What each person pulls of the field records: their own areas and units (a cleaner), their
//! team's (a supervisor), the findings they reported or must fix, and the people those name.

use fieldbook_model::Role;
use fieldbook_model::UserProfile;
use fieldbook_model::complaints::{Complaint, Staff};
use fieldbook_model::findings::{Department, Finding};
use fieldbook_model::sync::{FieldData, FieldReference};

use super::rows::{
    AREA_SELECT, AreaRow, ItemRow, UNIT_SELECT, UnitRow, department_text, parse_all,
};
use crate::auth::CurrentUser;
use crate::db::Conn;
use crate::error::AppError;
use crate::users::UserRecord;

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
    // The office's working-day calendar: every phone counts complaint deadlines with it, so a
    // change to it sends the reference again.
    let (calendar, calendar_seq) = crate::complaints::calendar_with_seq(conn).await?;
    let calendar_changed = since == 0 || calendar_seq > since;

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
        if calendar_changed || changed.is_some_and(|c| c > since) {
            data.reference = Some(FieldReference {
                calendar: calendar.clone(),
                ..reference(conn, user, &team, area_filter, unit_filter).await?
            });
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
    // department names are plain ASCII, so they are found in the stored JSON as they are; a
    // settled conflict's side set aside is found in the finding as it was settled.
    let mine = format!("%\"username\":\"{}\"%", profile.username);
    // No department: a pattern only the empty text matches.
    let dept = department.map_or_else(String::new, |d| format!("%\"department\":\"{d}\"%"));
    let moved: Vec<String> = sqlx::query_scalar(
        "SELECT finding_json FROM findings WHERE seq > $1 AND reported_by <> $2 \
         AND (finding_json LIKE $3 OR finding_json LIKE $4 \
         OR settled_json LIKE $3 OR settled_json LIKE $4)",
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
    if profile.role == Role::Engineer && (tasks_changed || calendar_changed) {
        let mut teams: Vec<String> = visible_findings(conn, profile, 0)
            .await?
            .into_iter()
            .map(|f| f.team)
            .collect();
        teams.sort();
        teams.dedup();
        data.reference = Some(FieldReference {
            people: people_of(conn, &teams).await?,
            calendar: calendar.clone(),
            ..FieldReference::default()
        });
    }
    data.complaints = visible_complaints(conn, profile, since).await?;
    Ok(data)
}

/// The complaints `profile` sees that changed since `since`: those they took, their team's as
/// its supervisor, and those whose fix task is theirs (`Complaint::visible_to` and the task's
/// own rule), oldest change first.
async fn visible_complaints(
    conn: &mut Conn,
    profile: &UserProfile,
    since: i64,
) -> Result<Vec<Complaint>, AppError> {
    let department = Department::of(profile.role).map(department_text);
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT c.complaint_json FROM complaints c LEFT JOIN findings f ON f.id = c.finding_id \
         WHERE c.seq > $1 AND (c.taken_by = $2 OR c.team = $3 \
         OR (f.assignee_kind = 'person' AND f.assignee = $2) \
         OR (f.assignee_kind = 'department' AND f.assignee = $4)) ORDER BY c.seq",
    )
    .bind(since)
    .bind(&profile.username)
    .bind(profile.team.as_deref().unwrap_or_default())
    .bind(department.unwrap_or(""))
    .fetch_all(&mut *conn)
    .await?;
    let staff = Staff::from(profile);
    let actor = profile.actor();
    let mut out = Vec::new();
    for c in crate::complaints::parse_all(&rows)? {
        if c.visible_to(&staff)
            || super::rows::finding(conn, c.finding_id)
                .await?
                .is_some_and(|f| f.visible_to(&actor))
        {
            out.push(c);
        }
    }
    Ok(out)
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
         OR (assignee_kind = 'department' AND assignee = $5) \
         OR finding_json LIKE '%\"conflict\":{%') ORDER BY seq",
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
    let engineer = Role::Engineer.as_str();
    let mut rows: Vec<UserRecord> = sqlx::query_as(&format!("{select} role = $1"))
        .bind(engineer)
        .fetch_all(&mut *conn)
        .await?;
    for team in teams {
        let members: Vec<UserRecord> =
            sqlx::query_as(&format!("{select} team = $1 AND role <> $2"))
                .bind(team)
                .bind(engineer)
                .fetch_all(&mut *conn)
                .await?;
        rows.extend(members);
    }
    // By the role's stored name, as the phones have always received them.
    rows.sort_by(|a, b| (a.role.as_str(), &a.username).cmp(&(b.role.as_str(), &b.username)));
    Ok(rows.iter().map(UserRecord::profile).collect())
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
        calendar: Default::default(),
    })
}
