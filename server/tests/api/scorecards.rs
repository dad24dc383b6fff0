//! Monthly scorecards (issue 18): the demo's last month as each reader gets it, the office's
//! first-fix excuse, and the .xlsx and CSV holding the same figures as the JSON.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{Datelike, Utc};
use fieldbook_model::Role;
use fieldbook_model::complaints::china_date;
use fieldbook_model::scorecard::{Defect, EngineerScorecard, EngineerScorecards, Month};
use fieldbook_server::demo::LAST_MONTH_IDS;
use reqwest::{Client, StatusCode};
use serde_json::json;
use uuid::Uuid;

use crate::harness::{Options, TestServer, assert_error};
use crate::team::add_user;

/// The demo with its last month.
async fn server() -> TestServer {
    TestServer::start_with(
        Options {
            demo: true,
            dist: None,
        },
        |c| c.demo_last_month = true,
    )
    .await
}

fn last_month() -> Month {
    let today = china_date(Utc::now());
    Month {
        year: today.year(),
        month: today.month(),
    }
    .previous()
}

async fn cards(server: &TestServer, client: &Client, month: Month) -> EngineerScorecards {
    let r = client
        .get(server.url(&format!("/api/scorecards/engineers?month={month}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn card<'a>(cards: &'a EngineerScorecards, who: &str) -> &'a EngineerScorecard {
    cards.cards.iter().find(|c| c.engineer == who).unwrap()
}

fn id(n: usize) -> Uuid {
    Uuid::parse_str(LAST_MONTH_IDS[n]).unwrap()
}

#[tokio::test]
async fn the_demo_s_last_month_counts_by_the_rule_book() {
    let server = server().await;
    let manager = server.signed_in("manager1").await;
    let all = cards(&server, &manager, last_month()).await;
    assert_eq!(all.month, last_month());
    let names: Vec<&str> = all.cards.iter().map(|c| c.engineer.as_str()).collect();
    assert_eq!(names, ["engineer1", "engineer2"]);
    // engineer1 had no order last month: full marks.
    let e1 = card(&all, "engineer1");
    assert_eq!((e1.orders, e1.total), (0, 100));
    // engineer2: the fault repair needed a second visit (5 off first-time fix); the
    // maintenance was reached 40 h after the call (5 off response), its report came 5 days
    // after leaving (4), unsigned (4), its hydraulic oil photo missing (4), sent back once (4).
    let e2 = card(&all, "engineer2");
    assert_eq!(e2.name, "李强");
    assert_eq!(e2.station.as_deref(), Some("济南站"));
    assert_eq!(e2.orders, 3);
    assert_eq!(
        (e2.response, e2.first_fix, e2.data, e2.beyond),
        (15, 15, 44, 0)
    );
    assert_eq!(e2.total, 74);
    let second = e2
        .deductions
        .iter()
        .find(|d| matches!(d.defect, Defect::SecondVisit { .. }))
        .unwrap();
    assert_eq!(second.work_order_id, id(0), "links to the first order");
    assert!(
        e2.deductions
            .iter()
            .filter(|d| !matches!(d.defect, Defect::SecondVisit { .. }))
            .all(|d| d.work_order_id == id(1))
    );
    assert!(e2.deductions.iter().any(|d| d.defect
        == Defect::MissingPhoto {
            slot: "hydraulic_oil".into()
        }));

    // The same month asked again gives the same figures; this month has no closed order yet.
    let again = cards(&server, &manager, last_month()).await;
    assert_eq!(again.cards, all.cards);

    // The engineer reads their own, the same card.
    let engineer2 = server.signed_in("engineer2").await;
    let mine: EngineerScorecard = engineer2
        .get(server.url(&format!("/api/scorecards/me?month={}", last_month())))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(&mine, e2);

    // A station head reads their station's engineers; another station's head none.
    let head1 = server.signed_in("head1").await;
    assert_eq!(cards(&server, &head1, last_month()).await.cards.len(), 2);
    add_user(&server, "head2", Role::ServiceSupervisor, Some("青岛站")).await;
    let head2 = server.signed_in("head2").await;
    assert!(cards(&server, &head2, last_month()).await.cards.is_empty());

    // A bad month or format is a clear 400.
    for q in ["month=2026-13", "month=11-2026", "month=2026-11&format=pdf"] {
        let r = manager
            .get(server.url(&format!("/api/scorecards/engineers?{q}")))
            .send()
            .await
            .unwrap();
        assert_error(r, StatusCode::BAD_REQUEST, "bad_query").await;
    }
}

#[tokio::test]
async fn the_desk_excuses_a_second_visit_with_a_reason() {
    let server = server().await;
    let desk = server.signed_in("dispatcher1").await;
    let manager = server.signed_in("manager1").await;
    let path = |n: usize| server.url(&format!("/api/work-orders/{}/first-fix-excuse", id(n)));

    // Not excused yet.
    let r = manager.get(path(0)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Refusals change nothing: no reason, a maintenance order, no such order, the manager.
    let r = desk
        .put(path(0))
        .json(&json!({"reason": "  "}))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    let r = desk
        .put(path(1))
        .json(&json!({"reason": "配件"}))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::CONFLICT, "not_fault_repair").await;
    let nowhere = server.url(&format!(
        "/api/work-orders/{}/first-fix-excuse",
        Uuid::new_v4()
    ));
    let r = desk
        .put(nowhere)
        .json(&json!({"reason": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = manager
        .put(path(0))
        .json(&json!({"reason": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        card(&cards(&server, &manager, last_month()).await, "engineer2").first_fix,
        15
    );

    // Excused: the second visit no longer counts.
    let r = desk
        .put(path(0))
        .json(&json!({"reason": "客户操作不当，非维修质量问题"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let got: serde_json::Value = manager
        .get(path(0))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["reason"], "客户操作不当，非维修质量问题");
    assert_eq!(got["by"], "dispatcher1");
    let e2 = cards(&server, &manager, last_month()).await;
    let e2 = card(&e2, "engineer2");
    assert_eq!((e2.first_fix, e2.total), (20, 79));
    assert!(
        !e2.deductions
            .iter()
            .any(|d| matches!(d.defect, Defect::SecondVisit { .. }))
    );
}

#[tokio::test]
async fn the_xlsx_and_csv_hold_the_page_s_figures() {
    let server = server().await;
    let manager = server.signed_in("manager1").await;
    let month = last_month();
    let json = cards(&server, &manager, month).await;

    let r = manager
        .get(server.url(&format!(
            "/api/scorecards/engineers?month={month}&format=xlsx"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("engineer-scorecards-{month}.xlsx"))
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), 2, "{names:?}");
    let summary = book.worksheet_range(&names[0]).unwrap();
    let rows: Vec<Vec<Data>> = summary.rows().map(|r| r.to_vec()).collect();
    assert_eq!(rows[0][0], Data::String("工程师".into()));
    assert_eq!(rows.len(), json.cards.len() + 1);
    for (row, c) in rows[1..].iter().zip(&json.cards) {
        assert_eq!(row[0], Data::String(c.engineer.clone()));
        assert_eq!(row[1], Data::String(c.name.clone()));
        let numbers: Vec<f64> = row[3..]
            .iter()
            .map(|d| match d {
                Data::Float(f) => *f,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            numbers,
            [
                c.orders as f64,
                c.response as f64,
                c.first_fix as f64,
                c.data as f64,
                c.beyond as f64,
                c.total as f64
            ]
        );
    }
    let deductions = book.worksheet_range(&names[1]).unwrap();
    let total: usize = json.cards.iter().map(|c| c.deductions.len()).sum();
    assert_eq!(deductions.rows().count(), total + 1);
    let points: f64 = deductions
        .rows()
        .skip(1)
        .map(|r| match r[4] {
            Data::Float(f) => f,
            ref other => panic!("{other:?}"),
        })
        .sum();
    let want: u32 = json
        .cards
        .iter()
        .flat_map(|c| &c.deductions)
        .map(|d| d.points)
        .sum();
    assert_eq!(points, f64::from(want));

    // CSV: UTF-8 with a BOM, the same rows.
    let csv = manager
        .get(server.url(&format!(
            "/api/scorecards/engineers?month={month}&format=csv"
        )))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = std::str::from_utf8(&csv[3..]).unwrap();
    let e2 = card(&json, "engineer2");
    assert!(
        text.lines()
            .any(|l| l == format!("engineer2,李强,济南站,3,15,15,44,0,{}", e2.total)),
        "{text}"
    );

    // The engineer's own, as .xlsx.
    let engineer2 = server.signed_in("engineer2").await;
    let r = engineer2
        .get(server.url(&format!("/api/scorecards/me?month={month}&format=xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let first = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&first).unwrap();
    assert_eq!(range.rows().count(), 2);
    assert_eq!(range.get((1, 8)), Some(&Data::Float(e2.total as f64)));
}

/// The 400 agent's scorecard over the demo's last month: dispatcher1 took its three calls.
#[tokio::test]
async fn the_agent_s_card_counts_the_orders_they_took_and_its_xlsx_holds_it() {
    use fieldbook_model::scorecard::agent::{AgentMissKind, AgentScorecards, Rate};
    let server = server().await;
    let month = last_month();
    let get = |client: Client, q: String| {
        let url = server.url(&format!("/api/scorecards/agents?month={month}{q}"));
        async move { client.get(url).send().await.unwrap() }
    };
    let manager = server.signed_in("manager1").await;
    let all: AgentScorecards = get(manager.clone(), String::new())
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = all.cards.iter().map(|c| c.agent.as_str()).collect();
    assert_eq!(names, ["dispatcher1"]);
    let card = &all.cards[0];
    assert_eq!(card.name, "陈静");
    assert_eq!(card.orders, 3);
    // The maintenance (the second order): head1 called 3 h after the call (over 2 h), on
    // site 40 h after (over 36 h), its report 5 days after leaving (over 3). No order was
    // called back within the desk's 3 days of closing.
    assert_eq!(card.first_response, Rate { met: 2, of: 3 });
    assert_eq!(card.actual_response, Rate { met: 2, of: 3 });
    assert_eq!(card.reports_on_time, Rate { met: 2, of: 3 });
    assert_eq!(card.call_backs, Rate { met: 0, of: 3 });
    let late: Vec<AgentMissKind> = card
        .misses
        .iter()
        .filter(|m| m.work_order_id == id(1))
        .map(|m| m.kind)
        .collect();
    assert_eq!(
        late,
        [
            AgentMissKind::FirstResponse,
            AgentMissKind::ActualResponse,
            AgentMissKind::LateReport,
            AgentMissKind::CallBack
        ]
    );

    // The agent reads their own (the same card); nobody else in the field or at a station.
    let desk = server.signed_in("dispatcher1").await;
    let mine: AgentScorecards = get(desk, String::new()).await.json().await.unwrap();
    assert_eq!(mine.cards, all.cards);
    for who in ["engineer2", "head1"] {
        let r = get(server.signed_in(who).await, String::new()).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let r = get(manager.clone(), "&format=pdf".into()).await;
    assert_error(r, StatusCode::BAD_REQUEST, "bad_query").await;

    // The .xlsx holds the page's figures (rates in whole percent) and each miss.
    let r = get(manager, "&format=xlsx".into()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    let summary = book.worksheet_range(&names[0]).unwrap();
    let rows: Vec<Vec<Data>> = summary.rows().map(|r| r.to_vec()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][0], Data::String("dispatcher1".into()));
    let pct = |r: Rate| Data::Float(f64::from(r.percent().unwrap()));
    assert_eq!(
        rows[1][2..].to_vec(),
        vec![
            Data::Float(3.0),
            pct(card.first_response),
            pct(card.actual_response),
            pct(card.reports_on_time),
            pct(card.call_backs),
        ]
    );
    assert_eq!(rows[1][3], Data::Float(67.0));
    let misses = book.worksheet_range(&names[1]).unwrap();
    assert_eq!(misses.rows().count(), card.misses.len() + 1);
}

/// The cleaning supervisor's scorecard: the demo's last month has the morning and the last
/// round of every day, so every afternoon round was missed, and the outlet check too; its .xlsx
/// says the same.
#[tokio::test]
async fn the_supervisor_s_card_counts_rounds_against_due_and_its_xlsx_holds_it() {
    use fieldbook_model::scorecard::agent::Rate;
    use fieldbook_model::scorecard::supervisor::SupervisorScorecards;
    let server = server().await;
    let month = last_month();
    let days = (china_date(Utc::now()).with_day(1).unwrap() - month.first_day()).num_days() as u32;
    let get = |client: Client, q: &str| {
        let url = server.url(&format!("/api/scorecards/supervisors?month={month}{q}"));
        async move { client.get(url).send().await.unwrap() }
    };
    let manager = server.signed_in("manager1").await;
    let all: SupervisorScorecards = get(manager.clone(), "").await.json().await.unwrap();
    let card = all
        .cards
        .iter()
        .find(|c| c.supervisor == "supervisor1")
        .unwrap();
    assert_eq!(card.name, "刘洋");
    assert_eq!(
        card.rounds,
        Rate {
            met: days * 2,
            of: days * 3
        }
    );
    assert_eq!(card.outlet_check, Rate { met: 0, of: 1 });
    assert_eq!(card.misses.len() as u32, days + 1);

    // The supervisor reads their own; a cleaner or the desk none.
    let mine: SupervisorScorecards = get(server.signed_in("supervisor1").await, "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.cards.len(), 1);
    assert_eq!(&mine.cards[0], card);
    for who in ["cleaner1", "dispatcher1"] {
        let r = get(server.signed_in(who).await, "").await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
    }

    let r = get(manager, "&format=xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    let summary = book.worksheet_range(&names[0]).unwrap();
    let row: Vec<Data> = summary
        .rows()
        .find(|r| r[0] == Data::String("supervisor1".into()))
        .unwrap()
        .to_vec();
    assert_eq!(
        row[3..7].to_vec(),
        vec![
            Data::Float(f64::from(days * 2)),
            Data::Float(f64::from(days * 3)),
            Data::Float(67.0),
            Data::String("未做".into()),
        ]
    );
}

/// `GET /api/scorecards/{kind}/trend` as `client`.
async fn trend(
    server: &TestServer,
    client: &Client,
    kind: &str,
    query: &str,
) -> fieldbook_model::scorecard::trend::Trend {
    let r = client
        .get(server.url(&format!("/api/scorecards/{kind}/trend?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{kind} trend ?{query}");
    r.json().await.unwrap()
}

/// The last point of `figure`'s series.
fn last_point(t: &fieldbook_model::scorecard::trend::Trend, figure: &str) -> Option<f64> {
    let s = t.series.iter().find(|s| s.figure == figure).unwrap();
    s.points.last().unwrap().value
}

#[tokio::test]
async fn a_trend_ends_with_the_month_s_card_and_its_weeks_cover_the_year() {
    use fieldbook_model::reports::PeriodKind;
    let server = server().await;
    let month = last_month();
    let manager = server.signed_in("manager1").await;
    let all = cards(&server, &manager, month).await;
    let e2 = card(&all, "engineer2");

    // engineer2's 12 months: the last is the month's card, figure by figure.
    let t = trend(
        &server,
        &manager,
        "engineers",
        &format!("who=engineer2&month={month}"),
    )
    .await;
    assert_eq!(
        (t.who.as_deref(), t.by, t.last),
        (Some("engineer2"), PeriodKind::Month, month)
    );
    let figures: Vec<&str> = t.series.iter().map(|s| s.figure.as_str()).collect();
    assert_eq!(
        figures,
        ["total", "response", "first_fix", "data", "beyond"]
    );
    assert!(t.series.iter().all(|s| s.points.len() == 12));
    let s = &t.series[0];
    assert_eq!(s.points[11].period.first, month.first_day());
    assert_eq!(s.points[0].period.first, {
        let mut m = month;
        for _ in 0..11 {
            m = m.previous();
        }
        m.first_day()
    });
    assert_eq!(last_point(&t, "total"), Some(e2.total as f64));
    assert_eq!(last_point(&t, "response"), Some(f64::from(e2.response)));
    assert_eq!(last_point(&t, "first_fix"), Some(f64::from(e2.first_fix)));
    assert_eq!(last_point(&t, "data"), Some(f64::from(e2.data)));
    assert_eq!(last_point(&t, "beyond"), Some(f64::from(e2.beyond)));

    // The department: engineer1 had no order last month, so the mean of those who had is
    // engineer2's.
    let dept = trend(&server, &manager, "engineers", &format!("month={month}")).await;
    assert_eq!(dept.who, None);
    assert_eq!(last_point(&dept, "total"), Some(e2.total as f64));

    // By week: the Friday-to-Thursday weeks overlapping the 12 months, contiguous, 52 to 54 of
    // them, the last holding the month's last day.
    let w = trend(
        &server,
        &manager,
        "engineers",
        &format!("who=engineer2&by=week&month={month}"),
    )
    .await;
    let points = &w.series[0].points;
    assert!((52..=54).contains(&points.len()), "{} weeks", points.len());
    assert!(
        points.iter().all(|p| p.period.kind == PeriodKind::Week
            && p.period.first.weekday() == chrono::Weekday::Fri)
    );
    assert!(points.windows(2).all(|p| p[0].period.next() == p[1].period));
    let last_day = month.next().first_day().pred_opt().unwrap();
    assert!(points.last().unwrap().period.days().any(|d| d == last_day));
    // engineer2's orders of last month are in its weeks: some week of it has a value below
    // full marks.
    let (from, to) = (month.period().start(), month.period().end());
    assert!(points.iter().any(|p| p.period.end() > from
        && p.period.start() < to
        && p.value.is_some_and(|v| v < 100.0)));

    // The station head reads their station's engineer; an engineer only themselves.
    let head = server.signed_in("head1").await;
    let t = trend(
        &server,
        &head,
        "engineers",
        &format!("who=engineer2&month={month}"),
    )
    .await;
    assert_eq!(last_point(&t, "total"), Some(e2.total as f64));
    let engineer1 = server.signed_in("engineer1").await;
    let own = trend(&server, &engineer1, "engineers", &format!("month={month}")).await;
    assert_eq!(
        last_point(&own, "total"),
        Some(100.0),
        "no orders: a full card"
    );
    let r = engineer1
        .get(server.url("/api/scorecards/engineers/trend?who=engineer2"))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    let r = manager
        .get(server.url("/api/scorecards/engineers/trend?by=day"))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "bad_query").await;

    // The agent's and the supervisor's last points are their month's cards' rates.
    use fieldbook_model::scorecard::agent::AgentScorecards;
    use fieldbook_model::scorecard::supervisor::SupervisorScorecards;
    let agents: AgentScorecards = manager
        .get(server.url(&format!("/api/scorecards/agents?month={month}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let a = &agents.cards[0];
    let t = trend(
        &server,
        &manager,
        "agents",
        &format!("who={}&month={month}", a.agent),
    )
    .await;
    let pct = |r: fieldbook_model::scorecard::agent::Rate| r.percent().map(f64::from);
    assert_eq!(last_point(&t, "first_response"), pct(a.first_response));
    assert_eq!(last_point(&t, "actual_response"), pct(a.actual_response));
    assert_eq!(last_point(&t, "reports_on_time"), pct(a.reports_on_time));
    assert_eq!(last_point(&t, "call_backs"), pct(a.call_backs));
    let supervisors: SupervisorScorecards = manager
        .get(server.url(&format!("/api/scorecards/supervisors?month={month}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let s = &supervisors.cards[0];
    let supervisor = server.signed_in(&s.supervisor).await;
    let t = trend(
        &server,
        &supervisor,
        "supervisors",
        &format!("month={month}"),
    )
    .await;
    assert_eq!(last_point(&t, "rounds"), pct(s.rounds));
    assert_eq!(last_point(&t, "outlet_check"), pct(s.outlet_check));
    assert_eq!(
        last_point(&t, "findings_confirmed"),
        pct(s.findings_confirmed)
    );
}

/// The cleaning scorecards: cleaner1 ticks 大堂 on 27 November and the supervisor approves it;
/// the manager's cards, the supervisor's, the cleaner's own and the .xlsx and CSV agree.
#[tokio::test]
async fn the_cleaning_cards_count_the_month_s_checklists_and_spot_checks_and_the_xlsx_holds_them() {
    use crate::team::{apply, approved, area, due, finish_at, mark, reference, review_area};
    use fieldbook_model::scorecard::agent::Rate;
    use fieldbook_model::scorecard::cleaning::{CleaningScorecard, CleaningScorecards};
    let server = server().await;
    let cleaner = server.signed_in("cleaner1").await;
    let supervisor = server.signed_in("supervisor1").await;
    let month = "2026-11";
    let get = |client: Client, path: String| {
        let url = server.url(&path);
        async move { client.get(url).send().await.unwrap() }
    };
    let manager = server.signed_in("manager1").await;
    // What the demo's last month already holds (when November is last month: its spot checks).
    let cards = |manager: Client| async {
        let all: CleaningScorecards =
            get(manager, format!("/api/scorecards/cleaning?month={month}"))
                .await
                .json()
                .await
                .unwrap();
        all
    };
    let before = cards(manager.clone()).await;
    let before_team = before.teams.iter().find(|t| t.team == "team-a").unwrap();
    let before_card = before_team
        .cleaners
        .iter()
        .find(|c| c.cleaner == "cleaner1")
        .unwrap();
    let one_more = |r: Rate| Rate {
        met: r.met + 1,
        of: r.of + 1,
    };
    let r = reference(&server, &cleaner).await;
    let lobby = area(&r, "大堂").id;
    let items = due(&r, lobby);
    assert!(!items.is_empty());
    for item in &items {
        apply(
            &server,
            &cleaner,
            &mark("cleaner1", lobby, *item, Some("done")),
        )
        .await;
    }
    apply(
        &server,
        &cleaner,
        &finish_at("cleaner1", lobby, "2026-11-27T08:00:00Z"),
    )
    .await;
    apply(
        &server,
        &supervisor,
        &review_area("supervisor1", lobby, approved()),
    )
    .await;

    let all = cards(manager.clone()).await;
    let team = all.teams.iter().find(|t| t.team == "team-a").unwrap();
    let card = team
        .cleaners
        .iter()
        .find(|c| c.cleaner == "cleaner1")
        .unwrap();
    assert_eq!(card.spot_checks, one_more(before_card.spot_checks));
    assert!(card.checklist.met >= items.len() as u32, "{card:?}");
    assert!(
        card.checklist.of > card.checklist.met,
        "a month of days, not every item ticked"
    );
    assert_eq!(
        team.total.spot_checks,
        one_more(before_team.total.spot_checks)
    );
    assert_eq!(team.total.cleaner, "");
    assert!(team.total.checklist.of >= card.checklist.of);

    // The supervisor reads their team's; the cleaner their own card, the same; neither the
    // cleaner nor the desk the team's.
    let theirs: CleaningScorecards = get(
        supervisor,
        format!("/api/scorecards/cleaning?month={month}"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(theirs.teams.len(), 1);
    assert_eq!(theirs.teams[0].cleaners, team.cleaners);
    let own: CleaningScorecard = get(
        cleaner.clone(),
        format!("/api/scorecards/cleaning/me?month={month}"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(&own, card);

    // The trends' November points are the cards': the cleaner's own (asked by the cleaner,
    // without `who`), and the department's, every team's card summed.
    let pct = |r: Rate| r.percent().map(f64::from);
    let month_arg = format!("month={month}");
    let mine = trend(&server, &cleaner, "cleaning", &month_arg).await;
    assert_eq!(mine.who.as_deref(), Some("cleaner1"));
    assert_eq!(last_point(&mine, "checklist"), pct(card.checklist));
    assert_eq!(last_point(&mine, "spot_checks"), pct(card.spot_checks));
    let dept = trend(&server, &manager, "cleaning", &month_arg).await;
    let sum = |f: fn(&CleaningScorecard) -> Rate| {
        all.teams
            .iter()
            .map(|t| f(&t.total))
            .fold(Rate::default(), Rate::plus)
    };
    assert_eq!(last_point(&dept, "checklist"), pct(sum(|c| c.checklist)));
    assert_eq!(
        last_point(&dept, "vacant_units"),
        pct(sum(|c| c.vacant_units))
    );
    assert_eq!(
        last_point(&dept, "findings_on_time"),
        pct(sum(|c| c.findings_on_time))
    );
    for who in ["cleaner1", "dispatcher1"] {
        let r = get(
            server.signed_in(who).await,
            format!("/api/scorecards/cleaning?month={month}"),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
    }

    // The .xlsx: the team's row, then each cleaner's, with the same figures; a sheet of
    // misses.
    let r = get(
        manager.clone(),
        format!("/api/scorecards/cleaning?month={month}&format=xlsx"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    assert_eq!(names[1], "未达明细");
    let summary = book.worksheet_range(&names[0]).unwrap();
    // An empty cell (a rate with nothing decided) reads back as empty or as "".
    let rows: Vec<Vec<Data>> = summary
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::String(s) if s.is_empty() => Data::Empty,
                    d => d.clone(),
                })
                .collect()
        })
        .collect();
    let find = |who: &str| {
        let who = if who.is_empty() {
            Data::Empty
        } else {
            Data::String(who.into())
        };
        rows.iter()
            .find(|r| r[0] == Data::String("team-a".into()) && r[1] == who)
            .unwrap()
            .clone()
    };
    let percent = |r: Rate| {
        r.percent()
            .map_or(Data::Empty, |p| Data::Float(f64::from(p)))
    };
    for (who, c) in [("cleaner1", card), ("", &team.total)] {
        let row = find(who);
        assert_eq!(
            row[3..11].to_vec(),
            vec![
                Data::Float(f64::from(c.checklist.met)),
                Data::Float(f64::from(c.checklist.of)),
                percent(c.checklist),
                percent(c.spot_checks),
                Data::Float(f64::from(c.vacant_units.met)),
                Data::Float(f64::from(c.vacant_units.of)),
                percent(c.vacant_units),
                percent(c.findings_on_time),
            ],
            "{who}"
        );
    }
    assert_eq!(find("")[2], Data::String("全组".into()));
    let misses = book.worksheet_range("未达明细").unwrap();
    // Each of the team's misses once: the cleaners', then the team's own.
    let all_misses: usize = all.teams.iter().map(|t| t.total.misses.len()).sum();
    assert_eq!(misses.rows().count(), all_misses + 1);

    // The CSV: the cards.
    let r = get(
        manager,
        format!("/api/scorecards/cleaning?month={month}&format=csv"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(text.contains("清单完成率(%)"));
    assert!(text.lines().any(|l| l.starts_with("team-a,cleaner1,")));
}

/// The kept cards (`scorecard_summaries`) give exactly the figures of the orders read whole,
/// on a fixed data set: the demo's last month and a year of 40 generated field staff (ten
/// engineers, ten agents; second visits, call-backs), by month and by week, for everyone and
/// for one person, the first time (computed and kept) and the second (read back).
#[tokio::test]
async fn the_kept_cards_give_the_figures_of_the_orders_read_whole() {
    use fieldbook_model::reports::PeriodKind;
    use fieldbook_model::scorecard::trend::trend_periods;
    use fieldbook_server::routes::{agent_scorecards, scorecard_trends, scorecards};

    let server = server().await;
    let db = server.database().await;
    fieldbook_server::demo_staff::generate(&db, 40, 12, 3, Utc::now())
        .await
        .unwrap();
    let mut conn = db.acquire().await.unwrap();
    let month = last_month();
    let as_of = Utc::now();
    let everyone: Vec<String> = scorecards::engineers_of(&mut conn, None)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.username)
        .collect();
    assert!(everyone.len() >= 12, "the demo's and the generated");
    let agents: Vec<String> =
        sqlx::query_scalar("SELECT username FROM users WHERE role = $1 ORDER BY username")
            .bind(Role::Dispatcher.as_str())
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    let one = fieldbook_server::demo_staff::engineer_name(3);
    let one_id: String = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(&one)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    for round in ["computed and kept", "read back"] {
        let engineers = scorecards::engineers_of(&mut conn, None).await.unwrap();
        let slow = scorecards::compute_from_orders(&mut conn, engineers, month, None, as_of)
            .await
            .unwrap();
        let engineers = scorecards::engineers_of(&mut conn, None).await.unwrap();
        let fast = scorecards::compute(&mut conn, engineers, month, None, as_of)
            .await
            .unwrap();
        assert_eq!(fast, slow, "every engineer's card, {round}");
        assert!(slow.cards.iter().any(|c| !c.deductions.is_empty()));
        let slow = agent_scorecards::compute_from_orders(&mut conn, month, None, as_of)
            .await
            .unwrap();
        let fast = agent_scorecards::compute(&mut conn, month, None, as_of)
            .await
            .unwrap();
        assert_eq!(fast, slow, "the agents' cards, {round}");
        assert!(slow.cards.iter().any(|c| c.orders > 0));
        for by in [PeriodKind::Month, PeriodKind::Week] {
            let periods = trend_periods(by, month, as_of);
            let names: Vec<&str> = everyone.iter().map(String::as_str).collect();
            let slow = scorecard_trends::engineer_series_from_orders(
                &mut conn, &names, &periods, None, as_of,
            )
            .await
            .unwrap();
            let fast = scorecard_trends::engineer_series(&mut conn, &names, &periods, None, as_of)
                .await
                .unwrap();
            assert_eq!(fast, slow, "the department's trend by {by:?}, {round}");
            let slow = scorecard_trends::engineer_series_from_orders(
                &mut conn,
                &[&one],
                &periods,
                Some(&one_id),
                as_of,
            )
            .await
            .unwrap();
            let fast = scorecard_trends::engineer_series(
                &mut conn,
                &[&one],
                &periods,
                Some(&one_id),
                as_of,
            )
            .await
            .unwrap();
            assert_eq!(fast, slow, "{one}'s trend by {by:?}, {round}");
            let names: Vec<&str> = agents.iter().map(String::as_str).collect();
            let slow =
                scorecard_trends::agent_series_from_orders(&mut conn, &names, &periods, as_of)
                    .await
                    .unwrap();
            let fast = scorecard_trends::agent_series(&mut conn, &names, &periods, as_of)
                .await
                .unwrap();
            assert_eq!(fast, slow, "the agents' trend by {by:?}, {round}");
        }
    }
    let kept: Vec<(String, String)> =
        sqlx::query_as("SELECT DISTINCT card, period_kind FROM scorecard_summaries ORDER BY 1, 2")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    let kept: Vec<(&str, &str)> = kept.iter().map(|(c, p)| (c.as_str(), p.as_str())).collect();
    assert_eq!(
        kept,
        [
            ("agent", "month"),
            ("agent", "week"),
            ("engineer", "month"),
            ("engineer", "week")
        ]
    );
}

/// engineer2's kept cards of last month (the card, and the trend by month and by week) change
/// at once with each later event that changes the past month: a complaint about the order, a
/// dissatisfied call-back of it, the office excusing its second visit. After each, the page
/// gives what the orders read whole give.
#[tokio::test]
async fn a_later_event_changes_the_kept_month_at_once() {
    use fieldbook_model::scorecard::trend::Trend;
    use fieldbook_server::routes::scorecards;

    let server = server().await;
    let (manager, desk) = (
        server.signed_in("manager1").await,
        server.signed_in("dispatcher1").await,
    );
    let month = last_month();
    let read = || async {
        let card = card(&cards(&server, &manager, month).await, "engineer2").clone();
        let mut trends = Vec::new();
        for by in ["month", "week"] {
            let t: Trend = manager
                .get(server.url(&format!(
                    "/api/scorecards/engineers/trend?who=engineer2&month={month}&by={by}"
                )))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            trends.push(t);
        }
        (card, trends)
    };
    // The week holding a deduction's order: its figure in the weekly trend.
    let order_called = server.work_order(&desk, id(1)).await.called_at;
    let week_of = |t: &Trend, figure: &str| {
        let s = t.series.iter().find(|s| s.figure == figure).unwrap();
        s.points
            .iter()
            .find(|p| p.period.contains(order_called))
            .unwrap()
            .value
    };
    let slow = || async {
        let db = server.database().await;
        let mut conn = db.acquire().await.unwrap();
        let engineers = scorecards::engineers_of(&mut conn, None).await.unwrap();
        let all = scorecards::compute_from_orders(&mut conn, engineers, month, None, Utc::now())
            .await
            .unwrap();
        card(&all, "engineer2").clone()
    };
    let (before, trends) = read().await;
    assert_eq!((before.beyond, before.first_fix), (0, 15));
    let kept: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM scorecard_summaries WHERE person = 'engineer2' AND card = 'engineer'",
    )
    .fetch_one(&server.database().await)
    .await
    .unwrap();
    assert!(
        kept >= 2,
        "last month's card and its weeks are kept: {kept}"
    );
    assert_eq!(last_point(&trends[0], "beyond"), Some(0.0));
    // The trend names engineer2 as people know them (the office's heading shows it).
    assert_eq!(trends[0].who.as_deref(), Some("engineer2"));
    assert_eq!(trends[0].name.as_deref(), Some("李强"));
    let week_beyond = week_of(&trends[1], "beyond");

    // A complaint about the maintenance order: 10 off beyond the 100.
    let complaint = json!({
        "id": Uuid::new_v4(), "finding_id": Uuid::new_v4(), "team": "济南站",
        "severity": "ordinary", "customer": "王经理", "contact_phone": "138 0000 1234",
        "place": "济南东站三期", "what": "修完又漏油", "photos": [], "work_order_id": id(1),
    });
    let r = desk
        .post(server.url("/api/complaints"))
        .json(&complaint)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let (after, trends) = read().await;
    assert_eq!(after.beyond, 10);
    assert_eq!(after.total, before.total - 10);
    assert_eq!(after, slow().await);
    assert_eq!(last_point(&trends[0], "beyond"), Some(10.0));
    assert_eq!(week_of(&trends[1], "beyond"), week_beyond.map(|v| v + 10.0));

    // A dissatisfied call-back of it: 2 more.
    assert!(
        server.work_order(&desk, id(1)).await.closure.is_some(),
        "the demo's last month is closed"
    );
    let call_back = json!({
        "id": Uuid::new_v4(), "subject": {"work_order": {"work_order_id": id(1)}},
        "method": "phone", "at": (Utc::now() - chrono::Duration::minutes(1)).to_rfc3339(),
        "answered_by": "王经理", "satisfied": false, "words": "还是漏油",
    });
    let r = desk
        .post(server.url("/api/call-backs"))
        .json(&call_back)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let (later, trends) = read().await;
    assert_eq!(later.beyond, 12);
    assert_eq!(later, slow().await);
    assert_eq!(last_point(&trends[0], "beyond"), Some(12.0));

    // The office excuses the fault order's second visit: first-time fix whole again.
    let r = desk
        .put(server.url(&format!("/api/work-orders/{}/first-fix-excuse", id(0))))
        .json(&json!({"reason": "客户操作不当"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (excused, trends) = read().await;
    assert_eq!(excused.first_fix, 20);
    assert_eq!(excused.total, later.total + 5);
    assert_eq!(excused, slow().await);
    assert_eq!(last_point(&trends[0], "first_fix"), Some(20.0));
}

/// A waiver answered after the month is over still counts when it comes within the report's 3
/// days (the model's rule): engineer1's order called last month, left today and submitted
/// without the customer's signature and with a waiver asked, is unsigned on the kept card
/// until the manager approves the request; then the card changes at once.
#[tokio::test]
async fn an_approved_waiver_changes_the_kept_month_at_once() {
    use crate::waiver::{answer, waiver};
    use fieldbook_server::routes::scorecards;

    let server = server().await;
    let (manager, e1) = (
        server.signed_in("manager1").await,
        server.signed_in("engineer1").await,
    );
    let month = last_month();
    let wo = crate::harness::my_orders(&server, &e1).await[0].clone();
    // The call came in on the 20th of last month (as a late order's would).
    let called = fieldbook_server::db::time_to_text(
        fieldbook_model::complaints::china_midnight(month.first_day()) + chrono::Duration::days(19),
    );
    sqlx::query("UPDATE work_orders SET called_at = $1 WHERE id = $2")
        .bind(&called)
        .bind(wo.id.to_string())
        .execute(&server.database().await)
        .await
        .unwrap();
    // On site and left today: the report's 3 days, and so the time an approval still counts,
    // run to three days from now.
    let now = (Utc::now() - chrono::Duration::minutes(5)).to_rfc3339();
    let mut ops: Vec<serde_json::Value> = ["departed", "arrived", "repaired_left"]
        .into_iter()
        .map(|node| crate::harness::set_status_at("engineer1", wo.id, node, &now))
        .collect();
    for (i, slot) in wo.slots.iter().filter(|s| s.required).enumerate() {
        ops.push(crate::field::Photo::jpeg(i as u8 + 40).add("engineer1", wo.id, &slot.key));
    }
    ops.push(crate::field::save_report("engineer1", wo.id));
    ops.push(waiver(wo.id, "客户不在现场"));
    ops.push(crate::field::submit("engineer1", wo.id));
    let r = server.push(&e1, &ops).await;
    assert!(
        r.results
            .iter()
            .all(|r| r.outcome == fieldbook_model::Outcome::Applied),
        "{:?}",
        r.results
    );
    let slow = || async {
        let db = server.database().await;
        let mut conn = db.acquire().await.unwrap();
        let engineers = scorecards::engineers_of(&mut conn, None).await.unwrap();
        let all = scorecards::compute_from_orders(&mut conn, engineers, month, None, Utc::now())
            .await
            .unwrap();
        card(&all, "engineer1").clone()
    };
    let pending = card(&cards(&server, &manager, month).await, "engineer1").clone();
    assert_eq!(pending.orders, 1);
    assert!(
        pending
            .deductions
            .iter()
            .any(|d| d.defect == Defect::Unsigned && d.work_order_id == wo.id),
        "{:?}",
        pending.deductions
    );
    assert_eq!(pending, slow().await);
    let kept: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM scorecard_summaries WHERE person = 'engineer1' \
         AND card = 'engineer' AND period_kind = 'month' AND first_day = $1",
    )
    .bind(month.first_day().to_string())
    .fetch_one(&server.database().await)
    .await
    .unwrap();
    assert_eq!(kept, 1, "the month's card is kept with the request pending");

    let r = answer(&server, &manager, wo.id, json!({"approve": true})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let approved = card(&cards(&server, &manager, month).await, "engineer1").clone();
    assert!(
        !approved
            .deductions
            .iter()
            .any(|d| d.defect == Defect::Unsigned)
    );
    assert_eq!(approved.data, pending.data + 4);
}
