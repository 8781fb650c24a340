// The gas-station pack's closing requirements, compensation authorisation,
// appeals and penalty ledger (seed 000 art. 3-4, 15, 20; seed 001 授权 and
// 申诉; seed 003's senior-management rule), through the API: what a centre
// agent, a station manager, a supervisor and a manager see and may do.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useServer, errorOf, describe, runCli, localDate, rfc3339, intakeBody } from './lib.mjs';
import { readXlsx, getBytes } from './xlsx.mjs';

const srv = useServer();
const MONTH = localDate(new Date()).slice(0, 7); // closes happen now: this month's ledger

async function expect422(user, id, action, body, field) {
  const r = await srv.act(user, id, action, body);
  assert.equal(r.status, 422, `${action} ${JSON.stringify(body)}: ${describe(r)}`);
  assert.equal(errorOf(r).field, field, `${action}: the refusal names ${field}: ${describe(r)}`);
  return r;
}

// An attitude complaint about 加油员 李强 at 世纪大道 walked to revisited (satisfied).
async function revisited(over = {}, resolveNature = 'valid') {
  const c = await srv.intake('agent1', over);
  await srv.step('agent1', c.id, 'dispatch', { unit: over.subject_unit || 'SH-PD-01' });
  const handler = (over.subject_unit || 'SH-PD-01') === 'SH-PD-02' ? 'pd02' : 'pd01';
  await srv.step(handler, c.id, 'accept', {});
  await srv.step(handler, c.id, 'resolve', { resolution_type: 'solution', resolution: '调阅监控属实，已当面致歉', nature: resolveNature });
  await srv.step('agent1', c.id, 'reply', { method: 'phone', content: '已电话告知处理结果' });
  await srv.step('agent1', c.id, 'revisit', { method: 'phone', result: 'satisfied' });
  return c;
}

const VALID_CLOSE = {
  nature: 'valid', cause: '加油员高峰时段服务用语不规范', responsibility: 'company', responsible_unit: 'SH-PD-01',
  responsible_person: '加油员 李强', corrective_action: '班前会通报，全站重新学习服务规范',
};

async function ledger(query = `month=${MONTH}`, user = 'manager1') {
  const r = await srv.as(user, 'GET', `/penalties?${query}`);
  assert.equal(r.status, 200, describe(r));
  return r.json;
}

let attitude; // the valid complaint whose entries are waived and exported below

srv.test('the closing form lists the pack\'s required fields and options', async () => {
  const c = await revisited();
  const list = await srv.actions(c.id, 'agent1');
  const close = list.items.find((a) => a.action === 'close');
  assert.ok(close, `close offered: ${list.items.map((a) => a.action)}`);
  const f = Object.fromEntries(close.fields.map((x) => [x.name, x]));
  for (const name of ['cause', 'responsibility', 'responsible_unit', 'responsible_person', 'corrective_action']) {
    assert.equal(f[name]?.required, true, `${name} required for a valid complaint: ${JSON.stringify(f[name])}`);
  }
  assert.equal(f.nature.required, false, 'the nature is known from the resolution');
  assert.deepEqual(f.responsibility.options.map((o) => o.value), ['company', 'handled_properly', 'withdrawn', 'customer', 'third_party']);
  assert.equal(f.responsibility.options[0].label, '公司责任');
  assert.equal(f.explanation.required, false, 'an explanation is needed only for an invalid complaint');
  assert.deepEqual(f.adoption.options.map((o) => o.value), ['adopted', 'studying', 'not_adopted']);
  assert.equal(f.responsible_unit.type, 'unit');
});

