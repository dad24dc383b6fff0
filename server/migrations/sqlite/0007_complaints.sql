-- Complaints and call-backs (issue 17).
--
-- Portable like 0001-0006: TEXT ids and device/person times (RFC 3339), BIGINT server times in
-- Unix milliseconds and sequence values, no backend-only functions. A complaint's rules live in
-- the model (`fieldbook_model::complaints`): it is stored whole as the model's JSON beside the
-- columns that authorisation, sync and the ledger filter on. Its fix task is a row of `findings`.

CREATE TABLE complaints (
    id             TEXT   PRIMARY KEY,
    -- the cleaning team or service station that fixes it
    team           TEXT   NOT NULL,
    -- ComplaintState: 'fixing', 'call_back_due', 'closed'
    state          TEXT   NOT NULL CHECK (state IN ('fixing', 'call_back_due', 'closed')),
    -- 首问负责人 (username)
    taken_by       TEXT   NOT NULL,
    -- when it was taken (Unix ms): the ledger's month
    taken_at       BIGINT NOT NULL,
    -- its fix task (findings.id)
    finding_id     TEXT   NOT NULL UNIQUE,
    -- the NewComplaint as first received (the model's JSON): a retry of the same id with the
    -- same body is answered the same, another body is refused
    payload        TEXT   NOT NULL,
    complaint_json TEXT   NOT NULL,
    seq            BIGINT NOT NULL
);
CREATE INDEX complaints_by_seq ON complaints (seq);
CREATE INDEX complaints_by_team ON complaints (team, seq);
CREATE INDEX complaints_by_taken_at ON complaints (taken_at);

-- The office's working-day calendar (WorkCalendar JSON, sorted): one row. `seq` is the sequence
-- value of its last change, so the phones pull it again.
CREATE TABLE work_calendar (
    id            BIGINT PRIMARY KEY CHECK (id = 1),
    calendar_json TEXT   NOT NULL,
    seq           BIGINT NOT NULL DEFAULT 0
);
INSERT INTO work_calendar (id, calendar_json, seq)
VALUES (1, '{"holidays":[],"make_up_days":[]}', 0);

-- Calendar days after a work order is closed by which the desk calls the customer back.
ALTER TABLE desk_settings ADD COLUMN call_back_days BIGINT NOT NULL DEFAULT 3
    CHECK (call_back_days BETWEEN 1 AND 60);

-- The desk's call-backs after a closed work order ([CallBack], oldest first).
ALTER TABLE work_orders ADD COLUMN call_backs_json TEXT NOT NULL DEFAULT '[]';

-- Who uploads a field photo filed by an office page rather than by an operation (a complaint
-- taken at the desk, a call-back recorded there): NULL means the sender of `op_id`.
ALTER TABLE field_photos ADD COLUMN uploader_id TEXT;
