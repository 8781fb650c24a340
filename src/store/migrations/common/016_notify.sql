-- 016: notifications that reach people (docs/operations.md "Notifications").
--
-- Users carry contact details and the channels they want: email and phone
-- (staff data, not sealed like customer data; never logged) and notify, a
-- comma-separated list of channels ("email" by default, "" = none).
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN phone TEXT;
ALTER TABLE users ADD COLUMN notify TEXT NOT NULL DEFAULT 'email';

-- Delivery from the outbox (jobs/deliver.c). A row is due when its status
-- is pending or failed and next_at has come; a sender claims it by setting
-- lease_until (a row whose sender died is claimed again once the lease has
-- run out) and bumping claim, the token its result must still match, so a
-- sender whose lease ran out cannot overwrite what the next one did.
-- status: pending, sent, failed (will be tried again at next_at), dead
-- (gave up after the attempts allowed), cancelled.
ALTER TABLE outbox ADD COLUMN next_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN claim BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN sent_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
-- attempts counts every attempt ever made; a row is dead once
-- attempts - retry_base reaches the attempts allowed. An administrator's
-- retry sets retry_base to attempts: a new allowance, the count kept.
ALTER TABLE outbox ADD COLUMN retry_base INTEGER NOT NULL DEFAULT 0;
-- target: the webhook a row of channel "webhook" goes to (webhooks.name).
ALTER TABLE outbox ADD COLUMN target TEXT;
-- The deliverer's scan: due rows of the channels it sends, oldest due first;
-- the rows of channels it does not send (internal) are never visited.
CREATE INDEX outbox_due ON outbox (channel, status, next_at);

-- Every attempt to deliver a row (no: 1, 2, … of the row): when, what came of it (sent, failed),
-- the server's status code (an SMTP reply code, an HTTP status; 0 = none,
-- e.g. a refused connection), how long it took, and the error's text.
CREATE TABLE outbox_attempts (
    outbox_id  BIGINT NOT NULL REFERENCES outbox (id),
    no         INTEGER NOT NULL,
    at         BIGINT NOT NULL,
    result     TEXT NOT NULL,
    code       INTEGER NOT NULL,
    latency_ms INTEGER NOT NULL,
    error      TEXT,
    PRIMARY KEY (outbox_id, no)
);

-- Webhooks (docs/operations.md "Notifications"): an endpoint that receives
-- the notifications about complaints dispatched to a unit or below it, as
-- signed JSON or as a group robot's text message (WeCom, DingTalk). The
-- secret signs each request (HMAC-SHA256); it is never shown again.
CREATE TABLE webhooks (
    name       TEXT PRIMARY KEY,
    unit       BIGINT NOT NULL REFERENCES units (id),
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    format     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
