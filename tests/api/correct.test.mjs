// Corrections of the record (000: 根据调查结果,对顾客投诉进行分类; 001:
// 对工单进行复核,确保工单填写的准确性): category, subject unit and staff, level,
// customer class and an addendum, each change an event with its reason and
// what it was; a new level re-plans the clocks; the service centre corrects,
// never the unit complained about.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, runCli, ON_SPOT_VALID } from './lib.mjs';

const srv = useServer();

srv.test('a wrongly filled record is corrected: the list, the clocks and the history follow', async () => {
  const c = await srv.intake('agent1', { category: 'service.attitude', level: 3 });
  const before = await srv.get(c.id);
  assert.equal(before.level, 3);

  const acts = await srv.actions(c.id, 'agent1');
  const form = acts.items.find((x) => x.action === 'correct');
  assert.ok(form, `correct offered to the agent: ${JSON.stringify(acts.items.map((x) => x.action))}`);
  const cat = form.fields.find((f) => f.name === 'category');
  assert.ok(cat.options.some((o) => o.value === 'quality.fuel' && o.label === '油品质量'), 'the pack\'s categories');
  assert.equal(form.fields.find((f) => f.name === 'reason').required, true);

  const r = await srv.act('agent1', c.id, 'correct', {
    category: 'quality.fuel', level: '2', subject_staff: '加油员 王强', addendum: '客户补充：加油后车辆抖动',
    reason: '登记时类别选错，实为油品质量问题',
  });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.category.code ?? r.json.category, 'quality.fuel');
  assert.equal(r.json.level, 2);
  assert.notEqual(r.json.deadlines.overall, before.deadlines.overall, 'the overall limit of level 2 is shorter');
  assert.ok(Date.parse(r.json.deadlines.overall) < Date.parse(before.deadlines.overall));
  assert.equal(r.json.corrections.length, 1);

  const ev = (await srv.events(c.id)).find((e) => e.action === 'correct');
  assert.equal(ev.label, '更正');
  assert.equal(ev.payload.was.category, 'service.attitude');
  assert.equal(ev.payload.was.level, 3);
  assert.equal(ev.payload.was.subject_staff, '加油员 李强');

  // The list files it under the corrected category.
  const list = await srv.as('agent1', 'GET', '/complaints?category=quality&limit=200');
  assert.ok(list.json.items.some((x) => x.id === c.id));
  const old = await srv.as('agent1', 'GET', '/complaints?category=service.attitude&limit=200');
  assert.ok(!old.json.items.some((x) => x.id === c.id));

  const v = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(v.code, 0, `the histories replay: ${v.stdout}${v.stderr}`);
});

srv.test('the unit complained about is corrected before dispatch, and a closed record can still be corrected', async () => {
  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  let r = await srv.act('super1', c.id, 'correct', { subject_unit: 'SH-PD-02', reason: '客户说的是张江站' });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.subject_unit.code, 'SH-PD-02');
  const inPd02 = await srv.as('pdmgr', 'GET', '/complaints?subject_unit=SH-PD-02&limit=200');
  assert.ok(inPd02.json.items.some((x) => x.id === c.id));

  const done = await srv.intake('agent1', { category: 'service.attitude' });
  await srv.step('agent1', done.id, 'answer', { answer: '经核实系误会，已向客户解释', nature: 'invalid' });
  assert.equal((await srv.get(done.id)).status, 'closed');
  r = await srv.act('super1', done.id, 'correct', { category: 'service.fault', reason: '复核：属服务过失' });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.status, 'closed');
});

srv.test('nothing to correct, bad values and the wrong people are refused', async () => {
  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-01', category: 'service.attitude' });
  const bad = async (who, body, status, field) => {
    const r = await srv.act(who, c.id, 'correct', body);
    assert.equal(r.status, status, `${who} ${JSON.stringify(body)}: ${describe(r)}`);
    if (field !== undefined) assert.equal(errorOf(r).field, field);
  };
  await bad('agent1', { category: 'service.attitude', reason: '无变化' }, 422);
  await bad('agent1', { category: 'service.attitude' }, 422, 'reason');
  await bad('agent1', { category: 'no.such', reason: 'x' }, 422, 'category');
  await bad('agent1', { level: '7', reason: 'x' }, 422, 'level');
  await bad('agent1', { subject_unit: 'NOPE', reason: 'x' }, 422, 'subject_unit');
  await bad('agent1', { status: 'closed', reason: 'x' }, 400, 'status');
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  await bad('pd01', { category: 'quality.fuel', reason: '不是我们的问题' }, 403);
  await bad('auditor1', { category: 'quality.fuel', reason: 'x' }, 403);
  assert.ok(!(await srv.actions(c.id, 'pd01')).items.some((x) => x.action === 'correct'), 'not offered to the station');
});

srv.test('退单: the station sends a wrongly filled record back; the centre corrects and dispatches it again', async () => {
  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  assert.equal((await srv.act('agent1', c.id, 'return', { reason: 'x' })).status, 403, 'the centre does not return to itself');
  assert.equal((await srv.act('mh01', c.id, 'return', { reason: 'x' })).status, 404, 'another station sees nothing');
  let r = await srv.act('pd01', c.id, 'return', {});
  assert.equal(r.status, 422, describe(r));
  assert.equal(errorOf(r).field, 'reason');
  r = await srv.act('pd01', c.id, 'return', { reason: '本站无此加油员，应为张江站' });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.status, 'registered');
  assert.equal(r.json.owner_unit.code, 'SH-CSC');
  assert.equal(r.json.stage, 'dispatch', 'the dispatch clock runs again');
  const ev = (await srv.events(c.id)).find((e) => e.action === 'return');
  assert.equal(ev.label, '退单');
  const queue = await srv.as('agent1', 'GET', '/complaints?status=registered&limit=200');
  assert.ok(queue.json.items.some((x) => x.id === c.id), 'back in the centre\'s queue');

  await srv.step('agent1', c.id, 'correct', { subject_unit: 'SH-PD-02', reason: '按退单意见更正被投诉单位' });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-02' });
  r = await srv.act('pd02', c.id, 'accept', {});
  assert.equal(r.status, 200, describe(r));
  // Returned again from the second station, it goes back to the centre, not to the first.
  r = await srv.act('pd02', c.id, 'return', { reason: '再次核实' });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.owner_unit.code, 'SH-CSC');
  assert.equal(r.json.assignee, null);
  const v = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(v.code, 0, `the histories replay: ${v.stdout}${v.stderr}`);
});

