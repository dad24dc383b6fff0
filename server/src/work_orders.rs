//! Reading and writing work orders and their status history.

use std::collections::HashMap;

use crate::db::Conn;
use fieldbook_model::desk::PhotoNaming;
use fieldbook_model::{PhotoSlot, ServiceReport, ServiceType, StatusEvent, StatusNode, WorkOrder};
use sqlx::{FromRow, Row};
use uuid::Uuid;

use crate::error::StoreError;
use crate::{db, photos};

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: String,
    ticket: String,
    customer: String,
    site: String,
    equipment_model: String,
    serial: String,
    engine_hours: i64,
    working_condition: String,
    fault_description: String,
    service_type: String,
    #[sqlx(try_from = "crate::db::IntFlag")]
    machine_down: bool,
    called_at: String,
    planned_at: String,
    assignee: String,
    assignee_name: String,
    assignee_id: String,
    status: String,
    seq: i64,
    contact_name: String,
    contact_phone: String,
    companions_json: String,
    station: Option<String>,
    repeat_of: Option<String>,
    first_response_json: Option<String>,
    departure_json: Option<String>,
    reviews_json: String,
    closure_json: Option<String>,
    naming: String,
    unrepaired_reason_json: Option<String>,
    call_backs_json: String,
    #[sqlx(try_from = "crate::db::IntFlag")]
    claim_expected: bool,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    work_order_id: String,
    node: String,
    device_time: String,
    username: String,
    op_id: String,
}

const SELECT_ORDERS: &str = "SELECT w.id, w.ticket, w.customer, w.site, w.equipment_model, \
    w.serial, w.engine_hours, w.working_condition, w.fault_description, w.service_type, \
    CASE WHEN w.machine_down THEN 1 ELSE 0 END AS machine_down, w.called_at, w.planned_at, u.username AS assignee, u.display_name AS assignee_name, w.assignee_id, w.status, w.seq, \
    w.contact_name, w.contact_phone, w.companions_json, w.station, w.repeat_of, \
    w.first_response_json, w.departure_json, w.reviews_json, w.closure_json, w.naming, \
    w.unrepaired_reason_json, w.call_backs_json, \
    CASE WHEN w.claim_expected THEN 1 ELSE 0 END AS claim_expected \
    FROM work_orders w JOIN users u ON u.id = w.assignee_id";

fn bad(id: &str, field: &'static str, value: &str) -> StoreError {
    StoreError::BadField {
        id: id.to_string(),
        field,
        value: value.to_string(),
    }
}

fn uuid(id: &str, field: &'static str, value: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(value).map_err(|_| bad(id, field, value))
}

fn time(
    id: &str,
    field: &'static str,
    value: &str,
) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    db::time_from_text(value).map_err(|_| bad(id, field, value))
}

/// A JSON column read as the model's type.
fn json<T: serde::de::DeserializeOwned>(
    id: &str,
    field: &'static str,
    value: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(value).map_err(|_| bad(id, field, value))
}

fn json_opt<T: serde::de::DeserializeOwned>(
    id: &str,
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<T>, StoreError> {
    value.map(|v| json(id, field, v)).transpose()
}

/// A value as its JSON column holds it.
fn to_json<T: serde::Serialize>(value: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(value)
        .map_err(|e| sqlx::Error::Protocol(format!("cannot serialise a desk field: {e}")))
}

fn to_json_opt<T: serde::Serialize>(value: Option<&T>) -> Result<Option<String>, sqlx::Error> {
    value.map(to_json).transpose()
}

/// How a `PhotoNaming` is stored.
pub fn naming_text(naming: PhotoNaming) -> &'static str {
    match naming {
        PhotoNaming::Standard => "standard",
        PhotoNaming::WithServiceContent => "with_service_content",
    }
}

pub fn parse_naming(s: &str) -> Option<PhotoNaming> {
    [PhotoNaming::Standard, PhotoNaming::WithServiceContent]
        .into_iter()
        .find(|n| naming_text(*n) == s)
}

