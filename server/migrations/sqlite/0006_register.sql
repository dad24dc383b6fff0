-- The equipment register (设备档案), machine hour readings, and example pictures for photo slots.
--
-- Numbered 0006: the desk's lifecycle migration 0005 (desk columns, settings, the
-- service_supervisor role) is written beside it and nothing here depends on it. Portable like
-- 0001: TEXT ids, dates (YYYY-MM-DD) and device times (RFC 3339), BIGINT server times in Unix
-- milliseconds; `lower` and `trim` are in both databases (SQLite's `lower` folds ASCII only, and
-- the server makes its keys the same way: `fieldbook_model::register::serial_key`).

-- One row per machine, by serial. `serial_key` is how it is looked up (trimmed, lower case);
-- `serial` is the spelling the office typed or imported. (No CHECK that the key is lower case:
-- PostgreSQL's `lower` also folds letters beyond ASCII, which the key keeps as typed.)
CREATE TABLE machines (
    serial_key      TEXT   PRIMARY KEY,
    serial          TEXT   NOT NULL CHECK (length(serial) BETWEEN 1 AND 60),
    equipment_model TEXT   NOT NULL CHECK (length(equipment_model) BETWEEN 1 AND 60),
    customer        TEXT   NOT NULL DEFAULT '',
    delivered_on    TEXT,
    warranty_end    TEXT,
    updated_at      BIGINT NOT NULL,
    CHECK (delivered_on IS NULL OR warranty_end IS NULL OR warranty_end >= delivered_on)
);

-- Hour-meter readings. From an import: `serial_key` names the machine, no order. From an order:
-- `work_order_id`, and the machine is the order's serial when read (a "99" order's readings
-- follow the serial the desk fills in later). An order's hours at the call count as a reading
-- without a row here until its hours are corrected (CorrectHours overwrites engine_hours), when
-- the call's reading is written first ('call'), then the correction ('correction').
CREATE TABLE machine_hours (
    id            TEXT   PRIMARY KEY,
    serial_key    TEXT   NOT NULL,
    work_order_id TEXT   REFERENCES work_orders (id),
    source        TEXT   NOT NULL CHECK (source IN ('import', 'call', 'correction')),
    hours         BIGINT NOT NULL,
    at            TEXT   NOT NULL,
    received_at   BIGINT NOT NULL
);
CREATE INDEX machine_hours_by_serial ON machine_hours (serial_key);
CREATE INDEX machine_hours_by_order ON machine_hours (work_order_id);

-- A machine's service history: the orders on its serial, however it was typed.
CREATE INDEX work_orders_by_serial_key ON work_orders (lower(trim(serial)));

-- An example picture the office shows for a slot (`slot_examples.id`).
ALTER TABLE photo_slots ADD COLUMN example TEXT;

-- Example pictures: checked and cleaned like photos, stored under `ex-<id>.<jpg|png>`.
CREATE TABLE slot_examples (
    id           TEXT   PRIMARY KEY,
    stored_key   TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    sha256       TEXT   NOT NULL,
    bytes        BIGINT NOT NULL,
    width        BIGINT NOT NULL,
    height       BIGINT NOT NULL,
    uploaded_at  BIGINT NOT NULL
);
