// The policy packs through the API: each pack's grading and routing rules,
// written from its seed, decide the level, scope, priority, routed unit and
// who may answer at intake, record which rules fired, queue their
// notifications and serve the category's reply script. The gas-station pack
// runs on the demo; the other four are initialised with `redress init
// --pack NAME` and get their users through the API.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackServer, useServer, runCli, intakeBody, rfc3339, describe } from './lib.mjs';

const srv = useServer();

async function outbox(s, id) {
  const r = await s.as('admin', 'GET', `/outbox?complaint=${id}`);
  assert.equal(r.status, 200, describe(r));
  return r.json.items;
}

const fired = (c) => c.rules_fired.map((r) => r.code);

srv.test('gas station: a media complaint is level 1, answered only by headquarters, in 48 h', async () => {
  const received = rfc3339(new Date(Date.now() - 600e3));
  const c = await srv.intake('agent1', { channel: 'media', category: 'service.attitude', received_at: received });
  assert.equal(c.level, 1);
  assert.equal(c.priority, 'urgent');
  assert.deepEqual(c.answer_by, ['hq']);
  assert.ok(fired(c).includes('media'), `fired: ${fired(c)}`);
  // The overall promise is 48 h from receipt (the pack's time-limit policy for media).
  assert.equal(Date.parse(c.deadlines.overall) - Date.parse(received), 48 * 3600e3);
  // The competent department is told; the station is not asked to answer.
  const ob = await outbox(srv, c.id);
  const notes = ob.filter((m) => m.template === 'rule_notify');
  assert.equal(notes.length, 1, JSON.stringify(ob));
  assert.equal(notes[0].recipient_unit.code, 'SH-OPS');

  // Through to the answer: the service centre may not answer it, headquarters may.
  await srv.step('agent1', c.id, 'dispatch', { note: '主管部门调查' });
  const d = await srv.get(c.id);
  assert.equal(d.owner_unit.code, 'SH-OPS', 'dispatched where the rule routed it');
  await srv.step('ops1', c.id, 'accept', {});
  await srv.step('ops1', c.id, 'resolve', { resolution_type: 'explanation', resolution: '调查完毕', nature: 'valid' });
  const no = await srv.act('agent1', c.id, 'reply', { method: 'phone', content: '答复客户' });
  assert.equal(no.status, 403, describe(no));
  assert.match(no.json.error.message, /hq/);
  const mk = await srv.as('admin', 'POST', '/users', {
    body: { username: 'hqpress', name: '总部新闻发言人', password: 'Hq-press-2026!', roles: ['manager'], unit: 'HQ' },
  });
  assert.equal(mk.status, 201, describe(mk));
  const login = await srv.api('POST', '/auth/login', { body: { username: 'hqpress', password: 'Hq-press-2026!' } });
  assert.equal(login.status, 200, describe(login));
  const r = await srv.api('POST', `/complaints/${c.id}/actions/reply`, {
    token: login.json.token, body: { method: 'phone', content: '总部统一答复' },
  });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.status, 'replied');
});

srv.test('gas station: a VIP complaint gets priority; an ordinary one does not', async () => {
  const vip = await srv.intake('agent1', { customer: { class: 'vip' } });
  assert.equal(vip.priority, 'high');
  assert.ok(fired(await srv.get(vip.id)).includes('vip'));
  const plain = await srv.intake('agent1', { customer: { class: 'ordinary' } });
  assert.equal(plain.priority, 'normal');
  assert.ok(!fired(await srv.get(plain.id)).includes('vip'));
});

srv.test('gas station: quality goes to the quality department of the station\'s branch; attitude to the station', async () => {
  const q = await srv.intake('agent1', { category: 'quality.fuel', subject_unit: 'SH-MH-02', description: '加油后车辆抖动，怀疑油品有问题' });
  const qd = await srv.get(q.id);
  assert.equal(qd.route_unit.code, 'SH-QC');
  assert.ok(fired(qd).includes('route-quality'));
  assert.match(qd.script, /三方/, 'the quality reply script is served with the complaint');
  assert.ok(qd.survey.some((s) => s.code === 'sample'), 'the quality survey question is added');
  const dq = await srv.step('agent1', q.id, 'dispatch', { note: '请质量计量部处理' });
  assert.equal(dq.owner_unit.code, 'SH-QC');

  const a = await srv.intake('agent1', { category: 'service.attitude', subject_unit: 'SH-PD-03' });
  const ad = await srv.get(a.id);
  assert.equal(ad.route_unit.code, 'SH-PD-03', 'the station manager handles attitude');
  assert.equal(ad.level, 3, 'attitude alone does not raise the level');
  // A unit the dispatcher names wins over the routing.
  const da = await srv.step('agent1', a.id, 'dispatch', { unit: 'SH-OPS', note: '油站管理组处理' });
  assert.equal(da.owner_unit.code, 'SH-OPS');
});

