//! The demo's cleaning yesterday (issue 18's reports, with `--demo-last-month`): ticked areas,
//! two of the three rounds, a finding reported and closed, a vacant unit cleaned. Loaded once
//! a day (not when the team has rounds that day).

use chrono::{DateTime, Duration, Utc};
use fieldbook_model::cleaning::{AreaDay, ItemMark, Mark, VacantRecord};
use fieldbook_model::complaints::{china_date, china_midnight};
use fieldbook_model::findings::{
    Finding, FindingEvent, FindingSource, FindingState, FindingStep, ProblemKind,
};
use fieldbook_model::patrol::{AreaResult, PatrolRound, RoundArea, RoundKind};
use uuid::Uuid;

use super::rows::{insert_round, insert_vacant_record, save_area_day, save_finding};
use crate::db::{self, Conn};
use crate::demo_field::demo_id;
use crate::error::AppError;
use crate::users;

/// (area index in the demo, item numbers marked done, finished by).
const DAYS: [(usize, &[usize], Option<&str>); 3] = [
    (0, &[0, 1, 2, 3], Some("cleaner1")),
    (1, &[0], None),
    (5, &[0, 1], Some("cleaner2")),
];

/// Load the demo's cleaning of yesterday (China time) for `team`, unless it is there.
pub async fn load_demo_day(
    conn: &mut Conn,
    team: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let yesterday = china_date(now) - Duration::days(1);
    let at = |h: i64| china_midnight(yesterday) + Duration::hours(h);
    let exists: Option<String> =
        sqlx::query_scalar("SELECT id FROM patrol_rounds WHERE team = $1 AND day = $2")
            .bind(team)
            .bind(yesterday.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    if exists.is_some() {
        return Ok(());
    }
    let (Some(supervisor), Some(cleaner)) = (
        users::find_by_username(&mut *conn, "supervisor1").await?,
        users::find_by_username(&mut *conn, "cleaner1").await?,
    ) else {
        return Ok(());
    };
    let seq = db::next_seq(&mut *conn).await?;
    for (area, items, finished) in DAYS {
        let area_id = demo_id(1, area);
        let mut day = AreaDay::new(area_id, yesterday);
        for i in items {
            day.marks.insert(
                demo_id(2, area * 100 + i),
                ItemMark {
                    mark: Mark::Done,
                    by: finished.unwrap_or("cleaner1").into(),
                    at: at(8),
                },
            );
        }
        if let Some(by) = finished {
            day.finished_at = Some(at(9));
            day.finished_by = Some(by.into());
        }
        save_area_day(&mut *conn, team, &mut day, seq).await?;
    }
    // The morning and the last round; the afternoon one was missed.
    for (id, kind, hour) in [
        (Uuid::new_v4(), RoundKind::Morning, 9),
        (Uuid::new_v4(), RoundKind::LastRound, 18),
    ] {
        let mut round = PatrolRound {
            id,
            team: team.into(),
            kind,
            date: yesterday,
            supervisor: "supervisor1".into(),
            started_at: at(hour),
            ended_at: at(hour) + Duration::minutes(40),
            areas: vec![RoundArea {
                area_id: demo_id(1, 0),
                result: AreaResult::Pass,
                note: String::new(),
                failed_checks: Vec::new(),
            }],
            seq: 0,
        };
        insert_round(&mut *conn, &mut round, &supervisor.id, seq).await?;
    }
    // A finding at 10:00, fixed and confirmed by 15:00.
    let step = |event, by: &str, h| FindingStep {
        event,
        by: by.into(),
        at: at(h),
    };
    let mut finding = Finding {
        id: Uuid::new_v4(),
        team: team.into(),
        area_id: Some(demo_id(1, 0)),
        place: String::new(),
        source: FindingSource::Spotted,
        problem: ProblemKind::Damaged,
        note: "大堂旋转门玻璃有裂纹".into(),
        reported_by: "cleaner1".into(),
        reported_at: at(10),
        photos: Vec::new(),
        state: FindingState::Confirmed,
        assignee: None,
        due: None,
        after_photos: Vec::new(),
        history: vec![
            step(FindingEvent::Reported, "cleaner1", 10),
            step(FindingEvent::Confirmed, "supervisor1", 15),
        ],
        seq: 0,
    };
    save_finding(&mut *conn, &mut finding, seq).await?;
    // 5栋 0801, never cleaned before, cleaned at 14:00.
    let unit = demo_id(3, 2);
    let mut record = VacantRecord {
        id: Uuid::new_v4(),
        unit_id: unit,
        cleaner: "cleaner1".into(),
        started_at: at(13),
        ended_at: at(14),
        checks: Vec::new(),
        note: String::new(),
        photos: Vec::new(),
        review: None,
        seq: 0,
    };
    insert_vacant_record(&mut *conn, &mut record, &cleaner.id, team, seq).await?;
    sqlx::query(
        "UPDATE vacant_units SET last_cleaned = $1, seq = $2 WHERE id = $3 \
         AND (last_cleaned IS NULL OR last_cleaned < $1)",
    )
    .bind(yesterday.to_string())
    .bind(seq)
    .bind(unit.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
