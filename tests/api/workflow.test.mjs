// The workflow: every action of the table in docs/api.md, taken by the
// right users, with the status/stage after each step, the timeline, what
// GET …/actions offers, and the errors for steps that are not allowed.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, HEX64, ON_SPOT_VALID } from './lib.mjs';

const srv = useServer();

// The workflow actions of the contract; other events (if the server records
// any, e.g. audited views) are ignored when comparing sequences.
const WORKFLOW_ACTIONS = new Set(['intake', 'answer', 'dispatch', 'accept', 'transfer', 'assist', 'assist_reply',
  'escalate', 'resolve', 'invalidate', 'reply', 'revisit', 'reopen', 'close', 'archive', 'comment']);

const STAGE_OF = {
  registered: 'dispatch', dispatched: 'handle', processing: 'handle', resolved: 'reply',
  replied: 'revisit', revisited: 'close', closed: 'archive', archived: 'done',
};

function actionNames(list) {
  assert.ok(Array.isArray(list.items), `actions reply has items: ${JSON.stringify(list)}`);
  return list.items.map((a) => a.action);
}

function assertStatus(c, status, what) {
  assert.equal(c.status, status, `${what}: status`);
  assert.equal(c.stage, STAGE_OF[status], `${what}: stage for ${status}`);
}

async function expectNotAllowed(user, id, action, body = {}) {
  const r = await srv.act(user, id, action, body);
  assert.equal(r.status, 409, `${user} ${action}: expected 409 action_not_allowed, got ${describe(r)}`);
  const e = errorOf(r);
  assert.equal(e.code, 'action_not_allowed', r.text);
  const allowed = e.allowed ?? r.json.allowed;
  assert.ok(Array.isArray(allowed), `409 action_not_allowed carries "allowed": ${r.text}`);
  assert.ok(!allowed.includes(action), `${action} is not in allowed ${JSON.stringify(allowed)}`);
  return allowed;
}

async function expectField(user, id, action, body, field) {
  const r = await srv.act(user, id, action, body);
  assert.ok(r.status === 422 || r.status === 400, `${action} without ${field}: expected 422, got ${describe(r)}`);
  const e = errorOf(r);
  assert.equal(e.field, field, `${action}: error.field: ${r.text}`);
  return e;
}

async function dispatched(unit = 'SH-PD-01', over = {}) {
  const c = await srv.intake('agent1', over);
  return srv.step('agent1', c.id, 'dispatch', { unit, note: '请核实处理' });
}

async function processing(unit = 'SH-PD-01', handler = 'pd01') {
  const c = await dispatched(unit);
  return srv.step(handler, c.id, 'accept', { note: '已签收' });
}

srv.test('the configuration lists natures, channels, levels and statuses', async () => {
  const cfg = await srv.config();
  const codes = (xs) => (xs || []).map((x) => (typeof x === 'object' ? x.code : x));
  assert.ok(codes(cfg.natures).includes('valid') && codes(cfg.natures).includes('invalid'), `natures: ${JSON.stringify(cfg.natures)}`);
  assert.ok(codes(cfg.channels).includes('phone'), `channels: ${JSON.stringify(cfg.channels)}`);
  assert.ok(codes(cfg.channels).includes('website'), 'the portal channel website is a channel');
  assert.deepEqual(codes(cfg.levels).map(String).sort(), ['1', '2', '3']);
  for (const s of Object.keys(STAGE_OF)) assert.ok(codes(cfg.statuses).includes(s), `status ${s} in config`);
});

