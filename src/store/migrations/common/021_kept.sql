-- 021: kept for the partner intake's tables (the partner API), so that the
-- migrations after it apply under the same numbers everywhere. Nothing here.
SELECT 1;
