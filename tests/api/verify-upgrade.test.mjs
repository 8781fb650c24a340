// The upgrade to keyed chains: a database written before it carries
// unkeyed event hashes and no chain key. The first start (or verify) with
// the master key makes the chain key, fixes the epoch after the last event
// and seals everything before it into a first checkpoint: verify passes,
// later events are keyed, and an old event edited with its unkeyed chain
// recomputed — which was undetectable before — is caught by that
// checkpoint. Moving the epoch forward is caught too. SQLite only: the
// older database is made by rewriting a new one with python3's sqlite3.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useServer, runCli } from './lib.mjs';

const srv = useServer();
let complaint = null;
let commented = null; // its last event a comment, which changes nothing in the row

function havePython() {
  try { execFileSync('python3', ['-c', 'import sqlite3, hashlib']); return true; } catch { return false; }
}

function out(r) {
  return `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

async function verify() {
  return runCli(['verify', '--db', srv.dbUrl], { timeoutMs: 120000 });
}

// Re-hashes the events of the complaints chosen by `where` unkeyed, as before
// the upgrade, with each body passed through `edit`; the heads follow.
const REHASH = `
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
where, old, new = sys.argv[2], sys.argv[3], sys.argv[4]
ids = [r[0] for r in db.execute('SELECT id FROM complaints WHERE ' + where)]
for cid in ids:
    prev = bytes(32)
    for eid, body in db.execute('SELECT id, body FROM events WHERE complaint_id = ? ORDER BY seq', (cid,)).fetchall():
        if old:
            body = body.replace(old, new, 1)
        h = hashlib.blake2b(prev + body.encode(), digest_size=32).digest()
        db.execute('UPDATE events SET body = ?, prev = ?, hash = ? WHERE id = ?', (body, prev, h, eid))
        prev = h
    db.execute('UPDATE complaints SET head = ? WHERE id = ?', (prev, cid))
db.commit()
print(len(ids))
`;

function rehash(where, old = '', neu = '') {
  return execFileSync('python3', ['-c', REHASH, srv.dbPath, where, old, neu]).toString().trim();
}

function sql(statements) {
  execFileSync('python3', ['-c', 'import sqlite3,sys\ndb=sqlite3.connect(sys.argv[1])\ndb.executescript(sys.argv[2])\ndb.commit()',
    srv.dbPath, statements]);
}

srv.test('a database from before keyed chains: unkeyed events, no chain key, no checkpoint, an empty audit log', async (t) => {
  if (!srv.isSqlite || !havePython()) return t.skip('sqlite and python3 only');
  complaint = await srv.intake('agent1');
  await srv.step('agent1', complaint.id, 'dispatch', { unit: 'SH-PD-01' });
  commented = await srv.intake('agent1');
  await srv.step('agent1', commented.id, 'comment', { text: '客户再次来电催办' });
  await srv.stop();
  assert.ok(Number(rehash('1 = 1')) >= 1);
  sql(`DELETE FROM config WHERE key IN ('chain_key', 'chain_epoch'); DELETE FROM checkpoints;
       DELETE FROM audit_units; DELETE FROM audit; DELETE FROM audit_head;`);
});

srv.test('verify after the upgrade passes, sealing the old events into a first checkpoint', async (t) => {
  if (!complaint) return t.skip('sqlite and python3 only');
  const r = await verify();
  assert.equal(r.code, 0, out(r));
  assert.match(r.stdout, /1 checkpoints match/, out(r));
});

srv.test('the server writes keyed events after the old ones, and verify passes', async (t) => {
  if (!complaint) return t.skip('sqlite and python3 only');
  await srv.spawnServer('serve');
  await srv.step('pd01', complaint.id, 'accept', {});
  await srv.stop();
  const r = await verify();
  assert.equal(r.code, 0, out(r));
});

srv.test('an old event edited with its unkeyed chain recomputed is caught by the first checkpoint', async (t) => {
  if (!complaint) return t.skip('sqlite and python3 only');
  const backup = `${srv.dbPath}.bak`;
  sql(`VACUUM INTO '${backup}'`);
  // A complaint all of whose events are old: its comment's text edited.
  assert.equal(rehash(`id = ${commented.id}`, '"text":"pii1:', '"text":"pii1:T'), '1');
  const r = await verify();
  assert.equal(r.code, 1, out(r));
  assert.match(r.stdout, /checkpoint 1: the events up to #\d+ are not the ones it recorded/, out(r));
  execFileSync('cp', [backup, srv.dbPath]);
  execFileSync('rm', ['-f', `${srv.dbPath}-wal`, `${srv.dbPath}-shm`]);
  assert.equal((await verify()).code, 0);
});

srv.test('the epoch moved forward (so that keyed events would pass unkeyed) is caught', async (t) => {
  if (!complaint) return t.skip('sqlite and python3 only');
  sql(`UPDATE config SET value = '1000000 ' || substr(value, instr(value, ' ') + 1) WHERE key = 'chain_epoch'`);
  const r = await verify();
  assert.equal(r.code, 1, out(r));
  assert.match(r.stdout, /epoch/, out(r));
});