srv.test('full walk: intake → dispatch → accept → assist → assist_reply → resolve → reply → revisit (dissatisfied) → reopen → … → close → archive', async () => {
  const qc = await srv.unit('SH-QC');
  let c = await srv.intake('agent1', { description: '油品质量问题，车辆加油后抖动。', demand: '要求检测油品' });
  assertStatus(c, 'registered', 'intake');
  let version = c.version;
  const id = c.id;
  const bump = (x, what) => {
    assert.ok(x.version > version, `${what}: version grows (${version} → ${x.version})`);
    version = x.version;
  };

  // What each user may do on a registered complaint.
  const agentReg = actionNames(await srv.actions(id, 'agent1'));
  for (const a of ['dispatch', 'answer', 'comment']) assert.ok(agentReg.includes(a), `agent1 may ${a} a registered complaint: ${agentReg}`);
  for (const a of ['accept', 'resolve', 'reply', 'close', 'archive']) assert.ok(!agentReg.includes(a), `agent1 may not ${a} a registered complaint: ${agentReg}`);

  c = await srv.step('agent1', id, 'dispatch', { unit: 'SH-PD-01', note: '请站长核实' });
  assertStatus(c, 'dispatched', 'dispatch');
  assert.equal(c.owner_unit.code, 'SH-PD-01', 'dispatch hands the complaint to the unit');
  bump(c, 'dispatch');

  const pdActions = await srv.actions(id, 'pd01');
  assert.equal(pdActions.version, c.version, 'GET …/actions gives the current version');
  const pdNames = actionNames(pdActions);
  for (const a of ['accept', 'transfer', 'escalate']) assert.ok(pdNames.includes(a), `pd01 may ${a} a dispatched complaint: ${pdNames}`);
  for (const a of ['dispatch', 'resolve', 'reply', 'close', 'answer']) assert.ok(!pdNames.includes(a), `pd01 may not ${a} now: ${pdNames}`);
  const transferForm = pdActions.items.find((a) => a.action === 'transfer');
  const unitField = transferForm.fields.find((f) => f.name === 'unit');
  assert.ok(unitField && unitField.required === true && unitField.type === 'unit', `transfer.unit is a required unit field: ${JSON.stringify(transferForm)}`);
  assert.ok(transferForm.fields.find((f) => f.name === 'reason')?.required, 'transfer.reason is required');
  for (const a of pdActions.items) {
    assert.equal(typeof a.label, 'string');
    assert.ok(Array.isArray(a.fields), `${a.action} has fields`);
    for (const f of a.fields) {
      assert.equal(typeof f.name, 'string');
      assert.ok(['text', 'textarea', 'select', 'unit', 'number', 'datetime'].includes(f.type), `${a.action}.${f.name} type ${f.type}`);
      assert.equal(typeof f.required, 'boolean');
      if (f.type === 'select') assert.ok(Array.isArray(f.options) && f.options.length > 0, `${a.action}.${f.name} has options`);
    }
  }

  const agentDisp = actionNames(await srv.actions(id, 'agent1'));
  assert.ok(!agentDisp.includes('accept'), `agent1 does not see accept: ${agentDisp}`);
  assert.ok(agentDisp.includes('dispatch'), `agent1 may re-dispatch: ${agentDisp}`);
  const audit = await srv.actions(id, 'auditor1');
  assert.deepEqual(actionNames(audit), [], 'the auditor may do nothing');

  c = await srv.step('pd01', id, 'accept', { note: '已签收，安排检测' });
  assertStatus(c, 'processing', 'accept');
  bump(c, 'accept');

  c = await srv.step('pd01', id, 'assist', { unit: 'SH-QC', request: '请质检部门检测3号罐油品' });
  assertStatus(c, 'processing', 'assist');
  assert.equal(c.owner_unit.code, 'SH-PD-01', 'assist does not move ownership');
  assert.ok(Array.isArray(c.assists) && c.assists.length === 1, `one assist: ${JSON.stringify(c.assists)}`);
  assert.equal(c.assists[0].unit.code, 'SH-QC');
  assert.equal(c.assists[0].status, 'open');
  assert.equal(c.assists[0].request, '请质检部门检测3号罐油品');
  assert.equal(c.assists[0].feedback, null);
  bump(c, 'assist');

  const qcNames = actionNames(await srv.actions(id, 'qc1'));
  assert.ok(qcNames.includes('assist_reply'), `qc1 may assist_reply: ${qcNames}`);
  assert.ok(!qcNames.includes('resolve'), `qc1 (assisting) may not resolve: ${qcNames}`);
  assert.ok(!actionNames(await srv.actions(id, 'pd01')).includes('assist_reply'), 'pd01 is not the assisting unit');

  c = await srv.step('qc1', id, 'assist_reply', { feedback: '检测合格，油品无问题' });
  assertStatus(c, 'processing', 'assist_reply');
  assert.equal(c.assists[0].feedback, '检测合格，油品无问题');
  assert.notEqual(c.assists[0].status, 'open', 'the assist is answered');
  assert.equal(c.assists[0].unit.id, qc.id);
  bump(c, 'assist_reply');

  c = await srv.step('pd01', id, 'resolve', { resolution_type: 'explanation', resolution: '经检测油品合格，向客户解释', nature: 'valid' });
  assertStatus(c, 'resolved', 'resolve');
  assert.ok(c.resolution, 'resolution block filled');
  assert.equal(c.nature, 'valid');
  bump(c, 'resolve');

  c = await srv.step('agent1', id, 'reply', { method: 'phone', content: '已电话告知客户检测结果' });
  assertStatus(c, 'replied', 'reply');
  assert.ok(c.reply, 'reply block filled');
  bump(c, 'reply');

  await expectField('agent1', id, 'revisit', { method: 'phone', result: 'dissatisfied' }, 'remarks');
  c = await srv.step('agent1', id, 'revisit', { method: 'phone', result: 'dissatisfied', remarks: '客户不认可检测结果' });
  assertStatus(c, 'revisited', 'revisit dissatisfied');
  assert.ok(c.revisit, 'revisit block filled');
  bump(c, 'revisit');

  const allowed = await expectNotAllowed('agent1', id, 'close', { cause: 'x', responsibility: 'company', responsible_unit: 'SH-PD-01', corrective_action: 'y', nature: 'valid' });
  assert.ok(allowed.includes('reopen'), `reopen is allowed after a dissatisfied revisit: ${allowed}`);

  c = await srv.step('agent1', id, 'reopen', { reason: '客户不满意，再处理' });
  assertStatus(c, 'dispatched', 'reopen');
  assert.equal(c.owner_unit.code, 'SH-PD-01', 'reopen goes back to the last handling unit');
  bump(c, 'reopen');

  c = await srv.step('pd01', id, 'accept', {});
  assertStatus(c, 'processing', 'second accept');
  bump(c, 'accept 2');
  c = await srv.step('pd01', id, 'resolve', { resolution_type: 'solution', resolution: '第三方复检并赔偿洗车费', nature: 'valid' });
  assertStatus(c, 'resolved', 'second resolve');
  bump(c, 'resolve 2');
  c = await srv.step('agent1', id, 'reply', { method: 'sms', content: '已复检并安排赔偿' });
  assertStatus(c, 'replied', 'second reply');
  bump(c, 'reply 2');
  c = await srv.step('agent1', id, 'revisit', { method: 'phone', result: 'satisfied' });
  assertStatus(c, 'revisited', 'second revisit');
  bump(c, 'revisit 2');

  // The gas-station pack's closing section: a valid complaint needs cause, responsibility,
  // responsible unit and person, and corrective action; each refusal names the field.
  const person = { responsible_person: '站长 赵六' };
  await expectField('agent1', id, 'close', { responsibility: 'company', responsible_unit: 'SH-PD-01', ...person, corrective_action: '加强培训', nature: 'valid' }, 'cause');
  await expectField('agent1', id, 'close', { cause: '油品批次问题', responsible_unit: 'SH-PD-01', ...person, corrective_action: '加强培训', nature: 'valid' }, 'responsibility');
  await expectField('agent1', id, 'close', { cause: '油品批次问题', responsibility: 'company', responsible_unit: 'SH-PD-01', ...person, nature: 'valid' }, 'corrective_action');
  await expectField('agent1', id, 'close', { cause: '油品批次问题', responsibility: 'company', ...person, corrective_action: '加强培训', nature: 'valid' }, 'responsible_unit');
  await expectField('agent1', id, 'close', { cause: '油品批次问题', responsibility: 'company', responsible_unit: 'SH-PD-01', corrective_action: '加强培训', nature: 'valid' }, 'responsible_person');
  const unchanged = await srv.get(id);
  assert.equal(unchanged.version, version, 'failed closes change nothing');

  const closing = {
    nature: 'valid', cause: '油品批次问题', responsibility: 'company', responsible_unit: 'SH-PD-01',
    responsible_person: '站长 赵六', corrective_action: '加强进油检测', compensation: 50, penalty: '扣站长绩效200元',
  };
  c = await srv.step('agent1', id, 'close', closing);
  assertStatus(c, 'closed', 'close');
  assert.ok(c.closing, 'closing block filled');
  assert.equal(JSON.stringify(c.closing).includes('油品批次问题'), true, 'closing carries the cause');
  bump(c, 'close');

  await expectNotAllowed('agent1', id, 'reopen', { reason: 'again' });
  c = await srv.step('agent1', id, 'archive', {});
  assertStatus(c, 'archived', 'archive');
  bump(c, 'archive');
  await expectNotAllowed('agent1', id, 'comment', { text: '归档后不能备注' });
  assert.deepEqual(actionNames(await srv.actions(id, 'agent1')), [], 'nothing can be done to an archived complaint');

  // The timeline.
  const ev = await srv.events(id);
  const expected = ['intake', 'dispatch', 'accept', 'assist', 'assist_reply', 'resolve', 'reply', 'revisit', 'reopen',
    'accept', 'resolve', 'reply', 'revisit', 'close', 'archive'];
  assert.deepEqual(ev.filter((e) => WORKFLOW_ACTIONS.has(e.action)).map((e) => e.action), expected, 'actions in order');
  assert.deepEqual(ev.map((e) => e.seq), ev.map((_, i) => i + 1), 'seq is 1..n');
  const hashes = new Set();
  for (const e of ev) {
    assert.match(e.hash, HEX64, `event ${e.seq} has a 64-hex hash`);
    hashes.add(e.hash);
    assert.ok(!Number.isNaN(Date.parse(e.at)), `event ${e.seq} has an instant`);
    assert.equal(typeof e.label, 'string');
  }
  assert.equal(hashes.size, ev.length, 'hashes are distinct');
  const wf = ev.filter((e) => WORKFLOW_ACTIONS.has(e.action));
  const actors = wf.map((e) => e.actor.username);
  assert.deepEqual(actors, ['agent1', 'agent1', 'pd01', 'pd01', 'qc1', 'pd01', 'agent1', 'agent1', 'agent1', 'pd01', 'pd01', 'agent1', 'agent1', 'agent1', 'agent1']);
  const tos = wf.map((e) => e.to_status);
  assert.deepEqual(tos, ['registered', 'dispatched', 'processing', 'processing', 'processing', 'resolved', 'replied', 'revisited',
    'dispatched', 'processing', 'resolved', 'replied', 'revisited', 'closed', 'archived']);
  for (let i = 1; i < wf.length; i++) assert.equal(wf[i].from_status, wf[i - 1].to_status, `event ${wf[i].seq} from_status`);
  for (let i = 1; i < ev.length; i++) assert.ok(Date.parse(ev[i].at) >= Date.parse(ev[i - 1].at), 'events in time order');
});

