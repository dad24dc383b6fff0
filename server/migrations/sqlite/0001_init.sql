-- Fieldbook's first schema.
--
-- Kept portable between SQLite and PostgreSQL: ids are UUIDs as TEXT, booleans as BOOLEAN,
-- integers as BIGINT, no AUTOINCREMENT, no SQLite-only functions.
--
-- Times the server took from its own clock (created_at, last_seen_at, received_at) are BIGINT
-- Unix milliseconds, so expiry is a plain comparison. Times that came from people and devices
-- (device_time, called_at, planned_at) are TEXT in RFC 3339, kept exactly as they were given.

CREATE TABLE users (
    id            TEXT    PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL
                  CHECK (role IN ('engineer', 'cleaner', 'supervisor', 'dispatcher')),
    -- argon2 PHC string
    password_hash TEXT    NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT  NOT NULL
);

-- Only the SHA-256 of the token is stored: a copy of the database does not sign anyone in.
CREATE TABLE sessions (
    token_hash   TEXT   PRIMARY KEY,
    user_id      TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- The server's one sequence: every change takes the next value in the same transaction.
-- Devices pull "what changed since N" with it, so it only ever grows.
CREATE TABLE sync_sequence (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO sync_sequence (id, value) VALUES (1, 0);

CREATE TABLE work_orders (
    id                TEXT    PRIMARY KEY,
    ticket            TEXT    NOT NULL UNIQUE,
    customer          TEXT    NOT NULL,
    site              TEXT    NOT NULL,
    equipment_model   TEXT    NOT NULL,
    serial            TEXT    NOT NULL,
    engine_hours      BIGINT  NOT NULL,
    working_condition TEXT    NOT NULL,
    fault_description TEXT    NOT NULL,
    service_type      TEXT    NOT NULL,
    machine_down      BOOLEAN NOT NULL,
    called_at         TEXT    NOT NULL,
    planned_at        TEXT    NOT NULL,
    assignee_id       TEXT    NOT NULL REFERENCES users (id),
    status            TEXT    NOT NULL,
    -- the sequence value of this order's last change
    seq               BIGINT  NOT NULL
);
CREATE INDEX work_orders_by_assignee ON work_orders (assignee_id, seq);

-- The history of status nodes, in the server's order (seq), never the devices' clocks.
CREATE TABLE status_events (
    seq           BIGINT PRIMARY KEY,
    work_order_id TEXT   NOT NULL REFERENCES work_orders (id),
    node          TEXT   NOT NULL,
    device_time   TEXT   NOT NULL,
    username      TEXT   NOT NULL,
    op_id         TEXT   NOT NULL UNIQUE,
    received_at   BIGINT NOT NULL
);
CREATE INDEX status_events_by_order ON status_events (work_order_id, seq);

-- Every applied operation, written in the same transaction as its effect: the key of
-- exactly-once. A resent operation is answered from here.
CREATE TABLE applied_ops (
    op_id           TEXT   PRIMARY KEY,
    username        TEXT   NOT NULL,
    device_id       TEXT   NOT NULL,
    device_time     TEXT   NOT NULL,
    received_at     BIGINT NOT NULL,
    -- the batch's sent_at minus received_at: positive when the device's clock is ahead
    clock_offset_ms BIGINT,
    -- the operation re-serialised by the server, to tell a resend from a reused id
    payload         TEXT   NOT NULL,
    -- the OpResult answered the first time
    result          TEXT   NOT NULL,
    seq             BIGINT NOT NULL
);
