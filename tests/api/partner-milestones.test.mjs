// A cooperating partner's (SI, unit type partner) milestones on a work order
// the centre dispatches to it (seed 001, 合作SI, 第三节 SI的服务规范与标准:
// 客户通过EMAIL、网站提交的需求,SI应于1个工作日内给予回复; 确认客户需求后,SI客户
// 服务人员应在1个工作日内到达现场,为客户提供服务;如果遇到现场服务人员不能解决的问题,
// 现场服务人员应及时通知SI客服中心,寻求更高层次的支持,并在3个工作日内为客户提供第二次
// 现场服务; 对移动客服中心转交的…客户服务处理单,必须及时处理和应答). In the telecom
// pack three clocks on the office calendar (Mon–Fri 08:30–17:30; N working
// days end at the close of the Nth working day after the start's day):
// partner_reply (1) from the dispatch to its accept, onsite (1) from
// request_onsite to onsite_visit, second_visit (3) from an unsolved visit to
// the next. The steps are taken at fixed instants in the week of Monday
// 2026-12-14 (redress act --now; no holiday), the sweep likewise. Not to be
// confused with partner.test.mjs (partner systems and their API tokens).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackServer, describe, errorOf, runCli } from './lib.mjs';

const CENTRE = 'HA-CSC';
const users = [['agent', ['agent'], CENTRE], ['si', ['handler'], 'HA-SI-01'], ['si2', ['handler'], 'HA-SI-02'],
  ['site', ['handler'], 'HA-ZZ-01']];
const clock = (c, name) => c.clocks.find((k) => k.name === name);
const names = (r) => r.items.map((a) => a.action);
const idOf = (v) => (v && typeof v === 'object' ? v.id : v);
const at = (local) => `2026-12-${local}+08:00`; // '14T10:00:00' → Monday 2026-12-14 10:00 local

