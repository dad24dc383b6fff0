-- Scorecards at the company's size (issue 18: 2,000 field staff, a year of records; see
-- server/benches/reports.rs and the README). Portable like 0001-0011.
--
-- A scorecard reads a month's orders in a few set-based queries (work_orders::called_between):
-- 0010's work_orders (called_at) serves the whole month; one engineer's own card (the phone's
-- 我的考核) reads only their orders of the month through this one.
CREATE INDEX work_orders_by_assignee_called_at ON work_orders (assignee_id, called_at);

-- The 400 agent who took the call (username; NULL for orders imported or taken before this
-- migration): the agent's scorecard counts the orders they took (model scorecard::agent).
ALTER TABLE work_orders ADD COLUMN taken_by TEXT;
CREATE INDEX work_orders_by_taken_by ON work_orders (taken_by, called_at);
