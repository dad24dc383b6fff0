//! The equipment register in the database: machines by serial, their hour readings (imports and
//! orders), and the orders on each serial.
//!
//! Every lookup goes by [`serial_key`] (trimmed, lower case), the same on both sides of every
//! query: `machines.serial_key`, `machine_hours.serial_key` and `lower(trim(work_orders.serial))`.

use chrono::{NaiveDate, Utc};
use fieldbook_model::desk::{HoursReading, Machine};
use fieldbook_model::register::serial_key;
use fieldbook_model::{WorkOrder, dispatch};
use uuid::Uuid;

use crate::db::{self, Conn};
use crate::error::StoreError;
use crate::work_orders;

/// How many machines an autocomplete answers with.
pub const SEARCH_LIMIT: usize = 20;

#[derive(sqlx::FromRow)]
struct MachineRow {
    serial_key: String,
    serial: String,
    equipment_model: String,
    customer: String,
    delivered_on: Option<String>,
    warranty_end: Option<String>,
}

const MACHINE_COLUMNS: &str =
    "serial_key, serial, equipment_model, customer, delivered_on, warranty_end";

fn date(
    key: &str,
    field: &'static str,
    value: Option<String>,
) -> Result<Option<NaiveDate>, StoreError> {
    value
        .map(|v| {
            NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| StoreError::BadField {
                id: key.to_string(),
                field,
                value: v,
            })
        })
        .transpose()
}

impl MachineRow {
    fn machine(self) -> Result<Machine, StoreError> {
        Ok(Machine {
            delivered_on: date(&self.serial_key, "delivered_on", self.delivered_on)?,
            warranty_end: date(&self.serial_key, "warranty_end", self.warranty_end)?,
            serial: self.serial,
            equipment_model: self.equipment_model,
            customer: self.customer,
            hours: Vec::new(),
        })
    }
}

/// `%text%` for LIKE, with LIKE's own characters escaped (`ESCAPE '\'`).
fn like_pattern(text: &str, prefix_only: bool) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    if prefix_only {
        format!("{escaped}%")
    } else {
        format!("%{escaped}%")
    }
}

/// The register's entry for a serial, without readings.
pub async fn entry(conn: &mut Conn, key: &str) -> Result<Option<Machine>, StoreError> {
    let row: Option<MachineRow> = sqlx::query_as(&format!(
        "SELECT {MACHINE_COLUMNS} FROM machines WHERE serial_key = $1"
    ))
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(MachineRow::machine).transpose()
}

/// Machines whose serial or model contains `q` (case-insensitive): the register's first, then
/// serials only seen on work orders (with the newest order's model and customer). Serial prefixes
/// come before matches inside; at most [`SEARCH_LIMIT`].
pub async fn search(conn: &mut Conn, q: &str) -> Result<Vec<Machine>, StoreError> {
    let q = q.trim().to_ascii_lowercase();
    let contains = like_pattern(&q, false);
    let prefix = like_pattern(&q, true);
    let rows: Vec<MachineRow> = sqlx::query_as(&format!(
        "SELECT {MACHINE_COLUMNS} FROM machines \
         WHERE serial_key LIKE $1 ESCAPE '\\' OR lower(equipment_model) LIKE $1 ESCAPE '\\' \
         ORDER BY CASE WHEN serial_key LIKE $2 ESCAPE '\\' THEN 0 ELSE 1 END, serial_key LIMIT $3"
    ))
    .bind(&contains)
    .bind(&prefix)
    .bind(SEARCH_LIMIT as i64)
    .fetch_all(&mut *conn)
    .await?;
    let mut found: Vec<(bool, String, Machine)> = Vec::new();
    for row in rows {
        let key = row.serial_key.clone();
        found.push((key.starts_with(&q), key, row.machine()?));
    }
    // Newest order first, so the first row of each serial is its latest model and customer.
    let orders: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT serial, equipment_model, customer FROM work_orders \
         WHERE trim(serial) <> '' AND (lower(trim(serial)) LIKE $1 ESCAPE '\\' \
         OR lower(equipment_model) LIKE $1 ESCAPE '\\') \
         ORDER BY called_at DESC LIMIT 500",
    )
    .bind(&contains)
    .fetch_all(&mut *conn)
    .await?;
    for (serial, equipment_model, customer) in orders {
        let key = serial_key(&serial);
        if found.iter().any(|(_, k, _)| *k == key) {
            continue;
        }
        found.push((
            key.starts_with(&q),
            key,
            Machine {
                serial: serial.trim().to_string(),
                equipment_model,
                customer,
                delivered_on: None,
                warranty_end: None,
                hours: Vec::new(),
            },
        ));
    }
    // Stable: within each group, the register's order (by serial) and the orders' (newest).
    found.sort_by_key(|(prefix, _, _)| !*prefix);
    Ok(found
        .into_iter()
        .take(SEARCH_LIMIT)
        .map(|(_, _, m)| m)
        .collect())
}

