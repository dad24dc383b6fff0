-- PostgreSQL twin of migrations/sqlite/0004_field.sql: same tables, same meaning, same numbers.
-- Cleaning checklists, vacant units, findings and their tasks, patrol rounds.
--
-- Portable like 0001-0003: TEXT ids, dates and device times, BIGINT server times and sequence
-- values, no SQLite-only functions. The rules live in the model: a record the rules change is
-- stored whole as the model's JSON (`*_json`) beside the columns authorisation and sync filter on.

-- The team (班组) a person works in; a supervisor leads the people of their team.
ALTER TABLE users ADD COLUMN team TEXT;

-- The office's data: areas, their items and schedules, vacant units. `seq` is the sequence value
-- of the last change, so devices pull a changed set again; `retired` hides a row without
-- breaking what refers to it.
CREATE TABLE areas (
    id          TEXT    PRIMARY KEY,
    team        TEXT    NOT NULL,
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    kind        TEXT    NOT NULL,
    cleaner_id  TEXT    REFERENCES users (id),
    patrol      BOOLEAN NOT NULL DEFAULT FALSE,
    position    BIGINT  NOT NULL DEFAULT 0,
    retired     BOOLEAN NOT NULL DEFAULT FALSE,
    seq         BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX areas_by_team ON areas (team);
CREATE INDEX areas_by_cleaner ON areas (cleaner_id);

CREATE TABLE checklist_items (
    id            TEXT    PRIMARY KEY,
    area_id       TEXT    NOT NULL REFERENCES areas (id),
    label         TEXT    NOT NULL CHECK (length(label) BETWEEN 1 AND 120),
    -- the model's Schedule as JSON, e.g. "daily" or {"monthly":{"day":31}}
    schedule_json TEXT    NOT NULL,
    position      BIGINT  NOT NULL DEFAULT 0,
    retired       BOOLEAN NOT NULL DEFAULT FALSE,
    seq           BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX checklist_items_by_area ON checklist_items (area_id);

CREATE TABLE vacant_units (
    id              TEXT   PRIMARY KEY,
    team            TEXT   NOT NULL,
    name            TEXT   NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    responsible_id  TEXT   NOT NULL REFERENCES users (id),
    vacant_since    TEXT   NOT NULL,
    -- set when the unit is let: it leaves the lists
    let_on          TEXT,
    -- the local date of the latest cleaning record
    last_cleaned    TEXT,
    seq             BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX vacant_units_by_team ON vacant_units (team);

-- An area's checklist on one local date (AreaDay as JSON).
CREATE TABLE area_days (
    area_id   TEXT   NOT NULL REFERENCES areas (id),
    day       TEXT   NOT NULL,
    team      TEXT   NOT NULL,
    day_json  TEXT   NOT NULL,
    seq       BIGINT NOT NULL,
    PRIMARY KEY (area_id, day)
);
CREATE INDEX area_days_by_seq ON area_days (seq);

CREATE TABLE vacant_records (
    id           TEXT   PRIMARY KEY,
    unit_id      TEXT   NOT NULL REFERENCES vacant_units (id),
    cleaner_id   TEXT   NOT NULL REFERENCES users (id),
    team         TEXT   NOT NULL,
    record_json  TEXT   NOT NULL,
    seq          BIGINT NOT NULL
);
CREATE INDEX vacant_records_by_seq ON vacant_records (seq);

-- A finding and the task it became (Finding as JSON). The columns are what visibility needs.
CREATE TABLE findings (
    id             TEXT   PRIMARY KEY,
    team           TEXT   NOT NULL,
    reported_by    TEXT   NOT NULL,
    -- 'person' (assignee = username) or 'department' (assignee = engineering | cleaning)
    assignee_kind  TEXT,
    assignee       TEXT,
    state          TEXT   NOT NULL,
    finding_json   TEXT   NOT NULL,
    seq            BIGINT NOT NULL
);
CREATE INDEX findings_by_seq ON findings (seq);

CREATE TABLE patrol_rounds (
    id             TEXT   PRIMARY KEY,
    team           TEXT   NOT NULL,
    supervisor_id  TEXT   NOT NULL REFERENCES users (id),
    kind           TEXT   NOT NULL,
    day            TEXT   NOT NULL,
    round_json     TEXT   NOT NULL,
    seq            BIGINT NOT NULL
);
CREATE INDEX patrol_rounds_by_seq ON patrol_rounds (seq);

-- Photos of findings, closings and vacant-unit records: like `photos`, but owned by a field
-- record. `name` is made on the server from server-side ids; `stored_key` too.
CREATE TABLE field_photos (
    photo_id      TEXT   PRIMARY KEY,
    -- 'finding', 'finding_after' or 'vacant_record'
    owner_kind    TEXT   NOT NULL,
    owner_id      TEXT   NOT NULL,
    team          TEXT   NOT NULL,
    slot          TEXT   NOT NULL,
    name          TEXT   NOT NULL,
    sha256        TEXT   NOT NULL,
    bytes         BIGINT NOT NULL,
    width         BIGINT NOT NULL,
    height        BIGINT NOT NULL,
    content_type  TEXT   NOT NULL,
    taken_at      TEXT   NOT NULL,
    op_id         TEXT   NOT NULL,
    seq           BIGINT NOT NULL,
    stored_key    TEXT   UNIQUE,
    uploaded_at   BIGINT
);
CREATE INDEX field_photos_by_owner ON field_photos (owner_id);
