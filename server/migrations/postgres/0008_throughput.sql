-- PostgreSQL: the order of changes without one row locked for a whole transaction, and the
-- failed sign-in limit kept where every process sees it (issue 20). The SQLite twin holds the
-- same table; SQLite keeps its one counter row (it has one writer at a time anyway).
--
-- Numbered 0008 so that a 0007 written beside it (new operation kinds) merges without a clash;
-- nothing here depends on 0007.
--
-- Why this keeps every sync cursor safe is written in server/src/db.rs (`next_seq`,
-- `settled_seq`). In short: a writer takes its number from `sync_seq` and, in the same
-- plpgsql call, holds an advisory lock keyed by that number until its transaction ends; a
-- reader's cursor is the highest number below every number still locked.

CREATE SEQUENCE sync_seq MINVALUE 0 START 1;
SELECT setval('sync_seq', (SELECT value FROM sync_sequence WHERE id = 1), true);

-- The next sequence value for the calling transaction. `shared_writes`: the caller is a batch of
-- operations on work orders, which may run beside other such batches (each locks its orders'
-- rows); every other writer (the office's changes, imports, field operations) excludes all
-- writers, as the one counter row did before.
CREATE FUNCTION fieldbook_next_seq(shared_writes BOOLEAN) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    s BIGINT;
BEGIN
    IF shared_writes THEN
        PERFORM pg_advisory_xact_lock_shared(20, 1);
    ELSE
        PERFORM pg_advisory_xact_lock(20, 1);
    END IF;
    -- The numbering gate: a reader that holds it exclusively sees every number taken so far
    -- already locked. Held for two statements; released on every path.
    PERFORM pg_advisory_lock_shared(20, 2);
    BEGIN
        s := nextval('sync_seq');
        PERFORM pg_advisory_xact_lock(s);
    EXCEPTION WHEN OTHERS THEN
        PERFORM pg_advisory_unlock_shared(20, 2);
        RAISE;
    END;
    PERFORM pg_advisory_unlock_shared(20, 2);
    RETURN s;
END
$$;

-- The highest sequence value below which every change is committed or rolled back: a cursor a
-- device may be given.
CREATE FUNCTION fieldbook_settled_seq() RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    taken BIGINT;
    busy BIGINT;
BEGIN
    PERFORM pg_advisory_lock(20, 2);
    SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO taken FROM sync_seq;
    PERFORM pg_advisory_unlock(20, 2);
    SELECT min((l.classid::BIGINT << 32) | l.objid::BIGINT) INTO busy
      FROM pg_locks l
     WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND ((l.classid::BIGINT << 32) | l.objid::BIGINT) <= taken;
    RETURN CASE WHEN busy IS NULL THEN taken ELSE busy - 1 END;
END
$$;

-- Failed sign-ins per account, shared by every process (rate_limit.rs).
CREATE TABLE sign_in_failures (
    username   TEXT   PRIMARY KEY,
    -- failures left before the account must wait: a token bucket that refills one failure per
    -- `sign_in_failure_forgotten_after` (rate_limit.rs), as of updated_at (Unix milliseconds)
    tokens     DOUBLE PRECISION NOT NULL,
    updated_at BIGINT NOT NULL
);