srv.test('closing a valid complaint without a required field is refused, naming it; nothing is written', async () => {
  const c = await revisited();
  const before = await srv.get(c.id);
  for (const name of ['cause', 'responsibility', 'responsible_unit', 'responsible_person', 'corrective_action']) {
    const body = { ...VALID_CLOSE };
    delete body[name];
    await expect422('agent1', c.id, 'close', body, name);
  }
  await expect422('agent1', c.id, 'close', { ...VALID_CLOSE, responsible_person: '   ' }, 'responsible_person');
  await expect422('agent1', c.id, 'close', { ...VALID_CLOSE, responsibility: 'nobody' }, 'responsibility');
  const after = await srv.get(c.id);
  assert.equal(after.version, before.version, 'refused closes change nothing');
  assert.equal(after.status, 'revisited');
  const l = await ledger();
  assert.ok(!l.items.some((p) => p.complaint.id === c.id), 'no ledger entry from a refused close');
});

srv.test('a valid attitude complaint, company responsible: 200 yuan for the staff member, the station and region managers, and the station loses the award', async () => {
  const c = await revisited();
  const closed = await srv.step('agent1', c.id, 'close', VALID_CLOSE);
  assert.equal(closed.status, 'closed');
  assert.equal(closed.closing.responsible_person, '加油员 李强');
  const byRole = Object.fromEntries(closed.penalties.map((p) => [p.role, p]));
  assert.deepEqual(Object.keys(byRole).sort(), ['region_manager', 'staff', 'station', 'station_manager']);
  assert.equal(byRole.staff.amount, 200);
  assert.equal(byRole.staff.person, '加油员 李强');
  assert.equal(byRole.staff.unit.code, 'SH-PD-01');
  assert.equal(byRole.station_manager.amount, 100);
  assert.equal(byRole.station_manager.unit.code, 'SH-PD-01');
  assert.equal(byRole.region_manager.amount, 50);
  assert.equal(byRole.region_manager.unit.code, 'SH-PD', 'the region above the station');
  assert.equal(byRole.station.award_loss, true);
  assert.equal(byRole.staff.award_loss, false);

  const l = await ledger();
  const mine = l.items.filter((p) => p.complaint.id === c.id);
  assert.equal(mine.length, 4, JSON.stringify(mine));
  for (const p of mine) {
    assert.equal(p.month, MONTH);
    assert.equal(p.status, 'active');
    assert.equal(p.complaint.number, c.number);
    assert.equal(p.rule, 'valid_complaint');
  }
  assert.deepEqual(mine.map((p) => p.amount).sort((a, b) => a - b), [0, 50, 100, 200]);
  // The same rows, and the close event that decided them, in one history.
  const ev = (await srv.events(c.id)).find((e) => e.action === 'close');
  assert.equal(ev.payload.penalties.length, 4);
  const byUnit = await ledger(`month=${MONTH}&unit=SH-PD`);
  assert.ok(byUnit.items.some((p) => p.complaint.id === c.id), 'the region filter includes its stations');
  const other = await ledger(`month=${MONTH}&unit=SH-MH`);
  assert.ok(!other.items.some((p) => p.complaint.id === c.id), 'another region does not');
  const handler = await srv.as('pd01', 'GET', '/penalties');
  assert.equal(handler.status, 403, 'a station handler does not read the ledger');
  const bad = await srv.as('manager1', 'GET', '/penalties?month=2026-13');
  assert.equal(bad.status, 400);
  assert.equal(errorOf(bad).field, 'month');
  attitude = c;
});

srv.test('a valid complaint of a third party\'s cause writes no penalty', async () => {
  const c = await revisited();
  const closed = await srv.step('agent1', c.id, 'close', { ...VALID_CLOSE, responsibility: 'third_party', cause: '供电公司停电导致加油机停机' });
  assert.deepEqual(closed.penalties, []);
  assert.ok(!(await ledger()).items.some((p) => p.complaint.id === c.id));
});

srv.test('a drunk caller\'s complaint is closed invalid with the explanation given, and writes no penalty', async () => {
  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-02', description: '来电人称夜班员工辱骂他，语无伦次' });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-02' });
  const explanation = '经调阅监控及交易流水，未发现来电人所述车辆和加油记录，判断为酒后无理投诉';
  await srv.step('pd02', c.id, 'invalidate', { reason_code: 'drunk', explanation });
  await srv.step('agent1', c.id, 'reply', { method: 'phone', content: '已向来电人说明核查结果' });
  const list = await srv.actions(c.id, 'agent1');
  const f = list.items.find((a) => a.action === 'close').fields.find((x) => x.name === 'explanation');
  assert.equal(f.required, false, 'the explanation was already given when it was marked invalid');
  const closed = await srv.step('agent1', c.id, 'close', {});
  assert.equal(closed.status, 'closed');
  assert.equal(closed.nature, 'invalid');
  assert.equal(closed.closing.explanation, explanation);
  assert.deepEqual(closed.penalties, []);
  assert.ok(!(await ledger()).items.some((p) => p.complaint.id === c.id));
});