srv.test('answer on the spot closes at once with first_contact true', async () => {
  const c = await srv.intake('agent1');
  await expectField('agent1', c.id, 'answer', { nature: 'valid' }, 'answer');
  await expectField('agent1', c.id, 'answer', { answer: '已当场解释' }, 'nature');
  const done = await srv.step('agent1', c.id, 'answer', { answer: '已当场向客户解释并道歉，客户接受', ...ON_SPOT_VALID });
  assertStatus(done, 'closed', 'answer');
  assert.equal(done.first_contact, true);
  const ev = await srv.events(c.id);
  const wf = ev.filter((e) => WORKFLOW_ACTIONS.has(e.action)).map((e) => e.action);
  assert.deepEqual(wf, ['intake', 'answer']);
  const a = await srv.step('agent1', c.id, 'archive', {});
  assertStatus(a, 'archived', 'archive after answer');
  // Only a registered complaint can be answered on the spot.
  const d = await dispatched();
  await expectNotAllowed('agent1', d.id, 'answer', { answer: 'x', ...ON_SPOT_VALID });
  assert.equal((await srv.get(d.id)).first_contact, false);
});

srv.test('invalidate → reply → close of an invalid complaint (no cause needed)', async () => {
  const c = await dispatched();
  await expectField('pd01', c.id, 'invalidate', { explanation: '来电人并未在本站加油' }, 'reason_code');
  await expectField('pd01', c.id, 'invalidate', { reason_code: 'unrelated' }, 'explanation');
  const bad = await srv.act('pd01', c.id, 'invalidate', { reason_code: 'bored', explanation: 'x' });
  assert.ok(bad.status === 422 || bad.status === 400, `unknown reason_code: ${describe(bad)}`);
  assert.equal(errorOf(bad).field, 'reason_code');

  let x = await srv.step('pd01', c.id, 'invalidate', { reason_code: 'unrelated', explanation: '来电人并未在本站加油' });
  assertStatus(x, 'resolved', 'invalidate');
  assert.equal(x.nature, 'invalid');
  x = await srv.step('agent1', c.id, 'reply', { method: 'phone', content: '经核实与本公司无关，已向客户解释' });
  assertStatus(x, 'replied', 'reply to invalid');
  x = await srv.step('agent1', c.id, 'close', {});
  assertStatus(x, 'closed', 'close invalid from replied');
  const wf = (await srv.events(c.id)).filter((e) => WORKFLOW_ACTIONS.has(e.action)).map((e) => e.action);
  assert.deepEqual(wf, ['intake', 'dispatch', 'invalidate', 'reply', 'close']);
});