srv.test('gas station: a second quantity complaint at one station within a day is urgent and closes the nozzle', async () => {
  const t0 = Date.now() - 5 * 3600e3;
  const first = await srv.intake('agent1', { category: 'quality.quantity', subject_unit: 'SH-PD-02', received_at: rfc3339(new Date(t0)) });
  assert.equal(first.level, 3);
  assert.ok(!fired(await srv.get(first.id)).includes('quantity-repeat'));
  // At another station it does not count.
  const other = await srv.intake('agent1', { category: 'quality.quantity', subject_unit: 'SH-MH-03', received_at: rfc3339(new Date(t0 + 600e3)) });
  assert.equal(other.level, 3);
  const second = await srv.intake('agent1', { category: 'quality.quantity', subject_unit: 'SH-PD-02', received_at: rfc3339(new Date(t0 + 3600e3)) });
  assert.equal(second.level, 2);
  const d = await srv.get(second.id);
  assert.ok(fired(d).includes('quantity-repeat'));
  const notes = (await outbox(srv, second.id)).filter((m) => m.template === 'rule_notify');
  assert.equal(notes.length, 1);
  assert.match(JSON.stringify(notes[0].payload), /关闭该油枪/);
});

srv.test('gas station: keywords of a safety event raise the level; the categories serve scripts', async () => {
  const c = await srv.intake('agent1', { category: 'other.facilities', description: '加油站地面漏油，有起火危险' });
  assert.equal(c.level, 1);
  assert.ok(fired(await srv.get(c.id)).includes('safety'));
  const cats = await srv.as('agent1', 'GET', '/categories');
  const quality = cats.json.items.find((x) => x.code === 'quality');
  assert.match(quality.script, /三方/);
  assert.match(quality.children[0].script_en, /three-party/, 'children inherit the script');
});

// ---- the other packs: init --pack NAME, users through the API ----

function packSuite(pack, users, fn) {
  test(`pack ${pack}`, { timeout: 180000 }, async (t) => {
    const s = new PackServer(pack, users);
    try {
      await s.start();
      await fn(s, t);
    } finally {
      await s.stop();
      await s.cleanup();
    }
  });
}

const body = (over) => intakeBody({ subject_staff: null, place: null, ...over });

packSuite('telecom', [['agent', ['agent'], 'HA-CSC']], async (s) => {
  // Seed 001: roaming needs HQ or another province — a national complaint, at most 72 h.
  const received = rfc3339(new Date(Date.now() - 60e3));
  let r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'mobile.roaming', subject_unit: 'HA-ZZ-01', customer: { class: 'ordinary' }, received_at: received, description: '在外省漫游时无法使用数据业务' }) });
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.scope, 'national');
  assert.equal(Date.parse(r.json.deadlines.overall) - Date.parse(received), 72 * 3600e3);
  // A VIP's network complaint: priority, routed to the branch's network department, basic service lost → urgent.
  r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'mobile.network', subject_unit: 'HA-LY-01', customer: { class: 'vip' }, description: '家中无信号，无法通话已两天' }) });
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.priority, 'high');
  assert.equal(r.json.level, 2);
  const d = (await s.as('agent', 'GET', `/complaints/${r.json.id}`)).json;
  assert.equal(d.route_unit.code, 'HA-NET');
  assert.deepEqual(fired(d).sort(), ['route-network', 'service-lost', 'vip']);
  // Channel service quality goes to the business hall itself.
  r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'business_hall', category: 'channel.own_hall', subject_unit: 'HA-ZZ-02', customer: { class: 'ordinary' } }) });
  assert.equal((await s.as('agent', 'GET', `/complaints/${r.json.id}`)).json.route_unit.code, 'HA-ZZ-02');
  // Three network complaints in one city within 24 h: urgent, and the network department is told.
  const ids = [];
  for (const site of ['HA-ZZ-01', 'HA-ZZ-02', 'HA-ZZ-03']) {
    r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'fixed.quality_onnet', subject_unit: site, customer: { class: 'ordinary' }, description: '通话有杂音' }) });
    assert.equal(r.status, 201, describe(r));
    ids.push(r.json);
  }
  assert.deepEqual(ids.map((c) => c.level), [3, 3, 2]);
  const ob = (await s.as('admin', 'GET', `/outbox?complaint=${ids[2].id}`)).json.items.filter((m) => m.template === 'rule_notify');
  assert.equal(ob.length, 1);
});

