-- 007: notifications written with their event cost no page of their own.
-- A sweep's warning writes its complaint's row, its event (and the event's
-- (complaint_id, seq) entry) and a notification. The outbox's unique key
-- index is ordered by complaint ("c42/e7/…"), so in a database in service
-- each notification landed on a page of its own: a third random page per
-- warning, a third of a sweep's log (bench/RESULTS.md, 2026-12-02).
--
-- Now a notification written in the transaction of its event records the
-- event (event_id) and is found through it: events' ids grow, so its index
-- entry is appended. It needs no unique index: the event it belongs to is
-- unique by (complaint_id, seq), written in the same transaction, and its
-- key names that event. Notifications of no event (a rule's notice, an
-- incident's) keep the unique key, which is also how a complaint's are
-- listed (a range of keys). The table is rebuilt: SQLite cannot drop a
-- column's UNIQUE constraint in place.
CREATE TABLE outbox_007 (
    id              INTEGER PRIMARY KEY,
    created_at      INTEGER NOT NULL,
    complaint_id    INTEGER REFERENCES complaints (id),
    event_id        INTEGER REFERENCES events (id),
    channel         TEXT NOT NULL,
    recipient_user  INTEGER,
    recipient_unit  INTEGER,
    template        TEXT NOT NULL,
    payload         TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0
);
INSERT INTO outbox_007 (id, created_at, complaint_id, event_id, channel, recipient_user, recipient_unit, template,
                        payload, idempotency_key, status, attempts)
SELECT id, created_at, complaint_id, NULL, channel, recipient_user, recipient_unit, template, payload,
       idempotency_key, status, attempts
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_007 RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (status, id);
CREATE UNIQUE INDEX outbox_key ON outbox (idempotency_key) WHERE event_id IS NULL;
CREATE INDEX outbox_event ON outbox (event_id) WHERE event_id IS NOT NULL;
