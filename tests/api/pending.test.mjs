// Pending matters (未了事宜, seed 003, restaurant: 对于当时无法确定责任的质量问题、
// 配件延时、客户不在场、客户没有时间的投诉。1) 客户经理通知客户在客户方便时直接找客户
// 经理解决,报主管总经理认可后,按未了事宜进行处理。… 3) 未了事宜由客户经理与客户服务
// 中心分别在各自的《未了事宜台帐》上进行记录,并在维修接待电脑系统中明确标注。4) 客户
// 经理每月4日完成上个月未了事宜的客户沟通提醒及时回厂处理并及时掌握未了事宜的变化情况;
// 对正在处理中的…暂停回访,直至处理完毕后再进行回访): the restaurant's handler records
// a matter named by the manager who agreed, its handling clocks pause and the
// complaint is neither replied to nor revisited; the list's pending filter is
// each side's ledger; a contact with the customer joins the matter; on the 4th
// of the next month the sweeper reminds the restaurant and the centre, once;
// settled, the clocks resume and the ordinary flow — review, reply, revisit —
// goes on. Only a pack with closing.pending has the actions. Runs on SQLite
// and, with REDRESS_TEST_DB_URL, PostgreSQL.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackServer, describe, errorOf, runCli, until, withoutClosingSection } from './lib.mjs';

const SITE = 'EC-SH-01';
const users = [['agent', ['agent'], 'EC-CSC'], ['handler', ['handler'], SITE], ['other', ['handler'], 'EC-SH-02'],
  ['mgtsup', ['supervisor'], 'EC-MGT'], ['mgr', ['manager'], 'EC'], ['auditor', ['auditor'], 'EC']];
const record = { reason: 'parts_delayed', note: '定制餐具配件延时到货，已告知顾客到货后电话通知其来店更换',
  approver: '营运中心 王总' };

// The 4th of the local (+08:00) month after the one holding instant t, at midnight, and the second before it.
function reminderDay(t) {
  const local = new Date(Date.parse(t) + 8 * 3600e3);
  let y = local.getUTCFullYear();
  let m = local.getUTCMonth() + 1;
  if (m === 12) { y += 1; m = 0; }
  const start = `${y}-${String(m + 1).padStart(2, '0')}-04T00:00:00+08:00`;
  return { start, before: new Date(Date.parse(start) - 1000).toISOString().replace('.000Z', 'Z'),
    key: `${y}-${String(m + 1).padStart(2, '0')}` };
}

const processing = (s) => s.processing(SITE, { customer: { class: 'ordinary' }, channel: 'phone',
  category: 'clean.tableware', description: '餐具破损，需更换配套餐具' });
const offeredTo = async (s, id, who) => (await s.actions(id, who)).items.map((a) => a.action);
const state = (c, name) => c.clocks.find((k) => k.name === name).state;

