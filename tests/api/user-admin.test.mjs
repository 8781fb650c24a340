// Administering a user beyond their contact details: disabling and
// enabling (PUT /users/{id} "active"), a password reset the user must
// change, and clearing the sign-in throttle (POST /users/{id}/actions/…),
// each an audit entry, each within the administrator's reach.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, runCli } from './lib.mjs';

const srv = useServer();
const PW = 'Kx7#pl2!vQ9m';

async function newUser(unit = 'SH-PD-01') {
  const username = 'ua' + Date.now().toString(36) + Math.floor(Math.random() * 1e4);
  const r = await srv.as('admin', 'POST', '/users', { body: { username, name: '管理测试员', password: PW, roles: ['handler'], unit } });
  assert.equal(r.status, 201, describe(r));
  return r.json;
}
const signIn = (username, password = PW) => srv.api('POST', '/auth/login', { body: { username, password } });
async function lastChange(id) {
  const r = await srv.as('admin', 'GET', `/audit?action=user_change&subject=user:${id}&limit=1`);
  return r.json.items[0];
}

srv.test('disabling ends the user\'s sessions and sign-ins; enabling lets them back', async () => {
  const u = await newUser();
  const s = await signIn(u.username);
  assert.equal(s.status, 200, describe(s));
  const off = await srv.as('admin', 'PUT', `/users/${u.id}`, { body: { active: false } });
  assert.equal(off.status, 200, describe(off));
  assert.equal(off.json.active, false);
  assert.equal((await srv.api('GET', '/auth/me', { token: s.json.token })).status, 401, 'the open session ends');
  assert.equal((await signIn(u.username)).status, 401);
  const e = await lastChange(u.id);
  assert.deepEqual(e.detail.changed, ['active']);
  assert.equal(e.detail.active, false);
  const on = await srv.as('admin', 'PUT', `/users/${u.id}`, { body: { active: true } });
  assert.equal(on.json.active, true);
  assert.equal((await signIn(u.username)).status, 200);
  const bad = await srv.as('admin', 'PUT', `/users/${u.id}`, { body: { active: 'no' } });
  assert.equal(bad.status, 400, describe(bad));
  assert.equal(errorOf(bad).field, 'active');
  const me = (await srv.as('admin', 'GET', '/auth/me')).json;
  const self = await srv.as('admin', 'PUT', `/users/${me.id}`, { body: { active: false } });
  assert.equal(self.status, 422, describe(self));
  assert.equal(errorOf(self).field, 'active');
});

srv.test('a password reset: the new password works once and must be changed; old sessions end', async () => {
  const u = await newUser();
  const s = await signIn(u.username);
  const weak = await srv.as('admin', 'POST', `/users/${u.id}/actions/reset_password`, { body: { password: '12345678' } });
  assert.equal(weak.status, 422, describe(weak));
  assert.equal(errorOf(weak).field, 'password');
  const r = await srv.as('admin', 'POST', `/users/${u.id}/actions/reset_password`, { body: { password: 'Tz9$mq4#Lw2p' } });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.must_change_password, true);
  assert.equal((await srv.api('GET', '/auth/me', { token: s.json.token })).status, 401);
  assert.equal((await signIn(u.username)).status, 401, 'the old password no longer works');
  const n = await signIn(u.username, 'Tz9$mq4#Lw2p');
  assert.equal(n.status, 200, describe(n));
  assert.equal(n.json.user.must_change_password, true);
  const e = await lastChange(u.id);
  assert.deepEqual(e.detail.changed, ['password_reset']);
  assert.ok(!JSON.stringify(e).includes('Tz9$mq4#Lw2p'), 'never the password');
});

srv.test('unlock clears the sign-in throttle of the name', async () => {
  const u = await newUser();
  let locked = false;
  for (let i = 0; i < 30 && !locked; i++) locked = (await signIn(u.username, 'wrong-' + i)).status === 429;
  assert.ok(locked, 'failed sign-ins throttle the name');
  assert.equal((await signIn(u.username)).status, 429, 'even the right password waits');
  const r = await srv.as('admin', 'POST', `/users/${u.id}/actions/unlock`, { body: {} });
  assert.equal(r.status, 200, describe(r));
  assert.equal((await signIn(u.username)).status, 200, 'unlocked');
  assert.deepEqual((await lastChange(u.id)).detail.changed, ['unlock']);
});

srv.test('within reach only; unknown actions and members are refused', async () => {
  const u = await newUser('SH-MH-01');
  assert.equal((await srv.as('super1', 'POST', `/users/${u.id}/actions/unlock`, { body: {} })).status, 403);
  assert.equal((await srv.as('admin', 'POST', `/users/${u.id}/actions/promote`, { body: {} })).status, 404);
  const extra = await srv.as('admin', 'POST', `/users/${u.id}/actions/unlock`, { body: { password: 'x' } });
  assert.equal(extra.status, 400, describe(extra));
  assert.equal((await srv.as('admin', 'POST', '/users/999999/actions/unlock', { body: {} })).status, 404);
});

srv.test('the shell disables, enables and unlocks as the API does', async () => {
  const u = await newUser();
  const session = (await signIn(u.username)).json.token; // never used before: no node caches it
  const off = await runCli(['user', 'disable', u.username, '--db', srv.dbUrl]);
  assert.equal(off.code, 0, off.stderr);
  assert.equal((await srv.api('GET', '/auth/me', { token: session })).status, 401, 'the session ended');
  assert.equal((await signIn(u.username)).status, 401);
  assert.equal((await runCli(['user', 'enable', u.username, '--db', srv.dbUrl])).code, 0);
  assert.equal((await signIn(u.username)).status, 200);
  let locked = false;
  for (let i = 0; i < 30 && !locked; i++) locked = (await signIn(u.username, 'wrong-' + i)).status === 429;
  assert.ok(locked);
  assert.equal((await runCli(['user', 'unlock', u.username, '--db', srv.dbUrl])).code, 0);
  assert.equal((await signIn(u.username)).status, 200);
  const log = await srv.as('admin', 'GET', `/audit?action=user_change&subject=user:${u.id}&limit=5`);
  assert.equal(log.json.items.length, 3, 'three entries from the shell');
  assert.equal((await runCli(['user', 'disable', 'nobody-here', '--db', srv.dbUrl])).code, 1);
});
