-- What a year of use leaves besides the complaints, for the pages'
-- benchmark (bench/ui/run-1m.sh), on top of bench/reports/seed.sql run with
-- a year's span: its @N complaints (numbers BR…) get a history, the ledger,
-- supervision orders, notifications and the audit log real work would have
-- written. Bodies and payloads are copies of the demo's own, so rows are as
-- large as real ones; hashes are zero (nothing here is verified).
--   open      only complaints of the last 30 days are still open (15 % of
--             those), their stage deadlines one to ten days after receipt;
--   events    intake, dispatch, accept for each; close and archive for the
--             closed ones;
--   ledger    two entries (the staff member, the station manager) for each
--             valid complaint closed;
--   supervise an order for each supervised complaint, closed with it;
--   outbox    a notification sent for each complaint;
--   audit     a view of its customer's data for each complaint, by an agent
--             of the centre, and a sign-in for every 50.
-- A cache large enough for the indexes being filled (the default's pages
-- would be written out again and again), statistics from a sample.
PRAGMA cache_size = -2000000;
PRAGMA analysis_limit = 1000;
BEGIN;
UPDATE complaints SET status = 7, is_open = 0, stage = 6, closed_at = received_at + 3600 + (id % 97) * 900,
    stage_due = 9000000000000000
WHERE number >= 'BR' AND number < 'BS' AND is_open = 1 AND received_at < @NOW - 2592000;
UPDATE complaints SET stage_due = received_at + 86400 * (1 + id % 10)
WHERE number >= 'BR' AND number < 'BS' AND is_open = 1;

INSERT INTO events (complaint_id, seq, action, at, actor, prev, hash, body)
SELECT c.id, t.seq, t.action, c.received_at + 900 * (t.seq - 1), CASE t.seq WHEN 3 THEN 5 ELSE 2 END,
       zeroblob(32), zeroblob(32), t.body
FROM complaints c, (SELECT seq, action, body FROM events WHERE complaint_id = 1 AND seq <= 3) t
WHERE c.number >= 'BR' AND c.number < 'BS';
INSERT INTO events (complaint_id, seq, action, at, actor, prev, hash, body)
SELECT c.id, 3 + t.n, t.action, c.closed_at + 3600 * (t.n - 1), CASE t.n WHEN 1 THEN 4 ELSE 2 END,
       zeroblob(32), zeroblob(32), t.body
FROM complaints c,
     (SELECT CASE action WHEN 'close' THEN 1 ELSE 2 END AS n, action, body FROM events
      WHERE complaint_id = 1 AND action IN ('close', 'archive')) t
WHERE c.number >= 'BR' AND c.number < 'BS' AND c.is_open = 0;
UPDATE complaints SET version = CASE is_open WHEN 1 THEN 3 ELSE 5 END
WHERE number >= 'BR' AND number < 'BS';

INSERT INTO penalties (complaint_id, entry_no, event_seq, created_at, month, rule, role, role_name, person, unit,
    amount_fen, points, award_loss, performance_pay, status)
SELECT c.id, p.entry_no, 4, c.closed_at, strftime('%Y-%m', c.closed_at, 'unixepoch', '+8 hours'), p.rule, p.role,
       p.role_name, p.person, c.subject_unit, p.amount_fen, p.points, p.award_loss, p.performance_pay, 'active'
FROM complaints c, (SELECT * FROM penalties WHERE complaint_id = 1 AND entry_no <= 2) p
WHERE c.number >= 'BR' AND c.number < 'BS' AND c.is_open = 0 AND c.nature = 'valid';

INSERT INTO supervisions (complaint_id, event_seq, clock, level, unit, supervisor_user, deadline, created_at,
    status, closed_at, closed_by)
SELECT id, 2, 'handle', 1, owner_unit, 4, received_at + 86400, received_at + 7200,
       CASE is_open WHEN 1 THEN 'open' ELSE 'closed' END, CASE is_open WHEN 1 THEN NULL ELSE closed_at END,
       CASE is_open WHEN 1 THEN NULL ELSE 4 END
FROM complaints WHERE number >= 'BR' AND number < 'BS' AND supervisions > 0;

INSERT INTO outbox (created_at, complaint_id, channel, recipient_user, recipient_unit, template, payload,
    idempotency_key, status, attempts)
SELECT c.received_at + 900, c.id, o.channel, NULL, c.owner_unit, o.template, o.payload,
       'c' || c.id || '/e2/' || o.template, 'sent', 1
FROM complaints c, (SELECT channel, template, payload FROM outbox WHERE template = 'revisit_follow_up') o
WHERE c.number >= 'BR' AND c.number < 'BS';

INSERT INTO audit (seq, at, actor, action, subject, customer, ip, detail, prev_hash, hash)
SELECT COALESCE((SELECT MAX(seq) FROM audit), 0) + ROW_NUMBER() OVER (ORDER BY at, id, action), at, actor, action,
       subject, NULL, '10.0.0.' || (id % 200), NULL, zeroblob(32), zeroblob(32)
FROM (SELECT id, received_at + 600 AS at, 2 + id % 2 AS actor, 'pii_view' AS action, 'complaint:' || id AS subject
      FROM complaints WHERE number >= 'BR' AND number < 'BS'
      UNION ALL
      SELECT id, received_at + 300, 1 + id % 19, 'login', 'user:' || (1 + id % 19)
      FROM complaints WHERE number >= 'BR' AND number < 'BS' AND id % 50 = 0);
INSERT INTO audit_units (unit, seq) SELECT 11, seq FROM audit WHERE action IN ('pii_view', 'login');
INSERT OR REPLACE INTO audit_head (id, seq, hash) SELECT 1, MAX(seq), zeroblob(32) FROM audit;
COMMIT;
ANALYZE;
