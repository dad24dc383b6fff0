use fieldbook_model::{OpsResponse, Outcome, RejectCode, StatusNode};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{DEMO_SEQ, TestServer, assert_error, my_orders, set_status, set_status_at};

fn outcomes(response: &OpsResponse) -> Vec<(Outcome, Option<RejectCode>)> {
    response
        .results
        .iter()
        .map(|r| (r.outcome, r.code))
        .collect()
}

#[tokio::test]
async fn a_resent_batch_is_duplicate_and_changes_nothing() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let orders = my_orders(&server, &e1).await;
    let (a, b) = (orders[0].id, orders[1].id);
    let batch = vec![
        set_status("engineer1", a, "departed"),
        set_status("engineer1", a, "arrived"),
        set_status("engineer1", b, "resolved_by_phone"),
    ];
    let first = server.push(&e1, &batch).await;
    assert_eq!(outcomes(&first), vec![(Outcome::Applied, None); 3]);
    for (result, op) in first.results.iter().zip(&batch) {
        assert_eq!(result.id.to_string(), op["id"].as_str().unwrap());
        assert_eq!(result.reason, None);
    }
    let cursor = server.sync(&e1, 0).await.cursor;

    let again = server.push(&e1, &batch).await;
    assert_eq!(outcomes(&again), vec![(Outcome::Duplicate, None); 3]);
    let ids: Vec<Uuid> = again.results.iter().map(|r| r.id).collect();
    assert_eq!(ids, first.results.iter().map(|r| r.id).collect::<Vec<_>>());

    let wo = server.work_order(&e1, a).await;
    assert_eq!(wo.status, StatusNode::Arrived);
    assert_eq!(wo.history.len(), 2, "the resend did not grow the history");
    assert_eq!(server.work_order(&e1, b).await.history.len(), 1);
    assert_eq!(
        server.sync(&e1, 0).await.cursor,
        cursor,
        "no sequence value taken"
    );

    // Raw JSON of the duplicate answer: outcome only, no code or reason.
    let r = server.post_ops(&e1, &json!({"ops": [batch[0]]})).await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body,
        json!({"results": [{"id": batch[0]["id"], "outcome": "duplicate"}]})
    );
}

#[tokio::test]
async fn a_poison_op_is_rejected_and_the_rest_go_on() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let e2 = server.signed_in("engineer2").await;
    let mine = my_orders(&server, &e1).await;
    let theirs = my_orders(&server, &e2).await;
    let mut unknown_kind = set_status("engineer1", mine[3].id, "departed");
    unknown_kind["kind"] = json!({"type": "format_disk"});
    let mut bad_field = set_status("engineer1", mine[3].id, "departed");
    bad_field["device_time"] = json!("yesterday");
    let batch = vec![
        set_status("engineer1", mine[0].id, "departed"),
        set_status("engineer1", mine[1].id, "arrived"),
        set_status("engineer1", theirs[0].id, "departed"),
        unknown_kind,
        bad_field,
        set_status("engineer1", Uuid::new_v4(), "departed"),
        set_status("engineer1", mine[2].id, "departed"),
    ];
    let response = server.push(&e1, &batch).await;
    assert_eq!(
        outcomes(&response),
        vec![
            (Outcome::Applied, None),
            (Outcome::Rejected, Some(RejectCode::InvalidTransition)),
            (Outcome::Rejected, Some(RejectCode::NotAssigned)),
            (Outcome::Rejected, Some(RejectCode::Malformed)),
            (Outcome::Rejected, Some(RejectCode::Malformed)),
            (Outcome::Rejected, Some(RejectCode::UnknownWorkOrder)),
            (Outcome::Applied, None),
        ]
    );
    for (result, op) in response.results.iter().zip(&batch) {
        assert_eq!(
            result.id.to_string(),
            op["id"].as_str().unwrap(),
            "answered in order"
        );
    }
    assert!(
        response.results[1]
            .reason
            .as_deref()
            .is_some_and(|r| !r.is_empty())
    );
    assert_eq!(server.work_order(&e1, mine[1].id).await.history.len(), 0);
    assert_eq!(
        server.work_order(&e2, theirs[0].id).await.status,
        StatusNode::Dispatched
    );
    assert_eq!(server.work_order(&e1, mine[3].id).await.history.len(), 0);
    assert_eq!(
        server.work_order(&e1, mine[2].id).await.status,
        StatusNode::Departed
    );

    // A step refused for the order's status stays refused, even once the status would allow
    // it: a resend after a lost answer must not apply it after later steps.
    let e1_departs = set_status("engineer1", mine[1].id, "departed");
    server.push(&e1, &[e1_departs]).await;
    let later = server.push(&e1, &[batch[1].clone()]).await;
    assert_eq!(
        outcomes(&later),
        vec![(Outcome::Rejected, Some(RejectCode::InvalidTransition))]
    );
    assert_eq!(server.work_order(&e1, mine[1].id).await.history.len(), 1);

    // Refusals about who may do what keep nothing: the same ids are judged again when resent.
    let again = server.push(&e1, &batch[2..3]).await;
    assert_eq!(
        outcomes(&again),
        vec![(Outcome::Rejected, Some(RejectCode::NotAssigned))]
    );
}

