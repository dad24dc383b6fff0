-- Reports and monthly scorecards (issue 18). Portable like 0001-0009 (0009 gave the role
-- `manager`, who reads them).
--
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
