-- 029: the closings without the customer's agreement (不认可结案, action
-- close_unaccepted: the customer still rejects the result and the company's
-- position was explained) as a fact of the projection, so that the report
-- counts them (indicator closed_unaccepted, core/report.h) in its pass over
-- the covering index. 1 while the complaint's closing is marked unaccepted;
-- written with the rest of the projection (store/complaints_write.c) from
-- the same data, filled here from the data of existing complaints.
ALTER TABLE complaints ADD COLUMN unaccepted INTEGER NOT NULL DEFAULT 0;
UPDATE complaints SET unaccepted = 1
WHERE json_valid(data) AND json_extract(data, '$.closing.unaccepted') = 1;

-- The reports' covering index (013, 019) with the column the new count reads.
DROP INDEX IF EXISTS complaints_report;
CREATE INDEX complaints_report ON complaints (received_at, subject_unit, category, channel, level,
    nature, kind, is_open, closed_at, overall_due, first_contact, reopens, escalations, revisit, supervisions,
    announcement, unaccepted);
