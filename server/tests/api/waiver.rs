//! The signature waiver (免签, issue 16) over real HTTP: the engineer asks with a reason (an old
//! phone's queued operation with a typed supervisor's name too), submits with the request
//! pending, the station head of the order's station (or a manager) approves or refuses it once,
//! the phone reads the answer at its next sync, and a refusal lets the customer sign after all.

use fieldbook_model::{Missing, Outcome, Role, ServiceType, WorkOrder, WorkOrderDetail};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::desk::send;
use crate::field::{Photo, op, save_report, sign, submit, walk_to_left};
use crate::harness::{TestServer, assert_error, desk_orders, my_orders};
use crate::team::add_user;

/// A waiver request as a phone queued it before requests existed: with the typed `by`.
fn old_waiver(work_order: Uuid, reason: &str) -> Value {
    op(
        "engineer1",
        json!({"type": "waive_signature", "work_order_id": work_order, "by": "周主管", "reason": reason}),
    )
}

pub(crate) fn waiver(work_order: Uuid, reason: &str) -> Value {
    op(
        "engineer1",
        json!({"type": "waive_signature", "work_order_id": work_order, "reason": reason}),
    )
}

/// engineer1's order walked to "repaired and left", its photos and report, a waiver asked
/// instead of the signature (`first`), and submitted: every operation applied.
async fn submitted_unsigned(server: &TestServer, e1: &Client, wo: &WorkOrder, first: Value) {
    let mut ops = walk_to_left("engineer1", wo.id);
    for (i, slot) in wo.slots.iter().filter(|s| s.required).enumerate() {
        ops.push(Photo::jpeg(i as u8 + 40).add("engineer1", wo.id, &slot.key));
    }
    ops.push(save_report("engineer1", wo.id));
    ops.push(first);
    ops.push(submit("engineer1", wo.id));
    let r = server.push(e1, &ops).await;
    assert!(
        r.results.iter().all(|r| r.outcome == Outcome::Applied),
        "{:?}",
        r.results
    );
}

pub(crate) async fn answer(
    server: &TestServer,
    client: &Client,
    wo: Uuid,
    body: Value,
) -> reqwest::Response {
    send(
        client,
        server,
        "POST",
        &format!("/api/work-orders/{wo}/waiver"),
        body,
    )
    .await
}

fn mine(orders: &[WorkOrder], id: Uuid) -> &WorkOrder {
    orders.iter().find(|o| o.id == id).unwrap()
}

