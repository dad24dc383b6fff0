//! Photos in the database: the slots each service type asks for, the photos taken on a work
//! order, and where their bytes are filed in the photo store.
//!
//! The bytes themselves go through `routes/photos.rs`; this module only reads and writes rows
//! and makes storage keys, always from the server's own records.

use crate::db::Conn;
use chrono::{DateTime, Utc};
use fieldbook_model::photo::sanitize_part;
use fieldbook_model::{PhotoMeta, PhotoSlot, ServiceType};
use uuid::Uuid;

use crate::db;
use crate::error::AppError;
use crate::error::StoreError;
use crate::stored_photo::{Filing, StoredPhoto};

/// The photo slots a service type asks for, in the configured order.
pub async fn slots_for(
    conn: &mut Conn,
    service_type: ServiceType,
) -> Result<Vec<PhotoSlot>, sqlx::Error> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT key, label_zh, label_en, CASE WHEN required THEN 1 ELSE 0 END FROM photo_slots \
         WHERE service_type = $1 ORDER BY position, key",
    )
    .bind(service_type.as_str())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, label_zh, label_en, required)| PhotoSlot {
            key,
            label_zh,
            label_en,
            required: required != 0,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct PhotoRow {
    photo_id: String,
    work_order_id: String,
    slot: String,
    n: i64,
    name: String,
    sha256: String,
    bytes: i64,
    width: i64,
    height: i64,
    content_type: String,
    taken_at: String,
    uploaded_at: Option<i64>,
    withdrawn_by: Option<String>,
    withdrawn_at: Option<String>,
}

const PHOTO_COLUMNS: &str = "photo_id, work_order_id, slot, n, name, sha256, bytes, width, \
    height, content_type, taken_at, uploaded_at, withdrawn_by, withdrawn_at";

fn bad(row: &PhotoRow, field: &'static str, value: String) -> StoreError {
    StoreError::BadField {
        id: row.work_order_id.clone(),
        field,
        value,
    }
}

impl PhotoRow {
    fn meta(&self) -> Result<PhotoMeta, StoreError> {
        let int = |field: &'static str, v: i64| {
            u32::try_from(v).map_err(|_| bad(self, field, v.to_string()))
        };
        Ok(PhotoMeta {
            id: Uuid::parse_str(&self.photo_id)
                .map_err(|_| bad(self, "photo_id", self.photo_id.clone()))?,
            slot: self.slot.clone(),
            n: int("photo n", self.n)?,
            name: self.name.clone(),
            sha256: self.sha256.clone(),
            bytes: u64::try_from(self.bytes)
                .map_err(|_| bad(self, "photo bytes", self.bytes.to_string()))?,
            width: int("photo width", self.width)?,
            height: int("photo height", self.height)?,
            content_type: self.content_type.clone(),
            taken_at: Some(
                db::time_from_text(&self.taken_at)
                    .map_err(|_| bad(self, "photo taken_at", self.taken_at.clone()))?,
            ),
            uploaded: self.uploaded_at.is_some(),
            uploaded_at: self
                .uploaded_at
                .map(|ms| {
                    DateTime::<Utc>::from_timestamp_millis(ms)
                        .ok_or_else(|| bad(self, "photo uploaded_at", ms.to_string()))
                })
                .transpose()?,
            withdrawn_at: self
                .withdrawn_at
                .as_ref()
                .map(|at| {
                    db::time_from_text(at).map_err(|_| bad(self, "photo withdrawn_at", at.clone()))
                })
                .transpose()?,
            withdrawn_by: self.withdrawn_by.clone(),
        })
    }
}

