-- 002: time limits (core/sla.h). The projection gains the two instants the
-- deadline sweeper and the warning filter need, derived from the clocks in
-- complaints.data: warn_at (the earliest warning point of a running clock)
-- and next_check_at (when the sweeper next has work on the complaint). Both
-- hold 9000000000000000 when there is none, like stage_due, so that the
-- sweeper's range scan needs no NULL handling.
ALTER TABLE complaints ADD COLUMN warn_at INTEGER NOT NULL DEFAULT 9000000000000000;
ALTER TABLE complaints ADD COLUMN next_check_at INTEGER NOT NULL DEFAULT 9000000000000000;
-- The sweeper: open complaints whose next check has come, nothing else.
CREATE INDEX complaints_next_check ON complaints (is_open, next_check_at, id);
-- GET /complaints?warning=true.
CREATE INDEX complaints_warn ON complaints (is_open, warn_at, id);

-- Notifications to deliver, written in the same transaction as the event
-- that caused them (delivery is a later job). The idempotency key names the
-- complaint, the event and the recipient ("c42/e7/sla_warning/unit9"), so a
-- message exists at most once, and a complaint's rows are a range of the
-- key's index (no second index to update on every write).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    created_at      INTEGER NOT NULL,
    complaint_id    INTEGER REFERENCES complaints (id),
    channel         TEXT NOT NULL,
    recipient_user  INTEGER,
    recipient_unit  INTEGER,
    template        TEXT NOT NULL,
    payload         TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (status, id);

-- Supervision orders (督办): one per breach or further supervision level of
-- a clock, written with the sweeper's event; closed by a supervisor.
CREATE TABLE supervisions (
    id              INTEGER PRIMARY KEY,
    complaint_id    INTEGER NOT NULL REFERENCES complaints (id),
    event_seq       INTEGER NOT NULL,
    clock           TEXT NOT NULL,
    level           INTEGER NOT NULL,
    unit            INTEGER NOT NULL,
    supervisor_user INTEGER,
    deadline        INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open',
    closed_at       INTEGER,
    closed_by       INTEGER,
    note            TEXT,
    UNIQUE (complaint_id, event_seq)
);
CREATE INDEX supervisions_status ON supervisions (status, created_at, id);
