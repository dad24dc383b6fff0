//! The database: opening it, its migrations, the server's sequence and how times are stored.
//!
//! SQLite is the embedded default; PostgreSQL is chosen by a `postgres://` URL. Handlers name
//! neither: they use [`Db`], [`Tx`] and [`Conn`] (sqlx's `Any` driver underneath), so every
//! query must run unchanged on both:
//! - placeholders are `$1, $2, ...` (SQLite accepts them too);
//! - values are i64, f64, String, bool and `Vec<u8>` (what `Any` carries); ids are TEXT UUIDs,
//!   server times BIGINT Unix milliseconds, device times RFC 3339 TEXT;
//! - a BOOLEAN column is read as `CASE WHEN col THEN 1 ELSE 0 END` into an i64 or
//!   [`IntFlag`]: `Any` cannot describe a column SQLite declares BOOLEAN (binding a bool works);
//! - no backend-only functions; migrations are kept twice, `migrations/sqlite/` and
//!   `migrations/postgres/`, with the same numbers and the same meaning.

use sqlx::Executor;
use sqlx::any::AnyPoolOptions;

use chrono::{DateTime, SecondsFormat, Utc};

/// The pool every handler shares.
pub type Db = sqlx::AnyPool;
/// One transaction: an operation's effect, its sequence value and its exactly-once record.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;
/// One connection (or a transaction, through `&mut *tx`).
pub type Conn = sqlx::AnyConnection;

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Result<Backend, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::UnsupportedUrl(url.to_string()))
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL '{0}': use sqlite:// or postgres://")]
    UnsupportedUrl(String),
    #[error("could not open the database at '{url}': {source}")]
    Open { url: String, source: sqlx::Error },
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A BOOLEAN column read portably (see the module's notes): 0 is false, anything else true.
#[derive(Debug, Clone, Copy, sqlx::Type)]
#[sqlx(transparent)]
pub struct IntFlag(pub i64);

impl From<IntFlag> for bool {
    fn from(flag: IntFlag) -> bool {
        flag.0 != 0
    }
}

/// Connections per process. PostgreSQL's default limit is 100: a few processes fit under it.
const MAX_CONNECTIONS: u32 = 16;

/// Open (creating if missing, for SQLite) and migrate the database at `url`.
///
/// SQLite: WAL lets sync pulls read while an operation writes; the busy timeout makes concurrent
/// writers wait for each other instead of failing, since SQLite has one writer at a time.
/// PostgreSQL: the migrations take an advisory lock, so several processes may start at once.
pub async fn open(url: &str) -> Result<Db, DbError> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of(url)?;
    let open_err = |source| DbError::Open {
        url: redact(url),
        source,
    };
    let pool = match backend {
        Backend::Sqlite => {
            let url = with_create_mode(url);
            AnyPoolOptions::new()
                .max_connections(8)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                        Ok(())
                    })
                })
                .connect(&url)
                .await
                .map_err(open_err)?
        }
        Backend::Postgres => AnyPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect(url)
            .await
            .map_err(open_err)?,
    };
    match backend {
        Backend::Sqlite => migrate_sqlite(&pool, &SQLITE_MIGRATIONS).await?,
        Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
    }
    Ok(pool)
}

/// SQLite's migrations, in order.
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Run SQLite's migrations on a connection of their own whose foreign keys are OFF.
///
/// Changing a table SQLite cannot ALTER (0005 widens a CHECK on `users`) means rebuilding it, and
/// that must happen with foreign keys off (https://www.sqlite.org/lang_altertable.html#otheralter)
/// or dropping the old table deletes or breaks the rows that refer to it. The pragma cannot change
/// inside a transaction, and sqlx 0.8.6 runs each SQLite migration in one (it ignores
/// `-- no-transaction` there), so it is set on the connection first; each such migration checks
/// the foreign keys itself before it commits. The connection leaves the pool and is closed after.
async fn migrate_sqlite(
    pool: &Db,
    migrator: &sqlx::migrate::Migrator,
) -> Result<(), sqlx::migrate::MigrateError> {
    let mut conn = pool.acquire().await?.detach();
    conn.execute("PRAGMA foreign_keys = OFF").await?;
    let result = migrator.run_direct(&mut conn).await;
    let _ = sqlx::Connection::close(conn).await;
    result
}

/// A SQLite URL that creates its file when missing (`mode=rwc`), unless it names a mode.
fn with_create_mode(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}mode=rwc")
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The database URL for the SQLite file inside a data directory.
pub fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}", path.display())
}

