//! A photo as it is stored, a work order's or a field record's: what it is filed under, and the
//! object key its bytes are kept at, made only of what the server made or checked.

use fieldbook_model::PhotoMeta;
use object_store::path::Path;
use uuid::Uuid;

/// A photo with what the server needs to take, check and file its bytes.
pub struct StoredPhoto {
    pub meta: PhotoMeta,
    /// The work order it belongs to; None for a field record's photo.
    pub work_order_id: Option<Uuid>,
    /// The sequence value the photo's operation took: unique, made by the server.
    pub seq: i64,
    /// Who uploads its bytes: the work order's assignee, or who sent the field record.
    pub assignee_id: String,
    pub filing: Filing,
    pub stored_key: Option<String>,
}

/// What a photo is filed under.
pub enum Filing {
    /// `<model>-<serial>/<ticket>/<name>`
    Ticket {
        ticket: String,
        equipment_model: String,
        serial: String,
    },
    /// `field/<team>/<owner kind>/<owner id>/<name>`: a finding's, a closing's or a
    /// vacant-unit record's photo.
    Field {
        team: String,
        owner_kind: String,
        owner_id: Uuid,
    },
}

impl StoredPhoto {
    /// Where the bytes are filed, from the server's records only: a work order's photo under
    /// [`object_key`], a field record's under [`field_object_key`].
    pub fn key(&self) -> Path {
        match (&self.filing, self.work_order_id) {
            (Filing::Ticket { .. }, Some(work_order_id)) => object_key(
                work_order_id,
                self.seq,
                &self.meta.sha256,
                &self.meta.content_type,
            ),
            (Filing::Field { .. }, _) => {
                field_object_key(self.seq, &self.meta.sha256, &self.meta.content_type)
            }
            // A work-order filing always has its order (into_stored sets both).
            (Filing::Ticket { .. }, None) => Path::from_iter([
                "field".to_string(),
                "unfiled".to_string(),
                self.meta.id.to_string(),
            ]),
        }
    }

    /// The table its row is in.
    pub(crate) fn table(&self) -> &'static str {
        match self.filing {
            Filing::Ticket { .. } => "photos",
            Filing::Field { .. } => "field_photos",
        }
    }
}

/// The first part of every key [`object_key`] makes (the janitor's scope).
pub const OBJECT_KEY_PREFIX: &str = "wo-";
/// The first part of every key [`field_object_key`] makes (the janitor's scope too).
pub const FIELD_KEY_PREFIX: &str = "fp-";

/// The object key of a field record's photo (a finding's, a closing's, a vacant-unit record's):
/// `fp-<seq>/<sha256>.<jpg|png>`, the sequence value of the operation that filed it and the
/// SHA-256 the upload verified: nothing a device or a person typed (the record ids are made on
/// the phone, so they stay out of it too).
pub fn field_object_key(seq: i64, sha256: &str, content_type: &str) -> Path {
    Path::from_iter([
        format!("{FIELD_KEY_PREFIX}{seq}"),
        key_file(sha256, content_type),
    ])
}

/// The object key of a photo: `wo-<work order id>/<seq>-<sha256>.<jpg|png>`, made only of what
/// the server made or checked (its own ids and sequence, the SHA-256 it verified), never of text
/// anyone typed: no separator, `..` or control character can get in, and two photos never share
/// a key. People see the company's file names in the ZIP and in `Content-Disposition`; the key
/// is for the store alone.
pub fn object_key(work_order_id: Uuid, seq: i64, sha256: &str, content_type: &str) -> Path {
    Path::from_iter([
        format!("wo-{work_order_id}"),
        format!("{seq}-{}", key_file(sha256, content_type)),
    ])
}

/// `<sha256>.<jpg|png>`: the verified hash (hex digits only) and the checked type.
fn key_file(sha256: &str, content_type: &str) -> String {
    let hash: String = sha256
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(64)
        .collect();
    let ext = if content_type == "image/png" {
        "png"
    } else {
        "jpg"
    };
    format!("{hash}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_made_of_server_ids_and_hashes_only() {
        let wo = Uuid::parse_str("7d9f2c1e-0000-4000-8000-000000000001").unwrap();
        let sha = "ab".repeat(32);
        assert_eq!(
            object_key(wo, 42, &sha, "image/jpeg").as_ref(),
            format!("wo-{wo}/42-{sha}.jpg")
        );
        assert_eq!(
            object_key(wo, 7, &sha, "image/png").as_ref(),
            format!("wo-{wo}/7-{sha}.png")
        );
        // Even a corrupt row cannot put a separator or `..` into a key.
        let key = object_key(wo, 1, "../../etc/passwd", "../x");
        assert_eq!(key.as_ref(), format!("wo-{wo}/1-ecad.jpg"));
    }
}
