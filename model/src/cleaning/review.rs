//! A supervisor's spot check, of an area's checklist or of a vacant-unit record.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::{OpError, limits, text_ok};

/// A supervisor's spot check of a cleaner's work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approved,
    /// Sent back to the cleaner with the reason; they see it after sync.
    SentBack {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub verdict: Verdict,
    pub by: String,
    pub at: DateTime<Utc>,
}

impl Verdict {
    pub fn check(&self) -> Result<(), OpError> {
        match self {
            Verdict::Approved => Ok(()),
            Verdict::SentBack { reason } => {
                if reason.trim().is_empty() || !text_ok(reason, limits::MAX_TEXT_CHARS) {
                    Err(OpError::BadValue("the reason for sending back"))
                } else {
                    Ok(())
                }
            }
        }
    }
}
