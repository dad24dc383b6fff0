//! Operators' account commands and the work-order import, run as the real binary against a
//! running server's database, with their effect seen over HTTP.

use std::process::{Command, Output};

use fieldbook_model::ServiceType;
use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::harness::{TestServer, assert_error, my_orders};

/// `fieldbook-server <args>` on the server's database.
fn cli(server: &TestServer, args: &[&str], password: Option<&str>) -> Output {
    let config = server.config();
    let mut command = Command::new(env!("CARGO_BIN_EXE_fieldbook-server"));
    command
        .args(args)
        .arg("--data-dir")
        .arg(&config.data_dir)
        .arg("--database-url")
        .arg(config.database_url())
        .env_remove("FIELDBOOK_PASSWORD")
        .env_remove("FIELDBOOK_DATABASE_URL");
    if let Some(password) = password {
        command.env("FIELDBOOK_PASSWORD", password);
    }
    command.output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn session_status(server: &TestServer, client: &Client) -> StatusCode {
    client
        .get(server.url("/api/session"))
        .send()
        .await
        .unwrap()
        .status()
}

async fn sign_in(server: &TestServer, user: &str, password: &str) -> reqwest::Response {
    server
        .client()
        .post(server.url("/api/session"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn disabling_ends_every_session_at_once_and_enabling_lets_them_back() {
    let server = TestServer::with_demo().await;
    let phone = server.signed_in("engineer1").await;
    let tablet = server.signed_in("engineer1").await;
    let colleague = server.signed_in("engineer2").await;

    let out = cli(&server, &["disable-user", "--username", "engineer1"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("2 session(s) ended"),
        "{}",
        stdout(&out)
    );

    for client in [&phone, &tablet] {
        let r = client
            .get(server.url("/api/sync?cursor=0"))
            .send()
            .await
            .unwrap();
        assert_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
    let r = sign_in(&server, "engineer1", "demo1234").await;
    assert_error(r, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    assert_eq!(session_status(&server, &colleague).await, StatusCode::OK);

    let out = cli(&server, &["enable-user", "--username", "engineer1"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        sign_in(&server, "engineer1", "demo1234").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_password_reset_ends_sessions_and_only_the_new_password_works() {
    let server = TestServer::with_demo().await;
    let phone = server.signed_in("engineer1").await;

    let out = cli(
        &server,
        &["reset-password", "--username", "engineer1"],
        Some("short"),
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("at least 8 characters"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        session_status(&server, &phone).await,
        StatusCode::OK,
        "a refused reset changes nothing"
    );

    let out = cli(
        &server,
        &["reset-password", "--username", "engineer1"],
        Some("new-secret-9"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        session_status(&server, &phone).await,
        StatusCode::UNAUTHORIZED
    );
    let r = sign_in(&server, "engineer1", "demo1234").await;
    assert_error(r, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    assert_eq!(
        sign_in(&server, "engineer1", "new-secret-9").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_role_change_applies_to_the_next_request() {
    let server = TestServer::with_demo().await;
    let client = server.signed_in("engineer1").await;
    let list = || client.get(server.url("/api/work-orders")).send();
    assert_error(list().await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;

    let out = cli(
        &server,
        &[
            "set-role",
            "--username",
            "engineer1",
            "--role",
            "dispatcher",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        list().await.unwrap().status(),
        StatusCode::OK,
        "same session, new role"
    );

    let out = cli(
        &server,
        &["set-role", "--username", "engineer1", "--role", "admin"],
        None,
    );
    assert!(!out.status.success());
    let out = cli(
        &server,
        &["set-role", "--username", "nobody", "--role", "cleaner"],
        None,
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no user named 'nobody'"),
        "{}",
        stderr(&out)
    );
    let out = cli(&server, &["disable-user", "--username", "nobody"], None);
    assert!(!out.status.success());
}

const HEADER: &str = "ticket,customer,site,equipment_model,serial,engine_hours,working_condition,\
fault_description,service_type,machine_down,called_at,planned_at,assignee";

#[tokio::test]
async fn the_import_reports_each_refused_line_and_imports_the_rest() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let before = my_orders(&server, &e1).await.len();
    let csv = [
        HEADER,
        "BX-IMP-001,中建三局,\"武汉光谷三路工地, 2号门\",EC210D,VCEC210DC00399001,1200,土方,\"液压无力，\"\"偶发\"\"\",故障维修,是,2026-11-27 08:30,2026-11-28 09:00,engineer1",
        "BX-IMP-002,华润置地,深圳湾,SY215C,SY215CAC6218K0999,800,破碎,,periodic_maintenance,no,2026-11-27T00:30:00Z,2026-11-29 09:00,engineer1",
        "BX-IMP-001,重复,x,EC210D,S1,1,x,,fault_repair,no,2026-11-27 08:30,2026-11-28 09:00,engineer1",
        "BX-IMP-003,x,x,EC210D,S1,lots,x,,fault_repair,no,2026-11-27 08:30,2026-11-28 09:00,engineer1",
        "BX-IMP-004,x,x,EC210D,S1,1,x,,fix_it,no,2026-11-27 08:30,2026-11-28 09:00,engineer1",
        "BX-IMP-005,x,x,EC210D,S1,1,x,,fault_repair,no,yesterday,2026-11-28 09:00,engineer1",
        "BX-IMP-006,x,x,EC210D,S1,1,x,,fault_repair,no,2026-11-27 08:30,2026-11-28 09:00,cleaner1",
        "BX-IMP-007,x,x,EC210D,S1,1,x,,fault_repair,no,2026-11-27 08:30,2026-11-28 09:00,nobody",
        "BX-IMP-008,x,x,EC210D,S1,1,x",
        "BX-IMP-009,,x,EC210D,S1,1,x,,fault_repair,no,2026-11-27 08:30,2026-11-28 09:00,engineer1",
        "BX-IMP-010,x,x,EC210D,S1,1,x,,fault_repair,maybe,2026-11-27 08:30,2026-11-28 09:00,engineer1",
    ]
    .join("\n");
    let file = server.data.path().join("orders.csv");
    std::fs::write(&file, &csv).unwrap();
    let out = cli(
        &server,
        &["import-work-orders", "--file", file.to_str().unwrap()],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "refused lines make the exit status 1"
    );
    let report = stdout(&out);
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(
        lines,
        vec![
            "line 2: imported BX-IMP-001",
            "line 3: imported BX-IMP-002",
            "line 4: refused: ticket BX-IMP-001 appears twice in this file",
            "line 5: refused: engine_hours 'lots' is not a whole number of hours",
            "line 6: refused: service_type 'fix_it' is not one of fault_repair, periodic_maintenance, \
             arrival_inspection, pre_delivery_inspection, new_machine_handover, \
             technical_modification, patrol_inspection, stock_maintenance, customer_visit",
            "line 7: refused: called_at 'yesterday' is not a time like 2026-11-27 08:30",
            "line 8: refused: 'cleaner1' is not an engineer",
            "line 9: refused: no user named 'nobody'",
            "line 10: refused: 7 fields, the header has 13",
            "line 11: refused: customer is empty",
            "line 12: refused: machine_down 'maybe' is not yes or no",
            "2 imported, 9 refused",
        ],
        "{report}"
    );

    // The engineer's next sync brings exactly the two, as the dispatcher wrote them.
    let orders = my_orders(&server, &e1).await;
    assert_eq!(orders.len(), before + 2);
    let first = orders.iter().find(|o| o.ticket == "BX-IMP-001").unwrap();
    assert_eq!(first.site, "武汉光谷三路工地, 2号门");
    assert_eq!(first.fault_description, "液压无力，\"偶发\"");
    assert_eq!(first.service_type, ServiceType::FaultRepair);
    assert!(first.machine_down);
    assert_eq!(first.engine_hours, 1200);
    assert_eq!(
        first.called_at.to_rfc3339(),
        "2026-11-27T00:30:00+00:00",
        "08:30 at +08:00"
    );
    assert!(!first.slots.is_empty(), "its photo slots come with it");
    let second = orders.iter().find(|o| o.ticket == "BX-IMP-002").unwrap();
    assert_eq!(second.called_at, first.called_at);
    assert!(!second.machine_down);

    // The same file again: nothing new, every line says why.
    let out = cli(
        &server,
        &["import-work-orders", "--file", file.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("line 2: refused: ticket BX-IMP-001 already exists"));
    assert!(stdout(&out).contains("0 imported, 11 refused"));
    assert_eq!(my_orders(&server, &e1).await.len(), before + 2);

    // What the file holds reaches the operator's terminal escaped: a ticket carrying terminal
    // control sequences (clear the screen, set the window title) is shown, never acted on.
    let hostile = format!(
        "{HEADER}\nBX-\u{1b}[2J\u{1b}]0;pwned\u{7}\u{202e}1,x,x,EC210D,S1,lots,x,,fault_repair,no,2026-11-27 08:30,2026-11-28 09:00,engineer1\n"
    );
    std::fs::write(&file, hostile).unwrap();
    let out = cli(
        &server,
        &["import-work-orders", "--file", file.to_str().unwrap()],
        None,
    );
    let report = stdout(&out);
    assert!(
        !report.contains('\u{1b}') && !report.contains('\u{7}') && !report.contains('\u{202e}'),
        "{report:?}"
    );
    assert!(report.contains("\\u{1b}[2J"), "{report}");

    // A header the import does not know is refused whole, before any line.
    std::fs::write(&file, "ticket,colour\u{1b}[31m\nBX-1,red\n").unwrap();
    let out = cli(
        &server,
        &["import-work-orders", "--file", file.to_str().unwrap()],
        None,
    );
    assert!(!out.status.success());
    assert!(!stderr(&out).contains('\u{1b}'), "{:?}", stderr(&out));
    assert!(
        stderr(&out).contains("unknown column(s) colour"),
        "{}",
        stderr(&out)
    );
}
