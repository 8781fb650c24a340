// The lists of administration are narrowed to what the caller reaches, and
// a refusal because of scope is in the audit log. An administrator (or an
// API token) limited to the Pudong region sees only the users of Pudong and
// the tokens of those users; the administrator at HQ sees all. An act
// beyond one's unit or roles is 403 and a "denied" entry about the caller's
// unit and the unit refused; a complaint or an incident outside one's scope
// is 404 and a "denied" entry about its units alone, so that the caller's
// own auditors cannot tell it from one that does not exist.

import assert from 'node:assert/strict';
import { useServer, describe, errorOf, rfc3339, DEMO_PASSWORD } from './lib.mjs';

const srv = useServer();
const PUDONG = ['pdmgr', 'pd01', 'pd02', 'pd03', 'pdadmin'];
const tokens = {}; // secrets, by name
const ids = {}; // token ids, by name

async function usernames(as) {
  const r = typeof as === 'string' ? await srv.as(as, 'GET', '/users') : await srv.api('GET', '/users', as);
  assert.equal(r.status, 200, describe(r));
  return r.json.items.map((u) => u.username).sort();
}

async function tokenNames(as) {
  const r = typeof as === 'string' ? await srv.as(as, 'GET', '/tokens') : await srv.api('GET', '/tokens', as);
  assert.equal(r.status, 200, describe(r));
  return r.json.items.map((t) => t.name).sort();
}

async function userId(username) {
  const r = await srv.as('admin', 'GET', '/users');
  return r.json.items.find((u) => u.username === username).id;
}

// The "denied" entries of actor, as an auditor of who reads them.
async function denials(actor, who = 'admin') {
  const r = await srv.as(who, 'GET', `/audit?user=${actor}&action=denied&limit=500`);
  assert.equal(r.status, 200, describe(r));
  return r.json.items;
}

srv.test('setup: an administrator and an auditor of Pudong, an auditor of Minhang, tokens for both regions', async () => {
  for (const [username, roles, unit] of [['pdadmin', ['admin'], 'SH-PD'], ['pdaudit', ['auditor'], 'SH-PD'],
    ['mhaudit', ['auditor'], 'SH-MH']]) {
    const r = await srv.as('admin', 'POST', '/users', { body: { username, name: username, password: DEMO_PASSWORD, roles, unit } });
    assert.equal(r.status, 201, describe(r));
  }
  for (const [name, body] of [['pd01-sync', { username: 'pd01' }], ['mh01-sync', { username: 'mh01' }],
    ['hq-pd-admin', { username: 'admin', roles: ['admin'], unit: 'SH-PD' }]]) {
    const r = await srv.as('admin', 'POST', '/tokens', { body: { name, ...body } });
    assert.equal(r.status, 201, describe(r));
    tokens[name] = r.json.token;
    ids[name] = r.json.id;
  }
});

srv.test('GET /users: an administrator of a region sees its users only; HQ sees all', async () => {
  const all = await usernames('admin');
  for (const u of ['admin', 'agent1', 'mh01', 'manager1', ...PUDONG]) assert.ok(all.includes(u), `HQ sees ${u}`);
  assert.deepEqual(await usernames('pdadmin'), [...PUDONG, 'pdaudit'].sort());
  assert.deepEqual(await usernames({ token: tokens['hq-pd-admin'] }), [...PUDONG, 'pdaudit'].sort(),
    'a token of the HQ administrator limited to Pudong');
  assert.deepEqual(await usernames('pdmgr'), [...PUDONG, 'pdaudit'].sort(), 'a supervisor of the region');
  // The service centre works for the whole branch: its supervisor reaches Shanghai, not HQ.
  const centre = await usernames('super1');
  assert.ok(centre.includes('mh01') && centre.includes('pd01') && centre.includes('agent1'), centre.join());
  assert.ok(!centre.includes('admin'), 'the administrator at HQ lies beyond the branch');
});

srv.test('GET /tokens: the tokens of the users one reaches', async () => {
  const all = await tokenNames('admin');
  for (const n of ['pd01-sync', 'mh01-sync', 'hq-pd-admin']) assert.ok(all.includes(n), `HQ sees ${n}`);
  assert.deepEqual(await tokenNames('pdadmin'), ['pd01-sync']);
  assert.deepEqual(await tokenNames({ token: tokens['hq-pd-admin'] }), ['pd01-sync'],
    'a token limited to Pudong does not list itself: its user is at HQ');
});

