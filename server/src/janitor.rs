//! The janitor: removes what an interrupted write left in the photo store, never a photo a
//! record refers to.
//!
//! Two kinds of leftovers, both only once older than a configurable age (a write in progress is
//! young): half-written temporary files of the local folder (object_store stages a file as
//! `<name>#<digits>` and renames it when complete), and objects under the work-order photo keys
//! (`wo-...`, `fp-...`) that no photo row points to (the bytes were stored, then the database failed before
//! recording them). Objects outside `wo-` and `fp-` are never judged. A photo row protects its
//! key whether its upload finished (`stored_key`) or not yet (the key its upload will use), so
//! a retry of a half-done upload finds nothing missing. Several processes may run it at once:
//! every step is a delete of something no one refers to.
//!
//! With S3, half-written uploads are the bucket's business: photos are sent in one PUT (no
//! multipart), and a lifecycle rule `AbortIncompleteMultipartUpload` covers anything else.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::Utc;
use futures_util::TryStreamExt;
use object_store::ObjectStore;
use object_store::path::Path as Key;

use uuid::Uuid;

use crate::db::Db;
use crate::stored_photo;

/// What one run removed and kept.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct JanitorReport {
    /// Half-written temporary files removed from the local folder.
    pub temp_files_removed: usize,
    /// Objects no photo refers to, removed.
    pub orphans_removed: usize,
    /// Objects no photo refers to, kept because they are younger than the age.
    pub young_orphans_kept: usize,
    /// Objects a photo refers to (all kept).
    pub referenced: usize,
    /// Objects outside the janitor's scope (not under `wo-` or `fp-`), never touched.
    pub out_of_scope: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum JanitorError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("photo store error: {0}")]
    Store(#[from] object_store::Error),
    #[error("cannot clean the photo folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Every key a photo row refers to: stored ones, and the keys pending uploads will use.
async fn protected_keys(db: &Db) -> Result<HashSet<String>, sqlx::Error> {
    let rows: Vec<(Option<String>, String, i64, String, String)> =
        sqlx::query_as("SELECT stored_key, work_order_id, seq, sha256, content_type FROM photos")
            .fetch_all(db)
            .await?;
    let field: Vec<(Option<String>, i64, String, String)> =
        sqlx::query_as("SELECT stored_key, seq, sha256, content_type FROM field_photos")
            .fetch_all(db)
            .await?;
    let mut keys = HashSet::with_capacity(rows.len() + field.len());
    for (stored, seq, sha256, content_type) in field {
        keys.insert(match stored {
            Some(stored) => stored,
            None => stored_photo::field_object_key(seq, &sha256, &content_type).to_string(),
        });
    }
    for (stored, work_order_id, seq, sha256, content_type) in rows {
        match (stored, Uuid::parse_str(&work_order_id)) {
            (Some(stored), _) => keys.insert(stored),
            (None, Ok(wo)) => {
                keys.insert(stored_photo::object_key(wo, seq, &sha256, &content_type).to_string())
            }
            // A row the server cannot read names no key; say so.
            (None, Err(_)) => {
                tracing::warn!(%work_order_id, "photo row with a bad work order id");
                false
            }
        };
    }
    Ok(keys)
}

/// Whether the janitor may judge this object at all: only photos under the keys
/// `stored_photo::object_key` and `stored_photo::field_object_key` make (`wo-...`, `fp-...`). Anything else
/// in the store (the health marker, photos filed by older schemes, objects that are not ours) is
/// never touched, so a new kind of photo is safe until the janitor is taught its references.
fn in_scope(key: &Key) -> bool {
    key.parts().next().is_some_and(|first| {
        let first = first.as_ref();
        first.starts_with(stored_photo::OBJECT_KEY_PREFIX)
            || first.starts_with(stored_photo::FIELD_KEY_PREFIX)
    })
}

/// One pass over the store. `local_root` is the photo folder when photos are on local disk.
pub async fn run(
    db: &Db,
    store: &dyn ObjectStore,
    local_root: Option<&Path>,
    older_than: Duration,
) -> Result<JanitorReport, JanitorError> {
    let mut report = JanitorReport::default();
    if let Some(root) = local_root {
        report.temp_files_removed = remove_temp_files(root, older_than)?;
    }
    let cutoff =
        Utc::now() - chrono::Duration::from_std(older_than).unwrap_or(chrono::TimeDelta::MAX);
    let objects: Vec<_> = store.list(None).try_collect().await?;
    // Read after listing: a photo recorded meanwhile is protected all the same.
    let protected = protected_keys(db).await?;
    for object in objects {
        if object.location.as_ref().starts_with("_fieldbook/") {
            // The server's own (the health marker).
            continue;
        }
        if !in_scope(&object.location) {
            report.out_of_scope += 1;
            continue;
        }
        if protected.contains(object.location.as_ref()) {
            report.referenced += 1;
            continue;
        }
        if object.last_modified > cutoff {
            report.young_orphans_kept += 1;
            continue;
        }
        // Written again since it was listed (a retried upload)? Then it is not a leftover.
        match store.head(&object.location).await {
            Ok(now) if now.last_modified <= cutoff => {}
            Ok(_) => {
                report.young_orphans_kept += 1;
                continue;
            }
            Err(object_store::Error::NotFound { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
        match store.delete(&object.location).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {
                tracing::info!(key = %object.location, "janitor removed an unreferenced object");
                report.orphans_removed += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(report)
}

/// A staged upload of object_store's local store: `<name>#<digits>`.
fn is_temp_file(name: &str) -> bool {
    name.rsplit_once('#')
        .is_some_and(|(_, suffix)| !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit()))
}

fn remove_temp_files(root: &Path, older_than: Duration) -> Result<usize, JanitorError> {
    let folder_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| JanitorError::Folder { path, source }
    };
    let mut removed = 0;
    let mut dirs = vec![root.to_path_buf()];
    let now = SystemTime::now();
    while let Some(dir) = dirs.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(folder_err(&dir)(e)),
        };
        for entry in entries {
            let entry = entry.map_err(folder_err(&dir))?;
            let path = entry.path();
            // Never follow links out of the folder.
            let kind = entry.file_type().map_err(folder_err(&path))?;
            if kind.is_dir() {
                dirs.push(path);
                continue;
            }
            if !kind.is_file() || !is_temp_file(&entry.file_name().to_string_lossy()) {
                continue;
            }
            let modified = entry
                .metadata()
                .and_then(|m| m.modified())
                .map_err(folder_err(&path))?;
            if now.duration_since(modified).unwrap_or_default() < older_than {
                continue;
            }
            match std::fs::remove_file(&path) {
                Ok(()) => {
                    tracing::info!(path = %path.display(), "janitor removed a half-written file");
                    removed += 1;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(folder_err(&path)(e)),
            }
        }
    }
    Ok(removed)
}

/// `30s`, `15m`, `24h`, `7d`, or plain seconds.
pub fn parse_age(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("'{s}' is not an age like 30m, 24h or 7d"))?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("'{s}' is not an age like 30m, 24h or 7d")),
    };
    Ok(Duration::from_secs(n.saturating_mul(seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_files_are_told_by_their_staging_suffix() {
        assert!(is_temp_file("BX-1-EC210D-S1-0h-20261127-nameplate.jpg#12"));
        assert!(!is_temp_file("BX-1-EC210D-S1-0h-20261127-nameplate.jpg"));
        assert!(!is_temp_file("a#b"));
        assert!(!is_temp_file("a#"));
    }

    #[test]
    fn ages() {
        assert_eq!(parse_age("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_age("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_age("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_age("7d"), Ok(Duration::from_secs(604_800)));
        assert!(parse_age("soon").is_err());
        assert!(parse_age("5w").is_err());
    }
}
