-- Two devices, one finding (issue 15): the finding in conflict as the supervisor settled it
-- (both sides). The side set aside may have named someone the kept one does not; an incremental
-- pull finds them by the names in it and their devices drop the task. The server's only.
ALTER TABLE findings ADD COLUMN settled_json TEXT;