#[tokio::test]
async fn an_op_made_by_someone_else_is_wrong_user() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await[0].id;
    let response = server
        .push(&e1, &[set_status("engineer2", wo, "departed")])
        .await;
    assert_eq!(
        outcomes(&response),
        vec![(Outcome::Rejected, Some(RejectCode::WrongUser))]
    );

    // Replaying engineer1's applied op from engineer2's session is not a duplicate for them.
    let op = set_status("engineer1", wo, "departed");
    server.push(&e1, std::slice::from_ref(&op)).await;
    let e2 = server.signed_in("engineer2").await;
    let response = server.push(&e2, &[op]).await;
    assert_eq!(
        outcomes(&response),
        vec![(Outcome::Rejected, Some(RejectCode::WrongUser))]
    );
}

#[tokio::test]
async fn the_same_id_with_another_payload_is_id_reused() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let orders = my_orders(&server, &e1).await;
    let op = set_status("engineer1", orders[0].id, "departed");
    server.push(&e1, std::slice::from_ref(&op)).await;
    let mut other = set_status("engineer1", orders[1].id, "departed");
    other["id"] = op["id"].clone();
    let response = server.push(&e1, &[other]).await;
    assert_eq!(
        outcomes(&response),
        vec![(Outcome::Rejected, Some(RejectCode::IdReused))]
    );
    assert_eq!(server.work_order(&e1, orders[1].id).await.history.len(), 0);

    // Same meaning written differently (key order, time precision) is still the same op.
    let mut respelled = serde_json::Map::new();
    for key in ["kind", "device_time", "device_id", "user", "id"] {
        respelled.insert(key.into(), op[key].clone());
    }
    respelled.insert("device_time".into(), json!("2026-11-27T08:30:00.000Z"));
    let response = server.push(&e1, &[Value::Object(respelled)]).await;
    assert_eq!(outcomes(&response), vec![(Outcome::Duplicate, None)]);
}

#[tokio::test]
async fn the_same_id_twice_in_one_batch_applies_once() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await[0].id;
    let op = set_status("engineer1", wo, "departed");
    let response = server.push(&e1, &[op.clone(), op]).await;
    assert_eq!(
        outcomes(&response),
        vec![(Outcome::Applied, None), (Outcome::Duplicate, None)]
    );
    assert_eq!(server.work_order(&e1, wo).await.history.len(), 1);
}

