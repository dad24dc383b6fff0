-- Two records of one unit and day made apart are in conflict (issue 15): a new record reads its
-- unit's others.
CREATE INDEX vacant_records_by_unit ON vacant_records (unit_id);
