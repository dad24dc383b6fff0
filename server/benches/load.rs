//! Load benchmark (not a test: nothing passes or fails). Simulated phones drive real
//! `fieldbook-server serve` processes (the release binary) on one database: a real SQLite file,
//! or a fresh database on the PostgreSQL named. Every setup runs twice in the same run, "before"
//! (`FIELDBOOK_BENCH_BASELINE=1`: an operation per transaction, and on PostgreSQL the one counter
//! row locked to commit, as before issue 20) and "after", and the table gives after/before.
//!
//! Three phases per setup, each `FIELDBOOK_BENCH_SECONDS` long:
//! - **ops**: `FIELDBOOK_BENCH_PHONES` phones (default 100), each sending batches of
//!   `OPS_PER_BATCH` operations (`correct_hours` on its own orders) as fast as they are answered;
//! - **paced ops**: the same phones, each sending one batch every `PACED_EVERY` (1,000
//!   operations/s offered by 100 phones, starts spread over the interval): the latency of a
//!   server that keeps up, where the closed loop's latency is its queue (phones / throughput);
//! - **sync**: the same phones pulling with an up-to-date cursor (nothing changed), each once
//!   every `SYNC_EVERY` (a phone's pull is answered by then);
//! - **photos**: `PHOTO_PHONES` phones, each an `add_photo` then the PUT of a JPEG of at most
//!   300 KB (the issue's photo), as fast as they are answered.
//!
//! ```sh
//! FIELDBOOK_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//! FIELDBOOK_BENCH_SECONDS=5 FIELDBOOK_BENCH_PROCESSES=1,2,4 cargo bench -p fieldbook-server --bench load
//! ```
//! `FIELDBOOK_BENCH_SERVER=path` runs another build of the server (an earlier commit's release
//! binary) under the same phones, for a comparison run beside this one.
//! The PostgreSQL URL is an admin URL: each run creates its own database there.
//! (`FIELDBOOK_TEST_DATABASE_URL` is used when the bench variable is unset.) Phone `i` talks to
//! process `i mod n`, as behind a load balancer.
//!
//! Each phone connects from its own loopback address (127.0.1.x), as separate devices would;
//! a closed loop with no pause is far above a real phone's rate, so the per-client request limit
//! is raised for the run (`--requests-per-second`).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Cursor};
use std::net::IpAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use chrono::Utc;
use fieldbook_model::{Role, ServiceType, StatusNode, WorkOrder};
use fieldbook_server::users::{self, NewUser};
use fieldbook_server::{Config, db, password, work_orders};
use image::{Rgb, RgbImage};
use reqwest::Client;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::Connection;
use uuid::Uuid;

const PASSWORD: &str = "bench-password";
const ORDERS_PER_DEVICE: usize = 3;
const OPS_PER_BATCH: usize = 4;
/// Phones uploading photos in the photo phase.
const PHOTO_PHONES: usize = 10;
/// How often each phone sends a batch in the paced phase.
const PACED_EVERY: Duration = Duration::from_millis(400);
/// The bench photo's size limit (issue 20: "a 300 KB photo").
const PHOTO_BYTES: usize = 300 * 1024;
/// How often each phone pulls in the sync phase.
const SYNC_EVERY: Duration = Duration::from_millis(100);

#[derive(Default)]
struct Samples {
    latencies: HashMap<&'static str, Vec<Duration>>,
    ops_applied: usize,
    photos_stored: usize,
    requests: usize,
    errors: usize,
}

impl Samples {
    fn record(&mut self, kind: &'static str, took: Duration) {
        self.latencies.entry(kind).or_default().push(took);
        self.requests += 1;
    }

    fn merge(&mut self, other: Samples) {
        for (kind, mut l) in other.latencies {
            self.latencies.entry(kind).or_default().append(&mut l);
        }
        self.ops_applied += other.ops_applied;
        self.photos_stored += other.photos_stored;
        self.requests += other.requests;
        self.errors += other.errors;
    }

    fn percentile(&mut self, kind: &'static str, p: f64) -> String {
        let Some(l) = self.latencies.get_mut(kind) else {
            return "-".into();
        };
        if l.is_empty() {
            return "-".into();
        }
        l.sort();
        let i = ((p / 100.0) * (l.len() - 1) as f64).round() as usize;
        format!("{:.1}", l[i].as_secs_f64() * 1000.0)
    }
}

