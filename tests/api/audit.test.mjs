// The audit log: sign-ins, failed sign-ins, denials, password changes,
// token and user changes are entries of one hash chain; auditors and
// administrators list them by user, action, subject and time with a
// cursor; everyone else is refused; `redress verify` checks the chain and
// names the first entry that was edited or removed behind the system's back.

import assert from 'node:assert/strict';
import path from 'node:path';
import { useServer, runCli, runSqlite, runPsql, DEMO_PASSWORD, describe } from './lib.mjs';

const srv = useServer();

async function audit(query = '', who = 'auditor1') {
  const r = await srv.as(who, 'GET', `/audit${query}`);
  assert.equal(r.status, 200, describe(r));
  return r.json;
}

async function userId(username) {
  const r = await srv.as('admin', 'GET', '/users');
  const u = r.json.items.find((x) => x.username === username);
  assert.ok(u, `user ${username} exists`);
  return u.id;
}

function out(r) {
  return `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

srv.test('a sign-in is an entry with the user, the address and a hash', async () => {
  await srv.login('pd01');
  const id = await userId('pd01');
  const { items } = await audit(`?user=pd01&action=login`);
  assert.ok(items.length >= 1, 'one login entry for pd01');
  const e = items[0];
  assert.equal(e.action, 'login');
  assert.equal(e.actor.username, 'pd01');
  assert.equal(e.subject, `user:${id}`);
  assert.equal(e.ip, '127.0.0.1');
  assert.match(e.hash, /^[0-9a-f]{64}$/);
  assert.match(e.at, /^\d{4}-\d\d-\d\dT/);
});

srv.test('a failed sign-in is an entry naming the account tried, without the password', async () => {
  const r = await srv.api('POST', '/auth/login', { body: { username: 'pd02', password: 'wrong-password-1' } });
  assert.equal(r.status, 401);
  const { items } = await audit(`?action=login_failed&subject=user:${await userId('pd02')}`);
  assert.equal(items.length, 1, JSON.stringify(items));
  assert.equal(items[0].actor, null, 'nobody is signed in yet');
  assert.equal(items[0].detail.username, 'pd02');
  assert.ok(!JSON.stringify(items[0]).includes('wrong-password-1'), 'the password is not recorded');
  const unknown = await srv.api('POST', '/auth/login', { body: { username: 'nobody-here', password: 'x-y-z-123' } });
  assert.equal(unknown.status, 401);
  const all = await audit('?action=login_failed');
  assert.ok(all.items.some((x) => x.detail.username === 'nobody-here' && x.subject === null));
});

srv.test('a role denial is recorded as "denied" with the endpoint', async () => {
  const r = await srv.as('agent1', 'GET', '/tokens');
  assert.equal(r.status, 403);
  const { items } = await audit('?user=agent1&action=denied');
  assert.equal(items.length, 1);
  assert.equal(items[0].subject, 'endpoint:GET /api/v1/tokens');
  assert.equal(items[0].detail.method, 'GET');
});

srv.test('creating a user, a token and revoking it are entries', async () => {
  const u = await srv.as('admin', 'POST', '/users', {
    body: { username: 'audited1', name: '审计测试', password: DEMO_PASSWORD, roles: ['handler'], unit: 'SH-PD-01' },
  });
  assert.equal(u.status, 201, describe(u));
  const t = await srv.as('admin', 'POST', '/tokens', { body: { name: 'audit-test' } });
  assert.equal(t.status, 201, describe(t));
  const d = await srv.as('admin', 'DELETE', `/tokens/${t.json.id}`);
  assert.equal(d.status, 204);
  const { items } = await audit('?user=admin');
  const actions = items.map((x) => `${x.action} ${x.subject}`);
  assert.ok(actions.includes(`user_create user:${u.json.id}`), actions.join('\n'));
  assert.ok(actions.includes(`token_create token:${t.json.id}`), actions.join('\n'));
  assert.ok(actions.includes(`token_revoke token:${t.json.id}`), actions.join('\n'));
  assert.ok(!JSON.stringify(items).includes(t.json.token), 'the token secret is not recorded');
});

srv.test('a password change and a sign-out are entries', async () => {
  const tok = await srv.login('audited1');
  const p = await srv.api('POST', '/auth/password', {
    token: tok, body: { old_password: DEMO_PASSWORD, new_password: 'another-pass-1' },
  });
  assert.equal(p.status, 204, describe(p));
  const o = await srv.api('POST', '/auth/logout', { token: tok });
  assert.equal(o.status, 204);
  const { items } = await audit('?user=audited1');
  assert.deepEqual(items.slice(0, 3).map((x) => x.action), ['logout', 'password_change', 'login']);
});

srv.test('only auditors and administrators read the log', async () => {
  for (const who of ['agent1', 'pd01', 'super1', 'manager1']) {
    const r = await srv.as(who, 'GET', '/audit');
    assert.equal(r.status, 403, `${who}: ${describe(r)}`);
  }
  assert.equal((await srv.as('admin', 'GET', '/audit')).status, 200);
  assert.equal((await srv.api('GET', '/audit')).status, 401);
});

srv.test('newest first, a cursor for the next page, and a time window', async () => {
  const first = await audit('?limit=2');
  assert.equal(first.items.length, 2);
  assert.ok(first.items[0].seq > first.items[1].seq, 'newest first');
  assert.ok(first.next_cursor, 'more pages');
  const second = await audit(`?limit=2&cursor=${first.next_cursor}`);
  assert.ok(second.items[0].seq < first.items[1].seq, 'the next page continues below');
  const future = await audit('?from=2100-01-01');
  assert.equal(future.items.length, 0);
  const today = await audit(`?to=2100-01-01&action=login`);
  assert.ok(today.items.length >= 2);
});

srv.test('bad filters are refused naming the parameter', async () => {
  for (const [q, field] of [['?limit=0', 'limit'], ['?from=yesterday', 'from'], ['?cursor=x', 'cursor'],
    ['?user=no-such-user', 'user'], ['?action=a%20b', 'action']]) {
    const r = await srv.as('auditor1', 'GET', `/audit${q}`);
    assert.equal(r.status, 400, `${q}: ${describe(r)}`);
    assert.equal(r.json.error.field, field);
  }
});

// ---- the chain under `redress verify` ----

async function sql(text) {
  return srv.isSqlite ? runSqlite(srv.dbPath, text) : runPsql(srv.dbUrl, text);
}

srv.test('verify checks the audit chain and names an edited entry', async () => {
  const { items } = await audit('?user=agent1&action=denied&subject=endpoint:GET%20/api/v1/tokens');
  assert.equal(items.length, 1);
  const seq = items[0].seq;
  await srv.stop();
  let r = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(r.code, 0, out(r));
  assert.match(r.stdout, /audit entries/);
  const pristine = srv.isSqlite ? path.join(srv.tmp, 'audit-pristine.db') : null;
  if (pristine) await runSqlite(srv.dbPath, `.backup '${pristine}'`);

  // An edited subject: the entry's hash no longer matches.
  await sql(`UPDATE audit SET subject = 'endpoint:GET /api/v1/units' WHERE seq = ${seq}`);
  r = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(r.code, 1, out(r));
  assert.match(r.stdout, new RegExp(`audit entry ${seq} \\(denied`), out(r));
  await sql(`UPDATE audit SET subject = 'endpoint:GET /api/v1/tokens' WHERE seq = ${seq}`);
  assert.equal((await runCli(['verify', '--db', srv.dbUrl])).code, 0, 'restored');

  // A removed entry: the next one no longer follows.
  await sql(`DELETE FROM audit WHERE seq = ${seq}`);
  r = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(r.code, 1, out(r));
  assert.match(r.stdout, new RegExp(`audit entry ${seq + 1} .*missing`), out(r));
  if (pristine) {
    await runSqlite(srv.dbPath, `.restore '${pristine}'`);
    assert.equal((await runCli(['verify', '--db', srv.dbUrl])).code, 0, 'restored');
  }
});
