// The review of the handling opinion before the reply (复核, the pack's
// `review` section, docs/packs.md "Review"). Seed 003: 管理部在接到《客户信息
// 反馈处理单》后,在四小时内根据公司文件对处理意见进行复核,对认可的处理出具过失
// 处理意见;对有异议的,召集客户经理与被相关部门进行协商 — the restaurant pack has
// every level reviewed by the management department (EC-MGT) within 4 hours
// on the centre's 24x7 calendar. A pack without the section (gas-station)
// replies as before. Runs on SQLite and, with REDRESS_TEST_DB_URL, PostgreSQL.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PackServer, describe, errorOf, runCli } from './lib.mjs';

const site = 'EC-SH-01';
const users = [['agent', ['agent'], 'EC-CSC'], ['handler', ['handler'], site], ['mgtsup', ['supervisor'], 'EC-MGT'],
  ['mgtagent', ['agent'], 'EC-MGT'], ['sup', ['supervisor'], 'EC']];

const resolution = { resolution_type: 'solution', resolution: '核实菜品偏咸，已向顾客致歉并赠送甜品', nature: 'valid' };
const reply = { method: 'phone', content: '已告知顾客处理结果' };

function refused(r, status, code, field) {
  assert.equal(r.status, status, describe(r));
  assert.equal(errorOf(r).code, code, describe(r));
  if (field !== undefined) assert.equal(errorOf(r).field, field, describe(r));
}

const clockOf = (c, name) => c.clocks.find((k) => k.name === name);
const names = async (s, id, user) => (await s.actions(id, user)).items.map((a) => a.action);

