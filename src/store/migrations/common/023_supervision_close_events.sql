-- 023: closing a supervision order (督办办结) is now an event of the
-- complaint (supervision_close, app/supervise.h), written with the order's
-- closing, and redress verify holds each order to it, reading each
-- complaint's orders: by complaint, through this index. Orders created
-- before this migration was applied (schema_version.applied_at) may have
-- been closed without an event; verify checks those by the old rule
-- (status against closed_at and closed_by).
CREATE INDEX IF NOT EXISTS supervisions_complaint ON supervisions (complaint_id, id);
