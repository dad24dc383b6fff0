//! The demo's field data: team-a's areas with their checklists, patrol areas, commercial
//! outlets and vacant units. Fixed ids, so loading twice creates nothing new.

use crate::db::Conn;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use fieldbook_model::Role;
use fieldbook_model::cleaning::Schedule;
use fieldbook_model::complaints::{Complaint, NewComplaint, Severity, Staff, WorkCalendar};
use fieldbook_model::findings::{Assignee, FindingEvent, FindingState, FindingStep};
use fieldbook_model::op::naming_date;
use uuid::Uuid;

use crate::complaints;
use crate::db;
use crate::demo::{DEMO_STATION, DEMO_TEAM};
use crate::error::AppError;
use crate::users;

/// (name, kind, cleaner, patrol, items as (label, schedule))
type DemoArea = (
    &'static str,
    &'static str,
    Option<&'static str>,
    bool,
    &'static [(&'static str, Schedule)],
);

const DAILY: Schedule = Schedule::Daily;

const AREAS: [DemoArea; 11] = [
    (
        "大堂",
        "lobby",
        Some("cleaner1"),
        true,
        &[
            ("地面推尘、湿拖，无脚印水渍", DAILY),
            ("前台、休息椅擦拭无尘", DAILY),
            ("玻璃门及门框擦拭无手印", DAILY),
            ("垃圾桶清倒、更换垃圾袋", DAILY),
            ("大理石地面晶面养护", Schedule::Monthly { day: 15 }),
        ],
    ),
    (
        "A座 电梯",
        "lift",
        Some("cleaner1"),
        false,
        &[
            ("轿厢不锈钢面擦拭无指纹", DAILY),
            ("按钮面板消毒", DAILY),
            ("地槽吸尘清理", Schedule::Weekly { weekday: 1 }),
        ],
    ),
    (
        "A座 3F 卫生间",
        "restroom",
        Some("cleaner1"),
        false,
        &[
            ("便器、洗手台清洁消毒", DAILY),
            ("补充纸巾、洗手液", DAILY),
            ("地面无积水、无异味", DAILY),
            ("地漏疏通、除垢", Schedule::Weekly { weekday: 5 }),
            (
                "墙面瓷砖深度清洁",
                Schedule::Quarterly { month: 2, day: 27 },
            ),
        ],
    ),
    (
        "A座 3F 茶水间",
        "tea_room",
        Some("cleaner1"),
        false,
        &[
            ("台面、水槽清洁", DAILY),
            ("饮水机外壳擦拭", DAILY),
            ("冰箱内部清理", Schedule::Monthly { day: 31 }),
        ],
    ),
    (
        "A座 步梯",
        "stairway",
        Some("cleaner2"),
        false,
        &[
            ("台阶清扫、扶手擦拭", DAILY),
            ("消防门及指示牌擦拭", Schedule::Weekly { weekday: 3 }),
        ],
    ),
    (
        "外围",
        "exterior",
        Some("cleaner2"),
        true,
        &[
            ("道路清扫无垃圾烟头", DAILY),
            ("绿化带捡拾杂物", DAILY),
            ("雨水井清理", Schedule::Monthly { day: 1 }),
        ],
    ),
    (
        "垃圾房",
        "garbage_room",
        Some("cleaner2"),
        true,
        &[
            ("垃圾清运、地面冲洗", DAILY),
            ("消杀灭蝇", Schedule::Weekly { weekday: 5 }),
        ],
    ),
    (
        "天台",
        "rooftop",
        Some("cleaner2"),
        false,
        &[("排水口清理无堵塞", Schedule::Weekly { weekday: 5 })],
    ),
    ("A座 5F 办公区", "office_area", None, true, &[]),
    ("商铺 101 便利店", "commercial_outlet", None, false, &[]),
    ("商铺 102 茶饮店", "commercial_outlet", None, false, &[]),
];

/// (unit, responsible, months since last cleaned: None = never, since the vacancy began)
const UNITS: [(&str, &str, Option<u32>); 4] = [
    ("3栋 1204", "cleaner1", Some(2)),
    ("3栋 1502", "cleaner1", Some(0)),
    ("5栋 0801", "cleaner1", None),
    ("5栋 2103", "cleaner2", Some(1)),
];

pub(crate) fn demo_id(kind: u128, n: usize) -> Uuid {
    Uuid::from_u128(0xf1e1_d000_0000_4000_8000_0000_0000_0000 | (kind << 32) | n as u128)
}

/// One sequence value for the whole load, taken only when something is created: loading again
/// changes nothing, not even the sequence.
async fn load_seq(conn: &mut Conn, seq: &mut Option<i64>) -> Result<i64, AppError> {
    if let Some(s) = *seq {
        return Ok(s);
    }
    let s = db::next_seq(conn).await?;
    *seq = Some(s);
    Ok(s)
}

