// Kinds of work order (packs.md "Kinds"): the gas utility's pack, from seed
// 004 §3.1 — 客服人员需及时接收并记录客户的服务请求，了解客户的具体需求和情况，
// 包括但不限于報修、咨詢、投訴等類別 — takes complaints, consultations (咨询),
// repair requests (报修), suggestions and praise (表扬), each with its own
// subset of the workflow, its own time limits and its own place in the
// reports. Intake's `kind` is one of the pack's codes, `complaint` by default.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackServer, describe, errorOf } from './lib.mjs';

const site = 'CITY-E-01';
const users = [['agent', ['agent'], 'CITY-CSC'], ['handler', ['handler'], site], ['sup', ['supervisor'], 'CITY'],
  ['mgr', ['manager'], 'CITY']];

class UtilityServer extends PackServer {
  intake(username, over) {
    return super.intake(username, { customer: { class: 'resident' }, subject_staff: null, place: null, subject_unit: site,
      channel: 'phone', category: 'billing.wrong', ...over });
  }
  async names(id, username = 'agent') {
    return (await this.actions(id, username)).items.map((a) => a.action);
  }
}

async function refused(s, r, status, code, field) {
  assert.equal(r.status, status, describe(r));
  assert.equal(errorOf(r).code, code);
  if (field !== undefined) assert.equal(errorOf(r).field, field);
}

