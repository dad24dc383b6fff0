-- A photo withdrawn by its engineer after it was sent (issue 16: a wrong picture). The row and
-- its bytes stay for the record; the slot counts as empty again, ZIPs and claims leave it out,
-- and the office's order page shows it crossed out. Portable like 0001-0012: the username, and
-- the best time known for the tap as RFC 3339 text (like `taken_at`). Both NULL while it stands.
ALTER TABLE photos ADD COLUMN withdrawn_by TEXT;
ALTER TABLE photos ADD COLUMN withdrawn_at TEXT;
