-- PostgreSQL twin of migrations/sqlite/0002_assignments.sql: same tables, same meaning, same numbers.
-- Reassignment without losing work: who was assigned each order and when, and the operations
-- that arrived from someone the order was taken from.
--
-- Same portability rules as 0001: TEXT ids, BIGINT sequence values and server milliseconds.

-- Every assignment of a work order, in the server's sequence: from_seq is the value the
-- assignment took, to_seq the value of the reassignment that ended it (NULL while current).
CREATE TABLE work_order_assignments (
    work_order_id TEXT   NOT NULL REFERENCES work_orders (id),
    user_id       TEXT   NOT NULL REFERENCES users (id),
    from_seq      BIGINT NOT NULL,
    to_seq        BIGINT,
    PRIMARY KEY (work_order_id, from_seq)
);
CREATE INDEX work_order_assignments_by_user ON work_order_assignments (user_id, to_seq);

-- Orders made before this table existed: their assignee has held them from the start.
INSERT INTO work_order_assignments (work_order_id, user_id, from_seq, to_seq)
    SELECT id, assignee_id, 0, NULL FROM work_orders;

-- Operations from a person the work order was reassigned away from: not applied (the order is
-- someone else's now), never lost. The office sees them with the order; a resend is answered
-- from here (same result, held once).
CREATE TABLE held_ops (
    -- The order operations were held in (a batch shares a millisecond). SQLite has this
    -- implicitly; here it is an identity column under the same name, so one query serves both.
    rowid           BIGINT GENERATED ALWAYS AS IDENTITY,
    op_id           TEXT   PRIMARY KEY,
    work_order_id   TEXT   NOT NULL REFERENCES work_orders (id),
    username        TEXT   NOT NULL,
    device_id       TEXT   NOT NULL,
    device_time     TEXT   NOT NULL,
    received_at     BIGINT NOT NULL,
    clock_offset_ms BIGINT,
    -- the RejectCode that held it ('reassigned')
    reason          TEXT   NOT NULL,
    -- the operation re-serialised by the server, as in applied_ops
    payload         TEXT   NOT NULL,
    -- the OpResult answered the first time
    result          TEXT   NOT NULL
);
CREATE INDEX held_ops_by_order ON held_ops (work_order_id, received_at);

-- Operations refused because of the order's state at the time they arrived. The verdict is
-- final: a resend (after a lost answer) must get the same answer, not be applied later, out of
-- the order the person acted in, once other operations moved the status on.
CREATE TABLE refused_ops (
    op_id       TEXT   PRIMARY KEY,
    username    TEXT   NOT NULL,
    received_at BIGINT NOT NULL,
    payload     TEXT   NOT NULL,
    result      TEXT   NOT NULL
);
