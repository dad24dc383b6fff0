//! The demo's warranty claims part (issue 19): claims support and the manager, the signers of
//! the commercial claims' chain with their titles, the engineers' grades, the rule book's chain,
//! and one closed warranty order expecting a claim, with a replaced part (so the claims queue
//! and the old parts are not empty). Loading twice changes nothing.

use chrono::{DateTime, Duration, Utc};
use fieldbook_model::claims::ChainStep;
use fieldbook_model::desk::{Closure, Person};
use fieldbook_model::report::{
    LabourHours, PartUsed, Waiver, WaiverDecision, WarrantyDetails, tag_returns,
};
use fieldbook_model::{Role, ServiceType, StatusEvent, StatusNode, WorkOrder};
use uuid::Uuid;

use crate::db::{self, Conn};
use crate::error::AppError;
use crate::{claims, users, work_orders};

/// (username, display name, role, sign-off title). The signers are managers (they read every
/// report) who also hold a step of the commercial claims' chain.
pub const CLAIMS_USERS: [(&str, &str, Role, Option<&str>); 7] = [
    ("claims1", "孙倩", Role::Claims, Some("claims_lead")),
    ("manager1", "吴经理", Role::Manager, None),
    ("bu1", "郑事业部经理", Role::Manager, Some("bu_manager")),
    (
        "sales1",
        "冯销售总监",
        Role::Manager,
        Some("sales_director"),
    ),
    (
        "svcmgr1",
        "韩服务经理",
        Role::Manager,
        Some("service_manager"),
    ),
    (
        "svcdir1",
        "蒋服务总监",
        Role::Manager,
        Some("service_director"),
    ),
    ("gm1", "沈总经理", Role::Manager, Some("general_manager")),
];

/// The engineers' grades (set when not set yet): one trainee.
pub const GRADES: [(&str, &str); 2] = [("engineer1", "TCL2"), ("engineer2", "Trainee")];

/// The rule book's chain (DOMAIN.md): business-unit manager, the claims lead with the station
/// head on the amount, sales director, service manager, service director, general manager.
pub fn rule_book_chain() -> Vec<ChainStep> {
    [
        ("bu", "事业部经理", "Business-unit manager", "bu_manager"),
        (
            "claims_lead",
            "索赔主管（会同站长）",
            "Claims lead (with the head)",
            "claims_lead",
        ),
        ("sales", "销售总监", "Sales director", "sales_director"),
        (
            "service_manager",
            "服务经理",
            "Service manager",
            "service_manager",
        ),
        (
            "service_director",
            "服务总监",
            "Service director",
            "service_director",
        ),
        ("gm", "总经理", "General manager", "general_manager"),
    ]
    .into_iter()
    .map(|(key, zh, en, title)| ChainStep {
        key: key.into(),
        label_zh: zh.into(),
        label_en: en.into(),
        title: title.into(),
    })
    .collect()
}

/// The closed warranty order's fixed id.
pub const CLOSED_WARRANTY_ORDER: &str = "d3e0a001-0000-4000-8000-000000000019";

/// Titles, grades and the chain, where not set yet (the accounts are made with the others).
pub async fn load_settings(conn: &mut Conn) -> Result<(), AppError> {
    for (username, _, _, title) in CLAIMS_USERS {
        if let Some(title) = title {
            sqlx::query("UPDATE users SET title = $1 WHERE username = $2 AND title IS NULL")
                .bind(title)
                .bind(username)
                .execute(&mut *conn)
                .await?;
        }
    }
    for (username, grade) in GRADES {
        sqlx::query("UPDATE users SET grade = $1 WHERE username = $2 AND grade IS NULL")
            .bind(grade)
            .bind(username)
            .execute(&mut *conn)
            .await?;
    }
    if claims::chain(conn).await?.is_empty() {
        claims::save_chain(conn, &rule_book_chain(), 0).await?;
    }
    Ok(())
}

