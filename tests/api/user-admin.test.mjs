// Administering a user beyond their contact details: disabling and
// enabling (PUT /users/{id} "active"), a password reset the user must
// change, and clearing the sign-in throttle (POST /users/{id}/actions/…),
// each an audit entry, each within the administrator's reach; changing a
// user's name, roles and home unit (PUT /users/{id}, `redress user set`),
// within reach before and after, never locking an administrator out, and
// ending the user's sessions and tokens when their scope changes.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, runCli } from './lib.mjs';

const srv = useServer();
const PW = 'Kx7#pl2!vQ9m';

async function newUser(unit = 'SH-PD-01', roles = ['handler']) {
  const username = 'ua' + Date.now().toString(36) + Math.floor(Math.random() * 1e4);
  const r = await srv.as('admin', 'POST', '/users', { body: { username, name: '管理测试员', password: PW, roles, unit } });
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

const put = (who, id, body) => (typeof who === 'string' ? srv.as(who, 'PUT', `/users/${id}`, { body })
  : srv.api('PUT', `/users/${id}`, { ...who, body }));
const listed = async (id) => (await srv.as('admin', 'GET', '/users')).json.items.find((x) => x.id === id);
async function unitId(code) {
  return (await srv.as('admin', 'GET', '/units')).json.items.find((u) => u.code === code).id;
}
async function denied(actor) {
  const r = await srv.as('admin', 'GET', `/audit?user=${actor}&action=denied&limit=50`);
  assert.equal(r.status, 200, describe(r));
  return r.json.items;
}

srv.test('a new name shows at once; roles and unit change, and end the user\'s sessions and tokens', async () => {
  const u = await newUser();
  const s = (await signIn(u.username)).json.token;
  const tok = await srv.as('admin', 'POST', '/tokens', { body: { name: 'ua-sync-' + u.id, username: u.username } });
  assert.equal(tok.status, 201, describe(tok));
  // the user named as a unit's appeals contact: a reference rendered in replies
  assert.equal((await srv.as('admin', 'PUT', '/units/SH-PD-01/appeals-contact', { body: { user: u.username } })).status, 200);
  const contact = async () => (await srv.as('admin', 'GET', '/units')).json.items.find((x) => x.code === 'SH-PD-01').appeals_contact;
  assert.equal((await contact()).name, '管理测试员');

  let r = await put('admin', u.id, { name: '改名测试员' });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.name, '改名测试员');
  assert.equal((await listed(u.id)).name, '改名测试员');
  assert.equal((await contact()).name, '改名测试员', 'references show the new name at once');
  assert.equal((await srv.api('GET', '/auth/me', { token: s })).status, 200, 'a new name ends nothing');
  assert.equal((await srv.api('GET', '/auth/me', { token: tok.json.token })).status, 200);
  let e = await lastChange(u.id);
  assert.deepEqual(e.detail.changed, ['name']);
  assert.equal(e.detail.roles, undefined);
  assert.equal(e.detail.sessions_ended, undefined);

  r = await put('admin', u.id, { roles: ['supervisor', 'handler'], unit: 'SH-PD-02', email: 'ua@example.com' });
  assert.equal(r.status, 200, describe(r));
  assert.deepEqual(r.json.roles, ['handler', 'supervisor']);
  assert.equal(r.json.unit.code, 'SH-PD-02');
  assert.equal((await srv.api('GET', '/auth/me', { token: s })).status, 401, 'the session ended');
  assert.equal((await srv.api('GET', '/auth/me', { token: tok.json.token })).status, 401, 'the API token ended');
  const list = await srv.as('admin', 'GET', '/tokens');
  assert.ok(!list.json.items.some((t) => t.id === tok.json.id), 'the token is gone');
  e = await lastChange(u.id);
  assert.deepEqual(e.detail.changed, ['roles', 'unit', 'email']);
  assert.deepEqual(e.detail.roles, { from: ['handler'], to: ['handler', 'supervisor'] });
  assert.deepEqual(e.detail.unit, { from: await unitId('SH-PD-01'), to: await unitId('SH-PD-02') });
  assert.equal(e.detail.sessions_ended, true);
  assert.ok(!JSON.stringify(e).includes('ua@example.com'), 'never a contact value');
  const again = await signIn(u.username);
  assert.equal(again.status, 200, describe(again));
  assert.deepEqual(again.json.user.roles, ['handler', 'supervisor']);
  assert.equal(again.json.user.unit.code, 'SH-PD-02');
  // the unit by id, the same roles again: nothing about scope changed, nothing ends
  r = await put('admin', u.id, { unit: await unitId('SH-PD-02'), roles: ['handler', 'supervisor'] });
  assert.equal(r.status, 200, describe(r));
  assert.equal((await srv.api('GET', '/auth/me', { token: again.json.token })).status, 200);
  assert.deepEqual((await lastChange(u.id)).detail.changed, []);
  assert.equal((await srv.as('admin', 'PUT', '/units/SH-PD-01/appeals-contact', { body: { user: null } })).status, 200);
});