// 001: 书面投诉必须书面答复 — the gas-station pack answers a letter, fax or e-mail in writing.
srv.test('a written complaint gets a written reply; a call may be answered by phone', async () => {
  const fax = await srv.intake('agent1', { channel: 'fax' });
  await srv.step('agent1', fax.id, 'dispatch', { unit: 'SH-PD-01' });
  await srv.step('pd01', fax.id, 'invalidate', { reason_code: 'unrelated', explanation: '来函所述车辆未在本站加油' });
  await expectField('agent1', fax.id, 'reply', { method: 'phone', content: '已电话解释' }, 'method');
  await expectField('agent1', fax.id, 'reply', { method: 'sms', content: '已短信解释' }, 'method');
  assertStatus(await srv.step('agent1', fax.id, 'reply', { method: 'fax', content: '已传真函复' }), 'replied', 'fax reply');
  const call = await srv.intake('agent1', { channel: 'phone' });
  await srv.step('agent1', call.id, 'dispatch', { unit: 'SH-PD-01' });
  await srv.step('pd01', call.id, 'invalidate', { reason_code: 'unrelated', explanation: '来电人并未在本站加油' });
  assertStatus(await srv.step('agent1', call.id, 'reply', { method: 'phone', content: '已电话解释' }), 'replied', 'phone reply');
});

