// Cases that cannot be handled (seed 001, property: 客户投诉的立项和销项规定 —
// 立项案件如因种种原因而无法处理(或暂时无法处理)下去,可作好记录,每季度一次经管理处
// 负责人协调同意后才能销项): a handler records the case as unresolvable, its
// handling clocks pause and the list finds it; the manager (管理处负责人) closes
// it at the review of the next quarter, not within the quarter it was recorded
// in; the sweeper tells the manager once a quarter how many await the review.
// The later instants are taken with `redress act --now`, as the sweeper's are
// with `redress sweep --now`. Only a pack with closing.unresolvable has the
// actions.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackServer, describe, errorOf, runCli, until, withoutClosingSection } from './lib.mjs';

const SITE = 'SZ-NS-01';
const users = [['agent', ['agent'], 'SZ-CSC'], ['handler', ['handler'], SITE], ['sup', ['supervisor'], 'SZ'],
  ['mgr', ['manager'], 'SZ']];
const closing = { nature: 'valid', cause: '小区外市政道路施工导致积水', responsibility: 'third_party', responsible_unit: SITE,
  responsible_person: '工程部 张工', corrective_action: '已向市政部门反映，持续跟进' };

// The local (+08:00) start of the quarter after the one holding instant t, and the second before it.
function nextQuarter(t) {
  const local = new Date(Date.parse(t) + 8 * 3600e3);
  let y = local.getUTCFullYear();
  let m = Math.floor(local.getUTCMonth() / 3) * 3 + 3; // 0-based month that starts the next quarter
  if (m === 12) { y += 1; m = 0; }
  const start = `${y}-${String(m + 1).padStart(2, '0')}-01T00:00:00+08:00`;
  return { start, before: new Date(Date.parse(start) - 1000).toISOString().replace('.000Z', 'Z'),
    key: `${local.getUTCFullYear()}-Q${Math.floor(local.getUTCMonth() / 3) + 1}` };
}

const processing = (s) => s.processing(SITE, { customer: { class: 'owner' }, category: 'facility.lighting', level: 3 });

const names = (r) => r.items.map((a) => a.action);
const clock = (c, name) => c.clocks.find((k) => k.name === name);

