//! What a field team's phones send (cleaners' ticks and records, the supervisor's reviews,
//! findings and rounds) and the demo team's areas and units as their first sync returns them.

use chrono::{DateTime, NaiveDate, Utc};
use fieldbook_model::cleaning::{Area, VacantUnit, due_items};
use fieldbook_model::sync::FieldReference;
use fieldbook_model::{OpResult, Outcome, RejectCode, Role, SyncResponse};
use reqwest::Client;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::field::{DEVICE_TIME, Photo};
use crate::harness::TestServer;

/// The local date the phones work on (a Friday: the Friday weekly items are due).
pub const DAY: &str = "2026-11-27";

pub fn day() -> NaiveDate {
    DAY.parse().unwrap()
}

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// An operation with its own device time.
pub fn op_at(user: &str, device_time: &str, kind: Value) -> Value {
    json!({
        "id": Uuid::new_v4(),
        "user": user,
        "device_id": "00000000-0000-4000-8000-000000000002",
        "device_time": device_time,
        "kind": kind
    })
}

pub fn op(user: &str, kind: Value) -> Value {
    op_at(user, DEVICE_TIME, kind)
}

/// A photo's details as an operation carries them.
pub fn photo_ref(photo: &Photo, slot: &str) -> Value {
    json!({
        "photo_id": photo.id,
        "slot": slot,
        "sha256": photo.sha256(),
        "bytes": photo.bytes.len(),
        "width": photo.width,
        "height": photo.height,
        "content_type": photo.content_type,
    })
}

pub fn mark(user: &str, area: Uuid, item: Uuid, mark: Option<&str>) -> Value {
    op(
        user,
        json!({"type": "mark_item", "area_id": area, "item_id": item, "date": DAY, "mark": mark}),
    )
}

pub fn finish_at(user: &str, area: Uuid, device_time: &str) -> Value {
    op_at(
        user,
        device_time,
        json!({"type": "finish_area", "area_id": area, "date": DAY}),
    )
}

pub fn review_area(user: &str, area: Uuid, verdict: Value) -> Value {
    op(
        user,
        json!({"type": "review_area", "area_id": area, "date": DAY, "verdict": verdict}),
    )
}

pub fn approved() -> Value {
    json!("approved")
}

pub fn sent_back(reason: &str) -> Value {
    json!({"sent_back": {"reason": reason}})
}

/// The four items of the company standard, all passed.
pub fn all_pass() -> Vec<Value> {
    [
        "floor_clear",
        "walls_clean",
        "equipment_clean",
        "doors_windows_closed",
    ]
    .into_iter()
    .map(|item| json!({"item": item, "pass": true}))
    .collect()
}

/// A vacant-unit record: cleaned 09:00-10:30 China time on [`DAY`].
pub fn vacant_record(
    user: &str,
    record: Uuid,
    unit: Uuid,
    checks: Vec<Value>,
    photos: Vec<Value>,
) -> Value {
    op_at(
        user,
        "2026-11-27T02:31:00Z",
        json!({
            "type": "save_vacant_record",
            "record_id": record,
            "unit_id": unit,
            "started_at": "2026-11-27T01:00:00Z",
            "ended_at": "2026-11-27T02:30:00Z",
            "checks": checks,
            "note": "",
            "photos": photos,
        }),
    )
}

pub fn report_finding(user: &str, finding: Uuid, area: Option<Uuid>, photos: Vec<Value>) -> Value {
    op(
        user,
        json!({
            "type": "report_finding",
            "finding_id": finding,
            "area_id": area,
            "place": "",
            "source": "spotted",
            "problem": "leak",
            "note": "洗手台下水管漏水",
            "photos": photos,
        }),
    )
}

pub fn assign_to(user: &str, finding: Uuid, username: &str, due: &str) -> Value {
    op(
        user,
        json!({
            "type": "assign_finding",
            "finding_id": finding,
            "assignee": {"person": {"username": username}},
            "due": due,
        }),
    )
}

pub fn assign_department(user: &str, finding: Uuid, department: &str) -> Value {
    op(
        user,
        json!({
            "type": "assign_finding",
            "finding_id": finding,
            "assignee": {"department": {"department": department}},
            "due": "2026-11-28T08:30:00Z",
        }),
    )
}

pub fn close(user: &str, finding: Uuid, photos: Vec<Value>) -> Value {
    op(
        user,
        json!({"type": "close_finding", "finding_id": finding, "note": "已更换密封圈", "photos": photos}),
    )
}

pub fn confirm(user: &str, finding: Uuid) -> Value {
    op(
        user,
        json!({"type": "confirm_finding", "finding_id": finding}),
    )
}

pub fn reopen(user: &str, finding: Uuid, reason: &str) -> Value {
    op(
        user,
        json!({"type": "reopen_finding", "finding_id": finding, "reason": reason}),
    )
}

