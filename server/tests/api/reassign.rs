//! A work order reassigned while its engineer was offline: the office reassigns, syncs follow,
//! and what the first engineer did meanwhile is kept for the office, never lost.

use fieldbook_model::{OpsResponse, Outcome, RejectCode, StatusNode, WorkOrderDetail};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{DEMO_SEQ, TestServer, assert_error, my_orders, set_status};

async fn reassign(
    server: &TestServer,
    client: &Client,
    order: Uuid,
    to: &str,
) -> reqwest::Response {
    client
        .put(server.url(&format!("/api/work-orders/{order}/assignee")))
        .json(&json!({ "username": to }))
        .send()
        .await
        .unwrap()
}

async fn detail(server: &TestServer, client: &Client, order: Uuid) -> WorkOrderDetail {
    let r = client
        .get(server.url(&format!("/api/work-orders/{order}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn outcomes(response: &OpsResponse) -> Vec<(Outcome, Option<RejectCode>)> {
    response
        .results
        .iter()
        .map(|r| (r.outcome, r.code))
        .collect()
}

#[tokio::test]
async fn only_a_dispatcher_reassigns_and_mistakes_change_nothing() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let order = my_orders(&server, &e1).await[0].id;
    for who in ["engineer1", "cleaner1", "supervisor1"] {
        let client = server.signed_in(who).await;
        let r = reassign(&server, &client, order, "engineer2").await;
        assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let r = reassign(&server, &server.client(), order, "engineer2").await;
    assert_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;

    let office = server.signed_in("dispatcher1").await;
    let r = reassign(&server, &office, Uuid::new_v4(), "engineer2").await;
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let r = office
        .put(server.url("/api/work-orders/BX-1/assignee"))
        .json(&json!({"username": "engineer2"}))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "bad_id").await;
    let r = reassign(&server, &office, order, "nobody").await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "unknown_user").await;
    for not_engineer in ["cleaner1", "supervisor1", "dispatcher1"] {
        let r = reassign(&server, &office, order, not_engineer).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "not_an_engineer").await;
    }
    let r = office
        .put(server.url(&format!("/api/work-orders/{order}/assignee")))
        .json(&json!({"user": "engineer2"}))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "bad_json").await;

    let after = server.sync(&e1, 0).await;
    server.assert_no_change_numbered(DEMO_SEQ, after.cursor);
    assert!(
        after
            .work_orders
            .iter()
            .all(|wo| wo.assignee == "engineer1")
    );
    assert_eq!(after.work_orders.len(), 6);

    // Giving it to the engineer who has it is a no-op, not a change.
    let r = reassign(&server, &office, order, "engineer1").await;
    assert_eq!(r.status(), StatusCode::OK);
    server.assert_no_change_numbered(DEMO_SEQ, server.sync(&e1, 0).await.cursor);
}

#[tokio::test]
async fn a_reassigned_order_leaves_one_sync_and_joins_the_other() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let e2 = server.signed_in("engineer2").await;
    let office = server.signed_in("dispatcher1").await;
    let first = server.sync(&e1, 0).await;
    let theirs = server.sync(&e2, 0).await;
    let order = first.work_orders[0].id;

    let r = reassign(&server, &office, order, "engineer2").await;
    assert_eq!(r.status(), StatusCode::OK);
    let answer: WorkOrderDetail = r.json().await.unwrap();
    assert_eq!(answer.work_order.assignee, "engineer2");
    assert_eq!(
        answer.work_order.seq,
        first.cursor + 1,
        "one new sequence value"
    );
    assert_eq!(answer.held, Some(vec![]));

    let e1_next = server.sync(&e1, first.cursor).await;
    assert_eq!(e1_next.removed, vec![order]);
    assert!(e1_next.work_orders.is_empty());
    assert_eq!(e1_next.cursor, first.cursor + 1);
    assert!(server.sync(&e1, e1_next.cursor).await.removed.is_empty());
    let r = e1
        .get(server.url(&format!("/api/work-orders/{order}")))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;

    let e2_next = server.sync(&e2, theirs.cursor).await;
    assert!(e2_next.removed.is_empty());
    assert_eq!(e2_next.work_orders.len(), 1);
    assert_eq!(e2_next.work_orders[0].id, order);
    assert_eq!(e2_next.work_orders[0].assignee, "engineer2");
    // Their two demo orders, the closed warranty order, and this one.
    assert_eq!(server.sync(&e2, 0).await.work_orders.len(), 4);

    // Back to engineer1: a change for them again, and removed for engineer2.
    assert_eq!(
        reassign(&server, &office, order, "engineer1")
            .await
            .status(),
        StatusCode::OK
    );
    let e1_back = server.sync(&e1, e1_next.cursor).await;
    assert!(e1_back.removed.is_empty());
    assert_eq!(e1_back.work_orders.len(), 1);
    assert_eq!(e1_back.work_orders[0].assignee, "engineer1");
    assert_eq!(server.sync(&e2, e2_next.cursor).await.removed, vec![order]);
}

