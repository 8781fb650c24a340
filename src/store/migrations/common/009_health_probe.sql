-- 009: the row GET /api/v1/health writes when no other write has committed
-- in the last few seconds (store_write_check), so that a node whose
-- database stops taking writes — a full disk, a lost or read-only
-- PostgreSQL — answers 503 and its load balancer takes it out, and comes
-- back as soon as a write works again. Several nodes share the one row.
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL
);
