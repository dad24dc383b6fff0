-- Two devices, one finding (issue 15): the finding as it was before the step it shows, for a
-- step another device made without that one (`Finding::change`). The server's only: phones are
-- not sent it.
ALTER TABLE findings ADD COLUMN before_json TEXT;
