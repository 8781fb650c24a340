// API tokens for other systems: made by administrators, named, limited to
// some of the user's roles and to a unit subtree within the user's scope
// (never more than the user has), shown once, stored hashed, revocable;
// creating and revoking are in the audit log.

import assert from 'node:assert/strict';
import { useServer, runSqlite, DEMO_PASSWORD, intakeBody, describe } from './lib.mjs';

const srv = useServer();

async function makeToken(body) {
  const r = await srv.as('admin', 'POST', '/tokens', { body });
  return r;
}

srv.test('setup: a user with two roles', async () => {
  const r = await srv.as('admin', 'POST', '/users', {
    body: { username: 'twohats', name: '双角色', password: DEMO_PASSWORD, roles: ['agent', 'supervisor'], unit: 'SH-CSC' },
  });
  assert.equal(r.status, 201, describe(r));
});

srv.test('a token limited to one of the user\'s roles cannot use the other', async () => {
  const full = await makeToken({ name: 'full', username: 'twohats' });
  assert.equal(full.status, 201, describe(full));
  assert.deepEqual(full.json.roles.sort(), ['agent', 'supervisor']);
  const agentOnly = await makeToken({ name: 'intake-only', username: 'twohats', roles: ['agent'] });
  assert.equal(agentOnly.status, 201, describe(agentOnly));
  assert.deepEqual(agentOnly.json.roles, ['agent']);
  assert.match(agentOnly.json.token, /^rd_t_/);
  assert.equal((await srv.api('GET', '/supervisions', { token: full.json.token })).status, 200);
  const refused = await srv.api('GET', '/supervisions', { token: agentOnly.json.token });
  assert.equal(refused.status, 403, describe(refused));
  const me = await srv.api('GET', '/auth/me', { token: agentOnly.json.token });
  assert.deepEqual(me.json.roles, ['agent']);
  const intake = await srv.api('POST', '/complaints', { token: agentOnly.json.token, body: intakeBody() });
  assert.equal(intake.status, 201, 'what the role allows still works');
});

srv.test('a token limited to a unit sees only that subtree', async () => {
  const c1 = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  await srv.step('agent1', c1.id, 'dispatch', { unit: 'SH-PD-01' });
  const c2 = await srv.intake('agent1', { subject_unit: 'SH-PD-02' });
  await srv.step('agent1', c2.id, 'dispatch', { unit: 'SH-PD-02' });
  const t = await makeToken({ name: 'site-01-sync', username: 'pdmgr', unit: 'SH-PD-01' });
  assert.equal(t.status, 201, describe(t));
  assert.equal(t.json.unit.code, 'SH-PD-01');
  const mgr = await srv.as('pdmgr', 'GET', `/complaints/${c2.id}`);
  assert.equal(mgr.status, 200, 'the supervisor of the region sees both');
  assert.equal((await srv.api('GET', `/complaints/${c1.id}`, { token: t.json.token })).status, 200);
  const other = await srv.api('GET', `/complaints/${c2.id}`, { token: t.json.token });
  assert.equal(other.status, 404, `outside the token's unit: ${describe(other)}`);
  const byNumber = await srv.api('GET', `/complaints/${c2.number}`, { token: t.json.token });
  assert.equal(byNumber.status, 404);
});

srv.test('never more than the user has: roles they lack and units outside their scope are refused', async () => {
  let r = await makeToken({ name: 'x', username: 'pd01', roles: ['supervisor'] });
  assert.equal(r.status, 422, describe(r));
  assert.equal(r.json.error.field, 'roles');
  r = await makeToken({ name: 'x', username: 'pd01', roles: ['nonsense'] });
  assert.equal(r.status, 422);
  r = await makeToken({ name: 'x', username: 'pd01', unit: 'SH-MH' });
  assert.equal(r.status, 422, describe(r));
  assert.equal(r.json.error.field, 'unit');
  r = await makeToken({ name: 'x', username: 'pd01', unit: 'NO-SUCH' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'unit');
  r = await makeToken({ name: '', username: 'pd01' });
  assert.equal(r.json.error.field, 'name');
  r = await makeToken({ name: 'x', username: 'nobody-here' });
  assert.equal(r.json.error.field, 'username');
});

srv.test('the secret is shown once and stored only as a hash', async (t) => {
  const made = await makeToken({ name: 'shown-once', username: 'agent1' });
  const list = await srv.as('admin', 'GET', '/tokens');
  const row = list.json.items.find((x) => x.id === made.json.id);
  assert.ok(row, 'listed');
  assert.equal(row.name, 'shown-once');
  assert.equal(row.user.username, 'agent1');
  assert.equal(row.created_by.username, 'admin');
  assert.ok(!list.text.includes(made.json.token.slice(5)), 'the list never shows a secret');
  if (!srv.isSqlite) return t.skip('the database file check is for sqlite');
  const hits = await runSqlite(srv.dbPath, `SELECT count(*) FROM tokens WHERE CAST(hash AS TEXT) LIKE '%${made.json.token.slice(5, 20)}%' OR name LIKE '%${made.json.token.slice(5, 20)}%'`);
  assert.equal(hits.trim(), '0');
});

srv.test('a revoked token stops at once; revoking is audited', async () => {
  const made = await makeToken({ name: 'to-revoke', username: 'agent1' });
  assert.equal((await srv.api('GET', '/auth/me', { token: made.json.token })).status, 200);
  const d = await srv.as('admin', 'DELETE', `/tokens/${made.json.id}`);
  assert.equal(d.status, 204);
  const after = await srv.api('GET', '/auth/me', { token: made.json.token });
  assert.equal(after.status, 401);
  assert.equal((await srv.as('admin', 'DELETE', `/tokens/${made.json.id}`)).status, 404, 'twice is not found');
  const log = await srv.as('auditor1', 'GET', `/audit?subject=token:${made.json.id}`);
  assert.deepEqual(log.json.items.map((x) => x.action), ['token_revoke', 'token_create']);
  assert.equal(log.json.items[1].detail.username, 'agent1');
});

srv.test('only administrators manage tokens', async () => {
  for (const who of ['agent1', 'super1', 'manager1', 'auditor1']) {
    assert.equal((await srv.as(who, 'GET', '/tokens')).status, 403, who);
    assert.equal((await srv.as(who, 'POST', '/tokens', { body: { name: 'x' } })).status, 403, who);
  }
});
