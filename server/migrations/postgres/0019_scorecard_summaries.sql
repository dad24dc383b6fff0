-- Scorecards at the company's size (issue 18, "Fast at the company's size"). Portable like
-- 0001-0017.
--
-- A person's card for a period that is over (a month, or a week of the weekly trends), kept
-- once computed so that the department's trends and every engineer's or agent's card read
-- one row per person and period instead of a year of orders
-- (server/src/scorecard_summaries.rs). Nothing here is a record: a row is a copy of what
-- the model computes, and is used only while `source` still equals what the card was
-- computed from (the count and highest seq of the person's orders of the period, and a
-- digest of the excuses, complaints, second visits and rules that bear on them); any change
-- to one of those makes the next reader compute the card again and write it over. Only a
-- card that time alone can no longer change is kept (none of its deadlines still open).
CREATE TABLE scorecard_summaries (
    -- 'engineer' or 'agent'
    card        TEXT   NOT NULL,
    -- 'month' or 'week', and the period's first China day (YYYY-MM-DD)
    period_kind TEXT   NOT NULL,
    first_day   TEXT   NOT NULL,
    -- the engineer's or agent's username
    person      TEXT   NOT NULL,
    source      TEXT   NOT NULL,
    -- the model's card (EngineerScorecard or AgentScorecard) as JSON
    card_json   TEXT   NOT NULL,
    PRIMARY KEY (card, period_kind, first_day, person)
);