fn event(row: &EventRow) -> Result<StatusEvent, StoreError> {
    let id = &row.work_order_id;
    Ok(StatusEvent {
        node: StatusNode::parse(&row.node).ok_or_else(|| bad(id, "event node", &row.node))?,
        at: time(id, "event device_time", &row.device_time)?,
        by: row.username.clone(),
        op_id: uuid(id, "event op_id", &row.op_id)?,
    })
}

/// The work order in a row, and its assignee's user id.
fn order(row: OrderRow, history: Vec<StatusEvent>) -> Result<(WorkOrder, String), StoreError> {
    let id = row.id.as_str();
    let wo = WorkOrder {
        id: uuid(id, "id", id)?,
        service_type: ServiceType::parse(&row.service_type)
            .ok_or_else(|| bad(id, "service_type", &row.service_type))?,
        engine_hours: u32::try_from(row.engine_hours)
            .map_err(|_| bad(id, "engine_hours", &row.engine_hours.to_string()))?,
        called_at: time(id, "called_at", &row.called_at)?,
        planned_at: time(id, "planned_at", &row.planned_at)?,
        status: StatusNode::parse(&row.status).ok_or_else(|| bad(id, "status", &row.status))?,
        ticket: row.ticket,
        customer: row.customer,
        site: row.site,
        equipment_model: row.equipment_model,
        serial: row.serial,
        working_condition: row.working_condition,
        fault_description: row.fault_description,
        machine_down: row.machine_down,
        assignee: row.assignee,
        assignee_name: row.assignee_name,
        history,
        seq: row.seq,
        slots: Vec::new(),
        photos: Vec::new(),
        report: Default::default(),
        companions: json(id, "companions_json", &row.companions_json)?,
        first_response: json_opt(
            id,
            "first_response_json",
            row.first_response_json.as_deref(),
        )?,
        departure: json_opt(id, "departure_json", row.departure_json.as_deref())?,
        reviews: json(id, "reviews_json", &row.reviews_json)?,
        closure: json_opt(id, "closure_json", row.closure_json.as_deref())?,
        naming: parse_naming(&row.naming).ok_or_else(|| bad(id, "naming", &row.naming))?,
        claim_expected: row.claim_expected,
        unrepaired_reason: json_opt(
            id,
            "unrepaired_reason_json",
            row.unrepaired_reason_json.as_deref(),
        )?,
        call_backs: json(id, "call_backs_json", &row.call_backs_json)?,
        contact_name: row.contact_name,
        contact_phone: row.contact_phone,
        station: row.station,
        repeat_of: row.repeat_of,
    };
    Ok((wo, row.assignee_id))
}

/// One work order with its history, and the id of its assignee.
pub async fn find(conn: &mut Conn, id: Uuid) -> Result<Option<(WorkOrder, String)>, StoreError> {
    find_with(conn, id, &mut Slots::new()).await
}

/// The photo slots of each service type, read once for several orders (the configuration
/// changes only by the office, never within one batch or one read).
pub type Slots = HashMap<ServiceType, Vec<PhotoSlot>>;

/// The photo slots of `service_type`, from `slots` when an earlier order read them.
async fn slots_of(
    conn: &mut Conn,
    slots: &mut Slots,
    service_type: ServiceType,
) -> Result<Vec<PhotoSlot>, StoreError> {
    if let Some(configured) = slots.get(&service_type) {
        return Ok(configured.clone());
    }
    let configured = photos::slots_for(conn, service_type).await?;
    slots.insert(service_type, configured.clone());
    Ok(configured)
}

/// A stored service report (`report_json`) of order `id`.
fn report_of(id: String, report: String) -> Result<ServiceReport, StoreError> {
    serde_json::from_str(&report).map_err(|_| StoreError::BadField {
        id,
        field: "report_json",
        value: report,
    })
}