test('restaurant: the management department reviews the handling opinion before the reply', { timeout: 240000 }, async () => {
  const s = new PackServer('restaurant', users);
  try {
    await s.start();
    const c = await s.intake('agent', { customer: { class: 'ordinary' }, subject_staff: null, place: null, subject_unit: site,
      channel: 'phone', category: 'dish.taste', description: '菜太咸' });
    await s.step('agent', c.id, 'dispatch', { unit: site });
    await s.step('handler', c.id, 'accept', {});
    assert.ok(!(await names(s, c.id, 'sup')).includes('review'), 'nothing to review before the resolution');
    assert.equal((await s.as('mgtsup', 'GET', `/complaints/${c.id}`)).status, 404, 'nor is it the department\'s yet');

    // Resolved: the review is pending, its clock runs 4 h, the reply waits.
    let x = await s.step('handler', c.id, 'resolve', resolution);
    assert.equal(x.status, 'resolved');
    assert.equal(x.review.status, 'pending');
    assert.equal(x.review.name, '管理部复核');
    let rc = clockOf(x, 'review');
    assert.deepEqual([rc.state, rc.calendar, rc.limit], ['running', 'centre', { minutes: 240 }]);
    assert.equal(Date.parse(rc.deadline) - Date.parse(rc.started_at), 4 * 3600e3, 'four elapsed hours');
    assert.equal(Date.parse(x.deadlines.stage), Date.parse(rc.deadline), 'the stage deadline is the review\'s');
    assert.equal(clockOf(x, 'reply'), undefined, 'the reply\'s clock waits for the approval');
    assert.ok(!(await names(s, c.id, 'agent')).includes('reply'), 'reply is not offered');
    refused(await s.act('agent', c.id, 'reply', reply), 409, 'action_not_allowed', 'review');
    assert.match(errorOf(await s.act('agent', c.id, 'reply', reply)).message, /review/);

    // Who may review: the section's roles at its unit, never the one who resolved.
    const form = (await s.actions(c.id, 'mgtsup')).items.find((a) => a.action === 'review');
    assert.ok(form, 'offered to the management department\'s supervisor');
    const queue = await s.as('mgtsup', 'GET', '/complaints?status=resolved');
    assert.deepEqual(queue.json.items.map((i) => i.id), [c.id], 'in the department\'s list');
    assert.deepEqual(form.fields.map((f) => [f.name, f.type, f.required]), [['result', 'select', true], ['opinion', 'textarea', false]]);
    assert.deepEqual(form.fields[0].options.map((o) => o.value), ['approved', 'returned']);
    refused(await s.act('sup', c.id, 'review', { result: 'approved' }), 403, 'forbidden');
    refused(await s.act('mgtagent', c.id, 'review', { result: 'approved' }), 403, 'forbidden');
    refused(await s.act('agent', c.id, 'review', { result: 'approved' }), 403, 'forbidden');
    refused(await s.act('mgtsup', c.id, 'review', { result: 'maybe' }), 422, 'validation_failed', 'result');
    refused(await s.act('mgtsup', c.id, 'review', { result: 'returned' }), 422, 'validation_failed', 'opinion');
    refused(await s.act('mgtsup', c.id, 'review', { result: 'approved', note: 'x' }), 400, 'unknown_field', 'note');

    // Returned with an objection: back to the handling unit, with the opinion, handling again.
    x = await s.step('mgtsup', c.id, 'review', { result: 'returned', opinion: '赠送甜品不足以弥补，按公司文件应免单该菜品' });
    assert.equal(x.status, 'processing');
    assert.equal(x.owner_unit.code, site);
    assert.equal(x.review.status, 'returned');
    assert.equal(x.review.by.username, 'mgtsup');
    assert.match(x.review.opinion, /免单/);
    assert.equal(x.review_returns, 1);
    assert.ok(clockOf(x, 'review').ended_at, 'the review\'s clock stopped');
    const handle = clockOf(x, 'handle');
    assert.equal(handle.state, 'running', 'handling again');
    assert.equal(Date.parse(handle.started_at), Date.parse(clockOf(x, 'review').ended_at));
    assert.match((await s.get(c.id, 'handler')).review.opinion, /免单/, 'the handling unit sees the opinion');
    assert.ok((await names(s, c.id, 'handler')).includes('resolve'));

    // Resolved again, approved: the reply's clock starts and the reply goes through.
    x = await s.step('handler', c.id, 'resolve', { ...resolution, resolution: '已为顾客免单该菜品并致歉' });
    assert.equal(x.review.status, 'pending');
    assert.equal(clockOf(x, 'review').state, 'running');
    x = await s.step('mgtsup', c.id, 'review', { result: 'approved', opinion: '认可' });
    assert.equal(x.status, 'resolved');
    assert.equal(x.review.status, 'approved');
    assert.equal(x.review.by.username, 'mgtsup');
    assert.equal(clockOf(x, 'review').state, 'met');
    rc = clockOf(x, 'reply');
    assert.equal(rc.state, 'running');
    assert.equal(Date.parse(rc.started_at), Date.parse(clockOf(x, 'review').ended_at), 'the reply\'s hour runs from the approval');
    refused(await s.act('mgtsup', c.id, 'review', { result: 'approved' }), 409, 'action_not_allowed');
    x = await s.step('agent', c.id, 'reply', reply);
    assert.equal(x.status, 'replied');
    const ev = (await s.events(c.id, 'agent')).map((e) => [e.action, e.to_status]);
    assert.deepEqual(ev.filter(([a]) => a === 'review'), [['review', 'processing'], ['review', 'resolved']]);

    // The one who gave the opinion does not review it: dispatched to the department itself, its supervisor
    // judges it invalid (an invalid judgement is reviewed too) and cannot approve that.
    const own = await s.intake('agent', { customer: { class: 'ordinary' }, subject_staff: null, place: null, subject_unit: site,
      channel: 'phone', category: 'dish.taste' });
    await s.step('agent', own.id, 'dispatch', { unit: 'EC-MGT' });
    await s.step('mgtsup', own.id, 'accept', {});
    await s.step('mgtsup', own.id, 'invalidate', { reason_code: 'other', explanation: '顾客所述菜品非本店出品' });
    assert.equal((await s.get(own.id, 'agent')).review.status, 'pending', 'an invalid judgement is reviewed too');
    refused(await s.act('mgtsup', own.id, 'review', { result: 'approved' }), 403, 'forbidden');

    // The sweeper warns at 90 % and breaches at the fourth hour, naming the review's clock.
    const late = await s.intake('agent', { customer: { class: 'ordinary' }, subject_staff: null, place: null, subject_unit: site,
      channel: 'phone', category: 'dish.taste' });
    await s.step('agent', late.id, 'dispatch', { unit: site });
    await s.step('handler', late.id, 'accept', {});
    const started = Date.parse(clockOf(await s.step('handler', late.id, 'resolve', resolution), 'review').started_at);
    const sweep = async (ms) => {
      const r = await runCli(['sweep', '--db', s.dbUrl, '--now', new Date(started + ms).toISOString()], { timeoutMs: 120000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
    };
    await sweep(3.6 * 3600e3 + 1000);
    await sweep(4 * 3600e3 + 1000);
    const marks = (await s.events(late.id, 'agent')).filter((e) => ['warn', 'breach'].includes(e.action))
      .map((e) => [e.action, e.payload.clock]);
    assert.deepEqual(marks, [['warn', 'review'], ['breach', 'review']]);
    // …to the management department, which owes the review, not the restaurant that handled it.
    const mgt = (await s.unit('EC-MGT')).id;
    const idOf = (v) => (v && typeof v === 'object' ? v.id : v);
    const breach = (await s.events(late.id, 'agent')).find((e) => e.action === 'breach');
    assert.deepEqual([idOf(breach.payload.unit), idOf(breach.payload.supervise_unit)], [mgt, mgt]);
    assert.equal(clockOf(await s.get(late.id, 'agent'), 'review').state, 'breached');

    // …and from the shell, through the generic path.
    const cli = await runCli(['act', late.number, 'review', '--as', 'mgtsup', '--fields', '{"result":"approved"}', '--db', s.dbUrl]);
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    assert.equal((await s.get(late.id, 'agent')).review.status, 'approved');

    const v = await runCli(['verify', '--db', s.dbUrl], { timeoutMs: 120000 });
    assert.equal(v.code, 0, v.stdout + v.stderr);
  } finally {
    await s.stop();
    await s.cleanup();
  }
});

test('gas-station: a pack without a review section replies at once', { timeout: 120000 }, async () => {
  const s = new PackServer('gas-station', [['agent', ['agent'], 'SH-CSC'], ['handler', ['handler'], 'SH-PD-01'],
    ['sup', ['supervisor'], 'SH']]);
  try {
    await s.start();
    const c = await s.intake('agent', {});
    await s.step('agent', c.id, 'dispatch', { unit: 'SH-PD-01' });
    await s.step('handler', c.id, 'accept', {});
    const x = await s.step('handler', c.id, 'resolve', resolution);
    assert.equal(x.review, null);
    assert.equal(clockOf(x, 'review'), undefined);
    assert.equal(clockOf(x, 'reply').state, 'running');
    refused(await s.act('sup', c.id, 'review', { result: 'approved' }), 409, 'action_not_allowed');
    assert.equal((await s.step('agent', c.id, 'reply', reply)).status, 'replied');
  } finally {
    await s.stop();
    await s.cleanup();
  }
});

// Seed 001, 3.3: 省投诉中心将处理结果在规定时限内回复总部投诉中心,总部投诉中心审核确认回复后…做电话回访.
test('telecom: an upgraded complaint is reviewed by the HQ complaint centre, others are not', { timeout: 180000 }, async () => {
  const s = new PackServer('telecom', [['agent', ['agent'], 'HA-CSC'], ['handler', ['handler'], 'HA-ZZ-01'],
    ['hqsup', ['supervisor'], 'HQ-CSC'], ['hasup', ['supervisor'], 'HA']]);
  try {
    await s.start();
    const walk = async (channel) => {
      const c = await s.intake('agent', { customer: { class: 'ordinary' }, subject_staff: null, place: null, subject_unit: 'HA-ZZ-01',
        channel, category: 'mobile.bill_dispute' });
      await s.step('agent', c.id, 'dispatch', { unit: 'HA-ZZ-01' });
      await s.step('handler', c.id, 'accept', {});
      return s.step('handler', c.id, 'resolve', resolution);
    };
    const up = await walk('group_hotline');
    assert.equal(up.review.status, 'pending');
    assert.equal(up.review.name, '总部投诉中心审核');
    const rc = clockOf(up, 'review');
    assert.equal(Date.parse(rc.deadline) - Date.parse(rc.started_at), 24 * 3600e3);
    refused(await s.act('agent', up.id, 'reply', reply), 409, 'action_not_allowed', 'review');
    refused(await s.act('hasup', up.id, 'review', { result: 'approved' }), 403, 'forbidden');
    assert.equal((await s.step('hqsup', up.id, 'review', { result: 'approved' })).review.status, 'approved');
    assert.equal((await s.step('agent', up.id, 'reply', reply)).status, 'replied');
    const plain = await walk('phone');
    assert.equal(plain.review, null, 'a complaint on the province\'s own hotline is not reviewed');
    assert.equal((await s.step('agent', plain.id, 'reply', reply)).status, 'replied');
  } finally {
    await s.stop();
    await s.cleanup();
  }
});

test('pack validate: the review section is checked member by member', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-review-'));
  const base = JSON.parse(fs.readFileSync('packs/restaurant.json', 'utf8'));
  const cases = [
    [(r) => { r.reviewers = ['x']; }, 'review.reviewers'],
    [(r) => { r.levels = [4]; }, 'review.levels[0]'],
    [(r) => { r.roles = ['auditor']; }, 'review.roles[0]'],
    [(r) => { r.units = ['NOPE']; }, 'review.units[0]'],
    [(r) => { r.channels = ['pigeon']; }, 'review.channels'],
    [(r) => { r.hours = { 1: 4, 2: 4 }; }, 'review.hours.3'],
    [(r) => { r.hours = 0; }, 'review.hours'],
  ];
  try {
    for (const [mutate, where] of cases) {
      const pack = structuredClone(base);
      mutate(pack.review);
      const file = path.join(dir, 'p.json');
      fs.writeFileSync(file, JSON.stringify(pack));
      const r = await runCli(['pack', 'validate', file]);
      assert.notEqual(r.code, 0, where);
      assert.ok((r.stdout + r.stderr).includes(where), `${where}: ${r.stdout}${r.stderr}`);
    }
    const both = structuredClone(base);
    both.time_limit_policy.clocks.review = { hours: 2 };
    fs.writeFileSync(path.join(dir, 'p.json'), JSON.stringify(both));
    const r = await runCli(['pack', 'validate', path.join(dir, 'p.json')]);
    assert.match(r.stdout + r.stderr, /review\.hours: the review clock's limit is given in time_limit_policy\.clocks\.review/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