test('kinds of work order in the utility pack', { timeout: 240000 }, async () => {
  const s = new UtilityServer('utility', users);
  try {
    await s.start();

    // The pack's kinds, with their names; complaint by default.
    const plain = await s.intake('agent', {});
    assert.equal(plain.kind, 'complaint');
    assert.equal(plain.kind_name, '投诉');
    const bad = await s.as('agent', 'POST', '/complaints', { body: { channel: 'phone', category: 'billing.wrong',
      subject_unit: site, description: '咨询气价', customer: { name: '张三', phone: '13800138000', class: 'resident' }, kind: 'inquiry' } });
    await refused(s, bad, 422, 'validation_failed', 'kind');
    const regulator = await s.as('agent', 'POST', '/complaints', { body: { channel: 'regulator', category: 'billing.wrong',
      subject_unit: site, description: '12345 转来', customer: { name: '张三', phone: '13800138000', class: 'resident' }, kind: 'repair' } });
    await refused(s, regulator, 422, 'validation_failed', 'kind');

    // A repair request: dispatched faster than a complaint, then the whole way with a revisit, and no penalties.
    const repair = await s.intake('agent', { kind: 'repair', description: '燃气表不走字，请上门维修' });
    assert.equal(repair.kind, 'repair');
    assert.equal(repair.kind_name, '报修');
    const due = (c, name) => Date.parse(c.clocks.find((k) => k.name === name).deadline);
    const [pc, rc] = [await s.get(plain.id, 'agent'), await s.get(repair.id, 'agent')];
    assert.ok(due(rc, 'dispatch') < due(pc, 'dispatch'), 'a repair request is dispatched within 2 working hours');
    assert.ok(!(await s.names(repair.id)).includes('compensate'));
    await s.step('agent', repair.id, 'dispatch', { unit: site });
    assert.ok(!(await s.names(repair.id, 'handler')).includes('compensate'), 'a repair request has no compensation');
    await s.step('handler', repair.id, 'accept', {});
    await s.step('handler', repair.id, 'resolve', { resolution_type: 'solution', resolution: '已更换燃气表', nature: 'valid' });
    await s.step('agent', repair.id, 'reply', { method: 'phone', content: '燃气表已更换' });
    assert.ok((await s.names(repair.id)).includes('revisit'));
    await s.step('agent', repair.id, 'revisit', { method: 'phone', result: 'satisfied' });
    const closeForm = (await s.actions(repair.id, 'agent')).items.find((a) => a.action === 'close');
    assert.deepEqual(closeForm.fields.map((f) => f.name), ['nature'], 'a repair request closes with its nature alone');
    let x = await s.step('agent', repair.id, 'close', { nature: 'valid' });
    assert.equal(x.status, 'closed');
    assert.equal((x.penalties || []).length, 0, 'a repair request writes no penalty');

    // A consultation answered on the spot.
    const q1 = await s.intake('agent', { kind: 'consultation', description: '阶梯气价怎么算？' });
    const names = await s.names(q1.id);
    assert.ok(names.includes('answer') && names.includes('dispatch'), names.join());
    x = await s.step('agent', q1.id, 'answer', { answer: '按年度用气量分三档计价', nature: 'valid' });
    assert.equal(x.status, 'closed');

    // A consultation passed on: dispatched, resolved, replied and closed — no revisit.
    const q2 = await s.intake('agent', { kind: 'consultation', description: '新房开户需要什么材料？' });
    await s.step('agent', q2.id, 'dispatch', { unit: site });
    await s.step('handler', q2.id, 'accept', {});
    await s.step('handler', q2.id, 'resolve', { resolution_type: 'solution', resolution: '已告知开户材料', nature: 'valid' });
    await s.step('agent', q2.id, 'reply', { method: 'phone', content: '身份证与房产证' });
    const after = await s.names(q2.id);
    assert.ok(!after.includes('revisit') && after.includes('close'), after.join());
    await refused(s, await s.act('agent', q2.id, 'revisit', { method: 'phone', result: 'satisfied' }), 409, 'action_not_allowed');
    x = await s.step('agent', q2.id, 'close', { nature: 'valid' });
    assert.equal(x.status, 'closed');

    // Praise is recorded and closed: no dispatch.
    const p = await s.intake('agent', { kind: 'praise', description: '表扬抢修班组及时到场' });
    assert.deepEqual((await s.names(p.id)).filter((a) => ['dispatch', 'answer'].includes(a)), ['answer']);
    await refused(s, await s.act('agent', p.id, 'dispatch', { unit: site }), 409, 'action_not_allowed');
    x = await s.step('agent', p.id, 'answer', { answer: '已转达并致谢', nature: 'valid' });
    assert.equal(x.status, 'closed');
    assert.equal(x.kind_name, '表扬');

    // The list filters by the pack's kinds and names the kind.
    let r = await s.as('agent', 'GET', '/complaints?kind=consultation');
    assert.equal(r.status, 200, describe(r));
    assert.deepEqual(r.json.items.map((c) => c.id).sort(), [q1.id, q2.id].sort());
    assert.ok(r.json.items.every((c) => c.kind === 'consultation' && c.kind_name === '咨询'));
    r = await s.as('agent', 'GET', '/complaints?kind=complaint');
    assert.deepEqual(r.json.items.map((c) => c.id), [plain.id]);
    await refused(s, await s.as('agent', 'GET', '/complaints?kind=inquiry'), 400, 'bad_request', 'kind');
    r = await s.as('agent', 'GET', '/complaints?kind=repair&status=&format=csv');
    assert.equal(r.status, 200, describe(r));
    const lines = r.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    assert.match(lines[0], /,渠道,工单类型,/);
    assert.equal(lines.length, 2);
    assert.match(lines[1], /,报修,/);
    r = await s.as('agent', 'GET', `/complaints/${repair.id}`, { headers: { 'accept-language': 'en' } });
    assert.equal(r.json.kind_name, 'Repair request');

    // Reports: the complaint indicators leave out what the pack does not count as a complaint, unless asked.
    const range = 'from=2024-01-01&to=2030-12-31';
    r = await s.as('mgr', 'GET', `/reports/received?${range}`);
    assert.equal(r.status, 200, describe(r));
    assert.equal(r.json.total.value, 1, 'received counts the complaint alone');
    r = await s.as('mgr', 'GET', `/reports/received?${range}&kind=consultation`);
    assert.equal(r.json.total.value, 2);
    r = await s.as('mgr', 'GET', `/reports/received?${range}&group_by=kind`);
    assert.equal(r.status, 200, describe(r));
    const byKind = Object.fromEntries(r.json.items.map((c) => [c.group.kind, c.value]));
    assert.deepEqual(byKind, { complaint: 1, consultation: 2, praise: 1, repair: 1 });
    assert.equal(r.json.items.find((c) => c.group.kind === 'repair').labels.kind, '报修');
    r = await s.as('mgr', 'GET', `/reports/received/complaints?${range}&kind=repair`);
    assert.equal(r.status, 200, describe(r));
    assert.deepEqual(r.json.items.map((c) => c.id), [repair.id]);
    r = await s.as('mgr', 'GET', `/reports/received/complaints?${range}`);
    assert.deepEqual(r.json.items.map((c) => c.id), [plain.id], 'the drill-down agrees with the count');
    await refused(s, await s.as('mgr', 'GET', `/reports/received?${range}&kind=inquiry`), 400, 'bad_request', 'kind');
  } finally {
    await s.stop();
    await s.cleanup();
  }
});

