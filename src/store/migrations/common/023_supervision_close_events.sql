-- 023: closing a supervision order (督办办结) is now an event of the
-- complaint (supervision_close, app/supervise.h), written with the order's
-- closing, so that verify tells an order whose status was edited in the
-- database from one closed through the service. Orders that exist now may
-- have been closed before, without an event: the last of their ids is kept
-- here, and verify checks those by the old rule (status against closed_at
-- and closed_by).
INSERT INTO config (key, value, updated_at)
SELECT 'supervision_close_events_after', CAST(COALESCE(MAX(id), 0) AS TEXT), 0 FROM supervisions;
