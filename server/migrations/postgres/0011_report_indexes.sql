-- Reports (issue 18): the orders a period's events can come from are those called before its
-- end and not closed before its start; the cleaning reports read a team's days and rounds by
-- date.
CREATE INDEX work_orders_by_closed_at ON work_orders (closed_at);
CREATE INDEX area_days_by_team_day ON area_days (team, day);
CREATE INDEX patrol_rounds_by_team_day ON patrol_rounds (team, day);
