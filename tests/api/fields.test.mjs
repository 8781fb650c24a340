// What a body may hold: every JSON body names only what its endpoint reads
// (an unknown member is 400 unknown_field naming it), a time limit lies
// within the horizon, and a caller who may not take an action is told so
// (403) before a stale version's conflict (409).

import assert from 'node:assert/strict';
import { useServer, intakeBody, errorOf, describe, rfc3339, uniquePhone, ON_SPOT_VALID } from './lib.mjs';

const srv = useServer();

function unknown(r, field, what) {
  assert.equal(r.status, 400, `${what}: ${describe(r)}`);
  const e = errorOf(r);
  assert.equal(e.code, 'unknown_field', what);
  assert.equal(e.field, field, what);
}

srv.test('intake: a member it does not read is 400 unknown_field naming it', async () => {
  for (const [over, field] of [
    [{ zzz: 1 }, 'zzz'],
    [{ status: 'closed' }, 'status'],
    [{ owner_unit: 'HQ' }, 'owner_unit'],
    [{ version: 7 }, 'version'],
    [{ customer: { colour: 'blue' } }, 'customer.colour'],
  ]) {
    const r = await srv.as('agent1', 'POST', '/complaints', { body: intakeBody(over) });
    unknown(r, field, JSON.stringify(over));
  }
  // Everything the intake form of the web UI sends is still taken.
  const ok = await srv.as('agent1', 'POST', '/complaints', {
    body: intakeBody({
      received_at: rfc3339(new Date(Date.now() - 600e3)), confirmed: true, evidence: '小票', scope: 'general',
      promised_at: rfc3339(new Date(Date.now() + 3 * 86400e3)), kind: 'complaint',
      customer: { email: 'a@example.cn', class: 'ordinary', address: '浦东', plate: '沪A12345', card_no: '6222', account_no: 'x1' },
    }),
  });
  assert.equal(ok.status, 201, describe(ok));
});

srv.test('an action: a member that is no field of it is 400 naming it; version and the form fields pass', async () => {
  const c = await srv.intake('agent1');
  const r = await srv.act('agent1', c.id, 'dispatch', { unit: 'SH-PD-01', zzz: 'x' });
  unknown(r, 'zzz', 'dispatch');
  const r2 = await srv.act('agent1', c.id, 'comment', { text: '备注', unit: 'SH-PD-01' });
  unknown(r2, 'unit', 'comment with a field of another action');
  // Nothing was recorded.
  assert.equal((await srv.get(c.id)).version, c.version);
  const d = await srv.act('agent1', c.id, 'dispatch', { unit: 'SH-PD-01', note: '请处理', level: '3', version: c.version });
  assert.equal(d.status, 200, describe(d));
});

srv.test('answer on the spot takes the closing fields (as the intake screen sends them)', async () => {
  const c = await srv.intake('agent1');
  const r = await srv.act('agent1', c.id, 'answer', { answer: '已当场解释开票规定', ...ON_SPOT_VALID }, { 'If-Match': String(c.version) });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.status, 'closed');
});

srv.test('the other bodies name only what their endpoint reads', async () => {
  const mine = await srv.intake('agent1');
  const cases = [
    ['admin', 'POST', '/tokens', { name: 't', zzz: 1 }, 'zzz'],
    ['admin', 'POST', '/units', { code: 'ZZ-1', name: '单位', type: 'site', parent: 'SH-PD', manager: 'x' }, 'manager'],
    ['admin', 'POST', '/users', { username: 'zz_user', name: 'x', password: 'another-password-2', roles: ['agent'], unit: 'SH-CSC', active: false }, 'active'],
    ['agent1', 'POST', '/auth/password', { old_password: 'a', new_password: 'b', confirm: 'b' }, 'confirm'],
    ['admin', 'POST', '/config/versions', { reason: 'x', pack: {}, publish: true }, 'publish'],
    ['admin', 'POST', '/config/versions/1/activate', { reason: 'x', force: true }, 'force'],
    ['super1', 'POST', '/supervisions/1/close', { note: 'x', status: 'closed' }, 'status'],
    ['manager1', 'POST', '/penalties/1/waive', { reason: 'x', amount: 0 }, 'amount'],
    ['agent1', 'POST', `/complaints/${mine.id}/pii`, { reason: 'x', fields: ['phone'] }, 'fields'],
    ['agent1', 'POST', '/customers/lookup', { phone: '13800000000', name: 'x' }, 'name'],
    ['agent1', 'POST', '/customers/export', { phone: '13800000000', format: 'csv' }, 'format'],
    ['super1', 'POST', '/customers/erase', { phone: '13800000000', confirm: true, reason: 'x' }, 'reason'],
    ['admin', 'PUT', '/users/2/permissions/pii', { granted: true, until: 'x' }, 'until'],
    ['super1', 'POST', '/incidents/1/actions/note', { note: 'x', level: 3 }, 'level'],
  ];
  for (const [who, method, p, body, field] of cases) {
    const r = await srv.as(who, method, p, { body });
    unknown(r, field, `${method} ${p}`);
  }
  // A pack is a document: a misspelt section is refused as the pack's error.
  const v = await srv.as('admin', 'GET', '/config/versions');
  const active = v.json.items.find((x) => x.active) || v.json.items[0];
  const { pack } = (await srv.as('admin', 'GET', `/config/versions/${active.version}`)).json;
  const bad = await srv.as('admin', 'POST', '/config/versions', { body: { reason: 'x', pack: { ...pack, time_limit: {} } } });
  assert.equal(bad.status, 422, describe(bad));
  assert.equal(errorOf(bad).code, 'invalid_pack');
  assert.equal(errorOf(bad).field, 'pack.time_limit');
  const login = await srv.api('POST', '/auth/login', { body: { username: 'agent1', password: 'x', remember: true } });
  unknown(login, 'remember', 'login');
});