// A work order filed under the wrong kind is corrected (更正) to its right one
// while it is open: its time limits follow the new kind, as a corrected
// category's do, and the kind it becomes must have a way on from where it stands.
test('correcting the kind of a work order', { timeout: 240000 }, async () => {
  const s = new UtilityServer('utility', users);
  try {
    await s.start();
    const due = async (id, name) => Date.parse((await s.get(id, 'agent')).clocks.find((k) => k.name === name).deadline);
    const q = await s.intake('agent', { kind: 'consultation', description: '燃气表不走字，是否需要维修？' });
    const form = (await s.actions(q.id, 'agent')).items.find((a) => a.action === 'correct');
    const kindField = form.fields.find((f) => f.name === 'kind');
    assert.ok(kindField, 'the correction offers the kind');
    assert.deepEqual(kindField.options.map((o) => o.value), ['complaint', 'consultation', 'repair', 'suggestion', 'praise']);

    // Consultation → repair request: dispatched within 2 working hours instead of 4.
    const before = await due(q.id, 'dispatch');
    let x = await s.step('agent', q.id, 'correct', { kind: 'repair', reason: '客户实为报修' });
    assert.equal(x.kind, 'repair');
    assert.equal(x.kind_name, '报修');
    const after = await due(q.id, 'dispatch');
    assert.ok(after < before, `the repair request's dispatch limit is shorter (${new Date(after).toISOString()} < ${new Date(before).toISOString()})`);
    const ev = (await s.events(q.id, 'agent')).find((e) => e.action === 'correct');
    assert.equal(ev.payload.was.kind, 'consultation');
    let r = await s.as('agent', 'GET', '/complaints?kind=repair');
    assert.deepEqual(r.json.items.map((c) => c.id), [q.id], 'the list finds it under its new kind');
    r = await s.as('mgr', 'GET', '/reports/received?from=2024-01-01&to=2030-12-31&group_by=kind');
    assert.deepEqual(r.json.items.map((c) => c.group.kind), ['repair'], 'the reports count it under its new kind');
    await refused(s, await s.act('agent', q.id, 'correct', { kind: 'repair', reason: '重复' }), 422, 'validation_failed');
    await refused(s, await s.act('agent', q.id, 'correct', { kind: 'inquiry', reason: '无此类型' }), 422, 'validation_failed', 'kind');

    // A category corrected to a leak runs on the duty calendar's 15 minutes.
    x = await s.step('agent', q.id, 'correct', { category: 'leak', reason: '现场有燃气味' });
    assert.ok(await due(q.id, 'dispatch') - Date.parse(q.received_at) <= 15 * 60 * 1000 + 1000, 'a leak is dispatched within 15 minutes');

    // Praise has no step on from processing: a complaint being handled cannot become one.
    const c = await s.intake('agent', { description: '抄表员态度差' });
    await s.step('agent', c.id, 'dispatch', { unit: site });
    await s.step('handler', c.id, 'accept', {});
    await refused(s, await s.act('agent', c.id, 'correct', { kind: 'praise', reason: '误登' }), 422, 'validation_failed', 'kind');
    // A closed work order keeps its kind.
    const p = await s.intake('agent', { kind: 'praise', description: '表扬抢修班组' });
    await s.step('agent', p.id, 'answer', { answer: '已转达', nature: 'valid' });
    await refused(s, await s.act('sup', p.id, 'correct', { kind: 'complaint', reason: '误登' }), 422, 'validation_failed', 'kind');
  } finally {
    await s.stop();
    await s.cleanup();
  }
});

// Seed 001 (the telecom operator) hands on 业务咨询、客户投诉、障碍申告等客户服务处理单:
// the telecom pack takes consultations and fault reports beside complaints.
test('kinds of work order in the telecom pack', { timeout: 240000 }, async () => {
  const s = new PackServer('telecom', [['agent', ['agent'], 'HA-CSC'], ['handler', ['handler'], 'HA-ZZ-01']]);
  try {
    await s.start();
    const cfg = await s.as('agent', 'GET', '/config');
    assert.deepEqual(cfg.json.kinds.map((k) => k.code), ['complaint', 'consultation', 'fault_report']);
    const body = { customer: { class: 'ordinary' }, subject_staff: null, place: null, subject_unit: 'HA-ZZ-01',
      channel: 'business_hall', category: 'channel.own_hall' };
    const f = await s.intake('agent', { ...body, kind: 'fault_report', description: '家中宽带无法上网' });
    assert.equal(f.kind_name, '障碍申告');
    const r = await s.as('agent', 'POST', '/complaints', { body: { ...body, kind: 'repair', description: '报修',
      customer: { name: '李四', phone: '13900139000', class: 'ordinary' } } });
    await refused(s, r, 422, 'validation_failed', 'kind');
  } finally {
    await s.stop();
    await s.cleanup();
  }
});