#[tokio::test]
async fn work_done_on_an_order_taken_away_is_held_for_the_office() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let office = server.signed_in("dispatcher1").await;
    let orders = my_orders(&server, &e1).await;
    let (taken, kept) = (orders[0].id, orders[1].id);
    // engineer1 is offline and works the order while the office gives it to engineer2.
    let offline = vec![
        set_status("engineer1", taken, "departed"),
        set_status("engineer1", taken, "arrived"),
        set_status("engineer1", kept, "departed"),
    ];
    assert_eq!(
        reassign(&server, &office, taken, "engineer2")
            .await
            .status(),
        StatusCode::OK
    );

    let first = server.push(&e1, &offline).await;
    assert_eq!(
        outcomes(&first),
        vec![
            (Outcome::Rejected, Some(RejectCode::Reassigned)),
            (Outcome::Rejected, Some(RejectCode::Reassigned)),
            (Outcome::Applied, None),
        ]
    );
    assert_eq!(
        first.results[0].reason.as_deref(),
        Some(RejectCode::Reassigned.to_string().as_str())
    );

    // The resend (answer lost, say) is answered the same, and held once.
    let again = server.push(&e1, &offline).await;
    assert_eq!(outcomes(&again)[..2], outcomes(&first)[..2]);
    assert_eq!(again.results[..2], first.results[..2]);
    assert_eq!(outcomes(&again)[2], (Outcome::Duplicate, None));

    for reader in ["dispatcher1", "supervisor1"] {
        let client = server.signed_in(reader).await;
        let seen = detail(&server, &client, taken).await;
        assert_eq!(
            seen.work_order.status,
            StatusNode::Dispatched,
            "not applied"
        );
        assert!(seen.work_order.history.is_empty());
        let held = seen.held.expect("the office sees held work");
        let ids: Vec<Value> = held.iter().map(|h| json!(h.op.id)).collect();
        assert_eq!(
            ids,
            vec![offline[0]["id"].clone(), offline[1]["id"].clone()]
        );
        assert!(held.iter().all(|h| h.code == RejectCode::Reassigned));
        assert!(held.iter().all(|h| h.op.user == "engineer1"));
    }
    let pool = server.database().await;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM held_ops")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 2, "held once, not twice");

    // The new assignee does not see others' held work, and goes on from the order's real state.
    let e2 = server.signed_in("engineer2").await;
    let theirs = detail(&server, &e2, taken).await;
    assert_eq!(theirs.held, None);
    let r = e2
        .get(server.url(&format!("/api/work-orders/{taken}")))
        .send()
        .await
        .unwrap();
    let raw: Value = r.json().await.unwrap();
    assert!(raw.get("held").is_none(), "{raw}");
    let applied = server
        .push(&e2, &[set_status("engineer2", taken, "departed")])
        .await;
    assert_eq!(outcomes(&applied), vec![(Outcome::Applied, None)]);
}

#[tokio::test]
async fn a_never_assigned_users_op_is_refused_and_not_kept() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let e2 = server.signed_in("engineer2").await;
    let office = server.signed_in("dispatcher1").await;
    let order = my_orders(&server, &e1).await[0].id;
    let op = set_status("engineer2", order, "departed");
    for _ in 0..2 {
        let r = server.push(&e2, std::slice::from_ref(&op)).await;
        assert_eq!(
            outcomes(&r),
            vec![(Outcome::Rejected, Some(RejectCode::NotAssigned))]
        );
    }
    let seen = detail(&server, &office, order).await;
    assert_eq!(seen.held, Some(vec![]));
    assert!(seen.work_order.history.is_empty());
    let pool = server.database().await;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM held_ops")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}
