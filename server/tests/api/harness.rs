//! Starting, stopping and talking to a real server.

use std::path::PathBuf;

use fieldbook_model::{OpsResponse, SyncResponse, WorkOrder};
use fieldbook_server::Config;
use fieldbook_server::photo_store::S3Config;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// The sequence after the demo load: one value per demo work order (8), six for the closed
/// warranty order (made, three status nodes, its report, its closing) and one for the field
/// demo's areas, items and units.
pub const DEMO_SEQ: i64 = 15;

pub struct TestServer {
    pub base: String,
    pub data: TempDir,
    config: Config,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

pub struct Options {
    pub demo: bool,
    pub dist: Option<PathBuf>,
}

impl TestServer {
    pub async fn with_demo() -> TestServer {
        TestServer::start(Options {
            demo: true,
            dist: None,
        })
        .await
    }

    pub async fn empty() -> TestServer {
        TestServer::start(Options {
            demo: false,
            dist: None,
        })
        .await
    }

    pub async fn start(options: Options) -> TestServer {
        TestServer::start_with(options, |_| {}).await
    }

    /// Start with the configuration changed by `tweak` (rate limits, say).
    pub async fn start_with(options: Options, tweak: impl FnOnce(&mut Config)) -> TestServer {
        let data = tempfile::tempdir().unwrap();
        let mut config = Config {
            database_url: fresh_database_url().await,
            s3: fresh_s3(),
            demo: options.demo,
            // A folder that does not exist unless the test made one: "the PWA is not built".
            dist: options.dist.unwrap_or_else(|| data.path().join("no-dist")),
            office_dist: data.path().join("no-office-dist"),
            ..Config::new(data.path().join("data"))
        };
        tweak(&mut config);
        let mut server = TestServer {
            base: String::new(),
            data,
            config,
            stop: None,
            task: None,
        };
        server.launch().await;
        server
    }

    async fn launch(&mut self) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        self.base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let config = self.config.clone();
        self.stop = Some(stop);
        self.task = Some(tokio::spawn(async move {
            fieldbook_server::serve_until(config, listener, async {
                let _ = stopped.await;
            })
            .await
        }));
        // Ready when health answers (the demo load and migrations run before serving).
        let client = Client::new();
        for _ in 0..200 {
            if let Ok(r) = client.get(self.url("/api/health")).send().await
                && r.status() == StatusCode::OK
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("the server did not start");
    }

    /// Stop the server (closing its database) and start it again on the same data directory.
    pub async fn restart(&mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        self.task.take().unwrap().await.unwrap().unwrap();
        self.config.demo = false;
        self.launch().await;
    }

    /// A second pool on the server's database, to look at or age rows directly.
    pub async fn database(&self) -> fieldbook_server::db::Db {
        fieldbook_server::db::open(&self.config.database_url())
            .await
            .unwrap()
    }

    /// The server's photo store (its folder, or its place in the test bucket).
    pub fn photo_store(&self) -> std::sync::Arc<dyn object_store::ObjectStore> {
        self.config.photo_store().unwrap()
    }

    /// The server's configuration (data directory, database URL, photo store).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether the database is PostgreSQL (whose sequence does not give back the numbers of
    /// rolled-back changes: see `db::next_seq`).
    pub fn uses_postgres(&self) -> bool {
        self.config.database_url.is_some()
    }

    /// "No sequence value taken" between two cursors: equal on SQLite, which gives a refused
    /// change's number back; on PostgreSQL the cursor may pass numbers that refusals and no-ops
    /// kept (`db::next_seq`), never go back. The data itself is compared beside it.
    #[track_caller]
    pub fn assert_no_change_numbered(&self, before: i64, after: i64) {
        if self.uses_postgres() {
            assert!(
                after >= before,
                "a cursor never goes back: {before} -> {after}"
            );
        } else {
            assert_eq!(after, before, "no sequence value taken");
        }
    }

