-- PostgreSQL twin of migrations/sqlite/0009_claims.sql: same tables, same meaning, same numbers.
-- Warranty claims and old parts (issue 19).
--
-- Part one: the roles `manager` and `claims` (PostgreSQL changes the CHECK in place), and the
-- people's grade (Grade: 'Trainee', 'TCL1', 'TCL2', 'TCL3') and sign-off title.

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('engineer', 'cleaner', 'supervisor', 'dispatcher', 'service_supervisor',
                    'manager', 'claims'));
ALTER TABLE users ADD COLUMN grade TEXT CHECK (grade IN ('Trainee', 'TCL1', 'TCL2', 'TCL3'));
ALTER TABLE users ADD COLUMN title TEXT;

-- Part two, the same as SQLite's 0009.

-- Whether the desk expects a warranty claim for the order (NewWorkOrder.claim_expected).
ALTER TABLE work_orders ADD COLUMN claim_expected BOOLEAN NOT NULL DEFAULT FALSE;

-- Standard claims to the manufacturer (索赔): one per work order at most.
CREATE TABLE claims (
    id            TEXT   PRIMARY KEY,
    work_order_id TEXT   NOT NULL UNIQUE REFERENCES work_orders (id),
    -- ClaimState: 'draft', 'submitted', 'accepted', 'refused', 'resubmitted', 'paid'
    state         TEXT   NOT NULL CHECK (state IN ('draft', 'submitted', 'accepted', 'refused',
                                                   'resubmitted', 'paid')),
    claim_number  TEXT   NOT NULL DEFAULT '',
    -- the 14-day filing deadline (Unix ms)
    due           BIGINT NOT NULL,
    -- who drafted it, and the body it was drafted with ({work_order_id, kind} as JSON): a retry
    -- of the same id with the same body is answered the same, another body is refused
    created_by    TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    payload       TEXT   NOT NULL,
    claim_json    TEXT   NOT NULL,
    seq           BIGINT NOT NULL
);
CREATE INDEX claims_by_seq ON claims (seq);

-- Commercial claims (outside the warranty), signed off along the chain in force when requested.
CREATE TABLE commercial_claims (
    id            TEXT   PRIMARY KEY,
    work_order_id TEXT   REFERENCES work_orders (id),
    station       TEXT   NOT NULL,
    requested_by  TEXT   NOT NULL,
    -- CommercialState: 'signing', 'approved', 'refused'
    state         TEXT   NOT NULL CHECK (state IN ('signing', 'approved', 'refused')),
    payload       TEXT   NOT NULL,
    claim_json    TEXT   NOT NULL,
    seq           BIGINT NOT NULL
);
CREATE INDEX commercial_claims_by_station ON commercial_claims (station);

-- Old parts (旧件), one per return tag of a submitted report.
CREATE TABLE old_parts (
    tag           TEXT   PRIMARY KEY,
    work_order_id TEXT   NOT NULL REFERENCES work_orders (id),
    station       TEXT   NOT NULL,
    -- PartState: 'with_engineer', 'with_station_head', 'in_store', 'destroyed',
    -- 'shipped_to_manufacturer'
    state         TEXT   NOT NULL CHECK (state IN ('with_engineer', 'with_station_head',
                                                   'in_store', 'destroyed',
                                                   'shipped_to_manufacturer')),
    -- when it came off (Unix ms): its month
    removed_at    BIGINT NOT NULL,
    part_json     TEXT   NOT NULL,
    seq           BIGINT NOT NULL
);
CREATE INDEX old_parts_by_order ON old_parts (work_order_id);
CREATE INDEX old_parts_by_removed_at ON old_parts (removed_at);

-- The commercial claims' sign-off chain (SignOffChain JSON): one row.
CREATE TABLE claim_settings (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    chain_json TEXT   NOT NULL,
    seq        BIGINT NOT NULL DEFAULT 0
);
INSERT INTO claim_settings (id, chain_json, seq) VALUES (1, '[]', 0);
