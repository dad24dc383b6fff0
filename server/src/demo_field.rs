//! The demo's field data: team-a's areas with their checklists, patrol areas, commercial
//! outlets and vacant units. Fixed ids, so loading twice creates nothing new.

use crate::db::Conn;
use chrono::{Duration, NaiveDate, Utc};
use fieldbook_model::cleaning::Schedule;
use fieldbook_model::op::naming_date;
use uuid::Uuid;

use crate::db;
use crate::demo::DEMO_TEAM;
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

fn demo_id(kind: u128, n: usize) -> Uuid {
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
    Ok(created)
}
