-- 006: appeals, compensations and the penalty ledger (core/cases.h).
-- An appeal (申诉) is a complaint of kind 'appeal'; the kind is also in the
-- projection's data and is copied here so that GET /complaints?kind=appeal
-- is an index range, not a scan.
ALTER TABLE complaints ADD COLUMN kind TEXT NOT NULL DEFAULT 'complaint';
CREATE INDEX complaints_kind ON complaints (kind, id);

-- Ledger entries (考核台账) written in the same transaction as the close
-- event that decided them; a waiver (itself an event) updates the entry.
-- Amounts are fen; month is the local YYYY-MM of the close.
CREATE TABLE penalties (
    id              INTEGER PRIMARY KEY,
    complaint_id    INTEGER NOT NULL REFERENCES complaints (id),
    entry_no        INTEGER NOT NULL,
    event_seq       INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    month           TEXT NOT NULL,
    rule            TEXT NOT NULL,
    role            TEXT NOT NULL,
    role_name       TEXT NOT NULL,
    person          TEXT,
    unit            INTEGER NOT NULL REFERENCES units (id),
    amount_fen      INTEGER NOT NULL,
    points          INTEGER NOT NULL,
    award_loss      INTEGER NOT NULL,
    performance_pay INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'active',
    waived_at       INTEGER,
    waived_by       INTEGER,
    waive_reason    TEXT,
    UNIQUE (complaint_id, entry_no)
);
-- The monthly ledger and its export.
CREATE INDEX penalties_month ON penalties (month, id);

-- Compensations (授权补偿): granted directly or awaiting approval; the
-- decision (an event) updates the row.
CREATE TABLE compensations (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaints (id),
    entry_no      INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    amount_fen    INTEGER NOT NULL,
    reason        TEXT NOT NULL,
    status        TEXT NOT NULL,
    senior        INTEGER NOT NULL,
    approver_unit INTEGER,
    requested_by  INTEGER NOT NULL,
    requested_at  INTEGER NOT NULL,
    decided_by    INTEGER,
    decided_at    INTEGER,
    decision      TEXT,
    UNIQUE (complaint_id, entry_no)
);
-- The pending-approvals list.
CREATE INDEX compensations_status ON compensations (status, id);
