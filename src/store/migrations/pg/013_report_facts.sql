-- 013: what the indicators need of a complaint (core/report.h) as columns of
-- the projection, so that a report is a pass over an index range of
-- received_at and never parses the data document: how often it was reopened
-- (再处理), escalated (升级) and supervised (督办: a breach and every further
-- supervision order), and the result of its last revisit (satisfied,
-- basically_satisfied, dissatisfied, unreachable; '' before one). Written
-- with the rest of the projection (store/complaints_write.c) from the same
-- data; filled here from the data of existing complaints.
ALTER TABLE complaints ADD COLUMN IF NOT EXISTS reopens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN IF NOT EXISTS escalations BIGINT NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN IF NOT EXISTS revisit TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN IF NOT EXISTS supervisions BIGINT NOT NULL DEFAULT 0;
UPDATE complaints SET
    reopens = COALESCE((data::jsonb ->> 'reopens')::bigint, 0),
    escalations = COALESCE((data::jsonb ->> 'escalations')::bigint, 0),
    revisit = COALESCE(data::jsonb -> 'revisit' ->> 'result', ''),
    supervisions = COALESCE((data::jsonb ->> 'supervisions')::bigint, 0)
WHERE data::jsonb ? 'reopens' OR data::jsonb ? 'escalations' OR data::jsonb ? 'revisit' OR data::jsonb ? 'supervisions';

-- A report reads only this index: the range of receipt, then every column
-- an indicator's facts (store/reports.c) and its dimensions read, so that a
-- month or a year is one pass over adjacent index pages and never a visit
-- of each complaint's row (whose data document spills onto overflow pages).
CREATE INDEX IF NOT EXISTS complaints_report ON complaints (received_at, subject_unit, category, channel, level,
    nature, kind, is_open, closed_at, overall_due, first_contact, reopens, escalations, revisit, supervisions);