/// Load whatever of the field demo is missing. Returns how many areas were created.
pub async fn load(conn: &mut Conn) -> Result<usize, AppError> {
    let mut created = 0;
    let mut seq = None;
    for (n, (name, kind, cleaner, patrol, items)) in AREAS.iter().enumerate() {
        let id = demo_id(1, n).to_string();
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM areas WHERE id = $1")
            .bind(&id)
            .fetch_optional(&mut *conn)
            .await?;
        if exists.is_some() {
            continue;
        }
        let seq = load_seq(&mut *conn, &mut seq).await?;
        let cleaner_id = match cleaner {
            Some(c) => users::find_by_username(&mut *conn, c).await?.map(|u| u.id),
            None => None,
        };
        sqlx::query(
            "INSERT INTO areas (id, team, name, kind, cleaner_id, patrol, position, seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(DEMO_TEAM)
        .bind(name)
        .bind(kind)
        .bind(cleaner_id)
        .bind(patrol)
        .bind(n as i64)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
        for (i, (label, schedule)) in items.iter().enumerate() {
            let schedule = serde_json::to_string(schedule)
                .map_err(|e| AppError::Internal(format!("schedule: {e}")))?;
            sqlx::query(
                "INSERT INTO checklist_items (id, area_id, label, schedule_json, position, seq) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(demo_id(2, n * 100 + i).to_string())
            .bind(&id)
            .bind(label)
            .bind(schedule)
            .bind(i as i64)
            .bind(seq)
            .execute(&mut *conn)
            .await?;
        }
        created += 1;
    }
    let today = naming_date(Utc::now());
    for (n, (name, who, months)) in UNITS.iter().enumerate() {
        let id = demo_id(3, n).to_string();
        let exists: Option<String> =
            sqlx::query_scalar("SELECT id FROM vacant_units WHERE id = $1")
                .bind(&id)
                .fetch_optional(&mut *conn)
                .await?;
        let Some(user) = users::find_by_username(&mut *conn, who).await? else {
            continue;
        };
        if exists.is_some() {
            continue;
        }
        let seq = load_seq(&mut *conn, &mut seq).await?;
        // Cleaned `months` ago, a few days over, so one is overdue and one is due this week.
        let last: Option<NaiveDate> = months
            .map(|m| today - chrono::Months::new(m) - Duration::days(if m == 0 { 20 } else { 3 }));
        sqlx::query(
            "INSERT INTO vacant_units (id, team, name, responsible_id, vacant_since, \
             last_cleaned, seq) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(DEMO_TEAM)
        .bind(name)
        .bind(&user.id)
        .bind((today - Duration::days(10)).format("%Y-%m-%d").to_string())
        .bind(last.map(|d| d.format("%Y-%m-%d").to_string()))
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    }
    load_complaints(conn, &mut seq).await?;
    Ok(created)
}

/// China's public holidays that fall on weekdays, 2026 (国办发明电〔2025〕 notice on the 2026
/// holidays): 元旦 1.1-1.3, 春节 2.15-2.23, 清明 4.4-4.6, 劳动节 5.1-5.5, 端午 6.19-6.21,
/// 中秋 9.25-9.27, 国庆 10.1-10.7.
const HOLIDAYS_2026: [&str; 19] = [
    "2026-01-01",
    "2026-01-02",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-02-20",
    "2026-02-23",
    "2026-04-06",
    "2026-05-01",
    "2026-05-04",
    "2026-05-05",
    "2026-06-19",
    "2026-09-25",
    "2026-10-01",
    "2026-10-02",
    "2026-10-05",
    "2026-10-06",
    "2026-10-07",
];

/// The weekend days worked in 2026 (调休上班).
const MAKE_UP_2026: [&str; 6] = [
    "2026-01-04",
    "2026-02-14",
    "2026-02-28",
    "2026-05-09",
    "2026-09-20",
    "2026-10-10",
];

/// 2027, laid out by the rules the State Council's notices follow (元旦 1.1; 春节 from 除夕 2.5,
/// eight days; 清明 4.5; 劳动节 5.1-5.5; 端午 6.9; 中秋 9.15; 国庆 10.1-10.7). The office checks it
/// against the notice for 2027 when it is published and corrects it on the calendar page
/// (`PUT /api/calendar`).
const HOLIDAYS_2027: [&str; 18] = [
    "2027-01-01",
    "2027-02-05",
    "2027-02-08",
    "2027-02-09",
    "2027-02-10",
    "2027-02-11",
    "2027-02-12",
    "2027-04-05",
    "2027-05-03",
    "2027-05-04",
    "2027-05-05",
    "2027-06-09",
    "2027-09-15",
    "2027-10-01",
    "2027-10-04",
    "2027-10-05",
    "2027-10-06",
    "2027-10-07",
];

const MAKE_UP_2027: [&str; 5] = [
    "2027-01-31",
    "2027-02-20",
    "2027-05-08",
    "2027-09-26",
    "2027-10-09",
];

/// The demo's working-day calendar: China's 2026 and 2027 holidays and make-up working days.
pub fn china_calendar() -> WorkCalendar {
    let days = |list: &[&str]| -> Vec<NaiveDate> {
        list.iter()
            .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("demo dates are dates"))
            .collect()
    };
    WorkCalendar {
        holidays: [days(&HOLIDAYS_2026), days(&HOLIDAYS_2027)].concat(),
        make_up_days: [days(&MAKE_UP_2026), days(&MAKE_UP_2027)].concat(),
    }
    .normalized()
}

fn staff(username: &str, role: Role, home: Option<&str>) -> Staff {
    Staff {
        username: username.into(),
        role,
        home: home.map(str::to_string),
    }
}

/// The calendar (when the office has none yet) and two complaints of the station's, so a new
/// user sees the complaint screens with something on them: a major one waiting for the station
/// head to give it to an engineer, and an ordinary one he fixed himself (he went to apologise) and
/// the desk confirmed: its call-back is due. The head took both. Returns how many complaints were created.
async fn load_complaints(conn: &mut Conn, seq: &mut Option<i64>) -> Result<usize, AppError> {
    let (calendar, _) = complaints::calendar_with_seq(conn).await?;
    let calendar = if calendar == WorkCalendar::default() {
        let china = china_calendar();
        let s = load_seq(conn, seq).await?;
        complaints::save_calendar(conn, &china, s).await?;
        china
    } else {
        calendar
    };
    let now = Utc::now();
    let desk = staff("dispatcher1", Role::Dispatcher, None);
    // The station head took both calls (首问负责: his name stays on them).
    let head = staff("head1", Role::ServiceSupervisor, Some(DEMO_STATION));
    let demo: [(NewComplaint, DateTime<Utc>, bool); 2] = [
        (
            NewComplaint {
                id: demo_id(4, 0),
                finding_id: demo_id(5, 0),
                team: DEMO_STATION.into(),
                severity: Severity::Major,
                customer: "青岛城投建设".into(),
                contact_phone: "0532-8866 1024".into(),
                area_id: None,
                place: "胶州湾第二隧道出口工地".into(),
                what: "保养后第二天发动机漏油，地上一大片油迹，工地要求马上处理".into(),
                photos: Vec::new(),
                work_order_id: None,
                assignee: None,
            },
            now - Duration::hours(3),
            false,
        ),
        (
            NewComplaint {
                id: demo_id(4, 1),
                finding_id: demo_id(5, 1),
                team: DEMO_STATION.into(),
                severity: Severity::Ordinary,
                customer: "中铁十四局".into(),
                contact_phone: "138 6400 1123".into(),
                area_id: None,
                place: "济南东站三期工地".into(),
                what: "工程师比约定时间晚到两个小时，也没有提前打电话说明".into(),
                photos: Vec::new(),
                work_order_id: None,
                // The station head went to apologise himself.
                assignee: Some(Assignee::Person {
                    username: "head1".into(),
                }),
            },
            now - Duration::days(4),
            true,
        ),
    ];
    let mut created = 0;
    for (new, at, fixed) in demo {
        if complaints::find(conn, new.id).await?.is_some() {
            continue;
        }
        // The demo's people may be missing (a database made before them): skip quietly.
        if users::find_by_username(conn, "head1").await?.is_none() {
            continue;
        }
        let (mut complaint, mut task) = Complaint::take(&new, &head, at, &calendar)
            .map_err(|e| AppError::Internal(format!("demo complaint: {e}")))?;
        if fixed {
            // The head went and apologised; the desk confirmed it with the customer that day.
            let fixed_at = at + Duration::days(1);
            task.state = FindingState::Fixed;
            task.history.push(FindingStep {
                event: FindingEvent::Fixed {
                    note: "已上门致歉，之后到场前一小时电话确认".into(),
                },
                by: "head1".into(),
                at: fixed_at,
            });
            complaint
                .confirm_task(&mut task, &desk, fixed_at + Duration::hours(2))
                .map_err(|e| AppError::Internal(format!("demo complaint: {e}")))?;
        }
        let s = load_seq(conn, seq).await?;
        crate::field::save_finding(conn, &mut task, s).await?;
        complaint.seq = s;
        sqlx::query(
            "INSERT INTO complaints (id, team, state, taken_by, taken_at, finding_id, payload, \
             complaint_json, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(complaint.id.to_string())
        .bind(&complaint.team)
        .bind(complaints::state_text(complaint.state))
        .bind(&complaint.taken_by)
        .bind(db::millis(complaint.taken_at))
        .bind(complaint.finding_id.to_string())
        .bind(complaints::payload_text(&new)?)
        .bind(
            serde_json::to_string(&complaint)
                .map_err(|e| AppError::Internal(format!("demo complaint: {e}")))?,
        )
        .bind(s)
        .execute(&mut *conn)
        .await?;
        created += 1;
    }
    Ok(created)
}
