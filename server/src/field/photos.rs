//! Field records' photos: filed when the operation that names them is applied, found again when
//! their bytes arrive or are asked for.

use chrono::{DateTime, Utc};
use fieldbook_model::cleaning::PhotoRef;
use fieldbook_model::op::naming_date;
use fieldbook_model::{Operation, RejectCode};
use uuid::Uuid;

use super::rows::corrupt;
use crate::applying::Refusal;
use crate::db::Conn;
use crate::error::AppError;
use crate::stored_photo::{Filing, StoredPhoto};

/// File a record's photos: the bytes follow with `PUT /api/photos/{id}`. A photo id already
/// used anywhere is refused, never moved.
pub(super) async fn add_photos(
    conn: &mut Conn,
    owner_kind: &str,
    owner_id: Uuid,
    team: &str,
    photos: &[PhotoRef],
    op: &Operation,
    seq: i64,
) -> Result<Result<(), Refusal>, AppError> {
    let filing = PhotoFiling {
        taken_at: op.device_time,
        op_id: op.id,
        uploader_id: None,
    };
    Ok(
        file_photos(conn, owner_kind, owner_id, team, photos, &filing, seq)
            .await?
            .map_err(|()| RejectCode::InvalidPhoto.into()),
    )
}

/// Where a record's photos come from: an operation (its sender uploads the bytes), or an office
/// page (`uploader_id` does; `op_id` is then the id of the record the page made).
pub(crate) struct PhotoFiling<'a> {
    pub(crate) taken_at: DateTime<Utc>,
    pub(crate) op_id: Uuid,
    pub(crate) uploader_id: Option<&'a str>,
}

/// File photos under a field record; `Err(())` when a photo id is already used anywhere (it is
/// refused, never moved).
pub(crate) async fn file_photos(
    conn: &mut Conn,
    owner_kind: &str,
    owner_id: Uuid,
    team: &str,
    photos: &[PhotoRef],
    filing: &PhotoFiling<'_>,
    seq: i64,
) -> Result<Result<(), ()>, AppError> {
    let date = naming_date(filing.taken_at).format("%Y%m%d");
    // Numbered after the photos the record already has: a second closing (after a reopening)
    // on the same day is filed beside the first, never under its name.
    let earlier: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM field_photos WHERE owner_kind = $1 AND owner_id = $2",
    )
    .bind(owner_kind)
    .bind(owner_id.to_string())
    .fetch_one(&mut *conn)
    .await?;
    let earlier = usize::try_from(earlier).unwrap_or(0);
    for (n, p) in photos.iter().enumerate() {
        let id = p.photo_id.to_string();
        let taken: Option<String> = sqlx::query_scalar(
            "SELECT photo_id FROM photos WHERE photo_id = $1 \
             UNION ALL SELECT photo_id FROM field_photos WHERE photo_id = $1",
        )
        .bind(&id)
        .fetch_optional(&mut *conn)
        .await?;
        if taken.is_some() {
            return Ok(Err(()));
        }
        let ext = if p.content_type == "image/png" {
            "png"
        } else {
            "jpg"
        };
        let name = format!("{owner_kind}-{date}-{}-{}.{ext}", p.slot, earlier + n + 1);
        sqlx::query(
            "INSERT INTO field_photos (photo_id, owner_kind, owner_id, team, slot, name, sha256, \
             bytes, width, height, content_type, taken_at, op_id, seq, uploader_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(&id)
        .bind(owner_kind)
        .bind(owner_id.to_string())
        .bind(team)
        .bind(&p.slot)
        .bind(name)
        .bind(&p.sha256)
        .bind(p.bytes as i64)
        .bind(i64::from(p.width))
        .bind(i64::from(p.height))
        .bind(&p.content_type)
        .bind(crate::db::time_to_text(filing.taken_at))
        .bind(filing.op_id.to_string())
        .bind(seq)
        .bind(filing.uploader_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(Ok(()))
}

#[derive(sqlx::FromRow)]
struct FieldPhotoRow {
    photo_id: String,
    owner_kind: String,
    owner_id: String,
    team: String,
    slot: String,
    name: String,
    sha256: String,
    bytes: i64,
    width: i64,
    height: i64,
    content_type: String,
    taken_at: String,
    uploaded_at: Option<i64>,
    stored_key: Option<String>,
    seq: i64,
    uploader_id: String,
}

/// A field photo with what the upload and the download need.
pub async fn find_photo(conn: &mut Conn, photo_id: Uuid) -> Result<Option<StoredPhoto>, AppError> {
    let row: Option<FieldPhotoRow> = sqlx::query_as(
        "SELECT p.photo_id, p.owner_kind, p.owner_id, p.team, p.slot, p.name, p.sha256, p.bytes, \
         p.width, p.height, p.content_type, p.taken_at, p.uploaded_at, p.stored_key, p.seq, \
         COALESCE(p.uploader_id, u.id) AS uploader_id \
         FROM field_photos p LEFT JOIN applied_ops o ON o.op_id = p.op_id \
         LEFT JOIN users u ON u.username = o.username WHERE p.photo_id = $1",
    )
    .bind(photo_id.to_string())
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let bad = |what: &str| corrupt("field photo", &r.photo_id, what);
    let meta = fieldbook_model::PhotoMeta {
        id: photo_id,
        slot: r.slot.clone(),
        n: 1,
        name: r.name.clone(),
        sha256: r.sha256.clone(),
        bytes: u64::try_from(r.bytes).map_err(|_| bad("bytes"))?,
        width: u32::try_from(r.width).map_err(|_| bad("width"))?,
        height: u32::try_from(r.height).map_err(|_| bad("height"))?,
        content_type: r.content_type.clone(),
        taken_at: crate::db::time_from_text(&r.taken_at).ok(),
        uploaded: r.uploaded_at.is_some(),
        uploaded_at: r
            .uploaded_at
            .and_then(DateTime::<Utc>::from_timestamp_millis),
        withdrawn_at: None,
        withdrawn_by: None,
    };
    Ok(Some(StoredPhoto {
        meta,
        work_order_id: None,
        seq: r.seq,
        assignee_id: r.uploader_id,
        filing: Filing::Field {
            team: r.team,
            owner_kind: r.owner_kind,
            owner_id: Uuid::parse_str(&r.owner_id).map_err(|_| bad("owner_id"))?,
        },
        stored_key: r.stored_key,
    }))
}
