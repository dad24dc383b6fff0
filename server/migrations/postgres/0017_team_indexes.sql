-- The cleaning and supervisors' cards and trends (issue 18) read a team's findings and
-- vacant-unit records by team; without these every team's card read every team's rows.
CREATE INDEX findings_by_team ON findings (team);
CREATE INDEX vacant_records_by_team ON vacant_records (team);
