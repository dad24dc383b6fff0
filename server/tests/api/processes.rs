//! Two real server processes (the built binary) on one database and one photo store, as behind a
//! load balancer: the same operations and photos sent through both, concurrently and repeated,
//! are each applied exactly once. With `FIELDBOOK_TEST_DATABASE_URL` / `FIELDBOOK_TEST_S3_*`
//! that is one PostgreSQL and one bucket; without, one SQLite file and one photo folder.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use fieldbook_model::{OpsResponse, Outcome};
use fieldbook_server::photo_store::S3Config;
use futures_util::StreamExt;
use futures_util::future::join_all;
use object_store::ObjectStore;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::field::{Photo, correct_hours, walk_to_left};
use crate::harness::{fresh_database_url, fresh_s3};

/// A `fieldbook-server serve` child process, killed when dropped.
struct Process {
    child: Child,
    base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `fieldbook-server <subcommand>` pointed at the shared database and store.
fn shared_command(
    subcommand: &str,
    data: &Path,
    database_url: Option<&str>,
    s3: Option<&S3Config>,
) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fieldbook-server"));
    command
        .arg(subcommand)
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .env_remove("FIELDBOOK_DATABASE_URL");
    for name in [
        "BUCKET",
        "ENDPOINT",
        "REGION",
        "ACCESS_KEY_ID",
        "SECRET_ACCESS_KEY",
        "PREFIX",
    ] {
        command.env_remove(format!("FIELDBOOK_S3_{name}"));
    }
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    if let Some(s3) = s3 {
        command
            .env("FIELDBOOK_S3_BUCKET", &s3.bucket)
            .env("FIELDBOOK_S3_REGION", &s3.region)
            .env("FIELDBOOK_S3_ACCESS_KEY_ID", &s3.access_key_id)
            .env("FIELDBOOK_S3_SECRET_ACCESS_KEY", &s3.secret_access_key);
        if let Some(endpoint) = &s3.endpoint {
            command.env("FIELDBOOK_S3_ENDPOINT", endpoint);
        }
        if let Some(prefix) = &s3.prefix {
            command.env("FIELDBOOK_S3_PREFIX", prefix);
        }
    }
    command
}