/// [`find`], with the slots read by an earlier order of the same batch.
pub async fn find_with(
    conn: &mut Conn,
    id: Uuid,
    slots: &mut Slots,
) -> Result<Option<(WorkOrder, String)>, StoreError> {
    let id = id.to_string();
    // The report comes with the row: one statement fewer for every operation applied (a batch's
    // statements run one after another while it holds the database's write lock).
    let columns = SELECT_ORDERS.trim_start_matches("SELECT ");
    let row = sqlx::query(&format!("SELECT w.report_json, {columns} WHERE w.id = $1"))
        .bind(&id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let report: String = row.try_get("report_json")?;
    let row = OrderRow::from_row(&row)?;
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT work_order_id, node, device_time, username, op_id \
         FROM status_events WHERE work_order_id = $1 ORDER BY seq",
    )
    .bind(&id)
    .fetch_all(&mut *conn)
    .await?;
    let history = events.iter().map(event).collect::<Result<_, _>>()?;
    let (mut wo, assignee_id) = order(row, history)?;
    complete(conn, &mut wo, slots, Some(report)).await?;
    Ok(Some((wo, assignee_id)))
}

/// The work orders assigned to `assignee_id` that changed after sequence value `after`, in
/// sequence order, each with its whole history.
pub async fn changed_for_assignee(
    conn: &mut Conn,
    assignee_id: &str,
    after: i64,
    limit: usize,
) -> Result<Vec<WorkOrder>, StoreError> {
    changed(conn, Some(assignee_id), after, limit).await
}

/// Every work order that changed after `after`: a supervisor's board counts the engineers'
/// 36-hour responses and 3-day reports from what the tablet holds, offline too.
pub async fn changed_for_all(
    conn: &mut Conn,
    after: i64,
    limit: usize,
) -> Result<Vec<WorkOrder>, StoreError> {
    changed(conn, None, after, limit).await
}

/// The first `limit` orders (by sequence) that changed after `after`.
async fn changed(
    conn: &mut Conn,
    assignee_id: Option<&str>,
    after: i64,
    limit: usize,
) -> Result<Vec<WorkOrder>, StoreError> {
    // `$1 IS NULL` keeps one query for both: the assignee's orders, or all of them.
    let rows: Vec<OrderRow> = sqlx::query_as(&format!(
        "{SELECT_ORDERS} WHERE ($1 IS NULL OR w.assignee_id = $1) AND w.seq > $2 \
         ORDER BY w.seq LIMIT $3"
    ))
    .bind(assignee_id)
    .bind(after)
    .bind(limit as i64)
    .fetch_all(&mut *conn)
    .await?;
    let Some(last) = rows.last().map(|r| r.seq) else {
        return Ok(Vec::new());
    };
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT e.work_order_id, e.node, e.device_time, e.username, e.op_id \
         FROM status_events e JOIN work_orders w ON w.id = e.work_order_id \
         WHERE ($1 IS NULL OR w.assignee_id = $1) AND w.seq > $2 AND w.seq <= $3 ORDER BY e.seq",
    )
    .bind(assignee_id)
    .bind(after)
    .bind(last)
    .fetch_all(&mut *conn)
    .await?;
    let mut histories: HashMap<String, Vec<StatusEvent>> = HashMap::new();
    for row in &events {
        histories
            .entry(row.work_order_id.clone())
            .or_default()
            .push(event(row)?);
    }
    let mut orders = rows
        .into_iter()
        .map(|row| {
            let history = histories.remove(&row.id).unwrap_or_default();
            order(row, history).map(|(wo, _)| wo)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut slots = Slots::new();
    for wo in &mut orders {
        complete(conn, wo, &mut slots, None).await?;
    }
    Ok(orders)
}

/// Add what a work order carries besides its row and history: the photo slots of its service
/// type (server configuration, cached per call in `slots`), its photos and its service report.
async fn complete(
    conn: &mut Conn,
    wo: &mut WorkOrder,
    slots: &mut Slots,
    report: Option<String>,
) -> Result<(), StoreError> {
    wo.slots = slots_of(&mut *conn, slots, wo.service_type).await?;
    wo.photos = photos::for_order(&mut *conn, wo.id).await?;
    let id = wo.id.to_string();
    let report: String = match report {
        Some(report) => report,
        None => {
            sqlx::query_scalar("SELECT report_json FROM work_orders WHERE id = $1")
                .bind(&id)
                .fetch_one(&mut *conn)
                .await?
        }
    };
    wo.report = report_of(id, report)?;
    Ok(())
}

/// The most recent orders of `station` (every order when `None`), newest call first, for the
/// office's list (at most `limit`).
pub async fn recent(
    conn: &mut Conn,
    station: Option<&str>,
    limit: i64,
) -> Result<Vec<WorkOrder>, StoreError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM work_orders WHERE ($1 IS NULL OR station = $1) \
         ORDER BY called_at DESC LIMIT $2",
    )
    .bind(station)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    by_ids(conn, &ids).await
}