#[tokio::test]
async fn the_station_head_refuses_once_and_the_phone_asks_for_the_signature_again() {
    let server = TestServer::with_demo().await;
    add_user(&server, "head2", Role::ServiceSupervisor, Some("青岛站")).await;
    let e1 = server.signed_in("engineer1").await;
    let head1 = server.signed_in("head1").await;
    let orders = my_orders(&server, &e1).await;
    let wo = orders
        .iter()
        .find(|o| o.service_type == ServiceType::FaultRepair)
        .unwrap();
    // Queued by an old phone: the typed name is ignored, it is a request.
    submitted_unsigned(&server, &e1, wo, old_waiver(wo.id, "客户不在现场")).await;
    let cursor = server.sync(&e1, 0).await.cursor;

    // The head's desk list shows it waiting.
    let list = desk_orders(&server, &head1).await;
    let waiting = mine(&list, wo.id);
    assert!(waiting.waiver_waiting());
    assert_eq!(
        waiting.report.waiver.as_ref().unwrap().reason,
        "客户不在现场"
    );
    assert!(waiting.report.submitted_at.is_some());

    // Not theirs to answer: the engineer and the 400 desk (403), another station's head (404
    // as an unknown order), an unknown order.
    let refuse = json!({"approve": false, "reason": "请客户补签"});
    for (who, status, code) in [
        ("engineer1", StatusCode::FORBIDDEN, "forbidden"),
        ("dispatcher1", StatusCode::FORBIDDEN, "forbidden"),
        ("head2", StatusCode::NOT_FOUND, "not_found"),
    ] {
        let client = server.signed_in(who).await;
        assert_error(
            answer(&server, &client, wo.id, refuse.clone()).await,
            status,
            code,
        )
        .await;
    }
    assert_error(
        answer(&server, &head1, Uuid::new_v4(), refuse.clone()).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // A refusal needs its reason.
    assert_error(
        answer(
            &server,
            &head1,
            wo.id,
            json!({"approve": false, "reason": " "}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_reason",
    )
    .await;
    assert!(mine(&my_orders(&server, &e1).await, wo.id).waiver_waiting());

    let r = answer(&server, &head1, wo.id, refuse.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let detail: WorkOrderDetail = r.json().await.unwrap();
    let decision = detail
        .work_order
        .report
        .waiver
        .clone()
        .unwrap()
        .decision
        .unwrap();
    assert!(!decision.approved);
    assert_eq!(
        (decision.by.username.as_str(), decision.by.name.as_str()),
        ("head1", "周站长")
    );
    assert_eq!(decision.reason, "请客户补签");
    // Answered once.
    assert_error(
        answer(&server, &head1, wo.id, json!({"approve": true})).await,
        StatusCode::CONFLICT,
        "already_decided",
    )
    .await;

    // The phone's next pull brings the refusal: the signature is missing again.
    let pulled = server.sync(&e1, cursor).await;
    let got = mine(&pulled.work_orders, wo.id);
    assert!(got.report.waiver.as_ref().unwrap().refused());
    assert!(got.report_missing().contains(&Missing::Signature));

    // The customer signs after all, on the submitted report: the request goes.
    let signature = Photo::signature_png();
    let r = server
        .push(
            &e1,
            &[
                signature.add("engineer1", wo.id, "signature"),
                sign("engineer1", wo.id, signature.id),
            ],
        )
        .await;
    assert!(
        r.results.iter().all(|r| r.outcome == Outcome::Applied),
        "{:?}",
        r.results
    );
    let signed = mine(&my_orders(&server, &e1).await, wo.id).clone();
    assert!(signed.report.signature.is_some() && signed.report.waiver.is_none());
    assert!(signed.report.submitted_at.is_some());
    assert_error(
        answer(&server, &head1, wo.id, json!({"approve": true})).await,
        StatusCode::NOT_FOUND,
        "no_waiver_request",
    )
    .await;
}

#[tokio::test]
async fn a_manager_may_approve_and_an_approved_waiver_is_not_asked_over() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let manager = server.signed_in("manager1").await;
    let wo = my_orders(&server, &e1).await[0].id;
    // Asked before the report is done (no submission needed to ask).
    let r = server.push(&e1, &[waiver(wo, "设备在无人值守场地")]).await;
    assert_eq!(r.results[0].outcome, Outcome::Applied, "{:?}", r.results);

    let r = answer(&server, &manager, wo, json!({"approve": true})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let pulled = mine(&my_orders(&server, &e1).await, wo).clone();
    let w = pulled.report.waiver.unwrap();
    assert!(w.approved());
    assert_eq!(w.decision.unwrap().by.username, "manager1");

    let r = server.push(&e1, &[waiver(wo, "再次申请")]).await;
    assert_eq!(r.results[0].outcome, Outcome::Rejected, "{:?}", r.results);
}

#[tokio::test]
async fn the_desk_may_close_before_the_station_head_answers() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let head1 = server.signed_in("head1").await;
    let desk = server.signed_in("dispatcher1").await;
    let orders = my_orders(&server, &e1).await;
    let wo = orders
        .iter()
        .find(|o| o.service_type == ServiceType::FaultRepair)
        .unwrap();
    submitted_unsigned(&server, &e1, wo, waiver(wo.id, "客户不在现场")).await;
    let r = send(
        &desk,
        &server,
        "POST",
        &format!("/api/work-orders/{}/review", wo.id),
        json!({"decision": "close"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);

    // Closed, the request still waits for the head, who answers it; it is answered once.
    let list = desk_orders(&server, &head1).await;
    let closed = mine(&list, wo.id);
    assert!(closed.is_closed() && closed.waiver_waiting());
    let r = answer(&server, &head1, wo.id, json!({"approve": true})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let detail: WorkOrderDetail = r.json().await.unwrap();
    assert!(detail.work_order.report.waiver.as_ref().unwrap().approved());
    assert_error(
        answer(
            &server,
            &head1,
            wo.id,
            json!({"approve": false, "reason": "补签"}),
        )
        .await,
        StatusCode::CONFLICT,
        "already_decided",
    )
    .await;
}
