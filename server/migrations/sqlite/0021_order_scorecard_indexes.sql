-- The scorecards' sources (issue 18, `scorecard_summaries`): each trend reads the span's orders
-- lean (id, ticket, engineer, call time, seq) and the later visits (repeat_of). Both were read
-- from the table's rows: on SQLite a row's repeat_of lies after its report and call-back JSON
-- (columns added later), so reading it walked every order's overflow pages. Indexes that hold what
-- those reads need: the lean read is answered from the first, the visits from the second (only the
-- orders that are a later visit).
CREATE INDEX work_orders_lean ON work_orders (called_at, assignee_id, seq, id, ticket);
CREATE INDEX work_orders_repeats ON work_orders (called_at, repeat_of, ticket) WHERE repeat_of IS NOT NULL;
