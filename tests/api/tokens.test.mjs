// API tokens for other systems: made by administrators, named, limited to
// some of the user's roles and to a unit subtree within the user's scope
// (never more than the user has), shown once, stored hashed, revocable;
// creating and revoking are in the audit log. A token never hands out
// more than it holds itself: what it makes (tokens, users, units, grants)
// stays within its unit subtree and, for roles, within its own roles.

import assert from 'node:assert/strict';
import { useServer, runSqlite, DEMO_PASSWORD, intakeBody, describe, errorOf } from './lib.mjs';

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

// ---- a token's limits hold for what it makes -----------------------------------------------

// A 403 "forbidden" naming field.
function forbidden(r, field, what) {
  assert.equal(r.status, 403, `${what}: ${describe(r)}`);
  const e = errorOf(r);
  assert.equal(e.code, 'forbidden', what);
  if (field) assert.equal(e.field, field, what);
}

const limited = {}; // tokens made by the administrator's session, by name

async function userId(username) {
  const r = await srv.as('admin', 'GET', '/users');
  return r.json.items.find((u) => u.username === username).id;
}

srv.test('setup: an administrator of the Pudong region, and tokens limited to it and to admin', async () => {
  const r = await srv.as('admin', 'POST', '/users', {
    body: { username: 'pdadmin', name: '浦东管理员', password: DEMO_PASSWORD, roles: ['admin', 'handler'], unit: 'SH-PD' },
  });
  assert.equal(r.status, 201, describe(r));
  const pd = await makeToken({ name: 'pd-admin', username: 'admin', roles: ['admin'], unit: 'SH-PD' });
  assert.equal(pd.status, 201, describe(pd));
  limited.pd = pd.json.token;
  const adminOnly = await makeToken({ name: 'admin-only', username: 'admin', roles: ['admin'] });
  assert.equal(adminOnly.status, 201, describe(adminOnly));
  limited.adminOnly = adminOnly.json.token;
});

srv.test('a token limited to a unit mints no token for a user outside it', async () => {
  const mint = (body) => srv.api('POST', '/tokens', { token: limited.pd, body: { name: 'x', ...body } });
  forbidden(await mint({ username: 'admin' }), 'username', 'its own user at HQ');
  forbidden(await mint({ username: 'admin', unit: 'SH-PD-01' }), 'username', 'its own user, even narrowed');
  forbidden(await mint({ username: 'manager1' }), 'username', 'a manager of the branch');
  forbidden(await mint({ username: 'agent1' }), 'username', 'an agent of the service centre (which sees the branch)');
  const inside = await mint({ username: 'pdadmin' });
  assert.equal(inside.status, 201, describe(inside));
  assert.deepEqual(inside.json.roles, ['admin'], 'only the roles the token holds, made explicit');
  assert.equal(inside.json.unit.code, 'SH-PD');
  const me = await srv.api('GET', '/auth/me', { token: inside.json.token });
  assert.deepEqual(me.json.roles, ['admin']);
  const narrowed = await mint({ username: 'pdadmin', unit: 'SH-PD-01' });
  assert.equal(narrowed.status, 201, describe(narrowed));
  assert.equal(narrowed.json.unit.code, 'SH-PD-01');
});

srv.test('a token mints no token with a role it does not hold', async () => {
  const mint = (token, body) => srv.api('POST', '/tokens', { token, body: { name: 'x', ...body } });
  forbidden(await mint(limited.adminOnly, { username: 'agent1', roles: ['agent'] }), 'roles', 'agent from an admin token');
  forbidden(await mint(limited.adminOnly, { username: 'agent1' }), 'roles', 'all of an agent\'s roles');
  forbidden(await mint(limited.pd, { username: 'pdadmin', roles: ['handler'] }), 'roles', 'a role the user has, the token not');
  forbidden(await mint(limited.pd, { username: 'pd01' }), 'roles', 'a handler: no role in common');
  const same = await mint(limited.adminOnly, { username: 'admin', unit: 'SH' });
  assert.equal(same.status, 201, describe(same));
  assert.deepEqual(same.json.roles, ['admin']);
  const list = await srv.as('admin', 'GET', '/tokens');
  assert.deepEqual(list.json.items.find((t) => t.id === same.json.id).roles, ['admin'], 'stored limited, not "all of the user\'s"');
});

