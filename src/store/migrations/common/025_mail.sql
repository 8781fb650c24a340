-- 025: e-mail intake (docs/operations.md "E-mail intake").
--
-- A mailbox the server reads over IMAP for a unit (the service centre that
-- takes its mail in: its messages are seen by the agents and supervisors
-- whose scope holds that unit): url (imap:// or imaps://, the folder in its
-- path), user and password (never shown again, as a
-- webhook's secret), enabled, and how often it is polled. The poller's
-- state: the folder's UIDVALIDITY and the highest UID taken in, so a
-- message is fetched once; a poller claims a mailbox by setting
-- lease_until and bumping claim, so that two nodes never read one mailbox
-- at once and one whose poller died is taken again once the lease ran out.
CREATE TABLE mailboxes (
    name         TEXT PRIMARY KEY,
    unit         BIGINT NOT NULL REFERENCES units (id),
    url          TEXT NOT NULL,
    username     TEXT NOT NULL,
    password     TEXT NOT NULL,
    enabled      INTEGER NOT NULL DEFAULT 1,
    poll_seconds INTEGER NOT NULL DEFAULT 60,
    created_at   BIGINT NOT NULL,
    uidvalidity  BIGINT NOT NULL DEFAULT 0,
    last_uid     BIGINT NOT NULL DEFAULT 0,
    polled_at    BIGINT NOT NULL DEFAULT 0,
    lease_until  BIGINT NOT NULL DEFAULT 0,
    claim        BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT ''
);

-- Every message taken in, one row each, never deleted, with its mailbox's unit: a draft complaint
-- for an agent to complete (pending → confirmed with complaint_id, or
-- discarded with a reason), a message kept aside (aside: malformed,
-- oversized, duplicate, with reason), or a reply joined to the timeline of
-- the complaint its subject names (joined, complaint_id). The customer's
-- data — sender, name, subject, text, the files' names and the raw message
-- — are sealed under the row's own data key (key_id, wrapped: the master
-- key's id and the wrapped key, base64url), like a complaint's; msgid_key
-- is the keyed hash of the Message-ID, which finds a duplicate without
-- the Message-ID in clear.
CREATE TABLE mail_drafts (
    id           TEXT PRIMARY KEY,
    mailbox      TEXT NOT NULL,
    unit         BIGINT NOT NULL,
    uidvalidity  BIGINT NOT NULL,
    uid          BIGINT NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    msgid_key    TEXT NOT NULL DEFAULT '',
    received_at  BIGINT NOT NULL,
    sent_at      BIGINT NOT NULL DEFAULT 0,
    size         BIGINT NOT NULL,
    key_id       TEXT NOT NULL,
    wrapped      TEXT NOT NULL,
    sender       TEXT NOT NULL,
    sender_name  TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    files        TEXT NOT NULL DEFAULT '[]',
    raw          TEXT NOT NULL,
    complaint_id BIGINT NOT NULL DEFAULT 0,
    decided_by   BIGINT NOT NULL DEFAULT 0,
    decided_at   BIGINT NOT NULL DEFAULT 0,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_drafts_status ON mail_drafts (status, received_at);
CREATE INDEX mail_drafts_msgid ON mail_drafts (msgid_key);
-- A message fetched twice (a poller whose lease ran out) is stored once.
CREATE UNIQUE INDEX mail_drafts_uid ON mail_drafts (mailbox, uidvalidity, uid);
