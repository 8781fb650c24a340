// Time limits: the clocks of a complaint, the deadline sweeper (`redress
// sweep --now T` at chosen instants, through Golden Week 2026 and its
// make-up Saturday), warnings, breaches and supervision orders recorded
// exactly once (the same instant twice, two sweepers at once), the outbox,
// extensions, waiting for the customer, the warning filter and the
// calendars API. The server runs with its background sweeper off (lib.mjs).

import assert from 'node:assert/strict';
import { useServer, runCli, intakeBody, uniquePhone, rfc3339, errorOf, describe } from './lib.mjs';

const srv = useServer();

const SWEEP_ACTIONS = new Set(['warn', 'breach', 'supervise']);
// A regulator appeal received the day before Golden Week: its overall
// promise is 7 working days on the office calendar (packs/gas-station.json).
const RECEIVED = '2026-09-30T10:00:00+08:00';

async function sweep(now) {
  const r = await runCli(['sweep', '--db', srv.dbUrl, '--now', now], { timeoutMs: 120000 });
  assert.equal(r.code, 0, `redress sweep --now ${now}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  const m = r.stdout.match(/(\d+) warnings, (\d+) breaches, (\d+) further supervisions, (\d+) conflicts/);
  assert.ok(m, `sweep summary: ${r.stdout}`);
  return { warned: +m[1], breached: +m[2], supervised: +m[3], conflicts: +m[4], out: r.stdout };
}

async function sweepEvents(id) {
  return (await srv.events(id, 'admin')).filter((e) => SWEEP_ACTIONS.has(e.action));
}

async function supervisions(id) {
  const r = await srv.as('admin', 'GET', `/supervisions?complaint=${id}&status=all`);
  assert.equal(r.status, 200, describe(r));
  return r.json.items;
}

async function outbox(id) {
  const r = await srv.as('admin', 'GET', `/outbox?complaint=${id}`);
  assert.equal(r.status, 200, describe(r));
  return r.json.items;
}

function clock(c, name) {
  const k = c.clocks.find((x) => x.name === name);
  assert.ok(k, `clock ${name} in ${JSON.stringify(c.clocks.map((x) => x.name))}`);
  return k;
}

// Every sweeper event has its outbox rows and (for a breach or supervision)
// exactly one supervision order; nothing exists twice.
async function checkOnce(id) {
  const evs = await sweepEvents(id);
  const sups = await supervisions(id);
  const rows = await outbox(id);
  const keys = rows.map((r) => r.idempotency_key);
  assert.equal(new Set(keys).size, keys.length, `outbox keys are unique: ${keys}`);
  const orderSeqs = evs.filter((e) => e.action !== 'warn').map((e) => e.seq).sort((a, b) => a - b);
  assert.deepEqual(sups.map((s) => s.event_seq).sort((a, b) => a - b), orderSeqs,
    'one supervision order per breach or supervise event');
  for (const e of evs) {
    const mine = rows.filter((r) => r.idempotency_key.startsWith(`c${id}/e${e.seq}/`));
    assert.ok(mine.length >= 1, `event ${e.seq} (${e.action}) queued a notification`);
    assert.ok(mine.some((r) => r.recipient_unit), `event ${e.seq} notifies a unit`);
    assert.ok(mine.every((r) => r.template === (e.action === 'warn' ? 'sla_warning' : 'supervision')));
    // Text messages wait (no gateway here); the unit's in-app rows may have been delivered already.
    assert.ok(mine.every((r) => r.status === 'pending' || (r.channel === 'internal' && ['sent', 'cancelled'].includes(r.status))),
      JSON.stringify(mine.map((r) => [r.channel, r.status])));
  }
  assert.equal(rows.length, rows.filter((r) => evs.some((e) => r.idempotency_key.startsWith(`c${id}/e${e.seq}/`))).length,
    'no outbox row without its event');
  return { evs, sups, rows };
}

let appeal; // the complaint walked through the holiday
const others = [];

srv.test('a regulator appeal received before Golden Week: its clocks', async () => {
  appeal = await srv.intake('agent1', { channel: 'regulator', received_at: RECEIVED });
  const c = await srv.get(appeal.id);
  assert.ok(Array.isArray(c.clocks), 'clocks in the complaint');
  const fill = clock(c, 'fill');
  assert.equal(fill.state, 'breached', 'filled weeks after receipt: the 1 h fill limit was missed');
  assert.equal(fill.remaining_minutes, null);
  const d = clock(c, 'dispatch');
  assert.equal(d.state, 'running');
  assert.equal(d.calendar, 'centre');
  assert.equal(Date.parse(d.started_at), Date.parse(RECEIVED));
  assert.equal(Date.parse(d.deadline), Date.parse('2026-09-30T14:00:00+08:00'));
  assert.equal(Date.parse(d.warning_at), Date.parse('2026-09-30T13:36:00+08:00'), 'warning at 90 %');
  assert.ok(d.remaining_minutes < 0, 'long overdue at the real time');
  const o = clock(c, 'overall');
  assert.equal(o.calendar, 'office');
  assert.deepEqual(o.limit, { working_days: 7 });
  // Oct 1–7 are holidays; Sat Oct 10 is a make-up workday: 8, 9, 10, 12, 13, 14, 15.
  assert.equal(Date.parse(o.deadline), Date.parse('2026-10-15T17:30:00+08:00'));
  assert.equal(Date.parse(o.warning_at), Date.parse('2026-10-15T10:09:00+08:00'));
  assert.equal(Date.parse(c.deadlines.stage), Date.parse(d.deadline), 'the stage deadline is the nearest running one');
  assert.equal(Date.parse(c.deadlines.overall), Date.parse(o.deadline));
  assert.equal(c.overdue, true);
  assert.equal(c.warning, true);
  for (let i = 0; i < 12; i++) others.push(await srv.intake('agent1', { channel: 'regulator', received_at: RECEIVED }));
});

srv.test('the sweep at chosen instants: a warning at 90 %, once, even when run twice', async () => {
  const before = await sweep('2026-09-30T13:35:00+08:00');
  assert.equal(before.warned + before.breached + before.supervised, 0, `nothing due yet: ${before.out}`);
  const first = await sweep('2026-09-30T13:36:00+08:00');
  assert.equal(first.warned, 1 + others.length, first.out);
  assert.match(first.out, new RegExp(`warn\\s+${appeal.number}\\s+dispatch`));
  const again = await sweep('2026-09-30T13:36:00+08:00');
  assert.equal(again.warned + again.breached + again.supervised, 0, `the same instant again: nothing: ${again.out}`);
  const evs = await sweepEvents(appeal.id);
  assert.deepEqual(evs.map((e) => e.action), ['warn']);
  assert.equal(evs[0].actor, null, 'the system acts (actor 0)');
  assert.equal(evs[0].payload.clock, 'dispatch');
  assert.equal(Date.parse(evs[0].at), Date.parse('2026-09-30T13:36:00+08:00'));
  const rows = await outbox(appeal.id);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].recipient_unit.code, 'SH-CSC', 'the responsible unit is told');
  assert.equal(rows[0].payload.clock, 'dispatch');
  assert.equal(rows[0].payload.number, appeal.number);
});

srv.test('two sweeps at once during Golden Week: breach and further supervisions, each exactly once', async () => {
  const [a, b] = await Promise.all([sweep('2026-10-07T23:00:00+08:00'), sweep('2026-10-07T23:00:00+08:00')]);
  const n = 1 + others.length;
  assert.equal(a.breached + b.breached, n, `one breach per complaint: ${a.out}\n${b.out}`);
  assert.equal(a.supervised + b.supervised, 2 * n, 'two further levels (150 %, 200 %) per complaint');
  assert.equal(a.warned + b.warned, 0, 'the office clock does not run in the holiday');
  for (const c of [appeal, ...others]) {
    const { evs, sups } = await checkOnce(c.id);
    assert.deepEqual(evs.map((e) => e.action), ['warn', 'breach', 'supervise', 'supervise'], `${c.number}`);
    assert.deepEqual(sups.map((s) => s.level).sort(), [1, 2, 3]);
  }
  const sups = await supervisions(appeal.id);
  const byLevel = Object.fromEntries(sups.map((s) => [s.level, s]));
  assert.equal(byLevel[1].unit.code, 'SH-CSC', 'level 1: the owner unit');
  assert.equal(byLevel[1].supervisor.username, 'super1', "the owner unit's supervisor");
  assert.equal(byLevel[2].unit.code, 'SH', 'level 2: one unit up');
  assert.equal(byLevel[3].unit.code, 'HQ');
  assert.equal(byLevel[1].clock, 'dispatch');
  assert.equal(byLevel[1].status, 'open');
  assert.equal(Date.parse(byLevel[1].deadline), Date.parse('2026-09-30T14:00:00+08:00'));
  const c = await srv.get(appeal.id);
  assert.equal(clock(c, 'dispatch').state, 'breached');
  assert.equal(clock(c, 'dispatch').supervision_level, 3);
  assert.equal(c.supervisions, 3);
  assert.equal(c.warnings, 1);
  const again = await sweep('2026-10-07T23:00:00+08:00');
  assert.equal(again.warned + again.breached + again.supervised, 0, again.out);
});

srv.test('after the holiday: the overall promise warns and breaches on working time', async () => {
  let s = await sweep('2026-10-15T10:08:00+08:00');
  assert.equal(s.warned + s.breached + s.supervised, 0, `the make-up Saturday counted; not yet: ${s.out}`);
  s = await sweep('2026-10-15T10:09:00+08:00');
  assert.equal(s.warned, 1 + others.length, s.out);
  assert.match(s.out, new RegExp(`warn\\s+${appeal.number}\\s+overall`));
  s = await sweep('2026-10-15T17:30:00+08:00');
  assert.equal(s.breached, 0, 'at the deadline itself the promise is kept');
  s = await sweep('2026-10-15T17:31:00+08:00');
  assert.equal(s.breached, 1 + others.length, s.out);
  const { evs, sups } = await checkOnce(appeal.id);
  assert.deepEqual(evs.map((e) => `${e.action}:${e.payload.clock}`),
    ['warn:dispatch', 'breach:dispatch', 'supervise:dispatch', 'supervise:dispatch', 'warn:overall', 'breach:overall']);
  assert.equal(sups.length, 4);
  const c = await srv.get(appeal.id);
  assert.equal(clock(c, 'overall').state, 'breached');
  const v = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(v.code, 0, `verify after the sweeps: ${v.stdout}${v.stderr}`);
});

srv.test('a supervisor lists the open supervision orders and closes one', async () => {
  const r = await srv.as('super1', 'GET', '/supervisions?status=open&limit=500');
  assert.equal(r.status, 200, describe(r));
  const mine = r.json.items.filter((s) => s.complaint && s.complaint.id === appeal.id);
  assert.ok(mine.length >= 2, `super1 sees the orders of units in scope: ${JSON.stringify(mine)}`);
  assert.ok(mine.every((s) => s.status === 'open' && s.created_at && s.complaint.number === appeal.number));
  const l1 = mine.find((s) => s.level === 1 && s.clock === 'dispatch');
  const closed = await srv.as('super1', 'POST', `/supervisions/${l1.id}/close`, { body: { note: '已督促客服中心派单' } });
  assert.equal(closed.status, 200, describe(closed));
  assert.equal(closed.json.status, 'closed');
  assert.equal(closed.json.closed_by.username, 'super1');
  assert.equal(closed.json.note, '已督促客服中心派单');
  const twice = await srv.as('super1', 'POST', `/supervisions/${l1.id}/close`, { body: {} });
  assert.equal(twice.status, 409, describe(twice));
  const open = await srv.as('super1', 'GET', '/supervisions?status=open&limit=500');
  assert.ok(!open.json.items.some((s) => s.id === l1.id), 'no longer listed as open');
  const handler = await srv.as('pd01', 'GET', '/supervisions');
  assert.equal(handler.status, 403, 'handlers do not work the supervision list');
  const bad = await srv.as('super1', 'GET', '/supervisions?status=maybe');
  assert.equal(bad.status, 400);
});

srv.test('the system actions are never offered, nor accepted from a user', async () => {
  const c = await srv.intake('agent1');
  for (const u of ['agent1', 'super1', 'admin', 'manager1']) {
    const names = (await srv.actions(c.id, u)).items.map((a) => a.action);
    for (const a of ['warn', 'breach', 'supervise', 'replan']) assert.ok(!names.includes(a), `${u} is offered ${a}`);
  }
  for (const a of ['warn', 'breach', 'supervise', 'replan']) {
    const r = await srv.act('super1', c.id, a, {});
    assert.equal(r.status, 403, `${a} by a user: ${describe(r)}`);
  }
});

srv.test('wait_customer pauses the running clocks; resume continues them', async () => {
  let c = await srv.intake('agent1');
  c = await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  c = await srv.step('pd01', c.id, 'accept', {});
  const before = clock(await srv.get(c.id), 'handle');
  assert.equal(before.state, 'running');
  const offered = (await srv.actions(c.id, 'pd01')).items.map((a) => a.action);
  assert.ok(offered.includes('wait_customer') && !offered.includes('resume'), `offered: ${offered}`);
  const bad = await srv.act('pd01', c.id, 'wait_customer', {});
  assert.equal(bad.status, 422, 'a reason is required');
  assert.equal(errorOf(bad).field, 'reason');
  c = await srv.step('pd01', c.id, 'wait_customer', { reason: '等待客户提供加油小票' });
  assert.equal(c.waiting, true);
  assert.equal(c.wait.reason, '等待客户提供加油小票');
  assert.equal(clock(c, 'handle').state, 'paused');
  assert.equal(clock(c, 'overall').state, 'paused');
  assert.ok(clock(c, 'handle').paused_at);
  assert.equal(c.deadlines.stage, null, 'no running deadline while waiting');
  const offered2 = (await srv.actions(c.id, 'pd01')).items.map((a) => a.action);
  assert.ok(offered2.includes('resume') && !offered2.includes('wait_customer'), `offered: ${offered2}`);
  await new Promise((r) => setTimeout(r, 2100));
  c = await srv.step('pd01', c.id, 'resume', { note: '小票已收到' });
  assert.equal(c.waiting, false);
  const after = clock(c, 'handle');
  assert.equal(after.state, 'running');
  const shift = Date.parse(after.deadline) - Date.parse(before.deadline);
  assert.ok(shift >= 2000 && shift < 60000, `the deadline moved by the pause: ${shift} ms`);
  const evs = await srv.events(c.id);
  assert.deepEqual(evs.slice(-2).map((e) => e.action), ['wait_customer', 'resume']);
});

srv.test('an extension: requested by the handler, approved by a supervisor, moves the deadline', async () => {
  let c = await srv.intake('agent1');
  c = await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  c = await srv.step('pd01', c.id, 'accept', {});
  const old = Date.parse(clock(c, 'handle').deadline);
  assert.ok(!(await srv.actions(c.id, 'super1')).items.some((a) => a.action === 'approve_extension'), 'nothing to approve yet');
  const early = await srv.act('pd01', c.id, 'request_extension', { deadline: rfc3339(new Date(old - 3600e3)), reason: '太早' });
  assert.equal(early.status, 422, describe(early));
  assert.equal(errorOf(early).field, 'deadline');
  const want = rfc3339(new Date(old + 2 * 86400e3));
  c = await srv.step('pd01', c.id, 'request_extension', { deadline: want, reason: '需第三方油品检测' });
  assert.equal(c.extension.status, 'requested');
  assert.equal(Date.parse(c.extension.deadline), Date.parse(want));
  assert.equal(Date.parse(clock(c, 'handle').deadline), old, 'not moved before approval');
  const progress = clock(c, 'progress');
  assert.equal(Date.parse(progress.deadline), old, 'the customer is told the progress before the old limit');
  const denied = await srv.act('pd01', c.id, 'approve_extension', {});
  assert.equal(denied.status, 403, 'a handler cannot approve');
  c = await srv.step('super1', c.id, 'approve_extension', { note: '同意延期' });
  assert.equal(c.extension.status, 'approved');
  assert.equal(c.extension.decided_by.username, 'super1');
  assert.equal(Date.parse(clock(c, 'handle').deadline), Date.parse(want));
  assert.equal(clock(c, 'handle').extensions, 1);
  c = await srv.step('agent1', c.id, 'progress_reply', { method: 'phone', content: '已告知客户检测进度' });
  assert.equal(clock(c, 'progress').state, 'met');
  assert.equal(c.progress_replies.length, 1);
  // A second request, refused: the deadline stays.
  c = await srv.step('pd01', c.id, 'request_extension', { deadline: rfc3339(new Date(Date.parse(want) + 86400e3)), reason: '再延一天' });
  c = await srv.step('super1', c.id, 'refuse_extension', { reason: '不同意，请按期办结' });
  assert.equal(c.extension.status, 'refused');
  assert.equal(Date.parse(clock(c, 'handle').deadline), Date.parse(want));
  const v = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
});

srv.test('warning=true and overdue=true filter the list', async () => {
  const phone = uniquePhone();
  const now = Date.now();
  const warned = await srv.intake('agent1', { customer: { phone }, received_at: rfc3339(new Date(now - 225 * 60e3)) });
  const late = await srv.intake('agent1', { customer: { phone }, received_at: rfc3339(new Date(now - 300 * 60e3)) });
  const fresh = await srv.intake('agent1', { customer: { phone } });
  const list = async (q) => {
    const r = await srv.as('super1', 'GET', `/complaints?phone=${phone}&${q}`);
    assert.equal(r.status, 200, describe(r));
    return r.json.items;
  };
  const w = await list('warning=true');
  assert.deepEqual(w.map((x) => x.id).sort(), [warned.id, late.id].sort());
  assert.ok(w.find((x) => x.id === warned.id).warning === true && w.find((x) => x.id === warned.id).overdue === false);
  const o = await list('overdue=true');
  assert.deepEqual(o.map((x) => x.id), [late.id]);
  const all = await list('sort=deadline');
  assert.deepEqual(all.map((x) => x.id), [late.id, warned.id, fresh.id], 'nearest deadline first');
  assert.equal(all.find((x) => x.id === fresh.id).warning, false);
  const bad = await srv.as('super1', 'GET', '/complaints?warning=perhaps');
  assert.equal(bad.status, 400);
});

srv.test('calendars: list, replace and import .ics; open complaints are re-planned', async () => {
  const list = await srv.as('admin', 'GET', '/calendars');
  assert.equal(list.status, 200, describe(list));
  assert.equal(list.json.default, 'centre');
  const office = list.json.items.find((x) => x.name === 'office');
  assert.ok(office && office.calendar.week, JSON.stringify(list.json));
  const c = await srv.intake('agent1', { channel: 'regulator', received_at: RECEIVED });
  assert.equal(Date.parse(clock(await srv.get(c.id), 'overall').deadline), Date.parse('2026-10-15T17:30:00+08:00'));

  const forbidden = await srv.as('super1', 'PUT', '/calendars/office', { body: office.calendar });
  assert.equal(forbidden.status, 403);
  const broken = await srv.as('admin', 'PUT', '/calendars/office', { body: { ...office.calendar, week: { mon: ['08:30-25:00'] } } });
  assert.equal(broken.status, 422, describe(broken));
  assert.match(errorOf(broken).field, /^calendars\.office\.week\.mon/);

  // The organisation also closes on Fri Oct 9: the promise moves a working day on.
  const doc = { ...office.calendar, holidays: [...(office.calendar.holidays || []), '2026-10-09'] };
  const put = await srv.as('admin', 'PUT', '/calendars/office', { body: doc });
  assert.equal(put.status, 200, describe(put));
  assert.ok(put.json.replanned >= 1, `re-planned: ${put.json.replanned}`);
  let now = await srv.get(c.id);
  assert.equal(Date.parse(clock(now, 'overall').deadline), Date.parse('2026-10-16T17:30:00+08:00'));
  const evs = await srv.events(c.id, 'admin');
  assert.equal(evs[evs.length - 1].action, 'replan');
  assert.equal(evs[evs.length - 1].actor, null);

  // And Mon Oct 12 from an .ics file: on to Mon Oct 19.
  const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:redress-test-1',
    'DTSTART;VALUE=DATE:20261012', 'DTEND;VALUE=DATE:20261013', 'SUMMARY:公司检修停工', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
  const imp = await srv.as('admin', 'POST', '/calendars/office/ics', { raw: ics, headers: { 'content-type': 'text/calendar' } });
  assert.equal(imp.status, 200, describe(imp));
  assert.equal(imp.json.imported, 1);
  assert.ok(imp.json.calendar.holidays.includes('2026-10-12'));
  now = await srv.get(c.id);
  assert.equal(Date.parse(clock(now, 'overall').deadline), Date.parse('2026-10-19T17:30:00+08:00'));
  const missing = await srv.as('admin', 'POST', '/calendars/nowhere/ics', { raw: ics });
  assert.equal(missing.status, 404, describe(missing));
  const v = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
});

srv.test('redress sweep refuses a malformed number and names the option', async () => {
  for (const [flag, value] of [['--pause', '1s'], ['--repeat', '0'], ['--every', 'soon']]) {
    const r = await runCli(['sweep', '--db', srv.dbUrl, '--now', '2026-10-08T09:00:00+08:00', flag, value]);
    assert.equal(r.code, 2, `${flag} ${value}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${flag}: expected a whole number from \\d+ to \\d+, not "${value}"`));
    assert.equal(r.stdout, '', 'nothing swept');
  }
});