srv.test('a token limited to a unit administers users, units and grants only within it', async () => {
  const as = (method, path, body) => srv.api(method, path, { token: limited.pd, body });
  const user = { name: 'x', password: DEMO_PASSWORD, roles: ['admin'] };
  forbidden(await as('POST', '/users', { ...user, username: 'hq_by_token', unit: 'HQ' }), 'unit', 'a user at HQ');
  forbidden(await as('POST', '/users', { ...user, username: 'csc_by_token', unit: 'SH-CSC' }), 'unit', 'a user at the centre');
  forbidden(await as('POST', '/users', { ...user, username: 'agent_by_token', roles: ['agent'], unit: 'SH-PD-01' }), 'roles', 'a role the token lacks');
  const made = await as('POST', '/users', { ...user, username: 'pd01_admin', unit: 'SH-PD-01' });
  assert.equal(made.status, 201, describe(made));

  forbidden(await as('POST', '/units', { code: 'SH-X-T', name: '外部', type: 'region', parent: 'SH' }), 'parent', 'a unit of the branch');
  forbidden(await as('POST', '/units', { code: 'ROOT-T', name: '新根', type: 'hq' }), 'parent', 'a new root');
  const unit = await as('POST', '/units', { code: 'SH-PD-T9', name: '新站', type: 'site', parent: 'SH-PD' });
  assert.equal(unit.status, 201, describe(unit));

  const manager = await userId('manager1');
  forbidden(await as('PUT', `/users/${manager}/permissions/pii`, { granted: true }), null, 'the pii permission of a manager of the branch');
  forbidden(await as('DELETE', `/users/${manager}/permissions/pii`), null, 'resetting it');
  const granted = await as('PUT', `/users/${await userId('pd01')}/permissions/pii`, { granted: true });
  assert.equal(granted.status, 200, describe(granted));
  assert.equal(granted.json.permissions.pii, true);

  forbidden(await as('POST', '/config/versions', { reason: '越权', pack: {} }), null, 'the pack of the whole organisation');
  forbidden(await as('POST', '/config/versions/1/activate', { reason: '越权' }), null, 'a rollback');
  forbidden(await as('PUT', '/calendars/default', {}), null, 'a calendar');
  assert.equal((await as('GET', '/users')).status, 200, 'reading is not administering');
});

srv.test('a token limited to a unit revokes only tokens of users within it', async () => {
  const outside = await makeToken({ name: 'agent-sync', username: 'agent1' });
  forbidden(await srv.api('DELETE', `/tokens/${outside.json.id}`, { token: limited.pd }), null, 'a token of the centre');
  assert.equal((await srv.api('GET', '/auth/me', { token: outside.json.token })).status, 200, 'still valid');
  const inside = await makeToken({ name: 'pd-sync', username: 'pd01' });
  assert.equal((await srv.api('DELETE', `/tokens/${inside.json.id}`, { token: limited.pd })).status, 204);
  assert.equal((await srv.api('DELETE', '/tokens/999999', { token: limited.pd })).status, 404);
});

srv.test('a regional administrator\'s session is held to the region; the administrator at HQ keeps every right', async () => {
  const pd = await srv.login('pdadmin');
  forbidden(await srv.api('POST', '/tokens', { token: pd, body: { name: 'x', username: 'manager1' } }), 'username', 'region → branch');
  forbidden(await srv.api('POST', '/users', { token: pd, body: { username: 'hq_by_pd', name: 'x', password: DEMO_PASSWORD, roles: ['admin'], unit: 'HQ' } }), 'unit', 'region → HQ');
  const t = await srv.api('POST', '/tokens', { token: pd, body: { name: 'pd01-handler', username: 'pd01' } });
  assert.equal(t.status, 201, `a session gives the user's roles: ${describe(t)}`);
  assert.deepEqual(t.json.roles, ['handler']);
  const u = await srv.api('POST', '/users', { token: pd, body: { username: 'pd02_agent', name: 'x', password: DEMO_PASSWORD, roles: ['handler', 'supervisor'], unit: 'SH-PD-02' } });
  assert.equal(u.status, 201, describe(u));

  const manager = await makeToken({ name: 'mgr', username: 'manager1', roles: ['manager'] });
  assert.equal(manager.status, 201, describe(manager));
  const hq = await makeToken({ name: 'hq', username: 'admin' });
  assert.equal(hq.status, 201, describe(hq));
  const id = await userId('manager1');
  assert.equal((await srv.as('admin', 'PUT', `/users/${id}/permissions/pii`, { body: { granted: false } })).status, 200);
  assert.equal((await srv.as('admin', 'DELETE', `/users/${id}/permissions/pii`)).status, 200);
  const user = await srv.as('admin', 'POST', '/users', { body: { username: 'hq_admin2', name: 'x', password: DEMO_PASSWORD, roles: ['admin', 'agent'], unit: 'HQ' } });
  assert.equal(user.status, 201, describe(user));
});
