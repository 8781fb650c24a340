-- 029: closings without the customer's agreement as a fact of the
-- projection: see the SQLite migration of the same number.
ALTER TABLE complaints ADD COLUMN IF NOT EXISTS unaccepted INTEGER NOT NULL DEFAULT 0;
UPDATE complaints SET unaccepted = 1 WHERE data::jsonb #>> '{closing,unaccepted}' = 'true';

-- The reports' covering index (013, 019) with the column the new count reads.
DROP INDEX IF EXISTS complaints_report;
CREATE INDEX complaints_report ON complaints (received_at, subject_unit, category, channel, level,
    nature, kind, is_open, closed_at, overall_due, first_contact, reopens, escalations, revisit, supervisions,
    announcement, unaccepted);