    /// Whether photos go to an S3-compatible server rather than the data directory.
    pub fn uses_s3(&self) -> bool {
        self.config.s3.is_some()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client with a cookie jar.
    pub fn client(&self) -> Client {
        Client::builder().cookie_store(true).build().unwrap()
    }

    /// A client signed in as `username` with the demo password.
    pub async fn signed_in(&self, username: &str) -> Client {
        let client = self.client();
        let r = client
            .post(self.url("/api/session"))
            .json(&json!({"username": username, "password": "demo1234"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "sign in as {username}");
        client
    }

    pub async fn sync(&self, client: &Client, cursor: i64) -> SyncResponse {
        let r = client
            .get(self.url(&format!("/api/sync?cursor={cursor}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    pub async fn post_ops(&self, client: &Client, body: &Value) -> Response {
        client
            .post(self.url("/api/ops"))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn push(&self, client: &Client, ops: &[Value]) -> OpsResponse {
        let r = self.post_ops(client, &json!({ "ops": ops })).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    pub async fn work_order(&self, client: &Client, id: Uuid) -> WorkOrder {
        let r = client
            .get(self.url(&format!("/api/work-orders/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }
}

/// The PostgreSQL server the tests also run against: an admin URL such as
/// `postgres://postgres@127.0.0.1:5433/postgres` (scripts/test.sh starts one). Unset: SQLite.
pub const TEST_DATABASE_ENV: &str = "FIELDBOOK_TEST_DATABASE_URL";

/// A new, empty database for one test on the PostgreSQL server named by
/// `FIELDBOOK_TEST_DATABASE_URL`; `None` (the SQLite file in the data directory) when unset.
pub async fn fresh_database_url() -> Option<String> {
    use sqlx::Connection;
    let admin = std::env::var(TEST_DATABASE_ENV)
        .ok()
        .filter(|u| !u.is_empty())?;
    let name = format!("fbtest_{}", Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("{TEST_DATABASE_ENV}={admin}: {e}"));
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    conn.close().await.unwrap();
    let (server, _) = admin
        .split_once('?')
        .map_or((admin.as_str(), ""), |(a, b)| (a, b));
    let base = server.rsplit_once('/').map_or(server, |(base, _)| base);
    Some(format!("{base}/{name}"))
}

/// The S3-compatible server the photo tests also run against (scripts/test.sh starts s3s-fs):
/// `FIELDBOOK_TEST_S3_ENDPOINT`, `_BUCKET`, `_ACCESS_KEY`, `_SECRET_KEY`. Each test files its
/// photos under its own prefix of the bucket. `None` (the data directory's folder) when unset.
pub fn fresh_s3() -> Option<S3Config> {
    let var = |name: &str| std::env::var(format!("FIELDBOOK_TEST_S3_{name}")).ok();
    let endpoint = var("ENDPOINT").filter(|e| !e.is_empty())?;
    Some(S3Config {
        endpoint: Some(endpoint),
        bucket: var("BUCKET").expect("FIELDBOOK_TEST_S3_BUCKET"),
        region: "us-east-1".into(),
        access_key_id: var("ACCESS_KEY").expect("FIELDBOOK_TEST_S3_ACCESS_KEY"),
        secret_access_key: var("SECRET_KEY").expect("FIELDBOOK_TEST_S3_SECRET_KEY"),
        prefix: Some(format!("test-{}", Uuid::new_v4().simple())),
    })
}

/// Drop a database `fresh_database_url` made (its server may still hold connections: FORCE).
/// Blocking, on a thread of its own, so that it can run from `Drop` inside a test's runtime.
fn drop_database(url: &str) {
    use sqlx::Connection;
    let (Ok(admin), Some((_, name))) = (std::env::var(TEST_DATABASE_ENV), url.rsplit_once('/'))
    else {
        return;
    };
    let name = name.to_string();
    let dropped = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        runtime.block_on(async {
            let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            sqlx::Executor::execute(&mut conn, sql.as_str())
                .await
                .ok()?;
            conn.close().await.ok()
        })
    })
    .join();
    // A database left behind only costs disk in a throwaway cluster.
    let _ = dropped;
}

impl Drop for TestServer {
    /// Each test's PostgreSQL database goes with it: a whole run would otherwise leave ~90.
    fn drop(&mut self) {
        if let Some(url) = &self.config.database_url
            && url.starts_with("postgres")
        {
            drop_database(url);
        }
    }
}

/// A `set_status` operation as a phone sends it.
pub fn set_status(user: &str, work_order: Uuid, node: &str) -> Value {
    set_status_at(user, work_order, node, "2026-11-27T08:30:00Z")
}

pub fn set_status_at(user: &str, work_order: Uuid, node: &str, device_time: &str) -> Value {
    json!({
        "id": Uuid::new_v4(),
        "user": user,
        "device_id": "00000000-0000-4000-8000-000000000001",
        "device_time": device_time,
        "kind": {"type": "set_status", "work_order_id": work_order, "node": node}
    })
}

/// Assert an API error: exact status, JSON content type, and the error code.
pub async fn assert_error(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status, "status for {}", response.url());
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "content type {content_type:?}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(
        body.as_object().unwrap().len(),
        2,
        "only error and message: {body}"
    );
    body
}

/// The work orders the office's list (`GET /api/work-orders`) gives `client`.
pub async fn desk_orders(server: &TestServer, client: &Client) -> Vec<WorkOrder> {
    let r = client
        .get(server.url("/api/work-orders"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// The ids of a user's demo work orders, as their first sync returns them.
pub async fn my_orders(server: &TestServer, client: &Client) -> Vec<WorkOrder> {
    server.sync(client, 0).await.work_orders
}
