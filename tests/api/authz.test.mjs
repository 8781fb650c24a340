// Roles × unit scope on every endpoint. A table of each role against each
// endpoint with the status it must get; cross-unit lookups by id and by
// number are 404 (existence does not leak); units that only assist see the
// complaint in their lists too; the overview counts only what the caller
// may see; auditors read but never act; administrators configure but take
// no complaint actions; every role denial is an audit entry.

import assert from 'node:assert/strict';
import { useServer, describe, uniquePhone } from './lib.mjs';

const srv = useServer();
// One user per role (packs/demo/gas-station.json).
const ROLE_USER = { agent: 'agent1', handler: 'pd01', supervisor: 'super1', manager: 'manager1', auditor: 'auditor1', admin: 'admin' };
const ROLES = Object.keys(ROLE_USER);
let c = null; // a complaint about and owned by SH-PD-01, visible to every role above

srv.test('setup: a complaint dispatched to a Pudong station', async () => {
  c = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
});

// [method, path, body, roles allowed]. "Allowed" means the role check lets
// the request through (any status but 403); everyone else gets 403.
const ALL = ROLES;
const table = () => [
  ['GET', '/units', undefined, ALL],
  ['POST', '/units', { code: `T-${process.pid}-${Math.random()}`.slice(0, 20), name: '测试', type: 'site', parent: 'SH-PD' }, ['admin']],
  ['GET', '/categories', undefined, ALL],
  ['GET', '/config', undefined, ALL],
  ['GET', '/users', undefined, ['supervisor', 'manager', 'admin']],
  ['POST', '/users', { username: 'x' }, ['admin']],
  ['GET', '/tokens', undefined, ['admin']],
  ['POST', '/tokens', { name: '' }, ['admin']],
  ['DELETE', '/tokens/999999', undefined, ['admin']],
  ['GET', '/audit', undefined, ['auditor', 'admin']],
  ['GET', '/complaints', undefined, ALL],
  ['POST', '/complaints', { channel: 'phone' }, ['agent', 'supervisor', 'manager']],
  ['GET', `/complaints/${c.id}`, undefined, ALL],
  ['GET', `/complaints/${c.number}`, undefined, ALL],
  ['GET', `/complaints/${c.id}/events`, undefined, ALL],
  ['GET', `/complaints/${c.id}/actions`, undefined, ALL],
  ['POST', `/complaints/${c.id}/actions/comment`, { text: '表格测试' }, ['agent', 'handler', 'supervisor', 'manager']],
  ['GET', '/stats/overview', undefined, ALL],
  ['GET', '/calendars', undefined, ['supervisor', 'manager', 'admin']],
  ['PUT', '/calendars/nope', { bad: true }, ['admin']],
  ['POST', '/calendars/nope/ics', { x: 1 }, ['admin']],
  ['GET', '/supervisions', undefined, ['supervisor', 'manager', 'admin']],
  ['POST', '/supervisions/999999/close', {}, ['supervisor', 'manager']],
  ['GET', '/outbox', undefined, ['supervisor', 'manager', 'admin']],
  ['GET', '/auth/me', undefined, ALL],
  ['POST', '/auth/password', { old_password: 'x' }, ALL],
];

srv.test('each role against each endpoint', async () => {
  const problems = [];
  for (const [method, path, body, allowed] of table()) {
    for (const role of ROLES) {
      const r = await srv.as(ROLE_USER[role], method, path, { body });
      const ok = allowed.includes(role);
      if (ok ? r.status === 403 || r.status === 401 : r.status !== 403) {
        problems.push(`${role} ${method} ${path}: ${r.status} (expected ${ok ? 'not 403' : '403'}) ${r.text.slice(0, 120)}`);
      }
      if (!ok && r.status === 403 && r.json?.error?.code !== 'forbidden') problems.push(`${role} ${method} ${path}: code ${r.json?.error?.code}`);
    }
  }
  assert.deepEqual(problems, []);
});

srv.test('without a token every endpoint but the public ones is 401', async () => {
  for (const [method, path, body] of table()) {
    const r = await srv.api(method, path, { body });
    assert.equal(r.status, 401, `${method} ${path}: ${describe(r)}`);
  }
});

srv.test('role denials are audit entries naming the endpoint', async () => {
  const r = await srv.as('pd01', 'GET', '/outbox');
  assert.equal(r.status, 403);
  const log = await srv.as('auditor1', 'GET', '/audit?user=pd01&action=denied&subject=endpoint:GET%20/api/v1/outbox');
  assert.ok(log.json.items.length >= 1, describe(log));
  const auditorActs = await srv.as('auditor1', 'GET', '/audit?user=auditor1&action=denied');
  assert.ok(auditorActs.json.items.some((e) => e.subject === 'endpoint:POST /api/v1/complaints/{id}/actions/{action}'),
    'the auditor\'s refused comment is recorded');
});