srv.test('GET /units?reach=true: the units one administers, for the pickers; without it the whole tree', async () => {
  const codes = async (who, q = '?reach=true') => {
    const r = await srv.as(who, 'GET', `/units${q}`);
    assert.equal(r.status, 200, describe(r));
    return r.json.items.map((u) => u.code).sort();
  };
  assert.deepEqual(await codes('pdadmin'), ['SH-PD', 'SH-PD-01', 'SH-PD-02', 'SH-PD-03']);
  const whole = await codes('pdadmin', '');
  assert.ok(whole.includes('SH-MH-01') && whole.includes('HQ'), 'intake and transfers still see every unit');
  assert.deepEqual(await codes('pdadmin', '?reach=false'), whole);
  assert.deepEqual(await codes('admin'), whole, 'HQ reaches every unit');
  const centre = await codes('super1');
  assert.ok(centre.includes('SH') && centre.includes('SH-CSC') && !centre.includes('HQ'), centre.join());
  const bad = await srv.as('pdadmin', 'GET', '/units?reach=yes');
  assert.equal(bad.status, 400, describe(bad));
  assert.equal(errorOf(bad).field, 'reach');
});

srv.test('an act beyond the caller\'s unit is 403 and one "denied" entry naming what was refused', async () => {
  const mh01 = await userId('mh01');
  const tries = [
    ['POST', '/users', { username: 'mhnew', name: 'x', password: DEMO_PASSWORD, roles: ['handler'], unit: 'SH-MH-01' }, 'unit', 'SH-MH-01'],
    ['POST', '/units', { code: 'SH-MH-09', name: 'x', type: 'site', parent: 'SH-MH' }, 'parent', 'SH-MH'],
    ['PUT', `/users/${mh01}/permissions/pii`, { granted: true }, undefined, 'SH-MH-01'],
    ['DELETE', `/tokens/${ids['mh01-sync']}`, undefined, undefined, 'SH-MH-01'],
    ['POST', '/config/versions/1/activate', undefined, undefined, undefined],
  ];
  for (const [method, path, body, field, unit] of tries) {
    const r = await srv.as('pdadmin', method, path, { body });
    assert.equal(r.status, 403, `${method} ${path}: ${describe(r)}`);
    assert.equal(errorOf(r).code, 'forbidden');
    const entries = (await denials('pdadmin')).filter((e) => e.detail.path === `/api/v1${path}`);
    assert.equal(entries.length, 1, `${method} ${path}: one entry, ${JSON.stringify(entries)}`);
    const [e] = entries;
    assert.match(e.subject, new RegExp(`^endpoint:${method} /api/v1/`));
    assert.equal(e.detail.method, method);
    assert.equal(e.detail.reason, 'reach');
    assert.equal(e.detail.field, field);
    assert.equal(e.detail.unit, unit);
  }
  assert.equal((await srv.as('admin', 'GET', '/tokens')).json.items.filter((t) => t.name === 'mh01-sync').length, 1,
    'the token was not revoked');
});

srv.test('a token minted beyond the caller\'s unit is refused and recorded with the field', async () => {
  const r = await srv.as('pdadmin', 'POST', '/tokens', { body: { name: 'x', username: 'mh01' } });
  assert.equal(r.status, 403, describe(r));
  const entries = (await denials('pdadmin')).filter((e) => e.subject === 'endpoint:POST /api/v1/tokens');
  assert.equal(entries.length, 1, JSON.stringify(entries));
  assert.equal(entries[0].detail.reason, 'reach');
  assert.equal(entries[0].detail.field, 'username');
  assert.equal(entries[0].detail.unit, 'SH-MH-01', 'the unit refused: the user\'s');
  const mh = await srv.as('mhaudit', 'GET', '/audit?action=denied&user=pdadmin');
  assert.ok(mh.json.items.some((e) => e.subject === 'endpoint:POST /api/v1/tokens'),
    'the auditors of the unit refused read it too');
});

