// The hand-over of a serious complaint to management (seed 001, property:
// ② 投诉的处理承诺。重大投诉,当天呈送公司总经理进入处置程序; 重要投诉,接待后1小时内
// 转呈主管经理进行处置程序; 轻微投诉,不超过2天内或在客户要求的期限内解决): in the
// property pack a clock of its own (handover) per level — a 重大 complaint by
// the end of the local day of receipt, a 重要 one within 60 minutes, none for
// a 轻微 one — met when the service centre records to whom it was handed
// (hand_over); a re-grading to 重大 starts it from then; the sweeper breaches
// a late one and addresses it to the centre. The gas-station pack has none.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackServer, Server, describe, errorOf, localDate, rfc3339, runCli } from './lib.mjs';

const SITE = 'SZ-NS-01';
const users = [['agent', ['agent'], 'SZ-CSC'], ['handler', ['handler'], SITE], ['sup', ['supervisor'], 'SZ-CSC']];
const clock = (c, name) => c.clocks.find((k) => k.name === name);
const names = (r) => r.items.map((a) => a.action);
const idOf = (v) => (v && typeof v === 'object' ? v.id : v);
const MIN = 60e3;

// The end (23:59:59 +08:00) of the local day holding instant t (ms).
const endOfDay = (t) => Date.parse(`${localDate(new Date(t))}T23:59:59+08:00`);

function intake(s, level, received, over = {}) {
  return s.intake('agent', { customer: { class: 'owner' }, subject_unit: SITE, subject_staff: null, place: null,
    category: 'emergency.outage', level, received_at: received, ...over });
}

test('property: hand-over to management, same day for 重大, one hour for 重要, none for 轻微', { timeout: 240000 }, async () => {
  const s = new PackServer('property', users);
  try {
    await s.start();
    const yesterday = localDate(new Date(Date.now() - 86400e3));

    // 重大, received at a fixed time yesterday: due at the end of that local day, exactly.
    const major = await intake(s, 1, `${yesterday}T10:00:00+08:00`);
    let k = clock(major, 'handover');
    assert.ok(k, describe({ status: 201, json: major }));
    assert.deepEqual(k.limit, { same_day: true });
    assert.equal(Date.parse(k.started_at), Date.parse(`${yesterday}T10:00:00+08:00`));
    assert.equal(Date.parse(k.deadline), Date.parse(`${yesterday}T23:59:59+08:00`));
    // …received at 23:30: still that day, half an hour less a second.
    const late = await intake(s, 1, `${yesterday}T23:30:00+08:00`);
    assert.equal(Date.parse(clock(late, 'handover').deadline), Date.parse(`${yesterday}T23:59:59+08:00`));

    // 重要: 60 minutes after receipt, exactly.
    const received = rfc3339(new Date(Math.floor((Date.now() - 10 * MIN) / 1000) * 1000));
    const important = await intake(s, 2, received);
    k = clock(important, 'handover');
    assert.deepEqual(k.limit, { minutes: 60 });
    assert.equal(Date.parse(k.deadline), Date.parse(received) + 60 * MIN);

    // 轻微: no such clock, and nothing to hand over.
    const minor = await intake(s, 3, received);
    assert.equal(clock(minor, 'handover'), undefined);
    assert.ok(!names(await s.actions(minor.id, 'agent')).includes('hand_over'));
    let r = await s.act('agent', minor.id, 'hand_over', { to: '物业部经理' });
    assert.equal(r.status, 409, describe(r));

    // Offered to the centre with its form; not to the handling unit.
    await s.step('agent', important.id, 'dispatch', { unit: SITE });
    const form = (await s.actions(important.id, 'agent')).items.find((a) => a.action === 'hand_over');
    assert.ok(form, 'offered to the agent');
    assert.equal(form.label, '呈报管理层');
    assert.deepEqual(form.fields.map((f) => [f.name, f.type, f.required]), [['to', 'text', true], ['note', 'textarea', false]]);
    assert.ok(!names(await s.actions(important.id, 'handler')).includes('hand_over'));
    r = await s.act('handler', important.id, 'hand_over', { to: '物业部经理' });
    assert.equal(r.status, 403, describe(r));
    r = await s.act('agent', important.id, 'hand_over', { note: '已电话报告' });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'to');

    // Handed over: the clock is met, the record is on the work order, it is no longer offered.
    const done = await s.step('agent', important.id, 'hand_over', { to: '物业部经理 李经理', note: '已电话报告并转交投诉单' });
    assert.equal(clock(done, 'handover').state, 'met');
    assert.equal(done.handover.to, '物业部经理 李经理');
    assert.equal(done.handover.note, '已电话报告并转交投诉单');
    assert.equal(done.handover.by.username, 'agent');
    assert.ok(Date.parse(done.handover.at) >= Date.parse(received));
    assert.ok(!names(await s.actions(important.id, 'agent')).includes('hand_over'));
    r = await s.act('sup', important.id, 'hand_over', { to: '公司总经理' });
    assert.equal(r.status, 409, describe(r));

    // A 轻微 complaint graded up to 重大 at the dispatch owes it from then, by the end of that day.
    const up = await s.step('agent', minor.id, 'dispatch', { unit: SITE, level: '1' });
    k = clock(up, 'handover');
    assert.ok(k && k.state === 'running', describe({ status: 200, json: up }));
    assert.ok(Date.parse(k.started_at) > Date.parse(received), 'from the re-grading, not from receipt');
    assert.equal(Date.parse(k.deadline), endOfDay(Date.parse(k.started_at)));
    assert.ok(names(await s.actions(minor.id, 'agent')).includes('hand_over'));
    // …and back to 轻微: nothing is owed any more.
    const down = await s.step('agent', minor.id, 'dispatch', { unit: SITE, level: '3' });
    assert.notEqual(clock(down, 'handover').state, 'running');
    assert.ok(!names(await s.actions(minor.id, 'agent')).includes('hand_over'));

    // Nobody handed yesterday's 重大 complaint over: the sweeper breaches it, for the
    // service centre to answer for, though a site now handles it.
    await s.step('agent', major.id, 'dispatch', { unit: SITE });
    const now = rfc3339(new Date());
    const sw = await runCli(['sweep', '--db', s.dbUrl, '--now', now], { timeoutMs: 120000 });
    assert.equal(sw.code, 0, sw.stderr);
    const breach = (await s.events(major.id, 'agent')).find((e) => e.action === 'breach' && e.payload.clock === 'handover');
    assert.ok(breach, 'breached');
    const centre = (await s.unit('SZ-CSC')).id;
    assert.deepEqual([idOf(breach.payload.unit), idOf(breach.payload.supervise_unit)], [centre, centre]);
    assert.equal(clock(await s.get(major.id, 'agent'), 'handover').state, 'breached');
    // The one handed over in time is not.
    assert.ok(!(await s.events(important.id, 'agent')).some((e) => e.action === 'breach' && e.payload.clock === 'handover'));
  } finally {
    await s.stop();
    await s.cleanup();
  }
});

test('gas-station (demo): no hand-over clock at any level', { timeout: 180000 }, async () => {
  const s = new Server();
  try {
    await s.start();
    for (const level of [1, 2, 3]) {
      const c = await s.intake('agent1', { level });
      assert.equal(clock(c, 'handover'), undefined, `level ${level}`);
      assert.ok(!names(await s.actions(c.id, 'agent1')).includes('hand_over'));
    }
  } finally {
    await s.stop();
    await s.cleanup();
  }
});
