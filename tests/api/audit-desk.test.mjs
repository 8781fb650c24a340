// The audit log as the audit page uses it: the user an entry is about by
// name, the log exported as CSV or XLSX (itself recorded), and the chain
// check run on demand (GET /api/v1/audit/verify; auditors change nothing, and this only reads), which finds an entry
// changed behind the server's back.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, runSqlite, runPsql } from './lib.mjs';

const srv = useServer();

async function newUser(name) {
  const username = 'u' + Date.now().toString(36) + Math.floor(Math.random() * 1e4);
  const r = await srv.as('admin', 'POST', '/users', { body: { username, name, password: 'Kx7#pl2!vQ9m', roles: ['agent'], unit: 'SH-CSC' } });
  assert.equal(r.status, 201, describe(r));
  return r.json;
}

srv.test('an entry about a user carries the user by name', async () => {
  const u = await newUser('审计测试员');
  const r = await srv.as('auditor1', 'GET', '/audit?action=user_create&limit=5');
  assert.equal(r.status, 200, describe(r));
  const e = r.json.items.find((x) => x.subject === `user:${u.id}`);
  assert.ok(e, JSON.stringify(r.json.items.map((x) => x.subject)));
  assert.equal(e.subject_user.name, '审计测试员');
  assert.equal(e.subject_user.username, u.username);
  assert.equal((await srv.as('super1', 'GET', '/complaints?format=csv')).status, 200); // an entry about "complaints"
  const other = (await srv.as('auditor1', 'GET', '/audit?limit=200')).json.items.find((x) => !/^user:\d+$/.test(x.subject || ''));
  assert.ok(other, 'an entry about something else');
  assert.equal(other.subject_user, null, 'null for a subject that is not a user');
});

srv.test('the log exports as CSV and XLSX, masked, and each export is an entry', async () => {
  const u = await newUser('导出测试员');
  const csv = await srv.as('admin', 'GET', '/audit?action=user_create&format=csv');
  assert.equal(csv.status, 200, describe(csv));
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /audit\.csv/);
  assert.ok(csv.text.replace(/^\ufeff/, '').startsWith('序号,时间,用户,操作,对象'), csv.text.slice(0, 80));
  assert.ok(csv.text.includes(`user:${u.id}`), 'the entries of the filter');
  assert.ok(!csv.text.split('\n').slice(1).some((l) => l && !l.includes('user_create')), 'only those');
  const x = await srv.as('admin', 'GET', '/audit?format=xlsx&limit=10');
  assert.equal(x.status, 200, describe(x));
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  const log = (await srv.as('admin', 'GET', '/audit?action=audit_export&limit=2')).json.items;
  assert.deepEqual(log.map((e) => e.detail.format), ['xlsx', 'csv']);
  assert.ok(log[1].detail.rows >= 1);
  for (const [q, field] of [['format=pdf', 'format'], ['format=csv&clear=true', 'clear']]) {
    const bad = await srv.as('admin', 'GET', `/audit?${q}`);
    assert.equal(bad.status, 400, describe(bad));
    assert.equal(errorOf(bad).field, field);
  }
  assert.equal((await srv.as('super1', 'GET', '/audit?format=csv')).status, 403);
});

srv.test('the chain check runs on demand and finds an entry changed in the database', async () => {
  const ok = await srv.as('auditor1', 'GET', '/audit/verify');
  assert.equal(ok.status, 200, describe(ok));
  assert.equal(ok.json.intact, true, JSON.stringify(ok.json));
  assert.ok(ok.json.entries > 0);
  assert.equal(ok.json.problem, null);
  const rec = (await srv.as('admin', 'GET', '/audit?action=audit_verify&limit=1')).json.items[0];
  assert.equal(rec.detail.intact, true);
  assert.equal((await srv.as('super1', 'GET', '/audit/verify')).status, 403);

  // an entry rewritten behind the server's back
  const u = await newUser('篡改对象');
  const sql = `UPDATE audit SET ip = '10.9.9.9' WHERE subject = 'user:${u.id}'`;
  if (srv.isSqlite) await runSqlite(srv.dbPath, sql + ';');
  else await runPsql(srv.dbUrl, sql);
  const broken = await srv.as('admin', 'GET', '/audit/verify');
  assert.equal(broken.status, 200, describe(broken));
  assert.equal(broken.json.intact, false);
  assert.match(broken.json.problem, /\d/, broken.json.problem);
});
