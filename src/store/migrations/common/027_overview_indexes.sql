-- 027: what the supervisor board's overview and the list across every
-- status read, as indexes, so that neither visits a complaint's row (a few
-- kilobytes with its data document) at a million complaints.
--   complaints_deadline: the list of every status nearest deadline first
--     reads its page in order and stops (the closed ones, whose stage_due
--     is the far future, come last);
--   complaints_overview: a scope's counts by status and its overdue, one
--     pass over this index (store_stats_scope);
--   complaints_arrived, complaints_closed: a scope's last 30 days, the
--     complaints received and those closed in them, each an index range
--     holding every column the day's figures and the scope read.
CREATE INDEX IF NOT EXISTS complaints_deadline ON complaints (stage_due, id);
CREATE INDEX IF NOT EXISTS complaints_overview ON complaints (status, is_open, stage_due, owner_unit, subject_unit,
    handler_unit, id);
CREATE INDEX IF NOT EXISTS complaints_arrived ON complaints (received_at, closed_at, overall_due, first_contact,
    owner_unit, subject_unit, handler_unit, id);
CREATE INDEX IF NOT EXISTS complaints_closed ON complaints (closed_at, received_at, overall_due, first_contact,
    owner_unit, subject_unit, handler_unit, id);
