-- Fills a demo database with @N synthetic complaints received over the @SPAN
-- seconds before @NOW (three years for the reports benchmark,
-- bench/reports/run.sh; one for the pages', bench/ui/run-1m.sh).
-- Spread: subject units over the 16 demo units; 12 categories; 6 channels;
-- levels 1–3; natures valid 55 %, invalid 20 %, suggestion 10 %, undecided
-- 15 %; 85 % closed, a tenth of those after their overall deadline; a
-- quarter answered at first contact; revisits of every result; one in 40
-- reopened, one in 50 escalated, one in 45 supervised, one in 30 an appeal. Rows carry a real
-- complaint's data document, so they are as large as real ones.
BEGIN;
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < @N),
base AS (SELECT COALESCE(MAX(id), 0) AS b FROM complaints),
r AS (SELECT i, b, @NOW - (i * (@SPAN / 1000 - 1)) % @SPAN AS at FROM seq, base)
INSERT INTO complaints (id, number, kind, status, is_open, stage, level, nature, channel, category, phone,
    subject_unit, owner_unit, handler_unit, received_at, created_at, updated_at, closed_at, stage_due,
    overall_due, first_contact, created_by, version, head, data, reopens, escalations, revisit, supervisions)
SELECT b + i, 'BR' || printf('%08d', i),
       CASE WHEN i % 30 = 0 THEN 'appeal' ELSE 'complaint' END,
       CASE WHEN i % 20 < 17 THEN 7 ELSE 1 + (i % 5) END,
       CASE WHEN i % 20 < 17 THEN 0 ELSE 1 END,
       CASE WHEN i % 20 < 17 THEN 6 ELSE 1 + (i % 5) END,
       1 + (i % 3),
       CASE WHEN i % 20 < 11 THEN 'valid' WHEN i % 20 < 15 THEN 'invalid' WHEN i % 20 < 17 THEN 'suggestion' ELSE '' END,
       CASE i % 6 WHEN 0 THEN 'phone' WHEN 1 THEN 'walk_in' WHEN 2 THEN 'email' WHEN 3 THEN 'app' WHEN 4 THEN 'letter'
                  ELSE 'website' END,
       CASE i % 12 WHEN 0 THEN 'service.attitude' WHEN 1 THEN 'service.fault' WHEN 2 THEN 'service.sales'
                   WHEN 3 THEN 'service.fuel_types' WHEN 4 THEN 'service.efficiency' WHEN 5 THEN 'info.location'
                   WHEN 6 THEN 'info.phone' WHEN 7 THEN 'info.promotion' WHEN 8 THEN 'info.status'
                   WHEN 9 THEN 'quality.fuel' WHEN 10 THEN 'quality.quantity' ELSE 'finance.invoice' END,
       printf('139%08d', i % 500000),
       1 + (i * 7) % 16, 1 + (i % 16), 1 + (i % 16),
       at, at, at,
       CASE WHEN i % 20 < 17 THEN at + 3600 + (i % 97) * 900 ELSE 0 END,
       CASE WHEN i % 20 < 17 THEN 9000000000000000 ELSE at + 14400 END,
       at + 86400 - CASE WHEN i % 10 = 3 THEN 80000 ELSE 0 END,
       CASE WHEN i % 4 = 0 THEN 1 ELSE 0 END, 2, 1, zeroblob(32), tpl.data,
       CASE WHEN i % 40 = 0 THEN 1 ELSE 0 END,
       CASE WHEN i % 50 = 0 THEN 1 ELSE 0 END,
       CASE i % 7 WHEN 0 THEN 'satisfied' WHEN 1 THEN 'basically_satisfied' WHEN 2 THEN 'dissatisfied'
                  WHEN 3 THEN 'unreachable' WHEN 4 THEN 'satisfied' ELSE '' END,
       CASE WHEN i % 45 = 0 THEN 1 ELSE 0 END
FROM r, (SELECT data FROM complaints WHERE status = 3 ORDER BY id LIMIT 1) AS tpl;
COMMIT;
ANALYZE;