/// Insert a new work order (status and history as given) at sequence value `seq`, with its
/// first assignment.
pub async fn insert(
    conn: &mut Conn,
    wo: &WorkOrder,
    assignee_id: &str,
    seq: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO work_orders (id, ticket, customer, site, equipment_model, serial, \
         engine_hours, working_condition, fault_description, service_type, machine_down, \
         called_at, planned_at, assignee_id, status, seq, contact_name, contact_phone, \
         companions_json, station, repeat_of, naming, claim_expected) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         $18, $19, $20, $21, $22, $23)",
    )
    .bind(wo.id.to_string())
    .bind(&wo.ticket)
    .bind(&wo.customer)
    .bind(&wo.site)
    .bind(&wo.equipment_model)
    .bind(&wo.serial)
    .bind(i64::from(wo.engine_hours))
    .bind(&wo.working_condition)
    .bind(&wo.fault_description)
    .bind(wo.service_type.as_str())
    .bind(wo.machine_down)
    .bind(db::time_to_text(wo.called_at))
    .bind(db::time_to_text(wo.planned_at))
    .bind(assignee_id)
    .bind(wo.status.as_str())
    .bind(seq)
    .bind(&wo.contact_name)
    .bind(&wo.contact_phone)
    .bind(to_json(&wo.companions)?)
    .bind(&wo.station)
    .bind(&wo.repeat_of)
    .bind(naming_text(wo.naming))
    .bind(wo.claim_expected)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO work_order_assignments (work_order_id, user_id, from_seq, to_seq) \
         VALUES ($1, $2, $3, NULL)",
    )
    .bind(wo.id.to_string())
    .bind(assignee_id)
    .bind(seq)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Give the order to `assignee_id` at sequence value `seq`: the current assignment ends there,
/// the new one starts, and the order's seq moves so the new assignee's next sync brings it.
pub async fn reassign(
    conn: &mut Conn,
    work_order_id: Uuid,
    assignee_id: &str,
    seq: i64,
) -> Result<(), sqlx::Error> {
    let id = work_order_id.to_string();
    sqlx::query(
        "UPDATE work_order_assignments SET to_seq = $1 WHERE work_order_id = $2 AND to_seq IS NULL",
    )
    .bind(seq)
    .bind(&id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO work_order_assignments (work_order_id, user_id, from_seq, to_seq) \
         VALUES ($1, $2, $3, NULL)",
    )
    .bind(&id)
    .bind(assignee_id)
    .bind(seq)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE work_orders SET assignee_id = $1, seq = $2 WHERE id = $3")
        .bind(assignee_id)
        .bind(seq)
        .bind(&id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether `user_id` was ever assigned the order.
pub async fn was_assigned(
    conn: &mut Conn,
    work_order_id: Uuid,
    user_id: &str,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT from_seq FROM work_order_assignments WHERE work_order_id = $1 AND user_id = $2 \
         LIMIT 1",
    )
    .bind(work_order_id.to_string())
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// The orders taken from `user_id` after sequence value `after` that are not theirs now.
pub async fn removed_from(
    conn: &mut Conn,
    user_id: &str,
    after: i64,
) -> Result<Vec<Uuid>, StoreError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT a.work_order_id FROM work_order_assignments a \
         JOIN work_orders w ON w.id = a.work_order_id \
         WHERE a.user_id = $1 AND a.to_seq IS NOT NULL AND a.to_seq > $2 AND w.assignee_id <> $3 \
         ORDER BY a.work_order_id",
    )
    .bind(user_id)
    .bind(after)
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    ids.iter()
        .map(|id| uuid(id, "assignment work_order_id", id))
        .collect()
}