/// A photo-sized JPEG (1600x1200 with texture, like a resized phone photo): the best quality
/// whose file is at most `PHOTO_BYTES`.
fn photo_bytes() -> Vec<u8> {
    let img = RgbImage::from_fn(1600, 1200, |x, y| {
        let noise = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 24;
        Rgb([
            (x / 4) as u8 ^ noise as u8,
            (y / 3) as u8,
            ((x + y) / 7) as u8,
        ])
    });
    (10..=90u8)
        .rev()
        .step_by(5)
        .map(|quality| {
            let mut out = Cursor::new(Vec::new());
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
                .encode_image(&img)
                .unwrap();
            out.into_inner()
        })
        .find(|jpeg| jpeg.len() <= PHOTO_BYTES)
        .expect("a JPEG of the bench photo under the size limit")
}

fn order(ticket: String, assignee: &str) -> WorkOrder {
    let now = Utc::now();
    WorkOrder {
        id: Uuid::new_v4(),
        ticket,
        customer: "中建三局".into(),
        site: "武汉光谷三路工地".into(),
        equipment_model: "EC210D".into(),
        serial: "VCEC210DC00312457".into(),
        engine_hours: 3520,
        working_condition: "土方".into(),
        fault_description: "液压无力".into(),
        service_type: ServiceType::FaultRepair,
        machine_down: false,
        called_at: now,
        planned_at: now,
        assignee: assignee.into(),
        assignee_name: String::new(),
        status: StatusNode::Dispatched,
        history: Vec::new(),
        seq: 0,
        slots: Vec::new(),
        photos: Vec::new(),
        report: Default::default(),
        contact_name: String::new(),
        contact_phone: String::new(),
        companions: Vec::new(),
        station: None,
        repeat_of: None,
        first_response: None,
        departure: None,
        reviews: Vec::new(),
        closure: None,
        naming: Default::default(),
        unrepaired_reason: None,
        call_backs: Vec::new(),
        claim_expected: false,
    }
}

/// Accounts and work orders for `devices` engineers, straight into the database.
async fn seed(pool: &db::Db, devices: usize) -> Vec<(String, Vec<Uuid>)> {
    let hash = password::hash(PASSWORD.to_string()).await.unwrap();
    let mut out = Vec::new();
    for d in 0..devices {
        let username = format!("bench{d}");
        let mut conn = pool.acquire().await.unwrap();
        let user = users::insert_with_hash(
            &mut conn,
            &NewUser {
                username: username.clone(),
                display_name: format!("工程师{d}"),
                role: Role::Engineer,
                team: None,
            },
            &hash,
        )
        .await
        .unwrap();
        drop(conn);
        let mut ids = Vec::new();
        for o in 0..ORDERS_PER_DEVICE {
            let wo = order(format!("BX-BENCH-{d}-{o}"), &username);
            let mut tx = pool.begin().await.unwrap();
            let seq = db::next_seq(&mut tx).await.unwrap();
            work_orders::insert(&mut tx, &wo, &user.id, seq)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            ids.push(wo.id);
        }
        out.push((username, ids));
    }
    out
}

fn op(user: &str, kind: Value) -> Value {
    json!({
        "id": Uuid::new_v4(),
        "user": user,
        "device_id": Uuid::new_v4(),
        "device_time": Utc::now().to_rfc3339(),
        "kind": kind,
    })
}

async fn push(client: &Client, base: &str, ops: &[Value], samples: &mut Samples) -> bool {
    let started = Instant::now();
    let r = client
        .post(format!("{base}/api/ops"))
        .json(&json!({ "ops": ops }))
        .send()
        .await;
    samples.record("ops", started.elapsed());
    let Ok(r) = r else {
        samples.errors += 1;
        return false;
    };
    let Ok(body) = r.json::<Value>().await else {
        samples.errors += 1;
        return false;
    };
    let applied = body["results"].as_array().map_or(0, |rs| {
        rs.iter().filter(|r| r["outcome"] == "applied").count()
    });
    samples.ops_applied += applied;
    if applied != ops.len() {
        samples.errors += 1;
    }
    applied == ops.len()
}