packSuite('utility', [['agent', ['agent'], 'CITY-CSC']], async (s) => {
  // Seed 004: a leak is a safety event — level 1, the emergency repair centre, on the 24x7 duty calendar.
  const received = rfc3339(new Date(Date.now() - 60e3));
  let r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'leak.smell', subject_unit: 'CITY-E-01', customer: { class: 'resident' }, received_at: received, description: '楼道里有燃气味' }) });
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.level, 1);
  assert.equal(r.json.priority, 'urgent');
  const d = (await s.as('agent', 'GET', `/complaints/${r.json.id}`)).json;
  assert.equal(d.route_unit.code, 'CITY-EMG');
  assert.match(d.script, /关闭燃气总阀/);
  assert.equal(Date.parse(d.deadlines.overall) - Date.parse(received), 24 * 3600e3);
  const ob = (await s.as('admin', 'GET', `/outbox?complaint=${d.id}`)).json.items.filter((m) => m.template === 'rule_notify');
  assert.equal(ob.length, 1);
  // A billing question is general and goes to the billing department, on office working days.
  r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'billing.wrong', subject_unit: 'CITY-W-01', customer: { class: 'resident' }, description: '本月账单金额异常' }) });
  assert.equal(r.json.level, 3);
  const b = (await s.as('agent', 'GET', `/complaints/${r.json.id}`)).json;
  assert.equal(b.route_unit.code, 'CITY-BIL');
  assert.equal(b.clocks.find((c) => c.name === 'overall').calendar, 'office');
  // Words of a leak in another category still bring the emergency crew.
  r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'meter.stopped', subject_unit: 'CITY-W-02', customer: { class: 'resident' }, description: '表不走了，而且有漏气的声音' }) });
  assert.equal(r.json.level, 1);
  assert.equal((await s.as('agent', 'GET', `/complaints/${r.json.id}`)).json.route_unit.code, 'CITY-EMG');
});

packSuite('restaurant', [['agent', ['agent'], 'EC-CSC']], async (s) => {
  // Seed 003: a suspected food poisoning is major, goes to food safety, and the division is told to keep samples.
  let r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'safety.poisoning', subject_unit: 'EC-SH-01', customer: { class: 'ordinary' }, description: '就餐后全家腹泻' }) });
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.level, 1);
  const d = (await s.as('agent', 'GET', `/complaints/${r.json.id}`)).json;
  assert.equal(d.route_unit.code, 'EC-FS');
  assert.ok(fired(d).includes('poisoning') && fired(d).includes('health-words'));
  const ob = (await s.as('admin', 'GET', `/outbox?complaint=${d.id}`)).json.items.filter((m) => m.template === 'rule_notify');
  assert.match(JSON.stringify(ob[0].payload), /留样/);
  // A foreign object is urgent; a member gets priority; a slow dish goes to the restaurant manager.
  r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'on_site', category: 'foreign.hair', subject_unit: 'EC-HZ-01', customer: { class: 'member' }, description: '汤里有头发' }) });
  assert.equal(r.json.level, 2);
  assert.equal(r.json.priority, 'high');
  r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'on_site', category: 'seating.serving', subject_unit: 'EC-HZ-02', customer: { class: 'ordinary' }, description: '等了一个小时还没上菜' }) });
  assert.equal(r.json.level, 3);
  assert.equal((await s.as('agent', 'GET', `/complaints/${r.json.id}`)).json.route_unit.code, 'EC-HZ-02');
  // A media complaint: only headquarters answers.
  r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'media', category: 'clean.hygiene', subject_unit: 'EC-SH-02', customer: { class: 'ordinary' }, description: '记者暗访后厨' }) });
  assert.equal(r.json.level, 1);
  assert.deepEqual((await s.as('agent', 'GET', `/complaints/${r.json.id}`)).json.answer_by, ['hq']);
  // Seed 003: 一般性问题24小时回复/解决，对于较复杂性问题在72小时回复/解决 — complex at intake, or marked so later.
  const received = rfc3339(new Date(Date.now() - 60e3));
  const hours = (c) => (Date.parse(c.deadlines.overall) - Date.parse(received)) / 3600e3;
  const plain = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'dish.taste', subject_unit: 'EC-SH-01', customer: { class: 'ordinary' }, received_at: received, description: '菜太咸' }) });
  assert.equal(hours(plain.json), 24);
  assert.equal(plain.json.complex, false);
  const cx = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'dish.taste', subject_unit: 'EC-SH-01', customer: { class: 'ordinary' }, received_at: received, description: '连续三次菜品不合格，需调取供应链记录', complex: true }) });
  assert.equal(cx.status, 201, describe(cx));
  assert.equal(hours(cx.json), 72);
  assert.equal(cx.json.complex, true);
  const bad = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'dish.taste', subject_unit: 'EC-SH-01', customer: { class: 'ordinary' }, complex: 'yes' }) });
  assert.equal(bad.status, 422, describe(bad));
  r = await s.act('agent', plain.json.id, 'mark_complex', { reason: '需第三方检测' });
  assert.equal(r.status, 200, describe(r));
  assert.equal(hours(r.json), 72, 'the running clocks re-planned under the complex limits');
  assert.equal((await s.act('agent', plain.json.id, 'mark_complex', { reason: '再次' })).status, 409, 'once');
});

