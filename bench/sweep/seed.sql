-- Seeds the sweep benchmark (bench/sweep/run.sh substitutes @N, @T0, @RUNS,
-- @DUE): @N open complaints, of which @RUNS disjoint sets of @DUE are due
-- one after the other — set k (1..@RUNS) has a handling clock whose
-- warning point is 30 seconds before @T0 + k minutes (its deadline 1.8 h
-- later, after the last run) — and every other
-- complaint's next check lies at least 30 days ahead. Each has its intake
-- event, so the sweeper's event is seq 2. The clocks are what core/sla.c
-- writes (a 1080-minute handling limit on the 24x7 calendar). Unless
-- @OUTBOX is 0, each also has the notification its dispatch sent (a sent
-- outbox row), as in a database in service: the outbox's key index is
-- ordered by complaint, so each warning's notification then lands on a
-- page of its own, as its event's index entry does.
BEGIN;
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < @N),
base AS (SELECT COALESCE(MAX(id), 0) AS b FROM complaints)
INSERT INTO complaints (id, number, status, is_open, stage, level, nature, channel, category, phone,
    subject_unit, owner_unit, handler_unit, received_at, created_at, updated_at, closed_at, stage_due,
    overall_due, first_contact, created_by, version, head, data, warn_at, next_check_at)
SELECT b + i, 'SW' || printf('%08d', i), 3, 1, 2, 3, '', 'phone', 'service.attitude',
       printf('139%08d', i % 500000), 4 + (i % 6), 4 + (i % 6), 4 + (i % 6),
       @T0 - 86400, @T0 - 86400, @T0 - 86400, 0,
       @T0 + 2592000 + (i % 86400), @T0 + 2592000 + (i % 86400), 0, 2, 1, zeroblob(32),
       '{"customer":{"name":"测试客户","phone":"13900000000","class":"ordinary"},"description":"基准测试工单"}',
       @T0 + 2592000 + (i % 86400), @T0 + 2592000 + (i % 86400)
FROM seq, base;
-- The due sets: the first @RUNS × @DUE seeded complaints, spread over the table.
WITH due AS (
    SELECT id, 1 + (((id - (SELECT MIN(id) FROM complaints WHERE number LIKE 'SW%')) / @STEP) % @RUNS) AS k
    FROM complaints WHERE number LIKE 'SW%' AND (id - (SELECT MIN(id) FROM complaints WHERE number LIKE 'SW%')) % @STEP = 0
    LIMIT @RUNS * @DUE
), t AS (SELECT id, @T0 + k * 60 - 30 - 58320 AS s FROM due)
UPDATE complaints SET
    stage_due = (SELECT s + 64800 FROM t WHERE t.id = complaints.id),
    warn_at = (SELECT s + 58320 FROM t WHERE t.id = complaints.id),
    next_check_at = (SELECT s + 58320 FROM t WHERE t.id = complaints.id),
    data = (SELECT printf('{"customer":{"name":"测试客户","phone":"13900000000","class":"ordinary"},' ||
                          '"description":"基准测试工单","clocks":{"handle":{"state":"running","calendar":"centre",' ||
                          '"limit":{"minutes":1080},"started_at":%d,"base":%d,"total":64800,"pauses":[],' ||
                          '"warned":false,"level":0,"extensions":0,"deadline":%d,"warning_at":%d,' ||
                          '"escalate_at":[%d,%d]}}}', s, s, s + 64800, s + 58320, s + 97200, s + 129600)
            FROM t WHERE t.id = complaints.id)
WHERE id IN (SELECT id FROM t);
INSERT INTO events (complaint_id, seq, action, at, actor, prev, hash, body)
SELECT id, 1, 'intake', created_at, 2, zeroblob(32), zeroblob(32), '{}' FROM complaints WHERE number LIKE 'SW%';
INSERT INTO outbox (created_at, complaint_id, channel, recipient_unit, template, payload, idempotency_key, status,
    attempts)
SELECT created_at, id, 'internal', owner_unit, 'dispatch', '{"event":"dispatch"}',
       'c' || id || '/e1/dispatch/unit' || owner_unit, 'sent', 1
FROM complaints WHERE number LIKE 'SW%' AND @OUTBOX;
COMMIT;
ANALYZE;