srv.test('a valid complaint cannot be closed from replied (it needs a revisit)', async () => {
  const c = await processing();
  await srv.step('pd01', c.id, 'resolve', { resolution_type: 'solution', resolution: '已道歉', nature: 'valid' });
  await srv.step('agent1', c.id, 'reply', { method: 'phone', content: '已答复' });
  const allowed = await expectNotAllowed('agent1', c.id, 'close', { cause: 'x', responsibility: 'company', responsible_unit: 'SH-PD-01', corrective_action: 'y' });
  assert.ok(allowed.includes('revisit'), `revisit allowed: ${allowed}`);
});

srv.test('revisit unreachable or basically_satisfied leads to close', async () => {
  for (const result of ['unreachable', 'basically_satisfied']) {
    const c = await processing();
    await srv.step('pd01', c.id, 'resolve', { resolution_type: 'solution', resolution: '已道歉', nature: 'valid' });
    await srv.step('agent1', c.id, 'reply', { method: 'phone', content: '已答复' });
    const r = await srv.step('agent1', c.id, 'revisit', { method: 'phone', result });
    assertStatus(r, 'revisited', `revisit ${result}`);
    const names = actionNames(await srv.actions(c.id, 'agent1'));
    assert.ok(names.includes('close'), `close offered after ${result}: ${names}`);
    assert.ok(!names.includes('reopen'), `reopen not offered after ${result}: ${names}`);
    const x = await srv.step('agent1', c.id, 'close', { nature: 'valid', cause: '服务意识不足', responsibility: 'company', responsible_unit: 'SH-PD-01', responsible_person: '加油员 张三', corrective_action: '培训' });
    assertStatus(x, 'closed', `close after ${result}`);
  }
});

