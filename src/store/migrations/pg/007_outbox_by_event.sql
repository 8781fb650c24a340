-- 007 (PostgreSQL): the event a notification was written with, as in
-- migrations/sqlite/007_outbox_by_event.sql (see there for why). This store
-- keeps every key unique and leaves event_id empty: the column is here so
-- that both schemas stay the same for `redress copy`.
ALTER TABLE outbox ADD COLUMN event_id BIGINT REFERENCES events (id);