test('telecom: an SI answers in 1 working day, visits in 1, comes back in 3; a breach is the SI\'s', { timeout: 300000 }, async () => {
  const s = new PackServer('telecom', users);
  try {
    await s.start();
    const act = async (c, action, who, fields, now) => {
      const r = await runCli(['act', c.number, action, '--db', s.dbUrl, '--as', who, '--fields', JSON.stringify(fields), '--now', at(now)]);
      assert.equal(r.code, 0, `${action}: ${r.stderr}`);
      return s.get(c.id, 'agent');
    };
    const intake = (subject) => s.intake('agent', { channel: 'phone', category: 'vas.website', subject_unit: subject,
      subject_staff: null, place: null, customer: { class: 'ordinary' }, description: '行业应用无法登录，邮件报障未获回复' });
    const [si, si2] = [(await s.unit('HA-SI-01')), (await s.unit('HA-SI-02'))];
    assert.equal(si.type, 'partner');

    // Dispatched to the SI on Monday 10:00: its answer owed by Tuesday 17:30.
    const c = await intake('HA-SI-01');
    assert.equal(clock(c, 'partner_reply'), undefined, 'nothing owed before the dispatch');
    let d = await act(c, 'dispatch', 'agent', { unit: 'HA-SI-01' }, '14T10:00:00');
    let k = clock(d, 'partner_reply');
    assert.ok(k, describe({ status: 200, json: d }));
    assert.deepEqual(k.limit, { working_days: 1 });
    assert.equal(k.calendar, 'office');
    assert.equal(Date.parse(k.started_at), Date.parse(at('14T10:00:00')));
    assert.equal(Date.parse(k.deadline), Date.parse(at('15T17:30:00')));

    // The visit's step is offered with its form; nothing to record before a visit is owed.
    const form = (await s.actions(c.id, 'agent')).items.find((a) => a.action === 'request_onsite');
    assert.ok(form, 'request_onsite offered to the centre');
    assert.equal(form.label, '确认上门需求');
    assert.deepEqual(form.fields.map((f) => [f.name, f.type, f.required]), [['need', 'select', true], ['note', 'textarea', false]]);
    assert.deepEqual(form.fields[0].options.map((o) => o.value), ['installation', 'training', 'unresolved_online']);
    assert.ok(names(await s.actions(c.id, 'si')).includes('accept'));
    assert.ok(!names(await s.actions(c.id, 'si')).includes('onsite_visit'));
    let r = await s.act('si', c.id, 'onsite_visit', { result: 'solved', note: '已处理' });
    assert.equal(r.status, 409, describe(r));
    // Bad input: 422 naming the field.
    r = await s.act('agent', c.id, 'request_onsite', { note: '客户要求上门' });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'need');
    r = await s.act('agent', c.id, 'request_onsite', { need: 'coffee' });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'need');
    // A business hall's handler does not even see it.
    r = await s.act('site', c.id, 'request_onsite', { need: 'training' });
    assert.equal(r.status, 404, describe(r));

    // The SI accepts at 15:00 the same day: its answer, in time.
    d = await act(c, 'accept', 'si', {}, '14T15:00:00');
    assert.equal(clock(d, 'partner_reply').state, 'met');
    // 合作SI不得将客户提交的咨询、申告、投诉和所引发的责任转交和转移给湖南移动: the SI neither
    // escalates it nor transfers it to the company's units.
    assert.ok(!names(await s.actions(c.id, 'si')).includes('escalate'));
    r = await s.act('si', c.id, 'escalate', { reason: '非本公司问题' });
    assert.equal(r.status, 409, describe(r));
    r = await s.act('si', c.id, 'transfer', { unit: 'HA-NET', reason: '请移动网络部处理' });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'unit');

    // The need confirmed on Tuesday 09:00: the visit owed by Wednesday 17:30.
    d = await act(c, 'request_onsite', 'agent', { need: 'unresolved_online', note: '远程无法解决，需上门' }, '15T09:00:00');
    k = clock(d, 'onsite');
    assert.deepEqual(k.limit, { working_days: 1 });
    assert.equal(Date.parse(k.deadline), Date.parse(at('16T17:30:00')));
    assert.equal(d.onsite_request.need, 'unresolved_online');
    assert.equal(idOf(d.onsite_request.unit), si.id);
    assert.ok(!names(await s.actions(c.id, 'agent')).includes('request_onsite'), 'a visit is owed already');
    const visitForm = (await s.actions(c.id, 'si')).items.find((a) => a.action === 'onsite_visit');
    assert.ok(visitForm, 'onsite_visit offered to the SI');
    assert.deepEqual(visitForm.fields.map((f) => [f.name, f.type, f.required]), [['result', 'select', true], ['note', 'textarea', true]]);
    r = await s.act('si', c.id, 'onsite_visit', { result: 'unsolved' });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'note');
    r = await s.act('si', c.id, 'onsite_visit', { result: 'maybe', note: 'x' });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'result');

    // A second complaint to the other SI that nobody answers, and one to a business hall.
    const late = await intake('HA-SI-02');
    await act(late, 'dispatch', 'agent', { unit: 'HA-SI-02' }, '14T10:00:00');
    const hall = await intake('HA-ZZ-01');
    d = await act(hall, 'dispatch', 'agent', { unit: 'HA-ZZ-01' }, '14T10:00:00');
    assert.equal(clock(d, 'partner_reply'), undefined, 'a business hall owes no partner reply');
    assert.ok(!names(await s.actions(hall.id, 'agent')).includes('request_onsite'));

    // Wednesday 09:00: the sweeper breaches the silent SI's answer, addressed to that SI.
    const sw = await runCli(['sweep', '--db', s.dbUrl, '--now', at('16T09:00:00')], { timeoutMs: 120000 });
    assert.equal(sw.code, 0, sw.stderr);
    const breach = (await s.events(late.id, 'agent')).find((e) => e.action === 'breach' && e.payload.clock === 'partner_reply');
    assert.ok(breach, 'breached');
    assert.deepEqual([idOf(breach.payload.unit), idOf(breach.payload.supervise_unit)], [si2.id, si2.id]);
    assert.equal(clock(await s.get(late.id, 'agent'), 'partner_reply').state, 'breached');
    assert.ok(!(await s.events(c.id, 'agent')).some((e) => e.action === 'breach' && e.payload.clock === 'partner_reply'));

    // Wednesday 16:00 the visit cannot solve it: the second visit owed within 3 working days (Thu, Fri, Mon).
    d = await act(c, 'onsite_visit', 'si', { result: 'unsolved', note: '需厂家工程师支持' }, '16T16:00:00');
    assert.equal(clock(d, 'onsite').state, 'met');
    k = clock(d, 'second_visit');
    assert.equal(k.state, 'running');
    assert.deepEqual(k.limit, { working_days: 3 });
    assert.equal(Date.parse(k.deadline), Date.parse(at('21T17:30:00')));

    // Thursday 09:00, past 150 % of the answer's working time (Wednesday 16:45): the
    // supervision goes one unit up, to the province above the SI.
    const sw2 = await runCli(['sweep', '--db', s.dbUrl, '--now', at('17T09:00:00')], { timeoutMs: 120000 });
    assert.equal(sw2.code, 0, sw2.stderr);
    const up = (await s.events(late.id, 'agent')).find((e) => e.action === 'supervise' && e.payload.clock === 'partner_reply');
    assert.ok(up, 'supervised');
    assert.equal(up.payload.supervision_level, 2);
    assert.deepEqual([idOf(up.payload.unit), idOf(up.payload.supervise_unit)], [si2.id, (await s.unit('HA')).id]);

    // Friday 10:00 the second visit solves it: met, and both visits are on the work order.
    d = await act(c, 'onsite_visit', 'si', { result: 'solved', note: '已更换网关设备，业务恢复' }, '18T10:00:00');
    assert.equal(clock(d, 'second_visit').state, 'met');
    assert.deepEqual(d.onsite_visits.map((v) => [v.visit_no, v.owed, v.result]), [[1, 'onsite', 'unsolved'], [2, 'second_visit', 'solved']]);
    assert.equal(d.onsite_visits[1].note, '已更换网关设备，业务恢复');
    assert.equal(d.onsite_visits[1].by.username, 'si');
    assert.equal(Date.parse(d.onsite_visits[1].at), Date.parse(at('18T10:00:00')));
    assert.ok(!names(await s.actions(c.id, 'si')).includes('onsite_visit'), 'no visit owed');
    // The events carry the visit and the clocks it moved.
    const ev = (await s.events(c.id, 'agent')).filter((e) => e.action === 'onsite_visit');
    assert.equal(ev.length, 2);
    assert.equal(ev[0].payload.result, 'unsolved');
    assert.equal(ev[0].payload.visit_no, 1);
    assert.equal(idOf(ev[0].payload.unit), si.id);
    assert.deepEqual(ev[0].payload.clocks.map((k) => [k.name, k.state]), [['onsite', 'met'], ['second_visit', 'running']]);
  } finally {
    await s.stop();
    await s.cleanup();
  }
});
