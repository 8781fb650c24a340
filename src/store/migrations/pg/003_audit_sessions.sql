-- 003 (PostgreSQL): the audit log, sessions with timeouts, account
-- lockout and scoped API tokens — the same as
-- migrations/sqlite/003_audit_sessions.sql.
--
-- audit: one hash chain for the whole installation (core/auditlog.h):
-- hash = BLAKE2b-256(prev_hash || canonical entry). audit_head (one row,
-- id 1, created by the first append so that a fresh database stays empty
-- for `redress copy`) holds the last seq and hash; every append reads and
-- rewrites it inside its transaction, which serialises appenders (on
-- PostgreSQL by the row lock, so several nodes keep one chain).
CREATE TABLE audit (
    seq       BIGINT PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     BIGINT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT,
    customer  TEXT,
    ip        TEXT,
    detail    TEXT,
    prev_hash BYTEA NOT NULL,
    hash      BYTEA NOT NULL
);
CREATE INDEX audit_actor ON audit (actor, seq);
CREATE INDEX audit_customer ON audit (customer, seq);
CREATE INDEX audit_action ON audit (action, seq);
CREATE INDEX audit_subject ON audit (subject, seq);
CREATE INDEX audit_at ON audit (at, seq);

CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash BYTEA NOT NULL
);

-- Sessions: the last use, for the idle timeout. API tokens: who made them,
-- and the roles (bits, 0 = all of the user's) and unit subtree (0 = the
-- user's own) they are limited to.
ALTER TABLE tokens ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN roles BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN unit BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN created_by BIGINT NOT NULL DEFAULT 0;

-- Failed sign-ins since the last success, and the end of a temporary lockout.
ALTER TABLE users ADD COLUMN failed_logins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until BIGINT NOT NULL DEFAULT 0;