srv.test('escalate moves owner_unit to the parent unit', async () => {
  const pd = await srv.unit('SH-PD-01');
  const units = await srv.units();
  const parent = units.find((u) => u.id === pd.parent);
  assert.ok(parent, 'SH-PD-01 has a parent unit');
  const c = await dispatched();
  await expectField('pd01', c.id, 'escalate', {}, 'reason');
  const x = await srv.step('pd01', c.id, 'escalate', { reason: '涉及多站油品，需片区协调' });
  assertStatus(x, 'dispatched', 'escalate');
  assert.equal(x.owner_unit.code, parent.code, 'owner is the parent unit');
  // From processing as well.
  const p = await processing();
  const y = await srv.step('pd01', p.id, 'escalate', { reason: '需上级处理' });
  assertStatus(y, 'dispatched', 'escalate from processing');
  assert.equal(y.owner_unit.code, parent.code);
});

srv.test('transfer changes owner_unit; the old unit loses it', async () => {
  const c = await dispatched();
  await expectField('pd01', c.id, 'transfer', { reason: '非本站' }, 'unit');
  await expectField('pd01', c.id, 'transfer', { unit: 'SH-PD-02' }, 'reason');
  const x = await srv.step('pd01', c.id, 'transfer', { unit: 'SH-PD-02', reason: '实际发生在二站' });
  assertStatus(x, 'dispatched', 'transfer');
  assert.equal(x.owner_unit.code, 'SH-PD-02');
  const r = await srv.act('pd01', c.id, 'accept', {});
  assert.ok(r.status === 403 || r.status === 404, `pd01 after transfer away: ${describe(r)}`);
  const y = await srv.step('pd02', c.id, 'accept', {});
  assertStatus(y, 'processing', 'accept by new unit');
  // Transfer from processing too, to a department.
  const z = await srv.step('pd02', c.id, 'transfer', { unit: 'SH-OPS', reason: '属油站管理组职责' });
  assertStatus(z, 'dispatched', 'transfer from processing');
  assert.equal(z.owner_unit.code, 'SH-OPS');
  assertStatus(await srv.step('ops1', c.id, 'accept', {}), 'processing', 'ops1 accepts');
});

srv.test('reopen may name another unit', async () => {
  const c = await processing();
  await srv.step('pd01', c.id, 'resolve', { resolution_type: 'solution', resolution: '已道歉', nature: 'valid' });
  await srv.step('agent1', c.id, 'reply', { method: 'phone', content: '已答复' });
  await srv.step('agent1', c.id, 'revisit', { method: 'phone', result: 'dissatisfied', remarks: '仍不满意' });
  await expectField('agent1', c.id, 'reopen', { unit: 'SH-OPS' }, 'reason');
  const x = await srv.step('agent1', c.id, 'reopen', { reason: '改由油站管理组处理', unit: 'SH-OPS' });
  assertStatus(x, 'dispatched', 'reopen to another unit');
  assert.equal(x.owner_unit.code, 'SH-OPS');
  assertStatus(await srv.step('ops1', c.id, 'accept', {}), 'processing', 'ops1 accepts the reopened complaint');
});

srv.test('the auditor reads complaints and timelines but acts on nothing', async () => {
  const c = await dispatched();
  const g = await srv.as('auditor1', 'GET', `/complaints/${c.id}`);
  assert.equal(g.status, 200, describe(g));
  const e = await srv.as('auditor1', 'GET', `/complaints/${c.id}/events`);
  assert.equal(e.status, 200, describe(e));
  assert.equal(e.json.items.length, 2);
  const l = await srv.as('auditor1', 'GET', '/complaints?limit=5');
  assert.equal(l.status, 200, describe(l));
  for (const action of ['dispatch', 'accept', 'escalate']) {
    const r = await srv.act('auditor1', c.id, action, { unit: 'SH-PD-02', reason: 'x' });
    assert.equal(r.status, 403, `auditor ${action}: ${describe(r)}`);
  }
});