srv.test('an invalid complaint closed without any explanation, or a suggestion without its adoption, is refused', async () => {
  const inv = await revisited({}, 'invalid');
  await expect422('agent1', inv.id, 'close', {}, 'explanation');
  const ok = await srv.step('agent1', inv.id, 'close', { explanation: '客户所述站点为其他品牌加油站，已说明' });
  assert.equal(ok.closing.explanation, '客户所述站点为其他品牌加油站，已说明');
  const sug = await revisited({}, 'suggestion');
  await expect422('agent1', sug.id, 'close', {}, 'adoption');
  await expect422('agent1', sug.id, 'close', { adoption: 'maybe' }, 'adoption');
  const done = await srv.step('agent1', sug.id, 'close', { adoption: 'studying' });
  assert.equal(done.closing.adoption, 'studying');
  assert.deepEqual(done.penalties, []);
});

srv.test('a level-1 (major) complaint is closed only by a manager', async () => {
  const c = await revisited({ level: 1 });
  const sup = await srv.actions(c.id, 'super1');
  assert.ok(!sup.items.some((a) => a.action === 'close'), 'close is not offered to a supervisor');
  const r = await srv.act('super1', c.id, 'close', VALID_CLOSE);
  assert.equal(r.status, 403, describe(r));
  const mgr = await srv.actions(c.id, 'manager1');
  assert.ok(mgr.items.some((a) => a.action === 'close'));
  const closed = await srv.step('manager1', c.id, 'close', VALID_CLOSE);
  assert.equal(closed.status, 'closed');
  assert.equal(closed.penalties.length, 4);
});

srv.test('compensation within the handler\'s limit is granted; above it it waits for a supervisor whose limit covers it', async () => {
  const c = await srv.intake('agent1', {});
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  await srv.step('pd01', c.id, 'accept', {});
  const form = (await srv.actions(c.id, 'pd01')).items.find((a) => a.action === 'compensate');
  assert.ok(form, 'the handler may compensate');
  assert.deepEqual(form.fields.find((x) => x.name === 'kind').options.map((o) => o.value), ['refund', 'voucher', 'fuel_card', 'free_service']);
  assert.match(form.fields.find((x) => x.name === 'amount').label, /200\.00/, 'the label tells the handler their limit');

  let x = await srv.step('pd01', c.id, 'compensate', { kind: 'voucher', amount: 100, reason: '赠送洗车券致歉' });
  assert.equal(x.compensations[0].status, 'granted');
  assert.equal(x.compensations[0].amount, 100);
  await expect422('pd01', c.id, 'compensate', { kind: 'voucher', amount: 0, reason: '无' }, 'amount');
  await expect422('pd01', c.id, 'compensate', { kind: 'gold', amount: 10, reason: '无' }, 'kind');

  x = await srv.step('pd01', c.id, 'compensate', { kind: 'refund', amount: 400, reason: '多收油款退还' });
  const pending = x.compensations[1];
  assert.equal(pending.status, 'pending');
  assert.equal(pending.approver_unit.code, 'SH', 'the request goes to the branch');
  assert.deepEqual(pending.approver_roles, ['supervisor', 'manager']);
  const out = await srv.as('super1', 'GET', `/outbox?complaint=${c.id}`);
  assert.equal(out.status, 200, describe(out));
  const note = out.json.items.find((m) => m.template === 'compensation_approval');
  assert.ok(note, `the approval request is in the outbox: ${out.text}`);
  assert.equal(note.recipient_unit.code, 'SH');

  const queue = await srv.as('super1', 'GET', '/compensations?status=pending&mine=true');
  assert.equal(queue.status, 200, describe(queue));
  const item = queue.json.items.find((m) => m.complaint.id === c.id);
  assert.ok(item && item.can_decide, `super1's pending approvals list it: ${queue.text}`);
  assert.equal(item.amount, 400);
  assert.equal(item.kind_label, '退款');
  // The reason is sealed at rest like every step's text; the list shows it readable.
  assert.equal(item.reason, '多收油款退还');

  const denied = await srv.act('agent1', c.id, 'approve_compensation', { entry: '2' });
  assert.equal(denied.status, 403, 'an agent cannot approve');
  await expect422('super1', c.id, 'refuse_compensation', { entry: '2' }, 'reason');
  x = await srv.step('super1', c.id, 'approve_compensation', { entry: '2', note: '同意退款' });
  assert.equal(x.compensations[1].status, 'approved');
  assert.equal(x.compensations[1].decided_by.username, 'super1');
  const evs = (await srv.events(c.id)).map((e) => e.action);
  assert.deepEqual(evs.filter((a) => /compens/.test(a)), ['compensate', 'compensate', 'approve_compensation']);
  const after = await srv.as('super1', 'GET', '/compensations?status=approved');
  const decided = after.json.items.find((m) => m.complaint.id === c.id && m.no === 2);
  assert.ok(decided, after.text);
  assert.equal(decided.decision, '同意退款');
});

