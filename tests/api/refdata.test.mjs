// Reference data, administration and service endpoints: units, categories,
// config, deadlines from the pack's time limits, statistics, metrics, and
// creating units and users as admin.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, intakeBody, DEMO_PASSWORD, ON_SPOT_VALID } from './lib.mjs';

const srv = useServer();
const suffix = `${process.pid % 10000}${Math.floor(Math.random() * 1000)}`;
const UNIT_TYPES = ['hq', 'branch', 'region', 'site', 'department', 'centre'];

srv.test('GET /units: the organisation tree', async () => {
  const r = await srv.as('agent1', 'GET', '/units');
  assert.equal(r.status, 200, describe(r));
  const byCode = new Map(r.json.items.map((u) => [u.code, u]));
  const ids = new Set(r.json.items.map((u) => u.id));
  for (const u of r.json.items) {
    assert.equal(typeof u.id, 'number');
    assert.equal(typeof u.name, 'string');
    assert.ok(UNIT_TYPES.includes(u.type), `unit ${u.code} type ${u.type}`);
    assert.ok(u.parent === null || ids.has(u.parent), `unit ${u.code} parent ${u.parent} is a unit id or null`);
  }
  const roots = r.json.items.filter((u) => u.parent === null);
  assert.ok(roots.length >= 1 && roots.some((u) => u.code === 'HQ' && u.type === 'hq'), 'HQ is a root');
  for (const code of ['SH', 'SH-CSC', 'SH-PD-01', 'SH-PD-02', 'SH-QC', 'SH-OPS', 'SH-MH-01']) assert.ok(byCode.has(code), `unit ${code}`);
  assert.equal(byCode.get('SH-PD-01').type, 'site');
  assert.equal(byCode.get('SH').type, 'branch');
  const region = r.json.items.find((u) => u.id === byCode.get('SH-PD-01').parent);
  assert.equal(region.type, 'region', 'a station sits in a region');
});

srv.test('GET /categories: the tree of the active pack', async () => {
  const r = await srv.as('agent1', 'GET', '/categories');
  assert.equal(r.status, 200, describe(r));
  const codes = [];
  const walk = (items, prefix) => {
    for (const c of items) {
      assert.equal(typeof c.code, 'string');
      assert.equal(typeof c.name, 'string');
      assert.ok(Array.isArray(c.children), `${c.code} has children (maybe empty)`);
      if (prefix) assert.ok(c.code.startsWith(`${prefix}.`), `${c.code} under ${prefix}`);
      codes.push(c.code);
      walk(c.children, c.code);
    }
  };
  walk(r.json.items, '');
  for (const code of ['service', 'service.attitude', 'quality', 'quality.fuel', 'quality.quantity']) assert.ok(codes.includes(code), `category ${code}`);
  assert.equal(new Set(codes).size, codes.length, 'codes unique');
});

srv.test('GET /config: what forms need', async () => {
  const r = await srv.as('agent1', 'GET', '/config');
  assert.equal(r.status, 200, describe(r));
  const c = r.json;
  assert.equal(typeof c.pack.name, 'string');
  assert.ok(c.pack.title, 'pack title');
  for (const k of ['channels', 'levels', 'customer_classes', 'natures', 'statuses']) {
    assert.ok(Array.isArray(c[k]) && c[k].length > 0, `${k} is a non-empty list`);
    for (const x of c[k]) {
      assert.ok(x.code !== undefined && typeof x.name === 'string', `${k} entry has code and name: ${JSON.stringify(x)}`);
    }
  }
  assert.ok(c.customer_classes.some((x) => x.code === 'ordinary'));
  assert.ok(c.time_limits && typeof c.time_limits === 'object', 'time_limits');
  // The gas-station pack's closing requirements, for answering on the spot at intake.
  assert.deepEqual(c.closing.required, {
    valid: ['cause', 'responsibility', 'responsible_unit', 'responsible_person', 'corrective_action'],
    invalid: ['explanation'], suggestion: ['adoption'],
  });
  assert.deepEqual(c.closing.responsibilities.map((x) => x.code), ['company', 'handled_properly', 'withdrawn', 'customer', 'third_party']);
  assert.equal(c.closing.responsibilities[0].name, '公司责任');
  assert.deepEqual(c.closing.adoptions.map((x) => x.code), ['adopted', 'studying', 'not_adopted']);
});

srv.test('deadlines of a new complaint follow the pack\'s time limits', async () => {
  const { time_limits: tl } = (await srv.as('agent1', 'GET', '/config')).json;
  if (typeof tl.dispatch !== 'number' || !tl.overall) return; // shape not known: nothing to compare
  for (const level of [1, 2, 3]) {
    const c = await srv.intake('agent1', { level });
    const received = Date.parse(c.received_at);
    assert.equal(Date.parse(c.deadlines.stage) - received, tl.dispatch * 60e3, `level ${level}: dispatch stage deadline = received + ${tl.dispatch} min`);
    const overall = typeof tl.overall === 'object' ? tl.overall[String(level)] : tl.overall;
    assert.equal(Date.parse(c.deadlines.overall) - received, overall * 60e3, `level ${level}: overall deadline = received + ${overall} min`);
  }
});

