//! The equipment register, the photo rules and the office's imports, over real HTTP against a
//! real SQLite file: each endpoint's rules and refusals, and that a refusal changes nothing.

use fieldbook_model::desk::{Machine, MachineHistory, SlotRule};
use fieldbook_model::register::ImportReport;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::field::{Photo, correct_hours};
use crate::harness::{TestServer, assert_error, my_orders};

async fn history(server: &TestServer, client: &Client, serial: &str) -> MachineHistory {
    let r = client
        .get(server.url(&format!("/api/machines/{serial}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "GET machine {serial}");
    r.json().await.unwrap()
}

async fn search(server: &TestServer, client: &Client, q: &str) -> Vec<Machine> {
    let r = client
        .get(server.url("/api/machines"))
        .query(&[("q", q)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn put_machine(
    server: &TestServer,
    client: &Client,
    serial: &str,
    body: &Value,
) -> reqwest::Response {
    client
        .put(server.url(&format!("/api/machines/{serial}")))
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_register_keeps_machines_by_serial_and_refuses_bad_entries() {
    let server = TestServer::with_demo().await;
    let d = server.signed_in("dispatcher1").await;
    let entry = json!({
        "serial": "VCEC210DC00312457",
        "equipment_model": "EC210D",
        "customer": "中建三局",
        "delivered_on": "2025-03-01",
        "warranty_end": "2027-03-01",
    });
    let r = put_machine(&server, &d, "VCEC210DC00312457", &entry).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // Another spelling of the same serial changes the same entry.
    let mut changed = entry.clone();
    changed["serial"] = json!(" vcec210dc00312457 ");
    changed["customer"] = json!("中建三局二公司");
    let r = put_machine(&server, &d, "vcec210dc00312457", &changed).await;
    assert_eq!(r.status(), StatusCode::OK);
    let stored: Machine = r.json().await.unwrap();
    assert_eq!(stored.customer, "中建三局二公司");
    assert_eq!(stored.serial, "vcec210dc00312457");

    // Refusals, each with its code; none changes the entry.
    let refusals = [
        (
            json!({"serial": "", "equipment_model": "EC210D"}),
            "",
            "required",
        ),
        (
            json!({"serial": "X-1", "equipment_model": "x".repeat(61)}),
            "X-1",
            "invalid_value",
        ),
        (
            json!({"serial": "VCEC210DC00312457", "equipment_model": "EC210D",
                   "delivered_on": "2025-03-01", "warranty_end": "2025-02-28"}),
            "VCEC210DC00312457",
            "warranty_before_delivery",
        ),
        (
            json!({"serial": "OTHER", "equipment_model": "EC210D"}),
            "VCEC210DC00312457",
            "serial_mismatch",
        ),
    ];
    for (body, path, code) in refusals {
        let path = if path.is_empty() { "%20" } else { path };
        let r = put_machine(&server, &d, path, &body).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, code).await;
    }
    let r = put_machine(
        &server,
        &d,
        "VCEC210DC00312457",
        &json!({"serial": "VCEC210DC00312457", "equipment_model": "EC210D", "delivered_on": "1.3.2025"}),
    )
    .await;
    assert_error(r, StatusCode::BAD_REQUEST, "bad_json").await;
    let h = history(&server, &d, "VCEC210DC00312457").await;
    assert_eq!(h.machine.customer, "中建三局二公司");
    assert_eq!(h.machine.warranty_end.unwrap().to_string(), "2027-03-01");

    // Field roles may neither read nor write it.
    for who in ["engineer1", "supervisor1", "cleaner1"] {
        let c = server.signed_in(who).await;
        let r = put_machine(&server, &c, "VCEC210DC00312457", &entry).await;
        assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
        let r = c
            .get(server.url("/api/machines/VCEC210DC00312457"))
            .send()
            .await
            .unwrap();
        assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    }

    let r = d
        .get(server.url("/api/machines/NO-SUCH"))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "unknown_machine").await;
}

#[tokio::test]
async fn search_finds_register_entries_and_serials_seen_on_orders() {
    let server = TestServer::with_demo().await;
    let d = server.signed_in("dispatcher1").await;
    let r = put_machine(
        &server,
        &d,
        "EC210-REG-1",
        &json!({"serial": "EC210-REG-1", "equipment_model": "EC210D", "customer": "登记客户"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // By model: the register's entry and the demo orders' EC210D serials, once each.
    let found = search(&server, &d, "ec210").await;
    let serials: Vec<&str> = found.iter().map(|m| m.serial.as_str()).collect();
    assert_eq!(
        serials[0], "EC210-REG-1",
        "serial prefixes first: {serials:?}"
    );
    for s in ["VCEC210DC00312457", "VCEC210DK00318861"] {
        assert_eq!(
            serials.iter().filter(|x| **x == s).count(),
            1,
            "{serials:?}"
        );
    }
    assert!(found.iter().all(|m| m.equipment_model.contains("EC210")));
    // By part of a serial, any case; an order-only machine carries its order's customer.
    let found = search(&server, &d, "k52318").await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].serial, "KMTPC200K52318764");
    assert!(!found[0].customer.is_empty());
    // LIKE's own characters are plain text.
    assert!(search(&server, &d, "%").await.is_empty());
    // At most 20.
    assert!(search(&server, &d, "").await.len() <= 20);
    let r = d
        .get(server.url("/api/machines"))
        .query(&[("q", "x".repeat(61))])
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "bad_query").await;
}

#[tokio::test]
async fn a_machines_history_has_its_orders_and_their_hours_as_readings() {
    let server = TestServer::with_demo().await;
    let d = server.signed_in("dispatcher1").await;
    let e1 = server.signed_in("engineer1").await;
    let orders = my_orders(&server, &e1).await;
    let order = orders
        .iter()
        .find(|o| o.serial == "VCEC210DC00312457")
        .unwrap();
    let called_with = order.engine_hours;

    let h = history(&server, &d, "vcec210dc00312457").await;
    assert_eq!(h.orders.len(), 1);
    assert_eq!(h.orders[0].id, order.id);
    assert!(
        !h.orders[0].slots.is_empty(),
        "as work_orders::find gives it"
    );
    assert_eq!(h.machine.equipment_model, order.equipment_model);
    assert_eq!(h.machine.hours.len(), 1);
    assert_eq!(h.machine.hours[0].hours, called_with);
    assert_eq!(
        h.machine.hours[0].ticket.as_deref(),
        Some(order.ticket.as_str())
    );

    // The engineer corrects the hours on site: both readings stay, with the ticket.
    let result = server
        .push(
            &e1,
            &[correct_hours("engineer1", order.id, called_with + 35)],
        )
        .await;
    assert_eq!(
        result.results[0].outcome,
        fieldbook_model::Outcome::Applied,
        "{result:?}"
    );
    let h = history(&server, &d, "VCEC210DC00312457").await;
    let hours: Vec<u32> = h.machine.hours.iter().map(|r| r.hours).collect();
    assert_eq!(hours, vec![called_with, called_with + 35]);
    assert!(
        h.machine
            .hours
            .iter()
            .all(|r| r.ticket.as_deref() == Some(order.ticket.as_str()))
    );
    assert_eq!(h.orders[0].engine_hours, called_with + 35);

    // A second order on the serial within 30 days is a repeat visit; newest first.
    let csv = format!(
        "ticket,customer,site,equipment_model,serial,engine_hours,working_condition,\
         service_type,called_at,planned_at,assignee\n\
         BX-REPEAT-1,中建三局,工地,EC210D, vcec210dc00312457 ,{},土方,fault_repair,{},{},engineer1\n",
        called_with + 60,
        (order.called_at + chrono::Duration::days(3)).to_rfc3339(),
        (order.called_at + chrono::Duration::days(4)).to_rfc3339(),
    );
    let report: ImportReport = import(&server, &d, "work-orders", csv.into_bytes()).await;
    assert_eq!(report.accepted, 1, "{report:?}");
    let h = history(&server, &d, "VCEC210DC00312457").await;
    let tickets: Vec<&str> = h.orders.iter().map(|o| o.ticket.as_str()).collect();
    assert_eq!(tickets, vec!["BX-REPEAT-1", order.ticket.as_str()]);
    assert_eq!(
        h.orders[0].repeat_of.as_deref(),
        Some(order.ticket.as_str())
    );
    assert_eq!(h.orders[1].repeat_of, None);
    assert_eq!(h.machine.hours.last().unwrap().hours, called_with + 60);
}

fn rule(key: &str, zh: &str, en: &str, required: bool) -> Value {
    json!({"key": key, "label_zh": zh, "label_en": en, "required": required})
}

#[tokio::test]
async fn photo_rules_are_set_per_service_type_and_orders_read_them_next_time() {
    let server = TestServer::with_demo().await;
    let d = server.signed_in("dispatcher1").await;
    let e1 = server.signed_in("engineer1").await;
    let r = d
        .get(server.url("/api/settings/photo-slots"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let all: std::collections::BTreeMap<String, Vec<SlotRule>> = r.json().await.unwrap();
    assert_eq!(all.len(), 9, "every service type");
    assert_eq!(all["fault_repair"][0].key, "nameplate");

    let order = my_orders(&server, &e1)
        .await
        .into_iter()
        .find(|o| o.service_type == fieldbook_model::ServiceType::FaultRepair)
        .unwrap();
    let url = server.url("/api/settings/photo-slots/fault_repair");

    // Refusals: each changes nothing.
    let bad = [
        (
            json!([rule("Name plate", "铭牌", "Nameplate", true)]),
            "bad_slot_key",
        ),
        (
            json!([rule("extra", "其他", "Other", false)]),
            "reserved_slot_key",
        ),
        (
            json!([rule("a", "甲", "A", true), rule("a", "乙", "B", true)]),
            "duplicate_slot_key",
        ),
        (json!([rule("a", "", "A", true)]), "bad_label"),
        (json!([rule("a", "甲", &"x".repeat(61), true)]), "bad_label"),
        (
            json!([{"key": "a", "label_zh": "甲", "label_en": "A", "required": true,
                    "example": Uuid::new_v4()}]),
            "unknown_example",
        ),
    ];
    for (body, code) in bad {
        let r = d.put(&url).json(&body).send().await.unwrap();
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, code).await;
    }
    let r = d
        .put(server.url("/api/settings/photo-slots/repair"))
        .json(&json!([]))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "unknown_service_type").await;
    let r = e1.put(&url).json(&json!([])).send().await.unwrap();
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(server.work_order(&e1, order.id).await.slots, order.slots);

    // An example picture: checked as photos are.
    let example = Uuid::new_v4();
    let example_url = server.url(&format!("/api/settings/examples/{example}"));
    let r = d
        .put(&example_url)
        .body("not a picture")
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "not_an_image").await;
    let r = d
        .put(&example_url)
        .body(Vec::<u8>::new())
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "empty_body").await;
    let r = d.get(&example_url).send().await.unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let picture = Photo::jpeg(3);
    let r = d
        .put(&example_url)
        .body(picture.bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let stored: Value = r.json().await.unwrap();
    assert_eq!(stored["width"], 160);
    let r = d.get(&example_url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert!(image_ok(&r.bytes().await.unwrap()));

    // The new rules, in their order; the order shows them at its next read.
    let rules = json!([
        {"key": "hour_meter", "label_zh": "小时表", "label_en": "Hour meter", "required": true,
         "example": example},
        rule("nameplate", "铭牌", "Nameplate", false),
        rule("fault_area", "故障部位", "Fault area", true),
    ]);
    let r = d.put(&url).json(&rules).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let stored: Vec<SlotRule> = r.json().await.unwrap();
    assert_eq!(stored[0].example, Some(example));
    let slots = server.work_order(&e1, order.id).await.slots;
    let keys: Vec<(&str, bool)> = slots.iter().map(|s| (s.key.as_str(), s.required)).collect();
    assert_eq!(
        keys,
        vec![
            ("hour_meter", true),
            ("nameplate", false),
            ("fault_area", true)
        ]
    );
}

fn image_ok(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8])
}

async fn import<T: serde::de::DeserializeOwned>(
    server: &TestServer,
    client: &Client,
    what: &str,
    body: Vec<u8>,
) -> T {
    let r = client
        .post(server.url(&format!("/api/import/{what}")))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "import {what}");
    r.json().await.unwrap()
}

/// A one-sheet workbook of these rows, as Excel would save it.
fn xlsx(rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                Cell::Text(s) => sheet.write_string(r, c, *s).map(|_| ()),
                Cell::Number(n) => sheet.write_number(r, c, *n).map(|_| ()),
                Cell::Date(y, m, d) => {
                    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
                    sheet
                        .write_datetime_with_format(r, c, &date, &format)
                        .map(|_| ())
                }
                Cell::Empty => Ok(()),
            }
            .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

enum Cell {
    Text(&'static str),
    Number(f64),
    Date(u16, u8, u8),
    Empty,
}

#[tokio::test]
async fn machines_import_from_xlsx_utf8_and_gbk_line_by_line() {
    use Cell::*;
    let server = TestServer::with_demo().await;
    let d = server.signed_in("dispatcher1").await;

    // A real workbook with Chinese headers, numbers and date cells.
    let book = xlsx(&[
        vec![
            Text("序列号"),
            Text("机型"),
            Text("客户"),
            Text("交机日期"),
            Text("质保到期"),
            Text("小时数"),
            Text("读数日期"),
        ],
        vec![
            Text("XL-0001"),
            Text("EC210D"),
            Text("中建三局"),
            Date(2025, 3, 1),
            Date(2027, 3, 1),
            Number(1200.0),
            Date(2026, 11, 1),
        ],
        vec![
            Text("XL-0002"),
            Text("SY215C"),
            Empty,
            Date(2025, 3, 1),
            Date(2024, 3, 1),
            Empty,
            Empty,
        ],
        vec![Text("XL-0003"), Empty, Text("华润置地")],
        vec![Text("xl-0001"), Text("EC210D")],
        vec![
            Text("XL-0004"),
            Text("EC480D"),
            Empty,
            Empty,
            Empty,
            Number(12.5),
            Date(2026, 11, 1),
        ],
    ]);
    assert!(book.starts_with(b"PK\x03\x04"));
    let report: ImportReport = import(&server, &d, "machines", book.clone()).await;
    assert_eq!(report.accepted, 1, "{report:?}");
    let refused: Vec<(usize, &str)> = report
        .refused
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(
        refused,
        vec![
            (
                3,
                "warranty_end: the warranty cannot end before the delivery"
            ),
            (4, "equipment_model is empty"),
            (5, "serial xl-0001 appears twice in this file"),
            (6, "engine_hours '12.5' is not a whole number of hours"),
        ]
    );
    let h = history(&server, &d, "XL-0001").await;
    assert_eq!(h.machine.customer, "中建三局");
    assert_eq!(h.machine.delivered_on.unwrap().to_string(), "2025-03-01");
    assert_eq!(h.machine.hours.len(), 1);
    assert_eq!(h.machine.hours[0].hours, 1200);
    assert_eq!(h.machine.hours[0].ticket, None);
    let r = d
        .get(server.url("/api/machines/XL-0002"))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "unknown_machine").await;

    // The same workbook again: the same answer, the reading kept once.
    let again: ImportReport = import(&server, &d, "machines", book).await;
    assert_eq!(again, report);
    assert_eq!(history(&server, &d, "XL-0001").await.machine.hours.len(), 1);

    // CSV in UTF-8 with a BOM, English headers; an empty cell keeps what the register has.
    let csv = "\u{feff}serial,model,customer,delivered_on\nXL-0001,EC210D-2,,\nCSV-1,PC200,小松客户,2026/01/05\n";
    let report: ImportReport = import(&server, &d, "machines", csv.as_bytes().to_vec()).await;
    assert_eq!(report.accepted, 2, "{report:?}");
    let h = history(&server, &d, "XL-0001").await;
    assert_eq!(h.machine.equipment_model, "EC210D-2");
    assert_eq!(h.machine.customer, "中建三局", "kept");

    // CSV in GBK, as Excel saves it on a Chinese PC.
    let text = "序列号,机型,客户\nGBK-1,EC480D,三一重工\nGBK-2,,徐工\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really GBK");
    let report: ImportReport = import(&server, &d, "machines", gbk.into_owned()).await;
    assert_eq!(report.accepted, 1);
    assert_eq!(report.refused[0].line, 3);
    assert_eq!(
        history(&server, &d, "gbk-1").await.machine.customer,
        "三一重工"
    );

    // Whole-file refusals write nothing.
    let r = d
        .post(server.url("/api/import/machines"))
        .body("序列号,颜色\nBAD-1,红\n")
        .send()
        .await
        .unwrap();
    let body = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "unknown_columns").await;
    assert!(body["message"].as_str().unwrap().contains("颜色"));
    let r = d
        .post(server.url("/api/import/machines"))
        .body("客户\n三一\n")
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "missing_columns").await;
    let r = d
        .post(server.url("/api/import/machines"))
        .body(vec![0xffu8, 0xff, 0xff])
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "bad_file").await;
    let r = d
        .post(server.url("/api/import/machines"))
        .body(b"PK\x03\x04 not really a zip".to_vec())
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "bad_file").await;
    let r = d
        .post(server.url("/api/import/machines"))
        .body(Vec::<u8>::new())
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "empty_body").await;
    assert!(search(&server, &d, "bad-1").await.is_empty());
    let e1 = server.signed_in("engineer1").await;
    let r = e1
        .post(server.url("/api/import/machines"))
        .body("serial,model\nE-1,EC210D\n")
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(search(&server, &d, "e-1").await.is_empty());
}

