-- SQLite twin of migrations/postgres/0008_throughput.sql. SQLite keeps its one counter row for
-- the order of changes (one writer at a time: nothing to gain); the failed sign-in limit is kept
-- in the database, as on PostgreSQL, so that processes on one file share it.
CREATE TABLE sign_in_failures (
    username   TEXT   PRIMARY KEY,
    -- failures left before the account must wait: a token bucket that refills one failure per
    -- `sign_in_failure_forgotten_after` (rate_limit.rs), as of updated_at (Unix milliseconds)
    tokens     REAL NOT NULL,
    updated_at BIGINT NOT NULL
);
