//! Reports and scorecards at the company's size (issue 18; not a test: nothing passes or
//! fails). The demo plus `FIELDBOOK_BENCH_STAFF` field staff (default 2000) with a year of
//! their engineers' closed orders (`fieldbook_server::demo_staff`, as `fieldbook-server demo
//! --demo-staff 2000` makes them), then each scorecard (and each report endpoint) timed for
//! last month, `RUNS` times, median and min-max in ms:
//! - "before": the cards and trends computed from the orders read whole, every time (the way
//!   before the summaries: `compute_from_orders`, `*_series_from_orders`), measured here
//!   beside the rest;
//! - "after": the same through `scorecard_summaries` (the kept cards of periods that are
//!   over, checked against their source; the first, untimed run writes them);
//! - "HTTP": the endpoint as the office calls it (JSON or the .xlsx), through a real server.
//!
//! Below the table: the first ask of the department's weekly trend with nothing kept (the
//! summaries emptied), which computes and writes every card.
//!
//! ```sh
//! cargo bench -p fieldbook-server --bench reports
//! FIELDBOOK_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!   cargo bench -p fieldbook-server --bench reports
//! ```
//! With a PostgreSQL URL (an admin URL: the run creates its own database there) it runs on
//! PostgreSQL too. `FIELDBOOK_BENCH_ORDERS_PER_MONTH` (default 8) sets each engineer's orders
//! a month: 2000 staff are 500 engineers, so 48,000 orders in the year by default.

use std::time::Instant;

use chrono::{Datelike, Utc};
use fieldbook_model::Role;
use fieldbook_model::complaints::china_date;
use fieldbook_model::reports::PeriodKind;
use fieldbook_model::scorecard::Month;
use fieldbook_model::scorecard::trend::trend_periods;
use fieldbook_server::routes::scorecards;
use fieldbook_server::routes::{
    agent_scorecards, cleaning_scorecards, scorecard_trends, supervisor_scorecards,
};
use fieldbook_server::{Config, demo_staff};
use reqwest::Client;
use serde_json::json;
use sqlx::Connection;
use uuid::Uuid;

const RUNS: usize = 5;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Median, min and max of `RUNS` runs of `f` (after one to warm up), in ms.
async fn time<F, Fut, T>(mut f: F) -> (f64, f64, f64)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    std::hint::black_box(f().await);
    let mut runs = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        std::hint::black_box(f().await);
        runs.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    runs.sort_by(f64::total_cmp);
    (runs[RUNS / 2], runs[0], runs[RUNS - 1])
}

