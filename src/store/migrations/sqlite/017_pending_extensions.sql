-- 017: the board's pending extension requests (GET /api/v1/board, the
-- list's extension=requested) found from an index, not by reading every
-- open complaint's document. Partial: only open complaints with a request
-- are in it. The expression is the one store/complaints.c filters on.
CREATE INDEX IF NOT EXISTS complaints_extension ON complaints (json_extract(data, '$.extension.status'), stage_due)
    WHERE is_open = 1;
