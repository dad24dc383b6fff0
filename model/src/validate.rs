//! What a value must be to be accepted, and [`OpError`]: why an operation was refused.
//!
//! A leaf: the rules of work orders, cleaning, findings and patrols all check their values here
//! and refuse with this one error, so none of them has to import another to say no.

use crate::report::Missing;
use crate::work_order::StatusError;

/// Limits on what one operation may carry; the phone's forms enforce the same.
pub mod limits {
    pub const MAX_HOURS: u32 = 200_000;
    pub const MAX_TEXT_CHARS: usize = 2_000;
    pub const MAX_SHORT_CHARS: usize = 60;
    pub const MAX_PARTS: usize = 50;
    pub const MAX_PART_QTY: u32 = 9_999;
    pub const MAX_COMPANIONS: usize = 10;
    pub const MAX_PHOTO_BYTES: u64 = 15 * 1024 * 1024;
    pub const MAX_PHOTO_EDGE: u32 = 8_192;
}

/// Why an operation cannot apply to its record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpError {
    #[error(transparent)]
    Status(#[from] StatusError),
    #[error("the service report was already submitted")]
    ReportSubmitted,
    #[error("the report cannot be submitted yet: {0:?}")]
    Incomplete(Vec<Missing>),
    #[error("the photo is not acceptable: {0}")]
    BadPhoto(&'static str),
    #[error("a value is out of range or empty: {0}")]
    BadValue(&'static str),
    /// Approved by a supervisor: it cannot change any more.
    #[error("it was approved and cannot change")]
    Closed,
    /// The office closed the work order.
    #[error("the work order is closed")]
    OrderClosed,
    /// This person's role or place does not allow it.
    #[error("not allowed for this person")]
    NotAllowed,
    /// The record's state does not allow this step (e.g. confirming an open task).
    #[error("not allowed in this state")]
    WrongState,
    /// The operation creates a record whose id is already taken: a record is made once, and a
    /// second one under its id would silently replace it.
    #[error("{0} already exists")]
    AlreadyExists(&'static str),
    /// The record (or item) the operation is about is not there.
    #[error("no such {0}")]
    NotFound(&'static str),
}

/// Text within `max` characters, without control characters other than line breaks.
pub fn text_ok(s: &str, max: usize) -> bool {
    s.chars().count() <= max && !s.chars().any(|c| c.is_control() && c != '\n')
}

/// A one-line name or label: not blank, within the short limit.
pub fn short_ok(s: &str) -> bool {
    !s.trim().is_empty() && text_ok(s, limits::MAX_SHORT_CHARS) && !s.contains('\n')
}

/// The checks every photo's details pass, whatever it is attached to.
pub(crate) fn check_photo_fields(
    sha256: &str,
    bytes: u64,
    width: u32,
    height: u32,
    content_type: &str,
) -> Result<(), OpError> {
    if sha256.len() != 64
        || !sha256
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(OpError::BadPhoto("sha256 must be 64 lowercase hex digits"));
    }
    if bytes == 0 || bytes > limits::MAX_PHOTO_BYTES {
        return Err(OpError::BadPhoto("size"));
    }
    let edge_ok = |v: u32| (1..=limits::MAX_PHOTO_EDGE).contains(&v);
    if !edge_ok(width) || !edge_ok(height) {
        return Err(OpError::BadPhoto("dimensions"));
    }
    if !matches!(content_type, "image/jpeg" | "image/png") {
        return Err(OpError::BadPhoto("only JPEG and PNG"));
    }
    Ok(())
}