// Seed 001 (property): 有效投诉在一个月内得不到合理解决 is a major complaint — a
// rule over time, applied by the sweeper once, with an event and re-planned clocks.
async function rulesOverTime(s) {
  const day = 86400e3;
  const old = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'facility.lighting', subject_unit: 'SZ-NS-01', customer: { class: 'owner' }, received_at: rfc3339(new Date(Date.now() - 31 * day)), description: '楼道灯一个月没修' }) });
  assert.equal(old.status, 201, describe(old));
  const young = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'facility.lighting', subject_unit: 'SZ-NS-01', customer: { class: 'owner' }, received_at: rfc3339(new Date(Date.now() - 10 * day)), description: '楼道灯坏了' }) });
  assert.equal(old.json.level, 3);
  const sweep = async (at) => {
    const r = await runCli(['sweep', '--db', s.dbUrl, '--now', rfc3339(at), '--quiet'], { timeoutMs: 120e3 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    return r.stdout;
  };
  let out = await sweep(new Date());
  assert.match(out, /upgraded by rules over time: 1/);
  let c = (await s.as('agent', 'GET', `/complaints/${old.json.id}`)).json;
  assert.equal(c.level, 1);
  assert.equal(c.priority, 'high');
  const ev = (await s.as('agent', 'GET', `/complaints/${old.json.id}/events`)).json.items.filter((e) => e.action === 'upgrade');
  assert.equal(ev.length, 1);
  assert.equal(ev[0].payload.rule, 'unresolved-month');
  assert.equal((await s.as('agent', 'GET', `/complaints/${young.json.id}`)).json.level, 3, 'ten days old: not yet');
  // Once only; the younger one when its month is up.
  out = await sweep(new Date(Date.now() + 21 * day));
  assert.match(out, /upgraded by rules over time: 1/);
  assert.equal((await s.as('agent', 'GET', `/complaints/${young.json.id}`)).json.level, 1);
  assert.equal((await s.as('agent', 'GET', `/complaints/${old.json.id}/events`)).json.items.filter((e) => e.action === 'upgrade').length, 1);
  const v = await runCli(['verify', '--db', s.dbUrl]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
}

packSuite('property', [['agent', ['agent'], 'SZ-CSC']], async (s) => {
  // Seed 001 (property): a minor facility complaint is resolved in 2 days; the form goes to engineering in 10 minutes.
  const received = rfc3339(new Date(Date.now() - 60e3));
  let r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'walk_in', category: 'facility.lighting', subject_unit: 'SZ-NS-01', customer: { class: 'owner' }, received_at: received, description: '楼道灯坏了一周' }) });
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.level, 3);
  let d = (await s.as('agent', 'GET', `/complaints/${r.json.id}`)).json;
  assert.equal(d.route_unit.code, 'SZ-ENG');
  assert.equal(Date.parse(d.deadlines.overall) - Date.parse(received), 2 * 86400e3);
  assert.equal(d.clocks.find((c) => c.name === 'dispatch').limit_minutes ?? 10, 10);
  // The company's fault (attitude) is important and stays with the management office.
  r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'service.attitude', subject_unit: 'SZ-FT-01', customer: { class: 'owner' }, received_at: received, description: '前台人员态度冷淡' }) });
  assert.equal(r.json.level, 2);
  d = (await s.as('agent', 'GET', `/complaints/${r.json.id}`)).json;
  assert.equal(d.route_unit.code, 'SZ-FT-01');
  assert.equal(Date.parse(d.deadlines.overall) - Date.parse(received), 3 * 86400e3);
  // An injury is major; the general manager is told the same day.
  r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'facility.public', subject_unit: 'SZ-NS-02', customer: { class: 'owner' }, description: '道闸突然落下，业主受伤' }) });
  assert.equal(r.json.level, 1);
  assert.equal(r.json.priority, 'urgent');
  // Three complaints about facilities at one office within a week: important.
  const levels = [];
  for (let i = 0; i < 3; i++) {
    r = await s.as('agent', 'POST', '/complaints', { body: body({ channel: 'phone', category: 'facility.elevator', subject_unit: 'SZ-FT-02', customer: { class: 'tenant' }, description: '电梯又停了' }) });
    levels.push(r.json.level);
  }
  assert.deepEqual(levels, [3, 3, 2]);
  await rulesOverTime(s);
});


