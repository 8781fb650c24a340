-- 019: announcements of known faults (系统公告, docs/api.md "Announcements").
-- A department publishes what a fault is, where it is felt (scope: a JSON
-- object of units, categories and channels; an empty list matches every
-- one) and when (starts_at, ends_at; 0 = until resolved), with the script
-- (统一解释口径) agents answer with. confirmed_at is when the fault was
-- confirmed; the notice is owed within an hour of it, and late says it was
-- published after that (kept so that a report counts it without arithmetic).
-- status: active, resolved. A complaint about the fault carries the
-- announcement's id in its projection (complaints.announcement), so the
-- reports count it apart and resolving the announcement finds its complaints
-- through the partial index.
CREATE TABLE announcements (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    script       TEXT NOT NULL,
    scope        TEXT NOT NULL,
    unit         INTEGER NOT NULL REFERENCES units (id),
    starts_at    INTEGER NOT NULL,
    ends_at      INTEGER NOT NULL DEFAULT 0,
    confirmed_at INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    late         INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'active',
    created_by   INTEGER NOT NULL,
    resolved_at  INTEGER NOT NULL DEFAULT 0,
    resolved_by  INTEGER NOT NULL DEFAULT 0,
    resolution   TEXT,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX announcements_status ON announcements (status, starts_at, id);

ALTER TABLE complaints ADD COLUMN announcement INTEGER NOT NULL DEFAULT 0;
CREATE INDEX complaints_announcement ON complaints (announcement, id) WHERE announcement > 0;
-- The reports' covering index (013) with the column the fault count reads.
DROP INDEX IF EXISTS complaints_report;
CREATE INDEX complaints_report ON complaints (received_at, subject_unit, category, channel, level,
    nature, kind, is_open, closed_at, overall_due, first_contact, reopens, escalations, revisit, supervisions,
    announcement);

-- Appeals' reports to the regulator (core/appeal.h, docs/api.md "Appeals"):
-- one per appeal (a complaint of kind appeal), with its own deadline on the
-- pack's working calendar (due_at), headquarters' review and the moment it
-- was sent (sent_at, 0 = not yet; late: sent after due_at). unit: the branch
-- that answers. status: draft, review, approved, sent. A report sent late is
-- assessed (assessed_unit: the branch, or headquarters when the branch left it
-- its review time) with the pack's penalty (appeals.late_penalty).
CREATE TABLE appeal_reports (
    complaint_id    INTEGER PRIMARY KEY REFERENCES complaints (id),
    registered      INTEGER NOT NULL DEFAULT 0,
    first_complaint INTEGER NOT NULL DEFAULT 0,
    unit            INTEGER NOT NULL REFERENCES units (id),
    received_at     INTEGER NOT NULL,
    due_at          INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'draft',
    report          TEXT,
    mediation       TEXT,
    review_note     TEXT,
    filed           INTEGER NOT NULL DEFAULT 0,
    submitted_by    INTEGER NOT NULL DEFAULT 0,
    submitted_at    INTEGER NOT NULL DEFAULT 0,
    reviewed_by     INTEGER NOT NULL DEFAULT 0,
    reviewed_at     INTEGER NOT NULL DEFAULT 0,
    sent_at         INTEGER NOT NULL DEFAULT 0,
    late            INTEGER NOT NULL DEFAULT 0,
    assessed_unit   INTEGER NOT NULL DEFAULT 0,
    penalty_fen     INTEGER NOT NULL DEFAULT 0,
    penalty_points  INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX appeal_reports_received ON appeal_reports (received_at);