#[tokio::test]
async fn batches_that_cannot_be_answered_change_nothing() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let orders = my_orders(&server, &e1).await;
    let wo = orders[0].id;

    let too_many: Vec<Value> = (0..201)
        .map(|_| set_status("engineer1", wo, "departed"))
        .collect();
    let r = server.post_ops(&e1, &json!({"ops": too_many})).await;
    assert_error(r, StatusCode::BAD_REQUEST, "too_many_ops").await;

    let mut no_id = set_status("engineer1", orders[1].id, "departed");
    no_id.as_object_mut().unwrap().remove("id");
    let r = server
        .post_ops(
            &e1,
            &json!({"ops": [set_status("engineer1", wo, "departed"), no_id]}),
        )
        .await;
    assert_error(r, StatusCode::BAD_REQUEST, "bad_op_id").await;
    let mut bad_id = set_status("engineer1", wo, "departed");
    bad_id["id"] = json!("not-a-uuid");
    let r = server.post_ops(&e1, &json!({"ops": [bad_id]})).await;
    assert_error(r, StatusCode::BAD_REQUEST, "bad_op_id").await;

    let url = server.url("/api/ops");
    let r = e1
        .post(&url)
        .header("content-type", "application/json")
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "bad_json").await;
    let r = e1
        .post(&url)
        .json(&json!({"operations": []}))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "bad_json").await;
    let r = e1.post(&url).body("{\"ops\":[]}").send().await.unwrap();
    assert_error(
        r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let huge = json!({"ops": [], "padding": "x".repeat(1024 * 1024)});
    let r = server.post_ops(&e1, &huge).await;
    assert_error(r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    let r = server
        .client()
        .post(&url)
        .json(&json!({"ops": [set_status("engineer1", wo, "departed")]}))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;

    let after = server.sync(&e1, 0).await;
    assert_eq!(after.cursor, DEMO_SEQ, "nothing took a sequence value");
    assert!(after.work_orders.iter().all(|wo| wo.history.is_empty()));

    let r = server.post_ops(&e1, &json!({"ops": []})).await;
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"results": []}));
}

