//! The desk's work-order lifecycle over real HTTP: a call taken and dispatched, planned, the
//! station head's first response or phone fix, the engineer's departure, the review rounds and
//! the closure that locks the order; the settings, the engineers' load, the polling; every
//! refusal with its code, changing nothing.

use chrono::{DateTime, Duration, Utc};
use fieldbook_model::desk::{
    EngineerLoad, HeldDecision, OrderChanges, PhotoNaming, ReviewDecision,
};
use fieldbook_model::{
    OpsResponse, Outcome, RejectCode, Role, ServiceType, StatusNode, WorkOrder, WorkOrderDetail,
};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::field::{Photo, op, save_report, sign, submit, walk_to_left};
use crate::harness::{TestServer, assert_error, my_orders};
use crate::team::add_user;

/// A call as the desk sends it: engineer1 with engineer2, called at `called_at`.
pub fn call(called_at: &str) -> Value {
    let called: DateTime<Utc> = called_at.parse().unwrap();
    json!({
        "customer": "中建三局",
        "contact_name": "王工",
        "contact_phone": "138 0013 8000",
        "site": "济南西站工地",
        "equipment_model": "EC210D",
        "serial": "VCEC210DC00399999",
        "engine_hours": 3520,
        "working_condition": "土方",
        "fault_description": "液压油温高",
        "service_type": "fault_repair",
        "machine_down": true,
        "called_at": called_at,
        "planned_at": (called + Duration::hours(4)).to_rfc3339(),
        "assignee": "engineer1",
        "companions": ["engineer2"],
    })
}

pub async fn send(
    client: &Client,
    server: &TestServer,
    method: &str,
    path: &str,
    body: Value,
) -> Response {
    let request = match method {
        "POST" => client.post(server.url(path)),
        "PUT" => client.put(server.url(path)),
        _ => unreachable!(),
    };
    request.json(&body).send().await.unwrap()
}

async fn ok<T: serde::de::DeserializeOwned>(response: Response, status: StatusCode) -> T {
    let url = response.url().clone();
    let got = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "{url}: {text}");
    serde_json::from_str(&text).unwrap()
}

pub async fn create(server: &TestServer, desk: &Client, body: Value) -> WorkOrderDetail {
    ok(
        send(desk, server, "POST", "/api/work-orders", body).await,
        StatusCode::CREATED,
    )
    .await
}

pub async fn detail(server: &TestServer, client: &Client, id: Uuid) -> WorkOrderDetail {
    let r = client
        .get(server.url(&format!("/api/work-orders/{id}")))
        .send()
        .await
        .unwrap();
    ok(r, StatusCode::OK).await
}

/// Everything the desk could see, and the server's sequence: what "changes nothing" compares.
async fn snapshot(server: &TestServer) -> (i64, Value) {
    let db = server.database().await;
    // SQLite gives a refused change's number back: its counter must not move. PostgreSQL's
    // sequence keeps it (db::next_seq), so there no row may carry a newer number.
    let seq: i64 = if server.uses_postgres() {
        sqlx::query_scalar(
            "SELECT COALESCE(MAX(s), 0) FROM (SELECT MAX(seq) AS s FROM work_orders \
             UNION ALL SELECT MAX(seq) FROM status_events \
             UNION ALL SELECT MAX(from_seq) FROM work_order_assignments \
             UNION ALL SELECT MAX(to_seq) FROM work_order_assignments \
             UNION ALL SELECT MAX(seq) FROM applied_ops \
             UNION ALL SELECT MAX(seq) FROM photos \
             UNION ALL SELECT MAX(seq) FROM desk_settings) AS x",
        )
        .fetch_one(&db)
        .await
        .unwrap()
    } else {
        fieldbook_server::db::current_seq(&mut db.acquire().await.unwrap())
            .await
            .unwrap()
    };
    db.close().await;
    let desk = server.signed_in("dispatcher1").await;
    let r = desk
        .get(server.url("/api/work-orders"))
        .send()
        .await
        .unwrap();
    let mut list: Value = ok(r, StatusCode::OK).await;
    for id in list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
    {
        let d: Value = ok(
            desk.get(server.url(&format!("/api/work-orders/{id}")))
                .send()
                .await
                .unwrap(),
            StatusCode::OK,
        )
        .await;
        list.as_array_mut().unwrap().push(d["held"].clone());
    }
    (seq, list)
}

fn depart(user: &str, wo: Uuid, companions: &[&str]) -> Value {
    op(
        user,
        json!({
            "type": "depart",
            "work_order_id": wo,
            "expected_arrival": "2026-11-27T13:00:00Z",
            "companions": companions,
        }),
    )
}

fn outcomes(r: &OpsResponse) -> Vec<(Outcome, Option<RejectCode>)> {
    r.results.iter().map(|r| (r.outcome, r.code)).collect()
}

