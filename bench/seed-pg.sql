-- bench/seed.sql for PostgreSQL: fills a demo database with :N synthetic
-- complaints (and one intake event each) for the queue benchmark, with the
-- same distribution — owner spread over the 16 units, ~60 % open, deadlines
-- spread over ±10 days around now, received over the last 90 days.
-- Parameters are substituted by bench/pg.sh.
BEGIN;
INSERT INTO complaints (id, number, status, is_open, stage, level, nature, channel, category, phone,
    subject_unit, owner_unit, handler_unit, received_at, created_at, updated_at, closed_at, stage_due,
    overall_due, first_contact, created_by, version, head, data)
SELECT b + i, 'BN' || lpad(i::text, 8, '0'),
       CASE WHEN i % 10 < 6 THEN 1 + (i % 5) ELSE 7 + (i % 2) END,
       CASE WHEN i % 10 < 6 THEN 1 ELSE 0 END,
       CASE WHEN i % 10 < 6 THEN 1 + (i % 5) ELSE 6 END,
       1 + (i % 3), '', 'phone', 'service.attitude', '139' || lpad((i % 500000)::text, 8, '0'),
       1 + (i % 16), 1 + (i % 16), 1 + (i % 16),
       @NOW - (i % 7776000), @NOW - (i % 7776000), @NOW, 0,
       CASE WHEN i % 10 < 6 THEN @NOW - 864000 + ((i::bigint * 7919) % 1728000) ELSE 9000000000000000 END,
       @NOW + 86400, 0, 2, 1, decode(repeat('00', 32), 'hex'),
       '{"customer":{"name":"测试客户","phone":"13900000000","class":"ordinary"},"description":"基准测试工单"}'
FROM generate_series(1, @N) AS i, (SELECT COALESCE(MAX(id), 0) AS b FROM complaints) AS base;
INSERT INTO events (complaint_id, seq, action, at, actor, prev, hash, body)
SELECT id, 1, 'intake', created_at, 2, decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex'), '{}'
FROM complaints WHERE number LIKE 'BN%';
SELECT setval('complaints_id_seq', (SELECT MAX(id) FROM complaints));
COMMIT;
VACUUM ANALYZE complaints;
VACUUM ANALYZE events;
