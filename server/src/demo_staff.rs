//! The company's size for the benchmarks (issue 18): `fieldbook-server demo --demo-staff 2000`
//! adds that many field staff and a year of their engineers' work orders, so the reports and
//! scorecards can be timed where they matter (`server/benches/reports.rs`).
//!
//! Ten 400 agents take the calls (the order's `taken_by`). A quarter of the staff are engineers, 25 to a service station; the rest are cleaners in
//! teams of 15 with a supervisor each (their accounts only: the cleaning records are not
//! generated yet). Each engineer gets `orders_per_month` orders in each of the last `months`
//! China months before the current one, all closed, with the defects the scorecard counts
//! spread through them by fixed patterns (a late arrival, a late report, a missing photo, an
//! unsigned record, a sent-back report, a second visit, a dissatisfied call-back), so the same
//! arguments always give the same data. Loading again adds nothing that is already there.

use chrono::{DateTime, Datelike, Duration, Utc};
use fieldbook_model::complaints::{CallBack, CallBackMethod, china_date, china_midnight};
use fieldbook_model::desk::{
    Closure, FirstResponse, FirstResponseRecord, Person, ReviewDecision, ReviewItem, ReviewRound,
    SendBackItem,
};
use fieldbook_model::report::Signature;
use fieldbook_model::scorecard::Month;
use fieldbook_model::{Role, ServiceReport, StatusEvent, StatusNode};
use uuid::Uuid;

use crate::db::{self, Db};
use crate::demo::{DEMO_ORDERS, DEMO_PASSWORD, DemoError, derived, work_order};
use crate::users::{self, NewUser};
use crate::{password, work_orders};

/// Engineers per service station, cleaners per team.
const PER_STATION: usize = 25;
const PER_TEAM: usize = 15;
/// The 400 desk's agents who take the calls (office staff, beside the field staff).
pub const AGENTS: usize = 10;

/// The username of the `i`-th generated 400 agent (from 0).
pub fn agent_name(i: usize) -> String {
    format!("staff-400-{:02}", i + 1)
}

/// What [`generate`] added.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StaffReport {
    pub users: usize,
    pub engineers: usize,
    pub work_orders: usize,
}

/// The username of the `i`-th generated engineer (from 0).
pub fn engineer_name(i: usize) -> String {
    format!("staff-eng-{i:04}")
}

/// Add `staff` field staff and `months` months of `orders_per_month` orders per engineer,
/// ending with the month before `now`'s (China time).
pub async fn generate(
    db: &Db,
    staff: usize,
    months: u32,
    orders_per_month: usize,
    now: DateTime<Utc>,
) -> Result<StaffReport, DemoError> {
    let mut report = StaffReport::default();
    let engineers = (staff / 4).max(1);
    let mut people = Vec::with_capacity(staff);
    for i in 0..engineers {
        people.push(NewUser {
            username: engineer_name(i),
            display_name: format!("工程师{i:04}"),
            role: Role::Engineer,
            team: Some(format!("服务站{:02}", i / PER_STATION + 1)),
        });
    }
    for i in 0..staff.saturating_sub(engineers) {
        let team = format!("保洁{:03}班", i / (PER_TEAM + 1) + 1);
        let (role, name) = if i % (PER_TEAM + 1) == 0 {
            (Role::Supervisor, format!("staff-sup-{i:04}"))
        } else {
            (Role::Cleaner, format!("staff-cln-{i:04}"))
        };
        people.push(NewUser {
            display_name: name.clone(),
            username: name,
            role,
            team: Some(team),
        });
    }
    for i in 0..AGENTS {
        people.push(NewUser {
            username: agent_name(i),
            display_name: format!("客服{:02}", i + 1),
            role: Role::Dispatcher,
            team: None,
        });
    }
    let hash = password::hash(DEMO_PASSWORD.to_string()).await?;
    let mut conn = db.acquire().await?;
    let mut ids = Vec::with_capacity(engineers);
    for person in &people {
        let user = match users::find_by_username(&mut conn, &person.username).await? {
            Some(user) => user,
            None => {
                report.users += 1;
                users::insert_with_hash(&mut conn, person, &hash).await?
            }
        };
        if person.role == Role::Engineer {
            ids.push((user.id, person.username.clone(), person.team.clone()));
        }
    }
    drop(conn);
    report.engineers = ids.len();

    let this = china_date(now);
    let current = Month {
        year: this.year(),
        month: this.month(),
    };
    let mut first = current;
    for _ in 0..months {
        first = first.previous();
    }
    for (e, (user_id, username, station)) in ids.iter().enumerate() {
        let mut tx = db.begin().await?;
        let mut month = first;
        let mut previous_ticket: Option<String> = None;
        while month < current {
            for n in 0..orders_per_month {
                let made = order(
                    &mut tx,
                    Plan {
                        engineer: e,
                        user_id,
                        username,
                        station: station.as_deref(),
                        month,
                        n,
                        orders_per_month,
                        previous_ticket: previous_ticket.as_deref(),
                    },
                )
                .await?;
                if made.1 {
                    report.work_orders += 1;
                }
                previous_ticket = Some(made.0);
            }
            month = month.next();
        }
        tx.commit().await?;
    }
    Ok(report)
}

struct Plan<'a> {
    engineer: usize,
    user_id: &'a str,
    username: &'a str,
    station: Option<&'a str>,
    month: Month,
    n: usize,
    orders_per_month: usize,
    previous_ticket: Option<&'a str>,
}