srv.test('dispatch may be repeated while dispatched (re-dispatch)', async () => {
  const c = await dispatched('SH-PD-01');
  const x = await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-02', level: 2 });
  assertStatus(x, 'dispatched', 're-dispatch');
  assert.equal(x.owner_unit.code, 'SH-PD-02');
  assert.equal(x.level, 2, 'dispatch may set the level');
});

srv.test('illegal actions → 409 action_not_allowed with allowed', async () => {
  const c = await srv.intake('agent1');
  const allowed = await expectNotAllowed('super1', c.id, 'accept');
  assert.ok(allowed.includes('dispatch'), `dispatch is allowed on registered: ${allowed}`);
  await expectNotAllowed('agent1', c.id, 'reply', { method: 'phone', content: 'x' });
  await expectNotAllowed('agent1', c.id, 'archive');
  await expectNotAllowed('super1', c.id, 'resolve', { resolution_type: 'solution', resolution: 'x', nature: 'valid' });
  const ev = await srv.events(c.id);
  assert.equal(ev.length, 1, 'refused actions leave no event');
});

srv.test('an unknown action → 404 (or 409) and nothing changes', async () => {
  const c = await srv.intake('agent1');
  const r = await srv.act('agent1', c.id, 'teleport', {});
  assert.ok(r.status === 404 || r.status === 409 || r.status === 400, describe(r));
  errorOf(r);
  assert.equal((await srv.get(c.id)).version, c.version);
});

srv.test('a role that may not take the action → 403 forbidden', async () => {
  const c = await dispatched();
  const r = await srv.act('agent1', c.id, 'accept', {});
  assert.equal(r.status, 403, `agent accepting: ${describe(r)}`);
  assert.equal(errorOf(r).code, 'forbidden');
  const a = await srv.act('auditor1', c.id, 'comment', { text: '质检抽查' });
  assert.equal(a.status, 403, `auditor commenting: ${describe(a)}`);
  assert.equal(errorOf(a).code, 'forbidden');
  const p = await processing();
  await srv.step('pd01', p.id, 'resolve', { resolution_type: 'solution', resolution: '已解决', nature: 'valid' });
  const h = await srv.act('pd01', p.id, 'reply', { method: 'phone', content: '处理人不能直接答复客户' });
  assert.ok(h.status === 403 || h.status === 404, `handler replying to the customer: ${describe(h)}`);
  assert.equal((await srv.get(p.id)).status, 'resolved', 'still resolved');
  const ev = await srv.events(c.id);
  assert.equal(ev.filter((e) => WORKFLOW_ACTIONS.has(e.action)).length, 2, 'forbidden actions leave no event');
});

srv.test('a handler of another station cannot accept (403 or 404)', async () => {
  const c = await dispatched('SH-PD-01');
  for (const user of ['pd02', 'mh01', 'ops1']) {
    const r = await srv.act(user, c.id, 'accept', {});
    assert.ok(r.status === 403 || r.status === 404, `${user}: ${describe(r)}`);
    errorOf(r);
  }
  const still = await srv.get(c.id);
  assertStatus(still, 'dispatched', 'unchanged');
  const a = await srv.as('pd02', 'GET', `/complaints/${c.id}/actions`);
  if (a.status === 200) assert.ok(!actionNames(a.json).includes('accept'), 'pd02 is not offered accept');
  else assert.equal(a.status, 404, describe(a));
});

srv.test('supervisor and manager may act on any unit\'s complaint', async () => {
  const c = await dispatched('SH-PD-01');
  assertStatus(await srv.step('super1', c.id, 'accept', { note: '主管代签收' }), 'processing', 'supervisor accepts');
  const x = await srv.step('manager1', c.id, 'resolve', { resolution_type: 'solution', resolution: '经理办结', nature: 'suggestion' });
  assertStatus(x, 'resolved', 'manager resolves');
});

