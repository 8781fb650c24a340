// Authentication: login, the error shape of 401, tokens, logout, API tokens.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, DEMO_PASSWORD } from './lib.mjs';

const srv = useServer();

srv.test('health needs no token', async () => {
  const r = await srv.api('GET', '/health');
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.status, 'ok');
  assert.equal(typeof r.json.version, 'string');
  assert.equal(typeof r.json.store, 'string');
  assert.equal(r.json.store, srv.isSqlite ? 'sqlite' : r.json.store);
});

srv.test('login returns a token and the user with roles and unit', async () => {
  const r = await srv.api('POST', '/auth/login', { body: { username: 'agent1', password: DEMO_PASSWORD } });
  assert.equal(r.status, 200, describe(r));
  assert.equal(typeof r.json.token, 'string');
  assert.ok(r.json.token.length >= 16, 'token is long enough to be unguessable');
  assert.ok(r.json.token.startsWith('rd_s_'), `session token prefix rd_s_ (got ${r.json.token.slice(0, 6)}…)`);
  assert.equal(typeof r.json.expires_at, 'string');
  assert.ok(!Number.isNaN(Date.parse(r.json.expires_at)), 'expires_at is an instant');
  assert.ok(Date.parse(r.json.expires_at) > Date.now(), 'expires_at is in the future');
  const u = r.json.user;
  assert.equal(u.username, 'agent1');
  assert.equal(typeof u.id, 'number');
  assert.equal(typeof u.name, 'string');
  assert.deepEqual(u.roles, ['agent']);
  assert.equal(u.unit.code, 'SH-CSC');
  assert.equal(typeof u.unit.id, 'number');
  assert.equal(typeof u.unit.name, 'string');
  assert.ok(!('password' in u) && !('password_hash' in u), 'no password material in the user');
});

srv.test('roles and units of the demo users', async () => {
  const expected = {
    admin: ['admin', 'HQ'],
    agent2: ['agent', 'SH-CSC'],
    super1: ['supervisor', 'SH-CSC'],
    pd01: ['handler', 'SH-PD-01'],
    ops1: ['handler', 'SH-OPS'],
    manager1: ['manager', 'SH'],
  };
  for (const [username, [role, unit]] of Object.entries(expected)) {
    const r = await srv.api('POST', '/auth/login', { body: { username, password: DEMO_PASSWORD } });
    assert.equal(r.status, 200, `${username}: ${describe(r)}`);
    assert.ok(r.json.user.roles.includes(role), `${username} has role ${role}: ${JSON.stringify(r.json.user.roles)}`);
    assert.equal(r.json.user.unit.code, unit, `${username}'s unit`);
  }
  const a = await srv.api('POST', '/auth/login', { body: { username: 'auditor1', password: DEMO_PASSWORD } });
  assert.equal(a.status, 200, describe(a));
  assert.ok(a.json.user.roles.includes('auditor'));
});

srv.test('GET /auth/me describes the caller', async () => {
  const token = await srv.login('pd01');
  const r = await srv.api('GET', '/auth/me', { token });
  assert.equal(r.status, 200, describe(r));
  const u = r.json.user || r.json; // "same shape as user"
  assert.equal(u.username, 'pd01');
  assert.ok(u.roles.includes('handler'));
  assert.equal(u.unit.code, 'SH-PD-01');
});

srv.test('a wrong password or an unknown user gives 401 with the same message', async () => {
  const wrong = await srv.api('POST', '/auth/login', { body: { username: 'manager1', password: 'not-the-password' } });
  assert.equal(wrong.status, 401, describe(wrong));
  const e1 = errorOf(wrong);
  assert.equal(e1.code, 'unauthenticated');
  assert.ok(!('token' in wrong.json), 'no token on failure');

  const unknown = await srv.api('POST', '/auth/login', { body: { username: 'nobody-such-user', password: 'x-y-z-w' } });
  assert.equal(unknown.status, 401, describe(unknown));
  const e2 = errorOf(unknown);
  assert.equal(e2.code, 'unauthenticated');
  assert.equal(e2.message, e1.message, 'the same message for an unknown user and a wrong password');
});

srv.test('login with a body that is not JSON gives 400 bad_json', async () => {
  const r = await srv.api('POST', '/auth/login', { raw: '{"username": "agent1", ' });
  assert.equal(r.status, 400, describe(r));
  assert.equal(errorOf(r).code, 'bad_json');
});

srv.test('no token, a bad token or a malformed header gives 401 on /complaints', async () => {
  const none = await srv.api('GET', '/complaints');
  assert.equal(none.status, 401, describe(none));
  assert.equal(errorOf(none).code, 'unauthenticated');

  const bogus = await srv.api('GET', '/complaints', { token: 'rd_s_not-a-real-token-000000000000' });
  assert.equal(bogus.status, 401, describe(bogus));
  assert.equal(errorOf(bogus).code, 'unauthenticated');

  const basic = await srv.api('GET', '/complaints', { headers: { authorization: 'Basic YWdlbnQxOnJlZHJlc3MtZGVtbw==' } });
  assert.equal(basic.status, 401, describe(basic));
  assert.equal(errorOf(basic).code, 'unauthenticated');

  const post = await srv.api('POST', '/complaints', { body: { channel: 'phone' } });
  assert.equal(post.status, 401, `intake without a token: ${describe(post)}`);
  assert.equal(errorOf(post).code, 'unauthenticated');
});

