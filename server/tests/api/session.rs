use std::process::Command;

use fieldbook_model::{Role, SessionInfo};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestServer, assert_error};

#[tokio::test]
async fn sign_in_sets_a_strict_http_only_cookie_and_returns_the_profile() {
    let server = TestServer::with_demo().await;
    let client = server.client();
    let r = client
        .post(server.url("/api/session"))
        .json(&json!({"username": "engineer1", "password": "demo1234"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("fb_session="), "{cookie}");
    let parts: Vec<&str> = cookie.split("; ").collect();
    assert!(parts.contains(&"HttpOnly"), "{cookie}");
    assert!(parts.contains(&"SameSite=Strict"), "{cookie}");
    assert!(parts.contains(&"Path=/"), "{cookie}");
    assert!(parts.contains(&"Max-Age=7776000"), "{cookie}");
    assert!(!parts.contains(&"Secure"), "plain http in tests: {cookie}");
    let token = parts[0].trim_start_matches("fb_session=");
    assert_eq!(token.len(), 43, "32 bytes base64url: {token}");

    let info: SessionInfo = r.json().await.unwrap();
    assert_eq!(info.user.username, "engineer1");
    assert_eq!(info.user.display_name, "张伟");
    assert_eq!(info.user.role, Role::Engineer);

    let again: SessionInfo = client
        .get(server.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again.user, info.user);
}

#[tokio::test]
async fn every_sign_in_gets_a_new_token() {
    let server = TestServer::with_demo().await;
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let r = server
            .client()
            .post(server.url("/api/session"))
            .json(&json!({"username": "dispatcher1", "password": "demo1234"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        tokens.push(
            r.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string(),
        );
    }
    assert_ne!(tokens[0], tokens[1]);
}

#[tokio::test]
async fn bad_password_and_unknown_user_are_the_same_401() {
    let server = TestServer::with_demo().await;
    for (username, password) in [("engineer1", "wrong-password"), ("nobody", "demo1234")] {
        let r = server
            .client()
            .post(server.url("/api/session"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert!(r.headers().get("set-cookie").is_none());
        let body = assert_error(r, StatusCode::UNAUTHORIZED, "bad_credentials").await;
        assert_eq!(body["message"], "wrong username or password");
    }
}

#[tokio::test]
async fn malformed_sign_ins_are_json_errors() {
    let server = TestServer::with_demo().await;
    let client = server.client();
    let url = server.url("/api/session");
    let r = client
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"username\": \"engineer1\", ")
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "bad_json").await;
    let r = client
        .post(&url)
        .json(&json!({"username": "engineer1"}))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "bad_json").await;
    let r = client
        .post(&url)
        .body("username=engineer1&password=demo1234")
        .send()
        .await
        .unwrap();
    assert_error(
        r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let r = client.put(&url).send().await.unwrap();
    assert_error(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

#[tokio::test]
async fn a_start_without_demo_has_no_accounts() {
    let server = TestServer::empty().await;
    for username in ["engineer1", "cleaner1", "supervisor1", "dispatcher1"] {
        let r = server
            .client()
            .post(server.url("/api/session"))
            .json(&json!({"username": username, "password": "demo1234"}))
            .send()
            .await
            .unwrap();
        assert_error(r, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    }
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let server = TestServer::with_demo().await;
    let client = server.signed_in("engineer1").await;
    let r = client
        .delete(server.url("/api/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cleared = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cleared.starts_with("fb_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"status": "signed_out"})
    );

    let r = client
        .get(server.url("/api/sync?cursor=0"))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let r = client.get(server.url("/api/session")).send().await.unwrap();
    assert_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn a_stolen_cookie_is_dead_after_sign_out() {
    let server = TestServer::with_demo().await;
    let r = server
        .client()
        .post(server.url("/api/session"))
        .json(&json!({"username": "engineer1", "password": "demo1234"}))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let bare = reqwest::Client::new();
    let with_cookie = |path: &str| bare.get(server.url(path)).header("cookie", cookie.clone());
    assert_eq!(
        with_cookie("/api/session").send().await.unwrap().status(),
        StatusCode::OK
    );
    let r = bare
        .delete(server.url("/api/session"))
        .header("cookie", cookie.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = with_cookie("/api/session").send().await.unwrap();
    assert_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

fn cli(
    data_dir: &std::path::Path,
    database_url: Option<&str>,
    args: &[&str],
    password: Option<&str>,
) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fieldbook-server"));
    command
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("FIELDBOOK_PASSWORD")
        .env_remove("FIELDBOOK_DATABASE_URL");
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    if let Some(password) = password {
        command.env("FIELDBOOK_PASSWORD", password);
    }
    command.output().unwrap()
}

#[tokio::test]
async fn add_user_refuses_short_passwords_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = crate::harness::fresh_database_url().await;
    let add = [
        "add-user",
        "--username",
        "wang",
        "--role",
        "engineer",
        "--name",
        "王磊",
    ];

    let out = cli(&data, db.as_deref(), &add, Some("short"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 8 characters"));

    let out = cli(&data, db.as_deref(), &add, None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("FIELDBOOK_PASSWORD"));

    let out = cli(&data, db.as_deref(), &add, Some("longenough"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = cli(&data, db.as_deref(), &add, Some("another-one"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("a user named 'wang' already exists"));

    let out = cli(
        &data,
        db.as_deref(),
        &[
            "add-user",
            "--username",
            "x1",
            "--role",
            "admin",
            "--name",
            "X",
        ],
        Some("longenough"),
    );
    assert!(!out.status.success());

    // The account signs in on a server started on that data directory.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = fieldbook_server::Config {
        database_url: db.clone(),
        ..fieldbook_server::Config::new(&data)
    };
    tokio::spawn(fieldbook_server::serve_until(
        config,
        listener,
        std::future::pending(),
    ));
    let client = reqwest::Client::new();
    let mut status = None;
    for _ in 0..200 {
        if let Ok(r) = client
            .post(format!("{base}/api/session"))
            .json(&json!({"username": "wang", "password": "longenough"}))
            .send()
            .await
        {
            status = Some(r.status());
            let info: SessionInfo = r.json().await.unwrap();
            assert_eq!(info.user.display_name, "王磊");
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(status, Some(StatusCode::OK));
}

#[tokio::test]
async fn the_demo_command_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = crate::harness::fresh_database_url().await;
    for _ in 0..2 {
        let out = cli(&data, db.as_deref(), &["demo"], None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("password demo1234"));
    }
    let config = fieldbook_server::Config {
        database_url: db,
        ..fieldbook_server::Config::new(&data)
    };
    let pool = fieldbook_server::db::open(&config.database_url())
        .await
        .unwrap();
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM work_orders")
        .fetch_one(&pool)
        .await
        .unwrap();
    let seq = fieldbook_server::db::current_seq(&mut pool.acquire().await.unwrap())
        .await
        .unwrap();
    // 7 accounts and 7 of the claims demo; 8 orders and the closed warranty order (six sequence
    // values: made, three status nodes, its report, its closing); the field demo's one.
    assert_eq!((users, orders, seq), (14, 9, 15));
}

#[tokio::test]
async fn serve_prints_the_banner_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fieldbook-server"))
        .args(["serve", "--addr", "127.0.0.1:0", "--demo", "--dist"])
        .arg(dir.path().join("no-dist"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("Fieldbook is running: http://127.0.0.1:")
        .map(|port| port.parse::<u16>());
    assert!(matches!(url, Some(Ok(_))), "{first}");
    assert_eq!(
        second,
        "Demo sign-ins (password demo1234): engineer1 (engineer), cleaner1 (cleaner), \
         cleaner2 (cleaner), supervisor1 (supervisor), dispatcher1 (dispatcher), \
         head1 (station head, 济南站), claims1 (claims support), manager1 (manager; \
         bu1, sales1, svcmgr1, svcdir1, gm1 sign commercial claims)"
    );
    let base = first.trim_start_matches("Fieldbook is running: ");
    let health = reqwest::get(format!("{base}/api/health")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits 0: {status:?}");
}

#[tokio::test]
async fn idle_old_and_disabled_sessions_end() {
    let server = TestServer::with_demo().await;
    let pool = server.database().await;
    let day_ms: i64 = 24 * 3600 * 1000;
    let now_ms = chrono::Utc::now().timestamp_millis();

    // Idle for 31 days: ended.
    let idle = server.signed_in("engineer1").await;
    sqlx::query("UPDATE sessions SET last_seen_at = $1")
        .bind(now_ms - 31 * day_ms)
        .execute(&pool)
        .await
        .unwrap();
    let r = idle.get(server.url("/api/session")).send().await.unwrap();
    assert_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;

    // Used yesterday but signed in 91 days ago: ended.
    let old = server.signed_in("engineer1").await;
    sqlx::query("UPDATE sessions SET created_at = $1, last_seen_at = $2")
        .bind(now_ms - 91 * day_ms)
        .bind(now_ms - day_ms)
        .execute(&pool)
        .await
        .unwrap();
    let r = old.get(server.url("/api/session")).send().await.unwrap();
    assert_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;

    // Offline for 29 days: still signed in.
    let away = server.signed_in("engineer1").await;
    sqlx::query("UPDATE sessions SET created_at = $1, last_seen_at = $2")
        .bind(now_ms - 60 * day_ms)
        .bind(now_ms - 29 * day_ms)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        away.get(server.url("/api/session"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // A disabled account loses its session and cannot sign in.
    sqlx::query("UPDATE users SET disabled = TRUE WHERE username = 'engineer1'")
        .execute(&pool)
        .await
        .unwrap();
    let r = away.get(server.url("/api/sync")).send().await.unwrap();
    assert_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let r = server
        .client()
        .post(server.url("/api/session"))
        .json(&json!({"username": "engineer1", "password": "demo1234"}))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNAUTHORIZED, "bad_credentials").await;
}
