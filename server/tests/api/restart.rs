use fieldbook_model::{Outcome, StatusNode};

use crate::harness::{TestServer, my_orders, set_status};

#[tokio::test]
async fn a_duplicate_after_a_restart_is_still_a_duplicate() {
    let mut server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await[0].id;
    let op = set_status("engineer1", wo, "departed");
    let first = server.push(&e1, std::slice::from_ref(&op)).await;
    assert_eq!(first.results[0].outcome, Outcome::Applied);
    let cursor = server.sync(&e1, 0).await.cursor;

    server.restart().await;

    // The session lives in the database, so it survives too (a new port: sign in again there).
    let e1 = server.signed_in("engineer1").await;
    let again = server.push(&e1, &[op]).await;
    assert_eq!(again.results[0].outcome, Outcome::Duplicate);
    let order = server.work_order(&e1, wo).await;
    assert_eq!(order.status, StatusNode::Departed);
    assert_eq!(order.history.len(), 1);
    let after = server.sync(&e1, 0).await;
    assert_eq!(after.cursor, cursor, "the sequence continues where it was");
    assert_eq!(after.work_orders.len(), 6, "the demo was not loaded twice");
}