srv.test('customers/correct: a field that is not a customer field is 400 unknown_field', async () => {
  const phone = uniquePhone();
  await srv.intake('agent1', { customer: { phone } });
  const r = await srv.as('agent1', 'POST', '/customers/correct', { body: { phone, customer: { class: 'vip' } } });
  unknown(r, 'customer.class', 'correct');
});

srv.test('portal: only what a customer knows; our members are refused, not dropped', async () => {
  const base = intakeBody();
  const body = {
    customer: { name: '李女士', phone: uniquePhone() }, subject_unit: base.subject_unit, category: base.category,
    description: base.description,
  };
  for (const [over, field] of [
    [{ channel: 'phone' }, 'channel'],
    [{ level: 1 }, 'level'],
    [{ customer: { ...body.customer, class: 'vip' } }, 'customer.class'],
  ]) {
    const r = await srv.api('POST', '/portal/complaints', { body: { ...body, ...over } });
    unknown(r, field, JSON.stringify(over));
  }
  const ok = await srv.api('POST', '/portal/complaints', { body: { ...body, place: '3号机', demand: '道歉', customer: { ...body.customer, email: 'l@example.cn' } } });
  assert.equal(ok.status, 201, describe(ok));
});

srv.test('promised_at and an extension deadline lie at most a year ahead', async () => {
  const far = '9999-12-31T00:00:00+08:00';
  const r = await srv.as('agent1', 'POST', '/complaints', { body: intakeBody({ promised_at: far }) });
  assert.equal(r.status, 422, describe(r));
  assert.equal(errorOf(r).field, 'promised_at');
  const late = rfc3339(new Date(Date.now() + 400 * 86400e3));
  const r2 = await srv.as('agent1', 'POST', '/complaints', { body: intakeBody({ promised_at: late }) });
  assert.equal(r2.status, 422, describe(r2));
  const near = await srv.as('agent1', 'POST', '/complaints', { body: intakeBody({ promised_at: rfc3339(new Date(Date.now() + 300 * 86400e3)) }) });
  assert.equal(near.status, 201, describe(near));

  const c = await srv.intake('agent1');
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  for (const deadline of [far, late]) {
    const x = await srv.act('pd01', c.id, 'request_extension', { deadline, reason: '需第三方检测' });
    assert.equal(x.status, 422, describe(x));
    assert.equal(errorOf(x).field, 'deadline');
  }
  const ok = await srv.act('pd01', c.id, 'request_extension', { deadline: rfc3339(new Date(Date.now() + 30 * 86400e3)), reason: '需第三方检测' });
  assert.equal(ok.status, 200, describe(ok));
});

srv.test('a role that may not take the action gets 403 before a stale If-Match gets 409', async () => {
  const c = await srv.intake('agent1');
  await srv.step('agent1', c.id, 'comment', { text: '先记一笔' });
  // A handler of the subject site sees the complaint but may not dispatch it, whatever version it names.
  const r = await srv.act('pd01', c.id, 'dispatch', { unit: 'SH-PD-01' }, { 'If-Match': String(c.version) });
  assert.equal(r.status, 403, describe(r));
  assert.equal(errorOf(r).code, 'forbidden');
  const body = await srv.act('pd01', c.id, 'dispatch', { unit: 'SH-PD-01', version: c.version });
  assert.equal(body.status, 403, describe(body));
  // One who may gets the conflict.
  const s = await srv.act('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' }, { 'If-Match': String(c.version) });
  assert.equal(s.status, 409, describe(s));
  assert.equal(errorOf(s).code, 'version_conflict');
});
