//! Rate limits over real HTTP: failed sign-ins per username and per client, request bursts per
//! client; each refused with a JSON 429 and `Retry-After`, without touching other clients or
//! users, and without changing anything.

use std::net::IpAddr;
use std::time::Duration;

use base64::Engine;
use fieldbook_model::Outcome;
use fieldbook_server::rate_limit::RateLimits;
use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::harness::{Options, TestServer, assert_error, my_orders, set_status};

/// A client whose connections come from `ip` (any 127.x address reaches the server on Linux),
/// so the server sees two devices.
fn client_from(ip: [u8; 4]) -> Client {
    Client::builder()
        .cookie_store(true)
        .local_address(IpAddr::from(ip))
        .build()
        .unwrap()
}

async fn sign_in(
    server: &TestServer,
    client: &Client,
    user: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(server.url("/api/session"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn with_limits(limits: RateLimits) -> TestServer {
    TestServer::start_with(
        Options {
            demo: true,
            dist: None,
        },
        |config| config.rate_limits = limits,
    )
    .await
}

#[tokio::test]
async fn session_tokens_carry_at_least_128_random_bits() {
    let server = TestServer::with_demo().await;
    let r = sign_in(&server, &server.client(), "engineer1", "demo1234").await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    let token = cookie
        .strip_prefix("fb_session=")
        .and_then(|rest| rest.split(';').next())
        .unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .unwrap();
    assert!(bytes.len() * 8 >= 128, "{} bits", bytes.len() * 8);
}

#[tokio::test]
async fn failed_sign_ins_lock_the_username_not_other_people() {
    let server = TestServer::with_demo().await;
    let guesser = server.client();
    for _ in 0..RateLimits::default().sign_in_failures_per_user {
        let r = sign_in(&server, &guesser, "engineer1", "wrong-password").await;
        assert_error(r, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    }
    // Now even the right password waits: the guesser cannot tell it was right.
    let r = sign_in(&server, &guesser, "engineer1", "demo1234").await;
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1);
    assert_error(r, StatusCode::TOO_MANY_REQUESTS, "too_many_sign_ins").await;
    // Also from another device (the username is locked, whoever asks)...
    let other_device = client_from([127, 0, 0, 2]);
    let r = sign_in(&server, &other_device, "ENGINEER1", "demo1234").await;
    assert_error(r, StatusCode::TOO_MANY_REQUESTS, "too_many_sign_ins").await;
    // ...while other people sign in as usual, from the same device too.
    let r = sign_in(&server, &guesser, "cleaner1", "demo1234").await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = sign_in(&server, &other_device, "dispatcher1", "demo1234").await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_client_and_forgotten() {
    let server = with_limits(RateLimits {
        sign_in_failures_per_client: 3,
        sign_in_failure_forgotten_after: Duration::from_millis(1500),
        ..RateLimits::default()
    })
    .await;
    let sprayer = client_from([127, 0, 0, 3]);
    for user in ["a1", "a2", "a3"] {
        let r = sign_in(&server, &sprayer, user, "wrong-password").await;
        assert_error(r, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    }
    let r = sign_in(&server, &sprayer, "engineer1", "demo1234").await;
    assert_error(r, StatusCode::TOO_MANY_REQUESTS, "too_many_sign_ins").await;
    // Another device is not affected.
    let r = sign_in(
        &server,
        &client_from([127, 0, 0, 4]),
        "engineer1",
        "demo1234",
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    // One failure is forgotten after a while: the device may try again.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let r = sign_in(&server, &sprayer, "engineer1", "demo1234").await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_burst_from_one_device_is_refused_without_slowing_another() {
    let server = with_limits(RateLimits {
        request_burst: 6,
        requests_per_second: 0.001,
        ..RateLimits::default()
    })
    .await;
    let noisy = client_from([127, 0, 0, 5]);
    // sign-in, sync: two requests of six.
    assert_eq!(
        sign_in(&server, &noisy, "engineer1", "demo1234")
            .await
            .status(),
        StatusCode::OK
    );
    let wo = my_orders(&server, &noisy).await[0].id;
    for _ in 0..4 {
        let r = noisy.get(server.url("/api/session")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    // The seventh is refused before it does anything: this operation is not applied.
    let op = set_status("engineer1", wo, "departed");
    let r = server.post_ops(&noisy, &json!({"ops": [op.clone()]})).await;
    assert!(r.headers().contains_key("retry-after"));
    assert_error(r, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;

    // A colleague's phone is served as usual, and the same operation is new to the server.
    let quiet = client_from([127, 0, 0, 6]);
    assert_eq!(
        sign_in(&server, &quiet, "engineer1", "demo1234")
            .await
            .status(),
        StatusCode::OK
    );
    let response = server.push(&quiet, &[op]).await;
    assert_eq!(response.results[0].outcome, Outcome::Applied);
}