#[tokio::test]
async fn work_orders_import_from_xlsx_with_chinese_headers() {
    use Cell::*;
    let server = TestServer::with_demo().await;
    let d = server.signed_in("dispatcher1").await;
    let e1 = server.signed_in("engineer1").await;
    let before = my_orders(&server, &e1).await.len();
    let header = vec![
        Text("报修单号"),
        Text("客户"),
        Text("现场"),
        Text("机型"),
        Text("序列号"),
        Text("小时数"),
        Text("工况"),
        Text("故障描述"),
        Text("服务类型"),
        Text("是否停机"),
        Text("报修时间"),
        Text("计划时间"),
        Text("工程师"),
    ];
    let row = |ticket: &'static str, hours: Cell, assignee: &'static str| {
        vec![
            Text(ticket),
            Text("中建三局"),
            Text("光谷工地"),
            Text("EC210D"),
            Text("XLWO-1"),
            hours,
            Text("土方"),
            Text("液压无力"),
            Text("故障维修"),
            Text("是"),
            Text("2026-11-27 08:30"),
            Text("2026-11-28 09:00"),
            Text(assignee),
        ]
    };
    let book = xlsx(&[
        header,
        row("BX-XL-001", Number(3520.0), "engineer1"),
        row("BX-XL-002", Number(10.0), "cleaner1"),
    ]);
    // The office's older photo-naming rule applies to imported orders as to calls taken.
    let set = d
        .put(server.url("/api/settings"))
        .json(&serde_json::json!({"ticket_rule": "BX-{yyyymmdd}-{n:3}", "photo_naming": "with_service_content"}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::OK);
    let report: ImportReport = import(&server, &d, "work-orders", book.clone()).await;
    assert_eq!(report.accepted, 1, "{report:?}");
    assert_eq!(report.refused.len(), 1);
    assert_eq!(report.refused[0].line, 3);
    assert_eq!(report.refused[0].reason, "'cleaner1' is not an engineer");
    let orders = my_orders(&server, &e1).await;
    assert_eq!(orders.len(), before + 1);
    let order = orders.iter().find(|o| o.ticket == "BX-XL-001").unwrap();
    assert_eq!(order.engine_hours, 3520);
    assert!(order.machine_down);
    assert_eq!(order.called_at.to_rfc3339(), "2026-11-27T00:30:00+00:00");
    assert_eq!(
        order.naming,
        fieldbook_model::desk::PhotoNaming::WithServiceContent
    );
    // Again: refused line by line, nothing new.
    let again: ImportReport = import(&server, &d, "work-orders", book).await;
    assert_eq!(again.accepted, 0);
    assert_eq!(again.refused[0].reason, "ticket BX-XL-001 already exists");
    assert_eq!(my_orders(&server, &e1).await.len(), before + 1);
    // The order's serial is in the register's search and history.
    assert_eq!(search(&server, &d, "xlwo").await.len(), 1);
    assert_eq!(history(&server, &d, "XLWO-1").await.orders.len(), 1);
}
