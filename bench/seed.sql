-- Fills a demo database with :N synthetic complaints (and one intake event
-- each) for the queue benchmark. Parameters are substituted by bench/run.sh.
-- Distribution: owner spread over the 16 units, ~60 % open, deadlines spread
-- over ±10 days around now, received over the last 90 days.
BEGIN;
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < @N),
base AS (SELECT COALESCE(MAX(id), 0) AS b FROM complaints)
INSERT INTO complaints (id, number, status, is_open, stage, level, nature, channel, category, phone,
    subject_unit, owner_unit, handler_unit, received_at, created_at, updated_at, closed_at, stage_due,
    overall_due, first_contact, created_by, version, head, data)
SELECT b + i, 'BN' || printf('%08d', i),
       CASE WHEN i % 10 < 6 THEN 1 + (i % 5) ELSE 7 + (i % 2) END,
       CASE WHEN i % 10 < 6 THEN 1 ELSE 0 END,
       CASE WHEN i % 10 < 6 THEN 1 + (i % 5) ELSE 6 END,
       1 + (i % 3), '', 'phone', 'service.attitude', printf('139%08d', i % 500000),
       1 + (i % 16), 1 + (i % 16), 1 + (i % 16),
       @NOW - (i % 7776000), @NOW - (i % 7776000), @NOW, 0,
       CASE WHEN i % 10 < 6 THEN @NOW - 864000 + ((i * 7919) % 1728000) ELSE 9000000000000000 END,
       @NOW + 86400, 0, 2, 1, zeroblob(32),
       tpl.data
FROM seq, base,
     -- every synthetic complaint carries the full document (clocks, results)
     -- of a real demo complaint in processing, so rows are as large as real ones
     (SELECT data FROM complaints WHERE status = 3 ORDER BY id LIMIT 1) AS tpl;
INSERT INTO events (complaint_id, seq, action, at, actor, prev, hash, body)
SELECT id, 1, 'intake', created_at, 2, zeroblob(32), zeroblob(32), '{}' FROM complaints WHERE number LIKE 'BN%';
COMMIT;
ANALYZE;