srv.test('GET /stats/overview counts a new complaint', async () => {
  const before = await srv.as('super1', 'GET', '/stats/overview');
  assert.equal(before.status, 200, describe(before));
  const b = before.json;
  for (const k of ['open', 'overdue']) assert.equal(typeof b[k], 'number', k);
  assert.equal(typeof b.by_status, 'object');
  assert.equal(typeof b.today.received, 'number');
  assert.equal(typeof b.today.closed, 'number');
  assert.ok(Array.isArray(b.days) && b.days.length >= 28 && b.days.length <= 31, `about 30 days: ${b.days.length}`);
  for (const d of b.days) {
    assert.match(d.day, /^\d{4}-\d{2}-\d{2}$/);
    for (const k of ['received', 'closed', 'closed_on_time', 'first_contact']) assert.equal(typeof d[k], 'number', `${d.day}.${k}`);
    assert.ok(d.closed_on_time <= d.closed, `${d.day}: on time ≤ closed`);
  }
  const sumOpen = Object.entries(b.by_status).filter(([s]) => !['closed', 'archived'].includes(s)).reduce((a, [, n]) => a + n, 0);
  assert.equal(sumOpen, b.open, 'open = the sum of the open statuses');

  await srv.intake('agent1');
  const c = await srv.intake('agent1');
  await srv.step('agent1', c.id, 'answer', { answer: '当场答复', ...ON_SPOT_VALID });
  const after = (await srv.as('super1', 'GET', '/stats/overview')).json;
  assert.ok(after.today.received >= b.today.received + 2, `today.received grew by 2: ${b.today.received} → ${after.today.received}`);
  assert.ok(after.today.closed >= b.today.closed + 1, 'today.closed grew');
  assert.ok(after.open >= b.open + 1, 'open grew');
  assert.ok((after.by_status.registered || 0) >= (b.by_status.registered || 0) + 1, 'registered grew');
  const today = after.days.at(-1);
  assert.ok(today.first_contact >= (b.days.at(-1).first_contact || 0) + 1, 'first_contact counted');
});

srv.test('GET /metrics is Prometheus text', async () => {
  const r = await srv.api('GET', '/metrics');
  assert.equal(r.status, 200, describe(r));
  assert.match(r.headers.get('content-type') || '', /^text\/plain/);
  assert.match(r.text, /^# (HELP|TYPE) \w+/m);
  for (const line of r.text.split('\n').filter((l) => l && !l.startsWith('#'))) {
    assert.match(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)( \d+)?$/, `a sample line: ${line}`);
  }
});

srv.test('POST /units (admin) adds a unit that intake can name; duplicates → 409 conflict', async () => {
  const code = `SH-PD-T${suffix}`;
  const r = await srv.as('admin', 'POST', '/units', { body: { code, name: '测试加油站', name_en: 'Test Station', type: 'site', parent: 'SH-PD' } });
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.code, code);
  const parent = await srv.unit('SH-PD');
  assert.equal(r.json.parent, parent.id, 'parent given by code is stored as the id');
  const list = await srv.as('agent1', 'GET', '/units');
  assert.ok(list.json.items.some((u) => u.code === code), 'listed');
  const c = await srv.as('agent1', 'POST', '/complaints', { body: intakeBody({ subject_unit: code }) });
  assert.equal(c.status, 201, describe(c));
  assert.equal(c.json.subject_unit.code, code);
  const dup = await srv.as('admin', 'POST', '/units', { body: { code, name: '重复', type: 'site', parent: 'SH-PD' } });
  assert.equal(dup.status, 409, describe(dup));
  assert.equal(errorOf(dup).code, 'conflict');
  const badType = await srv.as('admin', 'POST', '/units', { body: { code: `${code}X`, name: 'x', type: 'planet', parent: 'SH-PD' } });
  assert.equal(badType.status, 422, describe(badType));
  assert.equal(errorOf(badType).field, 'type');
  const badParent = await srv.as('admin', 'POST', '/units', { body: { code: `${code}Y`, name: 'x', type: 'site', parent: 'NOWHERE' } });
  assert.equal(badParent.status, 422, describe(badParent));
  assert.equal(errorOf(badParent).field, 'parent');
  const agent = await srv.as('agent1', 'POST', '/units', { body: { code: `${code}Z`, name: 'x', type: 'site', parent: 'SH-PD' } });
  assert.equal(agent.status, 403, describe(agent));
});

