-- The window counts of the pack's grading and cluster rules ("complaints
-- about the same subject unit in a category subtree within N hours") read
-- complaints by subject unit and time of receipt.
CREATE INDEX IF NOT EXISTS complaints_subject_received ON complaints (subject_unit, received_at, id);

-- Incidents (危机事件): a crisis cluster of the pack ("two or more
-- fuel-quality complaints about one station within 24 h") groups its
-- complaints into one incident with its own response level (1 → 2 → 3, each
-- raise moving the owner one unit up the tree), timeline and closing.
-- cluster_key is "<cluster code>/<anchor unit id>"; at most one incident per
-- key is open, so concurrent intakes of one cluster meet in the same row.
-- data holds the title, the notification, the timeline and the summary.
CREATE TABLE IF NOT EXISTS incidents (
    id          INTEGER PRIMARY KEY,
    cluster_key TEXT NOT NULL,
    cluster     TEXT NOT NULL,
    anchor_unit INTEGER NOT NULL REFERENCES units (id),
    status      TEXT NOT NULL DEFAULT 'open',
    level       INTEGER NOT NULL DEFAULT 1,
    owner_unit  INTEGER NOT NULL REFERENCES units (id),
    opened_at   INTEGER NOT NULL,
    closed_at   INTEGER,
    version     INTEGER NOT NULL DEFAULT 1,
    data        TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS incidents_open_cluster ON incidents (cluster_key) WHERE status = 'open';
CREATE INDEX IF NOT EXISTS incidents_status ON incidents (status, opened_at, id);

CREATE TABLE IF NOT EXISTS incident_complaints (
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
    added_at     INTEGER NOT NULL,
    PRIMARY KEY (incident_id, complaint_id)
);

-- The versions of the policy pack: every pack ever active, with who stored
-- it, when and why; config "pack" is the active one and config
-- "pack_version" its number. A rollback stores the old document again as a
-- new version (source: the version it restores), so the history only grows.
-- The pack of a database made before versioning becomes version 1.
CREATE TABLE IF NOT EXISTS pack_versions (
    version    BIGINT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    created_by BIGINT,
    reason     TEXT NOT NULL,
    source     BIGINT,
    pack       TEXT NOT NULL
);
INSERT INTO pack_versions (version, created_at, created_by, reason, source, pack)
    SELECT 1, updated_at, NULL, 'pack before versioning', NULL, value FROM config
    WHERE key = 'pack' AND NOT EXISTS (SELECT 1 FROM pack_versions);
INSERT INTO config (key, value, updated_at)
    SELECT 'pack_version', '1', updated_at FROM config
    WHERE key = 'pack' AND NOT EXISTS (SELECT 1 FROM config WHERE key = 'pack_version');
