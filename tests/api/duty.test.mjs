// Role recipients and on-duty rosters (issue #16, "Who receives what"; 000
// 第十四条: 立即在第一时间将投诉情况通报所在片区的片区经理和站长 … 夜间若有紧急情况,
// 也必须及时通知到人). A unit's on-duty roster is read and replaced as a whole
// (GET/PUT /units/{id}/duty), within the caller's reach, and a bad entry is
// refused naming its field. The gas-station pack's safety rule texts the
// station's supervisor and the region's at once; outside the working time of
// the unit's calendar (HQ's "office", here set around the current instant),
// the person on duty gets the text and an in-app notice too, and so they do
// for the sweep's deadline warning.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { after } from 'node:test';
import { useServer, freePort, until, describe, runCli, rfc3339, errorOf } from './lib.mjs';

const SECRET = 'sms-secret-duty-0123456789abcdef';
const PORT = await freePort();
const srv = useServer({ env: { REDRESS_SMS_URL: `http://127.0.0.1:${PORT}/send`, REDRESS_SMS_SECRET: SECRET } });

const texts = []; // what the gateway received: {to, text}
const gateway = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    texts.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    res.end('{"ok":true}');
  });
});
await new Promise((r) => gateway.listen(PORT, '127.0.0.1', r));
after(() => { gateway.closeAllConnections(); gateway.close(); });

const PHONES = { sitemgr: '13900000001', pdmgr: '13900000002', nightowl: '13900000003' };
const HOUR = 3600e3;

async function userId(username) {
  const r = await srv.as('admin', 'GET', '/users');
  return r.json.items.find((u) => u.username === username).id;
}

// The station's own supervisor (站经理), the region's (片区经理) with a phone,
// and a person at the branch who takes night duty; once per server.
let people = null;
async function ensurePeople() {
  if (people) return people;
  for (const [username, roles, unit] of [['sitemgr', ['supervisor'], 'SH-PD-01'], ['nightowl', ['handler'], 'SH']]) {
    const r = await srv.as('admin', 'POST', '/users', {
      body: { username, name: username, password: 'redress-demo', roles, unit },
    });
    assert.equal(r.status, 201, describe(r));
  }
  // The station manager asked for e-mail only: a safety rule's text still reaches the phone (an emergency).
  for (const username of Object.keys(PHONES)) {
    const r = await srv.as('admin', 'PUT', `/users/${await userId(username)}`, {
      body: { phone: PHONES[username], notify: username === 'sitemgr' ? ['email'] : ['sms'] },
    });
    assert.equal(r.status, 200, describe(r));
  }
  people = {};
  for (const username of Object.keys(PHONES)) people[username] = await userId(username);
  return people;
}

// The local (Shanghai) hour of an instant.
const hourOf = (ms) => new Date(ms + 8 * HOUR).getUTCHours();

// Sets the office calendar (HQ's, so every station's) to working hours that
// hold every instant of `inside` and none of `outside`.
async function officeHours({ inside = [], outside = [] }) {
  let hours;
  if (inside.length) {
    hours = ['00:00-24:00'];
  } else {
    const busy = new Set(outside.flatMap((t) => [hourOf(t), hourOf(t + 60e3), hourOf(t - 60e3)]));
    const w = [...Array(24).keys()].find((h) => !busy.has(h));
    hours = [`${String(w).padStart(2, '0')}:00-${String(w).padStart(2, '0')}:30`];
  }
  const week = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, hours]));
  const r = await srv.as('admin', 'PUT', '/calendars/office', { body: { timezone: 'Asia/Shanghai', week } });
  assert.equal(r.status, 200, describe(r));
}

async function roster(unit, entries, as = 'admin') {
  return srv.as(as, 'PUT', `/units/${unit}/duty`, { body: { entries } });
}

