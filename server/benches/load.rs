//! Load benchmark (not a test: nothing passes or fails). N simulated phones sign in, then as
//! fast as the server answers: pull (`GET /api/sync`), push a batch of operations, and every
//! third round add a photo (its `add_photo` operation, then `PUT` of a real ~100 KB JPEG). The
//! server runs in this process on 127.0.0.1 with a real SQLite file and, when a PostgreSQL URL is
//! given, on PostgreSQL; photos go to a local folder. Prints operations applied per second and
//! p50/p99 latency per kind of request.
//!
//! ```sh
//! cargo bench -p fieldbook-server --bench load
//! FIELDBOOK_BENCH_DEVICES=10,50,100 FIELDBOOK_BENCH_SECONDS=15 \
//! FIELDBOOK_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench -p fieldbook-server --bench load
//! ```
//! The PostgreSQL URL is an admin URL: each run creates its own database there.
//! (`FIELDBOOK_TEST_DATABASE_URL` is used when the bench variable is unset.)
//!
//! Each phone connects from its own loopback address (127.0.1.x), as separate devices would,
//! so the per-client request limit applies to each as in production; a closed loop with no
//! pause is far above a real phone's rate, so the limit is raised for the run.

use std::collections::HashMap;
use std::io::Cursor;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use base64::Engine;
use chrono::Utc;
use fieldbook_model::{Role, ServiceType, StatusNode, WorkOrder};
use fieldbook_server::rate_limit::RateLimits;
use fieldbook_server::users::{self, NewUser};
use fieldbook_server::{Config, db, password, work_orders};
use image::{ImageFormat, Rgb, RgbImage};
use reqwest::Client;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::Connection;
use uuid::Uuid;

const PASSWORD: &str = "bench-password";
const ORDERS_PER_DEVICE: usize = 3;
const OPS_PER_BATCH: usize = 4;

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

/// A photo-sized JPEG (1024x768 with texture, like a resized phone photo).
fn photo_bytes() -> Vec<u8> {
    let img = RgbImage::from_fn(1024, 768, |x, y| {
        let noise = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 24;
        Rgb([
            (x / 4) as u8 ^ noise as u8,
            (y / 3) as u8,
            ((x + y) / 7) as u8,
        ])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Jpeg).unwrap();
    out.into_inner()
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

/// One phone's loop until `deadline`.
async fn device(
    base: String,
    index: usize,
    username: String,
    orders: Vec<Uuid>,
    photo: &'static [u8],
    deadline: Instant,
) -> Samples {
    let mut samples = Samples::default();
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
    let sha = Sha256::digest(photo);
    let sha_hex: String = sha.iter().map(|b| format!("{b:02x}")).collect();
    let digest = format!(
        "sha-256=:{}:",
        base64::engine::general_purpose::STANDARD.encode(sha)
    );
    let mut cursor = 0i64;
    let mut round = 0usize;
    while Instant::now() < deadline {
        let started = Instant::now();
        let r = client
            .get(format!("{base}/api/sync?cursor={cursor}"))
            .send()
            .await;
        samples.record("sync", started.elapsed());
        match r {
            Ok(r) if r.status().is_success() => {
                let body: Value = r.json().await.unwrap_or_default();
                cursor = body["cursor"].as_i64().unwrap_or(cursor);
            }
            _ => samples.errors += 1,
        }

        let ops: Vec<Value> = (0..OPS_PER_BATCH)
            .map(|i| {
                let wo = orders[(round + i) % orders.len()];
                op(
                    &username,
                    json!({"type": "correct_hours", "work_order_id": wo, "hours": 3520 + round + i}),
                )
            })
            .collect();
        push(&client, &base, &ops, &mut samples).await;

        if round.is_multiple_of(3) {
            let photo_id = Uuid::new_v4();
            let wo = orders[round % orders.len()];
            let add = op(
                &username,
                json!({
                    "type": "add_photo", "work_order_id": wo, "photo_id": photo_id,
                    "slot": "extra", "sha256": sha_hex, "bytes": photo.len(),
                    "width": 1024, "height": 768, "content_type": "image/jpeg",
                }),
            );
            if push(&client, &base, &[add], &mut samples).await {
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

async fn run(backend: &str, database_url: Option<String>, devices: usize, seconds: u64) {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        database_url,
        rate_limits: RateLimits {
            request_burst: 100_000,
            requests_per_second: 100_000.0,
            ..RateLimits::default()
        },
        ..Config::new(dir.path().join("data"))
    };
    std::fs::create_dir_all(&config.data_dir).unwrap();
    let pool = db::open(&config.database_url()).await.unwrap();
    let accounts = seed(&pool, devices).await;
    pool.close().await;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(fieldbook_server::serve_until(config, listener, async {
        let _ = stopped.await;
    }));
    let client = Client::new();
    for _ in 0..400 {
        if client
            .get(format!("{base}/api/health"))
            .send()
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    let photo: &'static [u8] = Box::leak(photo_bytes().into_boxed_slice());
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let tasks: Vec<_> = accounts
        .into_iter()
        .enumerate()
        .map(|(i, (user, orders))| {
            tokio::spawn(device(base.clone(), i, user, orders, photo, deadline))
        })
        .collect();
    let mut all = Samples::default();
    for task in tasks {
        all.merge(task.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    let _ = stop.send(());
    server.await.unwrap().unwrap();

    println!(
        "| {backend} | {devices} | {:.0} | {:.0} | {:.1} | {} / {} | {} / {} | {} / {} | {} |",
        all.requests as f64 / elapsed,
        all.ops_applied as f64 / elapsed,
        all.photos_stored as f64 / elapsed,
        all.percentile("sync", 50.0),
        all.percentile("sync", 99.0),
        all.percentile("ops", 50.0),
        all.percentile("ops", 99.0),
        all.percentile("photo", 50.0),
        all.percentile("photo", 99.0),
        all.errors,
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    let devices: Vec<usize> = std::env::var("FIELDBOOK_BENCH_DEVICES")
        .unwrap_or_else(|_| "10,50".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let seconds: u64 = std::env::var("FIELDBOOK_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let pg = std::env::var("FIELDBOOK_BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("FIELDBOOK_TEST_DATABASE_URL"))
        .ok()
        .filter(|u| !u.is_empty());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!(
            "Fieldbook load: {seconds} s per row, {} cores; per round a phone syncs, sends {OPS_PER_BATCH} \
             operations, and every third round one ~{} KB photo (add_photo + PUT). Latency in ms.",
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            photo_bytes().len() / 1024
        );
        println!();
        println!(
            "| database | phones | requests/s | ops applied/s | photos/s | sync p50 / p99 | ops p50 / p99 | photo PUT p50 / p99 | errors |"
        );
        println!("|---|---|---|---|---|---|---|---|---|");
        for &n in &devices {
            run("SQLite", None, n, seconds).await;
            match &pg {
                Some(admin) => {
                    let url = fresh_pg_database(admin).await;
                    run("PostgreSQL", Some(url), n, seconds).await;
                }
                None => {
                    if n == devices[0] {
                        eprintln!("(no FIELDBOOK_BENCH_DATABASE_URL: PostgreSQL skipped)");
                    }
                }
            }
        }
    });
}