/// Whether this connection is PostgreSQL's (the `Any` driver's name for it).
pub fn is_postgres(conn: &Conn) -> bool {
    conn.backend_name() == "PostgreSQL"
}

/// Only for the load benchmark's "before" column (`FIELDBOOK_BENCH_BASELINE=1`): apply every
/// operation in a transaction of its own and, on PostgreSQL, number changes with the one counter
/// row locked until commit, as before issue 20. A database must be run in one mode for its life
/// (the two keep their numbers in different places): the benchmark gives each run a fresh one.
pub fn baseline() -> bool {
    static BASELINE: std::sync::LazyLock<bool> = std::sync::LazyLock::new(|| {
        std::env::var("FIELDBOOK_BENCH_BASELINE").is_ok_and(|v| v == "1")
    });
    *BASELINE
}

/// SQLite writes one transaction at a time. Writers that meet inside SQLite wait in its busy
/// handler, which sleeps 1, 2, 5, ... up to 100 ms between tries: under load the write lock sits
/// idle between a commit and the next try, and an unlucky writer loses try after try (the load
/// benchmark's operations p99 was 809 ms against a p50 of 260). The busy writers (batches of
/// operations, photos arriving) queue here first, in arrival order (tokio's mutex is fair), and
/// meet SQLite's lock when it is free. The office's writers, far rarer, still wait in SQLite.
/// One gate per process: a process serves one SQLite database (tests that open several in one
/// process only take turns across them).
static SQLITE_WRITES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A write transaction of a busy path ([`begin_writing`]): on SQLite it holds the process's turn
/// to write until it is committed or dropped.
pub struct Writing {
    tx: Tx,
    /// Declared after `tx`, so a dropped transaction gives its connection back before the turn.
    _turn: Option<tokio::sync::MutexGuard<'static, ()>>,
}

impl Writing {
    /// The transaction. It ends only with the turn ([`Self::commit`], [`Self::rollback`], a
    /// drop): a turn held past its transaction, by a caller that then waits for a connection,
    /// would wait for writers that hold the connections and wait for the turn. For the same
    /// reason nothing takes a second connection from the pool while it holds a turn.
    pub fn tx(&mut self) -> &mut Tx {
        &mut self.tx
    }

