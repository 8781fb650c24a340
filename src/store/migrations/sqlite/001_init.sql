-- 001: the foundation schema. Instants are integer seconds since the Unix
-- epoch (UTC); JSON documents are text. Kept to SQL that PostgreSQL also
-- accepts, apart from the INTEGER PRIMARY KEY rowid alias.
CREATE TABLE config (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE units (
    id      INTEGER PRIMARY KEY,
    code    TEXT NOT NULL UNIQUE,
    name    TEXT NOT NULL,
    name_en TEXT,
    type    TEXT NOT NULL,
    parent  INTEGER REFERENCES units (id)
);

CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    roles       TEXT NOT NULL,
    unit        INTEGER NOT NULL REFERENCES units (id),
    pwhash      TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    must_change INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    hash       BLOB NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL,
    name       TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- The next complaint number of each local day (dense per day).
CREATE TABLE day_seq (
    day TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
);

-- The projection: the current state of each complaint, rebuilt from events.
-- stage_due holds 9000000000000000 when no stage clock runs, so that
-- "nearest deadline first" needs no NULL handling.
CREATE TABLE complaints (
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    status        INTEGER NOT NULL,
    is_open       INTEGER NOT NULL,
    stage         INTEGER NOT NULL,
    level         INTEGER NOT NULL,
    nature        TEXT NOT NULL,
    channel       TEXT NOT NULL,
    category      TEXT NOT NULL,
    phone         TEXT NOT NULL,
    subject_unit  INTEGER NOT NULL,
    owner_unit    INTEGER NOT NULL,
    handler_unit  INTEGER NOT NULL,
    received_at   INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    closed_at     INTEGER NOT NULL,
    stage_due     INTEGER NOT NULL,
    overall_due   INTEGER NOT NULL,
    first_contact INTEGER NOT NULL,
    created_by    INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    head          BLOB NOT NULL,
    data          TEXT NOT NULL
);
-- The agent/handler queue: one unit's open orders, nearest deadline first.
CREATE INDEX complaints_queue ON complaints (owner_unit, is_open, stage_due, id);
CREATE INDEX complaints_owner_status ON complaints (owner_unit, status, stage_due, id);
-- Everything open by deadline (supervisors, overdue, the sweeper).
CREATE INDEX complaints_due ON complaints (is_open, stage_due, id);
CREATE INDEX complaints_status ON complaints (status, stage_due, id);
CREATE INDEX complaints_phone ON complaints (phone, id);
CREATE INDEX complaints_received ON complaints (received_at, id);

-- Append-only history, hash-chained per complaint (see src/core/event.h).
CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id),
    seq          INTEGER NOT NULL,
    action       TEXT NOT NULL,
    at           INTEGER NOT NULL,
    actor        INTEGER NOT NULL,
    prev         BLOB NOT NULL,
    hash         BLOB NOT NULL,
    body         TEXT NOT NULL,
    UNIQUE (complaint_id, seq)
);

-- Per local day, maintained in the same transaction as the events, so that
-- reports never scan the complaints.
CREATE TABLE daily_stats (
    day            INTEGER PRIMARY KEY,
    received       INTEGER NOT NULL DEFAULT 0,
    closed         INTEGER NOT NULL DEFAULT 0,
    closed_on_time INTEGER NOT NULL DEFAULT 0,
    first_contact  INTEGER NOT NULL DEFAULT 0
);
