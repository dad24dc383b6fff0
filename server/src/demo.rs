//! Demo data (`--demo`, `fieldbook-server demo`): a few accounts and realistic work orders, so
//! the app can be tried at once. Loading twice creates nothing new: accounts are matched by
//! username and work orders by their fixed ids.

use chrono::{DateTime, Duration, Local, Utc};
use fieldbook_model::{Role, ServiceType, StatusNode, WorkOrder};
use uuid::Uuid;

use crate::db::{self, Db};
use crate::password::{self, PasswordError};
use crate::users::{self, NewUser, UserError};
use crate::work_orders;

/// Printed at startup, so nobody has to look it up.
pub const DEMO_PASSWORD: &str = "demo1234";

/// The demo's one field team: its cleaners, supervisor, areas and vacant units.
pub const DEMO_TEAM: &str = "team-a";

/// The demo's service station (服务站): its engineers and their head (站长).
pub const DEMO_STATION: &str = "济南站";

/// (username, display name, role, team). Engineers work as the engineering department, for
/// every field team; their own team is their service station, whose head (service_supervisor)
/// sees its orders and engineers at the desk. The dispatcher is in the office.
pub const DEMO_USERS: [(&str, &str, Role, Option<&str>); 7] = [
    ("engineer1", "张伟", Role::Engineer, Some(DEMO_STATION)),
    ("engineer2", "李强", Role::Engineer, Some(DEMO_STATION)),
    ("cleaner1", "王芳", Role::Cleaner, Some(DEMO_TEAM)),
    ("cleaner2", "赵敏", Role::Cleaner, Some(DEMO_TEAM)),
    ("supervisor1", "刘洋", Role::Supervisor, Some(DEMO_TEAM)),
    ("dispatcher1", "陈静", Role::Dispatcher, None),
    (
        "head1",
        "周站长",
        Role::ServiceSupervisor,
        Some(DEMO_STATION),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    User(#[from] UserError),
    #[error("the field demo data: {0}")]
    Field(String),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the demo assignee '{0}' is missing")]
    MissingAssignee(&'static str),
}

/// What a load created.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DemoReport {
    pub users: usize,
    pub work_orders: usize,
    pub areas: usize,
}

/// One demo order; times are hours relative to the load.
pub(crate) struct DemoOrder {
    id: &'static str,
    assignee: &'static str,
    customer: &'static str,
    contact: (&'static str, &'static str),
    site: &'static str,
    model: &'static str,
    serial: &'static str,
    hours: u32,
    condition: &'static str,
    fault: &'static str,
    service: ServiceType,
    down: bool,
    called_hours_ago: i64,
    planned_in_hours: i64,
}

pub(crate) const DEMO_ORDERS: [DemoOrder; 8] = [
    DemoOrder {
        id: "d3e0a001-0000-4000-8000-000000000001",
        assignee: "engineer1",
        customer: "中铁十四局",
        contact: ("王建国", "138 6400 1123"),
        site: "济南东站三期工地",
        model: "EC210D",
        serial: "VCEC210DC00312457",
        hours: 3520,
        condition: "土方",
        fault: "液压油温过高，连续作业约两小时后报警，动作明显变慢，现已停机等待维修",
        service: ServiceType::FaultRepair,
        down: true,
        called_hours_ago: 5,
        planned_in_hours: 1,
    },
    DemoOrder {
        id: "d3e0a001-0000-4000-8000-000000000002",
        assignee: "engineer1",
        customer: "山东高速路桥",
        contact: ("刘志刚", "139 5390 2231"),
        site: "临沂北绕城高速 K23 标段",
        model: "EC480D",
        serial: "VCEC480DA00201883",
        hours: 7810,
        condition: "破碎",
        fault: "破碎锤打击无力，先导压力偏低，怠速时偶有抖动",
        service: ServiceType::FaultRepair,
        down: false,
        called_hours_ago: 38,
        planned_in_hours: 2,
    },
    DemoOrder {
        id: "d3e0a001-0000-4000-8000-000000000003",
        assignee: "engineer1",
        customer: "青岛城投建设",
        contact: ("孙丽", "0532-8866 1024"),
        site: "胶州湾第二隧道出口工地",
        model: "SY215C",
        serial: "SY215CAC6218K0931",
        hours: 1998,
        condition: "装车",
        fault: "2000 小时定检保养：更换机油、机油滤芯、柴油滤芯、空气滤芯，检查液压油",
        service: ServiceType::PeriodicMaintenance,
        down: false,
        called_hours_ago: 20,
        planned_in_hours: 4,
    },
    DemoOrder {
        id: "d3e0a001-0000-4000-8000-000000000004",
        assignee: "engineer1",
        customer: "潍坊鲁中矿业",
        contact: ("马涛", "136 0636 7789"),
        site: "昌乐县石灰石矿二号采区",
        model: "PC200-8",
        serial: "KMTPC200K52318764",
        hours: 12450,
        condition: "装车",
        fault: "二手机到场检查，客户反映回转时有异响",
        service: ServiceType::ArrivalInspection,
        down: false,
        called_hours_ago: 12,
        planned_in_hours: 6,
    },
    DemoOrder {
        id: "d3e0a001-0000-4000-8000-000000000005",
        assignee: "engineer1",
        customer: "济南城建集团",
        contact: ("高峰", "0531-8123 4567"),
        site: "济南新东站片区市政管网工程",
        model: "EC210D",
        serial: "VCEC210DK00318861",
        hours: 15,
        condition: "待交机",
        fault: "新机交付前预检，核对随机工具与资料，检查各油位",
        service: ServiceType::PreDeliveryInspection,
        down: false,
        called_hours_ago: 8,
        planned_in_hours: 20,
    },
    DemoOrder {
        id: "d3e0a001-0000-4000-8000-000000000006",
        assignee: "engineer1",
        customer: "日照港集团",
        contact: ("徐磊", "133 6333 0921"),
        site: "日照港石臼港区散货码头",
        model: "EC480D",
        serial: "VCEC480DV00104472",
        hours: 5230,
        condition: "装车",
        fault: "按厂家技改通知更换回转马达密封件",
        service: ServiceType::TechnicalModification,
        down: false,
        called_hours_ago: 30,
        planned_in_hours: 26,
    },
    DemoOrder {
        id: "d3e0a001-0000-4000-8000-000000000007",
        assignee: "engineer2",
        customer: "中建八局",
        contact: ("陈海", "150 6392 4418"),
        site: "青岛胶东国际机场配套道路工程",
        model: "SY215C",
        serial: "SY215CAC6219K1207",
        hours: 4310,
        condition: "土方",
        fault: "空调不制冷，驾驶室温度过高",
        service: ServiceType::FaultRepair,
        down: false,
        called_hours_ago: 6,
        planned_in_hours: 3,
    },
    DemoOrder {
        id: "d3e0a001-0000-4000-8000-000000000008",
        assignee: "engineer2",
        customer: "烟台港建",
        contact: ("杨帆", "0535-6688 210"),
        site: "烟台西港区防波堤工程",
        model: "PC200-8",
        serial: "KMTPC200K52320418",
        hours: 8920,
        condition: "破碎",
        fault: "1000 小时定检保养",
        service: ServiceType::PeriodicMaintenance,
        down: false,
        called_hours_ago: 16,
        planned_in_hours: 5,
    },
];

/// The demo's line on the startup banner.
pub fn sign_in_hint() -> String {
    format!(
        "Demo sign-ins (password {DEMO_PASSWORD}): engineer1 (engineer), cleaner1 (cleaner), \
         cleaner2 (cleaner), supervisor1 (supervisor), dispatcher1 (dispatcher), \
         head1 (station head, {DEMO_STATION}), claims1 (claims support), manager1 (manager; \
         bu1, sales1, svcmgr1, svcdir1, gm1 sign commercial claims)"
    )
}

/// Load whatever of the demo data is missing.
pub async fn load(db: &Db) -> Result<DemoReport, DemoError> {
    let mut report = DemoReport::default();
    let mut conn = db.acquire().await?;
    let mut missing = Vec::new();
    let claims_users = crate::demo_claims::CLAIMS_USERS
        .iter()
        .map(|(username, name, role, _)| (*username, *name, *role, None));
    for (username, display_name, role, team) in DEMO_USERS.into_iter().chain(claims_users) {
        if users::find_by_username(&mut conn, username)
            .await?
            .is_none()
        {
            missing.push(NewUser {
                username: username.into(),
                display_name: display_name.into(),
                role,
                team: team.map(str::to_string),
            });
        }
    }
    if !missing.is_empty() {
        // One hash for all: they share the published demo password anyway, and argon2 is slow.
        let hash = password::hash(DEMO_PASSWORD.to_string()).await?;
        for user in &missing {
            match users::insert_with_hash(&mut conn, user, &hash).await {
                Ok(_) => report.users += 1,
                // Another process loading the demo at the same moment got there first.
                Err(UserError::Duplicate(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    // Demo databases made before the stations existed: their engineers join the station.
    for (username, _, role, team) in DEMO_USERS {
        if role == Role::Engineer {
            sqlx::query("UPDATE users SET team = $1 WHERE username = $2 AND team IS NULL")
                .bind(team)
                .bind(username)
                .execute(&mut *conn)
                .await?;
        }
    }
    drop(conn);

    let now = Utc::now();
    let date = Local::now().format("%Y%m%d").to_string();
    let mut tx = db.begin().await?;
    for (n, order) in DEMO_ORDERS.iter().enumerate() {
        let id = Uuid::parse_str(order.id).expect("demo ids are UUIDs");
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM work_orders WHERE id = $1")
            .bind(order.id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            continue;
        }
        let assignee = users::find_by_username(&mut tx, order.assignee)
            .await?
            .ok_or(DemoError::MissingAssignee(order.assignee))?;
        let mut wo = work_order(id, order, format!("BX-{date}-{:03}", n + 1), now);
        wo.station = assignee.team.clone();
        let seq = db::next_seq(&mut tx).await?;
        work_orders::insert(&mut tx, &wo, &assignee.id, seq).await?;
        report.work_orders += 1;
    }
    let claims_demo = async {
        crate::demo_claims::load_settings(&mut tx).await?;
        let ticket = format!("BX-{date}-{:03}", DEMO_ORDERS.len() + 1);
        crate::demo_claims::load_closed_order(&mut tx, ticket, now).await
    };
    if claims_demo
        .await
        .map_err(|e| DemoError::Field(format!("claims: {e}")))?
    {
        report.work_orders += 1;
    }
    report.areas = crate::demo_field::load(&mut tx)
        .await
        .map_err(|e| DemoError::Field(e.to_string()))?;
    tx.commit().await?;
    Ok(report)
}

/// `count` more work orders for `assignee`, made up from the demo's, for measuring the app with a
/// big list (`fieldbook-server demo --generate N`). Each call adds new ones; one transaction.
pub async fn generate(db: &Db, assignee: &'static str, count: usize) -> Result<usize, DemoError> {
    let now = Utc::now();
    let date = Local::now().format("%Y%m%d").to_string();
    let mut tx = db.begin().await?;
    let user = users::find_by_username(&mut tx, assignee)
        .await?
        .ok_or(DemoError::MissingAssignee(assignee))?;
    for n in 0..count {
        let template = &DEMO_ORDERS[n % DEMO_ORDERS.len()];
        let ticket = format!("GX-{date}-{:05}", n + 1);
        let mut wo = work_order(Uuid::new_v4(), template, ticket, now);
        wo.assignee = assignee.into();
        wo.station = user.team.clone();
        wo.planned_at = now + Duration::minutes(n as i64);
        let seq = db::next_seq(&mut tx).await?;
        work_orders::insert(&mut tx, &wo, &user.id, seq).await?;
    }
    tx.commit().await?;
    Ok(count)
}

/// engineer2's three orders of the previous China month, closed, so the scorecards have a month
/// to count: a fault repair that needed a second visit (the third order), a periodic maintenance
/// reached 40 hours after the call whose report came 5 days after leaving and was sent back once
/// (its hydraulic oil photo missing, no signature), and the second visit, all in order.
pub const LAST_MONTH_IDS: [&str; 3] = [
    "d3e0a001-0000-4000-8000-000000000101",
    "d3e0a001-0000-4000-8000-000000000102",
    "d3e0a001-0000-4000-8000-000000000103",
];

/// A fixed id made from a demo order's id, for its `kind`-th kind of record, `k`-th of them.
pub(crate) fn derived(id: Uuid, kind: u128, k: usize) -> Uuid {
    Uuid::from_u128(id.as_u128() ^ (kind << 64) ^ ((k as u128 + 1) << 72))
}

/// Load the demo's last month (`--demo-last-month`), whatever of it is missing; after [`load`]:
/// engineer2's orders and team-a's cleaning days.
pub async fn load_last_month(db: &Db) -> Result<usize, DemoError> {
    let mut tx = db.begin().await?;
    let n = last_month(&mut tx, Utc::now()).await?;
    tx.commit().await?;
    Ok(n)
}

/// Load the demo's yesterday (`--demo-yesterday`): orders, checklists, rounds, a finding and a
/// vacant-unit cleaning for the daily reports; after [`load`]. Apart from the last month
/// because in a month's first days yesterday (and the order called six days ago) belongs to
/// last month, whose scorecards then count them too: the tests of last month's figures load
/// only the month, so they hold on any day.
pub async fn load_yesterday(db: &Db) -> Result<usize, DemoError> {
    let mut tx = db.begin().await?;
    let now = Utc::now();
    let n = yesterday(&mut tx, now).await?;
    crate::field::load_demo_day(&mut tx, DEMO_TEAM, now)
        .await
        .map_err(|e| DemoError::Field(e.to_string()))?;
    tx.commit().await?;
    Ok(n)
}

/// The demo's yesterday (China time), for the reports (issue 18): three orders with fixed
/// times, whatever the hour of the load.
pub const YESTERDAY_IDS: [&str; 3] = [
    "d3e0a002-0000-4000-8000-000000000001",
    "d3e0a002-0000-4000-8000-000000000002",
    "d3e0a002-0000-4000-8000-000000000003",
];

/// Yesterday's orders: (template in DEMO_ORDERS, assignee, days before today of the call, China
/// hour and minute of the call, machine down, the status nodes at hours after the call, hours
/// from the call to the report, the unrepaired reason).
type DayPlan = (
    usize,
    &'static str,
    i64,
    (i64, i64),
    bool,
    &'static [(StatusNode, i64)],
    Option<i64>,
    Option<&'static str>,
);

/// - A machine down called at 09:00 yesterday: out at 10:00, on site at 12:00, repaired and
///   left at 15:00, its report sent at 18:00.
/// - A machine down called at 23:30 yesterday: nothing yet but the desk's reason.
/// - An order repaired six days ago whose report came yesterday at 11:00, past its 3 days.
const YESTERDAY: [DayPlan; 3] = [
    (
        6,
        "engineer2",
        1,
        (9, 0),
        true,
        &[
            (StatusNode::Departed, 1),
            (StatusNode::Arrived, 3),
            (StatusNode::RepairedLeft, 6),
        ],
        Some(9),
        None,
    ),
    (
        0,
        "engineer1",
        1,
        (23, 30),
        true,
        &[],
        None,
        Some("等配件：液压泵到货后上门"),
    ),
    (
        7,
        "engineer2",
        6,
        (10, 0),
        false,
        &[
            (StatusNode::Departed, 1),
            (StatusNode::Arrived, 4),
            (StatusNode::RepairedLeft, 7),
        ],
        Some(5 * 24 + 1),
        None,
    ),
];

async fn yesterday(tx: &mut db::Conn, now: DateTime<Utc>) -> Result<usize, DemoError> {
    use fieldbook_model::complaints::{china_date, china_midnight};
    use fieldbook_model::desk::{Person, Stamped};
    use fieldbook_model::report::Signature;
    use fieldbook_model::{ServiceReport, StatusEvent};

    let today = china_date(now);
    let mut made = 0;
    for (n, (template, who, days_ago, (h, m), down, nodes, report_after, reason)) in
        YESTERDAY.into_iter().enumerate()
    {
        let id = Uuid::parse_str(YESTERDAY_IDS[n]).expect("demo ids are UUIDs");
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM work_orders WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            continue;
        }
        let engineer = users::find_by_username(&mut *tx, who)
            .await?
            .ok_or(DemoError::MissingAssignee(who))?;
        let called = china_midnight(today - Duration::days(days_ago))
            + Duration::hours(h)
            + Duration::minutes(m);
        let ticket = format!("BX-{}-8{:02}", china_date(called).format("%Y%m%d"), n + 1);
        let mut wo = work_order(id, &DEMO_ORDERS[template], ticket, now);
        wo.assignee = who.into();
        wo.called_at = called;
        wo.planned_at = called + Duration::hours(1);
        wo.machine_down = down;
        wo.station = engineer.team.clone();
        let seq = db::next_seq(&mut *tx).await?;
        work_orders::insert(&mut *tx, &wo, &engineer.id, seq).await?;
        for (k, (node, after)) in nodes.iter().enumerate() {
            let when = called + Duration::hours(*after);
            let event = StatusEvent {
                node: *node,
                at: when,
                by: who.into(),
                op_id: derived(id, 1, k),
            };
            let seq = db::next_seq(&mut *tx).await?;
            work_orders::record_status(&mut *tx, id, &event, seq, db::millis(when)).await?;
            wo.apply_status(event)
                .expect("the demo walks the nodes in order");
        }
        if let Some(after) = report_after {
            let left = wo.reached_at(StatusNode::RepairedLeft).unwrap_or(called);
            let report = ServiceReport {
                fault_cause: "见维修记录".into(),
                work_done: "已按规程处理，试机正常".into(),
                signature: Some(Signature {
                    photo_id: derived(id, 4, 0),
                    signer: wo.contact_name.clone(),
                    at: left,
                }),
                submitted_at: Some(called + Duration::hours(after)),
                ..Default::default()
            };
            let seq = db::next_seq(&mut *tx).await?;
            work_orders::record_report(&mut *tx, id, &report, seq).await?;
        }
        if let Some(text) = reason {
            wo.unrepaired_reason = Some(Stamped {
                text: text.into(),
                by: Person {
                    username: "dispatcher1".into(),
                    name: "陈静".into(),
                },
                at: called + Duration::minutes(10),
            });
            let seq = db::next_seq(&mut *tx).await?;
            work_orders::record_desk(&mut *tx, &wo, seq).await?;
        }
        made += 1;
    }
    Ok(made)
}

/// One order of the demo's last month: (template in DEMO_ORDERS, day of the call, hours to
/// arrival, hours on site, hours from leaving to the report, the required photo left out).
type Plan = (usize, u32, i64, i64, i64, Option<&'static str>);

async fn last_month(tx: &mut db::Conn, now: DateTime<Utc>) -> Result<usize, DemoError> {
    use chrono::Datelike;
    use fieldbook_model::complaints::{china_date, china_midnight};
    use fieldbook_model::desk::{
        Closure, FirstResponse, FirstResponseRecord, Person, ReviewDecision, ReviewItem,
        ReviewRound, SendBackItem,
    };
    use fieldbook_model::report::Signature;
    use fieldbook_model::scorecard::Month;
    use fieldbook_model::{ServiceReport, StatusEvent};

    let this = china_date(now);
    let month = Month {
        year: this.year(),
        month: this.month(),
    }
    .previous();
    // 10:00 China time on `day` of last month, plus `hours`.
    let at = |day: u32, hours: i64| {
        china_midnight(month.first_day().with_day(day).expect("days 1-28 exist"))
            + Duration::hours(10 + hours)
    };
    let engineer = users::find_by_username(&mut *tx, "engineer2")
        .await?
        .ok_or(DemoError::MissingAssignee("engineer2"))?;
    let desk = Person {
        username: "dispatcher1".into(),
        name: "陈静".into(),
    };
    let plans: [Plan; 3] = [
        (6, 3, 4, 4, 20, None),
        (7, 10, 40, 3, 5 * 24, Some("hydraulic_oil")),
        (6, 20, 5, 2, 6, None),
    ];
    let mut made = 0;
    let mut first_ticket = String::new();
    for (n, (template, day, to_arrive, on_site, to_report, missing)) in
        plans.into_iter().enumerate()
    {
        let id = Uuid::parse_str(LAST_MONTH_IDS[n]).expect("demo ids are UUIDs");
        let called = at(day, 0);
        let ticket = format!("BX-{}-9{:02}", china_date(called).format("%Y%m%d"), n + 1);
        if n == 0 {
            first_ticket = ticket.clone();
        }
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM work_orders WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            continue;
        }
        let mut wo = work_order(id, &DEMO_ORDERS[template], ticket, now);
        wo.called_at = called;
        wo.planned_at = called + Duration::hours(2);
        wo.station = engineer.team.clone();
        if n == 2 {
            wo.repeat_of = Some(first_ticket.clone());
            wo.fault_description = "空调又不制冷，上次维修后两周复发".into();
        }
        let seq = db::next_seq(&mut *tx).await?;
        work_orders::insert(&mut *tx, &wo, &engineer.id, seq).await?;
        // dispatcher1 took the calls; head1 called back within the hour, but 3 hours late
        // for the maintenance (the agent's scorecard).
        work_orders::set_taken_by(&mut *tx, id, "dispatcher1").await?;
        let first = called + Duration::minutes(if n == 1 { 180 } else { 30 });
        wo.first_response = Some(FirstResponseRecord {
            response: FirstResponse {
                at: first,
                outcome: "已电话确认故障，约定上门时间".into(),
                site_confirmed: true,
                phone_fix: false,
            },
            by: Person {
                username: "head1".into(),
                name: "周站长".into(),
            },
            recorded_at: first,
        });
        let arrived = called + Duration::hours(to_arrive);
        let left = arrived + Duration::hours(on_site);
        let submitted = left + Duration::hours(to_report);
        for (k, (node, when)) in [
            (
                StatusNode::Departed,
                called + Duration::hours(to_arrive - 1),
            ),
            (StatusNode::Arrived, arrived),
            (StatusNode::RepairedLeft, left),
        ]
        .into_iter()
        .enumerate()
        {
            let event = StatusEvent {
                node,
                at: when,
                by: "engineer2".into(),
                op_id: derived(id, 1, k),
            };
            let seq = db::next_seq(&mut *tx).await?;
            work_orders::record_status(&mut *tx, id, &event, seq, db::millis(when)).await?;
            wo.apply_status(event)
                .expect("the demo walks the nodes in order");
        }
        // The required photos (their records; the demo has no pictures of last month).
        for (k, slot) in crate::photos::slots_for(&mut *tx, wo.service_type)
            .await?
            .into_iter()
            .filter(|s| s.required && Some(s.key.as_str()) != missing)
            .enumerate()
        {
            let seq = db::next_seq(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO photos (photo_id, work_order_id, slot, n, name, sha256, bytes,                  width, height, content_type, taken_at, op_id, seq)                  VALUES ($1, $2, $3, 1, $4, $5, 0, 0, 0, 'image/jpeg', $6, $7, $8)",
            )
            .bind(derived(id, 2, k).to_string())
            .bind(id.to_string())
            .bind(&slot.key)
            .bind(format!("{}-{}.jpg", wo.ticket, slot.key))
            .bind("0".repeat(64))
            .bind(db::time_to_text(arrived + Duration::minutes(10)))
            .bind(derived(id, 3, k).to_string())
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        }
        let report = ServiceReport {
            fault_cause: "见维修记录".into(),
            work_done: "已按规程处理，试机正常".into(),
            signature: missing.is_none().then(|| Signature {
                photo_id: derived(id, 4, 0),
                signer: wo.contact_name.clone(),
                at: left,
            }),
            submitted_at: Some(submitted),
            ..Default::default()
        };
        let seq = db::next_seq(&mut *tx).await?;
        work_orders::record_report(&mut *tx, id, &report, seq).await?;
        if let Some(slot) = missing {
            wo.reviews.push(ReviewRound {
                submitted_at: submitted,
                decision: ReviewDecision::SendBack {
                    items: vec![SendBackItem {
                        item: ReviewItem::MissingPhoto { slot: slot.into() },
                        reason: "缺少液压油位照片".into(),
                    }],
                },
                by: desk.clone(),
                at: submitted + Duration::hours(3),
            });
        }
        let closed = submitted + Duration::hours(20);
        wo.reviews.push(ReviewRound {
            submitted_at: submitted,
            decision: ReviewDecision::Close,
            by: desk.clone(),
            at: closed,
        });
        wo.closure = Some(Closure {
            by: desk.clone(),
            at: closed,
            resolution: None,
        });
        let seq = db::next_seq(&mut *tx).await?;
        work_orders::record_desk(&mut *tx, &wo, seq).await?;
        made += 1;
    }
    // Team-a's cleaning of every day of the month: lists, rounds, spot checks, vacant units.
    crate::field::load_demo_month(&mut *tx, DEMO_TEAM, now)
        .await
        .map_err(|e| DemoError::Field(e.to_string()))?;
    Ok(made)
}

pub(crate) fn work_order(
    id: Uuid,
    order: &DemoOrder,
    ticket: String,
    now: DateTime<Utc>,
) -> WorkOrder {
    WorkOrder {
        id,
        ticket,
        customer: order.customer.into(),
        site: order.site.into(),
        equipment_model: order.model.into(),
        serial: order.serial.into(),
        engine_hours: order.hours,
        working_condition: order.condition.into(),
        fault_description: order.fault.into(),
        service_type: order.service,
        machine_down: order.down,
        called_at: now - Duration::hours(order.called_hours_ago),
        planned_at: now + Duration::hours(order.planned_in_hours),
        assignee: order.assignee.into(),
        assignee_name: String::new(),
        status: StatusNode::Dispatched,
        history: Vec::new(),
        seq: 0,
        slots: Vec::new(),
        photos: Vec::new(),
        report: Default::default(),
        contact_name: order.contact.0.into(),
        contact_phone: order.contact.1.into(),
        companions: Vec::new(),
        station: None,
        repeat_of: None,
        first_response: None,
        departure: None,
        reviews: Vec::new(),
        closure: None,
        naming: Default::default(),
        unrepaired_reason: None,
        call_backs: Vec::new(),
        claim_expected: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldbook_model::work_order::RESPONSE_TARGET;

    #[test]
    fn the_demo_orders_look_real() {
        for order in &DEMO_ORDERS {
            assert_eq!(order.serial.len(), 17, "{}", order.serial);
            Uuid::parse_str(order.id).unwrap();
        }
        let mine = |name| DEMO_ORDERS.iter().filter(move |o| o.assignee == name);
        assert_eq!(mine("engineer1").count(), 6);
        assert_eq!(mine("engineer2").count(), 2);
        assert_eq!(mine("engineer1").filter(|o| o.down).count(), 1);
        assert!(mine("engineer1").any(|o| Duration::hours(o.called_hours_ago) > RESPONSE_TARGET));
    }
}