#[tokio::test]
async fn a_call_is_taken_with_the_rules_ticket_and_dispatched_to_the_station() {
    let server = TestServer::with_demo().await;
    let desk = server.signed_in("dispatcher1").await;
    // 2026-12-01T20:00Z is already 2 December in China.
    let first = create(&server, &desk, call("2026-12-01T20:00:00Z")).await;
    let wo = &first.work_order;
    assert_eq!(wo.ticket, "BX-20261202-001");
    assert_eq!(wo.status, StatusNode::Dispatched);
    assert_eq!(wo.station.as_deref(), Some("济南站"));
    assert_eq!(
        (wo.contact_name.as_str(), wo.contact_phone.as_str()),
        ("王工", "138 0013 8000")
    );
    assert_eq!(wo.companions.len(), 1);
    assert_eq!(
        (
            wo.companions[0].username.as_str(),
            wo.companions[0].name.as_str()
        ),
        ("engineer2", "李强")
    );
    assert_eq!(wo.assignee_name, "张伟");
    assert_eq!(wo.naming, PhotoNaming::Standard);
    assert_eq!(wo.repeat_of, None);
    assert!(
        !wo.slots.is_empty(),
        "the service type's photo slots come with it"
    );
    assert_eq!(first.held, Some(vec![]));
    let second = create(&server, &desk, call("2026-12-02T01:00:00Z")).await;
    assert_eq!(second.work_order.ticket, "BX-20261202-002");
    assert_eq!(
        second.work_order.repeat_of.as_deref(),
        Some("BX-20261202-001"),
        "the same machine within 30 days is a repeat visit"
    );
    // Typed tickets are kept as typed, and never counted by the rule.
    let mut typed = call("2026-12-02T02:00:00Z");
    typed["ticket"] = json!("BX-20261202-900");
    typed["serial"] = json!("");
    let typed = create(&server, &desk, typed).await;
    assert_eq!(typed.work_order.ticket, "BX-20261202-900");
    assert_eq!(typed.work_order.serial, "", "a \"99\" order");
    assert_eq!(typed.work_order.repeat_of, None);

    // The engineer's phone gets the new order at its next sync, with the desk's part.
    let e1 = server.signed_in("engineer1").await;
    let mine = my_orders(&server, &e1).await;
    let synced = mine.iter().find(|o| o.id == wo.id).unwrap();
    assert_eq!(synced, wo);

    // The next ticket is what the rule would give a call taken now.
    let next: Value = ok(
        desk.get(server.url("/api/work-orders/next-ticket"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    // The demo numbered its orders by the server's local date: the same day as China's, or not.
    let today = (Utc::now() + Duration::hours(8))
        .format("%Y%m%d")
        .to_string();
    let demo_day = chrono::Local::now().format("%Y%m%d").to_string();
    let n = if today == demo_day { 10 } else { 1 };
    assert_eq!(
        next["ticket"],
        format!("BX-{today}-{n:03}"),
        "the demo took 001-008"
    );
}

#[tokio::test]
async fn a_wrong_call_is_refused_by_field_and_changes_nothing() {
    let server = TestServer::with_demo().await;
    add_user(&server, "off1", Role::Engineer, Some("济南站")).await;
    let db = server.database().await;
    sqlx::query("UPDATE users SET disabled = TRUE WHERE username = 'off1'")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let desk = server.signed_in("dispatcher1").await;
    let taken = create(&server, &desk, call("2026-12-01T02:00:00Z")).await;
    let before = snapshot(&server).await;
    let change = |key: &str, value: Value| {
        let mut c = call("2026-12-01T02:00:00Z");
        c[key] = value;
        c
    };
    let cases: Vec<(Value, StatusCode, &str, &str)> = vec![
        (
            change("customer", json!(" ")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "required",
            "customer",
        ),
        (
            change("contact_phone", json!("call me")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_phone",
            "contact_phone",
        ),
        (
            change("site", json!("a\nb")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
            "site",
        ),
        (
            change("engine_hours", json!(999_999)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
            "engine_hours",
        ),
        (
            change("planned_at", json!("2026-12-01T01:59:00Z")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "planned_before_call",
            "planned_at",
        ),
        (
            change("companions", json!(["engineer1"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "companion_is_assignee",
            "companions",
        ),
        (
            change("assignee", json!("nobody")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_user",
            "assignee",
        ),
        (
            change("assignee", json!("cleaner1")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_an_engineer",
            "assignee",
        ),
        (
            change("assignee", json!("off1")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "user_disabled",
            "assignee",
        ),
        (
            change("companions", json!(["supervisor1"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_an_engineer",
            "companions",
        ),
        (
            change("companions", json!(["off1"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "user_disabled",
            "companions",
        ),
        (
            change("companions", json!(["ghost"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_user",
            "companions",
        ),
        (
            change("ticket", json!("BX 1/2")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_ticket",
            "ticket",
        ),
        (
            change("ticket", json!(taken.work_order.ticket)),
            StatusCode::CONFLICT,
            "duplicate_ticket",
            "ticket",
        ),
    ];
    for (body, status, code, field) in cases {
        let r = send(&desk, &server, "POST", "/api/work-orders", body).await;
        let body = assert_error(r, status, code).await;
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(field), "{code}: {message}");
    }
    // Not JSON of a call: 400.
    let r = send(
        &desk,
        &server,
        "POST",
        "/api/work-orders",
        json!({"customer": "x"}),
    )
    .await;
    assert_error(r, StatusCode::BAD_REQUEST, "bad_json").await;
    assert_eq!(snapshot(&server).await, before);
}

#[tokio::test]
async fn the_settings_make_the_next_tickets_and_names_and_a_bad_rule_is_refused() {
    let server = TestServer::with_demo().await;
    let desk = server.signed_in("dispatcher1").await;
    let got: Value = ok(
        desk.get(server.url("/api/settings")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        got,
        json!({"ticket_rule": "BX-{yyyymmdd}-{n:3}", "photo_naming": "standard",
               "call_back_days": 3})
    );
    let before = snapshot(&server).await;
    for rule in [
        "BX-{yyyymmdd}",
        "BX-{n:3}-{n:2}",
        "BX-{hh}-{n:3}",
        "BX {n:3}",
        "BX-{n:9}",
    ] {
        let r = send(
            &desk,
            &server,
            "PUT",
            "/api/settings",
            json!({"ticket_rule": rule, "photo_naming": "standard"}),
        )
        .await;
        let body = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "bad_ticket_rule").await;
        assert!(
            body["message"].as_str().unwrap().contains("ticket_rule"),
            "{body}"
        );
    }
    assert_eq!(snapshot(&server).await, before);
    let got: Value = ok(
        desk.get(server.url("/api/settings")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(got["ticket_rule"], "BX-{yyyymmdd}-{n:3}");

    let new = json!({"ticket_rule": "WX{yy}{mm}{dd}{n:4}", "photo_naming": "with_service_content"});
    let saved: Value = ok(
        send(&desk, &server, "PUT", "/api/settings", new.clone()).await,
        StatusCode::OK,
    )
    .await;
    // The call-back days were not sent: unchanged.
    let mut kept = new.clone();
    kept["call_back_days"] = json!(3);
    assert_eq!(saved, kept);
    let wo = create(&server, &desk, call("2026-12-01T02:00:00Z"))
        .await
        .work_order;
    assert_eq!(wo.ticket, "WX2612010001");
    assert_eq!(wo.naming, PhotoNaming::WithServiceContent);
    // The photo is named by the order's rule, with the service content.
    let e1 = server.signed_in("engineer1").await;
    let photo = Photo::jpeg(3);
    let r = server
        .push(
            &e1,
            &[
                walk_to_left("engineer1", wo.id).remove(0),
                photo.add("engineer1", wo.id, "extra"),
            ],
        )
        .await;
    assert!(
        r.results.iter().all(|r| r.outcome == Outcome::Applied),
        "{:?}",
        outcomes(&r)
    );
    let stored = server.work_order(&e1, wo.id).await;
    let service = fieldbook_model::photo::sanitize_part(ServiceType::FaultRepair.zh());
    assert!(
        stored.photos[0].name.contains(&service),
        "{}",
        stored.photos[0].name
    );
    // Orders taken before keep their naming.
    let demo = my_orders(&server, &e1).await;
    assert!(
        demo.iter()
            .filter(|o| o.id != wo.id)
            .all(|o| o.naming == PhotoNaming::Standard)
    );
}

#[tokio::test]
async fn plan_machine_and_reason_are_checked_and_reach_the_phone() {
    let server = TestServer::with_demo().await;
    let desk = server.signed_in("dispatcher1").await;
    let e1 = server.signed_in("engineer1").await;
    let mut c = call("2026-12-01T02:00:00Z");
    c["serial"] = json!("");
    let wo = create(&server, &desk, c).await.work_order;
    let cursor = server.sync(&e1, 0).await.cursor;
    let path = |what: &str| format!("/api/work-orders/{}/{what}", wo.id);
    let before = snapshot(&server).await;
    let refusals = [
        (
            "plan",
            json!({"planned_at": "2026-12-01T01:00:00Z"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "planned_before_call",
        ),
        (
            "plan",
            json!({"planned_at": "2026-12-01T05:00:00Z", "companions": ["engineer1"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "companion_is_assignee",
        ),
        (
            "plan",
            json!({"planned_at": "2026-12-01T05:00:00Z", "companions": ["cleaner1"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_an_engineer",
        ),
        (
            "machine",
            json!({"serial": " ", "equipment_model": "EC210D"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "required",
        ),
        (
            "machine",
            json!({"serial": "x".repeat(61), "equipment_model": "EC210D"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
        ),
        (
            "unrepaired-reason",
            json!({"reason": "  "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "required",
        ),
    ];
    for (what, body, status, code) in refusals {
        let r = send(&desk, &server, "PUT", &path(what), body).await;
        assert_error(r, status, code).await;
    }
    let r = send(
        &desk,
        &server,
        "PUT",
        &format!("/api/work-orders/{}/plan", Uuid::new_v4()),
        json!({"planned_at": "2026-12-01T05:00:00Z"}),
    )
    .await;
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(snapshot(&server).await, before, "refusals change nothing");

    // The engineer photographs the "99" order before the desk knows its serial.
    let photo = Photo::jpeg(5);
    server
        .push(&e1, &[photo.add("engineer1", wo.id, "extra")])
        .await;
    let named = server.work_order(&e1, wo.id).await.photos[0].name.clone();

    let planned: WorkOrderDetail = ok(
        send(
            &desk,
            &server,
            "PUT",
            &path("plan"),
            json!({"planned_at": "2026-12-02T01:00:00Z", "companions": []}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        planned.work_order.planned_at.to_rfc3339(),
        "2026-12-02T01:00:00+00:00"
    );
    assert!(planned.work_order.companions.is_empty());
    let fixed: WorkOrderDetail = ok(
        send(
            &desk,
            &server,
            "PUT",
            &path("machine"),
            json!({"serial": "VCEC210DC00312457", "equipment_model": "EC210D"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(fixed.work_order.serial, "VCEC210DC00312457");
    assert_eq!(
        fixed.work_order.photos[0].name, named,
        "a name once given never changes"
    );
    assert!(
        fixed.work_order.repeat_of.is_none(),
        "the demo's order on that machine was called after this one"
    );
    let reason: WorkOrderDetail = ok(
        send(
            &desk,
            &server,
            "PUT",
            &path("unrepaired-reason"),
            json!({"reason": "等配件"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let stamped = reason.work_order.unrepaired_reason.unwrap();
    assert_eq!(
        (stamped.text.as_str(), stamped.by.username.as_str()),
        ("等配件", "dispatcher1")
    );

    let pulled = server.sync(&e1, cursor).await;
    let got = pulled.work_orders.iter().find(|o| o.id == wo.id).unwrap();
    assert_eq!(got.planned_at.to_rfc3339(), "2026-12-02T01:00:00+00:00");
    assert_eq!(got.serial, "VCEC210DC00312457");
    assert_eq!(got.unrepaired_reason.as_ref().unwrap().text, "等配件");
}

#[tokio::test]
async fn departing_is_applied_once_and_the_desk_and_phone_see_it() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await[0].id;
    let op = depart("engineer1", wo, &["李强"]);
    let first = server.push(&e1, std::slice::from_ref(&op)).await;
    assert_eq!(outcomes(&first), vec![(Outcome::Applied, None)]);
    let again = server.push(&e1, std::slice::from_ref(&op)).await;
    assert_eq!(outcomes(&again), vec![(Outcome::Duplicate, None)]);
    let stored = server.work_order(&e1, wo).await;
    assert_eq!(stored.status, StatusNode::Departed);
    assert_eq!(stored.history.len(), 1, "applied once");
    let departure = stored.departure.clone().unwrap();
    assert_eq!(departure.companions, vec!["李强".to_string()]);
    assert_eq!(
        departure.expected_arrival.to_rfc3339(),
        "2026-11-27T13:00:00+00:00"
    );
    // A second departure is a step the status does not allow: refused, and the same on resend.
    let twice = depart("engineer1", wo, &[]);
    let r = server.push(&e1, std::slice::from_ref(&twice)).await;
    assert_eq!(
        outcomes(&r),
        vec![(Outcome::Rejected, Some(RejectCode::InvalidTransition))]
    );
    let r = server.push(&e1, std::slice::from_ref(&twice)).await;
    assert_eq!(
        outcomes(&r),
        vec![(Outcome::Rejected, Some(RejectCode::InvalidTransition))]
    );
    let desk = server.signed_in("dispatcher1").await;
    assert_eq!(detail(&server, &desk, wo).await.work_order, stored);
    assert_eq!(
        my_orders(&server, &e1)
            .await
            .iter()
            .find(|o| o.id == wo)
            .unwrap(),
        &stored
    );
}

/// engineer1's fault-repair order walked to "repaired and left" with a full report, submitted.
pub async fn submitted(server: &TestServer, e1: &Client, wo: &WorkOrder) -> Uuid {
    let mut ops = walk_to_left("engineer1", wo.id);
    let mut first = None;
    for (i, slot) in wo.slots.iter().filter(|s| s.required).enumerate() {
        let photo = Photo::jpeg(i as u8 + 20);
        first.get_or_insert(photo.id);
        ops.push(photo.add("engineer1", wo.id, &slot.key));
    }
    ops.push(save_report("engineer1", wo.id));
    let signature = Photo::signature_png();
    ops.push(signature.add("engineer1", wo.id, "signature"));
    ops.push(sign("engineer1", wo.id, signature.id));
    ops.push(submit("engineer1", wo.id));
    let r = server.push(e1, &ops).await;
    assert!(
        r.results.iter().all(|r| r.outcome == Outcome::Applied),
        "{:?}",
        outcomes(&r)
    );
    first.unwrap_or(signature.id)
}

#[tokio::test]
async fn sent_back_resubmitted_and_closed_with_every_round_kept_then_locked() {
    let server = TestServer::with_demo().await;
    let desk = server.signed_in("dispatcher1").await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1)
        .await
        .into_iter()
        .find(|o| o.service_type == ServiceType::FaultRepair)
        .unwrap();
    let review_path = format!("/api/work-orders/{}/review", wo.id);
    let review = |d: Value| send(&desk, &server, "POST", &review_path, d);

    // Nothing to review yet.
    let before = snapshot(&server).await;
    assert_error(
        review(json!({"decision": "close"})).await,
        StatusCode::CONFLICT,
        "not_submitted",
    )
    .await;
    assert_eq!(snapshot(&server).await, before);

    let photo = submitted(&server, &e1, &wo).await;
    let cursor = server.sync(&e1, 0).await.cursor;
    let before = snapshot(&server).await;
    for (body, status, code) in [
        (
            json!({"decision": "send_back", "items": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_items",
        ),
        (
            json!({"decision": "send_back", "items": [{"item": {"what": "photo", "photo_id": photo}, "reason": " "}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_reason",
        ),
        (
            json!({"decision": "send_back", "items": [{"item": {"what": "photo", "photo_id": Uuid::new_v4()}, "reason": "?"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_photo",
        ),
    ] {
        assert_error(review(body).await, status, code).await;
    }
    let head = server.signed_in("head1").await;
    let r = send(
        &head,
        &server,
        "POST",
        &format!("/api/work-orders/{}/review", wo.id),
        json!({"decision": "close"}),
    )
    .await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(snapshot(&server).await, before);

    let back: WorkOrderDetail = ok(
        review(json!({"decision": "send_back", "items": [
            {"item": {"what": "photo", "photo_id": photo}, "reason": "看不清铭牌"},
            {"item": {"what": "work_done"}, "reason": "写清更换了什么"}
        ]}))
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(back.work_order.report.submitted_at.is_none());
    assert_eq!(back.work_order.open_send_back().map(<[_]>::len), Some(2));
    // The phone gets the send-back at its next sync: what to fix, offline too.
    let pulled = server.sync(&e1, cursor).await;
    let mine = pulled.work_orders.iter().find(|o| o.id == wo.id).unwrap();
    assert_eq!(mine, &back.work_order);
    assert!(
        mine.report_missing()
            .iter()
            .any(|m| matches!(m, fieldbook_model::Missing::Photo { .. }))
    );

    // Resubmitting without the new photo is refused; with it (and the text edited) it goes.
    let slot = back
        .work_order
        .photos
        .iter()
        .find(|p| p.id == photo)
        .unwrap()
        .slot
        .clone();
    let r = server.push(&e1, &[submit("engineer1", wo.id)]).await;
    assert_eq!(
        outcomes(&r),
        vec![(Outcome::Rejected, Some(RejectCode::ReportIncomplete))]
    );
    let retaken = Photo::jpeg(77);
    let r = server
        .push(
            &e1,
            &[
                retaken.add("engineer1", wo.id, &slot),
                save_report("engineer1", wo.id),
                submit("engineer1", wo.id),
            ],
        )
        .await;
    assert!(
        r.results.iter().all(|r| r.outcome == Outcome::Applied),
        "{:?}",
        outcomes(&r)
    );
    let closed: WorkOrderDetail =
        ok(review(json!({"decision": "close"})).await, StatusCode::OK).await;
    let order = &closed.work_order;
    assert!(order.is_closed());
    assert_eq!(order.reviews.len(), 2, "both rounds are kept");
    assert!(matches!(
        order.reviews[0].decision,
        ReviewDecision::SendBack { .. }
    ));
    assert_eq!(order.reviews[1].decision, ReviewDecision::Close);
    assert_eq!(order.closure.as_ref().unwrap().by.username, "dispatcher1");
    let pulled = server.sync(&e1, cursor).await;
    assert!(
        pulled
            .work_orders
            .iter()
            .find(|o| o.id == wo.id)
            .unwrap()
            .is_closed()
    );

    // Locked: every operation and every desk change is refused and changes nothing; a refused
    // operation is answered the same when resent.
    let before = snapshot(&server).await;
    let late = vec![
        save_report("engineer1", wo.id),
        Photo::jpeg(98).add("engineer1", wo.id, "extra"),
        crate::field::correct_hours("engineer1", wo.id, 9),
        submit("engineer1", wo.id),
    ];
    let r = server.push(&e1, &late).await;
    assert_eq!(
        outcomes(&r),
        vec![(Outcome::Rejected, Some(RejectCode::OrderClosed)); 4]
    );
    let r = server.push(&e1, &late).await;
    assert_eq!(
        outcomes(&r),
        vec![(Outcome::Rejected, Some(RejectCode::OrderClosed)); 4]
    );
    // The verdicts are kept, as other refusals for the order's state are.
    let db = server.database().await;
    for op in &late {
        let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM refused_ops WHERE op_id = $1")
            .bind(op["id"].as_str().unwrap())
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(kept, 1, "{op}");
    }
    db.close().await;
    let id = wo.id;
    let edits: Vec<(&str, String, Value)> = vec![
        (
            "PUT",
            format!("/api/work-orders/{id}/plan"),
            json!({"planned_at": "2027-01-01T00:00:00Z"}),
        ),
        (
            "PUT",
            format!("/api/work-orders/{id}/machine"),
            json!({"serial": "X1", "equipment_model": "EC210D"}),
        ),
        (
            "PUT",
            format!("/api/work-orders/{id}/unrepaired-reason"),
            json!({"reason": "x"}),
        ),
        (
            "PUT",
            format!("/api/work-orders/{id}/assignee"),
            json!({"username": "engineer2"}),
        ),
        (
            "POST",
            format!("/api/work-orders/{id}/first-response"),
            json!({"at": Utc::now(), "outcome": "x", "site_confirmed": true, "phone_fix": false}),
        ),
        (
            "POST",
            format!("/api/work-orders/{id}/phone-fix"),
            json!({"resolution": "x"}),
        ),
        (
            "POST",
            format!("/api/work-orders/{id}/review"),
            json!({"decision": "close"}),
        ),
    ];
    for (method, path, body) in edits {
        let r = send(&desk, &server, method, &path, body).await;
        assert_error(r, StatusCode::CONFLICT, "order_closed").await;
    }
    assert_eq!(snapshot(&server).await, before);
}

#[tokio::test]
async fn a_phone_fix_is_closed_by_the_station_head_without_a_signature() {
    let server = TestServer::with_demo().await;
    let head = server.signed_in("head1").await;
    let e1 = server.signed_in("engineer1").await;
    let orders = my_orders(&server, &e1).await;
    let (wo, gone) = (orders[0].id, orders[1].id);
    let path = |id: Uuid, what: &str| format!("/api/work-orders/{id}/{what}");
    let before = snapshot(&server).await;
    for (body, code) in [
        (
            json!({"at": "2020-01-01T00:00:00Z", "outcome": "x", "site_confirmed": true, "phone_fix": true}),
            "invalid_value",
        ),
        (
            json!({"at": Utc::now(), "outcome": " ", "site_confirmed": true, "phone_fix": true}),
            "required",
        ),
    ] {
        let r = send(&head, &server, "POST", &path(wo, "first-response"), body).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, code).await;
    }
    let r = send(
        &head,
        &server,
        "POST",
        &path(wo, "phone-fix"),
        json!({"resolution": "  "}),
    )
    .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "no_resolution").await;
    assert_eq!(snapshot(&server).await, before);

    let responded: WorkOrderDetail = ok(
        send(&head, &server, "POST", &path(wo, "first-response"), json!({"at": Utc::now(), "outcome": "指导客户检查液压油位", "site_confirmed": true, "phone_fix": true})).await,
        StatusCode::OK,
    )
    .await;
    let record = responded.work_order.first_response.unwrap();
    assert_eq!(
        (record.by.username.as_str(), record.by.name.as_str()),
        ("head1", "周站长")
    );
    assert!(record.response.phone_fix);
    let fixed: WorkOrderDetail = ok(
        send(
            &head,
            &server,
            "POST",
            &path(wo, "phone-fix"),
            json!({"resolution": "补加液压油后恢复正常"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let order = &fixed.work_order;
    assert_eq!(order.status, StatusNode::ResolvedByPhone);
    assert_eq!(
        order.history.last().unwrap().node,
        StatusNode::ResolvedByPhone
    );
    assert!(order.is_closed());
    assert_eq!(
        order.closure.as_ref().unwrap().resolution.as_deref(),
        Some("补加液压油后恢复正常")
    );
    assert!(
        order.report.signature.is_none()
            && order.report.waiver.is_none()
            && order.photos.is_empty()
    );
    // The engineer's phone learns it is closed; what it sends after is refused.
    let mine = my_orders(&server, &e1).await;
    assert!(mine.iter().find(|o| o.id == wo).unwrap().is_closed());
    let r = server.push(&e1, &[depart("engineer1", wo, &[])]).await;
    assert_eq!(
        outcomes(&r),
        vec![(Outcome::Rejected, Some(RejectCode::OrderClosed))]
    );

    // Once the engineer has set out, it is not a phone fix.
    server.push(&e1, &[depart("engineer1", gone, &[])]).await;
    let before = snapshot(&server).await;
    let r = send(
        &head,
        &server,
        "POST",
        &path(gone, "phone-fix"),
        json!({"resolution": "x"}),
    )
    .await;
    assert_error(r, StatusCode::CONFLICT, "already_departed").await;
    assert_eq!(snapshot(&server).await, before);
}

#[tokio::test]
async fn a_station_head_sees_and_changes_only_their_station() {
    let server = TestServer::with_demo().await;
    add_user(&server, "engineer3", Role::Engineer, Some("青岛站")).await;
    add_user(&server, "head2", Role::ServiceSupervisor, Some("青岛站")).await;
    let desk = server.signed_in("dispatcher1").await;
    let mut c = call("2026-12-01T02:00:00Z");
    c["assignee"] = json!("engineer3");
    c["companions"] = json!([]);
    let other = create(&server, &desk, c).await.work_order;
    assert_eq!(other.station.as_deref(), Some("青岛站"));
    let head = server.signed_in("head1").await;

    let list: Vec<WorkOrder> = ok(
        head.get(server.url("/api/work-orders"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(list.len(), 9);
    assert!(list.iter().all(|o| o.station.as_deref() == Some("济南站")));
    let changes: OrderChanges = ok(
        head.get(server.url("/api/work-orders?since=0"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(changes.orders.len(), 9);
    let engineers: Vec<EngineerLoad> = ok(
        head.get(server.url("/api/engineers")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    let names: Vec<&str> = engineers
        .iter()
        .map(|e| e.person.username.as_str())
        .collect();
    assert_eq!(names, ["engineer1", "engineer2"]);
    let all: Vec<EngineerLoad> = ok(
        desk.get(server.url("/api/engineers")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(all.len(), 3);

    let before = snapshot(&server).await;
    let r = head
        .get(server.url(&format!("/api/work-orders/{}", other.id)))
        .send()
        .await
        .unwrap();
    // Another station's order answers as an unknown one.
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let id = other.id;
    for (method, path, body) in [
        (
            "PUT",
            format!("/api/work-orders/{id}/plan"),
            json!({"planned_at": "2027-01-01T00:00:00Z"}),
        ),
        (
            "PUT",
            format!("/api/work-orders/{id}/assignee"),
            json!({"username": "engineer1"}),
        ),
        (
            "POST",
            format!("/api/work-orders/{id}/first-response"),
            json!({"at": Utc::now(), "outcome": "x", "site_confirmed": true, "phone_fix": false}),
        ),
        (
            "POST",
            format!("/api/work-orders/{id}/phone-fix"),
            json!({"resolution": "x"}),
        ),
    ] {
        let r = send(&head, &server, method, &path, body).await;
        assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    }
    // Within the station, not beyond it: no engineer of another station, as assignee or companion.
    let mine = list[0].id;
    let r = send(
        &head,
        &server,
        "PUT",
        &format!("/api/work-orders/{mine}/assignee"),
        json!({"username": "engineer3"}),
    )
    .await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    let r = send(
        &head,
        &server,
        "PUT",
        &format!("/api/work-orders/{mine}/plan"),
        json!({"planned_at": "2027-01-01T00:00:00Z", "companions": ["engineer3"]}),
    )
    .await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(snapshot(&server).await, before);

    // The dispatcher moves an order to the other station: it leaves head1's list for head2's.
    let moved: WorkOrderDetail = ok(
        send(
            &desk,
            &server,
            "PUT",
            &format!("/api/work-orders/{mine}/assignee"),
            json!({"username": "engineer3"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(moved.work_order.station.as_deref(), Some("青岛站"));
    assert!(
        moved.work_order.companions.is_empty()
            || moved
                .work_order
                .companions
                .iter()
                .all(|p| p.username != "engineer3")
    );
    let list: Vec<WorkOrder> = ok(
        head.get(server.url("/api/work-orders"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(list.len(), 8);
    let head2 = server.signed_in("head2").await;
    let list: Vec<WorkOrder> = ok(
        head2
            .get(server.url("/api/work-orders"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(list.len(), 2);
    // And head1 plans their own with their own engineers.
    let own = ok::<WorkOrderDetail>(
        send(
            &head,
            &server,
            "PUT",
            &format!("/api/work-orders/{}/plan", list_of(&server, &head).await[0]),
            json!({"planned_at": "2027-01-01T00:00:00Z", "companions": ["engineer2"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        own.work_order
            .companions
            .iter()
            .any(|p| p.username == "engineer2")
            || own.work_order.assignee == "engineer2"
    );
}

async fn list_of(server: &TestServer, client: &Client) -> Vec<Uuid> {
    let list: Vec<WorkOrder> = ok(
        client
            .get(server.url("/api/work-orders"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    list.into_iter()
        .filter(|o| o.assignee == "engineer1")
        .map(|o| o.id)
        .collect()
}

#[tokio::test]
async fn polling_since_n_returns_only_what_changed() {
    let server = TestServer::with_demo().await;
    let desk = server.signed_in("dispatcher1").await;
    let poll = |since: i64| {
        let desk = desk.clone();
        let url = server.url(&format!("/api/work-orders?since={since}"));
        async move { ok::<OrderChanges>(desk.get(url).send().await.unwrap(), StatusCode::OK).await }
    };
    let all = poll(0).await;
    assert_eq!(all.orders.len(), 9);
    let quiet = poll(all.seq).await;
    assert!(quiet.orders.is_empty());
    assert_eq!(quiet.seq, all.seq);
    // An engineer's operation and a desk change: each order once, in the order they changed.
    let e1 = server.signed_in("engineer1").await;
    let mine = my_orders(&server, &e1).await;
    server
        .push(&e1, &[depart("engineer1", mine[2].id, &[])])
        .await;
    send(
        &desk,
        &server,
        "PUT",
        &format!("/api/work-orders/{}/plan", mine[4].id),
        json!({"planned_at": "2027-01-01T00:00:00Z"}),
    )
    .await;
    let changed = poll(all.seq).await;
    let ids: Vec<Uuid> = changed.orders.iter().map(|o| o.id).collect();
    assert_eq!(ids, [mine[2].id, mine[4].id]);
    assert_eq!(changed.orders[0].status, StatusNode::Departed);
    assert!(changed.seq > all.seq);
    assert!(poll(changed.seq).await.orders.is_empty());
    let r = desk
        .get(server.url("/api/work-orders?since=-1"))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "bad_query").await;
}

#[tokio::test]
async fn the_engineers_load_counts_open_orders_and_today() {
    let server = TestServer::with_demo().await;
    let desk = server.signed_in("dispatcher1").await;
    let mut c = call(&(Utc::now() - Duration::hours(1)).to_rfc3339());
    c["planned_at"] = json!(Utc::now().to_rfc3339());
    c["assignee"] = json!("engineer2");
    c["companions"] = json!([]);
    create(&server, &desk, c).await;
    let load: Vec<EngineerLoad> = ok(
        desk.get(server.url("/api/engineers")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    let e2 = load
        .iter()
        .find(|e| e.person.username == "engineer2")
        .unwrap();
    assert_eq!(e2.open_orders, 3);
    assert!(e2.today >= 1);
    assert_eq!(e2.person.name, "李强");
    assert_eq!(e2.station.as_deref(), Some("济南站"));
    let e1 = load
        .iter()
        .find(|e| e.person.username == "engineer1")
        .unwrap();
    assert_eq!(e1.open_orders, 6);
}

#[tokio::test]
async fn held_work_is_applied_through_the_model_or_dismissed_and_the_decision_kept() {
    let server = TestServer::with_demo().await;
    let desk = server.signed_in("dispatcher1").await;
    let e1 = server.signed_in("engineer1").await;
    let mine = my_orders(&server, &e1).await;
    let wo = mine[0].id;
    // The order goes to engineer2 while engineer1, offline, sets out and takes a photo.
    send(
        &desk,
        &server,
        "PUT",
        &format!("/api/work-orders/{wo}/assignee"),
        json!({"username": "engineer2"}),
    )
    .await;
    let left = depart("engineer1", wo, &["王五"]);
    let photo = Photo::jpeg(40);
    let photo_op = photo.add("engineer1", wo, "extra");
    let r = server.push(&e1, &[left.clone(), photo_op.clone()]).await;
    assert_eq!(
        outcomes(&r),
        vec![(Outcome::Rejected, Some(RejectCode::Reassigned)); 2]
    );
    let held = detail(&server, &desk, wo).await.held.unwrap();
    assert_eq!(held.len(), 2);
    assert!(held.iter().all(|h| h.settled.is_none()));
    let (left_id, photo_id) = (held[0].op.id, held[1].op.id);
    let path = |op: Uuid| format!("/api/work-orders/{wo}/held/{op}");

    let before = snapshot(&server).await;
    let head = server.signed_in("head1").await;
    let r = send(
        &head,
        &server,
        "POST",
        &path(left_id),
        json!({"decision": "apply"}),
    )
    .await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    let r = send(
        &desk,
        &server,
        "POST",
        &path(Uuid::new_v4()),
        json!({"decision": "apply"}),
    )
    .await;
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let r = send(
        &desk,
        &server,
        "POST",
        &path(photo_id),
        json!({"decision": "dismiss", "reason": " "}),
    )
    .await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "bad_reason").await;
    assert_eq!(snapshot(&server).await, before);

    let applied: WorkOrderDetail = ok(
        send(
            &desk,
            &server,
            "POST",
            &path(left_id),
            json!({"decision": "apply"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(applied.work_order.status, StatusNode::Departed);
    assert_eq!(applied.work_order.history.len(), 1);
    assert_eq!(applied.work_order.history[0].op_id, left_id);
    assert_eq!(
        applied.work_order.departure.as_ref().unwrap().companions,
        vec!["王五".to_string()]
    );
    let held = applied.held.unwrap();
    let settled = held[0].settled.as_ref().unwrap();
    assert_eq!(
        (&settled.decision, settled.by.username.as_str()),
        (&HeldDecision::Apply, "dispatcher1")
    );
    // Settled once.
    let before = snapshot(&server).await;
    let r = send(
        &desk,
        &server,
        "POST",
        &path(left_id),
        json!({"decision": "dismiss", "reason": "x"}),
    )
    .await;
    assert_error(r, StatusCode::CONFLICT, "already_settled").await;
    assert_eq!(snapshot(&server).await, before);

    let dismissed: WorkOrderDetail = ok(
        send(
            &desk,
            &server,
            "POST",
            &path(photo_id),
            json!({"decision": "dismiss", "reason": "照片重拍了"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        dismissed.work_order.photos.is_empty(),
        "a dismissed photo stays out"
    );
    assert_eq!(
        dismissed.held.unwrap()[1]
            .settled
            .as_ref()
            .unwrap()
            .decision,
        HeldDecision::Dismiss {
            reason: "照片重拍了".into()
        }
    );
    // engineer2's phone pulls the departure; engineer1's resends are answered as before.
    let e2 = server.signed_in("engineer2").await;
    let theirs = my_orders(&server, &e2).await;
    assert_eq!(
        theirs.iter().find(|o| o.id == wo).unwrap().status,
        StatusNode::Departed
    );
    let r = server.push(&e1, &[left, photo_op]).await;
    assert_eq!(
        outcomes(&r),
        vec![(Outcome::Rejected, Some(RejectCode::Reassigned)); 2]
    );

    // A held step the order no longer allows is refused by the model, and stays undecided.
    let second = depart("engineer1", wo, &[]);
    server.push(&e1, std::slice::from_ref(&second)).await;
    let id: Uuid = serde_json::from_value(second["id"].clone()).unwrap();
    let before = snapshot(&server).await;
    let r = send(
        &desk,
        &server,
        "POST",
        &path(id),
        json!({"decision": "apply"}),
    )
    .await;
    assert_error(r, StatusCode::CONFLICT, "held_refused").await;
    assert_eq!(snapshot(&server).await, before);
}

#[tokio::test]
async fn field_staff_reach_no_desk_endpoint() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await[0].id;
    let before = snapshot(&server).await;
    for who in ["engineer1", "cleaner1", "supervisor1"] {
        let client = server.signed_in(who).await;
        for (method, path, body) in [
            (
                "POST",
                "/api/work-orders".to_string(),
                call("2026-12-01T02:00:00Z"),
            ),
            (
                "PUT",
                format!("/api/work-orders/{wo}/plan"),
                json!({"planned_at": "2027-01-01T00:00:00Z"}),
            ),
            (
                "PUT",
                format!("/api/work-orders/{wo}/machine"),
                json!({"serial": "X", "equipment_model": "Y"}),
            ),
            (
                "PUT",
                format!("/api/work-orders/{wo}/unrepaired-reason"),
                json!({"reason": "x"}),
            ),
            (
                "PUT",
                format!("/api/work-orders/{wo}/assignee"),
                json!({"username": "engineer2"}),
            ),
            (
                "POST",
                format!("/api/work-orders/{wo}/first-response"),
                json!({"at": Utc::now(), "outcome": "x", "site_confirmed": true, "phone_fix": false}),
            ),
            (
                "POST",
                format!("/api/work-orders/{wo}/phone-fix"),
                json!({"resolution": "x"}),
            ),
            (
                "POST",
                format!("/api/work-orders/{wo}/review"),
                json!({"decision": "close"}),
            ),
            (
                "POST",
                format!("/api/work-orders/{wo}/held/{}", Uuid::new_v4()),
                json!({"decision": "apply"}),
            ),
            (
                "PUT",
                "/api/settings".to_string(),
                json!({"ticket_rule": "A{n:2}", "photo_naming": "standard"}),
            ),
        ] {
            let r = send(&client, &server, method, &path, body).await;
            assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
        }
        for path in [
            "/api/engineers",
            "/api/settings",
            "/api/work-orders/next-ticket",
        ] {
            let r = client.get(server.url(path)).send().await.unwrap();
            assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
        }
    }
    assert_eq!(snapshot(&server).await, before);
}

/// Two phones of engineer1 save different report texts apart; each reaches the server first in
/// turn. Both texts are kept, the later save shown, on the phone and at the desk; the order is
/// not closed while they disagree; a dispatcher keeps one text, once.
#[tokio::test]
async fn two_phones_saving_a_report_apart_keep_both_texts_until_the_desk_keeps_one() {
    const PHONE_1: &str = "00000000-0000-4000-8000-0000000000a1";
    const PHONE_2: &str = "00000000-0000-4000-8000-0000000000a2";
    let mut shown = Vec::new();
    for phone_1_first in [true, false] {
        let server = TestServer::with_demo().await;
        let desk = server.signed_in("dispatcher1").await;
        let e1 = server.signed_in("engineer1").await;
        let wo = my_orders(&server, &e1)
            .await
            .into_iter()
            .find(|o| o.service_type == ServiceType::FaultRepair)
            .unwrap();
        let mut ops = walk_to_left("engineer1", wo.id);
        for (i, slot) in wo.slots.iter().filter(|s| s.required).enumerate() {
            ops.push(Photo::jpeg(i as u8 + 40).add("engineer1", wo.id, &slot.key));
        }
        let signature = Photo::signature_png();
        ops.push(signature.add("engineer1", wo.id, "signature"));
        ops.push(sign("engineer1", wo.id, signature.id));
        let r = server.push(&e1, &ops).await;
        assert!(r.results.iter().all(|r| r.outcome == Outcome::Applied));
        let on = |device: &str, time: &str, work: &str| {
            let mut save = save_report("engineer1", wo.id);
            save["device_id"] = device.into();
            save["device_time"] = time.into();
            save["kind"]["work_done"] = work.into();
            save
        };
        let one = on(PHONE_1, "2026-11-27T05:00:00Z", "更换油管");
        let two = on(PHONE_2, "2026-11-27T05:05:00Z", "更换油管和滤芯");
        let order = if phone_1_first {
            [one, two]
        } else {
            [two, one]
        };
        for save in order {
            let r = server.push(&e1, &[save]).await;
            assert_eq!(r.results[0].outcome, Outcome::Applied);
        }
        let r = server.push(&e1, &[submit("engineer1", wo.id)]).await;
        assert_eq!(r.results[0].outcome, Outcome::Applied);
        let on_phone = my_orders(&server, &e1)
            .await
            .into_iter()
            .find(|o| o.id == wo.id)
            .unwrap();
        let at_desk = detail(&server, &desk, wo.id).await.work_order;
        for seen in [&on_phone, &at_desk] {
            assert_eq!(
                seen.report.work_done, "更换油管和滤芯",
                "the later save shows"
            );
            let other = seen.report.conflict.as_ref().expect("both texts kept");
            assert_eq!(other.work_done, "更换油管");
            assert_eq!(other.stamp.as_ref().unwrap().device.to_string(), PHONE_1);
        }
        let other = at_desk.report.conflict.clone().unwrap();
        let stamp = other.stamp.clone().unwrap();
        shown.push((at_desk.report.text(), other.text(), stamp.device, stamp.at));

        let review = format!("/api/work-orders/{}/review", wo.id);
        let settle = format!("/api/work-orders/{}/report-conflict", wo.id);
        let keep = json!({"keep_device": PHONE_1});
        let before = snapshot(&server).await;
        let close = json!({"decision": "close"});
        let r = send(&desk, &server, "POST", &review, close.clone()).await;
        assert_error(r, StatusCode::CONFLICT, "report_in_conflict").await;
        for who in ["head1", "engineer1"] {
            let client = server.signed_in(who).await;
            let r = send(&client, &server, "POST", &settle, keep.clone()).await;
            assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
        }
        let r = send(
            &desk,
            &server,
            "POST",
            &settle,
            json!({"keep_device": Uuid::new_v4()}),
        )
        .await;
        assert_error(r, StatusCode::CONFLICT, "no_conflict").await;
        assert_eq!(snapshot(&server).await, before, "refusals change nothing");

        let kept: WorkOrderDetail = ok(
            send(&desk, &server, "POST", &settle, keep.clone()).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(kept.work_order.report.work_done, "更换油管");
        assert!(kept.work_order.report.conflict.is_none());
        let r = send(&desk, &server, "POST", &settle, keep).await;
        assert_error(r, StatusCode::CONFLICT, "no_conflict").await;
        let on_phone = my_orders(&server, &e1)
            .await
            .into_iter()
            .find(|o| o.id == wo.id)
            .unwrap();
        assert_eq!(
            on_phone.report.work_done, "更换油管",
            "the phone gets the kept text"
        );
        let _: WorkOrderDetail = ok(
            send(&desk, &server, "POST", &review, close).await,
            StatusCode::OK,
        )
        .await;
    }
    assert_eq!(
        shown[0], shown[1],
        "the same report whichever phone arrived first"
    );
}