srv.test('auditors read every complaint in scope but no action is offered or allowed', async () => {
  assert.equal((await srv.as('auditor1', 'GET', `/complaints/${c.id}`)).status, 200);
  const acts = await srv.actions(c.id, 'auditor1');
  assert.deepEqual(acts.items, []);
  for (const action of ['comment', 'accept', 'resolve', 'dispatch']) {
    const r = await srv.act('auditor1', c.id, action, { text: 'x' });
    assert.equal(r.status, 403, `${action}: ${describe(r)}`);
  }
});

srv.test('administrators take no complaint actions', async () => {
  const acts = await srv.actions(c.id, 'admin');
  assert.deepEqual(acts.items, [], 'none offered');
  const r = await srv.act('admin', c.id, 'comment', { text: '管理员备注' });
  assert.equal(r.status, 403, describe(r));
  const intake = await srv.as('admin', 'POST', '/complaints', { body: { channel: 'phone' } });
  assert.equal(intake.status, 403);
});

srv.test('cross-unit: another region\'s handler and supervisor get 404 by id and by number, for every sub-resource', async () => {
  for (const who of ['mh01', 'mhmgr']) {
    for (const key of [c.id, c.number]) {
      for (const p of [`/complaints/${key}`, `/complaints/${key}/events`, `/complaints/${key}/actions`]) {
        const r = await srv.as(who, 'GET', p);
        assert.equal(r.status, 404, `${who} ${p}: ${describe(r)}`);
        assert.equal(r.json.error.code, 'not_found');
      }
      const act = await srv.act(who, key, 'comment', { text: '越权' });
      assert.equal(act.status, 404, `${who} comment on ${key}: ${describe(act)}`);
    }
  }
  // Not visible is the same answer as not there.
  const missing = await srv.as('mh01', 'GET', '/complaints/TS20000101-9999');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.message, (await srv.as('mh01', 'GET', `/complaints/${c.number}`)).json.error.message);
});

srv.test('a unit asked to assist sees the complaint in its lists too', async () => {
  const phone = uniquePhone();
  const x = await srv.intake('agent1', { customer: { phone }, subject_unit: 'SH-MH-02' });
  await srv.step('agent1', x.id, 'dispatch', { unit: 'SH-MH-02' });
  await srv.step('mh02', x.id, 'accept', {});
  const before = await srv.as('fin1', 'GET', `/complaints?phone=${phone}`);
  assert.equal(before.json.items.length, 0);
  await srv.step('mh02', x.id, 'assist', { unit: 'SH-FIN', request: '请财务部核对发票' });
  const after = await srv.as('fin1', 'GET', `/complaints?phone=${phone}`);
  assert.deepEqual(after.json.items.map((i) => i.id), [x.id]);
  const open = await srv.as('fin1', 'GET', `/complaints?status=open&phone=${phone}`);
  assert.equal(open.json.items.length, 1);
  const stats = await srv.as('fin1', 'GET', '/stats/overview');
  assert.ok(stats.json.open >= 1, 'the overview counts it too');
});

async function visibleOpen(user) {
  let n = 0;
  let cursor = null;
  do {
    const r = await srv.as(user, 'GET', `/complaints?status=open&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    n += r.json.items.length;
    cursor = r.json.next_cursor;
  } while (cursor);
  return n;
}

srv.test('the overview counts only what the caller may see', async () => {
  const global = (await srv.as('admin', 'GET', '/stats/overview')).json;
  const pd = (await srv.as('pdmgr', 'GET', '/stats/overview')).json;
  const mh = (await srv.as('mhmgr', 'GET', '/stats/overview')).json;
  assert.equal(pd.open, await visibleOpen('pdmgr'), 'Pudong: open = its open list');
  assert.equal(mh.open, await visibleOpen('mhmgr'), 'Minhang: open = its open list');
  assert.ok(pd.open < global.open && mh.open < global.open, `a region sees less than HQ (${pd.open}, ${mh.open} < ${global.open})`);
  assert.equal(pd.days.length, 30);
  const sum = (o) => Object.values(o.by_status).reduce((a, b) => a + b, 0);
  assert.ok(sum(pd) < sum(global));
  // A new complaint about Minhang moves Minhang's counts, not Pudong's.
  await srv.intake('agent1', { subject_unit: 'SH-MH-03' });
  const mh2 = (await srv.as('mhmgr', 'GET', '/stats/overview')).json;
  const pd2 = (await srv.as('pdmgr', 'GET', '/stats/overview')).json;
  assert.equal(mh2.open, mh.open + 1);
  assert.equal(mh2.today.received, mh.today.received + 1);
  assert.equal(pd2.open, pd.open);
  assert.equal(pd2.today.received, pd.today.received);
});