// The outbox rows of a complaint once none is pending.
async function rows(id, want) {
  return until(async () => {
    const r = await srv.as('admin', 'GET', `/outbox?complaint=${id}`);
    assert.equal(r.status, 200, describe(r));
    // the staff's rows (the customer's acknowledgement may wait for the end of the quiet hours)
    const items = r.json.items.filter((m) => m.target !== 'customer');
    return items.length >= want && items.every((m) => m.status !== 'pending') ? items : null;
  }, `${want} delivered outbox rows of complaint ${id}`, { timeoutMs: 30000 });
}

const byUser = (items, channel, username) =>
  items.filter((m) => m.channel === channel && m.recipient_user && m.recipient_user.username === username);

srv.test('the roster round-trips, within the caller\'s reach', async () => {
  await ensurePeople();
  const from = new Date(Date.parse('2026-12-07T18:00:00+08:00'));
  const entries = [
    { user: 'nightowl', from: '2026-12-08T18:00:00+08:00', to: '2026-12-09T08:30:00+08:00' },
    { user: people.pdmgr, from: rfc3339(from), to: '2026-12-08T08:30:00+08:00' },
  ];
  let r = await roster('SH-PD', entries);
  assert.equal(r.status, 200, describe(r));
  r = await srv.as('admin', 'GET', '/units/SH-PD/duty');
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.unit.code, 'SH-PD');
  assert.deepEqual(r.json.entries.map((e) => [e.user.username, Date.parse(e.from), Date.parse(e.to)]), [
    ['pdmgr', Date.parse('2026-12-07T18:00:00+08:00'), Date.parse('2026-12-08T08:30:00+08:00')],
    ['nightowl', Date.parse('2026-12-08T18:00:00+08:00'), Date.parse('2026-12-09T08:30:00+08:00')],
  ]);
  assert.ok('on_duty' in r.json);

  // The region's supervisor sets the roster of a station of the region, not the branch's.
  r = await roster('SH-PD-01', [{ user: 'sitemgr', from: '2026-12-07T18:00:00+08:00', to: '2026-12-08T08:30:00+08:00' }], 'pdmgr');
  assert.equal(r.status, 200, describe(r));
  r = await srv.as('pdmgr', 'GET', '/units/SH-PD-01/duty');
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.entries.length, 1);
  assert.equal((await roster('SH', [], 'pdmgr')).status, 403);
  assert.equal((await srv.as('mhmgr', 'GET', '/units/SH-PD/duty')).status, 403);
  assert.equal((await srv.as('pd01', 'GET', '/units/SH-PD/duty')).status, 403); /* a handler */
  // [] clears it.
  r = await roster('SH-PD-01', [], 'pdmgr');
  assert.equal(r.status, 200, describe(r));
  assert.deepEqual(r.json.entries, []);
  assert.equal((await srv.as('admin', 'GET', '/units/NOPE/duty')).status, 404);
});