#[tokio::test]
async fn device_clocks_are_data_and_the_order_is_the_servers() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await[0].id;
    let year_ahead = (chrono::Utc::now() + chrono::Duration::days(365)).to_rfc3339();
    let departed = set_status_at("engineer1", wo, "departed", &year_ahead);
    let arrived = set_status_at("engineer1", wo, "arrived", "1970-01-01T00:00:00Z");
    let sent_at = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let r = server
        .post_ops(
            &e1,
            &json!({"ops": [departed, arrived], "sent_at": sent_at}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let response: OpsResponse = r.json().await.unwrap();
    assert_eq!(outcomes(&response), vec![(Outcome::Applied, None); 2]);

    let order = server.work_order(&e1, wo).await;
    let nodes: Vec<StatusNode> = order.history.iter().map(|e| e.node).collect();
    assert_eq!(
        nodes,
        vec![StatusNode::Departed, StatusNode::Arrived],
        "server order"
    );
    // Judged at the best time known: the device's time less the 2 h its clock was ahead (the
    // year-ahead step no later than its arrival); the device's own time stays on record.
    let hours = -order.history[1].at.timestamp() as f64 / 3600.0;
    assert!((1.9..2.1).contains(&hours), "{hours} h before 1970");
    assert!(order.history[0].at <= chrono::Utc::now());
    assert!(order.history[0].at > order.history[1].at);
    assert_eq!(order.history[0].by, "engineer1");
    assert_eq!(
        order.history[0].op_id.to_string(),
        departed["id"].as_str().unwrap()
    );

    // The device's clock offset, as the server saw it, is kept with each op.
    let pool = server.database().await;
    let offsets: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT clock_offset_ms FROM applied_ops ORDER BY seq")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(offsets.len(), 2);
    for offset in offsets {
        let hours = offset.unwrap() as f64 / 3_600_000.0;
        assert!((1.9..2.1).contains(&hours), "{hours} h");
    }
    let kept: Vec<String> = sqlx::query_scalar("SELECT device_time FROM applied_ops ORDER BY seq")
        .fetch_all(&pool)
        .await
        .unwrap();
    let kept: Vec<chrono::DateTime<chrono::Utc>> =
        kept.iter().map(|t| t.parse().unwrap()).collect();
    assert_eq!(kept[1].timestamp(), 0, "device time kept as sent");
    assert_eq!(kept[0].to_rfc3339(), year_ahead, "device time kept as sent");
}

/// Issue 15: a phone a year ahead that arrives 31 h after the call is on time (36 h), judged
/// by the corrected time; the office sees the clock was off; the device's time is on record.
#[tokio::test]
async fn a_phone_a_year_ahead_arriving_31_hours_after_the_call_is_on_time() {
    let server = TestServer::with_demo().await;
    let desk = server.signed_in("dispatcher1").await;
    let e1 = server.signed_in("engineer1").await;
    let now = chrono::Utc::now();
    let called = (now - chrono::Duration::hours(31)).to_rfc3339();
    let wo = crate::desk::create(&server, &desk, crate::desk::call(&called))
        .await
        .work_order
        .id;
    let phone = now + chrono::Duration::days(365);
    let departed = set_status_at(
        "engineer1",
        wo,
        "departed",
        &(phone - chrono::Duration::minutes(30)).to_rfc3339(),
    );
    let arrived = set_status_at("engineer1", wo, "arrived", &phone.to_rfc3339());
    let r = server
        .post_ops(
            &e1,
            &json!({"ops": [departed, arrived], "sent_at": phone.to_rfc3339()}),
        )
        .await;
    let response: OpsResponse = r.json().await.unwrap();
    assert_eq!(outcomes(&response), vec![(Outcome::Applied, None); 2]);

    let order = server.work_order(&e1, wo).await;
    let at = order.reached_at(StatusNode::Arrived).unwrap();
    let after_call = (at - (now - chrono::Duration::hours(31))).num_minutes();
    assert!(
        (31 * 60 - 1..=31 * 60 + 1).contains(&after_call),
        "{after_call} min"
    );
    assert!(
        matches!(
            order.response(chrono::Utc::now()),
            fieldbook_model::Deadline::Met { .. }
        ),
        "{:?}",
        order.response(chrono::Utc::now())
    );
    // The office's order says so, on both steps; the assignee's answer carries nothing of it.
    let seen = crate::desk::detail(&server, &desk, wo).await;
    assert_eq!(seen.clock_off.len(), 2, "{:?}", seen.clock_off);
    for off in &seen.clock_off {
        assert!(order.history.iter().any(|e| e.op_id == off.id));
        assert!(
            (525_590..=525_610).contains(&off.minutes),
            "{}",
            off.minutes
        );
    }
    assert!(
        crate::desk::detail(&server, &e1, wo)
            .await
            .clock_off
            .is_empty()
    );
    // The device's own time stays on record.
    let pool = server.database().await;
    let kept: String = sqlx::query_scalar("SELECT device_time FROM applied_ops WHERE op_id = $1")
        .bind(arrived["id"].as_str().unwrap())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        kept.parse::<chrono::DateTime<chrono::Utc>>().unwrap(),
        phone
    );
}