srv.test('a valid token is accepted on /complaints', async () => {
  const token = await srv.login('agent1');
  const r = await srv.api('GET', '/complaints?limit=1', { token });
  assert.equal(r.status, 200, describe(r));
  assert.ok(Array.isArray(r.json.items));
});

srv.test('logout ends the session: the token stops working', async () => {
  const login = await srv.api('POST', '/auth/login', { body: { username: 'agent2', password: DEMO_PASSWORD } });
  assert.equal(login.status, 200, describe(login));
  const token = login.json.token;
  assert.equal((await srv.api('GET', '/auth/me', { token })).status, 200);

  const out = await srv.api('POST', '/auth/logout', { token });
  assert.equal(out.status, 204, describe(out));

  const me = await srv.api('GET', '/auth/me', { token });
  assert.equal(me.status, 401, `after logout: ${describe(me)}`);
  assert.equal(errorOf(me).code, 'unauthenticated');
  const list = await srv.api('GET', '/complaints', { token });
  assert.equal(list.status, 401, `after logout: ${describe(list)}`);

  // Other sessions of the same user are not affected.
  const other = await srv.api('POST', '/auth/login', { body: { username: 'agent2', password: DEMO_PASSWORD } });
  assert.equal(other.status, 200);
  assert.notEqual(other.json.token, token, 'a new session gets a new token');
  assert.equal((await srv.api('GET', '/auth/me', { token: other.json.token })).status, 200);
});

srv.test('an API token created by admin works as Bearer, is shown once, and can be revoked', async () => {
  const admin = await srv.login('admin');
  const name = `crm-sync-${process.pid}`;
  const c = await srv.api('POST', '/tokens', { token: admin, body: { name, username: 'agent1' } });
  assert.ok(c.status === 201 || c.status === 200, describe(c));
  const apiToken = c.json.token;
  assert.equal(typeof apiToken, 'string');
  assert.ok(apiToken.startsWith('rd_t_'), `API token prefix rd_t_ (got ${apiToken.slice(0, 6)}…)`);
  assert.equal(c.json.name, name);

  // It acts as agent1.
  const me = await srv.api('GET', '/auth/me', { token: apiToken });
  assert.equal(me.status, 200, describe(me));
  assert.equal((me.json.user || me.json).username, 'agent1');
  const list = await srv.api('GET', '/complaints?limit=1', { token: apiToken });
  assert.equal(list.status, 200, describe(list));

  // Listed by name, never shown again.
  const l = await srv.api('GET', '/tokens', { token: admin });
  assert.equal(l.status, 200, describe(l));
  const items = l.json.items || l.json;
  assert.ok(Array.isArray(items), `GET /tokens lists tokens: ${l.text}`);
  const mine = items.find((t) => t.name === name);
  assert.ok(mine, `token ${name} listed: ${l.text}`);
  assert.ok(!l.text.includes(apiToken), 'GET /tokens must not reveal the token');
  assert.ok(!l.text.includes(apiToken.slice(5)), 'GET /tokens must not reveal the secret part of the token');

  // Revoke: it stops working.
  assert.ok(mine.id !== undefined, 'listed token has an id');
  const d = await srv.api('DELETE', `/tokens/${mine.id}`, { token: admin });
  assert.ok(d.status === 204 || d.status === 200, describe(d));
  const after = await srv.api('GET', '/complaints?limit=1', { token: apiToken });
  assert.equal(after.status, 401, `revoked token: ${describe(after)}`);
});

srv.test('only admin may create API tokens', async () => {
  for (const user of ['agent1', 'super1', 'manager1', 'pd01']) {
    const r = await srv.as(user, 'POST', '/tokens', { body: { name: `x-${user}`, username: user } });
    assert.equal(r.status, 403, `${user}: ${describe(r)}`);
    assert.equal(errorOf(r).code, 'forbidden');
  }
});

srv.test('GET /users (admin) lists username, roles and unit', async () => {
  const r = await srv.as('admin', 'GET', '/users');
  assert.equal(r.status, 200, describe(r));
  const byName = new Map(r.json.items.map((u) => [u.username, u]));
  for (const u of ['admin', 'agent1', 'agent2', 'super1', 'pd01', 'ops1', 'manager1', 'auditor1']) {
    assert.ok(byName.has(u), `user ${u} listed`);
    assert.ok(Array.isArray(byName.get(u).roles));
    assert.equal(typeof byName.get(u).unit.code, 'string');
  }
  assert.ok(!r.text.includes('$argon2'), 'no password hashes in /users');
  const a = await srv.as('agent1', 'GET', '/users');
  assert.equal(a.status, 403, `agent may not list users: ${describe(a)}`);
});

// Last in this file: it uses up this client's login allowance.
srv.test('password guessing is rate-limited (429 with the error shape)', async () => {
  let limited = null;
  for (let i = 0; i < 150 && !limited; i++) {
    const r = await srv.api('POST', '/auth/login', { body: { username: 'agent2', password: `guess-${i}` } });
    if (r.status === 429) limited = r;
    else assert.equal(r.status, 401, describe(r));
  }
  assert.ok(limited, 'guessing passwords is stopped within 150 attempts');
  errorOf(limited);
  const right = await srv.api('POST', '/auth/login', { body: { username: 'agent2', password: DEMO_PASSWORD } });
  assert.notEqual(right.status, 200, 'no login while limited, even with the right password');
});
