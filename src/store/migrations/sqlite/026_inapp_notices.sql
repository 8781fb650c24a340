-- 026: in-app notices (docs/api.md "In-app notifications"). The deliverer
-- turns an outbox row of channel "internal" into one notice per person it
-- reaches (the user it names, or the active users of its unit who may see
-- the complaint), in the transaction that marks the row sent: a row
-- delivered twice (a lease that ran out) adds nobody twice, by the unique
-- (outbox_id, user_id). The texts are rendered at delivery, in both
-- languages, from the row's payload, which holds no customer data.
-- read_at is 0 while the notice is unread.
CREATE TABLE inapp_notices (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    outbox_id    INTEGER NOT NULL,
    complaint_id INTEGER NOT NULL DEFAULT 0,
    number       TEXT NOT NULL DEFAULT '',
    template     TEXT NOT NULL,
    text_zh      TEXT NOT NULL,
    text_en      TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    read_at      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (outbox_id, user_id)
);
CREATE INDEX inapp_notices_user ON inapp_notices (user_id, id);
CREATE INDEX inapp_notices_unread ON inapp_notices (user_id, read_at, id);