#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Ops,
    Paced,
    Sync,
    Photos,
}

/// A phone signed in through `base`, from its own loopback address, and its cursor once up to
/// date (neither counted).
async fn phone(base: &str, index: usize, username: &str) -> (Client, i64) {
    let ip = IpAddr::from([127, 0, 1 + (index / 250) as u8, 1 + (index % 250) as u8]);
    let client = Client::builder()
        .cookie_store(true)
        .local_address(ip)
        .build()
        .unwrap();
    let r = client
        .post(format!("{base}/api/session"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "sign-in {}", r.status());
    let mut cursor = 0i64;
    loop {
        let body: Value = client
            .get(format!("{base}/api/sync?cursor={cursor}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        cursor = body["cursor"].as_i64().unwrap();
        if body["more"] != true {
            break;
        }
    }
    (client, cursor)
}

/// One phone's loop in `phase` until `deadline`, from `cursor` (up to date).
#[allow(clippy::too_many_arguments)]
async fn device(
    phase: Phase,
    client: Client,
    mut cursor: i64,
    base: String,
    username: String,
    orders: Vec<Uuid>,
    photo: &'static [u8],
    deadline: Instant,
) -> Samples {
    let mut samples = Samples::default();
    let sha = Sha256::digest(photo);
    let sha_hex: String = sha.iter().map(|b| format!("{b:02x}")).collect();
    let digest = format!(
        "sha-256=:{}:",
        base64::engine::general_purpose::STANDARD.encode(sha)
    );
    let mut round = 0usize;
    while Instant::now() < deadline {
        match phase {
            Phase::Sync => {
                let started = Instant::now();
                let r = client
                    .get(format!("{base}/api/sync?cursor={cursor}"))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().is_success() => {
                        let body: Value = r.json().await.unwrap_or_default();
                        samples.record("sync", started.elapsed());
                        cursor = body["cursor"].as_i64().unwrap_or(cursor);
                    }
                    _ => samples.errors += 1,
                }
                tokio::time::sleep_until((started + SYNC_EVERY).into()).await;
            }
            Phase::Ops | Phase::Paced => {
                let started = Instant::now();
                let ops: Vec<Value> = (0..OPS_PER_BATCH)
                    .map(|i| {
                        let wo = orders[(round + i) % orders.len()];
                        op(
                            &username,
                            json!({"type": "correct_hours", "work_order_id": wo, "hours": 3520 + round * OPS_PER_BATCH + i}),
                        )
                    })
                    .collect();
                push(&client, &base, &ops, &mut samples).await;
                if phase == Phase::Paced {
                    tokio::time::sleep_until((started + PACED_EVERY).into()).await;
                }
            }
            Phase::Photos => {
                let photo_id = Uuid::new_v4();
                let wo = orders[round % orders.len()];
                let add = op(
                    &username,
                    json!({
                        "type": "add_photo", "work_order_id": wo, "photo_id": photo_id,
                        "slot": "extra", "sha256": sha_hex, "bytes": photo.len(),
                        "width": 1600, "height": 1200, "content_type": "image/jpeg",
                    }),
                );
                if push(&client, &base, &[add], &mut Samples::default()).await {
                    let started = Instant::now();
                    let r = client
                        .put(format!("{base}/api/photos/{photo_id}"))
                        .header("content-digest", &digest)
                        .header("content-type", "image/jpeg")
                        .body(photo.to_vec())
                        .send()
                        .await;
                    samples.record("photo", started.elapsed());
                    match r {
                        Ok(r) if r.status().as_u16() == 201 => samples.photos_stored += 1,
                        _ => samples.errors += 1,
                    }
                } else {
                    samples.errors += 1;
                }
            }
        }
        round += 1;
    }
    samples
}

async fn fresh_pg_database(admin: &str) -> String {
    let name = format!("fbbench_{}", Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(admin).await.unwrap();
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    conn.close().await.unwrap();
    let base = admin.split('?').next().unwrap();
    format!("{}/{name}", base.rsplit_once('/').unwrap().0)
}

/// A `fieldbook-server serve` child, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(data: &Path, database_url: Option<&str>, baseline: bool) -> Server {
    // `FIELDBOOK_BENCH_SERVER` names another build of the server (an earlier commit's, to
    // compare it with this one beside it); the client side stays this bench's.
    let bin = std::env::var("FIELDBOOK_BENCH_SERVER")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_fieldbook-server").into());
    let mut command = Command::new(bin);
    command
        .arg("serve")
        .args(["--addr", "127.0.0.1:0", "--requests-per-second", "1000000"])
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .env_remove("FIELDBOOK_DATABASE_URL")
        .env("FIELDBOOK_BENCH_BASELINE", if baseline { "1" } else { "0" })
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    let mut child = command.spawn().expect("start fieldbook-server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("Fieldbook is running: ")
        .unwrap_or_else(|| panic!("unexpected banner {line:?}"))
        .to_string();
    Server { child, base }
}

/// What one setup measured.
struct Measured {
    ops_per_s: f64,
    ops_p50: f64,
    ops_p99: f64,
    paced_p50: f64,
    paced_p99: f64,
    sync_p50: f64,
    sync_p99: f64,
    photos_per_s: f64,
    photo_p50: f64,
    photo_p99: f64,
    errors: usize,
}

fn ms(samples: &mut Samples, kind: &'static str, p: f64) -> f64 {
    samples.percentile(kind, p).parse().unwrap_or(f64::NAN)
}

async fn run_phase(
    phase: Phase,
    servers: &[Server],
    accounts: &[(String, Vec<Uuid>)],
    photo: &'static [u8],
    seconds: u64,
) -> (Samples, f64) {
    let phones = if phase == Phase::Photos {
        &accounts[..PHOTO_PHONES.min(accounts.len())]
    } else {
        accounts
    };
    let mut clients = Vec::new();
    for (i, (user, _)) in phones.iter().enumerate() {
        let base = servers[i % servers.len()].base.clone();
        clients.push((phone(&base, i, user).await, base));
    }
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let count = phones.len() as u32;
    let tasks: Vec<_> = clients
        .into_iter()
        .zip(phones)
        .enumerate()
        .map(|(i, (((client, cursor), base), (user, orders)))| {
            let (user, orders) = (user.clone(), orders.clone());
            tokio::spawn(async move {
                // Paced phones start spread over the interval, as phones do.
                if phase == Phase::Paced {
                    tokio::time::sleep(PACED_EVERY * i as u32 / count).await;
                }
                device(phase, client, cursor, base, user, orders, photo, deadline).await
            })
        })
        .collect();
    let mut all = Samples::default();
    for task in tasks {
        all.merge(task.await.unwrap());
    }
    (all, started.elapsed().as_secs_f64())
}

async fn run(
    database_url: Option<String>,
    processes: usize,
    baseline: bool,
    phones: usize,
    seconds: u64,
    photo: &'static [u8],
) -> Measured {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        database_url: database_url.clone(),
        ..Config::new(dir.path().join("data"))
    };
    std::fs::create_dir_all(&config.data_dir).unwrap();
    // Migrated and seeded here; the database remembers nothing of how it will be run.
    let pool = db::open(&config.database_url()).await.unwrap();
    let accounts = seed(&pool, phones).await;
    if database_url.is_some() {
        // Seeded with the sequence; the "before" server numbers from the counter row.
        sqlx::query("UPDATE sync_sequence SET value = (SELECT last_value FROM sync_seq)")
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
    let servers: Vec<Server> = (0..processes)
        .map(|_| start_server(&config.data_dir, database_url.as_deref(), baseline))
        .collect();

    let (mut ops, ops_s) = run_phase(Phase::Ops, &servers, &accounts, photo, seconds).await;
    let (mut paced, _) = run_phase(Phase::Paced, &servers, &accounts, photo, seconds).await;
    let (mut sync, _) = run_phase(Phase::Sync, &servers, &accounts, photo, seconds).await;
    let (mut photos, photos_s) =
        run_phase(Phase::Photos, &servers, &accounts, photo, seconds).await;
    drop(servers);
    Measured {
        ops_per_s: ops.ops_applied as f64 / ops_s,
        ops_p50: ms(&mut ops, "ops", 50.0),
        ops_p99: ms(&mut ops, "ops", 99.0),
        paced_p50: ms(&mut paced, "ops", 50.0),
        paced_p99: ms(&mut paced, "ops", 99.0),
        sync_p50: ms(&mut sync, "sync", 50.0),
        sync_p99: ms(&mut sync, "sync", 99.0),
        photos_per_s: photos.photos_stored as f64 / photos_s,
        photo_p50: ms(&mut photos, "photo", 50.0),
        photo_p99: ms(&mut photos, "photo", 99.0),
        errors: ops.errors + paced.errors + sync.errors + photos.errors,
    }
}

fn row(database: &str, processes: usize, version: &str, m: &Measured) {
    println!(
        "| {database} | {processes} | {version} | {:.0} | {:.1} / {:.1} | {:.1} / {:.1} | {:.2} / {:.1} | {:.1} | {:.0} / {:.0} | {} |",
        m.ops_per_s,
        m.ops_p50,
        m.ops_p99,
        m.paced_p50,
        m.paced_p99,
        m.sync_p50,
        m.sync_p99,
        m.photos_per_s,
        m.photo_p50,
        m.photo_p99,
        m.errors,
    );
}

fn ratio_row(before: &Measured, after: &Measured) {
    // Throughput: after/before (higher is better); latency: before/after (higher is better).
    let up = |a: f64, b: f64| format!("{:.1}x", a / b);
    println!(
        "| | | **after vs before** | **{}** | {} / {} faster | {} / {} faster | {} / {} faster | **{}** | {} / {} faster | |",
        up(after.ops_per_s, before.ops_per_s),
        up(before.ops_p50, after.ops_p50),
        up(before.ops_p99, after.ops_p99),
        up(before.paced_p50, after.paced_p50),
        up(before.paced_p99, after.paced_p99),
        up(before.sync_p50, after.sync_p50),
        up(before.sync_p99, after.sync_p99),
        up(after.photos_per_s, before.photos_per_s),
        up(before.photo_p50, after.photo_p50),
        up(before.photo_p99, after.photo_p99),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    let list = |name: &str, default: &str| -> Vec<usize> {
        std::env::var(name)
            .unwrap_or_else(|_| default.into())
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect()
    };
    let phones = list("FIELDBOOK_BENCH_PHONES", "100")[0];
    let processes = list("FIELDBOOK_BENCH_PROCESSES", "1,2,4");
    let seconds: u64 = std::env::var("FIELDBOOK_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let pg = std::env::var("FIELDBOOK_BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("FIELDBOOK_TEST_DATABASE_URL"))
        .ok()
        .filter(|u| !u.is_empty());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let photo: &'static [u8] = Box::leak(photo_bytes().into_boxed_slice());
        println!(
            "Fieldbook load: {seconds} s per phase, {} cores, {} phones ({} for photos). ops: batches of \
             {OPS_PER_BATCH} operations, closed loop; paced ops: a batch every {} ms per phone; sync: an unchanged pull every {} ms per phone; \
             photos: add_photo + PUT of a {} KB 1600x1200 JPEG, closed loop. Latency in ms, p50 / p99.",
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            phones,
            PHOTO_PHONES.min(phones),
            PACED_EVERY.as_millis(),
            SYNC_EVERY.as_millis(),
            photo.len() / 1024,
        );
        println!();
        println!(
            "| database | processes | version | ops applied/s | ops p50 / p99 | paced ops p50 / p99 | unchanged sync p50 / p99 | photos/s | photo PUT p50 / p99 | errors |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|");
        let before = run(None, 1, true, phones, seconds, photo).await;
        row("SQLite", 1, "before", &before);
        let after = run(None, 1, false, phones, seconds, photo).await;
        row("SQLite", 1, "after", &after);
        ratio_row(&before, &after);
        match &pg {
            Some(admin) => {
                for &n in &processes {
                    let before = run(Some(fresh_pg_database(admin).await), n, true, phones, seconds, photo).await;
                    row("PostgreSQL", n, "before", &before);
                    let after = run(Some(fresh_pg_database(admin).await), n, false, phones, seconds, photo).await;
                    row("PostgreSQL", n, "after", &after);
                    ratio_row(&before, &after);
                }
            }
            None => eprintln!("(no FIELDBOOK_BENCH_DATABASE_URL: PostgreSQL skipped)"),
        }
    });
}
