// `redress copy` and `redress migrate`: an installation on SQLite (demo data
// plus complaints walked through a few steps, sessions signed in) is moved
// into an empty database — PostgreSQL when REDRESS_TEST_DB_URL names a
// server (the move the command exists for), else a second SQLite file —
// and then works there as it did: every row is there, the event hashes and
// bodies are byte-identical, `redress verify` passes, old sessions and
// passwords work, and numbering and ids continue where they stopped. A
// second copy into the now full target is refused.

import assert from 'node:assert/strict';
import path from 'node:path';
import {
  useServer, Server, runCli, runSqlite, runPsql, isPgUrl, pgCreateDatabase, pgDropDatabase, pgDatabaseUrl,
  NUMBER_RE, localDate, DEMO_PASSWORD,
} from './lib.mjs';

// The source: always SQLite, in the harness's temp dir.
const PG = isPgUrl(process.env.REDRESS_TEST_DB_URL);
const src = useServer({ sqlite: true });
let target = null; // {url, pgDb}
let before = null; // what the source held
let session = null;

function out(r) {
  return `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

const TABLES = ['config', 'units', 'users', 'tokens', 'day_seq', 'complaints', 'events', 'daily_stats'];

async function countsSqlite(dbPath) {
  const sql = TABLES.map((t) => `SELECT '${t}', COUNT(*) FROM ${t};`).join(' ');
  return Object.fromEntries((await runSqlite(dbPath, sql)).trim().split('\n').map((l) => l.split('|')).map(([t, n]) => [t, Number(n)]));
}

async function countsTarget() {
  if (!PG) return countsSqlite(target.url.slice('sqlite:'.length));
  const sql = TABLES.map((t) => `SELECT '${t}', COUNT(*) FROM ${t}`).join(' UNION ALL ');
  return Object.fromEntries((await runPsql(target.url, sql)).trim().split('\n').map((l) => l.split('|')).map(([t, n]) => [t, Number(n)]));
}

// id|seq|hash hex|body of every event, in id order.
async function eventsSqlite(dbPath) {
  return (await runSqlite(dbPath, "SELECT id || '|' || seq || '|' || lower(hex(hash)) || '|' || lower(hex(prev)) || '|' || body FROM events ORDER BY id;")).trim();
}

async function eventsTarget() {
  if (!PG) return eventsSqlite(target.url.slice('sqlite:'.length));
  return (await runPsql(target.url, "SELECT id || '|' || seq || '|' || encode(hash, 'hex') || '|' || encode(prev, 'hex') || '|' || body FROM events ORDER BY id")).trim();
}

src.test('setup: a SQLite installation with complaints in several states and a session', async () => {
  assert.ok(src.isSqlite, `the source is sqlite: ${src.dbUrl}`);
  const c1 = await src.intake('agent1');
  await src.step('agent1', c1.id, 'dispatch', { unit: 'SH-PD-01', note: '请核实' });
  await src.step('pd01', c1.id, 'accept', { note: '已签收' });
  await src.step('agent1', c1.id, 'comment', { text: '迁移前的备注 · 中文' });
  await src.intake('agent2');
  session = await src.login('agent1');
  await src.stop();
  before = await countsSqlite(src.dbPath);
  assert.ok(before.complaints >= 40 && before.events > before.complaints, JSON.stringify(before));
});

src.test('copy into an empty target: counts, verification and a summary', async () => {
  if (PG) {
    const name = await pgCreateDatabase(process.env.REDRESS_TEST_DB_URL);
    target = { url: pgDatabaseUrl(process.env.REDRESS_TEST_DB_URL, name), pgDb: name };
  } else {
    target = { url: `sqlite:${path.join(src.tmp, 'target.db')}` };
  }
  const r = await runCli(['copy', '--from', src.dbUrl, '--to', target.url], { timeoutMs: 120000 });
  assert.equal(r.code, 0, out(r));
  assert.match(r.stdout, /complaints\s+\d+ rows/, out(r));
  assert.match(r.stdout, /events\s+\d+ rows/, out(r));
  assert.match(r.stdout, /verified: \d+ complaints/, out(r));
  const after = await countsTarget();
  assert.deepEqual(after, before, 'every table has the same number of rows');
});

src.test('event hashes, chains and bodies are byte-identical; redress verify passes on the target', async () => {
  const a = await eventsSqlite(src.dbPath);
  const b = await eventsTarget();
  assert.ok(a.length > 0);
  assert.equal(b, a);
  const v = await runCli(['verify', '--db', target.url], { timeoutMs: 120000 });
  assert.equal(v.code, 0, out(v));
});

src.test('redress migrate reports the schema version, twice', async () => {
  const r1 = await runCli(['migrate', '--db', target.url]);
  assert.equal(r1.code, 0, out(r1));
  const m = r1.stdout.match(/schema version (\d+)/);
  assert.ok(m, out(r1));
  const r2 = await runCli(['migrate', '--db', target.url]);
  assert.equal(r2.code, 0, out(r2));
  assert.equal(r2.stdout.match(/schema version (\d+)/)[1], m[1], 'nothing new the second time');
  const rs = await runCli(['migrate', '--db', src.dbUrl]);
  assert.equal(rs.stdout.match(/schema version (\d+)/)?.[1], m[1], `both stores are at one version: ${out(rs)}`);
});

src.test('the moved installation works: sessions, passwords, numbering and ids continue', async () => {
  const node = new Server({ command: 'serve', dbUrl: target.url });
  try {
    await node.start();
    // The session signed in on SQLite is still valid.
    const me = await node.api('GET', '/auth/me', { token: session });
    assert.equal(me.status, 200, `old session: ${me.status} ${me.text}`);
    // Passwords moved with their hashes.
    await node.login('super1', DEMO_PASSWORD);
    const old = (await runSqlite(src.dbPath, 'SELECT MAX(id) FROM complaints;')).trim();
    const today = localDate().replaceAll('-', '');
    const lastToday = (await runSqlite(src.dbPath, `SELECT COALESCE(MAX(seq), 0) FROM day_seq WHERE day = '${today}';`)).trim();
    const c = await node.intake('agent1');
    const [, , day, seq] = c.number.match(NUMBER_RE);
    assert.ok(c.id > Number(old), `a new id (${c.id}) continues after the copied ones (${old})`);
    if (day === today) assert.equal(Number(seq), Number(lastToday) + 1, `numbering continues: ${c.number} after ${lastToday}`);
    const first = await node.get(1);
    assert.match(first.number, NUMBER_RE);
  } finally {
    await node.stop();
    await node.cleanup();
  }
});

src.test('a copy into a database that is not empty is refused', async () => {
  const r = await runCli(['copy', '--from', src.dbUrl, '--to', target.url], { timeoutMs: 120000 });
  assert.notEqual(r.code, 0, out(r));
  assert.match(r.stderr, /not empty/, out(r));
  if (target.pgDb) await pgDropDatabase(process.env.REDRESS_TEST_DB_URL, target.pgDb);
});