srv.test('missing or wrong required fields → 422 naming the field', async () => {
  // A category no routing rule of the pack sends anywhere: the dispatch must name the unit.
  const c = await srv.intake('agent1', { category: 'info.location' });
  await expectField('agent1', c.id, 'dispatch', { note: 'no unit' }, 'unit');
  const u = await srv.act('agent1', c.id, 'dispatch', { unit: 'NO-SUCH-UNIT' });
  assert.equal(u.status, 422, describe(u));
  assert.equal(errorOf(u).field, 'unit');
  assert.ok(['unknown_unit', 'validation_failed'].includes(errorOf(u).code));
  await expectField('agent1', c.id, 'comment', {}, 'text');
  const p = await processing();
  await expectField('pd01', p.id, 'assist', { request: '协助' }, 'unit');
  await expectField('pd01', p.id, 'assist', { unit: 'SH-QC' }, 'request');
  await expectField('pd01', p.id, 'resolve', { resolution: 'x', nature: 'valid' }, 'resolution_type');
  await expectField('pd01', p.id, 'resolve', { resolution_type: 'solution', nature: 'valid' }, 'resolution');
  await expectField('pd01', p.id, 'resolve', { resolution_type: 'solution', resolution: 'x' }, 'nature');
  await expectField('pd01', p.id, 'resolve', { resolution_type: 'magic', resolution: 'x', nature: 'valid' }, 'resolution_type');
  await srv.step('pd01', p.id, 'resolve', { resolution_type: 'solution', resolution: '已处理', nature: 'valid' });
  await expectField('agent1', p.id, 'reply', { content: 'x' }, 'method');
  await expectField('agent1', p.id, 'reply', { method: 'pigeon', content: 'x' }, 'method');
  await expectField('agent1', p.id, 'reply', { method: 'phone' }, 'content');
  await srv.step('agent1', p.id, 'reply', { method: 'phone', content: '已答复' });
  await expectField('agent1', p.id, 'revisit', { result: 'satisfied' }, 'method');
  await expectField('agent1', p.id, 'revisit', { method: 'phone' }, 'result');
  await expectField('agent1', p.id, 'revisit', { method: 'phone', result: 'ecstatic' }, 'result');
});

srv.test('comment keeps the status and is in the timeline', async () => {
  const c = await dispatched();
  for (const user of ['agent1', 'pd01', 'super1', 'manager1']) {
    const x = await srv.step(user, c.id, 'comment', { text: `${user} 备注` });
    assertStatus(x, 'dispatched', `comment by ${user}`);
  }
  const ev = await srv.events(c.id);
  const comments = ev.filter((e) => e.action === 'comment');
  assert.deepEqual(comments.map((e) => e.actor.username), ['agent1', 'pd01', 'super1', 'manager1']);
  for (const e of comments) {
    assert.equal(e.from_status, 'dispatched');
    assert.equal(e.to_status, 'dispatched');
  }
});

srv.test('labels follow Accept-Language', async () => {
  const c = await srv.intake('agent1');
  const zh = await srv.actions(c.id, 'agent1');
  const en = await srv.actions(c.id, 'agent1', { 'accept-language': 'en' });
  const zhDispatch = zh.items.find((a) => a.action === 'dispatch');
  const enDispatch = en.items.find((a) => a.action === 'dispatch');
  assert.match(zhDispatch.label, /[\u4e00-\u9fff]/, `zh-CN label by default: ${zhDispatch.label}`);
  assert.doesNotMatch(enDispatch.label, /[\u4e00-\u9fff]/, `English label with Accept-Language: en: ${enDispatch.label}`);
});

srv.test('actions on an unknown complaint → 404', async () => {
  const r = await srv.act('agent1', 99999999, 'comment', { text: 'x' });
  assert.equal(r.status, 404, describe(r));
  assert.equal(errorOf(r).code, 'not_found');
  const l = await srv.as('agent1', 'GET', '/complaints/99999999/actions');
  assert.equal(l.status, 404, describe(l));
});
