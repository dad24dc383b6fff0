-- Warranty claims and old parts (issue 19). SQLite twin of migrations/postgres/0009_claims.sql.
--
-- Portable like 0001-0008: TEXT ids, BIGINT server times in Unix milliseconds and sequence
-- values. A claim's, a commercial claim's and an old part's rules live in the model
-- (`fieldbook_model::claims`): each is stored whole as the model's JSON beside the columns that
-- authorisation, the queue and the ledger filter on.
--
-- Part one: the roles `manager` and `claims`, and the people's grade (Grade: 'Trainee', 'TCL1',
-- 'TCL2', 'TCL3') and sign-off title. SQLite cannot change a CHECK in place: `users` is rebuilt
-- as 0005 did (read its comment: `db::open` runs migrations with foreign keys OFF, and the check
-- at the end rolls this migration back if any reference no longer holds).

CREATE TABLE users_new (
    id            TEXT    PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL
                  CHECK (role IN ('engineer', 'cleaner', 'supervisor', 'dispatcher',
                                  'service_supervisor', 'manager', 'claims')),
    -- argon2 PHC string
    password_hash TEXT    NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT  NOT NULL,
    team          TEXT,
    grade         TEXT    CHECK (grade IN ('Trainee', 'TCL1', 'TCL2', 'TCL3')),
    title         TEXT
);
INSERT INTO users_new (id, username, display_name, role, password_hash, disabled, created_at, team)
SELECT id, username, display_name, role, password_hash, disabled, created_at, team FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_by_team ON users (team);

CREATE TEMP TABLE fk_violations (n BIGINT CHECK (n = 0));
INSERT INTO fk_violations (n) SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE fk_violations;

-- Part two, the same as PostgreSQL's 0009.

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