fn cell((median, min, max): (f64, f64, f64)) -> String {
    format!("{median:.0} ({min:.0}–{max:.0})")
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

async fn setup(name: &str, database_url: Option<String>, staff: usize, per_month: usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    config.database_url = database_url;
    config.demo = true;
    config.rate_limits.requests_per_second = 1_000_000.0;
    config.rate_limits.request_burst = 1_000_000;
    let (_, state) = fieldbook_server::build(&config).await.unwrap();
    let started = Instant::now();
    let made = demo_staff::generate(&state.db, staff, 12, per_month, Utc::now())
        .await
        .unwrap();
    let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM work_orders")
        .fetch_one(&state.db)
        .await
        .unwrap();
    println!(
        "{name}: {} field staff ({} engineers), {} orders made in {:.0} s; {orders} orders in all.",
        staff,
        made.engineers,
        made.work_orders,
        started.elapsed().as_secs_f64()
    );
    let this = china_date(Utc::now());
    let month = Month {
        year: this.year(),
        month: this.month(),
    }
    .previous();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let served = config.clone();
    tokio::spawn(async move {
        fieldbook_server::serve_until(served, listener, std::future::pending())
            .await
            .unwrap()
    });
    let sign_in = |username: String| {
        let base = base.clone();
        async move {
            let client = Client::builder().cookie_store(true).build().unwrap();
            let r = client
                .post(format!("{base}/api/session"))
                .json(&json!({"username": username, "password": "demo1234"}))
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "sign-in {}", r.status());
            client
        }
    };
    let manager = sign_in("manager1".into()).await;
    let engineer = sign_in(demo_staff::engineer_name(0)).await;

    let db = state.db.clone();
    let mut conn = db.acquire().await.unwrap();
    let all = scorecards::engineers_of(&mut conn, None).await.unwrap();
    let station = all[0].team.clone();
    println!();
    println!("| {name}, {month} | before ms | after ms | after/before | HTTP ms |");
    println!("|---|---|---|---|---|");
    let get = |client: &Client, path: String| {
        let (client, url) = (client.clone(), format!("{base}{path}"));
        async move {
            let r = client.get(url).send().await.unwrap();
            assert!(r.status().is_success(), "{}", r.status());
            r.bytes().await.unwrap().len()
        }
    };
    for (what, station, path) in [
        (
            "every engineer's scorecard (the manager)",
            None,
            Some(format!("/api/scorecards/engineers?month={month}")),
        ),
        ("a station's 25 engineers (its head)", station.clone(), None),
    ] {
        let b = time(|| {
            let (db, station) = (db.clone(), station.clone());
            async move {
                let mut conn = db.acquire().await.unwrap();
                let engineers = scorecards::engineers_of(&mut conn, station.as_deref())
                    .await
                    .unwrap();
                scorecards::compute_from_orders(&mut conn, engineers, month, None, Utc::now())
                    .await
                    .unwrap()
                    .cards
                    .len()
            }
        })
        .await;
        let a = time(|| {
            let (db, station) = (db.clone(), station.clone());
            async move {
                let mut conn = db.acquire().await.unwrap();
                let engineers = scorecards::engineers_of(&mut conn, station.as_deref())
                    .await
                    .unwrap();
                scorecards::compute(&mut conn, engineers, month, None, Utc::now())
                    .await
                    .unwrap()
                    .cards
                    .len()
            }
        })
        .await;
        let h = match path {
            Some(path) => format!(
                "{} ({path})",
                cell(time(|| get(&manager, path.clone())).await)
            ),
            None => String::new(),
        };
        println!(
            "| {what} | {} | {} | {:.3} | {h} |",
            cell(b),
            cell(a),
            a.0 / b.0,
        );
    }
    let b = time(|| {
        let db = db.clone();
        async move {
            let mut conn = db.acquire().await.unwrap();
            agent_scorecards::compute_from_orders(&mut conn, month, None, Utc::now())
                .await
                .unwrap()
                .cards
                .len()
        }
    })
    .await;
    let a = time(|| {
        let db = db.clone();
        async move {
            let mut conn = db.acquire().await.unwrap();
            agent_scorecards::compute(&mut conn, month, None, Utc::now())
                .await
                .unwrap()
                .cards
                .len()
        }
    })
    .await;
    let path = format!("/api/scorecards/agents?month={month}");
    let h = time(|| get(&manager, path.clone())).await;
    println!(
        "| the 400 agents' scorecards | {} | {} | {:.3} | {} ({path}) |",
        cell(b),
        cell(a),
        a.0 / b.0,
        cell(h)
    );
    let a = time(|| {
        let db = db.clone();
        async move {
            let mut conn = db.acquire().await.unwrap();
            supervisor_scorecards::compute(&mut conn, month, None, Utc::now())
                .await
                .unwrap()
                .cards
                .len()
        }
    })
    .await;
    let path = format!("/api/scorecards/supervisors?month={month}");
    let h = time(|| get(&manager, path.clone())).await;
    println!(
        "| the cleaning supervisors' scorecards | | {} | | {} ({path}) |",
        cell(a),
        cell(h)
    );
    let a = time(|| {
        let db = db.clone();
        async move {
            let mut conn = db.acquire().await.unwrap();
            cleaning_scorecards::compute(&mut conn, month, None, Utc::now())
                .await
                .unwrap()
                .teams
                .len()
        }
    })
    .await;
    let path = format!("/api/scorecards/cleaning?month={month}");
    let h = time(|| get(&manager, path.clone())).await;
    println!(
        "| the cleaning scorecards (per team and cleaner) | | {} | | {} ({path}) |",
        cell(a),
        cell(h)
    );
    let path = format!("/api/scorecards/engineers?month={month}&format=xlsx");
    let h = time(|| get(&manager, path.clone())).await;
    println!(
        "| every engineer's, as .xlsx | | | | {} ({path}) |",
        cell(h)
    );
    let path = format!("/api/scorecards/me?month={month}");
    let h = time(|| get(&engineer, path.clone())).await;
    println!(
        "| an engineer's own (the phone) | | | | {} ({path}) |",
        cell(h)
    );
    // The trends: the 12 months ending with last month (by month, 12 points; by week, 52 to
    // 54), before (the year's orders read whole, every period computed) and after (the kept
    // cards), then through the server.
    let who = demo_staff::engineer_name(0);
    let who_id: String = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(&who)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let everyone: Vec<String> = all.iter().map(|e| e.username.clone()).collect();
    let agents: Vec<String> =
        sqlx::query_scalar("SELECT username FROM users WHERE role = $1 ORDER BY username")
            .bind(Role::Dispatcher.as_str())
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    let one = vec![who.clone()];
    for (what, engineers, agent, by, path) in [
        (
            "an engineer's trend, 12 months",
            Some((&one, Some(who_id.as_str()))),
            None,
            PeriodKind::Month,
            format!("/api/scorecards/engineers/trend?who={who}&month={month}"),
        ),
        (
            "an engineer's trend, the year's weeks",
            Some((&one, Some(who_id.as_str()))),
            None,
            PeriodKind::Week,
            format!("/api/scorecards/engineers/trend?who={who}&month={month}&by=week"),
        ),
        (
            "the department's trend (every engineer), 12 months",
            Some((&everyone, None)),
            None,
            PeriodKind::Month,
            format!("/api/scorecards/engineers/trend?month={month}"),
        ),
        (
            "the department's trend (every engineer), the year's weeks",
            Some((&everyone, None)),
            None,
            PeriodKind::Week,
            format!("/api/scorecards/engineers/trend?month={month}&by=week"),
        ),
        (
            "the 400 agents' trend, the year's weeks",
            None,
            Some(&agents),
            PeriodKind::Week,
            format!("/api/scorecards/agents/trend?month={month}&by=week"),
        ),
    ] {
        let periods = trend_periods(by, month, Utc::now());
        let periods = &periods;
        let run = |fast: bool| {
            let db = db.clone();
            async move {
                let mut conn = db.acquire().await.unwrap();
                let as_of = Utc::now();
                let series = match (engineers, agent) {
                    (Some((names, id)), _) => {
                        let names: Vec<&str> = names.iter().map(String::as_str).collect();
                        if fast {
                            scorecard_trends::engineer_series(&mut conn, &names, periods, id, as_of)
                                .await
                        } else {
                            scorecard_trends::engineer_series_from_orders(
                                &mut conn, &names, periods, id, as_of,
                            )
                            .await
                        }
                    }
                    (None, Some(names)) => {
                        let names: Vec<&str> = names.iter().map(String::as_str).collect();
                        if fast {
                            scorecard_trends::agent_series(&mut conn, &names, periods, as_of).await
                        } else {
                            scorecard_trends::agent_series_from_orders(
                                &mut conn, &names, periods, as_of,
                            )
                            .await
                        }
                    }
                    (None, None) => unreachable!("a trend of engineers or agents"),
                };
                series.unwrap().len()
            }
        };
        let b = time(|| run(false)).await;
        let a = time(|| run(true)).await;
        let h = time(|| get(&manager, path.clone())).await;
        println!(
            "| {what} | {} | {} | {:.3} | {} ({path}) |",
            cell(b),
            cell(a),
            a.0 / b.0,
            cell(h)
        );
    }
    let path = format!("/api/scorecards/supervisors/trend?month={month}&by=week");
    let h = time(|| get(&manager, path.clone())).await;
    println!(
        "| the supervisors' trend, the year's weeks | | | | {} ({path}) |",
        cell(h)
    );
    // The first ask with nothing kept: every card of the year's weeks computed and written.
    sqlx::query("DELETE FROM scorecard_summaries")
        .execute(&mut *conn)
        .await
        .unwrap();
    let path = format!("/api/scorecards/engineers/trend?month={month}&by=week");
    let started = Instant::now();
    get(&manager, path.clone()).await;
    let cold = started.elapsed().as_secs_f64() * 1000.0;
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM scorecard_summaries")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    println!();
    println!("{name}: the first ask with nothing kept ({path}): {cold:.0} ms, {kept} cards kept.");
    // The report endpoints (issue 18's reports) join this table as they land on main.
    drop(conn);
    state.db.close().await;
}

fn main() {
    let staff = env_usize("FIELDBOOK_BENCH_STAFF", 2000);
    let per_month = env_usize("FIELDBOOK_BENCH_ORDERS_PER_MONTH", 8);
    let pg = std::env::var("FIELDBOOK_BENCH_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!(
            "Reports and scorecards, last month of a year for {staff} field staff; {RUNS} runs, \
             ms median (min–max)."
        );
        setup("SQLite", None, staff, per_month).await;
        match pg {
            Some(admin) => {
                let url = fresh_pg_database(&admin).await;
                setup("PostgreSQL", Some(url), staff, per_month).await;
            }
            None => eprintln!("(no FIELDBOOK_BENCH_DATABASE_URL: PostgreSQL skipped)"),
        }
    });
}
