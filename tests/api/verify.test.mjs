// Integrity through the CLI: `redress verify --db URL` exits 0 on an intact
// database and non-zero, naming what is wrong, after rows were changed
// behind the system's back. On sqlite the rows are edited with the sqlite3
// CLI and the database is restored from a backup after each case; on
// PostgreSQL with psql, and the database is restored from a copy made with
// CREATE DATABASE … TEMPLATE (the server is stopped by then).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { useServer, runCli, runSqlite, runPsql, pgCreateDatabase, pgDropDatabase, describe } from './lib.mjs';

const srv = useServer();
const MARKER = `MARKER${process.pid}X`;
let complaint = null;
let pristine = null;
let payloadCol = null; // the events column holding the payload JSON

function haveSqlite3() {
  try { execFileSync('sqlite3', ['-version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

function out(r) {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

const namesNumber = (text, n) => new RegExp(`(^|[^0-9])${n}([^0-9]|$)`).test(text);

async function verify(url = srv.dbUrl) {
  return runCli(['verify', '--db', url], { timeoutMs: 120000 });
}

async function restore() {
  await runSqlite(srv.dbPath, `.restore '${pristine}'`);
  const r = await verify();
  assert.equal(r.code, 0, `after restoring the pristine copy verify passes again:\n${out(r)}`);
}

srv.test('setup: a complaint with a few steps', async () => {
  const c = await srv.intake('agent1');
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01', note: `请核实 ${MARKER}` });
  await srv.step('pd01', c.id, 'accept', { note: '已签收' });
  complaint = await srv.step('agent1', c.id, 'comment', { text: '客户再次来电催办' });
  assert.equal(complaint.status, 'processing');
});

srv.test('verify exits 0 on the demo database while the server runs', async () => {
  const r = await verify();
  assert.equal(r.code, 0, out(r));
});

srv.test('verify exits 0 on the demo database after a clean shutdown', async () => {
  await srv.stop();
  const r = await verify();
  assert.equal(r.code, 0, out(r));
});

srv.test('verify of a database that does not exist fails', async () => {
  const r = await runCli(['verify', '--db', `sqlite:${path.join(srv.tmp, 'no-such-dir', 'none.db')}`]);
  assert.notEqual(r.code, 0, out(r));
});

srv.test('tampering with an event payload is detected and the event named', async (t) => {
  if (!srv.isSqlite) return t.skip('not a sqlite database');
  if (!haveSqlite3()) return t.skip('sqlite3 CLI missing (apt-get install -y sqlite3)');
  pristine = path.join(srv.tmp, 'pristine.db');
  await runSqlite(srv.dbPath, `.backup '${pristine}'`);

  const cols = (await runSqlite(srv.dbPath, "SELECT name FROM pragma_table_info('events');")).trim().split('\n');
  assert.ok(cols.includes('id'), `events has an id column: ${cols}`);
  payloadCol = ['payload', 'body'].find((c) => cols.includes(c));
  assert.ok(payloadCol, `events has a payload (or body) column: ${cols}`);
  // The dispatch note is sealed (customer data may be in it), so the marker
  // is not readable in the table: the event is found by its action, and the
  // sealed note is edited as it is stored — verification needs no key.
  assert.equal(await runSqlite(srv.dbPath, `SELECT count(*) FROM events WHERE CAST(${payloadCol} AS TEXT) LIKE '%${MARKER}%';`), '0\n',
    'the note is not stored in clear');
  const ids = (await runSqlite(srv.dbPath, `SELECT id FROM events WHERE complaint_id = ${complaint.id} AND action = 'dispatch';`)).trim().split('\n').filter(Boolean);
  assert.equal(ids.length, 1, `exactly one dispatch event: ${ids}`);
  const eventId = ids[0];
  const changed = (await runSqlite(srv.dbPath,
    `UPDATE events SET ${payloadCol} = replace(CAST(${payloadCol} AS TEXT), '"note":"pii1:', '"note":"pii1:T') WHERE id = ${eventId}; SELECT changes();`)).trim();
  assert.equal(changed, '1');

  const r = await verify();
  t.diagnostic(`verify after editing event ${eventId}: ${out(r).slice(0, 600)}`);
  assert.notEqual(r.code, 0, `verify must fail after an event was edited:\n${out(r)}`);
  const text = r.stdout + r.stderr;
  assert.ok(namesNumber(text, eventId) || text.includes(complaint.number),
    `the output names event ${eventId} (or its complaint ${complaint.number}):\n${out(r)}`);
  await restore();
});

srv.test('tampering with an event hash is detected', async (t) => {
  if (!srv.isSqlite || !haveSqlite3() || !pristine || !payloadCol) return t.skip('sqlite only');
  const cols = (await runSqlite(srv.dbPath, "SELECT name FROM pragma_table_info('events');")).trim().split('\n');
  if (!cols.includes('hash')) return t.skip(`no hash column: ${cols}`);
  const id = (await runSqlite(srv.dbPath, `SELECT id FROM events WHERE complaint_id = ${complaint.id} AND action = 'dispatch';`)).trim();
  await runSqlite(srv.dbPath, `UPDATE events SET hash = CASE WHEN typeof(hash) = 'blob' THEN zeroblob(length(hash)) ELSE '${'0'.repeat(64)}' END WHERE id = ${id};`);
  const r = await verify();
  assert.notEqual(r.code, 0, `verify must fail after a hash was edited:\n${out(r)}`);
  await restore();
});

srv.test('deleting an event from the middle of a history is detected', async (t) => {
  if (!srv.isSqlite || !haveSqlite3() || !pristine) return t.skip('sqlite only');
  const cols = (await runSqlite(srv.dbPath, "SELECT name FROM pragma_table_info('events');")).trim().split('\n');
  const fk = cols.find((c) => c === 'complaint_id' || c === 'complaint');
  if (!fk) return t.skip(`no complaint column in events: ${cols}`);
  const ids = (await runSqlite(srv.dbPath, `SELECT id FROM events WHERE ${fk} = ${complaint.id} ORDER BY id;`)).trim().split('\n').filter(Boolean);
  assert.ok(ids.length >= 4, `the complaint has 4 events: ${ids}`);
  await runSqlite(srv.dbPath, `PRAGMA foreign_keys = OFF; DELETE FROM events WHERE id = ${ids[2]};`);
  const r = await verify();
  assert.notEqual(r.code, 0, `verify must fail after an event was deleted:\n${out(r)}`);
  await restore();
});

srv.test('editing a complaints row (status) is reported as a projection mismatch', async (t) => {
  if (!srv.isSqlite || !haveSqlite3() || !pristine) return t.skip('sqlite only');
  const changed = (await runSqlite(srv.dbPath, `UPDATE complaints SET status = 'closed' WHERE id = ${complaint.id}; SELECT changes();`)).trim();
  assert.equal(changed, '1', 'complaints has id and status columns');
  const r = await verify();
  t.diagnostic(`verify after editing complaint ${complaint.id}: ${out(r).slice(0, 600)}`);
  assert.notEqual(r.code, 0, `verify must fail when the complaint row disagrees with its events:\n${out(r)}`);
  const text = r.stdout + r.stderr;
  assert.ok(text.includes(complaint.number) || namesNumber(text, complaint.id),
    `the output names complaint ${complaint.number} (id ${complaint.id}):\n${out(r)}`);
  assert.match(text, /status|projection|mismatch|differ/i, `the output says what differs:\n${out(r)}`);
  await restore();
});

// ---- the same edits on PostgreSQL (psql) ----

let pgPristine = null; // a database made from the stopped server's database
let pgEventId = null;

async function pgSql(sql) { return (await runPsql(srv.dbUrl, sql)).trim(); }

async function pgRestore() {
  await pgDropDatabase(srv.pgAdminUrl, srv.pgDb);
  await runPsql(srv.pgAdminUrl, `CREATE DATABASE "${srv.pgDb}" TEMPLATE "${pgPristine}"`);
  const r = await verify();
  assert.equal(r.code, 0, `after restoring the pristine copy verify passes again:\n${out(r)}`);
}

srv.test('postgresql: tampering with an event body is detected and the event named', async (t) => {
  if (!srv.isPg || !srv.pgDb) return t.skip('not a postgresql database of its own');
  pgPristine = await pgCreateDatabase(srv.pgAdminUrl, srv.pgDb);
  // The note is sealed (see the sqlite case): found by action, edited as stored.
  assert.equal(await pgSql(`SELECT count(*) FROM events WHERE body LIKE '%${MARKER}%'`), '0', 'the note is not stored in clear');
  const ids = (await pgSql(`SELECT id FROM events WHERE complaint_id = ${complaint.id} AND action = 'dispatch'`)).split('\n').filter(Boolean);
  assert.equal(ids.length, 1, `exactly one dispatch event: ${ids}`);
  [pgEventId] = ids;
  const changed = await pgSql(`WITH u AS (UPDATE events SET body = replace(body, '"note":"pii1:', '"note":"pii1:T') WHERE id = ${pgEventId} RETURNING 1) SELECT count(*) FROM u`);
  assert.equal(changed, '1');
  const r = await verify();
  t.diagnostic(`verify after editing event ${pgEventId}: ${out(r).slice(0, 600)}`);
  assert.notEqual(r.code, 0, `verify must fail after an event was edited:\n${out(r)}`);
  const text = r.stdout + r.stderr;
  assert.ok(namesNumber(text, pgEventId) || text.includes(complaint.number),
    `the output names event ${pgEventId} (or its complaint ${complaint.number}):\n${out(r)}`);
  await pgRestore();
});

srv.test('postgresql: tampering with an event hash is detected', async (t) => {
  if (!srv.isPg || !pgPristine) return t.skip('postgresql only');
  await pgSql(`UPDATE events SET hash = decode(repeat('00', 32), 'hex') WHERE id = ${pgEventId}`);
  const r = await verify();
  assert.notEqual(r.code, 0, `verify must fail after a hash was edited:\n${out(r)}`);
  await pgRestore();
});

srv.test('postgresql: deleting an event from the middle of a history is detected', async (t) => {
  if (!srv.isPg || !pgPristine) return t.skip('postgresql only');
  const ids = (await pgSql(`SELECT id FROM events WHERE complaint_id = ${complaint.id} ORDER BY id`)).split('\n').filter(Boolean);
  assert.ok(ids.length >= 4, `the complaint has 4 events: ${ids}`);
  await pgSql(`DELETE FROM events WHERE id = ${ids[2]}`);
  const r = await verify();
  assert.notEqual(r.code, 0, `verify must fail after an event was deleted:\n${out(r)}`);
  await pgRestore();
});

srv.test('postgresql: editing a complaints row (status) is reported as a projection mismatch', async (t) => {
  if (!srv.isPg || !pgPristine) return t.skip('postgresql only');
  // 7 = closed (core/complaint.h); the stored row no longer matches its events.
  const changed = await pgSql(`WITH u AS (UPDATE complaints SET status = 7 WHERE id = ${complaint.id} RETURNING 1) SELECT count(*) FROM u`);
  assert.equal(changed, '1');
  const r = await verify();
  assert.notEqual(r.code, 0, `verify must fail when the complaint row disagrees with its events:\n${out(r)}`);
  const text = r.stdout + r.stderr;
  assert.ok(text.includes(complaint.number) || namesNumber(text, complaint.id),
    `the output names complaint ${complaint.number} (id ${complaint.id}):\n${out(r)}`);
  assert.match(text, /status|projection|mismatch|differ/i, `the output says what differs:\n${out(r)}`);
  await pgRestore();
  await pgDropDatabase(srv.pgAdminUrl, pgPristine);
  pgPristine = null;
});

srv.test('the server starts again on the verified database and serves the complaint', async () => {
  await srv.spawnServer('serve');
  const c = await srv.get(complaint.id);
  assert.equal(c.status, 'processing');
  assert.equal(c.version, complaint.version);
  const more = await srv.act('agent1', complaint.id, 'comment', { text: '重启后备注' });
  assert.equal(more.status, 200, describe(more));
  await srv.stop();
  const r = await verify();
  assert.equal(r.code, 0, out(r));
});