srv.test('POST /users (admin) adds a user who can log in; duplicates → 409 conflict', async () => {
  const username = `agent_t${suffix}`;
  const r = await srv.as('admin', 'POST', '/users', {
    body: { username, name: '测试座席', password: 'a-long-test-password-1', roles: ['agent'], unit: 'SH-CSC' },
  });
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.username, username);
  assert.deepEqual(r.json.roles, ['agent']);
  assert.equal(r.json.unit.code, 'SH-CSC');
  assert.ok(!JSON.stringify(r.json).includes('a-long-test-password-1'), 'no password echoed');
  const login = await srv.api('POST', '/auth/login', { body: { username, password: 'a-long-test-password-1' } });
  assert.equal(login.status, 200, describe(login));
  const c = await srv.api('POST', '/complaints', { token: login.json.token, body: intakeBody() });
  assert.equal(c.status, 201, `the new agent can take intake: ${describe(c)}`);
  assert.equal(c.json.created_by.username, username);
  const dup = await srv.as('admin', 'POST', '/users', { body: { username, name: 'x', password: 'another-password-2', roles: ['agent'], unit: 'SH-CSC' } });
  assert.equal(dup.status, 409, describe(dup));
  assert.equal(errorOf(dup).code, 'conflict');
  const badRole = await srv.as('admin', 'POST', '/users', { body: { username: `${username}x`, name: 'x', password: 'another-password-2', roles: ['wizard'], unit: 'SH-CSC' } });
  assert.equal(badRole.status, 422, describe(badRole));
  assert.equal(errorOf(badRole).field, 'roles');
  const badUnit = await srv.as('admin', 'POST', '/users', { body: { username: `${username}y`, name: 'x', password: 'another-password-2', roles: ['agent'], unit: 'NOWHERE' } });
  assert.equal(badUnit.status, 422, describe(badUnit));
  assert.equal(errorOf(badUnit).field, 'unit');
  const byAgent = await srv.as('agent1', 'POST', '/users', { body: { username: `${username}z`, name: 'x', password: DEMO_PASSWORD, roles: ['admin'], unit: 'HQ' } });
  assert.equal(byAgent.status, 403, describe(byAgent));
});

srv.test('POST /users: must_change_password is a boolean or 400 naming it', async () => {
  const base = { name: 'x', password: 'another-password-2', roles: ['agent'], unit: 'SH-CSC' };
  for (const [i, must] of ['yes', 1, 0, 'true', [], {}].entries()) {
    const r = await srv.as('admin', 'POST', '/users', { body: { ...base, username: `mcp_bad${i}_${suffix}`, must_change_password: must } });
    assert.equal(r.status, 400, `${JSON.stringify(must)}: ${describe(r)}`);
    assert.equal(errorOf(r).field, 'must_change_password');
  }
  const forced = await srv.as('admin', 'POST', '/users', { body: { ...base, username: `mcp_true_${suffix}`, must_change_password: true } });
  assert.equal(forced.status, 201, describe(forced));
  assert.equal(forced.json.must_change_password, true);
  const none = await srv.as('admin', 'POST', '/users', { body: { ...base, username: `mcp_null_${suffix}`, must_change_password: null } });
  assert.equal(none.status, 201, describe(none));
  assert.equal(none.json.must_change_password, false);
});

srv.test('POST /users and a password change refuse common and trivial passwords with 422 naming the field', async () => {
  const username = `weakpw_${suffix}`;
  const base = { name: 'x', roles: ['agent'], unit: 'SH-CSC' };
  for (const [password, hint] of [['12345678', 'run of'], ['        ', 'repeated'], ['aaaaaaaaaa', 'repeated'],
    ['Password1', 'too common'], ['iloveyou', 'too common'], ['qwertyuiop', 'run of'],
    [`${username}`, 'user name'], [`${username}2024`, 'user name']]) {
    const r = await srv.as('admin', 'POST', '/users', { body: { ...base, username, password } });
    assert.equal(r.status, 422, `${JSON.stringify(password)}: ${describe(r)}`);
    const e = errorOf(r);
    assert.equal(e.code, 'validation_failed');
    assert.equal(e.field, 'password');
    assert.ok(e.message.includes(hint), `${JSON.stringify(password)}: ${e.message}`);
    assert.match(e.message, /[\u4e00-\u9fff]/, 'the message is bilingual');
  }
  const made = await srv.as('admin', 'POST', '/users', { body: { ...base, username, password: 'plum-rain-over-9' } });
  assert.equal(made.status, 201, describe(made));
  const login = await srv.api('POST', '/auth/login', { body: { username, password: 'plum-rain-over-9' } });
  assert.equal(login.status, 200, describe(login));
  const change = await srv.api('POST', '/auth/password', {
    token: login.json.token, body: { old_password: 'plum-rain-over-9', new_password: 'sunshine2024' },
  });
  assert.equal(change.status, 422, describe(change));
  assert.equal(errorOf(change).field, 'new_password');
});

srv.test('GET /users is for admin, supervisor and manager', async () => {
  for (const u of ['admin', 'super1', 'manager1']) {
    const r = await srv.as(u, 'GET', '/users');
    assert.equal(r.status, 200, `${u}: ${describe(r)}`);
  }
  for (const u of ['agent1', 'pd01', 'auditor1']) {
    const r = await srv.as(u, 'GET', '/users');
    assert.equal(r.status, 403, `${u}: ${describe(r)}`);
  }
});
