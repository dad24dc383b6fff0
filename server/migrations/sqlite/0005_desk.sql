-- The desk (issue 14). SQLite part one: the station head's role.
--
-- SQLite cannot change a CHECK constraint in place, so `users` is rebuilt the way SQLite's
-- documentation gives (https://www.sqlite.org/lang_altertable.html#otheralter): create the new
-- table, copy, drop the old, rename, recreate its indexes, check the foreign keys.
--
-- Foreign keys must be OFF while `users` is dropped, or the drop deletes every session (ON DELETE
-- CASCADE) and fails on the work orders that name their assignee. PRAGMA foreign_keys cannot
-- change inside a transaction and sqlx 0.8.6 runs every SQLite migration in one (it ignores
-- `-- no-transaction` for SQLite), so `db::open` runs the migrations on a connection whose
-- foreign keys are OFF; the check at the end fails this migration, and rolls it all back, if any
-- row's reference no longer holds.

CREATE TABLE users_new (
    id            TEXT    PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL
                  CHECK (role IN ('engineer', 'cleaner', 'supervisor', 'dispatcher',
                                  'service_supervisor')),
    -- argon2 PHC string
    password_hash TEXT    NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT  NOT NULL,
    -- The team (班组) of field staff; an engineer's service station (服务站), whose head
    -- (service_supervisor) has the same team.
    team          TEXT
);
INSERT INTO users_new (id, username, display_name, role, password_hash, disabled, created_at, team)
SELECT id, username, display_name, role, password_hash, disabled, created_at, team FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_by_team ON users (team);

-- Every reference to users(id) must still hold: a violation makes this insert fail its CHECK.
CREATE TEMP TABLE fk_violations (n BIGINT CHECK (n = 0));
INSERT INTO fk_violations (n) SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE fk_violations;

-- Part two, the same as PostgreSQL's 0005: the work orders' desk fields, held decisions, settings.

-- Who is dispatched with the main engineer ([{username, name}]), the station (the assignee's
-- team: its head sees the order), the earlier order on the same machine within 30 days.
ALTER TABLE work_orders ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE work_orders ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE work_orders ADD COLUMN companions_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE work_orders ADD COLUMN station TEXT;
ALTER TABLE work_orders ADD COLUMN repeat_of TEXT;
-- FirstResponseRecord, Departure, [ReviewRound] (every round, oldest first), Closure, Stamped.
ALTER TABLE work_orders ADD COLUMN first_response_json TEXT;
ALTER TABLE work_orders ADD COLUMN departure_json TEXT;
ALTER TABLE work_orders ADD COLUMN reviews_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE work_orders ADD COLUMN closure_json TEXT;
-- The server's clock when it was closed (Unix ms); NULL while open.
ALTER TABLE work_orders ADD COLUMN closed_at BIGINT;
-- How its photos are named ('standard', 'with_service_content'): the setting when it was made.
ALTER TABLE work_orders ADD COLUMN naming TEXT NOT NULL DEFAULT 'standard';
ALTER TABLE work_orders ADD COLUMN unrepaired_reason_json TEXT;
CREATE INDEX work_orders_by_station ON work_orders (station, seq);
CREATE INDEX work_orders_by_serial ON work_orders (serial);
CREATE INDEX work_orders_by_seq ON work_orders (seq);

-- What the office decided about an operation held after a reassignment (HeldSettlement JSON):
-- applied to the order, or dismissed with a reason. NULL while undecided.
ALTER TABLE held_ops ADD COLUMN settled_json TEXT;

-- The desk's settings: one row.
CREATE TABLE desk_settings (
    id           BIGINT PRIMARY KEY CHECK (id = 1),
    -- TicketRule pattern, e.g. BX-{yyyymmdd}-{n:3}
    ticket_rule  TEXT   NOT NULL,
    -- PhotoNaming: 'standard' or 'with_service_content'
    photo_naming TEXT   NOT NULL,
    -- the sequence value of the last change
    seq          BIGINT NOT NULL DEFAULT 0
);
INSERT INTO desk_settings (id, ticket_rule, photo_naming, seq)
VALUES (1, 'BX-{yyyymmdd}-{n:3}', 'standard', 0);
