//! The office's download of one ticket's photos: a ZIP with every uploaded photo under
//! `<model>-<serial>/<ticket>/<name>`, names by the company rule.

use std::io::{Cursor, Write};

use chrono::{Datelike, Timelike};
use fieldbook_model::op::naming_date;
use fieldbook_model::{PhotoMeta, WorkOrder};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::photos;

/// Builds the archive entry by entry, so only the archive and one photo are in memory at once.
pub struct PhotoZip {
    folder: String,
    writer: ZipWriter<Cursor<Vec<u8>>>,
}

impl PhotoZip {
    /// `capacity`: the sum of the photos' sizes, to allocate once.
    pub fn new(wo: &WorkOrder, capacity: usize) -> PhotoZip {
        let [machine, ticket] = photos::folder(&wo.equipment_model, &wo.serial, &wo.ticket);
        PhotoZip {
            folder: format!("{machine}/{ticket}"),
            writer: ZipWriter::new(Cursor::new(Vec::with_capacity(capacity + 4096))),
        }
    }

    /// An archive whose entries go in one folder named `folder` (already sanitised).
    pub fn in_folder(folder: String, capacity: usize) -> PhotoZip {
        debug_assert!(!folder.contains(['/', '\\']) && folder != ".." && folder != ".");
        PhotoZip {
            folder,
            writer: ZipWriter::new(Cursor::new(Vec::with_capacity(capacity + 4096))),
        }
    }

    /// Add a file the server made (a safe `name` of its own), STORED (the crate is built without
    /// its deflate feature; a one-page PDF is small).
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) -> zip::result::ZipResult<()> {
        debug_assert!(photos::is_safe_name(name));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .unix_permissions(0o644);
        self.writer
            .start_file(format!("{}/{}", self.folder, name), options)?;
        self.writer.write_all(bytes)?;
        Ok(())
    }

    /// Add a photo, STORED: JPEG and PNG are compressed already, deflating again only costs.
    pub fn add(&mut self, meta: &PhotoMeta, bytes: &[u8]) -> zip::result::ZipResult<()> {
        let mut options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .unix_permissions(0o644);
        if let Some(at) = meta.taken_at.and_then(zip_time) {
            options = options.last_modified_time(at);
        }
        // The name is the model's; re-checked because it becomes a path when unpacked, and
        // fitted to a file system's 255 bytes (names made before the byte cap were longer).
        let name = if photos::is_safe_name(&meta.name) {
            meta.name.clone()
        } else {
            fieldbook_model::photo::sanitize_part(&meta.name)
        };
        let name = fieldbook_model::photo::fit_name(&name, &meta.id.simple().to_string());
        self.writer
            .start_file(format!("{}/{}", self.folder, name), options)?;
        self.writer.write_all(bytes)?;
        Ok(())
    }

    pub fn finish(self) -> zip::result::ZipResult<Vec<u8>> {
        Ok(self.writer.finish()?.into_inner())
    }
}

/// ZIP times have no zone: use the company's (China Standard Time), as the photo names do.
fn zip_time(at: chrono::DateTime<chrono::Utc>) -> Option<zip::DateTime> {
    let local = (at + chrono::Duration::hours(8)).naive_utc();
    debug_assert_eq!(local.date(), naming_date(at));
    zip::DateTime::from_date_and_time(
        u16::try_from(local.year()).ok()?,
        local.month() as u8,
        local.day() as u8,
        local.hour() as u8,
        local.minute() as u8,
        (local.second() - local.second() % 2) as u8,
    )
    .ok()
}

/// What `filename*` must encode: everything but RFC 8187's attr-chars we use in names.
const FILENAME_STAR: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_');

/// The archive's file name: `<model>-<serial>-<ticket>.zip`.
pub fn file_name(wo: &WorkOrder) -> String {
    let [machine, ticket] = photos::folder(&wo.equipment_model, &wo.serial, &wo.ticket);
    format!("{machine}-{ticket}.zip")
}

/// `Content-Disposition` for a download named `name`: an ASCII fallback for old clients, and
/// the real name (Chinese model names, say) in `filename*` (RFC 6266 / RFC 8187).
pub fn content_disposition(kind: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = utf8_percent_encode(name, FILENAME_STAR);
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_are_named_safely_in_ascii_and_utf8() {
        assert_eq!(
            content_disposition("attachment", "三一SY215C-S1-BX-1.zip"),
            "attachment; filename=\"__SY215C-S1-BX-1.zip\"; \
             filename*=UTF-8''%E4%B8%89%E4%B8%80SY215C-S1-BX-1.zip"
        );
        let hostile = content_disposition("inline", "a\"b\r\n.jpg");
        assert_eq!(hostile.matches('"').count(), 2, "{hostile}");
        assert!(!hostile.contains(['\r', '\n']), "{hostile}");
    }

    #[test]
    fn zip_times_are_china_time() {
        let at = "2026-11-27T16:30:01Z".parse().unwrap();
        let t = zip_time(at).unwrap();
        assert_eq!(
            (t.year(), t.month(), t.day(), t.hour(), t.second()),
            (2026, 11, 28, 0, 0)
        );
    }
}
