-- 011: checkpoints of the event log (core/chain.h, docs/operations.md
-- "Integrity"). Each row records, at a moment, the last event id covered,
-- how many complaints and events there were up to it, the keyed digest of
-- all their hashes and the audit log's head, with a MAC under the chain
-- key (never in the database). The server adds one on each sweep when
-- something was written; `redress verify` recomputes every one in its
-- pass and compares, and exports the newest (--checkpoint-out) to be kept
-- elsewhere and compared later (--against). Hashes are hex text.
CREATE TABLE checkpoints (
    id         BIGINT PRIMARY KEY,
    at         BIGINT NOT NULL,
    last_event BIGINT NOT NULL,
    complaints BIGINT NOT NULL,
    events     BIGINT NOT NULL,
    digest     TEXT NOT NULL,
    audit_seq  BIGINT NOT NULL,
    audit_hash TEXT NOT NULL,
    mac        TEXT NOT NULL
);
