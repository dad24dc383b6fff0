use fieldbook_model::{Role, StatusNode};
use reqwest::StatusCode;

use crate::harness::{DEMO_SEQ, TestServer, assert_error, my_orders, set_status};

#[tokio::test]
async fn sync_without_a_session_is_401_json() {
    let server = TestServer::with_demo().await;
    let r = server
        .client()
        .get(server.url("/api/sync?cursor=0"))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let r = server
        .client()
        .get(server.url("/api/sync?cursor=0"))
        .header("cookie", "fb_session=not-a-real-token")
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn each_engineer_gets_only_their_own_orders() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let first = server.sync(&e1, 0).await;
    assert_eq!(first.work_orders.len(), 6);
    assert!(
        first
            .work_orders
            .iter()
            .all(|wo| wo.assignee == "engineer1")
    );
    // With the name people know them by, for the office's screens.
    assert!(
        first
            .work_orders
            .iter()
            .all(|wo| wo.assignee_label() == "张伟")
    );
    assert_eq!(
        first
            .work_orders
            .iter()
            .filter(|wo| wo.machine_down)
            .count(),
        1
    );
    assert!(
        first
            .work_orders
            .iter()
            .all(|wo| wo.status == StatusNode::Dispatched)
    );
    assert!(first.work_orders.iter().all(|wo| wo.history.is_empty()));
    let seqs: Vec<i64> = first.work_orders.iter().map(|wo| wo.seq).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "ordered by seq: {seqs:?}"
    );
    assert_eq!(
        first.cursor, DEMO_SEQ,
        "8 demo orders, one sequence value each, the closed warranty order's six, and the field \
         demo's one"
    );
    assert!(first.removed.is_empty());

    let e2 = server.signed_in("engineer2").await;
    let theirs = server.sync(&e2, 0).await;
    // Two open demo orders and the closed warranty order.
    assert_eq!(theirs.work_orders.len(), 3);
    assert!(
        theirs
            .work_orders
            .iter()
            .all(|wo| wo.assignee == "engineer2")
    );

    let cleaner = server.signed_in("cleaner1").await;
    assert!(server.sync(&cleaner, 0).await.work_orders.is_empty());
    let profile: fieldbook_model::SessionInfo = cleaner
        .get(server.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(profile.user.role, Role::Cleaner);
}

#[tokio::test]
async fn the_cursor_returns_only_what_changed() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let first = server.sync(&e1, 0).await;

    let second = server.sync(&e1, first.cursor).await;
    assert!(second.work_orders.is_empty());
    assert_eq!(second.cursor, first.cursor);

    let target = first.work_orders[2].id;
    let results = server
        .push(&e1, &[set_status("engineer1", target, "departed")])
        .await;
    assert_eq!(
        results.results[0].outcome,
        fieldbook_model::Outcome::Applied
    );

    let third = server.sync(&e1, second.cursor).await;
    assert_eq!(third.cursor, first.cursor + 1);
    assert_eq!(third.work_orders.len(), 1);
    let changed = &third.work_orders[0];
    assert_eq!(changed.id, target);
    assert_eq!(changed.status, StatusNode::Departed);
    assert_eq!(changed.history.len(), 1);
    assert_eq!(changed.seq, third.cursor);

    // Another engineer's change moves the cursor but sends engineer1 nothing.
    let e2 = server.signed_in("engineer2").await;
    let theirs = server.sync(&e2, 0).await.work_orders[0].id;
    server
        .push(&e2, &[set_status("engineer2", theirs, "resolved_by_phone")])
        .await;
    let fourth = server.sync(&e1, third.cursor).await;
    assert!(fourth.work_orders.is_empty());
    assert_eq!(fourth.cursor, third.cursor + 1);
}

#[tokio::test]
async fn a_cursor_from_the_future_gets_everything_again() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let reset = server.sync(&e1, 1_000_000).await;
    assert_eq!(reset.work_orders.len(), 6);
    assert_eq!(reset.cursor, DEMO_SEQ);
}

#[tokio::test]
async fn cursor_absent_means_zero_and_bad_cursors_are_400() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let r = e1.get(server.url("/api/sync")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let all: fieldbook_model::SyncResponse = r.json().await.unwrap();
    assert_eq!(all.work_orders.len(), 6);
    assert_eq!(my_orders(&server, &e1).await.len(), 6);

    let r = e1
        .get(server.url("/api/sync?cursor=abc"))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "bad_query").await;
    let r = e1
        .get(server.url("/api/sync?cursor=-1"))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "bad_cursor").await;
    let r = e1
        .post(server.url("/api/sync?cursor=0"))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

#[tokio::test]
async fn a_supervisor_pulls_every_engineer_s_orders_for_the_board() {
    let server = TestServer::with_demo().await;
    let sup = server.signed_in("supervisor1").await;
    let first = server.sync(&sup, 0).await;
    assert_eq!(first.work_orders.len(), 9, "every demo order");
    for who in ["engineer1", "engineer2"] {
        assert!(
            first.work_orders.iter().any(|wo| wo.assignee == who),
            "{who}"
        );
    }
    // Then only what changed, whoever's it is.
    let e2 = server.signed_in("engineer2").await;
    let theirs = my_orders(&server, &e2).await[0].id;
    server
        .push(&e2, &[set_status("engineer2", theirs, "departed")])
        .await;
    let next = server.sync(&sup, first.cursor).await;
    assert_eq!(next.work_orders.len(), 1);
    assert_eq!(next.work_orders[0].id, theirs);
    assert_eq!(next.work_orders[0].status, StatusNode::Departed);
    // A cleaner still pulls none.
    let cleaner = server.signed_in("cleaner1").await;
    assert!(server.sync(&cleaner, 0).await.work_orders.is_empty());
}

#[tokio::test]
async fn a_big_pull_comes_in_pages_that_miss_nothing_and_repeat_nothing() {
    use fieldbook_server::routes::sync::PAGE;
    let server = TestServer::with_demo().await;
    let db = server.database().await;
    // engineer1 has 6 demo orders; 2.5 pages more.
    let extra = PAGE * 2 + PAGE / 2;
    fieldbook_server::demo::generate(&db, "engineer1", extra)
        .await
        .unwrap();
    let e1 = server.signed_in("engineer1").await;

    let mut cursor = 0;
    let mut seen = std::collections::HashSet::new();
    let mut pages = Vec::new();
    loop {
        let page = server.sync(&e1, cursor).await;
        assert!(page.work_orders.len() <= PAGE);
        for wo in &page.work_orders {
            assert!(seen.insert(wo.id), "{} sent twice", wo.ticket);
            assert!(wo.seq > cursor && wo.seq <= page.cursor);
        }
        // Every page carries the field side and removals since its cursor.
        pages.push((page.work_orders.len(), page.more));
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    assert_eq!(
        pages,
        vec![(PAGE, true), (PAGE, true), (PAGE / 2 + 6, false)]
    );
    assert_eq!(seen.len(), extra + 6);
    assert_eq!(cursor, DEMO_SEQ + extra as i64);

    // A change after the last page comes alone, from the last cursor.
    let target = *seen.iter().next().unwrap();
    server
        .push(&e1, &[set_status("engineer1", target, "departed")])
        .await;
    let next = server.sync(&e1, cursor).await;
    assert!(!next.more);
    assert_eq!(next.work_orders.len(), 1);
    assert_eq!(next.work_orders[0].id, target);
}