// ---- redress pack validate ----

test('pack validate: the shipped packs pass; a malformed pack names the JSON path and exits non-zero', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const ok = await runCli(['pack', 'validate', 'packs/gas-station.json', 'packs/telecom.json', 'packs/utility.json',
    'packs/property.json', 'packs/restaurant.json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /gas-station\.json: ok/);
  const good = JSON.parse(fs.readFileSync('packs/gas-station.json', 'utf8'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-pack-'));
  const cases = [
    [(p) => { p.rules[2].when.category = 'nosuch'; }, 'rules[2].when.category: unknown value "nosuch"'],
    [(p) => { p.rules[5].then.owner = { from: 'subject', up: 'branch', function: 'legal' }; }, 'rules[5].then.owner: no unit of the pack has function "legal"'],
    [(p) => { p.clusters[0].window_hours = 0; }, 'clusters[0].window_hours'],
    [(p) => { p.units[3].parent = 'SH-XX'; }, 'units[3].parent: must name a unit defined before it'],
    [(p) => { p.categories[2].script = 42; }, 'categories[2].script'],
    [(p) => { p.categories[2].children[0].name = null; }, 'categories[2].children[0]'],
    [(p) => { p.natures[1].code = 'bogus'; }, 'natures[1].code'],
    [(p) => { p.time_limit_policy.rules[0].limit = { hours: -1 }; }, 'time_limit_policy.rules[0].limit'],
    [(p) => { p.time_limit = p.time_limits; delete p.time_limits; }, 'time_limit: 不支持的字段 (unknown field)'],
  ];
  try {
    for (const [mutate, expect] of cases) {
      const p = structuredClone(good);
      mutate(p);
      const f = path.join(dir, 'bad.json');
      fs.writeFileSync(f, JSON.stringify(p));
      const r = await runCli(['pack', 'validate', f]);
      assert.equal(r.code, 1, `expected failure for ${expect}: ${r.stdout}`);
      assert.ok(r.stderr.includes(expect), `stderr ${r.stderr} should name ${expect}`);
    }
    fs.writeFileSync(path.join(dir, 'syntax.json'), '{"name": "x",');
    const syn = await runCli(['pack', 'validate', path.join(dir, 'syntax.json')]);
    assert.equal(syn.code, 1);
    assert.match(syn.stderr, /syntax\.json:1:/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// ---- crisis clustering and incidents (seed 000) ----

srv.test('gas station: two fuel-quality complaints at one station within a day raise one incident, level 1, and the stop-selling notice', async () => {
  // Long before the demo's own complaints, so that only this test's complaints are in the window.
  const t0 = Date.now() - 200 * 86400e3;
  const first = await srv.intake('agent1', { category: 'quality.fuel', subject_unit: 'SH-MH-01', received_at: rfc3339(new Date(t0)), description: '加油后发动机故障灯亮' });
  assert.equal(first.level, 3, 'one complaint is not a cluster');
  // Another station's complaint is not part of it.
  await srv.intake('agent1', { category: 'quality.fuel', subject_unit: 'SH-MH-02', received_at: rfc3339(new Date(t0 + 60e3)) });
  const second = await srv.intake('agent1', { category: 'quality.fuel', subject_unit: 'SH-MH-01', received_at: rfc3339(new Date(t0 + 3 * 3600e3)), description: '车辆加油后抖动' });
  assert.equal(second.level, 1, 'the second raises the cluster');
  assert.equal((await srv.get(first.id)).level, 1, 'the first is re-graded too');
  const ev = (await srv.events(first.id, 'admin')).filter((e) => e.action === 'incident');
  assert.equal(ev.length, 1, 'one grouping event on the first');

  const list = await srv.as('super1', 'GET', '/incidents');
  assert.equal(list.status, 200, describe(list));
  const mine = list.json.items.filter((i) => i.anchor_unit.code === 'SH-MH-01' && i.cluster === 'fuel-quality');
  assert.equal(mine.length, 1, 'one incident');
  const inc = (await srv.as('super1', 'GET', `/incidents/${mine[0].id}`)).json;
  assert.equal(inc.status, 'open');
  assert.equal(inc.level, 1);
  assert.deepEqual(inc.complaints.map((c) => c.id).sort(), [first.id, second.id].sort());
  // Its complaints are shown as in any list: customer data masked, never sealed text.
  for (const c of inc.complaints) assert.ok(!/^pii1:/.test(c.customer.name) && /\*/.test(c.customer.name), JSON.stringify(c.customer));
  // The incident belongs to the scope of its station: another station's handler does not see it at all.
  const other = await srv.as('pd01', 'GET', '/incidents');
  assert.equal(other.status, 200, describe(other));
  assert.ok(!other.json.items.some((i) => i.id === inc.id), 'not in another station\'s list');
  assert.equal((await srv.as('pd01', 'GET', `/incidents/${inc.id}`)).status, 404);
  // A supervisor of another region may act on incidents, but not on this one: for them it does not exist.
  assert.ok(!(await srv.as('pdmgr', 'GET', '/incidents')).json.items.some((i) => i.id === inc.id));
  assert.equal((await srv.as('pdmgr', 'POST', `/incidents/${inc.id}/actions/note`, { body: { note: 'x' } })).status, 404);
  const own = await srv.as('mh01', 'GET', `/incidents/${inc.id}`);
  assert.equal(own.status, 200, `the station's own handler sees it: ${describe(own)}`);
  assert.match(inc.notice, /停止销售/);
  const notice = (await outbox(srv, second.id)).filter((m) => m.template === 'incident_opened');
  assert.equal(notice.length, 1);
  assert.equal(notice[0].recipient_unit.code, 'SH-MH-01');
  assert.match(JSON.stringify(notice[0].payload), /停止销售该油品，报告公司/);

  // A third joins it — never a second incident.
  const third = await srv.intake('agent1', { category: 'quality.fuel', subject_unit: 'SH-MH-01', received_at: rfc3339(new Date(t0 + 4 * 3600e3)) });
  assert.equal(third.level, 1);
  const after = (await srv.as('super1', 'GET', '/incidents')).json.items.filter((i) => i.anchor_unit.code === 'SH-MH-01');
  assert.equal(after.length, 1);
  const inc3 = (await srv.as('super1', 'GET', `/incidents/${inc.id}`)).json;
  assert.equal(inc3.complaints.length, 3);
  assert.equal(inc3.timeline.filter((t) => t.action === 'add').length, 1);
  assert.equal((await outbox(srv, third.id)).filter((m) => m.template === 'incident_opened').length, 0, 'notified once');

  // The response level rises up the unit tree: station → region → branch; then no further.
  let r = await srv.as('super1', 'POST', `/incidents/${inc.id}/actions/raise`, { body: { note: '站经理报请公司' } });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.level, 2);
  assert.equal(r.json.owner_unit.code, 'SH-MH');
  r = await srv.as('super1', 'POST', `/incidents/${inc.id}/actions/raise`, { body: { note: '公司层面处置' } });
  assert.equal(r.json.level, 3);
  assert.equal(r.json.owner_unit.code, 'SH');
  assert.ok(!r.json.actions.includes('raise'));
  r = await srv.as('super1', 'POST', `/incidents/${inc.id}/actions/raise`, { body: { note: '再升级' } });
  assert.equal(r.status, 409, describe(r));
  r = await srv.as('super1', 'POST', `/incidents/${inc.id}/actions/raise`, { body: {} });
  assert.equal(r.status, 409, 'closed for raising before the note is checked');
  r = await srv.as('super1', 'POST', `/incidents/${inc.id}/actions/note`, { body: { note: '三方抽样已送检' } });
  assert.equal(r.status, 200, describe(r));
  r = await srv.as('super1', 'POST', `/incidents/${inc.id}/actions/close`, { body: {} });
  assert.equal(r.status, 422, describe(r));
  assert.equal(r.json.error.field, 'summary');
  r = await srv.as('super1', 'POST', `/incidents/${inc.id}/actions/close`, { body: { summary: '检测结果合格，恢复销售' } });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.status, 'closed');
  assert.deepEqual(r.json.timeline.map((t) => t.action), ['open', 'add', 'raise', 'raise', 'note', 'close']);
  // An agent sees incidents but takes no action on them.
  const ag = await srv.as('agent1', 'POST', `/incidents/${inc.id}/actions/note`, { body: { note: 'x' } });
  assert.equal(ag.status, 403, describe(ag));
  // After closing, a new cluster at the station opens a new incident.
  const t1 = Date.now() - 190 * 86400e3;
  await srv.intake('agent1', { category: 'quality.fuel', subject_unit: 'SH-MH-01', received_at: rfc3339(new Date(t1)) });
  await srv.intake('agent1', { category: 'quality.fuel', subject_unit: 'SH-MH-01', received_at: rfc3339(new Date(t1 + 60e3)) });
  const open = (await srv.as('super1', 'GET', '/incidents?status=open')).json.items.filter((i) => i.anchor_unit.code === 'SH-MH-01');
  assert.equal(open.length, 1);
  assert.notEqual(open[0].id, inc.id);
});

srv.test('gas station: concurrent fuel-quality complaints at one station open exactly one incident', async () => {
  const t0 = Date.now() - 300 * 86400e3;
  const all = await Promise.all([0, 1, 2, 3].map((i) => srv.intake(i % 2 ? 'agent1' : 'agent2', {
    category: 'quality.fuel', subject_unit: 'SH-PD-03', received_at: rfc3339(new Date(t0 + i * 1000)),
  })));
  const ids = new Set(all.map((c) => c.id));
  const here = (await srv.as('super1', 'GET', '/incidents')).json.items.filter((i) => i.anchor_unit.code === 'SH-PD-03');
  const incs = [];
  for (const i of here) {
    const full = (await srv.as('super1', 'GET', `/incidents/${i.id}`)).json;
    if (full.complaints.some((c) => ids.has(c.id))) incs.push(full);
  }
  assert.equal(incs.length, 1, JSON.stringify(incs));
  const inc = incs[0];
  // All four are in it (with the demo's own complaints at the station if its incident is still open).
  for (const id of ids) assert.ok(inc.complaints.some((c) => c.id === id), `complaint ${id} is in the incident`);
  assert.equal(new Set(inc.complaints.map((c) => c.id)).size, inc.complaints.length, 'each complaint once');
  for (const c of all) assert.equal((await srv.get(c.id)).level, 1);
});

srv.test('incidents: a supervisor adds a related complaint by its number; it is graded with the incident', async () => {
  const t0 = Date.now() - 250 * 86400e3;
  await srv.intake('agent1', { category: 'quality.fuel', subject_unit: 'SH-PD-01', received_at: rfc3339(new Date(t0)) });
  const b = await srv.intake('agent1', { category: 'quality.fuel', subject_unit: 'SH-PD-01', received_at: rfc3339(new Date(t0 + 60e3)) });
  const inc = (await srv.as('super1', 'GET', '/incidents')).json.items.find((i) => i.anchor_unit.code === 'SH-PD-01');
  assert.ok(inc && b.level === 1);
  // A customer of another station whose car broke down after filling up there: related, not in the cluster.
  const other = await srv.intake('agent1', { category: 'service.sales', subject_unit: 'SH-PD-02', received_at: rfc3339(new Date(t0 + 120e3)) });
  assert.equal(other.level, 3);
  let r = await srv.as('super1', 'POST', `/incidents/${inc.id}/actions/add`, { body: { complaint: other.number } });
  assert.equal(r.status, 200, describe(r));
  assert.ok(r.json.complaints.some((c) => c.id === other.id));
  assert.equal(r.json.timeline.at(-1).action, 'add');
  assert.equal(r.json.timeline.at(-1).complaint.number, other.number);
  assert.equal((await srv.get(other.id)).level, 1, 'graded with the incident');
  r = await srv.as('super1', 'POST', `/incidents/${inc.id}/actions/add`, { body: { complaint: other.id } });
  assert.equal(r.status, 422, describe(r));
  assert.equal(r.json.error.field, 'complaint');
  r = await srv.as('super1', 'POST', `/incidents/${inc.id}/actions/add`, { body: { complaint: 'TS19990101-0001' } });
  assert.equal(r.status, 422);
  r = await srv.as('super1', 'POST', `/incidents/${inc.id}/actions/fly`, { body: {} });
  assert.equal(r.status, 404, describe(r));
  assert.equal((await srv.as('super1', 'GET', '/incidents/999999')).status, 404);
});

// ---- the versioned configuration ----

srv.test('config: admins upload a new pack version, new complaints use it, old ones keep theirs, and roll back', async () => {
  const list0 = await srv.as('admin', 'GET', '/config/versions');
  assert.equal(list0.status, 200, describe(list0));
  const v0 = list0.json.active;
  assert.ok(v0 >= 1);
  assert.equal(list0.json.items[0].version, v0);
  assert.equal(list0.json.items[0].active, true);
  assert.equal((await srv.as('super1', 'GET', '/config/versions')).status, 403, 'admins only');

  const before = await srv.intake('agent1', { category: 'info.location', customer: { class: 'vip' } });
  assert.equal(before.level, 3);
  assert.equal((await srv.get(before.id)).policy_version, v0);

  const cur = (await srv.as('admin', 'GET', `/config/versions/${v0}`)).json.pack;
  assert.equal(cur.name, 'gas-station');
  // A malformed upload names the path inside the pack and changes nothing.
  const bad = structuredClone(cur);
  bad.rules[0].when.channel = 'pigeon';
  let r = await srv.as('admin', 'POST', '/config/versions', { body: { pack: bad, reason: '试错' } });
  assert.equal(r.status, 422, describe(r));
  assert.equal(r.json.error.field, 'pack.rules[0].when.channel');
  r = await srv.as('admin', 'POST', '/config/versions', { body: { pack: cur } });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'reason');
  assert.equal((await srv.as('admin', 'GET', '/config/versions')).json.active, v0);

  // Version v0+1: VIP customers' complaints are urgent (level 2).
  const next = structuredClone(cur);
  next.rules.push({ code: 'vip-urgent', name: 'VIP客户按紧急处理', when: { customer_class: 'vip' }, then: { level: 2 } });
  r = await srv.as('admin', 'POST', '/config/versions', { body: { pack: next, reason: '客户部要求VIP投诉按紧急处理' } });
  assert.equal(r.status, 201, describe(r));
  const v1 = r.json.version;
  assert.equal(v1, v0 + 1);
  assert.equal(r.json.created_by.username, 'admin');
  assert.equal(r.json.reason, '客户部要求VIP投诉按紧急处理');
  const after = await srv.intake('agent1', { category: 'info.location', customer: { class: 'vip' } });
  assert.equal(after.level, 2, 'graded under the new version');
  const ad = await srv.get(after.id);
  assert.equal(ad.policy_version, v1);
  assert.ok(ad.rules_fired.some((x) => x.code === 'vip-urgent'));
  const bd = await srv.get(before.id);
  assert.equal(bd.level, 3, 'an existing complaint keeps its grading');
  assert.equal(bd.policy_version, v0);

  // The change is an audited event.
  const au = await srv.as('admin', 'GET', '/audit?action=config_change');
  assert.equal(au.status, 200, describe(au));
  assert.ok(au.json.items.some((x) => x.subject === 'config:pack' && JSON.stringify(x.detail).includes(String(v1))),
    JSON.stringify(au.json.items.slice(0, 3)));

  // Roll back: the old document again, as the newest version.
  r = await srv.as('admin', 'POST', `/config/versions/${v0}/activate`, { body: { reason: '撤销：VIP规则有误' } });
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.version, v1 + 1);
  assert.equal(r.json.source, v0);
  const list = (await srv.as('admin', 'GET', '/config/versions')).json;
  assert.equal(list.active, v1 + 1);
  assert.deepEqual(list.items.slice(0, 3).map((x) => x.version), [v1 + 1, v1, v0], 'every version kept');
  const rolled = await srv.intake('agent1', { category: 'info.location', customer: { class: 'vip' } });
  assert.equal(rolled.level, 3);
  assert.equal((await srv.get(rolled.id)).policy_version, v1 + 1);
  r = await srv.as('admin', 'POST', `/config/versions/${v1 + 1}/activate`, { body: { reason: '再来一次' } });
  assert.equal(r.status, 409, 'the active version is not stored again');
  assert.equal((await srv.as('admin', 'GET', '/config/versions/999')).status, 404);
});