srv.test('every field is validated, naming it; nothing is half written', async () => {
  const u = await newUser();
  for (const [body, status, field] of [
    [{ name: '' }, 422, 'name'], [{ name: 'x'.repeat(101) }, 422, 'name'], [{ name: 5 }, 422, 'name'],
    [{ name: null }, 422, 'name'], [{ roles: [] }, 422, 'roles'], [{ roles: ['boss'] }, 422, 'roles'],
    [{ roles: 'admin' }, 422, 'roles'], [{ roles: null }, 422, 'roles'], [{ unit: 'NOPE' }, 422, 'unit'],
    [{ unit: null }, 422, 'unit'], [{ unit: 999999 }, 422, 'unit'], [{ username: 'other' }, 400, 'username'],
    [{ name: '半写入', unit: 'NOPE' }, 422, 'unit'], [{ name: '半写入', roles: ['agent'], email: 'bad' }, 400, 'email'],
    [{ roles: ['agent'], active: 'no' }, 400, 'active']]) {
    const r = await put('admin', u.id, body);
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${describe(r)}`);
    assert.equal(errorOf(r).field, field, r.text);
  }
  const now = await listed(u.id);
  assert.equal(now.name, '管理测试员', 'nothing half written');
  assert.deepEqual(now.roles, ['handler']);
  assert.equal(now.unit.code, 'SH-PD-01');
  assert.equal((await put('admin', 999999, { name: 'x' })).status, 404);
  const hundred = '名'.repeat(100);
  const ok = await put('admin', u.id, { name: hundred });
  assert.equal(ok.status, 200, describe(ok));
  assert.equal(ok.json.name, hundred);
});

srv.test('within reach before and after, roles as making a user allows: else 403 and a denied entry', async () => {
  const admin = 'uadm' + Date.now().toString(36);
  let r = await srv.as('admin', 'POST', '/users', { body: { username: admin, name: '浦东管理员', password: PW, roles: ['admin'], unit: 'SH-PD' } });
  assert.equal(r.status, 201, describe(r));
  await srv.login(admin, PW);
  const inside = await newUser('SH-PD-01');
  const outside = await newUser('SH-MH-01');

  r = await put(admin, outside.id, { name: '越权' });
  assert.equal(r.status, 403, describe(r));
  assert.equal((await listed(outside.id)).name, '管理测试员');
  let entry = (await denied(admin)).find((x) => x.detail.path === `/api/v1/users/${outside.id}`);
  assert.ok(entry, 'a denied entry');
  assert.equal(entry.detail.reason, 'reach');
  assert.equal(entry.detail.unit, 'SH-MH-01');

  r = await put(admin, inside.id, { unit: 'SH-MH-01' });
  assert.equal(r.status, 403, describe(r));
  assert.equal(errorOf(r).field, 'unit');
  entry = (await denied(admin)).find((x) => x.detail.path === `/api/v1/users/${inside.id}` && x.detail.field === 'unit');
  assert.ok(entry, 'a denied entry naming unit');
  assert.equal(entry.detail.unit, 'SH-MH-01');
  assert.equal((await listed(inside.id)).unit.code, 'SH-PD-01');
  r = await put(admin, inside.id, { unit: 'SH-PD-02', roles: ['agent'] });
  assert.equal(r.status, 200, describe(r));

  // An API token hands out only roles it holds.
  const t = await srv.as('admin', 'POST', '/tokens', { body: { name: 'ua-pd-admin-' + inside.id, username: 'admin', roles: ['admin'], unit: 'SH-PD' } });
  assert.equal(t.status, 201, describe(t));
  const viaToken = { token: t.json.token };
  r = await put(viaToken, inside.id, { roles: ['agent', 'handler'] });
  assert.equal(r.status, 403, describe(r));
  assert.equal(errorOf(r).field, 'roles');
  entry = (await denied('admin')).find((x) => x.detail.path === `/api/v1/users/${inside.id}` && x.detail.field === 'roles');
  assert.ok(entry, 'a denied entry naming roles');
  r = await put(viaToken, inside.id, { unit: 'SH-PD-01' });
  assert.equal(r.status, 403, 'moving an agent hands out the agent role: ' + describe(r));
  assert.equal(errorOf(r).field, 'roles');
  r = await put(viaToken, inside.id, { name: '令牌改名' });
  assert.equal(r.status, 200, describe(r));
  r = await put(viaToken, outside.id, { name: '越权' });
  assert.equal(r.status, 403, describe(r));
  assert.equal((await listed(inside.id)).unit.code, 'SH-PD-02');
  assert.deepEqual((await listed(inside.id)).roles, ['agent']);
  r = await put('super1', inside.id, { name: 'x' });
  assert.equal(r.status, 403, 'administrators only: ' + describe(r));
});

srv.test('an administrator cannot remove their own admin role or move out of their own reach', async () => {
  const admin = 'uself' + Date.now().toString(36);
  let r = await srv.as('admin', 'POST', '/users', { body: { username: admin, name: '自管员', password: PW, roles: ['admin'], unit: 'SH-PD' } });
  assert.equal(r.status, 201, describe(r));
  const id = r.json.id;
  await srv.login(admin, PW);
  r = await put(admin, id, { roles: ['supervisor'] });
  assert.equal(r.status, 422, describe(r));
  assert.equal(errorOf(r).field, 'roles');
  r = await put(admin, id, { unit: 'SH-PD-01' });
  assert.equal(r.status, 422, describe(r));
  assert.equal(errorOf(r).field, 'unit');
  r = await put(admin, id, { unit: 'SH' });
  assert.equal(r.status, 403, 'above one\'s reach: ' + describe(r));
  const me = (await srv.as('admin', 'GET', '/auth/me')).json;
  r = await put('admin', me.id, { roles: ['auditor'] });
  assert.equal(r.status, 422, describe(r));
  assert.equal(errorOf(r).field, 'roles');
  r = await put('admin', me.id, { unit: 'SH' });
  assert.equal(r.status, 422, describe(r));
  assert.equal(errorOf(r).field, 'unit');
  const still = await listed(id);
  assert.deepEqual(still.roles, ['admin']);
  assert.equal(still.unit.code, 'SH-PD');
  r = await put(admin, id, { name: '自管员二' });
  assert.equal(r.status, 200, 'one\'s own name: ' + describe(r));
  assert.equal((await srv.as(admin, 'GET', '/auth/me')).status, 200);
  // Another administrator may take the role away; that ends the sessions.
  r = await put('admin', id, { roles: ['supervisor'] });
  assert.equal(r.status, 200, describe(r));
  assert.equal((await srv.as(admin, 'GET', '/auth/me')).status, 401);
});

srv.test('the shell changes a name, roles and unit as the API does', async () => {
  const u = await newUser();
  const session = (await signIn(u.username)).json.token; // never used before: no node caches it
  let c = await runCli(['user', 'set', u.username, '--name', '终端改名', '--db', srv.dbUrl]);
  assert.equal(c.code, 0, c.stderr);
  assert.equal((await listed(u.id)).name, '终端改名');
  c = await runCli(['user', 'set', u.username, '--roles', 'agent,supervisor', '--unit', 'SH-PD-02', '--db', srv.dbUrl]);
  assert.equal(c.code, 0, c.stderr);
  const now = await listed(u.id);
  assert.deepEqual(now.roles, ['agent', 'supervisor']);
  assert.equal(now.unit.code, 'SH-PD-02');
  assert.equal((await srv.api('GET', '/auth/me', { token: session })).status, 401, 'the session ended');
  const log = await srv.as('admin', 'GET', `/audit?action=user_change&subject=user:${u.id}&limit=5`);
  assert.equal(log.json.items.length, 2, 'two entries from the shell');
  for (const [args, code] of [[['--unit', 'NOPE'], 2], [['--roles', 'boss'], 2], [['--name', ''], 2], [[], 2]]) {
    c = await runCli(['user', 'set', u.username, ...args, '--db', srv.dbUrl]);
    assert.equal(c.code, code, `${args.join(' ')}: ${c.stderr}`);
  }
  assert.equal((await runCli(['user', 'set', 'nobody-here', '--name', 'x', '--db', srv.dbUrl])).code, 1);
  assert.equal((await listed(u.id)).unit.code, 'SH-PD-02');
});
