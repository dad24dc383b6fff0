-- Reports and monthly scorecards (issue 18).
--
-- Part one: the role `manager` (部门经理 / 客户中心经理, reads every report, changes nothing). The
-- CHECK lists every role of `fieldbook_model::Role` (`claims` too, for issue 19: whichever of
-- 0009/0010 runs last leaves the full list). SQLite rebuilds `users` as 0005 did (foreign keys
-- are off while migrations run; the check at the end fails this migration if a reference broke).

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
    -- The team (班组) of field staff; an engineer's service station (服务站), whose head
    -- (service_supervisor) has the same team.
    team          TEXT
);
INSERT INTO users_new (id, username, display_name, role, password_hash, disabled, created_at, team)
SELECT id, username, display_name, role, password_hash, disabled, created_at, team FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_by_team ON users (team);

CREATE TEMP TABLE fk_violations (n BIGINT CHECK (n = 0));
INSERT INTO fk_violations (n) SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE fk_violations;

-- Part two, the same as PostgreSQL's 0010.
-- The scorecards are computed from what was recorded (the model's
-- `fieldbook_model::scorecard`); the only thing stored for them is the office's excuse of an
-- order from first-time fix (an objective cause the rule book allows), with its reason.

CREATE TABLE first_fix_excuses (
    work_order_id TEXT   PRIMARY KEY REFERENCES work_orders (id),
    reason        TEXT   NOT NULL,
    -- who excused it (username) and when (Unix milliseconds)
    excused_by    TEXT   NOT NULL,
    excused_at    BIGINT NOT NULL
);

-- A month's orders by their call time (UTC RFC 3339 text sorts as time), and the later visits
-- that name an earlier order (second visits for first-time fix).
CREATE INDEX work_orders_by_called_at ON work_orders (called_at);
CREATE INDEX work_orders_by_repeat_of ON work_orders (repeat_of);
