//! The photos a field record carries (a vacant-unit record, a finding, its closing).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::validate::OpError;

/// Photo details carried by the operation that uses the photo; the bytes follow with
/// `PUT /api/photos/{photo_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoRef {
    pub photo_id: Uuid,
    pub slot: String,
    pub sha256: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    pub content_type: String,
}

impl PhotoRef {
    pub fn check(&self) -> Result<(), OpError> {
        crate::validate::check_photo_fields(
            &self.sha256,
            self.bytes,
            self.width,
            self.height,
            &self.content_type,
        )?;
        if self.slot.is_empty()
            || self.slot.len() > 30
            || !self
                .slot
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(OpError::BadPhoto("slot"));
        }
        Ok(())
    }
}

/// Check a set of photos: each valid, no id twice, at most `max`.
pub fn check_photos(photos: &[PhotoRef], max: usize) -> Result<(), OpError> {
    if photos.len() > max {
        return Err(OpError::BadPhoto("too many photos"));
    }
    for (i, p) in photos.iter().enumerate() {
        p.check()?;
        if photos[..i].iter().any(|q| q.photo_id == p.photo_id) {
            return Err(OpError::BadPhoto("the same photo twice"));
        }
    }
    Ok(())
}

/// The most photos one record, finding or closing may carry.
pub const MAX_PHOTOS_PER_RECORD: usize = 12;