srv.test('above a supervisor\'s limit only a manager approves; above 2000 yuan senior management at HQ; a pending one blocks closing', async () => {
  const c = await revisited();
  let x = await srv.step('agent1', c.id, 'compensate', { kind: 'refund', amount: 1500, reason: '误加油品的清洗费用' });
  assert.equal(x.compensations[0].status, 'pending');
  assert.deepEqual(x.compensations[0].approver_roles, ['manager']);
  const blocked = await srv.act('agent1', c.id, 'close', VALID_CLOSE);
  assert.equal(blocked.status, 409, `closing waits for the approval: ${describe(blocked)}`);
  assert.ok(!(await srv.actions(c.id, 'super1')).items.some((a) => a.action === 'approve_compensation'));
  const over = await srv.act('super1', c.id, 'approve_compensation', { entry: '1' });
  assert.equal(over.status, 403, describe(over));
  x = await srv.step('manager1', c.id, 'refuse_compensation', { entry: '1', reason: '金额依据不足，请补充4S店票据' });
  assert.equal(x.compensations[0].status, 'refused');

  x = await srv.step('agent1', c.id, 'compensate', { kind: 'refund', amount: 2600, reason: '柴油误加入汽油车：拖车及清洗油路' });
  const senior = x.compensations[1];
  assert.equal(senior.senior, true);
  assert.equal(senior.approver_unit.code, 'HQ');
  const branch = await srv.act('manager1', c.id, 'approve_compensation', { entry: '2' });
  assert.equal(branch.status, 403, `a branch manager is not senior management: ${describe(branch)}`);
  const mk = await srv.as('admin', 'POST', '/users', {
    body: { username: 'hqmgr', name: '总部 分管领导', password: 'a-long-test-password-9', roles: ['manager'], unit: 'HQ' },
  });
  assert.equal(mk.status, 201, describe(mk));
  await srv.login('hqmgr', 'a-long-test-password-9');
  x = await srv.step('hqmgr', c.id, 'approve_compensation', { entry: '2', note: '同意，由总部审批' });
  assert.equal(x.compensations[1].status, 'approved');
  const closed = await srv.step('agent1', c.id, 'close', VALID_CLOSE);
  assert.equal(closed.status, 'closed');
});

srv.test('a claim still unsettled three days after receipt goes to senior management whatever its amount', async () => {
  const old = new Date(Date.now() - 4 * 86400e3);
  const c = await srv.intake('agent1', { received_at: rfc3339(old) });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  const x = await srv.step('pd01', c.id, 'compensate', { kind: 'voucher', amount: 300, reason: '超时未处理，赠券致歉' });
  assert.equal(x.compensations[0].status, 'pending');
  assert.equal(x.compensations[0].senior, true);
});