srv.test('the auditors of the caller\'s unit and of the unit refused both read the entry', async () => {
  const about = (items) => items.filter((e) => e.detail.path === '/api/v1/users' && e.detail.unit === 'SH-MH-01');
  assert.equal(about(await denials('pdadmin', 'pdaudit')).length, 1, 'Pudong\'s auditor: its administrator tried');
  assert.equal(about(await denials('pdadmin', 'mhaudit')).length, 1, 'Minhang\'s auditor: its unit was the target');
  assert.equal((await denials('pdadmin', 'mhaudit')).filter((e) => e.detail.path === '/api/v1/units').length, 1);
  // An act refused for the whole organisation concerns the caller's unit only.
  assert.equal((await denials('pdadmin', 'mhaudit')).filter((e) => e.detail.path.startsWith('/api/v1/config')).length, 0);
});

srv.test('a complaint outside the scope is 404 and a "denied" entry only its own units\' auditors read', async () => {
  const c = await srv.intake('agent1', { subject_unit: 'SH-MH-01' });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-MH-01' });
  for (const path of [`/complaints/${c.id}`, `/complaints/${c.number}/events`]) {
    const r = await srv.as('pdmgr', 'GET', path);
    assert.equal(r.status, 404, describe(r));
  }
  const act = await srv.as('pdmgr', 'POST', `/complaints/${c.id}/actions/comment`, { body: { text: '看看' } });
  assert.equal(act.status, 404, describe(act));
  const missing = await srv.as('pdmgr', 'GET', '/complaints/TS19990101-0001');
  assert.equal(missing.status, 404, 'one that does not exist is answered alike');
  const seen = await denials('pdmgr', 'mhaudit');
  const paths = seen.map((e) => e.detail.path).sort();
  assert.deepEqual(paths, [`/api/v1/complaints/${c.id}`, `/api/v1/complaints/${c.id}/actions/comment`,
    `/api/v1/complaints/${c.number}/events`].sort());
  for (const e of seen) assert.equal(e.detail.reason, 'scope');
  assert.ok(!(await denials('pdmgr')).some((e) => e.detail.path.includes('TS19990101')), 'nothing for what does not exist');
  assert.equal((await denials('pdmgr', 'pdaudit')).length, 0, 'the caller\'s own auditors learn nothing from it');
});

srv.test('an incident outside the scope is 404 and a "denied" entry about its units', async () => {
  const t0 = Date.now() - 100 * 86400e3;
  for (const dt of [0, 3600e3]) {
    await srv.intake('agent1', { category: 'quality.fuel', subject_unit: 'SH-MH-02', received_at: rfc3339(new Date(t0 + dt)) });
  }
  const inc = (await srv.as('super1', 'GET', '/incidents')).json.items.find((i) => i.anchor_unit.code === 'SH-MH-02');
  assert.ok(inc, 'two fuel-quality complaints at one station raise an incident');
  const get = await srv.as('pdmgr', 'GET', `/incidents/${inc.id}`);
  assert.equal(get.status, 404, describe(get));
  const act = await srv.as('pdmgr', 'POST', `/incidents/${inc.id}/actions/note`, { body: { note: '看看' } });
  assert.equal(act.status, 404, describe(act));
  const seen = (await denials('pdmgr', 'mhaudit')).filter((e) => e.detail.path.startsWith(`/api/v1/incidents/${inc.id}`));
  assert.deepEqual(seen.map((e) => e.subject).sort(),
    ['endpoint:GET /api/v1/incidents/{id}', 'endpoint:POST /api/v1/incidents/{id}/actions/{action}']);
  for (const e of seen) assert.equal(e.detail.reason, 'scope');
  assert.equal((await denials('pdmgr', 'pdaudit')).length, 0);
});

srv.test('a refusal the router already recorded is not recorded twice', async () => {
  const r = await srv.as('pd01', 'GET', '/tokens');
  assert.equal(r.status, 403);
  const entries = (await denials('pd01')).filter((e) => e.subject === 'endpoint:GET /api/v1/tokens');
  assert.equal(entries.length, 1, JSON.stringify(entries));
  assert.deepEqual(entries[0].detail, { method: 'GET', path: '/api/v1/tokens' }, 'a role denial keeps its shape');
});
