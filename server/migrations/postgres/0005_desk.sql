-- PostgreSQL twin of migrations/sqlite/0005_desk.sql: same tables, same meaning, same numbers.
-- The desk (issue 14). The station head's role: PostgreSQL changes the CHECK in place.

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('engineer', 'cleaner', 'supervisor', 'dispatcher', 'service_supervisor'));
CREATE INDEX users_by_team ON users (team);

-- The desk's work-order lifecycle: a call taken with its contact, dispatched with companions to a
-- station, the head's first response, the engineer's departure, review rounds and closure (关单),
-- the afternoon's unrepaired reasons, and the desk's settings.
--
-- Portable like 0001-0004: TEXT ids and device/person times (RFC 3339), BIGINT server times and
-- sequence values, no backend-only functions. Records whose rules live in the model are stored
-- whole as the model's JSON (`*_json`); the columns beside them are what queries filter on.

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
