-- 015: evidence attached to complaints (docs/api.md "Attachments",
-- docs/privacy.md). A row per file: its name sealed under the complaint's
-- data key like the complaint's other texts; its type as its content says
-- (libmagic); its size and the SHA-256 of its clear bytes; blob, the
-- BLAKE2b-256 of its sealed bytes, which names where they are: a file of
-- that name beside the SQLite database, or the rows of attachment_chunks
-- (PostgreSQL, so that several nodes share them). seq is the complaint's
-- "attach" event. A removal ("detach" event) keeps the row with who, when
-- and why (sealed); its bytes are shredded, as are those of a complaint
-- whose customer data is erased (the name and hash cleared too).
CREATE TABLE attachments (
    id             TEXT PRIMARY KEY,
    complaint_id   BIGINT NOT NULL REFERENCES complaints (id),
    seq            BIGINT NOT NULL,
    name           TEXT NOT NULL,
    type           TEXT NOT NULL,
    size           BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    blob           TEXT NOT NULL,
    sealed_size    BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    created_by     BIGINT NOT NULL,
    removed_at     BIGINT NOT NULL DEFAULT 0,
    removed_by     BIGINT NOT NULL DEFAULT 0,
    removed_reason TEXT,
    shredded       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attachments_complaint ON attachments (complaint_id, created_at);

-- The sealed bytes on PostgreSQL, in rows of 1 MiB (n from 0); unused by SQLite.
CREATE TABLE attachment_chunks (
    blob TEXT NOT NULL,
    n    BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (blob, n)
);