/// Every reading of a machine, oldest first: imports, and each order's hours at the call and
/// its corrections (with the order's ticket).
pub async fn readings(conn: &mut Conn, key: &str) -> Result<Vec<HoursReading>, StoreError> {
    let stored: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT h.hours, h.at, w.ticket FROM machine_hours h \
         LEFT JOIN work_orders w ON w.id = h.work_order_id \
         WHERE (h.work_order_id IS NULL AND h.serial_key = $1) \
         OR (h.work_order_id IS NOT NULL AND lower(trim(w.serial)) = $1)",
    )
    .bind(key)
    .fetch_all(&mut *conn)
    .await?;
    // Orders whose call reading has no row yet: their hours were never corrected.
    let calls: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT w.engine_hours, w.called_at, w.ticket FROM work_orders w \
         WHERE lower(trim(w.serial)) = $1 AND NOT EXISTS (SELECT 1 FROM machine_hours h \
         WHERE h.work_order_id = w.id AND h.source = 'call')",
    )
    .bind(key)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for (hours, at, ticket) in stored.into_iter().chain(calls) {
        let bad = |field, value: String| StoreError::BadField {
            id: key.to_string(),
            field,
            value,
        };
        out.push(HoursReading {
            hours: u32::try_from(hours).map_err(|_| bad("hours", hours.to_string()))?,
            at: db::time_from_text(&at).map_err(|_| bad("reading at", at.clone()))?,
            ticket,
        });
    }
    out.sort_by(|a, b| a.at.cmp(&b.at).then(a.hours.cmp(&b.hours)));
    Ok(out)
}

/// Every order on a serial, newest call first, each as `work_orders::find` gives it, and
/// `repeat_of` filled in by the 30-day rule where the order does not carry it.
pub async fn orders_on(conn: &mut Conn, key: &str) -> Result<Vec<WorkOrder>, StoreError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM work_orders WHERE lower(trim(serial)) = $1 ORDER BY called_at DESC",
    )
    .bind(key)
    .fetch_all(&mut *conn)
    .await?;
    let mut orders = Vec::with_capacity(ids.len());
    for id in ids {
        let id = Uuid::parse_str(&id).map_err(|_| StoreError::BadField {
            id: id.clone(),
            field: "id",
            value: id.clone(),
        })?;
        if let Some((order, _)) = work_orders::find(conn, id).await? {
            orders.push(order);
        }
    }
    let repeats: Vec<Option<String>> = orders
        .iter()
        .map(|o| {
            o.repeat_of
                .clone()
                .or_else(|| dispatch::repeat_of(o, &orders).map(|r| r.ticket.clone()))
        })
        .collect();
    for (order, repeat) in orders.iter_mut().zip(repeats) {
        order.repeat_of = repeat;
    }
    Ok(orders)
}

/// Create or replace the register's entry (its readings are not part of it).
pub async fn upsert(conn: &mut Conn, machine: &Machine) -> Result<bool, sqlx::Error> {
    let key = serial_key(&machine.serial);
    let exists: Option<String> =
        sqlx::query_scalar("SELECT serial_key FROM machines WHERE serial_key = $1")
            .bind(&key)
            .fetch_optional(&mut *conn)
            .await?;
    let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let now = db::millis(Utc::now());
    let query = if exists.is_some() {
        "UPDATE machines SET serial = $2, equipment_model = $3, customer = $4, \
         delivered_on = $5, warranty_end = $6, updated_at = $7 WHERE serial_key = $1"
    } else {
        "INSERT INTO machines (serial_key, serial, equipment_model, customer, delivered_on, \
         warranty_end, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    };
    sqlx::query(query)
        .bind(&key)
        .bind(machine.serial.trim())
        .bind(machine.equipment_model.trim())
        .bind(machine.customer.trim())
        .bind(day(machine.delivered_on))
        .bind(day(machine.warranty_end))
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(exists.is_none())
}

/// An imported reading; the same reading imported again is kept once.
pub async fn add_imported_reading(
    conn: &mut Conn,
    key: &str,
    hours: u32,
    at: chrono::DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let at = db::time_to_text(at);
    sqlx::query(
        "INSERT INTO machine_hours (id, serial_key, work_order_id, source, hours, at, received_at) \
         SELECT $1, $2, NULL, 'import', $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM machine_hours \
         WHERE serial_key = $2 AND work_order_id IS NULL AND hours = $3 AND at = $4)",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(key)
    .bind(i64::from(hours))
    .bind(&at)
    .bind(db::millis(Utc::now()))
    .execute(conn)
    .await?;
    Ok(())
}

/// Before an order's hours are corrected: keep the hours it was called with as a reading.
pub async fn keep_call_reading(conn: &mut Conn, work_order_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO machine_hours (id, serial_key, work_order_id, source, hours, at, received_at) \
         SELECT $1, lower(trim(w.serial)), w.id, 'call', w.engine_hours, w.called_at, $2 \
         FROM work_orders w WHERE w.id = $3 AND NOT EXISTS (SELECT 1 FROM machine_hours h \
         WHERE h.work_order_id = w.id AND h.source = 'call')",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(db::millis(Utc::now()))
    .bind(work_order_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// After an order's hours were corrected: the corrected hours, read now.
pub async fn add_correction(
    conn: &mut Conn,
    work_order_id: Uuid,
    hours: u32,
) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO machine_hours (id, serial_key, work_order_id, source, hours, at, received_at) \
         SELECT $1, lower(trim(w.serial)), w.id, 'correction', $2, $3, $4 FROM work_orders w \
         WHERE w.id = $5",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(i64::from(hours))
    .bind(db::time_to_text(now))
    .bind(db::millis(now))
    .bind(work_order_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}