/// A work order's photos, in the order the server applied them.
pub async fn for_order(conn: &mut Conn, work_order_id: Uuid) -> Result<Vec<PhotoMeta>, StoreError> {
    let rows: Vec<PhotoRow> = sqlx::query_as(&format!(
        "SELECT {PHOTO_COLUMNS} FROM photos WHERE work_order_id = $1 ORDER BY seq"
    ))
    .bind(work_order_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(PhotoRow::meta).collect()
}

/// The photos of every order `filter` picks (a condition on `work_orders w` with `$1`-`$3`),
/// by order id, each order's in the order the server applied them: one query for many orders.
pub async fn for_orders_where(
    conn: &mut Conn,
    filter: &str,
    from: &str,
    to: &str,
    assignee_id: Option<&str>,
) -> Result<std::collections::HashMap<String, Vec<PhotoMeta>>, StoreError> {
    let rows: Vec<PhotoRow> = sqlx::query_as(&format!(
        "SELECT {PHOTO_COLUMNS} FROM photos WHERE work_order_id IN \
         (SELECT w.id FROM work_orders w WHERE {filter}) ORDER BY work_order_id, seq"
    ))
    .bind(from)
    .bind(to)
    .bind(assignee_id)
    .fetch_all(conn)
    .await?;
    let mut by_order: std::collections::HashMap<String, Vec<PhotoMeta>> = Default::default();
    for row in &rows {
        by_order
            .entry(row.work_order_id.clone())
            .or_default()
            .push(row.meta()?);
    }
    Ok(by_order)
}

/// The work order a photo id belongs to, if it is used at all.
pub async fn owner(conn: &mut Conn, photo_id: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT work_order_id FROM photos WHERE photo_id = $1")
        .bind(photo_id.to_string())
        .fetch_optional(conn)
        .await
}

/// Record a photo the model accepted (`meta` as the model made it, name included).
pub async fn insert(
    conn: &mut Conn,
    work_order_id: Uuid,
    meta: &PhotoMeta,
    op_id: Uuid,
    seq: i64,
) -> Result<(), sqlx::Error> {
    let taken_at = meta
        .taken_at
        .ok_or_else(|| sqlx::Error::Protocol(format!("photo {} has no taken_at", meta.id)))?;
    sqlx::query(
        "INSERT INTO photos (photo_id, work_order_id, slot, n, name, sha256, bytes, width, \
         height, content_type, taken_at, op_id, seq, stored_key, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, NULL)",
    )
    .bind(meta.id.to_string())
    .bind(work_order_id.to_string())
    .bind(&meta.slot)
    .bind(i64::from(meta.n))
    .bind(&meta.name)
    .bind(&meta.sha256)
    .bind(i64::try_from(meta.bytes).unwrap_or(i64::MAX))
    .bind(i64::from(meta.width))
    .bind(i64::from(meta.height))
    .bind(&meta.content_type)
    .bind(db::time_to_text(taken_at))
    .bind(op_id.to_string())
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(())
}

/// Record that the photo the model withdrew (`meta.withdrawn_at`) no longer stands; its row and
/// bytes stay.
pub async fn withdraw(conn: &mut Conn, meta: &PhotoMeta) -> Result<(), sqlx::Error> {
    let (Some(at), Some(by)) = (meta.withdrawn_at, &meta.withdrawn_by) else {
        return Err(sqlx::Error::Protocol(format!(
            "photo {} is not withdrawn",
            meta.id
        )));
    };
    sqlx::query("UPDATE photos SET withdrawn_by = $1, withdrawn_at = $2 WHERE photo_id = $3")
        .bind(by)
        .bind(db::time_to_text(at))
        .bind(meta.id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct StoredRow {
    #[sqlx(flatten)]
    photo: PhotoRow,
    seq: i64,
    assignee_id: String,
    ticket: String,
    equipment_model: String,
    serial: String,
    stored_key: Option<String>,
}

impl StoredRow {
    fn into_stored(self) -> Result<StoredPhoto, StoreError> {
        let meta = self.photo.meta()?;
        let work_order_id = Uuid::parse_str(&self.photo.work_order_id).map_err(|_| {
            bad(
                &self.photo,
                "photo work_order_id",
                self.photo.work_order_id.clone(),
            )
        })?;
        Ok(StoredPhoto {
            meta,
            work_order_id: Some(work_order_id),
            seq: self.seq,
            assignee_id: self.assignee_id,
            filing: Filing::Ticket {
                ticket: self.ticket,
                equipment_model: self.equipment_model,
                serial: self.serial,
            },
            stored_key: self.stored_key,
        })
    }
}

const STORED_SELECT: &str = "SELECT p.photo_id, p.work_order_id, p.slot, p.n, p.name, \
    p.sha256, p.bytes, p.width, p.height, p.content_type, p.taken_at, p.uploaded_at, \
    p.withdrawn_by, p.withdrawn_at, p.stored_key, p.seq, w.assignee_id, w.ticket, w.equipment_model, w.serial \
    FROM photos p JOIN work_orders w ON w.id = p.work_order_id";

/// One photo with its filing fields: a work order's, or a field record's.
pub async fn find(conn: &mut Conn, photo_id: Uuid) -> Result<Option<StoredPhoto>, AppError> {
    let row: Option<StoredRow> = sqlx::query_as(&format!("{STORED_SELECT} WHERE p.photo_id = $1"))
        .bind(photo_id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(Some(row.into_stored()?)),
        None => crate::field::find_photo(conn, photo_id).await,
    }
}

/// A work order's uploaded photos, in the order taken; not those withdrawn (kept for the record
/// only, they go into no ZIP and no claim).
pub async fn uploaded_for_order(
    conn: &mut Conn,
    work_order_id: Uuid,
) -> Result<Vec<StoredPhoto>, StoreError> {
    let rows: Vec<StoredRow> = sqlx::query_as(&format!(
        "{STORED_SELECT} WHERE p.work_order_id = $1 AND p.uploaded_at IS NOT NULL \
         AND p.withdrawn_at IS NULL ORDER BY p.seq"
    ))
    .bind(work_order_id.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(StoredRow::into_stored).collect()
}

/// Whether another photo is already filed under `key` (two tickets that sanitise alike).
pub async fn key_taken_by_other(
    conn: &mut Conn,
    key: &str,
    photo_id: Uuid,
) -> Result<bool, sqlx::Error> {
    let other: Option<String> = sqlx::query_scalar(
        "SELECT photo_id FROM photos WHERE stored_key = $1 AND photo_id <> $2 \
         UNION ALL SELECT photo_id FROM field_photos WHERE stored_key = $1 AND photo_id <> $2",
    )
    .bind(key)
    .bind(photo_id.to_string())
    .fetch_optional(conn)
    .await?;
    Ok(other.is_some())
}

/// Record that the bytes are stored. False when another request recorded it first: the first
/// one to commit answers 201, every other one 200.
pub async fn mark_uploaded(
    conn: &mut Conn,
    photo: &StoredPhoto,
    key: &str,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(&format!(
        "UPDATE {} SET stored_key = $1, uploaded_at = $2 \
         WHERE photo_id = $3 AND uploaded_at IS NULL",
        photo.table()
    ))
    .bind(key)
    .bind(db::millis(at))
    .bind(photo.meta.id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The folder of a ticket's photos: `<model>-<serial>/<ticket>`, every part sanitised, so no
/// part can hold a separator, `..` or a control character whatever was typed in the office.
pub fn folder(model: &str, serial: &str, ticket: &str) -> [String; 2] {
    [
        format!("{}-{}", sanitize_part(model), sanitize_part(serial)),
        sanitize_part(ticket),
    ]
}

/// A file name as the model makes them: letters, digits, `-`, `_` and one `.` before the
/// extension.
pub fn is_safe_name(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    let part_ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    };
    part_ok(stem) && part_ok(ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_model_made_names_pass_as_is() {
        assert!(is_safe_name("BX-1-EC210D-S1-0h-20261127-extra-3.jpg"));
        assert!(is_safe_name("BX_1-三一-S1-0h-20261127-signature.png"));
        for bad in [
            "../x.jpg", "a/b.jpg", "x", ".jpg", "a..jpg", "a.b.jpg", "a\\b.jpg",
        ] {
            assert!(!is_safe_name(bad), "{bad}");
        }
    }
}