#[tokio::test]
async fn concurrent_sends_of_one_op_apply_it_once() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let orders = my_orders(&server, &e1).await;
    let op = set_status("engineer1", orders[0].id, "departed");
    // The same op from several connections at once, plus unrelated ops on other orders.
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..6 {
        let batch = json!({"ops": [op.clone(), set_status("engineer1", orders[1 + i % 5].id, "resolved_by_phone")]});
        let (client, url) = (e1.clone(), server.url("/api/ops"));
        sends.spawn(async move {
            let r = client.post(url).json(&batch).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<OpsResponse>().await.unwrap()
        });
    }
    let responses = sends.join_all().await;
    let applied = responses
        .iter()
        .filter(|r| r.results[0].outcome == Outcome::Applied)
        .count();
    let duplicate = responses
        .iter()
        .filter(|r| r.results[0].outcome == Outcome::Duplicate)
        .count();
    assert_eq!((applied, duplicate), (1, 5));
    assert_eq!(server.work_order(&e1, orders[0].id).await.history.len(), 1);
    let after = server.sync(&e1, 0).await;
    let changed = after
        .work_orders
        .iter()
        .filter(|wo| wo.status != StatusNode::Dispatched)
        .count();
    assert_eq!(changed, 6);
    if server.uses_postgres() {
        // PostgreSQL keeps the numbers of refused operations (the second resolve of orders[1]).
        assert!(after.cursor >= DEMO_SEQ + 6, "{}", after.cursor);
    } else {
        assert_eq!(
            after.cursor,
            DEMO_SEQ + 6,
            "one sequence value per applied op"
        );
    }
}

fn undo_at(user: &str, work_order: Uuid, node: &str, device_time: &str) -> Value {
    json!({
        "id": Uuid::new_v4(),
        "user": user,
        "device_id": "00000000-0000-4000-8000-000000000001",
        "device_time": device_time,
        "kind": {"type": "undo_status", "work_order_id": work_order, "node": node}
    })
}

/// A status tap by mistake is taken back (issue 16): the last node, within its minute, by its
/// engineer; the order is back where it was for everyone who pulls it, and an undo that comes
/// too late, or for another node, is refused and changes nothing.
#[tokio::test]
async fn a_status_tap_is_taken_back_within_its_minute() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let orders = my_orders(&server, &e1).await;
    let a = orders
        .iter()
        .find(|o| o.status == StatusNode::Dispatched)
        .unwrap()
        .id;
    let t = "2026-11-27T08:30:00Z";
    let first = server
        .push(
            &e1,
            &[
                set_status_at("engineer1", a, "departed", t),
                set_status_at("engineer1", a, "arrived", "2026-11-27T09:30:00Z"),
                // Too late for the arrival (61 s), and not the last node for the departure.
                undo_at("engineer1", a, "arrived", "2026-11-27T09:31:01Z"),
                undo_at("engineer1", a, "departed", "2026-11-27T09:30:05Z"),
            ],
        )
        .await;
    assert_eq!(
        outcomes(&first),
        vec![
            (Outcome::Applied, None),
            (Outcome::Applied, None),
            (Outcome::Rejected, Some(RejectCode::InvalidTransition)),
            (Outcome::Rejected, Some(RejectCode::InvalidTransition)),
        ]
    );
    let cursor = server.sync(&e1, 0).await.cursor;
    let undo = server
        .push(
            &e1,
            &[undo_at("engineer1", a, "arrived", "2026-11-27T09:30:40Z")],
        )
        .await;
    assert_eq!(outcomes(&undo), vec![(Outcome::Applied, None)]);
    // Pulled again: the order is back at 出发, its arrival gone for good.
    let pulled = server.sync(&e1, cursor).await;
    let wo = pulled.work_orders.iter().find(|o| o.id == a).unwrap();
    assert_eq!(wo.status, StatusNode::Departed);
    assert_eq!(wo.history.len(), 1);
    let office = server.signed_in("dispatcher1").await;
    assert_eq!(server.work_order(&office, a).await.history.len(), 1);
    // And the arrival can be reported again.
    let again = server
        .push(
            &e1,
            &[set_status_at(
                "engineer1",
                a,
                "arrived",
                "2026-11-27T09:45:00Z",
            )],
        )
        .await;
    assert_eq!(outcomes(&again), vec![(Outcome::Applied, None)]);
    let wo = server.work_order(&e1, a).await;
    assert_eq!(wo.status, StatusNode::Arrived);
    assert_eq!(
        wo.reached_at(StatusNode::Arrived),
        Some("2026-11-27T09:45:00Z".parse().unwrap())
    );
}