srv.test('an appeal from 12315 is kind appeal, runs on office working days and closes with its own conclusions', async () => {
  // Fri 27 Nov 2026, 10:00: seven working days are Nov 30 and Dec 1, 2, 3, 4, 7, 8 (office 08:30-17:30).
  const received = '2026-11-27T10:00:00+08:00';
  const a = await srv.intake('agent1', { channel: 'regulator', appeal_source: '12315', received_at: received, subject_unit: 'SH-PD-02' });
  assert.equal(a.kind, 'appeal');
  assert.equal(a.appeal_source.code, '12315');
  let c = await srv.get(a.id);
  const overall = c.clocks.find((k) => k.name === 'overall');
  assert.equal(overall.calendar, 'office');
  assert.deepEqual(overall.limit, { working_days: 7 });
  assert.equal(Date.parse(overall.deadline), Date.parse('2026-12-08T17:30:00+08:00'));
  c = await srv.step('agent1', a.id, 'dispatch', { unit: 'SH-PD-02' });
  const handle = c.clocks.find((k) => k.name === 'handle');
  assert.equal(handle.calendar, 'office');
  assert.deepEqual(handle.limit, { working_days: 3 });

  // Explicitly at intake on another channel; a regulator's channel cannot be an ordinary complaint.
  const phone = await srv.intake('agent1', { kind: 'appeal', appeal_source: 'consumer_association', received_at: received });
  assert.equal(phone.kind, 'appeal');
  assert.equal((await srv.get(phone.id)).clocks.find((k) => k.name === 'overall').calendar, 'office');
  for (const [body, field] of [[{ channel: 'regulator', kind: 'complaint' }, 'kind'], [{ kind: 'grievance' }, 'kind'],
    [{ channel: 'regulator', appeal_source: '110' }, 'appeal_source'], [{ appeal_source: '12315' }, 'appeal_source']]) {
    const r = await srv.as('agent1', 'POST', '/complaints', { body: intakeBody(body) });
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${describe(r)}`);
    assert.equal(errorOf(r).field, field);
  }
  const ordinary = await srv.intake('agent1', {});
  assert.equal(ordinary.kind, 'complaint');

  const list = await srv.as('agent1', 'GET', '/complaints?kind=appeal&limit=200');
  assert.equal(list.status, 200, describe(list));
  const ids = list.json.items.map((x) => x.id);
  assert.ok(ids.includes(a.id) && ids.includes(phone.id), 'both appeals listed');
  assert.ok(!ids.includes(ordinary.id), 'an ordinary complaint is not');
  assert.ok(list.json.items.every((x) => x.kind === 'appeal'));
  const bad = await srv.as('agent1', 'GET', '/complaints?kind=grievance');
  assert.equal(bad.status, 400);
  assert.equal(errorOf(bad).field, 'kind');

  // Closing: the conclusions of an appeal, not the ordinary responsibilities.
  await srv.step('pd02', a.id, 'accept', {});
  await srv.step('pd02', a.id, 'resolve', { resolution_type: 'explanation', resolution: '计量检定合格', nature: 'valid' });
  await srv.step('agent1', a.id, 'reply', { method: 'phone', content: '已告知检定结果并反馈12315平台' });
  await srv.step('agent1', a.id, 'revisit', { method: 'phone', result: 'satisfied' });
  const f = (await srv.actions(a.id, 'agent1')).items.find((x) => x.action === 'close').fields.find((x) => x.name === 'responsibility');
  assert.equal(f.label, '申诉结论');
  assert.deepEqual(f.options.map((o) => o.value), ['company', 'handled_properly', 'withdrawn', 'customer']);
  const body = { ...VALID_CLOSE, responsible_unit: 'SH-PD-02', responsible_person: '当班加油员', responsibility: 'third_party' };
  await expect422('agent1', a.id, 'close', body, 'responsibility');
  const closed = await srv.step('agent1', a.id, 'close', { ...body, responsibility: 'customer' });
  assert.equal(closed.closing.responsibility, 'customer');
  assert.deepEqual(closed.penalties, [], 'the customer\'s cause costs the station nothing');
});

srv.test('a manager waives a ledger entry with a reason: an event in the complaint\'s history', async () => {
  assert.ok(attitude, 'the attitude complaint was closed above');
  const mine = (await ledger()).items.filter((p) => p.complaint.id === attitude.id);
  const staff = mine.find((p) => p.role === 'staff');
  const sup = await srv.as('super1', 'POST', `/penalties/${staff.id}/waive`, { body: { reason: '客户撤回' } });
  assert.equal(sup.status, 403, 'a supervisor does not waive');
  const noReason = await srv.as('manager1', 'POST', `/penalties/${staff.id}/waive`, { body: {} });
  assert.equal(noReason.status, 422, describe(noReason));
  assert.equal(errorOf(noReason).field, 'reason');
  const r = await srv.as('manager1', 'POST', `/penalties/${staff.id}/waive`, { body: { reason: '复核监控：员工按规范操作，客户误解' } });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.status, 'waived');
  assert.equal(r.json.waive_reason, '复核监控：员工按规范操作，客户误解');
  assert.equal(r.json.waived_by.username, 'manager1');
  const again = await srv.as('manager1', 'POST', `/penalties/${staff.id}/waive`, { body: { reason: '再次' } });
  assert.ok(again.status === 409 || again.status === 422, `a waived entry is not waived twice: ${describe(again)}`);
  const ev = (await srv.events(attitude.id)).filter((e) => e.action === 'waive_penalty');
  assert.equal(ev.length, 1);
  assert.equal(ev[0].payload.no, staff.no);
  const c = await srv.get(attitude.id);
  assert.equal(c.penalties.find((p) => p.no === staff.no).status, 'waived');
  const l = await ledger(`month=${MONTH}&status=waived`);
  assert.ok(l.items.some((p) => p.id === staff.id));
  const missing = await srv.as('manager1', 'POST', '/penalties/999999/waive', { body: { reason: 'x' } });
  assert.equal(missing.status, 404);
  const v = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(v.code, 0, `the history still replays: ${v.stdout}${v.stderr}`);
});

srv.test('the month\'s ledger as CSV, from the API and from `redress penalties export`', async () => {
  const r = await srv.as('manager1', 'GET', `/penalties?month=${MONTH}&format=csv`);
  assert.equal(r.status, 200, describe(r));
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.match(r.headers.get('content-disposition'), new RegExp(`penalties-${MONTH}\\.csv`));
  // fetch drops a byte-order mark when decoding; read the bytes as sent.
  const token = await srv.login('manager1');
  const bytes = await srv.rawRequest('GET', `/api/v1/penalties?month=${MONTH}&format=csv`, { headers: { authorization: `Bearer ${token}` } });
  assert.ok(bytes.text.startsWith('\ufeff'), 'a byte-order mark for spreadsheet programs');
  assert.equal(bytes.text.slice(1), r.text);
  const lines = r.text.trim().split('\r\n');
  assert.equal(lines[0], '月份,工单编号,考核对象,责任人,单位,单位编码,金额（元）,考核分,取消年度评优,扣当月绩效,状态,免除原因,规则');
  const rows = lines.slice(1).filter((l) => l.includes(attitude.number));
  assert.equal(rows.length, 4, rows.join('\n'));
  assert.ok(rows.some((l) => l.startsWith(`${MONTH},${attitude.number},站长,,浦东世纪大道加油站,SH-PD-01,100.00,0,否,否,有效`)), rows.join('\n'));
  assert.ok(rows.some((l) => l.includes(',加油员 李强,') && l.includes(',200.00,') && l.includes(',已免除,复核监控')), rows.join('\n'));
  assert.ok(rows.some((l) => l.includes('加油站（取消年度评优）') && l.includes(',是,否,')), rows.join('\n'));
  const json = await ledger();
  assert.equal(lines.length - 1, json.items.length, 'one row per entry');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-ledger-'));
  const file = path.join(dir, 'ledger.csv');
  const cli = await runCli(['penalties', 'export', '--db', srv.dbUrl, '--month', MONTH, '--out', file]);
  assert.equal(cli.code, 0, cli.stdout + cli.stderr);
  assert.equal(fs.readFileSync(file, 'utf8'), bytes.text, 'the same file as the API');
  const bad = await runCli(['penalties', 'export', '--db', srv.dbUrl, '--month', '2026-1']);
  assert.equal(bad.code, 2);
  const empty = await runCli(['penalties', 'export', '--db', srv.dbUrl, '--month', '1999-01']);
  assert.equal(empty.code, 0);
  assert.equal(empty.stdout.trim().split('\r\n').length, 1, 'headings only');
  const bad2 = await srv.as('manager1', 'GET', `/penalties?month=${MONTH}&format=xls`);
  assert.equal(bad2.status, 400);
  assert.equal(errorOf(bad2).field, 'format');

  // The same ledger as XLSX: one sheet, the headings frozen, amounts as
  // numbers in yuan, points as numbers, the rows of the CSV.
  const x = await getBytes(srv, 'manager1', `/penalties?month=${MONTH}&format=xlsx`);
  assert.equal(x.status, 200);
  assert.equal(x.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(x.headers.get('content-disposition'), new RegExp(`penalties-${MONTH}\\.xlsx`));
  const [sheet] = readXlsx(x.bytes).sheets;
  assert.equal(sheet.name, '考核台账');
  assert.ok(sheet.frozen, 'the heading row stays in view');
  assert.deepEqual(sheet.rows[0], lines[0].split(','));
  assert.equal(sheet.rows.length, lines.length, 'one row per entry, as in the CSV');
  const manager = sheet.rows.find((row) => row[1] === attitude.number && row[2] === '站长');
  assert.ok(manager, JSON.stringify(sheet.rows));
  assert.equal(manager[6], 100, 'the amount is a number');
  assert.equal(sheet.formats[sheet.rows.indexOf(manager)][6], '#,##0.00', 'shown in yuan');
  assert.equal(manager[7], 0);
  assert.ok(sheet.widths[4] >= 20, `the unit column fits 浦东世纪大道加油站: ${sheet.widths[4]}`);
  const cliX = await runCli(['penalties', 'export', '--db', srv.dbUrl, '--month', MONTH, '--format', 'xlsx', '--out', file + '.xlsx']);
  assert.equal(cliX.code, 0, cliX.stdout + cliX.stderr);
  assert.deepEqual(readXlsx(fs.readFileSync(file + '.xlsx')).sheets[0].rows, sheet.rows, 'the same table from the CLI');
  fs.rmSync(dir, { recursive: true, force: true });
});

srv.test('CSV cells that a spreadsheet would run as formulas are exported as text', async () => {
  const evil = '=HYPERLINK("http://evil.example/x","点此")';
  const c = await revisited();
  const closed = await srv.step('agent1', c.id, 'close', { ...VALID_CLOSE, responsible_person: evil, cause: '@SUM(1+1)' });
  assert.equal(closed.closing.responsible_person, evil, 'stored as typed');
  const r = await srv.as('manager1', 'GET', `/penalties?month=${MONTH}&format=csv`);
  assert.equal(r.status, 200, describe(r));
  const rows = r.text.trim().split('\r\n').filter((l) => l.includes(c.number));
  assert.ok(rows.length > 0, r.text);
  const staff = rows.find((l) => l.includes('HYPERLINK'));
  assert.ok(staff, rows.join('\n'));
  assert.ok(staff.includes(',"\'=HYPERLINK(""http://evil.example/x"",""点此"")",'), staff);
  for (const row of rows) {
    // No cell of the row begins with a formula character.
    for (const cell of row.match(/("([^"]|"")*"|[^,]*)(,|$)/g)) {
      assert.ok(!/^"?[=+\-@\t\r]/.test(cell), `a formula cell: ${cell} in ${row}`);
    }
  }
});
