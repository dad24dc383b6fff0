//! The database: opening it, its migrations, the server's sequence and how times are stored.
//!
//! SQLite is the embedded default. Queries stay plain SQL with `?` placeholders and no
//! SQLite-only functions, so that the PostgreSQL backend (a later issue) is a matter of the pool
//! type, not of rewriting the logic.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection};

/// The pool every handler shares.
pub type Db = sqlx::SqlitePool;
/// One transaction: an operation's effect, its sequence value and its exactly-once record.
pub type Tx = sqlx::Transaction<'static, Sqlite>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL '{0}': only sqlite:// is supported for now")]
    UnsupportedUrl(String),
    #[error("could not open the database at '{url}': {source}")]
    Open { url: String, source: sqlx::Error },
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Open (creating if missing) and migrate the database at `url`.
///
/// WAL lets sync pulls read while an operation writes; the busy timeout makes concurrent writers
/// wait for each other instead of failing, since SQLite has one writer at a time.
pub async fn open(url: &str) -> Result<Db, DbError> {
    if !url.starts_with("sqlite:") {
        return Err(DbError::UnsupportedUrl(url.to_string()));
    }
    let open_err = |source| DbError::Open {
        url: url.to_string(),
        source,
    };
    let options = SqliteConnectOptions::from_str(url)
        .map_err(open_err)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map_err(open_err)?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// The database URL for the SQLite file inside a data directory.
pub fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}", path.display())
}

/// Take the next sequence value, inside the caller's transaction.
///
/// The UPDATE is the transaction's first write and locks the sequence row (SQLite: the whole
/// database) until commit, so changes commit in sequence order and a device that pulled up to
/// cursor N can never later find a change numbered below N.
pub async fn next_seq(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("UPDATE sync_sequence SET value = value + 1 WHERE id = 1 RETURNING value")
        .fetch_one(conn)
        .await
}

/// The last sequence value handed out.
pub async fn current_seq(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM sync_sequence WHERE id = 1")
        .fetch_one(conn)
        .await
}

/// The server's clock, as stored in `created_at`, `last_seen_at` and `received_at`.
pub fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// A person's or device's time as stored: RFC 3339, as precise as it was given.
pub fn time_to_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub fn time_from_text(s: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_round_trip_exactly() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2026-11-27T08:30:00.123456789Z",
            "2027-11-27T08:30:00.5Z",
        ] {
            let t = time_from_text(s).unwrap();
            assert_eq!(time_from_text(&time_to_text(t)).unwrap(), t);
        }
    }

    #[tokio::test]
    async fn other_databases_are_refused_by_name() {
        let err = open("postgres://localhost/fieldbook").await.unwrap_err();
        assert!(matches!(err, DbError::UnsupportedUrl(_)), "{err}");
    }
}