pub fn round(user: &str, round: Uuid, kind: &str, areas: Vec<Value>) -> Value {
    op_at(
        user,
        "2026-11-27T01:45:00Z",
        json!({
            "type": "submit_round",
            "round_id": round,
            "kind": kind,
            "date": DAY,
            "started_at": "2026-11-27T01:00:00Z",
            "ended_at": "2026-11-27T01:40:00Z",
            "areas": areas,
        }),
    )
}

/// Send one operation and get its answer.
pub async fn send(server: &TestServer, client: &Client, op: &Value) -> OpResult {
    let mut response = server.push(client, std::slice::from_ref(op)).await;
    assert_eq!(response.results.len(), 1);
    let result = response.results.remove(0);
    assert_eq!(result.id.to_string(), op["id"].as_str().unwrap());
    result
}

#[track_caller]
pub fn assert_applied(result: &OpResult) {
    assert_eq!(
        (result.outcome, result.code),
        (Outcome::Applied, None),
        "{result:?}"
    );
}

#[track_caller]
pub fn assert_rejected(result: &OpResult, code: RejectCode) {
    assert_eq!(
        (result.outcome, result.code),
        (Outcome::Rejected, Some(code)),
        "{result:?}"
    );
}

/// Send, expect it applied.
pub async fn apply(server: &TestServer, client: &Client, op: &Value) {
    assert_applied(&send(server, client, op).await);
}

/// Send, expect it refused with `code` and nothing changed for `watchers` (whole pulls from 0,
/// before and after, and the server's sequence).
pub async fn refused(
    server: &TestServer,
    client: &Client,
    op: &Value,
    code: RejectCode,
    watchers: &[&Client],
) {
    let mut before = Vec::new();
    for w in watchers {
        before.push(server.sync(w, 0).await);
    }
    assert_rejected(&send(server, client, op).await, code);
    for (w, b) in watchers.iter().zip(&before) {
        let after = server.sync(w, 0).await;
        assert_unchanged(server, b, &after);
    }
}

/// SQLite gives a refused change's sequence number back, so the cursor stays; PostgreSQL's
/// sequence keeps it (`db::next_seq`): the cursor may pass the unused number, and what the
/// phone holds must still be the same.
#[track_caller]
pub fn assert_unchanged(server: &TestServer, before: &SyncResponse, after: &SyncResponse) {
    if server.uses_postgres() {
        assert!(after.cursor >= before.cursor, "a cursor never goes back");
    } else {
        assert_eq!(
            before.cursor, after.cursor,
            "a refusal takes no sequence value"
        );
    }
    assert_eq!(before.field, after.field);
    assert_eq!(before.work_orders, after.work_orders);
}

/// The user's field reference from a first sync.
pub async fn reference(server: &TestServer, client: &Client) -> FieldReference {
    server
        .sync(client, 0)
        .await
        .field
        .reference
        .expect("a first sync carries the reference")
}

pub fn area<'a>(r: &'a FieldReference, name: &str) -> &'a Area {
    r.areas
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no area {name}"))
}

pub fn unit<'a>(r: &'a FieldReference, name: &str) -> &'a VacantUnit {
    r.units
        .iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("no unit {name}"))
}

/// The ids of the items of `area` due on [`DAY`].
pub fn due(r: &FieldReference, area: Uuid) -> Vec<Uuid> {
    due_items(&r.items, area, day())
        .into_iter()
        .map(|i| i.id)
        .collect()
}

/// Add a supervisor (or anyone) of another team, as `fieldbook-server add-user --team` does.
pub async fn add_user(server: &TestServer, username: &str, role: Role, team: Option<&str>) {
    let db = server.database().await;
    fieldbook_server::users::create(
        &db,
        fieldbook_server::users::NewUser {
            username: username.into(),
            display_name: "孙磊".into(),
            role,
            team: team.map(str::to_string),
        },
        "demo1234".into(),
    )
    .await
    .unwrap();
    db.close().await;
}

/// An area of another team, straight into the database as the office would.
pub async fn add_area(server: &TestServer, team: &str, name: &str, patrol: bool) -> Uuid {
    let db = server.database().await;
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO areas (id, team, name, kind, cleaner_id, patrol, position, seq) \
         VALUES ($1, $2, $3, 'lobby', NULL, $4, 0, 0)",
    )
    .bind(id.to_string())
    .bind(team)
    .bind(name)
    .bind(patrol)
    .execute(&db)
    .await
    .unwrap();
    db.close().await;
    id
}

/// GET a photo's bytes: the status, and the bytes when 200.
pub async fn get_photo(server: &TestServer, client: &Client, id: Uuid) -> (u16, Vec<u8>) {
    let r = client
        .get(server.url(&format!("/api/photos/{id}")))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.bytes().await.unwrap().to_vec())
}
