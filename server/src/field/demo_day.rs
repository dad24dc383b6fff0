//! The demo's cleaning days (issue 18's reports and scorecards): yesterday's (with
//! `--demo-yesterday`): ticked areas, two of the three rounds, a finding reported and closed, a
//! vacant unit cleaned; and every day of last month (with `--demo-last-month`) the same areas
//! ticked and rounds made, the lobby's list spot-checked each week (one sent back) and a vacant
//! unit cleaned on two days, so the cleaning and the supervisors' scorecards have a month to
//! count. A day is loaded once (not when the team has rounds that day).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use fieldbook_model::cleaning::{AreaDay, ItemMark, Mark, Review, VacantRecord, Verdict};
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
    load_day(conn, team, yesterday, Extras::Yesterday).await
}

/// Load the demo's cleaning of every day of the China month before `now`'s for `team`,
/// whatever of it is missing.
pub async fn load_demo_month(
    conn: &mut Conn,
    team: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let first_this = china_date(now).with_day(1).expect("a month has a 1st");
    let mut day = (first_this - Duration::days(1))
        .with_day(1)
        .expect("a month has a 1st");
    while day < first_this {
        load_day(conn, team, day, Extras::LastMonth).await?;
        day += Duration::days(1);
    }
    Ok(())
}

/// What a day holds beyond its lists and rounds.
#[derive(Clone, Copy, PartialEq)]
enum Extras {
    /// The finding and the vacant unit's cleaning (5栋 0801).
    Yesterday,
    /// Spot checks of the lobby's list on the 3rd, 10th, 17th (sent back) and 24th; a vacant unit
    /// cleaned on the 5th (3栋 1502) and the 25th (5栋 0801). The demo's overdue units (3栋 1204,
    /// 5栋 2103) stay overdue: the field screens show them so.
    LastMonth,
}

/// The vacant unit (demo index) cleaned on `day`, and by whom.
fn unit_cleaned(day: NaiveDate, extras: Extras) -> Option<(usize, &'static str)> {
    match (extras, day.day()) {
        (Extras::Yesterday, _) => Some((2, "cleaner1")),
        (Extras::LastMonth, 5) => Some((1, "cleaner1")),
        (Extras::LastMonth, 25) => Some((2, "cleaner1")),
        _ => None,
    }
}

async fn load_day(
    conn: &mut Conn,
    team: &str,
    yesterday: NaiveDate,
    extras: Extras,
) -> Result<(), AppError> {
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
        if area == 0 && extras == Extras::LastMonth && [3, 10, 17, 24].contains(&yesterday.day()) {
            day.review = Some(Review {
                verdict: if yesterday.day() == 17 {
                    Verdict::SentBack {
                        reason: "地面有水渍".into(),
                    }
                } else {
                    Verdict::Approved
                },
                by: "supervisor1".into(),
                at: at(11),
            });
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
            stamp: None,
            conflict_with: None,
            set_aside: false,
        };
        insert_round(&mut *conn, &mut round, &supervisor.id, seq).await?;
    }
    if extras == Extras::Yesterday {
        report_finding(&mut *conn, team, seq, at(10), at(15)).await?;
    }
    let Some((unit, by)) = unit_cleaned(yesterday, extras) else {
        return Ok(());
    };
    let by = users::find_by_username(&mut *conn, by)
        .await?
        .unwrap_or(cleaner);
    clean_unit(
        &mut *conn,
        team,
        seq,
        demo_id(3, unit),
        &by,
        yesterday,
        at(13),
    )
    .await
}

/// A finding in the lobby at `reported`, confirmed at `confirmed`.
async fn report_finding(
    conn: &mut Conn,
    team: &str,
    seq: i64,
    reported: DateTime<Utc>,
    confirmed: DateTime<Utc>,
) -> Result<(), AppError> {
    let step = |event, by: &str, at| FindingStep {
        event,
        by: by.into(),
        at,
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
        reported_at: reported,
        photos: Vec::new(),
        state: FindingState::Confirmed,
        assignee: None,
        due: None,
        after_photos: Vec::new(),
        history: vec![
            step(FindingEvent::Reported, "cleaner1", reported),
            step(FindingEvent::Confirmed, "supervisor1", confirmed),
        ],
        seq: 0,
        stamp: None,
        conflict: None,
    };
    save_finding(&mut *conn, &mut finding, seq).await
}

/// `unit` cleaned by `cleaner` from `started` for an hour on `day`.
async fn clean_unit(
    conn: &mut Conn,
    team: &str,
    seq: i64,
    unit: Uuid,
    cleaner: &users::UserRecord,
    day: NaiveDate,
    started: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut record = VacantRecord {
        id: Uuid::new_v4(),
        unit_id: unit,
        cleaner: cleaner.username.clone(),
        started_at: started,
        ended_at: started + Duration::hours(1),
        checks: Vec::new(),
        note: String::new(),
        photos: Vec::new(),
        review: None,
        seq: 0,
        stamp: None,
        conflict_with: None,
        set_aside: false,
    };
    insert_vacant_record(&mut *conn, &mut record, &cleaner.id, team, seq).await?;
    sqlx::query(
        "UPDATE vacant_units SET last_cleaned = $1, seq = $2 WHERE id = $3 \
         AND (last_cleaned IS NULL OR last_cleaned < $1)",
    )
    .bind(day.to_string())
    .bind(seq)
    .bind(unit.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
