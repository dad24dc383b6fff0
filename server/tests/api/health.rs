use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestServer, assert_error};

#[tokio::test]
async fn health_is_ok_with_database_and_photo_store() {
    let server = TestServer::empty().await;
    let r = reqwest::get(server.url("/api/health")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "ok"}));
}

#[tokio::test]
async fn health_is_503_when_the_photo_store_is_gone() {
    let server = TestServer::empty().await;
    if server.uses_s3() {
        // The bucket cannot be taken away from one test: its marker object can.
        use object_store::ObjectStore;
        let marker = object_store::path::Path::from("_fieldbook/health");
        server.photo_store().delete(&marker).await.unwrap();
    } else {
        std::fs::remove_dir_all(server.data.path().join("data/photos")).unwrap();
    }
    let r = reqwest::get(server.url("/api/health")).await.unwrap();
    assert_error(r, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
}