test('restaurant: record a pending matter, keep the ledger, remind on the 4th, settle and carry on', { timeout: 240000 }, async () => {
  const s = new PackServer('restaurant', users);
  try {
    await s.start();
    const cfg = (await s.as('agent', 'GET', '/config')).json.closing.pending;
    assert.deepEqual(cfg.reasons.map((r) => r.code), ['quality_undetermined', 'parts_delayed', 'customer_absent', 'customer_busy']);
    assert.deepEqual([cfg.roles, cfg.approvers, cfg.reminder_day], [['agent', 'handler', 'supervisor'], ['manager'], 4]);

    const c = await processing(s);
    const offered = await s.actions(c.id, 'handler');
    const form = offered.items.find((a) => a.action === 'record_pending');
    assert.ok(form, `offered to the handler: ${offered.items.map((a) => a.action)}`);
    assert.deepEqual(form.fields.map((f) => [f.name, f.type, f.required]),
      [['reason', 'select', true], ['note', 'textarea', true], ['promised_at', 'datetime', false], ['approver', 'text', true]]);
    assert.deepEqual(form.fields[0].options.map((o) => o.value), cfg.reasons.map((r) => r.code));
    assert.ok(!offered.items.some((a) => a.action === 'contact_pending'), 'no matter open yet');
    const mgrForm = (await s.actions(c.id, 'mgr')).items.find((a) => a.action === 'record_pending');
    assert.equal(mgrForm.fields.find((f) => f.name === 'approver').required, false, 'the approver\'s own record is the agreement');
    assert.ok(!(await offeredTo(s, c.id, 'auditor')).includes('record_pending'));

    // Refusals: a reason not the pack's, no note, no approver named, a role outside the pack's.
    let r = await s.act('handler', c.id, 'record_pending', { ...record, reason: 'weather' });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'reason');
    r = await s.act('handler', c.id, 'record_pending', { ...record, note: ' ' });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'note');
    r = await s.act('handler', c.id, 'record_pending', { reason: 'parts_delayed', note: record.note });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'approver');
    r = await s.act('auditor', c.id, 'record_pending', record);
    assert.ok([403, 404].includes(r.status), describe(r));
    r = await s.act('handler', c.id, 'contact_pending', { method: 'phone', note: 'x' });
    assert.equal(r.status, 409, describe(r));

    // Recorded: the flag, the clocks paused, nothing moves it on.
    const promised = new Date(Date.now() + 5 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
    const rec = await s.step('handler', c.id, 'record_pending', { ...record, promised_at: promised });
    const m = rec.pending_matter;
    assert.equal(m.status, 'open');
    assert.equal(m.reason, 'parts_delayed');
    assert.equal(m.reason_name, '配件延时');
    assert.equal(m.approver, record.approver);
    assert.equal(m.by.username, 'handler');
    assert.equal(Date.parse(m.promised_at), Date.parse(promised));
    assert.deepEqual(m.contacts, []);
    assert.equal(state(rec, 'handle'), 'paused', 'the handling clock pauses');
    r = await s.act('handler', c.id, 'resolve', { resolution_type: 'solution', resolution: 'x', nature: 'valid' });
    assert.equal(r.status, 409, describe(r));
    assert.match(errorOf(r).message, /未了事宜/);
    assert.deepEqual((await offeredTo(s, c.id, 'handler')).filter((a) => /pending|resolve|wait/.test(a)),
      ['contact_pending', 'settle_pending']);
    r = await s.act('handler', c.id, 'record_pending', record);
    assert.equal(r.status, 409, describe(r));

    // The ledgers: the restaurant's and the centre's lists find it; another restaurant's does not.
    for (const who of ['handler', 'agent', 'mgr']) {
      r = await s.as(who, 'GET', '/complaints?pending=true');
      assert.equal(r.status, 200, describe(r));
      assert.deepEqual(r.json.items.map((i) => i.id), [c.id], who);
      assert.equal(r.json.items[0].pending_matter.status, 'open');
      assert.equal(r.json.items[0].pending_matter.reason_name, '配件延时');
    }
    assert.deepEqual((await s.as('other', 'GET', '/complaints?pending=true')).json.items, []);
    r = await s.as('agent', 'GET', '/complaints?pending=false');
    assert.ok(!r.json.items.some((i) => i.id === c.id));
    r = await s.as('agent', 'GET', '/complaints?pending=maybe');
    assert.equal(r.status, 400, describe(r));
    assert.equal(errorOf(r).field, 'pending');
    // The ledger exports as any list does, with each matter's reason and date.
    r = await s.as('agent', 'GET', '/complaints?pending=true&format=csv');
    assert.equal(r.status, 200, describe(r));
    const lines = r.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/)
    assert.match(lines[0], /,结案时间,未了原因,未了事宜记录时间$/);
    assert.ok(lines[1].startsWith(c.number) && lines[1].includes(',配件延时,'), lines[1]);
    assert.doesNotMatch((await s.as('agent', 'GET', '/complaints?format=csv')).text.split(/\r?\n/)[0], /未了/);
    let x = await runCli(['complaints', '--db', s.dbUrl, '--user', 'agent', 'pending=true']);
    assert.equal(x.code, 0, x.stderr);
    assert.match(x.stdout, new RegExp(c.number));

    // A contact with the customer joins the matter, from the shell as from the page.
    x = await runCli(['act', c.number, 'contact_pending', '--db', s.dbUrl, '--as', 'handler',
      '--fields', JSON.stringify({ method: 'phone', note: '配件已到，约顾客周末来店更换' })]);
    assert.equal(x.code, 0, x.stderr);
    r = await s.act('agent', c.id, 'contact_pending', { method: 'fax', note: 'x' });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'method');
    const contacted = await s.get(c.id, 'agent');
    assert.equal(contacted.pending_matter.contacts.length, 1);
    assert.equal(contacted.pending_matter.contacts[0].by.username, 'handler');
    assert.equal(contacted.pending_matter.contacts[0].method, 'phone');

    // 每月4日: the sweep of the 3rd's last second tells nobody; the 4th's tells the
    // restaurant's handler and the centre, once.
    const day = reminderDay(m.since);
    const sweep = (now) => runCli(['sweep', '--db', s.dbUrl, '--now', now, '--quiet'], { timeoutMs: 120000 });
    x = await sweep(day.before);
    assert.equal(x.code, 0, x.stderr);
    assert.doesNotMatch(x.stdout, /pending matters/);
    x = await sweep(day.start);
    assert.match(x.stdout, /pending matters to remind: 2 notices/, x.stdout + x.stderr);
    x = await sweep(day.start);
    assert.doesNotMatch(x.stdout, /pending matters/, 'once a month');
    for (const who of ['handler', 'agent']) {
      const n = await until(async () => (await s.as(who, 'GET', '/notifications')).json.items
        .find((k) => k.template === 'pending_reminder'), `the reminder to ${who}`);
      assert.equal(n.text, `1 件本月前的未了事宜尚未了结，请与客户沟通提醒（${day.key}）`, JSON.stringify(n));
    }
    assert.ok(!(await s.as('other', 'GET', '/notifications')).json.items.some((k) => k.template === 'pending_reminder'));

    // Settled: the clocks resume, the flow goes on to the review, the reply and the revisit.
    r = await s.act('handler', c.id, 'settle_pending', {});
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'note');
    const settled = await s.step('handler', c.id, 'settle_pending', { note: '顾客来店，已更换整套餐具' });
    assert.equal(settled.pending_matter.status, 'settled');
    assert.equal(settled.pending_matter.settled_by.username, 'handler');
    assert.equal(settled.pending_matter.settle_note, '顾客来店，已更换整套餐具');
    assert.equal(state(settled, 'handle'), 'running', 'the handling clock resumes');
    assert.deepEqual((await s.as('agent', 'GET', '/complaints?pending=true')).json.items, []);
    assert.equal((await s.act('handler', c.id, 'settle_pending', { note: 'x' })).status, 409, 'settled already');
    await s.step('handler', c.id, 'resolve', { resolution_type: 'solution', resolution: '已更换餐具并致歉', nature: 'valid' });
    await s.step('mgtsup', c.id, 'review', { result: 'approved' });
    await s.step('agent', c.id, 'reply', { method: 'phone', content: '已告知顾客处理结果' });
    const done = await s.step('agent', c.id, 'revisit', { method: 'phone', result: 'satisfied' });
    assert.equal(done.status, 'revisited');
    assert.equal(done.pending_matter.status, 'settled', 'the record stays on the complaint');

    const v = await runCli(['verify', '--db', s.dbUrl], { timeoutMs: 120000 });
    assert.equal(v.code, 0, v.stdout + v.stderr);

    // An approver records one themselves: the record is the agreement.
    const d = await processing(s);
    const own = await s.step('mgr', d.id, 'record_pending', { reason: 'customer_absent', note: '顾客出差，回沪后联系' });
    assert.deepEqual([own.pending_matter.approved_by.username, own.pending_matter.approver], ['mgr', undefined]);
  } finally {
    await s.stop();
    await s.cleanup();
  }
});

test('a pack without closing.pending has no such actions', { timeout: 180000 }, () =>
  withoutClosingSection('pending', 'record_pending', record));