/// Record a reported status node: the order's new status and seq, and the event in its history.
pub async fn record_status(
    conn: &mut Conn,
    work_order_id: Uuid,
    event: &StatusEvent,
    seq: i64,
    received_at_ms: i64,
) -> Result<(), sqlx::Error> {
    let id = work_order_id.to_string();
    sqlx::query("UPDATE work_orders SET status = $1, seq = $2 WHERE id = $3")
        .bind(event.node.as_str())
        .bind(seq)
        .bind(&id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO status_events (seq, work_order_id, node, device_time, username, op_id, \
         received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(seq)
    .bind(&id)
    .bind(event.node.as_str())
    .bind(db::time_to_text(event.at))
    .bind(&event.by)
    .bind(event.op_id.to_string())
    .bind(received_at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A status node taken back (`OpKind::UndoStatus`): its event, the order's last, is gone;
/// `wo` (after the model undid it) gives the status and departure it is back at. The operation
/// that reported it and the one that took it back both stay in `applied_ops`.
pub async fn undo_status(
    conn: &mut Conn,
    wo: &WorkOrder,
    node: StatusNode,
    seq: i64,
) -> Result<(), sqlx::Error> {
    let id = wo.id.to_string();
    sqlx::query(
        "DELETE FROM status_events WHERE work_order_id = $1 AND node = $2 AND seq = \
         (SELECT MAX(seq) FROM status_events WHERE work_order_id = $1)",
    )
    .bind(&id)
    .bind(node.as_str())
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE work_orders SET status = $1, departure_json = $2, seq = $3 WHERE id = $4")
        .bind(wo.status.as_str())
        .bind(to_json_opt(wo.departure.as_ref())?)
        .bind(seq)
        .bind(&id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Mark the order changed at sequence value `seq` (devices pull it again).
pub async fn touch(conn: &mut Conn, id: Uuid, seq: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE work_orders SET seq = $1 WHERE id = $2")
        .bind(seq)
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// The engine hours read on site, at sequence value `seq` (a reading in the register too).
pub async fn record_hours(
    conn: &mut Conn,
    id: Uuid,
    hours: u32,
    seq: i64,
) -> Result<(), sqlx::Error> {
    // The register keeps both: the hours the order was called with, and this correction.
    crate::register::keep_call_reading(&mut *conn, id).await?;
    sqlx::query("UPDATE work_orders SET engine_hours = $1, seq = $2 WHERE id = $3")
        .bind(i64::from(hours))
        .bind(seq)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
    crate::register::add_correction(conn, id, hours).await?;
    Ok(())
}

/// The service report as it stands now (written whole), at sequence value `seq`.
pub async fn record_report(
    conn: &mut Conn,
    id: Uuid,
    report: &ServiceReport,
    seq: i64,
) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(report)
        .map_err(|e| sqlx::Error::Protocol(format!("cannot serialise the report of {id}: {e}")))?;
    sqlx::query("UPDATE work_orders SET report_json = $1, seq = $2 WHERE id = $3")
        .bind(json)
        .bind(seq)
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Write the order's call-backs (the desk's 回访 after it was closed) at sequence value `seq`.
pub async fn record_call_backs(
    conn: &mut Conn,
    wo: &WorkOrder,
    seq: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE work_orders SET call_backs_json = $1, seq = $2 WHERE id = $3")
        .bind(to_json(&wo.call_backs)?)
        .bind(seq)
        .bind(wo.id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// The closed orders the desk has not called back yet (within a station when one is given),
/// oldest closing first.
pub async fn owed_call_backs(
    conn: &mut Conn,
    station: Option<&str>,
) -> Result<Vec<WorkOrder>, StoreError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM work_orders WHERE closed_at IS NOT NULL AND call_backs_json = '[]' \
         AND ($1 IS NULL OR station = $1) ORDER BY closed_at",
    )
    .bind(station)
    .fetch_all(&mut *conn)
    .await?;
    let mut orders = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some((wo, _)) = find(conn, uuid(&id, "id", &id)?).await? {
            orders.push(wo);
        }
    }
    Ok(orders)
}

/// Write the desk's part of the order as it stands now (and the fields the desk may correct:
/// planned time, serial and model), at sequence value `seq`, so every device pulls it again.
pub async fn record_desk(conn: &mut Conn, wo: &WorkOrder, seq: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE work_orders SET planned_at = $1, serial = $2, equipment_model = $3, \
         companions_json = $4, station = $5, first_response_json = $6, departure_json = $7, \
         reviews_json = $8, closure_json = $9, closed_at = $10, unrepaired_reason_json = $11, \
         status = $12, repeat_of = $13, seq = $14 WHERE id = $15",
    )
    .bind(db::time_to_text(wo.planned_at))
    .bind(&wo.serial)
    .bind(&wo.equipment_model)
    .bind(to_json(&wo.companions)?)
    .bind(&wo.station)
    .bind(to_json_opt(wo.first_response.as_ref())?)
    .bind(to_json_opt(wo.departure.as_ref())?)
    .bind(to_json(&wo.reviews)?)
    .bind(to_json_opt(wo.closure.as_ref())?)
    .bind(wo.closure.as_ref().map(|c| db::millis(c.at)))
    .bind(to_json_opt(wo.unrepaired_reason.as_ref())?)
    .bind(wo.status.as_str())
    .bind(&wo.repeat_of)
    .bind(seq)
    .bind(wo.id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether the desk expects a warranty claim for the order, at sequence value `seq`.
pub async fn record_claim_expected(
    conn: &mut Conn,
    wo: &WorkOrder,
    seq: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE work_orders SET claim_expected = $1, seq = $2 WHERE id = $3")
        .bind(wo.claim_expected)
        .bind(seq)
        .bind(wo.id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// The engineer's departure as they reported it (the status event is written beside it).
pub async fn record_departure(
    conn: &mut Conn,
    wo: &WorkOrder,
    seq: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE work_orders SET departure_json = $1, seq = $2 WHERE id = $3")
        .bind(to_json_opt(wo.departure.as_ref())?)
        .bind(seq)
        .bind(wo.id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// The orders of `station` (every order when `None`) changed after `after`, in sequence order:
/// what the desk polls.
pub async fn changed_at_station(
    conn: &mut Conn,
    station: Option<&str>,
    after: i64,
    limit: usize,
) -> Result<Vec<WorkOrder>, StoreError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM work_orders WHERE ($1 IS NULL OR station = $1) AND seq > $2 \
         ORDER BY seq LIMIT $3",
    )
    .bind(station)
    .bind(after)
    .bind(limit as i64)
    .fetch_all(&mut *conn)
    .await?;
    by_ids(conn, &ids).await
}

/// The orders with these ids, in this order (ids no longer there are skipped).
pub async fn by_ids(conn: &mut Conn, ids: &[String]) -> Result<Vec<WorkOrder>, StoreError> {
    let mut orders = Vec::with_capacity(ids.len());
    for id in ids {
        let id = uuid(id, "id", id)?;
        if let Some((order, _)) = find(conn, id).await? {
            orders.push(order);
        }
    }
    Ok(orders)
}

/// Every order on the machine `serial`, newest call first.
pub async fn with_serial(conn: &mut Conn, serial: &str) -> Result<Vec<WorkOrder>, StoreError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM work_orders WHERE UPPER(TRIM(serial)) = UPPER(TRIM($1)) \
         ORDER BY called_at DESC",
    )
    .bind(serial)
    .fetch_all(&mut *conn)
    .await?;
    by_ids(conn, &ids).await
}

/// Whether a ticket number is taken.
pub async fn ticket_taken(conn: &mut Conn, ticket: &str) -> Result<bool, sqlx::Error> {
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM work_orders WHERE ticket = $1")
        .bind(ticket)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

/// The tickets that start with `prefix` (the day's tickets of a rule).
pub async fn tickets_starting(conn: &mut Conn, prefix: &str) -> Result<Vec<String>, sqlx::Error> {
    // LIKE with the prefix escaped: tickets hold letters, digits, '-' and '_' ('_' is LIKE's).
    let pattern = format!(
        "{}%",
        prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    sqlx::query_scalar("SELECT ticket FROM work_orders WHERE ticket LIKE $1 ESCAPE '\\'")
        .bind(pattern)
        .fetch_all(conn)
        .await
}

/// Which orders [`called_between`] reads: those called in `[from, to)` (stored UTC text), of
/// one assignee (a user id) or of everyone.
const CALLED_BETWEEN: &str =
    "w.called_at >= $1 AND w.called_at < $2 AND ($3 IS NULL OR w.assignee_id = $3)";

/// Every order called in `[from, to)` (times as stored, UTC RFC 3339 text), of `assignee_id`
/// or of everyone, whole: in five set-based queries (rows, histories, photos, reports, slots)
/// rather than a handful per order, for the reports and scorecards (issue 18), whatever the
/// month's size. In call order.
pub async fn called_between(
    conn: &mut Conn,
    from: &str,
    to: &str,
    assignee_id: Option<&str>,
) -> Result<Vec<WorkOrder>, StoreError> {
    let rows: Vec<OrderRow> = sqlx::query_as(&format!(
        "{SELECT_ORDERS} WHERE {CALLED_BETWEEN} ORDER BY w.called_at, w.id"
    ))
    .bind(from)
    .bind(to)
    .bind(assignee_id)
    .fetch_all(&mut *conn)
    .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let events: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT e.work_order_id, e.node, e.device_time, e.username, e.op_id \
         FROM status_events e JOIN work_orders w ON w.id = e.work_order_id \
         WHERE {CALLED_BETWEEN} ORDER BY e.seq"
    ))
    .bind(from)
    .bind(to)
    .bind(assignee_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut histories: HashMap<String, Vec<StatusEvent>> = HashMap::new();
    for row in &events {
        histories
            .entry(row.work_order_id.clone())
            .or_default()
            .push(event(row)?);
    }
    let mut photos =
        photos::for_orders_where(&mut *conn, CALLED_BETWEEN, from, to, assignee_id).await?;
    let reports: Vec<(String, String)> = sqlx::query_as(&format!(
        "SELECT w.id, w.report_json FROM work_orders w WHERE {CALLED_BETWEEN}"
    ))
    .bind(from)
    .bind(to)
    .bind(assignee_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut reports: HashMap<String, String> = reports.into_iter().collect();
    let mut slots = Slots::new();
    let mut orders = Vec::with_capacity(rows.len());
    for row in rows {
        let history = histories.remove(&row.id).unwrap_or_default();
        let report = reports.remove(&row.id).unwrap_or_else(|| "{}".into());
        let (mut wo, _) = order(row, history)?;
        wo.slots = slots_of(&mut *conn, &mut slots, wo.service_type).await?;
        wo.photos = photos.remove(&wo.id.to_string()).unwrap_or_default();
        wo.report = report_of(wo.id.to_string(), report)?;
        orders.push(wo);
    }
    Ok(orders)
}

/// (ticket, repeat_of) of every order called from `from` on that names an earlier order, in
/// call order: the second visits, without reading the orders whole.
pub async fn repeats_since(
    conn: &mut Conn,
    from: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT ticket, repeat_of FROM work_orders \
         WHERE called_at >= $1 AND repeat_of IS NOT NULL ORDER BY called_at, id",
    )
    .bind(from)
    .fetch_all(conn)
    .await
}

/// Record the 400 agent who took the order's call (its creation, beside [`insert`]).
pub async fn set_taken_by(conn: &mut Conn, id: Uuid, username: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE work_orders SET taken_by = $1 WHERE id = $2")
        .bind(username)
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// The orders called in `[from, to)` that an agent took, whole, with who took each (the
/// agents' scorecards).
pub async fn taken_between(
    conn: &mut Conn,
    from: &str,
    to: &str,
) -> Result<Vec<(String, WorkOrder)>, StoreError> {
    let takers: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, taken_by FROM work_orders \
         WHERE called_at >= $1 AND called_at < $2 AND taken_by IS NOT NULL",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    let mut takers: HashMap<String, String> = takers.into_iter().collect();
    let orders = called_between(conn, from, to, None).await?;
    Ok(orders
        .into_iter()
        .filter_map(|o| takers.remove(&o.id.to_string()).map(|by| (by, o)))
        .collect())
}