    /// Commit, and give the turn to the next writer.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    /// Roll back, and give the turn to the next writer.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

/// Begin a write transaction, on SQLite once this process's earlier writers are done (see
/// [`SQLITE_WRITES`]). The connection is taken before the turn, so the next writer is ready the
/// moment the last commits (as many wait as the pool has connections, as they did in SQLite's
/// busy handler).
pub async fn begin_writing(db: &Db) -> Result<Writing, sqlx::Error> {
    let conn = db.acquire().await?;
    let sqlite = db.connect_options().database_url.scheme() == "sqlite";
    let turn = match sqlite && !baseline() {
        true => Some(SQLITE_WRITES.lock().await),
        false => None,
    };
    Ok(Writing {
        // `Pool::begin` is this with the connection taken inside it.
        tx: sqlx::Transaction::begin(conn, None).await?,
        _turn: turn,
    })
}

/// Take the next sequence value, inside the caller's transaction, excluding every other writer
/// until the caller's transaction ends (what every writer but the operations path does).
///
/// The order of changes, and why a device that pulled up to cursor N never later finds a change
/// numbered N or below that it has not seen:
///
/// - **SQLite** has one writer at a time. The UPDATE of the counter row is the transaction's first
///   write and holds the database's write lock until commit, so changes commit in sequence order
///   and the counter's committed value (what [`current_seq`] reads) has every lower number
///   committed or rolled back (a rolled-back number is given back with it).
/// - **PostgreSQL** (migration 0008): the number comes from the sequence `sync_seq`, which never
///   waits, and in the same plpgsql call the transaction takes an advisory lock keyed by that
///   number (held until it commits or rolls back). The two steps run while a "numbering gate" is
///   held shared; [`current_seq`] takes the gate exclusively to read the last number taken, so
///   every number it reads is already locked or finished, then answers the number just below the
///   lowest one still locked (or the last number taken, when none is). A cursor N handed out
///   therefore has every change numbered N or below committed (visible to every later read) or
///   rolled back; a change committed later always carries a higher number. Rolled-back numbers
///   are not given back: the numbers have gaps, which no cursor minds.
///
///   Writers no longer wait for each other's numbers. What still orders them: this function
///   takes a writers' lock exclusively (so the office's changes, imports and field operations run
///   alone, exactly as they did behind the counter row), while a batch of operations on work
///   orders takes it shared ([`share_writes`]) and locks the rows it works on instead
///   ([`lock_for_operation`]); the gate is held for two statements, not a transaction.
pub async fn next_seq(conn: &mut Conn) -> Result<i64, sqlx::Error> {
    if is_postgres(conn) && !baseline() {
        return sqlx::query_scalar("SELECT fieldbook_next_seq(FALSE)")
            .fetch_one(conn)
            .await;
    }
    sqlx::query_scalar("UPDATE sync_sequence SET value = value + 1 WHERE id = 1 RETURNING value")
        .fetch_one(conn)
        .await
}

/// PostgreSQL: let this transaction write beside other batches of operations on work orders
/// (taken before it reads anything it decides on). It must then take its numbers with
/// [`next_seq_shared`] and lock what it changes with [`lock_for_operation`]; the office's
/// writers wait for it and it waits for them, as before. Does nothing on SQLite.
pub async fn share_writes(conn: &mut Conn) -> Result<(), sqlx::Error> {
    if is_postgres(conn) {
        sqlx::query("SELECT 1 FROM pg_advisory_xact_lock_shared(20, 1)")
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The next sequence value for a transaction that called [`share_writes`] (PostgreSQL).
pub async fn next_seq_shared(conn: &mut Conn) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT fieldbook_next_seq(TRUE)")
        .fetch_one(conn)
        .await
}

/// PostgreSQL, in a transaction that shares writes: wait for any other transaction working on
/// operation `op_id` or on work order `work_order_id`, and keep them waiting until this one
/// ends. Two copies of one operation (a resend through another process) are then settled one
/// after the other, and the model decides on the order as it stands, never on a copy another
/// transaction is changing.
pub async fn lock_for_operation(
    conn: &mut Conn,
    op_id: &str,
    work_order_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1 FROM pg_advisory_xact_lock(21, hashtext($1))")
        .bind(op_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("SELECT 1 FROM work_orders WHERE id = $1 FOR UPDATE")
        .bind(work_order_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The next sequence value for a change to one work order alone (a photo's bytes arriving):
/// on PostgreSQL beside batches of operations, with the order's row locked
/// ([`share_writes`], [`lock_for_operation`]); elsewhere as [`next_seq`].
pub async fn next_seq_for_order(
    conn: &mut Conn,
    change_key: &str,
    work_order_id: &str,
) -> Result<i64, sqlx::Error> {
    if is_postgres(conn) && !baseline() {
        share_writes(conn).await?;
        lock_for_operation(conn, change_key, work_order_id).await?;
        return next_seq_shared(conn).await;
    }
    next_seq(conn).await
}

/// The highest sequence value a device may be given as its cursor: every change numbered at or
/// below it is committed or rolled back (see [`next_seq`]).
pub async fn current_seq(conn: &mut Conn) -> Result<i64, sqlx::Error> {
    if is_postgres(conn) && !baseline() {
        return sqlx::query_scalar("SELECT fieldbook_settled_seq()")
            .fetch_one(conn)
            .await;
    }
    sqlx::query_scalar("SELECT value FROM sync_sequence WHERE id = 1")
        .fetch_one(conn)
        .await
}

/// Whether a transaction failed only because it met another one (PostgreSQL: a deadlock, a
/// serialization failure, or a key another transaction inserted meanwhile) and may run again.
pub fn is_conflict(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(e) => matches!(
            e.code().as_deref(),
            Some("40P01") | Some("40001") | Some("23505")
        ),
        _ => false,
    }
}

/// The server's clock, as stored in `created_at`, `last_seen_at` and `received_at`.
/// Store `json` in the one row (id 1) of a settings table (`table`.`column`, with its `seq`),
/// creating the row the first time. The names are the caller's constants, never input.
pub async fn put_single_row(
    conn: &mut Conn,
    table: &'static str,
    column: &'static str,
    json: &str,
    seq: i64,
) -> Result<(), sqlx::Error> {
    let updated = sqlx::query(&format!(
        "UPDATE {table} SET {column} = $1, seq = $2 WHERE id = 1"
    ))
    .bind(json)
    .bind(seq)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        sqlx::query(&format!(
            "INSERT INTO {table} (id, {column}, seq) VALUES (1, $1, $2)"
        ))
        .bind(json)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

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
        let err = open("mysql://localhost/fieldbook").await.unwrap_err();
        assert!(matches!(err, DbError::UnsupportedUrl(_)), "{err}");
    }

    /// 0005 rebuilds `users` (SQLite): on a database holding rows at version 4, every row stays,
    /// every table that refers to users(id) still does and is still enforced, and the new role
    /// fits the CHECK.
    #[tokio::test]
    async fn rebuilding_users_keeps_every_reference() {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url(&dir.path().join("old.sqlite"));
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    Ok(())
                })
            })
            .connect(&with_create_mode(&url))
            .await
            .unwrap();
        let mut v4 = sqlx::migrate::Migrator {
            migrations: SQLITE_MIGRATIONS.migrations.clone(),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        v4.migrations = v4
            .migrations
            .iter()
            .filter(|m| m.version <= 4)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        migrate_sqlite(&pool, &v4).await.unwrap();
        for sql in [
            "INSERT INTO users (id, username, display_name, role, password_hash, disabled, \
             created_at, team) VALUES ('u1', 'engineer1', 'E', 'engineer', 'x', FALSE, 1, 't')",
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) \
             VALUES ('h', 'u1', 1, 1)",
            "INSERT INTO work_orders (id, ticket, customer, site, equipment_model, serial, \
             engine_hours, working_condition, fault_description, service_type, machine_down, \
             called_at, planned_at, assignee_id, status, seq) VALUES ('w1', 'T1', 'c', 's', 'm', \
             'n', 1, '', 'f', 'fault_repair', FALSE, '2026-01-01T00:00:00Z', \
             '2026-01-01T00:00:00Z', 'u1', 'dispatched', 1)",
            "INSERT INTO work_order_assignments (work_order_id, user_id, from_seq, to_seq) \
             VALUES ('w1', 'u1', 1, NULL)",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        let refs = |pool: Db| async move {
            let rows: Vec<(String,)> = sqlx::query_as(
                "SELECT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
                 WHERE m.type = 'table' AND f.\"table\" = 'users' ORDER BY m.name",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            rows.into_iter().map(|r| r.0).collect::<Vec<_>>()
        };
        let before = refs(pool.clone()).await;
        assert!(before.len() >= 6, "{before:?}");

        migrate_sqlite(&pool, &SQLITE_MIGRATIONS).await.unwrap();
        assert_eq!(
            refs(pool.clone()).await,
            before,
            "the same tables refer to users"
        );
        let count = |sql: &'static str| {
            let pool = pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            count("SELECT COUNT(*) FROM users WHERE team = 't'").await,
            1
        );
        assert_eq!(
            count("SELECT COUNT(*) FROM sessions").await,
            1,
            "sessions survive"
        );
        assert_eq!(count("SELECT COUNT(*) FROM work_orders").await, 1);
        assert_eq!(
            count("SELECT COUNT(*) FROM pragma_foreign_key_check").await,
            0
        );
        assert_eq!(
            count("PRAGMA foreign_keys").await,
            1,
            "the pool's connections enforce"
        );
        // Still enforced: an unknown user is refused, deleting a user cascades to sessions.
        assert!(
            sqlx::query("INSERT INTO sessions VALUES ('h2', 'nobody', 1, 1)")
                .execute(&pool)
                .await
                .is_err()
        );
        sqlx::query(
            "INSERT INTO users (id, username, display_name, role, password_hash, disabled, \
             created_at) VALUES ('u2', 'head1', 'H', 'service_supervisor', 'x', FALSE, 1)",
        )
        .execute(&pool)
        .await
        .unwrap();
        assert!(
            sqlx::query(
                "INSERT INTO users (id, username, display_name, role, password_hash, disabled, \
                 created_at) VALUES ('u3', 'x', 'X', 'boss', 'x', FALSE, 1)"
            )
            .execute(&pool)
            .await
            .is_err(),
            "the CHECK still refuses unknown roles"
        );
        sqlx::query("DELETE FROM sessions WHERE user_id = 'u1'")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO sessions VALUES ('h3', 'u2', 1, 1)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("DELETE FROM users WHERE id = 'u2'")
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(
            count("SELECT COUNT(*) FROM sessions").await,
            0,
            "ON DELETE CASCADE"
        );
        assert!(
            sqlx::query("DELETE FROM users WHERE id = 'u1'")
                .execute(&pool)
                .await
                .is_err(),
            "a user with work orders cannot go"
        );
    }

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redact("postgres://fb:secret@db:5432/fieldbook"),
            "postgres://fb:***@db:5432/fieldbook"
        );
        assert_eq!(redact("sqlite://x.sqlite"), "sqlite://x.sqlite");
    }

    #[test]
    fn sqlite_files_are_created_when_missing() {
        assert_eq!(
            with_create_mode("sqlite:///a/b.sqlite"),
            "sqlite:///a/b.sqlite?mode=rwc"
        );
        assert_eq!(with_create_mode("sqlite://a?mode=ro"), "sqlite://a?mode=ro");
    }
}
