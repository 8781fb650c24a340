-- 013: what the indicators need of a complaint (core/report.h) as columns of
-- the projection, so that a report is a pass over an index range of
-- received_at and never parses the data document: how often it was reopened
-- (再处理), escalated (升级) and supervised (督办: a breach and every further
-- supervision order), and the result of its last revisit (satisfied,
-- basically_satisfied, dissatisfied, unreachable; '' before one). Written
-- with the rest of the projection (store/complaints_write.c) from the same
-- data; filled here from the data of existing complaints.
ALTER TABLE complaints ADD COLUMN reopens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN escalations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN revisit TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN supervisions INTEGER NOT NULL DEFAULT 0;
UPDATE complaints SET
    reopens = COALESCE(json_extract(data, '$.reopens'), 0),
    escalations = COALESCE(json_extract(data, '$.escalations'), 0),
    revisit = COALESCE(json_extract(data, '$.revisit.result'), ''),
    supervisions = COALESCE(json_extract(data, '$.supervisions'), 0)
WHERE json_valid(data) AND (json_extract(data, '$.reopens') IS NOT NULL
    OR json_extract(data, '$.escalations') IS NOT NULL OR json_extract(data, '$.revisit.result') IS NOT NULL
    OR json_extract(data, '$.supervisions') IS NOT NULL);

-- A report reads only this index: the range of receipt, then every column
-- an indicator's facts (store/reports.c) and its dimensions read, so that a
-- month or a year is one pass over adjacent index pages and never a visit
-- of each complaint's row (whose data document spills onto overflow pages).
CREATE INDEX IF NOT EXISTS complaints_report ON complaints (received_at, subject_unit, category, channel, level,
    nature, kind, is_open, closed_at, overall_due, first_contact, reopens, escalations, revisit, supervisions);