srv.test('a bad roster is refused naming the field', async () => {
  await ensurePeople();
  const ok = { user: 'nightowl', from: '2026-12-07T18:00:00+08:00', to: '2026-12-08T08:30:00+08:00' };
  const cases = [
    [{}, 422, 'entries'],
    [{ entries: 'nightowl' }, 422, 'entries'],
    [{ entries: [ok, { ...ok, user: 'nobody-such' }] }, 422, 'entries[1].user'],
    [{ entries: [{ ...ok, to: '2026-12-07T17:00:00+08:00' }] }, 422, 'entries[0].to'],
    [{ entries: [{ ...ok, to: '2027-02-01T00:00:00+08:00' }] }, 422, 'entries[0].to'],
    [{ entries: [{ ...ok, from: 'tonight' }] }, 422, 'entries[0].from'],
    [{ entries: [ok, { ...ok, from: '2026-12-08T08:00:00+08:00', to: '2026-12-08T20:00:00+08:00' }] }, 422, 'entries[1].from'],
    [{ entries: [{ ...ok, who: 'x' }] }, 400, 'entries[0].who'],
    [{ entries: [], extra: 1 }, 400, 'extra'],
  ];
  for (const [body, status, field] of cases) {
    const r = await srv.as('admin', 'PUT', '/units/SH-MH/duty', { body });
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${describe(r)}`);
    assert.equal(errorOf(r).field, field, JSON.stringify(body));
  }
  // Nothing was stored by the refusals.
  const r = await srv.as('admin', 'GET', '/units/SH-MH/duty');
  assert.deepEqual(r.json.entries, []);
});

srv.test('a safety complaint texts the station\'s and the region\'s supervisors at once', async () => {
  await ensurePeople();
  const now = Date.now();
  await officeHours({ inside: [now] });
  // On duty now, but within working time nobody more is told.
  assert.equal((await roster('SH-PD', [{ user: 'nightowl', from: rfc3339(new Date(now - HOUR)), to: rfc3339(new Date(now + 2 * HOUR)) }])).status, 200);
  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-01', description: '加油机旁着火了，有人受伤' });
  const items = await rows(c.id, 3);
  for (const who of ['sitemgr', 'pdmgr']) {
    const sms = byUser(items, 'sms', who);
    assert.equal(sms.length, 1, `${who}: ${JSON.stringify(items)}`);
    assert.equal(sms[0].status, 'sent', JSON.stringify(sms[0]));
    assert.equal(sms[0].template, 'rule_notify');
    assert.match(sms[0].idempotency_key, new RegExp(`^c${c.id}/rule/safety/user${people[who]}/sms$`));
  }
  // The region's in-app list, as before.
  assert.equal(items.filter((m) => m.channel === 'internal' && m.recipient_unit && m.recipient_unit.code === 'SH-PD').length, 1);
  assert.equal(byUser(items, 'sms', 'nightowl').length, 0, JSON.stringify(items));
  const sent = texts.filter((t) => t.to === PHONES.sitemgr || t.to === PHONES.pdmgr);
  assert.ok(sent.some((t) => t.to === PHONES.sitemgr && t.text.includes(c.number) && t.text.includes('站经理立即到场')), JSON.stringify(sent));
  assert.ok(sent.some((t) => t.to === PHONES.pdmgr && t.text.includes(c.number)), JSON.stringify(sent));
  // An ordinary complaint texts no member of staff (only its customer's acknowledgement goes).
  const plain = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  const r = await srv.as('admin', 'GET', `/outbox?complaint=${plain.id}`);
  assert.equal(r.json.items.filter((m) => m.channel === 'sms' && m.target !== 'customer').length, 0, JSON.stringify(r.json.items));
});

srv.test('at night the person on duty is told as well, of a safety complaint and of a deadline warning', async () => {
  await ensurePeople();
  const now = Date.now();
  // A complaint accepted now: its warning falls due before its handling limit.
  const w = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  await srv.step('agent1', w.id, 'dispatch', { unit: 'SH-PD-01' });
  const d = await srv.step('pd01', w.id, 'accept', {});
  const sweepAt = Date.parse(d.deadlines.stage) - 60e3;
  const breachAt = sweepAt + 180e3; // past the handling limit: a supervision order
  await officeHours({ outside: [now, sweepAt, breachAt] });
  // One night from now to past the sweep (within 31 days), for the region.
  let r = await roster('SH-PD', [{ user: 'nightowl', from: rfc3339(new Date(now - HOUR)), to: rfc3339(new Date(sweepAt + HOUR)) }]);
  assert.equal(r.status, 200, describe(r));
  r = await srv.as('admin', 'GET', '/units/SH-PD-01/duty');
  assert.equal(r.json.on_duty && r.json.on_duty.username, 'nightowl', describe(r)); /* from the region above */

  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-01', description: '油罐区泄漏，闻到很重的油味' });
  const items = await rows(c.id, 5);
  assert.equal(byUser(items, 'sms', 'sitemgr').length, 1, JSON.stringify(items));
  assert.equal(byUser(items, 'sms', 'pdmgr').length, 1, JSON.stringify(items));
  const duty = byUser(items, 'sms', 'nightowl');
  assert.equal(duty.length, 1, JSON.stringify(items));
  assert.equal(duty[0].status, 'sent', JSON.stringify(duty[0]));
  assert.equal(duty[0].idempotency_key, `c${c.id}/rule/safety/duty/user${people.nightowl}/sms`);
  assert.equal(byUser(items, 'internal', 'nightowl').length, 1, JSON.stringify(items));
  await until(() => texts.find((t) => t.to === PHONES.nightowl && t.text.includes(c.number)), 'the text to the person on duty');
  // The in-app notice reaches the person on duty.
  const n = await until(async () => {
    const x = await srv.as('nightowl', 'GET', '/notifications');
    return x.json.items.find((it) => it.number === c.number);
  }, 'the in-app notice of the person on duty');
  assert.equal(n.template, 'rule_notify');

  // A supervisor named by the rule who is also on duty is texted once, and gets the in-app notice.
  r = await roster('SH-PD', [{ user: 'pdmgr', from: rfc3339(new Date(now - HOUR)), to: rfc3339(new Date(now + 2 * HOUR)) }]);
  assert.equal(r.status, 200, describe(r));
  const again = await srv.intake('agent1', { subject_unit: 'SH-PD-01', description: '站内有人打架受伤' });
  const rows2 = await rows(again.id, 4);
  assert.equal(byUser(rows2, 'sms', 'pdmgr').length, 1, JSON.stringify(rows2));
  assert.equal(byUser(rows2, 'sms', 'pdmgr')[0].idempotency_key, `c${again.id}/rule/safety/user${people.pdmgr}/sms`);
  assert.equal(byUser(rows2, 'internal', 'pdmgr').length, 1, JSON.stringify(rows2));
  assert.equal(byUser(rows2, 'sms', 'nightowl').length, 0, JSON.stringify(rows2));
  r = await roster('SH-PD', [{ user: 'nightowl', from: rfc3339(new Date(now - HOUR)), to: rfc3339(new Date(sweepAt + HOUR)) }]);
  assert.equal(r.status, 200, describe(r));

  // The sweep's deadline warning at night: the handler and the person on duty.
  const s = await runCli(['sweep', '--db', srv.dbUrl, '--now', rfc3339(new Date(sweepAt))], { timeoutMs: 120e3 });
  assert.equal(s.code, 0, s.stdout + s.stderr);
  const all = await until(async () => {
    const x = await srv.as('admin', 'GET', `/outbox?complaint=${w.id}`);
    const warn = x.json.items.filter((m) => m.template === 'sla_warning');
    return warn.length >= 3 ? warn : null;
  }, 'the warning rows');
  const dutyWarn = byUser(all, 'sms', 'nightowl');
  assert.equal(dutyWarn.length, 1, JSON.stringify(all));
  assert.match(dutyWarn[0].idempotency_key, /\/sla_warning\/user\d+\/duty\/sms$/);
  assert.equal(byUser(all, 'internal', 'nightowl').length, 1, JSON.stringify(all));
  assert.equal(all.filter((m) => m.channel === 'internal' && m.recipient_unit && m.recipient_unit.code === 'SH-PD-01').length, 1);

  // The supervision order at the breach: the station's supervisor, and the person on duty.
  const b = await runCli(['sweep', '--db', srv.dbUrl, '--now', rfc3339(new Date(breachAt))], { timeoutMs: 120e3 });
  assert.equal(b.code, 0, b.stdout + b.stderr);
  const sup = await until(async () => {
    const x = await srv.as('admin', 'GET', `/outbox?complaint=${w.id}`);
    const got = x.json.items.filter((m) => m.template === 'supervision');
    return got.length >= 3 && got.every((m) => m.status !== 'pending') ? got : null;
  }, 'the supervision rows');
  assert.equal(byUser(sup, 'sms', 'sitemgr').length, 1, JSON.stringify(sup));
  const dutySup = byUser(sup, 'sms', 'nightowl');
  assert.equal(dutySup.length, 1, JSON.stringify(sup));
  assert.equal(dutySup[0].status, 'sent', JSON.stringify(dutySup[0]));
  assert.match(dutySup[0].idempotency_key, /\/supervision\/user\d+\/duty\/sms$/);
  assert.equal(byUser(sup, 'internal', 'nightowl').length, 1, JSON.stringify(sup));
});
