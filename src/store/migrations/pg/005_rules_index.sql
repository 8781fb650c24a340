-- The window counts of the pack's grading and cluster rules ("complaints
-- about the same subject unit in a category subtree within N hours") read
-- complaints by subject unit and time of receipt.
CREATE INDEX IF NOT EXISTS complaints_subject_received ON complaints (subject_unit, received_at, id);
