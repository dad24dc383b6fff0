use fieldbook_model::WorkOrder;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::harness::{TestServer, assert_error, my_orders};

#[tokio::test]
async fn the_office_and_the_assignee_may_read_a_work_order() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let synced = my_orders(&server, &e1).await.remove(0);
    let url = server.url(&format!("/api/work-orders/{}", synced.id));

    for reader in ["engineer1", "dispatcher1", "supervisor1"] {
        let client = server.signed_in(reader).await;
        let r = client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{reader}");
        let wo: WorkOrder = r.json().await.unwrap();
        assert_eq!(wo, synced, "{reader} sees what the assignee synced");
    }
    for outsider in ["engineer2", "cleaner1"] {
        let client = server.signed_in(outsider).await;
        let r = client.get(&url).send().await.unwrap();
        // As an unknown order: ids cannot be probed.
        assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    }
    let r = server.client().get(&url).send().await.unwrap();
    assert_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_json_errors() {
    let server = TestServer::with_demo().await;
    let dispatcher = server.signed_in("dispatcher1").await;
    let r = dispatcher
        .get(server.url(&format!("/api/work-orders/{}", Uuid::new_v4())))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let r = dispatcher
        .get(server.url("/api/work-orders/BX-20261127-001"))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "bad_id").await;
    let r = dispatcher
        .delete(server.url("/api/work-orders/x"))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

#[tokio::test]
async fn the_office_lists_every_order_and_field_staff_may_not() {
    let server = TestServer::with_demo().await;
    let url = server.url("/api/work-orders");
    let e1 = server.signed_in("engineer1").await;
    let e2 = server.signed_in("engineer2").await;
    let all = my_orders(&server, &e1).await.len() + my_orders(&server, &e2).await.len();
    for office in ["dispatcher1", "supervisor1"] {
        let client = server.signed_in(office).await;
        let r = client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{office}");
        let list: Vec<WorkOrder> = r.json().await.unwrap();
        assert_eq!(list.len(), all, "{office} sees every engineer's orders");
        assert!(
            list.windows(2).all(|w| w[0].called_at >= w[1].called_at),
            "newest call first"
        );
    }
    for field in ["engineer1", "cleaner1"] {
        let client = server.signed_in(field).await;
        let r = client.get(&url).send().await.unwrap();
        assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    }
}