test('property: record, find, refuse within the quarter, close at the next', { timeout: 180000 }, async () => {
  const s = new PackServer('property', users);
  try {
    await s.start();
    const cfg = await s.as('agent', 'GET', '/config');
    assert.deepEqual(cfg.json.closing.unresolvable, { roles: ['handler', 'supervisor', 'manager'], approvers: ['manager'], period: 'quarter' });
    const c = await processing(s);
    const offered = await s.actions(c.id, 'handler');
    const mark = offered.items.find((a) => a.action === 'mark_unresolvable');
    assert.ok(mark, `offered to the handler: ${names(offered)}`);
    assert.deepEqual(mark.fields.map((f) => [f.name, f.type, f.required]), [['record', 'textarea', true]]);
    assert.ok(!names(offered).includes('close_unresolvable'));
    assert.ok(!names(await s.actions(c.id, 'agent')).includes('mark_unresolvable'), 'the pack names who records');

    let r = await s.act('handler', c.id, 'mark_unresolvable', { record: '  ' });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'record');
    const marked = await s.step('handler', c.id, 'mark_unresolvable', { record: '积水源于市政管网，物业无权施工；已三次致函市政' });
    assert.match(marked.unresolvable.record, /市政管网/);
    assert.equal(marked.unresolvable.by.username, 'handler');
    assert.equal(clock(marked, 'handle').state, 'paused', 'nobody works it: its handling clock pauses');
    assert.equal(clock(marked, 'overall').state, 'running', 'the promise to the customer keeps running');

    // Parked: nothing moves it on but resuming or the closing.
    r = await s.act('handler', c.id, 'resolve', { resolution_type: 'explanation', resolution: 'x', nature: 'valid' });
    assert.equal(r.status, 409, describe(r));
    assert.deepEqual(names(await s.actions(c.id, 'handler')).filter((a) => /unresolvable|resolve/.test(a)), ['unmark_unresolvable']);

    // The list finds it, with the date it was recorded.
    r = await s.as('mgr', 'GET', '/complaints?unresolvable=true');
    assert.equal(r.status, 200, describe(r));
    assert.deepEqual(r.json.items.map((i) => i.id), [c.id]);
    assert.equal(Date.parse(r.json.items[0].unresolvable.at), Date.parse(marked.unresolvable.at));
    r = await s.as('mgr', 'GET', '/complaints?unresolvable=false');
    assert.ok(!r.json.items.some((i) => i.id === c.id));
    r = await s.as('mgr', 'GET', '/complaints?unresolvable=maybe');
    assert.equal(r.status, 400, describe(r));
    assert.equal(errorOf(r).field, 'unresolvable');

    // Only the pack's approvers; and not in the quarter it was recorded in.
    const agreed = { ...closing, agreement: '经协调，市政部门排期改造，本案销项' };
    assert.equal((await s.act('handler', c.id, 'close_unresolvable', agreed)).status, 403);
    assert.equal((await s.act('sup', c.id, 'close_unresolvable', agreed)).status, 403, 'the pack names the manager');
    const q = nextQuarter(marked.unresolvable.at);
    r = await s.act('mgr', c.id, 'close_unresolvable', agreed);
    assert.equal(r.status, 409, describe(r));
    assert.ok(errorOf(r).message.includes(q.key), errorOf(r).message);
    assert.ok(errorOf(r).message.includes(q.start.slice(0, 10)), errorOf(r).message);
    assert.ok(!names(await s.actions(c.id, 'mgr')).includes('close_unresolvable'), 'not offered before the review');

    // At the quarter's review: the second before it is still refused, its first second allows it.
    const cli = (now, fields) => runCli(['act', c.number, 'close_unresolvable', '--db', s.dbUrl, '--as', 'mgr',
      '--now', now, '--fields', JSON.stringify(fields)]);
    let x = await cli(q.before, agreed);
    assert.notEqual(x.code, 0, x.stdout);
    assert.match(x.stderr, new RegExp(q.key));

    // The sweeper tells the approvers once a period how many await its review: none this quarter yet.
    const sweep = (now) => runCli(['sweep', '--db', s.dbUrl, '--now', now, '--quiet'], { timeoutMs: 120000 });
    x = await sweep(q.before);
    assert.equal(x.code, 0, x.stderr);
    assert.doesNotMatch(x.stdout, /unresolvable/);
    x = await sweep(q.start);
    assert.match(x.stdout, /unresolvable cases to close: 1 notices/, x.stdout + x.stderr);
    x = await sweep(q.start);
    assert.doesNotMatch(x.stdout, /unresolvable/, 'once a period');
    const notice = await until(async () => (await s.as('mgr', 'GET', '/notifications')).json.items
      .find((n) => n.template === 'unresolvable_review'), 'the review notice');
    assert.equal(notice.text, '1 件无法处理的工单待本季度销项', JSON.stringify(notice));
    assert.ok(!(await s.as('handler', 'GET', '/notifications')).json.items.some((n) => n.template === 'unresolvable_review'));
    x = await cli(q.start, { closing, agreement: '' });
    assert.notEqual(x.code, 0, 'an unknown member is refused');
    x = await cli(q.start, { ...closing });
    assert.notEqual(x.code, 0, 'the agreement is required');
    assert.match(x.stderr, /agreement/);
    x = await cli(q.start, agreed);
    assert.equal(x.code, 0, x.stderr);
    assert.match(x.stdout, /\tclosed\t/);

    const done = await s.get(c.id, 'mgr');
    assert.equal(done.status, 'closed');
    assert.equal(done.unresolvable, null);
    assert.equal(done.closing.approved_by.username, 'mgr');
    assert.equal(done.closing.agreement, agreed.agreement);
    assert.equal(done.closing.unresolvable.period, q.key);
    assert.match(done.closing.unresolvable.record, /市政管网/);
    assert.equal(done.closing.responsibility, 'third_party');
    assert.equal(Date.parse(done.closed_at), Date.parse(q.start));
    assert.ok(done.clocks.every((k) => !['running', 'paused'].includes(k.state)), 'every clock stops');

    // Recorded from the shell, then handled again: its handling clock resumes.
    const d = await processing(s);
    x = await runCli(['act', d.number, 'mark_unresolvable', '--db', s.dbUrl, '--as', 'handler',
      '--fields', JSON.stringify({ record: '业主出国，暂无法入户查看' })]);
    assert.equal(x.code, 0, x.stderr);
    assert.equal(clock(await s.get(d.id, 'handler'), 'handle').state, 'paused');
    r = await s.as('mgr', 'GET', '/complaints?unresolvable=true');
    assert.deepEqual(r.json.items.map((i) => i.id), [d.id]);
    const back = await s.step('handler', d.id, 'unmark_unresolvable', { note: '业主已回国，预约入户' });
    assert.equal(back.unresolvable, null);
    assert.equal(clock(back, 'handle').state, 'running');
    assert.equal((await s.act('handler', d.id, 'unmark_unresolvable', {})).status, 409, 'not marked any more');
    await s.step('handler', d.id, 'resolve', { resolution_type: 'solution', resolution: '入户检修完毕', nature: 'valid' });
    r = await s.as('mgr', 'GET', '/complaints?unresolvable=true');
    assert.deepEqual(r.json.items, []);

    const v = await runCli(['verify', '--db', s.dbUrl], { timeoutMs: 120000 });
    assert.equal(v.code, 0, v.stdout + v.stderr);
  } finally {
    await s.stop();
    await s.cleanup();
  }
});

test('a pack without closing.unresolvable has no such actions', { timeout: 180000 }, () =>
  withoutClosingSection('unresolvable', 'mark_unresolvable', { record: '无法处理' }));
