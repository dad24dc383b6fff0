-- Reports and monthly scorecards (issue 18).
--
-- Part one: the role `manager` (部门经理 / 客户中心经理, reads every report, changes nothing). The
-- CHECK lists every role of `fieldbook_model::Role` (`claims` too, for issue 19: whichever of
-- 0009/0010 runs last leaves the full list).

ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('engineer', 'cleaner', 'supervisor', 'dispatcher', 'service_supervisor',
                    'manager', 'claims'));

-- Part two.
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