/// One closed order of the plan: its ticket, and whether it was added now.
async fn order(tx: &mut db::Conn, p: Plan<'_>) -> Result<(String, bool), DemoError> {
    // The pattern's counter: each engineer's orders, one after another.
    let i = p.engineer * 7 + p.n + 1;
    let ticket = format!("GS-{}-{:04}-{:03}", p.month, p.engineer, p.n + 1);
    let id = Uuid::from_u128(
        0xd3e0_a002_0000_4000_8000_0000_0000_0000
            | ((p.engineer as u128) << 40)
            | ((p.month.year as u128 * 12 + p.month.month as u128) << 16)
            | p.n as u128,
    );
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM work_orders WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_some() {
        return Ok((ticket, false));
    }
    let day = (p.n * 27 / p.orders_per_month.max(1)) as u32 + 1;
    // Through the day (China time), 8:00 to 19:00.
    let called = china_midnight(p.month.first_day().with_day(day).expect("days 1-28 exist"))
        + Duration::hours(8 + (i % 12) as i64)
        + Duration::minutes((i * 17 % 60) as i64);
    let template = &DEMO_ORDERS[i % DEMO_ORDERS.len()];
    let mut wo = work_order(id, template, ticket.clone(), called);
    wo.called_at = called;
    wo.planned_at = called + Duration::hours(2);
    wo.assignee = p.username.into();
    wo.station = p.station.map(str::to_string);
    if i.is_multiple_of(30) {
        wo.repeat_of = p.previous_ticket.map(str::to_string);
    }
    let seq = db::next_seq(&mut *tx).await?;
    work_orders::insert(&mut *tx, &wo, p.user_id, seq).await?;
    work_orders::set_taken_by(&mut *tx, id, &agent_name(i % AGENTS)).await?;
    let desk = Person {
        username: "dispatcher1".into(),
        name: "陈静".into(),
    };
    // The station head's first call: within the hour, or 3 hours late now and then.
    let first = called + Duration::minutes(if i.is_multiple_of(9) { 180 } else { 40 });
    wo.first_response = Some(FirstResponseRecord {
        response: FirstResponse {
            at: first,
            outcome: "已电话确认故障，约定上门时间".into(),
            site_confirmed: true,
            phone_fix: false,
        },
        by: desk.clone(),
        recorded_at: first,
    });

    let to_arrive = if i.is_multiple_of(10) { 40 } else { 3 };
    let arrived = called + Duration::hours(to_arrive);
    let left = arrived + Duration::hours(3);
    let submitted = left + Duration::hours(if i.is_multiple_of(12) { 4 * 24 } else { 20 });
    for (k, (node, when)) in [
        (StatusNode::Departed, arrived - Duration::hours(1)),
        (StatusNode::Arrived, arrived),
        (StatusNode::RepairedLeft, left),
    ]
    .into_iter()
    .enumerate()
    {
        let event = StatusEvent {
            node,
            at: when,
            by: p.username.into(),
            op_id: derived(id, 1, k),
        };
        let seq = db::next_seq(&mut *tx).await?;
        work_orders::record_status(&mut *tx, id, &event, seq, db::millis(when)).await?;
        wo.apply_status(event)
            .expect("the plan walks the nodes in order");
    }
    let missing = i.is_multiple_of(15);
    for (k, slot) in crate::photos::slots_for(&mut *tx, wo.service_type)
        .await?
        .into_iter()
        .filter(|s| s.required)
        .enumerate()
        .filter(|(k, _)| !(missing && *k == 0))
    {
        let seq = db::next_seq(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO photos (photo_id, work_order_id, slot, n, name, sha256, bytes, \
             width, height, content_type, taken_at, op_id, seq) \
             VALUES ($1, $2, $3, 1, $4, $5, 0, 0, 0, 'image/jpeg', $6, $7, $8)",
        )
        .bind(derived(id, 2, k).to_string())
        .bind(id.to_string())
        .bind(&slot.key)
        .bind(format!("{ticket}-{}.jpg", slot.key))
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
        signature: (!i.is_multiple_of(20)).then(|| Signature {
            photo_id: derived(id, 4, 0),
            signer: wo.contact_name.clone(),
            at: left,
        }),
        submitted_at: Some(submitted),
        ..Default::default()
    };
    let seq = db::next_seq(&mut *tx).await?;
    work_orders::record_report(&mut *tx, id, &report, seq).await?;
    if i.is_multiple_of(25) {
        wo.reviews.push(ReviewRound {
            submitted_at: submitted,
            decision: ReviewDecision::SendBack {
                items: vec![SendBackItem {
                    item: ReviewItem::WorkDone,
                    reason: "请写清维修内容".into(),
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
        by: desk,
        at: closed,
        resolution: None,
    });
    let seq = db::next_seq(&mut *tx).await?;
    work_orders::record_desk(&mut *tx, &wo, seq).await?;
    wo.call_backs = vec![CallBack {
        id: derived(id, 5, 0),
        method: CallBackMethod::Phone,
        by: "dispatcher1".into(),
        at: closed + Duration::hours(if i.is_multiple_of(11) { 5 * 24 } else { 24 }),
        answered_by: wo.contact_name.clone(),
        satisfied: !i.is_multiple_of(40),
        words: String::new(),
        signature: None,
        due: None,
    }];
    let seq = db::next_seq(&mut *tx).await?;
    work_orders::record_call_backs(&mut *tx, &wo, seq).await?;
    Ok((ticket, true))
}
