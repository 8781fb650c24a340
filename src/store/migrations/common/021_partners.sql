-- 021: partner systems (docs/api.md "Partner systems"): a government
-- hotline, an app or an official account's backend that sends complaints
-- in and is told what became of them.
--
-- A partner is a webhook with a channel: the complaints its tokens take in
-- arrive on that channel only, and it is told of each of their status
-- changes and of the reply. signed: its requests must carry a signature
-- made with the webhook's secret (otherwise one is checked when present).
ALTER TABLE webhooks ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE webhooks ADD COLUMN signed INTEGER NOT NULL DEFAULT 0;
-- An API token of a partner (webhooks.name): it may take complaints in and
-- read the ones it took in, nothing else.
ALTER TABLE tokens ADD COLUMN partner TEXT NOT NULL DEFAULT '';

-- The reference another system gave a complaint (its own ticket number),
-- unique within the channel it came on: the same reference twice creates
-- one complaint. Written in the creating transaction.
CREATE TABLE external_refs (
    channel      TEXT NOT NULL,
    ref          TEXT NOT NULL,
    complaint_id BIGINT NOT NULL,
    at           BIGINT NOT NULL,
    PRIMARY KEY (channel, ref)
);