impl Process {
    /// Start `serve` on a free port; ready once it printed its banner (after migrations).
    async fn start(
        data: &Path,
        database_url: Option<&str>,
        s3: Option<&S3Config>,
        demo: bool,
    ) -> Process {
        let mut command = shared_command("serve", data, database_url, s3);
        // Every simulated phone of these tests asks from 127.0.0.1, far faster than real ones
        // (pulling in a loop while eight writers write): the per-client request limit is not
        // what they test, and on a loaded machine it answered 429 mid-test (as the load
        // benchmark, raise it). The failed sign-in limit stays as deployed.
        command
            .args(["--addr", "127.0.0.1:0", "--requests-per-second", "100000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if demo {
            command.arg("--demo");
        }
        let mut child = command.spawn().expect("start fieldbook-server");
        let stdout = child.stdout.take().unwrap();
        let line = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).unwrap();
            line
        })
        .await
        .unwrap();
        let base = line
            .trim()
            .strip_prefix("Fieldbook is running: ")
            .unwrap_or_else(|| panic!("unexpected banner {line:?}"))
            .to_string();
        Process { child, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

async fn push(client: &Client, process: &Process, ops: &[Value]) -> OpsResponse {
    let r = client
        .post(process.url("/api/ops"))
        .json(&json!({ "ops": ops }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn put_photo(client: &Client, process: &Process, photo: &Photo) -> StatusCode {
    client
        .put(process.url(&format!("/api/photos/{}", photo.id)))
        .header("content-digest", photo.digest_header())
        .header("content-type", photo.content_type)
        .body(photo.bytes.clone())
        .send()
        .await
        .unwrap()
        .status()
}

const ROUNDS: usize = 3;

#[tokio::test]
async fn two_processes_apply_each_operation_and_photo_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let database_url = fresh_database_url().await;
    let s3 = fresh_s3();
    // The first loads the demo; the second starts on what is there (as a deployment would).
    let a = Process::start(&data, database_url.as_deref(), s3.as_ref(), true).await;
    let b = Process::start(&data, database_url.as_deref(), s3.as_ref(), false).await;
    let processes = [&a, &b];

    // One sign-in serves both: the session lives in the shared database. (Cookies are per host,
    // not per port, so this one client carries it to both.)
    let client = Client::builder().cookie_store(true).build().unwrap();
    let r = client
        .post(a.url("/api/session"))
        .json(&json!({"username": "engineer1", "password": "demo1234"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = client
        .get(b.url("/api/sync?cursor=0"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "process b knows a's session");
    let synced: fieldbook_model::SyncResponse = r.json().await.unwrap();
    let orders: Vec<Uuid> = synced.work_orders.iter().map(|o| o.id).take(4).collect();
    assert_eq!(orders.len(), 4);

    // Per order: three status steps, an hours correction and two photos, in one batch.
    let mut photos = Vec::new();
    let batches: Vec<Vec<Value>> = orders
        .iter()
        .enumerate()
        .map(|(i, &wo)| {
            let mut ops = walk_to_left("engineer1", wo);
            ops.push(correct_hours("engineer1", wo, 4000 + i as u32));
            for (n, slot) in ["nameplate", "hour_meter"].into_iter().enumerate() {
                let photo = Photo::jpeg((i * 2 + n) as u8);
                ops.push(photo.add("engineer1", wo, slot));
                photos.push(photo);
            }
            ops
        })
        .collect();
    let op_count: usize = batches.iter().map(Vec::len).sum();

    // Every batch to both processes at once, three times over.
    let mut sends = Vec::new();
    for _ in 0..ROUNDS {
        for batch in &batches {
            for process in processes {
                sends.push(push(&client, process, batch));
            }
        }
    }
    let mut outcomes: HashMap<Uuid, Vec<Outcome>> = HashMap::new();
    for response in join_all(sends).await {
        for result in response.results {
            outcomes.entry(result.id).or_default().push(result.outcome);
        }
    }
    assert_eq!(outcomes.len(), op_count);
    for (id, seen) in &outcomes {
        let applied = seen.iter().filter(|o| **o == Outcome::Applied).count();
        let duplicate = seen.iter().filter(|o| **o == Outcome::Duplicate).count();
        assert_eq!(
            (applied, duplicate),
            (1, ROUNDS * 2 - 1),
            "op {id}: {seen:?}"
        );
    }

    // Every photo's bytes to both processes at once, three times over.
    let mut puts = Vec::new();
    let client_ref = &client;
    for _ in 0..ROUNDS {
        for photo in &photos {
            for process in processes {
                puts.push(async move { (photo.id, put_photo(client_ref, process, photo).await) });
            }
        }
    }
    let mut statuses: HashMap<Uuid, Vec<StatusCode>> = HashMap::new();
    for (id, status) in join_all(puts).await {
        statuses.entry(id).or_default().push(status);
    }
    for (id, seen) in &statuses {
        let created = seen.iter().filter(|s| **s == StatusCode::CREATED).count();
        let ok = seen.iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!((created, ok), (1, ROUNDS * 2 - 1), "photo {id}: {seen:?}");
    }

    // The shared database holds each effect once, and both processes read the same orders.
    let config = fieldbook_server::Config {
        database_url: database_url.clone(),
        s3: s3.clone(),
        ..fieldbook_server::Config::new(&data)
    };
    let pool = fieldbook_server::db::open(&config.database_url())
        .await
        .unwrap();
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM applied_ops").await,
        op_count as i64
    );
    // 12 reported here, 3 of the demo's closed warranty order.
    assert_eq!(count("SELECT COUNT(*) FROM status_events").await, 15);
    assert_eq!(
        count("SELECT COUNT(*) FROM photos WHERE uploaded_at IS NOT NULL").await,
        photos.len() as i64
    );
    let store = config.photo_store().unwrap();
    let objects: Vec<String> = store
        .list(None)
        .map(|meta| meta.unwrap().location.to_string())
        .filter(|key| std::future::ready(!key.starts_with("_fieldbook")))
        .collect()
        .await;
    assert_eq!(objects.len(), photos.len(), "{objects:?}");
    for &wo in &orders {
        let read = |p: &Process| client.get(p.url(&format!("/api/work-orders/{wo}"))).send();
        let from_a: Value = read(&a).await.unwrap().json().await.unwrap();
        let from_b: Value = read(&b).await.unwrap().json().await.unwrap();
        assert_eq!(from_a, from_b);
        assert_eq!(from_a["history"].as_array().unwrap().len(), 3);
        assert_eq!(from_a["photos"].as_array().unwrap().len(), 2);
    }
    pool.close().await;
}

/// Follow `cursor` through `process` to the end (every page), keeping each order's last hours.
async fn pull_into(
    client: &Client,
    process: &Process,
    cursor: &mut i64,
    seen: &mut HashMap<Uuid, (i64, u32)>,
) {
    loop {
        let r = client
            .get(process.url(&format!("/api/sync?cursor={cursor}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let page: fieldbook_model::SyncResponse = r.json().await.unwrap();
        assert!(
            page.cursor >= *cursor,
            "the cursor went back: {} after {cursor}",
            page.cursor
        );
        for wo in page.work_orders {
            let entry = seen.entry(wo.id).or_insert((wo.seq, wo.engine_hours));
            if wo.seq >= entry.0 {
                *entry = (wo.seq, wo.engine_hours);
            }
        }
        *cursor = page.cursor;
        if !page.more {
            break;
        }
    }
}

/// Phones pull through both processes while others write through both: no change is ever
/// missed. Each order is changed exactly once, so a change a cursor skipped (committed after a
/// pull was given a cursor at or above its number) would never be pulled. On PostgreSQL the
/// writers of different orders run side by side (`db::next_seq`); on SQLite one at a time.
#[tokio::test]
async fn phones_pulling_while_others_write_miss_no_change() {
    const ORDERS: usize = 240;
    const WRITERS: usize = 8;
    const PULLERS: usize = 3;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let database_url = fresh_database_url().await;
    let generated = shared_command("demo", &data, database_url.as_deref(), None)
        .arg("--generate")
        .arg(ORDERS.to_string())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(generated.success());
    let a = Process::start(&data, database_url.as_deref(), None, false).await;
    let b = Process::start(&data, database_url.as_deref(), None, false).await;

    let signed_in = || async {
        let client = Client::builder().cookie_store(true).build().unwrap();
        let r = client
            .post(a.url("/api/session"))
            .json(&json!({"username": "engineer1", "password": "demo1234"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        client
    };
    let writer = signed_in().await;
    let mut everything = HashMap::new();
    let mut start = 0;
    pull_into(&writer, &a, &mut start, &mut everything).await;
    let mut orders: Vec<Uuid> = everything.keys().copied().collect();
    orders.sort();
    assert!(orders.len() >= ORDERS, "{}", orders.len());

    // Each phone starts from where a first pull left it, as a phone in use would.
    let mut pullers = Vec::new();
    for _ in 0..PULLERS {
        pullers.push((signed_in().await, start, everything.clone()));
    }
    let done = std::sync::atomic::AtomicBool::new(false);
    let processes = [&a, &b];
    let write = async {
        let chunks: Vec<Vec<(usize, Uuid)>> = (0..WRITERS)
            .map(|w| {
                orders
                    .iter()
                    .copied()
                    .enumerate()
                    .filter(|(i, _)| i % WRITERS == w)
                    .collect()
            })
            .collect();
        let written = join_all(chunks.iter().enumerate().map(|(w, chunk)| {
            let writer = &writer;
            async move {
                let mut written = Vec::new();
                for &(i, wo) in chunk {
                    let hours = 7000 + i as u32;
                    let response = push(
                        writer,
                        processes[(i + w) % 2],
                        &[correct_hours("engineer1", wo, hours)],
                    )
                    .await;
                    // (A closed demo order refuses it; the generated ones all take it.)
                    if response.results[0].outcome == Outcome::Applied {
                        written.push((wo, hours));
                    }
                }
                written
            }
        }))
        .await;
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        written.concat()
    };
    let pull = join_all(
        pullers
            .iter_mut()
            .enumerate()
            .map(|(p, (client, cursor, seen))| {
                let done = &done;
                async move {
                    let mut pulls = 0usize;
                    while !done.load(std::sync::atomic::Ordering::SeqCst) {
                        pull_into(client, processes[(p + pulls) % 2], cursor, seen).await;
                        pulls += 1;
                    }
                    // After the last write: one more pull from where this phone is.
                    pull_into(client, processes[p % 2], cursor, seen).await;
                    pulls
                }
            }),
    );
    let (written, pulls) = tokio::join!(write, pull);

    assert!(written.len() >= ORDERS, "{}", written.len());
    for ((_, _, seen), pulls) in pullers.iter().zip(pulls) {
        assert!(pulls > 1, "the phone pulled while the others wrote");
        for (wo, hours) in &written {
            assert_eq!(
                seen[wo].1, *hours,
                "order {wo}: its change was missed ({pulls} pulls)"
            );
        }
    }
}

/// The failed sign-in limit is kept in the shared database: failures through either process
/// count together, and the fifth (through either) locks the account on both.
#[tokio::test]
async fn the_fifth_failed_sign_in_through_either_process_locks_the_account_on_both() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let database_url = fresh_database_url().await;
    let a = Process::start(&data, database_url.as_deref(), None, true).await;
    let b = Process::start(&data, database_url.as_deref(), None, false).await;
    let sign_in = |process: &Process, password: &str| {
        Client::new()
            .post(process.url("/api/session"))
            .json(&json!({"username": "engineer1", "password": password}))
            .send()
    };
    let limit = fieldbook_server::rate_limit::RateLimits::default().sign_in_failures_per_user;
    assert_eq!(limit, 5);
    // Four failures, alternating: each process alone saw two, and the right password still works.
    for process in [&a, &b, &a, &b] {
        let r = sign_in(process, "wrong-password").await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    // The fifth, through either one (here a)...
    let r = sign_in(&a, "wrong-password").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // ...locks the account on both, even for the right password.
    for process in [&b, &a] {
        let r = sign_in(process, "demo1234").await.unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.headers().contains_key("retry-after"));
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "too_many_sign_ins", "{body}");
    }
    // Someone else signs in as usual through both.
    for process in [&a, &b] {
        let r = Client::new()
            .post(process.url("/api/session"))
            .json(&json!({"username": "engineer2", "password": "demo1234"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
}
