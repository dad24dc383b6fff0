//! Warranty claims and old parts (issue 19): an order expecting a claim, its replaced part handed
//! over exactly once, received by the station head, the claim drafted, refused while incomplete,
//! submitted, refused, resubmitted and paid with a differing credit note; the ZIP of its files
//! (names sanitised); the commercial claims' chain; grades and titles; the old-parts ledger.
//! Every refusal is checked to change nothing.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, Utc};
use fieldbook_model::Outcome;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::field::{Photo, op, sign, submit, walk_to_left};
use crate::harness::{TestServer, my_orders};

/// The demo's closed warranty order (engineer2's, expecting a claim, its old-part photo missing).
const DEMO_CLOSED: &str = fieldbook_server::demo_claims::CLOSED_WARRANTY_ORDER;

async fn body(response: Response, status: StatusCode) -> Value {
    let url = response.url().clone();
    let got = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "{url}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// An API error with its code (and any extra keys the caller checks).
async fn refused(response: Response, status: StatusCode, code: &str) -> Value {
    let b = body(response, status).await;
    assert_eq!(b["error"], code, "{b}");
    assert!(b["message"].as_str().is_some_and(|m| !m.is_empty()), "{b}");
    b
}

async fn get(server: &TestServer, client: &Client, path: &str) -> Response {
    client.get(server.url(path)).send().await.unwrap()
}

async fn post(server: &TestServer, client: &Client, path: &str, b: Value) -> Response {
    client.post(server.url(path)).json(&b).send().await.unwrap()
}

async fn put(server: &TestServer, client: &Client, path: &str, b: Value) -> Response {
    client.put(server.url(path)).json(&b).send().await.unwrap()
}

/// Everything the claim pages change, as stored, and the newest sequence number a row carries
/// (PostgreSQL) or the counter (SQLite): equal before and after a refusal.
pub async fn snapshot(server: &TestServer) -> (i64, Vec<String>) {
    let db = server.database().await;
    let mut rows: Vec<String> = Vec::new();
    for sql in [
        "SELECT id || claim_json || CAST(seq AS TEXT) FROM claims ORDER BY id",
        "SELECT id || claim_json || CAST(seq AS TEXT) FROM commercial_claims ORDER BY id",
        "SELECT tag || part_json || CAST(seq AS TEXT) FROM old_parts ORDER BY tag",
        "SELECT chain_json || CAST(seq AS TEXT) FROM claim_settings",
        "SELECT username || COALESCE(grade, '-') || COALESCE(title, '-') FROM users \
         ORDER BY username",
        "SELECT id || CAST(seq AS TEXT) || CASE WHEN claim_expected THEN 'y' ELSE 'n' END \
         FROM work_orders ORDER BY id",
    ] {
        let part: Vec<String> = sqlx::query_scalar(sql).fetch_all(&db).await.unwrap();
        rows.extend(part);
    }
    let seq: i64 = if server.uses_postgres() {
        sqlx::query_scalar(
            "SELECT COALESCE(MAX(s), 0) FROM (SELECT MAX(seq) AS s FROM claims \
             UNION ALL SELECT MAX(seq) FROM commercial_claims \
             UNION ALL SELECT MAX(seq) FROM old_parts \
             UNION ALL SELECT MAX(seq) FROM claim_settings \
             UNION ALL SELECT MAX(seq) FROM work_orders) AS x",
        )
        .fetch_one(&db)
        .await
        .unwrap()
    } else {
        fieldbook_server::db::current_seq(&mut db.acquire().await.unwrap())
            .await
            .unwrap()
    };
    db.close().await;
    (seq, rows)
}

/// A fault repair for engineer1 expecting a claim, taken at the desk; its id.
async fn warranty_call(server: &TestServer, desk: &Client) -> Uuid {
    let mut call = crate::desk::call(&(Utc::now() - Duration::hours(30)).to_rfc3339());
    call["claim_expected"] = json!(true);
    let made = crate::desk::create(server, desk, call).await;
    assert!(made.work_order.claim_expected, "stored and read back");
    made.work_order.id
}

/// engineer1's report with the warranty details and a replaced pump, its old-part photo, the
/// required photos and the signature: the batch that submits it, and the photos to upload.
async fn warranty_report(server: &TestServer, e1: &Client, id: Uuid) -> (Vec<Value>, Vec<Photo>) {
    let wo = my_orders(server, e1)
        .await
        .into_iter()
        .find(|o| o.id == id)
        .unwrap();
    assert!(wo.claim_expected, "the phone sees it");
    let mut ops = walk_to_left("engineer1", id);
    let mut photos = Vec::new();
    for (i, slot) in wo.slots.iter().filter(|s| s.required).enumerate() {
        let p = Photo::jpeg(40 + i as u8);
        ops.push(p.add("engineer1", id, &slot.key));
        photos.push(p);
    }
    let old_part = Photo::jpeg(60);
    ops.push(old_part.add("engineer1", id, "old_part"));
    photos.push(old_part);
    ops.push(op(
        "engineer1",
        json!({
            "type": "save_report", "work_order_id": id,
            "fault_cause": "主泵磨损", "work_done": "更换主泵，试机正常",
            "parts": [
                {"part_no": "14526153", "name": "液压主泵", "qty": 1, "replaced": true},
                {"part_no": "11110683", "name": "滤芯", "qty": 2}
            ],
            "companions": [],
            "warranty": {"service_code": "SW-1", "fault_info": "E-214 主泵",
                         "labour": [{"person": "engineer1", "tenths": 45}]}
        }),
    ));
    let signature = Photo::signature_png();
    ops.push(signature.add("engineer1", id, "signature"));
    ops.push(sign("engineer1", id, signature.id));
    ops.push(submit("engineer1", id));
    photos.push(signature);
    (ops, photos)
}

#[tokio::test]
async fn a_warranty_order_becomes_a_paid_claim_and_its_part_is_followed() {
    let server = TestServer::with_demo().await;
    let desk = server.signed_in("dispatcher1").await;
    let e1 = server.signed_in("engineer1").await;
    let head = server.signed_in("head1").await;
    let claims = server.signed_in("claims1").await;
    let manager = server.signed_in("manager1").await;

    // The demo's closed order waits in the queue without a claim.
    let queue = body(
        get(&server, &claims, "/api/claims/queue").await,
        StatusCode::OK,
    )
    .await;
    let demo_row = queue
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["work_order_id"] == DEMO_CLOSED)
        .expect("the demo's claimable order is queued");
    assert_eq!(demo_row["claim"], Value::Null);
    assert_eq!(demo_row["order_state"], "closed");
    assert_eq!(demo_row["late"], false);

    // The desk takes a warranty call; the mark can be changed on the order, not for a customer
    // visit, and only by the desk, the station's head or claims support.
    let id = warranty_call(&server, &desk).await;
    let mark = format!("/api/work-orders/{id}/claim-expected");
    let d = body(
        put(&server, &claims, &mark, json!({"claim_expected": false})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        d["work_order"].get("claim_expected"),
        None,
        "false: left out"
    );
    body(
        put(&server, &head, &mark, json!({"claim_expected": true})).await,
        StatusCode::OK,
    )
    .await;
    let before = snapshot(&server).await;
    refused(
        put(&server, &manager, &mark, json!({"claim_expected": false})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let visit = my_orders(&server, &e1)
        .await
        .into_iter()
        .find(|o| !fieldbook_model::claims::claimable_service(o.service_type))
        .unwrap();
    let b = refused(
        put(
            &server,
            &desk,
            &format!("/api/work-orders/{}/claim-expected", visit.id),
            json!({"claim_expected": true}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    )
    .await;
    assert_eq!(b["field"], "claim_expected");
    let mut bad_call = crate::desk::call("2026-12-01T02:00:00Z");
    bad_call["service_type"] = json!("customer_visit");
    bad_call["claim_expected"] = json!(true);
    refused(
        post(&server, &desk, "/api/work-orders", bad_call).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    )
    .await;
    assert_eq!(snapshot(&server).await, before, "refusals change nothing");

    // Not claimable until the engineer left.
    let claim_id = Uuid::new_v4();
    let new_claim = json!({"id": claim_id, "work_order_id": id, "kind": "fault"});
    refused(
        post(&server, &claims, "/api/claims", new_claim.clone()).await,
        StatusCode::CONFLICT,
        "not_claimable",
    )
    .await;

    // The engineer submits the report: its replaced part becomes one old part, once, whatever
    // the resends.
    let (ops, photos) = warranty_report(&server, &e1, id).await;
    let first = server.push(&e1, &ops).await;
    assert!(
        first.results.iter().all(|r| r.outcome == Outcome::Applied),
        "{:?}",
        first.results
    );
    for p in &photos {
        assert_eq!(p.put(&server, &e1).await.status(), StatusCode::CREATED);
    }
    let again = server.push(&e1, &ops).await;
    assert!(
        again
            .results
            .iter()
            .all(|r| r.outcome == Outcome::Duplicate)
    );
    let submit_only = server.push(&e1, &ops[ops.len() - 1..]).await;
    assert_eq!(submit_only.results[0].outcome, Outcome::Duplicate);
    let wo = server.work_order(&desk, id).await;
    let tag = wo.report.parts[0].return_tag.clone().unwrap();
    let parts = body(
        get(&server, &head, "/api/old-parts?state=with_engineer").await,
        StatusCode::OK,
    )
    .await;
    let mine: Vec<&Value> = parts
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["work_order_id"] == id.to_string())
        .collect();
    assert_eq!(mine.len(), 1, "one part per tag, exactly once: {parts}");
    assert_eq!(mine[0]["tag"], tag.as_str());
    assert_eq!(mine[0]["holder"], "engineer1");
    assert_eq!(mine[0]["ticket"], wo.ticket.as_str());
    assert_eq!(mine[0]["store_late"], false);

    // The station head receives it: not as another order's tag, not twice.
    let receive = format!("/api/old-parts/{tag}/receive");
    let before = snapshot(&server).await;
    let b = refused(
        post(
            &server,
            &head,
            &receive,
            json!({"work_order_id": DEMO_CLOSED}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "tag_not_on_order",
    )
    .await;
    assert_eq!(b["field"], "tag");
    refused(
        post(&server, &e1, &receive, json!({"work_order_id": id})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_eq!(snapshot(&server).await, before);
    let p = body(
        post(&server, &head, &receive, json!({"work_order_id": id})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (p["state"].as_str(), p["holder"].as_str()),
        (Some("with_station_head"), Some("head1"))
    );
    let before = snapshot(&server).await;
    refused(
        post(&server, &head, &receive, json!({"work_order_id": id})).await,
        StatusCode::CONFLICT,
        "wrong_state",
    )
    .await;
    assert_eq!(snapshot(&server).await, before);

    // Sent back and submitted again: the part is not handed over twice, and stays where it is.
    body(
        post(
            &server,
            &desk,
            &format!("/api/work-orders/{id}/review"),
            json!({"decision": "send_back", "items": [
                {"item": {"what": "work_done"}, "reason": "写清更换了什么"}
            ]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let resubmitted = server
        .push(
            &e1,
            &[
                op(
                    "engineer1",
                    json!({
                        "type": "save_report", "work_order_id": id,
                        "fault_cause": "主泵磨损", "work_done": "更换液压主泵（14526153），试机正常",
                        "parts": [
                            {"part_no": "14526153", "name": "液压主泵", "qty": 1, "replaced": true},
                            {"part_no": "11110683", "name": "滤芯", "qty": 2}
                        ],
                        "companions": [],
                        "warranty": {"service_code": "SW-1", "fault_info": "E-214 主泵",
                                     "labour": [{"person": "engineer1", "tenths": 45}]}
                    }),
                ),
                submit("engineer1", id),
            ],
        )
        .await;
    assert!(
        resubmitted
            .results
            .iter()
            .all(|r| r.outcome == Outcome::Applied),
        "{:?}",
        resubmitted.results
    );
    let parts = body(get(&server, &head, "/api/old-parts").await, StatusCode::OK).await;
    let mine: Vec<&Value> = parts
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["work_order_id"] == id.to_string())
        .collect();
    assert_eq!(mine.len(), 1, "{parts}");
    assert_eq!(mine[0]["state"], "with_station_head");

    // The desk closes the order; claims support drafts the claim, once.
    body(
        post(
            &server,
            &desk,
            &format!("/api/work-orders/{id}/review"),
            json!({"decision": "close"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let view = body(
        post(&server, &claims, "/api/claims", new_claim.clone()).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(view["claim"]["state"], "draft");
    assert_eq!(view["claim"]["materials"][0]["return_tag"], tag.as_str());
    assert_eq!(view["claim"]["labour"][0]["tenths"], 45);
    assert_eq!(view["missing"], json!(["claim_number"]));
    let retry = body(
        post(&server, &claims, "/api/claims", new_claim.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(retry["claim"], view["claim"], "a retry answers the same");
    let before = snapshot(&server).await;
    refused(
        post(
            &server,
            &claims,
            "/api/claims",
            json!({"id": claim_id, "work_order_id": id, "kind": "service_fee"}),
        )
        .await,
        StatusCode::CONFLICT,
        "id_reused",
    )
    .await;
    refused(
        post(
            &server,
            &claims,
            "/api/claims",
            json!({"id": Uuid::new_v4(), "work_order_id": id, "kind": "fault"}),
        )
        .await,
        StatusCode::CONFLICT,
        "claim_exists",
    )
    .await;
    refused(
        post(&server, &manager, "/api/claims", new_claim.clone()).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // Submitting while the claim number is missing: refused with what is missing.
    let path = format!("/api/claims/{claim_id}");
    let b = refused(
        post(&server, &claims, &format!("{path}/submit"), json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "claim_incomplete",
    )
    .await;
    assert_eq!(b["missing"], json!(["claim_number"]));
    // A line with a tag that is not this order's.
    let mut edit = json!({
        "claim_number": "CL-2026-0001", "kind": "fault",
        "labour": view["claim"]["labour"], "materials": view["claim"]["materials"],
        "other_costs": [{"what": "差旅", "fen": 30000}], "remarks": "",
        "claimed_fen": 250000
    });
    let mut wrong = edit.clone();
    wrong["materials"][0]["return_tag"] = json!("BX-OTHER-R1");
    let b = refused(
        put(&server, &claims, &path, wrong).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "tag_not_on_order",
    )
    .await;
    assert_eq!(b["field"], "materials");
    let mut negative = edit.clone();
    negative["claimed_fen"] = json!(-1);
    refused(
        put(&server, &claims, &path, negative).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    )
    .await;
    assert_eq!(snapshot(&server).await, before, "refusals change nothing");

    let view = body(
        put(&server, &claims, &path, edit.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(view["missing"], json!([]));
    let view = body(
        post(&server, &claims, &format!("{path}/submit"), json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(view["claim"]["state"], "submitted");
    let before = snapshot(&server).await;
    refused(
        put(&server, &claims, &path, edit.clone()).await,
        StatusCode::CONFLICT,
        "wrong_state",
    )
    .await;
    refused(
        post(&server, &claims, &format!("{path}/submit"), json!({})).await,
        StatusCode::CONFLICT,
        "wrong_state",
    )
    .await;
    let b = refused(
        post(
            &server,
            &claims,
            &format!("{path}/answer"),
            json!({"accepted": false, "reason": " "}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reason_required",
    )
    .await;
    assert_eq!(b["field"], "reason");
    refused(
        post(
            &server,
            &claims,
            &format!("{path}/pay"),
            json!({"number": "CN-1", "fen": 1, "at": Utc::now()}),
        )
        .await,
        StatusCode::CONFLICT,
        "wrong_state",
    )
    .await;
    assert_eq!(snapshot(&server).await, before);

    // Refused, corrected, resubmitted, accepted, paid with a credit note that differs.
    let view = body(
        post(
            &server,
            &claims,
            &format!("{path}/answer"),
            json!({"accepted": false, "reason": "照片日期不符"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(view["claim"]["state"], "refused");
    edit["remarks"] = json!("补充照片");
    body(
        put(&server, &claims, &path, edit.clone()).await,
        StatusCode::OK,
    )
    .await;
    let view = body(
        post(&server, &claims, &format!("{path}/submit"), json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(view["claim"]["state"], "resubmitted");
    body(
        post(
            &server,
            &claims,
            &format!("{path}/answer"),
            json!({"accepted": true}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let paid_at = Utc::now();
    let view = body(
        post(
            &server,
            &claims,
            &format!("{path}/pay"),
            json!({"number": "CN-778", "fen": 240000, "at": paid_at}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(view["claim"]["state"], "paid");
    assert_eq!(view["claim"]["credit_note"]["fen"], 240000);
    let claim: fieldbook_model::claims::Claim =
        serde_json::from_value(view["claim"].clone()).unwrap();
    assert_eq!(claim.difference(), Some(-10_000));
    assert_eq!(claim.history.len(), 6);

    // A paid claim never changes.
    let before = snapshot(&server).await;
    for (method, suffix, b) in [
        ("PUT", "", edit.clone()),
        ("POST", "/submit", json!({})),
        ("POST", "/answer", json!({"accepted": true})),
        (
            "POST",
            "/pay",
            json!({"number": "CN-778", "fen": 240000, "at": paid_at}),
        ),
    ] {
        let url = format!("{path}{suffix}");
        let r = if method == "PUT" {
            put(&server, &claims, &url, b).await
        } else {
            post(&server, &claims, &url, b).await
        };
        refused(r, StatusCode::CONFLICT, "claim_paid").await;
    }
    assert_eq!(snapshot(&server).await, before);

    // Its files: every uploaded photo by its company-rule name and the report, in one folder.
    let r = get(&server, &manager, &format!("{path}/files.zip")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let archive = zip::ZipArchive::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let mut names: Vec<String> = archive.file_names().map(str::to_string).collect();
    names.sort();
    let folder = "EC210D-VCEC210DC00399999-CL-2026-0001/";
    assert!(names.iter().all(|n| n.starts_with(folder)), "{names:?}");
    let wo = server.work_order(&desk, id).await;
    let mut expected: Vec<String> = wo
        .photos
        .iter()
        .map(|p| format!("{folder}{}", p.name))
        .chain([format!("{folder}service-report.pdf")])
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    assert!(wo.photos.iter().any(|p| p.slot == "old_part"));

    // The manager and the desk read it; it left the queue; the month's figures count it.
    let read = body(get(&server, &manager, &path).await, StatusCode::OK).await;
    assert_eq!(read["claim"], view["claim"]);
    body(get(&server, &desk, &path).await, StatusCode::OK).await;
    let queue = body(
        get(&server, &claims, "/api/claims/queue").await,
        StatusCode::OK,
    )
    .await;
    assert!(
        queue
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["work_order_id"] != id.to_string())
    );
    let list = body(
        get(&server, &head, "/api/claims?since=0").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["claims"].as_array().unwrap().len(), 1);
    let month = (Utc::now() + Duration::hours(8))
        .format("%Y-%m")
        .to_string();
    let f = body(
        get(
            &server,
            &manager,
            &format!("/api/claims/figures?month={month}"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(f["filed"], 1);
    assert_eq!(f["filed_on_time"], 1);
    assert_eq!(f["refused"], 1);
    assert_eq!(f["accepted"], 1);
    assert_eq!(f["paid"], 1);
    assert_eq!(f["success_rate"], 1.0);
    assert_eq!(f["complete_at_first_submit"], 0);
}

#[tokio::test]
async fn the_claim_s_zip_is_one_sanitised_folder_with_the_photos_and_the_report() {
    let server = TestServer::with_demo().await;
    let claims = server.signed_in("claims1").await;
    let head = server.signed_in("head1").await;
    // A machine whose serial and model would escape the folder.
    let db = server.database().await;
    sqlx::query("UPDATE work_orders SET serial = '../x', equipment_model = 'EC/250' WHERE id = $1")
        .bind(DEMO_CLOSED)
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let id = Uuid::new_v4();
    let view = body(
        post(
            &server,
            &claims,
            "/api/claims",
            json!({"id": id, "work_order_id": DEMO_CLOSED, "kind": "fault"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // The demo left out the old part's photo: claims support sees it missing.
    let missing = view["missing"].as_array().unwrap();
    assert!(
        missing.contains(&json!({"old_part_photo": {"part_no": "14550094"}})),
        "{missing:?}"
    );
    let path = format!("/api/claims/{id}");
    refused(
        get(&server, &claims, &format!("{path}/files.zip")).await,
        StatusCode::CONFLICT,
        "claim_number_missing",
    )
    .await;
    let mut edit = json!({
        "claim_number": "../CL/2026\\0002", "kind": "fault",
        "labour": view["claim"]["labour"], "materials": view["claim"]["materials"],
        "claimed_fen": 1000
    });
    body(
        put(&server, &claims, &path, edit.clone()).await,
        StatusCode::OK,
    )
    .await;
    let r = get(&server, &head, &format!("{path}/files.zip")).await;
    assert_eq!(r.status(), StatusCode::OK, "the station's head reads it");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains("EC_250-x-CL_2026_0002.zip"),
        "{disposition}"
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    assert_eq!(names, vec!["EC_250-x-CL_2026_0002/service-report.pdf"]);
    for name in &names {
        assert!(!name.contains(".."), "{name}");
        assert_eq!(name.matches('/').count(), 1, "{name}");
        assert!(!name.starts_with('/'));
    }
    let mut pdf = Vec::new();
    archive
        .by_name("EC_250-x-CL_2026_0002/service-report.pdf")
        .unwrap()
        .read_to_end(&mut pdf)
        .unwrap();
    let text = String::from_utf8(pdf).unwrap();
    assert!(text.starts_with("%PDF-1.7"));
    assert!(text.ends_with("%%EOF\n"));
    let xref: usize = text
        .rsplit("startxref\n")
        .next()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(text[xref..].starts_with("xref\n"));
    assert!(text.contains("/STSong-Light"));

    // A field role and another station's head read nothing of it.
    let e1 = server.signed_in("engineer1").await;
    refused(
        get(&server, &e1, &format!("{path}/files.zip")).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    edit["claim_number"] = json!("..");
    body(put(&server, &claims, &path, edit).await, StatusCode::OK).await;
    let r = get(&server, &claims, &format!("{path}/files.zip")).await;
    let bytes = r.bytes().await.unwrap().to_vec();
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let name = archive.file_names().next().unwrap().to_string();
    assert_eq!(name, "EC_250-x-x/service-report.pdf");
}

#[tokio::test]
async fn commercial_claims_are_signed_in_order_by_their_titles() {
    let server = TestServer::with_demo().await;
    let head = server.signed_in("head1").await;
    let claims = server.signed_in("claims1").await;
    let bu = server.signed_in("bu1").await;
    let sales = server.signed_in("sales1").await;
    let gm = server.signed_in("gm1").await;
    let manager = server.signed_in("manager1").await;
    let e1 = server.signed_in("engineer1").await;

    let chain = body(
        get(&server, &manager, "/api/settings/sign-off-chain").await,
        StatusCode::OK,
    )
    .await;
    let keys: Vec<&str> = chain
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "bu",
            "claims_lead",
            "sales",
            "service_manager",
            "service_director",
            "gm"
        ]
    );

    let id = Uuid::new_v4();
    let new =
        json!({"id": id, "work_order_id": DEMO_CLOSED, "fen": 120000, "reason": "客户关系维护"});
    let before = snapshot(&server).await;
    refused(
        post(&server, &claims, "/api/commercial-claims", new.clone()).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let mut zero = new.clone();
    zero["fen"] = json!(0);
    refused(
        post(&server, &head, "/api/commercial-claims", zero).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    )
    .await;
    assert_eq!(snapshot(&server).await, before);
    let c = body(
        post(&server, &head, "/api/commercial-claims", new.clone()).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(c["state"], "signing");
    assert_eq!(c["station"], "济南站");
    let again = body(
        post(&server, &head, "/api/commercial-claims", new.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again, c);

    // Who sees it: the head, claims support, the managers (the signers among them too); a field
    // person only while a step waits for the title they hold.
    for who in [&head, &claims, &manager, &bu, &gm] {
        let list = body(
            get(&server, who, "/api/commercial-claims").await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(list.as_array().unwrap().len(), 1);
    }
    refused(
        get(&server, &e1, "/api/commercial-claims").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    body(
        put(
            &server,
            &claims,
            "/api/people/engineer2",
            json!({"title": "sales_director"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let e2 = server.signed_in("engineer2").await;
    let waiting = body(
        get(&server, &e2, "/api/commercial-claims").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(waiting, json!([]), "not their step yet");

    let sign = format!("/api/commercial-claims/{id}/sign");
    let before = snapshot(&server).await;
    refused(
        post(&server, &gm, &sign, json!({"step": "gm", "approved": true})).await,
        StatusCode::CONFLICT,
        "wrong_state",
    )
    .await;
    refused(
        post(
            &server,
            &sales,
            &sign,
            json!({"step": "bu", "approved": true}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "not_your_step",
    )
    .await;
    refused(
        post(
            &server,
            &manager,
            &sign,
            json!({"step": "bu", "approved": true}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "not_your_step",
    )
    .await;
    assert_eq!(snapshot(&server).await, before);
    let c = body(
        post(&server, &bu, &sign, json!({"step": "bu", "approved": true})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["sign_offs"][0]["by"], "bu1");
    body(
        post(
            &server,
            &claims,
            &sign,
            json!({"step": "claims_lead", "approved": true}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let before = snapshot(&server).await;
    let b = refused(
        post(
            &server,
            &sales,
            &sign,
            json!({"step": "sales", "approved": false}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reason_required",
    )
    .await;
    assert_eq!(b["field"], "reason");
    assert_eq!(snapshot(&server).await, before);
    let waiting = body(
        get(&server, &e2, "/api/commercial-claims").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(waiting.as_array().unwrap().len(), 1, "their step waits");
    let c = body(
        post(
            &server,
            &sales,
            &sign,
            json!({"step": "sales", "approved": false, "reason": "超出预算"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["state"], "refused");
    let svcmgr = server.signed_in("svcmgr1").await;
    refused(
        post(
            &server,
            &svcmgr,
            &sign,
            json!({"step": "service_manager", "approved": true}),
        )
        .await,
        StatusCode::CONFLICT,
        "wrong_state",
    )
    .await;

    // The chain is data: claims support changes it (checked), others may not; the claim
    // requested before keeps its own.
    let before = snapshot(&server).await;
    let short =
        json!([{"key": "gm", "label_zh": "总经理", "label_en": "GM", "title": "general_manager"}]);
    refused(
        put(
            &server,
            &manager,
            "/api/settings/sign-off-chain",
            short.clone(),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let b = refused(
        put(
            &server,
            &claims,
            "/api/settings/sign-off-chain",
            json!([{"key": "Bad Key", "label_zh": "x", "label_en": "x", "title": "t"}]),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    )
    .await;
    assert_eq!(b["field"], "key");
    refused(
        put(&server, &claims, "/api/settings/sign-off-chain", json!([])).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    )
    .await;
    assert_eq!(snapshot(&server).await, before);
    body(
        put(
            &server,
            &claims,
            "/api/settings/sign-off-chain",
            short.clone(),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let list = body(
        get(&server, &head, "/api/commercial-claims").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list[0]["chain"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn grades_and_titles_are_kept_on_people() {
    let server = TestServer::with_demo().await;
    let claims = server.signed_in("claims1").await;
    let manager = server.signed_in("manager1").await;
    let e1 = server.signed_in("engineer1").await;
    let people = body(get(&server, &manager, "/api/people").await, StatusCode::OK).await;
    let find = |p: &Value, name: &str| {
        p.as_array()
            .unwrap()
            .iter()
            .find(|r| r["username"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(find(&people, "engineer2")["grade"], "Trainee");
    assert_eq!(find(&people, "engineer1")["grade"], "TCL2");
    assert_eq!(find(&people, "gm1")["title"], "general_manager");
    assert_eq!(find(&people, "claims1")["role"], "claims");
    refused(
        get(&server, &e1, "/api/people").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let before = snapshot(&server).await;
    refused(
        put(
            &server,
            &manager,
            "/api/people/engineer2",
            json!({"grade": "TCL1"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    refused(
        put(
            &server,
            &claims,
            "/api/people/nobody",
            json!({"grade": "TCL1"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let b = refused(
        put(
            &server,
            &claims,
            "/api/people/engineer2",
            json!({"title": "Boss!"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    )
    .await;
    assert_eq!(b["field"], "title");
    refused(
        put(
            &server,
            &claims,
            "/api/people/engineer2",
            json!({"grade": "TCL9"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "bad_json",
    )
    .await;
    assert_eq!(snapshot(&server).await, before);
    let row = body(
        put(
            &server,
            &claims,
            "/api/people/engineer2",
            json!({"grade": "TCL1", "title": ""}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(row["grade"], "TCL1");
    assert_eq!(row["title"], Value::Null);
}

#[tokio::test]
async fn the_old_parts_ledger_reads_back_as_csv_and_xlsx() {
    let server = TestServer::with_demo().await;
    let claims = server.signed_in("claims1").await;
    let head = server.signed_in("head1").await;
    let parts = body(
        get(&server, &claims, "/api/old-parts").await,
        StatusCode::OK,
    )
    .await;
    let part = parts[0].clone();
    let tag = part["tag"].as_str().unwrap().to_string();
    assert_eq!(part["state"], "with_engineer");
    let removed: chrono::DateTime<Utc> =
        serde_json::from_value(part["removed_at"].clone()).unwrap();
    let month = (removed + Duration::hours(8)).format("%Y-%m").to_string();

    // Claims support moves it on: not before the head has it, then into the store as large.
    let mv = format!("/api/old-parts/{tag}/move");
    let before = snapshot(&server).await;
    refused(
        post(&server, &claims, &mv, json!({"to": "in_store"})).await,
        StatusCode::CONFLICT,
        "wrong_state",
    )
    .await;
    refused(
        post(&server, &claims, &mv, json!({"to": "with_station_head"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_value",
    )
    .await;
    refused(
        post(&server, &head, &mv, json!({"to": "in_store"})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    refused(
        post(
            &server,
            &claims,
            "/api/old-parts/NOPE-R1/move",
            json!({"to": "in_store"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(snapshot(&server).await, before);
    body(
        post(
            &server,
            &head,
            &format!("/api/old-parts/{tag}/receive"),
            json!({"work_order_id": DEMO_CLOSED}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let p = body(
        post(
            &server,
            &claims,
            &mv,
            json!({"to": "in_store", "size": "large"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (p["state"].as_str(), p["size"].as_str()),
        (Some("in_store"), Some("large"))
    );
    let ship = format!("/api/old-parts/{tag}/ship-request");
    let first = body(
        post(&server, &claims, &ship, json!({})).await,
        StatusCode::OK,
    )
    .await;
    let second = body(
        post(&server, &claims, &ship, json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["ship_requested_at"], second["ship_requested_at"]);
    assert_eq!(second["ship_late"], false);

    let json_rows = body(
        get(
            &server,
            &claims,
            &format!("/api/old-parts/ledger?month={month}"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(json_rows.as_array().unwrap().len(), 1);
    let r = get(
        &server,
        &claims,
        &format!("/api/old-parts/ledger?month={month}&format=csv"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.bytes().await.unwrap().to_vec();
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with a BOM");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("旧件标签,工单号,服务站"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with(&format!("{tag},")), "{}", lines[1]);
    assert!(lines[1].contains("已入库") && lines[1].contains("大件"));

    let r = get(
        &server,
        &claims,
        &format!("/api/old-parts/ledger?month={month}&format=xlsx"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = book.sheet_names()[0].clone();
    assert_eq!(sheet, format!("旧件台账 {month}"));
    let range = book.worksheet_range(&sheet).unwrap();
    let grid: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    assert_eq!(grid.len(), 2);
    assert_eq!(grid[0][0], Data::String("旧件标签".into()));
    assert_eq!(grid[1][0], Data::String(tag.clone()));
    assert_eq!(grid[1][5], Data::Float(1.0), "the quantity is a number");
    // The CSV's cells are the .xlsx's.
    let csv_cells: Vec<String> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let xlsx_cells: Vec<String> = grid[1]
        .iter()
        .map(|d| match d {
            Data::String(s) => s.clone(),
            Data::Float(f) => f.to_string(),
            Data::Empty => String::new(),
            other => other.to_string(),
        })
        .collect();
    assert_eq!(csv_cells, xlsx_cells);
    refused(
        get(&server, &claims, "/api/old-parts/ledger?month=12-2026").await,
        StatusCode::BAD_REQUEST,
        "bad_query",
    )
    .await;
}