srv.test('the closing form is pre-filled from the handling: nature, the unit and staff complained about', async () => {
  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-01', subject_staff: '加油员 李强' });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  await srv.step('pd01', c.id, 'accept', {});
  await srv.step('pd01', c.id, 'resolve', { resolution_type: 'solution', resolution: '已向客户道歉并补开发票', nature: 'valid' });
  await srv.step('agent1', c.id, 'reply', { method: 'phone', content: '已致歉并补开发票' });
  await srv.step('agent1', c.id, 'revisit', { method: 'phone', result: 'satisfied' });
  const close = (await srv.actions(c.id, 'agent1')).items.find((x) => x.action === 'close');
  const def = Object.fromEntries(close.fields.filter((f) => 'default' in f).map((f) => [f.name, f.default]));
  assert.deepEqual(def, { nature: 'valid', responsible_unit: (await srv.unit('SH-PD-01')).id, responsible_person: '加油员 李强' });
  const other = (await srv.actions(c.id, 'agent1')).items.find((x) => x.action === 'comment');
  assert.ok(!other.fields.some((f) => 'default' in f), 'only closing is pre-filled');
});

// 001: 对工单进行复核,确保工单填写的准确性 — and a corrected record is graded as the
// pack's rules would have graded it at intake: a complaint first filed as an
// attitude complaint, corrected to the second quantity complaint at the same
// station within 24 hours, is raised to level 2 and the station is told
// (quantity-repeat); a customer corrected to VIP raises the priority. Rules
// that fired before are not fired again, and nothing is ever lowered.
srv.test('a correction meets the pack\'s rules again: the level and priority rise, and the new rule\'s notice goes out', async () => {
  const unit = 'SH-MH-02';
  await srv.intake('agent1', { category: 'quality.quantity', subject_unit: unit, level: 3, description: '加油量不足，怀疑计量不准' });
  const c = await srv.intake('agent1', { category: 'service.attitude', subject_unit: unit, level: 3, description: '加油员态度差，加油量也不对' });
  assert.equal(c.level, 3);
  assert.ok(!(c.rules_fired || []).some((r) => r.code === 'quantity-repeat'));

  let x = await srv.step('agent1', c.id, 'correct', { category: 'quality.quantity', reason: '实为加油数量问题' });
  assert.equal(x.level, 2, 'graded as the second quantity complaint at the station in 24 hours');
  assert.ok(x.rules_fired.some((r) => r.code === 'quantity-repeat'), JSON.stringify(x.rules_fired));
  const ev = (await srv.events(c.id, 'admin')).find((e) => e.action === 'correct');
  assert.equal(ev.payload.was.level, 3, 'the history says the level was 3');
  let rows = (await srv.as('admin', 'GET', `/outbox?complaint=${c.id}`)).json.items.filter((m) => m.template === 'rule_notify');
  assert.ok(rows.length >= 1, 'the rule\'s notice is queued with the correction');
  assert.ok(rows.every((m) => m.payload.rule === 'quantity-repeat'), JSON.stringify(rows.map((m) => m.payload)));
  const notices = rows.length;

  // The customer is a VIP: the priority rises; quantity-repeat, fired already, is not sent again.
  x = await srv.step('agent1', c.id, 'correct', { customer_class: 'vip', reason: '客户为VIP会员' });
  assert.equal(x.priority, 'high');
  assert.equal(x.level, 2, 'never lowered');
  rows = (await srv.as('admin', 'GET', `/outbox?complaint=${c.id}`)).json.items.filter((m) => m.template === 'rule_notify');
  assert.equal(rows.length, notices, 'no notice twice');

  // A correction back to attitude does not lower what the rules raised.
  x = await srv.step('agent1', c.id, 'correct', { category: 'service.attitude', reason: '复核后改回' });
  assert.equal(x.level, 2);
  assert.equal(x.priority, 'high');

  // A closed complaint corrected for the statistics is not graded or announced again.
  const closed = await srv.intake('agent1', { category: 'service.attitude', subject_unit: unit, level: 3, description: '加油员态度差' });
  await srv.step('agent1', closed.id, 'answer', { answer: '当场致歉', ...ON_SPOT_VALID, responsible_unit: unit });
  x = await srv.step('agent1', closed.id, 'correct', { category: 'quality.quantity', reason: '归类更正' });
  assert.equal(x.status, 'closed');
  assert.equal(x.level, 3, 'a closed complaint is not graded again');
  rows = (await srv.as('admin', 'GET', `/outbox?complaint=${closed.id}`)).json.items.filter((m) => m.template === 'rule_notify');
  assert.equal(rows.length, 0, 'nor announced');
  const v = await runCli(['verify', '--db', srv.dbUrl], { timeoutMs: 120000 });
  assert.equal(v.code, 0, v.stdout + v.stderr);
});
