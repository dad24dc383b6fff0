//! Reports (issue 18): the demo's yesterday as each reader gets it, the 16:30 list, the
//! refusals, and the .xlsx holding the same figures as the JSON.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, Utc};
use fieldbook_model::Role;
use fieldbook_model::complaints::china_date;
use fieldbook_model::reports::{CleaningReport, DeskReport, StationReport, UnrepairedReport};
use fieldbook_server::demo::YESTERDAY_IDS;
use reqwest::{Client, StatusCode};

use crate::harness::{Options, TestServer, assert_error};
use crate::team::add_user;

async fn server() -> TestServer {
    TestServer::start_with(
        Options {
            demo: true,
            dist: None,
        },
        |c| {
            c.demo_last_month = true;
            c.demo_yesterday = true;
        },
    )
    .await
}

fn yesterday() -> String {
    (china_date(Utc::now()) - Duration::days(1)).to_string()
}

async fn get<T: serde::de::DeserializeOwned>(
    server: &TestServer,
    client: &Client,
    path: &str,
) -> T {
    let r = client.get(server.url(path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

async fn xlsx(server: &TestServer, client: &Client, path: &str) -> Xlsx<Cursor<Vec<u8>>> {
    let r = client.get(server.url(path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".xlsx\"")
    );
    calamine::open_workbook_from_rs(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap()
}

fn number(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[tokio::test]
async fn the_desk_s_yesterday_counts_the_demo_s_events_and_its_xlsx_holds_them() {
    let server = server().await;
    let manager = server.signed_in("manager1").await;
    let desk = server.signed_in("dispatcher1").await;
    let day = yesterday();
    let path = format!("/api/reports/desk?period=day&date={day}");
    let report: DeskReport = get(&server, &manager, &path).await;
    assert_eq!(report.period.first.to_string(), day);
    let t = &report.total;
    // The demo's yesterday: a machine down out at 10:00, on site at 12:00, repaired at 15:00,
    // its report at 18:00; a machine down called at 23:30; an old order's late report at
    // 11:00. (The demo's other orders are called hours before the load, so some may fall on
    // yesterday; none has an event.)
    assert!(t.calls >= 2 && t.calls_machine_down >= 2, "{t:?}");
    assert_eq!((t.dispatches, t.arrivals, t.repaired), (1, 1, 1));
    assert_eq!((t.reports_submitted, t.reports_late), (2, 1));
    assert!(t.open_at_end >= 1 && t.machines_down_at_end >= 1);
    // Every order is the demo station's.
    assert_eq!(report.stations.len(), 1);
    assert_eq!(report.stations[0].station, "济南站");
    assert_eq!(&report.stations[0].figures, t);
    // The same period gives the same figures, to the desk too.
    assert_eq!(get::<DeskReport>(&server, &desk, &path).await, report);

    // The .xlsx: the header, then 合计 with the page's figures in the page's order.
    let mut book = xlsx(&server, &manager, &format!("{path}&format=xlsx")).await;
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows[0][0], Data::String("服务站".into()));
    assert_eq!(rows[0][1], Data::String("来电".into()));
    assert_eq!(rows[1][0], Data::String("合计".into()));
    let got: Vec<f64> = rows[1][1..].iter().map(number).collect();
    let want: Vec<f64> = [
        t.calls,
        t.calls_machine_down,
        t.dispatches,
        t.arrivals,
        t.repaired,
        t.resolved_by_phone,
        t.reports_submitted,
        t.reports_late,
        t.open_at_end,
        t.machines_down_at_end,
    ]
    .into_iter()
    .map(f64::from)
    .collect();
    assert_eq!(got, want);
    assert_eq!(rows[2][0], Data::String("济南站".into()));

    // The CSV: a BOM, the header, the same total.
    let r = manager
        .get(server.url(&format!("{path}&format=csv")))
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    let total_line = text.lines().nth(1).unwrap();
    let want_line: Vec<String> = want.iter().map(|n| n.to_string()).collect();
    assert_eq!(total_line, format!("合计,{}", want_line.join(",")));

    // The week and the month that hold yesterday count at least as much; once over.
    for kind in ["week", "month"] {
        let r = manager
            .get(server.url(&format!("/api/reports/desk?period={kind}&date={day}")))
            .send()
            .await
            .unwrap();
        if r.status() == StatusCode::OK {
            let longer: DeskReport = r.json().await.unwrap();
            assert!(longer.total.reports_submitted >= 2);
        } else {
            assert_error(r, StatusCode::BAD_REQUEST, "period_not_over").await;
        }
    }
}

#[tokio::test]
async fn a_period_not_over_or_a_bad_query_is_refused() {
    let server = server().await;
    let manager = server.signed_in("manager1").await;
    let today = china_date(Utc::now());
    for path in [
        format!("/api/reports/desk?period=day&date={today}"),
        format!("/api/reports/cleaning?period=month&date={today}"),
        format!("/api/reports/unrepaired?date={}", today + Duration::days(1)),
    ] {
        let r = manager.get(server.url(&path)).send().await.unwrap();
        assert_error(r, StatusCode::BAD_REQUEST, "period_not_over").await;
    }
    for path in [
        "/api/reports/desk?period=year&date=2026-11-02",
        "/api/reports/desk?period=day&date=2026-11-31",
        "/api/reports/stations?period=day&date=yesterday",
        "/api/reports/desk?period=day&date=2026-11-02&format=pdf",
        "/api/reports/unrepaired",
    ] {
        let r = manager.get(server.url(path)).send().await.unwrap();
        assert_error(r, StatusCode::BAD_REQUEST, "bad_query").await;
    }
}

#[tokio::test]
async fn the_16_30_list_has_every_open_order_with_its_age_engineer_and_reason() {
    let server = server().await;
    let desk = server.signed_in("dispatcher1").await;
    let today = china_date(Utc::now());
    let list: UnrepairedReport = get(
        &server,
        &desk,
        &format!("/api/reports/unrepaired?date={today}"),
    )
    .await;
    assert!(list.at <= Utc::now());
    // Yesterday's 23:30 machine down, with the desk's reason; the repaired one is not there.
    let late = list
        .rows
        .iter()
        .find(|r| r.work_order_id.to_string() == YESTERDAY_IDS[1])
        .expect("yesterday's 23:30 call is open");
    assert!(late.machine_down);
    assert_eq!(late.engineer, "engineer1");
    assert_eq!(late.reason.as_deref(), Some("等配件：液压泵到货后上门"));
    assert_eq!(late.age_hours, (list.at - late.called_at).num_hours());
    assert!(late.age_hours >= 0);
    assert!(
        list.rows
            .iter()
            .all(|r| r.work_order_id.to_string() != YESTERDAY_IDS[0])
    );
    // Machines down first.
    let first_up = list
        .rows
        .iter()
        .position(|r| !r.machine_down)
        .unwrap_or(list.rows.len());
    assert!(list.rows[first_up..].iter().all(|r| !r.machine_down));

    // A station head reads their own station's; another station's head an empty list.
    let head1 = server.signed_in("head1").await;
    let theirs: UnrepairedReport = get(
        &server,
        &head1,
        &format!("/api/reports/unrepaired?date={today}"),
    )
    .await;
    assert_eq!(theirs.rows.len(), list.rows.len());
    add_user(&server, "head2", Role::ServiceSupervisor, Some("青岛站")).await;
    let head2 = server.signed_in("head2").await;
    let none: UnrepairedReport = get(
        &server,
        &head2,
        &format!("/api/reports/unrepaired?date={today}"),
    )
    .await;
    assert!(none.rows.is_empty());
    let stations: StationReport = get(
        &server,
        &head2,
        &format!("/api/reports/stations?period=day&date={}", yesterday()),
    )
    .await;
    assert_eq!(stations.stations.len(), 1);
    assert_eq!(stations.stations[0].station, "青岛站");
    assert_eq!(stations.stations[0].figures.calls, 0);
    let all: StationReport = get(
        &server,
        &server.signed_in("manager1").await,
        &format!("/api/reports/stations?period=day&date={}", yesterday()),
    )
    .await;
    let names: Vec<&str> = all.stations.iter().map(|s| s.station.as_str()).collect();
    assert_eq!(names, ["济南站", "青岛站"]);
    assert_eq!(all.stations[0].figures.dispatches, 1);

    // The export lists the same orders.
    let mut book = xlsx(
        &server,
        &desk,
        &format!("/api/reports/unrepaired?date={today}&format=xlsx"),
    )
    .await;
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.rows().count(), list.rows.len() + 1);
    let row = sheet
        .rows()
        .find(|r| r[0] == Data::String(late.ticket.clone()))
        .unwrap();
    assert_eq!(number(&row[5]), late.age_hours as f64);
    assert_eq!(row[8], Data::String("等配件：液压泵到货后上门".into()));
}

#[tokio::test]
async fn the_cleaning_daily_counts_the_demo_s_yesterday_and_its_xlsx_holds_it() {
    let server = server().await;
    let manager = server.signed_in("manager1").await;
    let day = yesterday();
    let path = format!("/api/reports/cleaning?period=day&date={day}");
    let report: CleaningReport = get(&server, &manager, &path).await;
    assert_eq!(report.teams.len(), 1);
    let team = &report.teams[0];
    assert_eq!(team.team, "team-a");
    let f = &team.figures;
    // The morning and last rounds; the afternoon one missed.
    assert_eq!((f.rounds_due, f.rounds_done, f.rounds_missed), (3, 2, 1));
    // The finding reported at 10:00 and confirmed at 15:00 (a demo complaint's task may have
    // been reported yesterday too).
    assert!(f.findings_opened >= 1);
    assert_eq!(f.findings_closed, 1);
    // 5栋 0801 cleaned at 14:00; 3栋 1204 and 5栋 2103 are past their month.
    assert_eq!((f.vacant_cleaned, f.vacant_overdue), (1, 2));
    let done = |name: &str| {
        f.areas
            .iter()
            .find(|a| a.area == name)
            .map(|a| (a.cleaner.as_str(), a.done, a.finished_days))
            .unwrap()
    };
    assert_eq!(done("大堂"), ("cleaner1", 4, 1));
    assert_eq!(done("A座 电梯"), ("cleaner1", 1, 0));
    assert_eq!(done("外围"), ("cleaner2", 2, 1));
    let cleaner = |name: &str| f.cleaners.iter().find(|c| c.cleaner == name).unwrap().done;
    assert_eq!((cleaner("cleaner1"), cleaner("cleaner2")), (5, 2));
    assert_eq!(f.items_done, 7);

    // The team's supervisor reads it; another team's supervisor reads an empty report.
    let supervisor = server.signed_in("supervisor1").await;
    assert_eq!(
        get::<CleaningReport>(&server, &supervisor, &path).await,
        report
    );
    add_user(&server, "supervisor2", Role::Supervisor, Some("team-b")).await;
    let other = server.signed_in("supervisor2").await;
    assert!(
        get::<CleaningReport>(&server, &other, &path)
            .await
            .teams
            .is_empty()
    );

    // The .xlsx: the team's row, the areas, the cleaners.
    let mut book = xlsx(&server, &manager, &format!("{path}&format=xlsx")).await;
    let names = book.sheet_names();
    assert_eq!(names[1..], ["区域".to_string(), "保洁员".to_string()]);
    let summary = book.worksheet_range_at(0).unwrap().unwrap();
    let row: Vec<&Data> = summary.rows().nth(1).unwrap().iter().collect();
    assert_eq!(*row[0], Data::String("team-a".into()));
    let got: Vec<f64> = [1, 2, 3, 5, 6, 8, 9, 10, 11]
        .into_iter()
        .map(|i| number(row[i]))
        .collect();
    let want: Vec<f64> = [
        f.rounds_due,
        f.rounds_done,
        f.rounds_missed,
        f.items_due,
        f.items_done,
        f.findings_opened,
        f.findings_closed,
        f.vacant_cleaned,
        f.vacant_overdue,
    ]
    .into_iter()
    .map(f64::from)
    .collect();
    assert_eq!(got, want);
    let areas = book.worksheet_range("区域").unwrap();
    let lobby = areas
        .rows()
        .find(|r| r[1] == Data::String("大堂".into()))
        .unwrap();
    assert_eq!(number(&lobby[4]), 4.0);

    // The month-end summary of last month: the demo's two rounds of three every day.
    let last_month = china_date(Utc::now()) - Duration::days(31);
    let month: CleaningReport = get(
        &server,
        &manager,
        &format!("/api/reports/cleaning?period=month&date={last_month}"),
    )
    .await;
    assert_eq!(
        month.period.kind,
        fieldbook_model::reports::PeriodKind::Month
    );
    let f = &month.teams[0].figures;
    assert!(f.rounds_due >= 28 * 3);
    assert_eq!(f.rounds_done * 3, f.rounds_due * 2);
}