/// engineer2's fault repair, left three days ago with a replaced pump, report submitted (the
/// signature waived by the station head), closed by the desk, expecting a claim. Its old-part
/// photo is missing on purpose: claims support sees what the claim still needs.
pub async fn load_closed_order(
    conn: &mut Conn,
    ticket: String,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let id = Uuid::parse_str(CLOSED_WARRANTY_ORDER).expect("a UUID");
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM work_orders WHERE id = $1")
        .bind(CLOSED_WARRANTY_ORDER)
        .fetch_optional(&mut *conn)
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    let Some(assignee) = users::find_by_username(conn, "engineer2").await? else {
        return Ok(false);
    };
    let called = now - Duration::days(4);
    let left = now - Duration::days(3);
    let mut wo = WorkOrder {
        id,
        ticket,
        customer: "济南城建集团".into(),
        site: "济南西客站片区二期".into(),
        equipment_model: "EC250D".into(),
        serial: "VCEC250DC00410733".into(),
        engine_hours: 2140,
        working_condition: "土方".into(),
        fault_description: "回转时有异响，回转马达处渗油".into(),
        service_type: ServiceType::FaultRepair,
        machine_down: true,
        called_at: called,
        planned_at: called + Duration::hours(3),
        assignee: "engineer2".into(),
        assignee_name: String::new(),
        status: StatusNode::Dispatched,
        history: Vec::new(),
        seq: 0,
        slots: Vec::new(),
        photos: Vec::new(),
        report: Default::default(),
        contact_name: "马工".into(),
        contact_phone: "137 9100 4417".into(),
        companions: Vec::new(),
        station: assignee.team.clone(),
        repeat_of: None,
        first_response: None,
        departure: None,
        reviews: Vec::new(),
        closure: None,
        naming: Default::default(),
        unrepaired_reason: None,
        call_backs: Vec::new(),
        claim_expected: true,
    };
    let seq = db::next_seq(conn).await?;
    work_orders::insert(conn, &wo, &assignee.id, seq).await?;
    for (n, (node, at)) in [
        (StatusNode::Departed, called + Duration::hours(3)),
        (StatusNode::Arrived, called + Duration::hours(5)),
        (StatusNode::RepairedLeft, left),
    ]
    .into_iter()
    .enumerate()
    {
        let event = StatusEvent {
            node,
            at,
            by: "engineer2".into(),
            op_id: Uuid::from_u128(0xd3e0_a019_0000_4000_8000_0000_0000_0001 + n as u128),
        };
        let seq = db::next_seq(conn).await?;
        work_orders::record_status(conn, id, &event, seq, db::millis(at)).await?;
        wo.history.push(event);
        wo.status = node;
    }
    wo.report.fault_cause = "回转马达油封老化失效，回转减速机轴承磨损".into();
    wo.report.work_done = "更换回转马达总成，加注齿轮油，试机回转正常无渗漏".into();
    wo.report.parts = vec![PartUsed {
        part_no: "14550094".into(),
        name: "回转马达".into(),
        qty: 1,
        replaced: true,
        return_tag: None,
    }];
    tag_returns(&wo.ticket, &mut wo.report.parts);
    wo.report.warranty = WarrantyDetails {
        service_code: "SW-3120".into(),
        fault_info: "回转马达渗油，故障码 E-214，失效件：回转马达".into(),
        labour: vec![LabourHours {
            person: "engineer2".into(),
            tenths: 45,
        }],
    };
    wo.report.waiver = Some(Waiver {
        reason: "客户现场负责人外出，电话确认".into(),
        at: left,
        decision: Some(WaiverDecision {
            approved: true,
            by: Person {
                username: "head1".into(),
                name: "周站长".into(),
            },
            at: left + Duration::minutes(20),
            reason: String::new(),
        }),
    });
    wo.report.submitted_at = Some(left + Duration::hours(1));
    let seq = db::next_seq(conn).await?;
    work_orders::record_report(conn, id, &wo.report, seq).await?;
    claims::hand_over_parts(conn, &wo, seq).await?;
    wo.closure = Some(Closure {
        by: Person {
            username: "dispatcher1".into(),
            name: "陈静".into(),
        },
        at: left + Duration::hours(20),
        resolution: None,
    });
    let seq = db::next_seq(conn).await?;
    work_orders::record_desk(conn, &wo, seq).await?;
    Ok(true)
}
