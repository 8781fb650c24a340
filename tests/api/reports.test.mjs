// Reports and indicators (GET /api/v1/reports…): ten thousand complaints with
// known outcomes — natures, open and closed, on time and late, answered at
// first contact, revisited, reopened, escalated, appeals — across units,
// channels, categories, levels and months; every indicator, cut every way,
// checked against a computation written here from the complaints' own
// fields (the list and the detail of each complaint, not the report's SQL);
// random cells checked against their drill-down lists; the scenarios the
// issue names; the parameters' refusals; the files.

import assert from 'node:assert/strict';
import { useServer, describe, errorOf, rfc3339, runCli } from './lib.mjs';
import { readXlsx, getBytes } from './xlsx.mjs';

const srv = useServer();
const N = Number(process.env.REDRESS_REPORTS_N || 10000);
const FLOWS = Math.max(30, Math.round(N / 60)); // complaints taken through dispatch → … → revisit
const TZ = 480; // the gas-station pack's Asia/Shanghai, minutes east of UTC
const FROM = '2026-01-01';
const TO = '2027-12-31';

// A seeded generator, so that a failure can be replayed.
let seed = Number(process.env.REDRESS_REPORTS_SEED || 20261207);
function rand() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const localDay = (iso) => new Date(Date.parse(iso) + TZ * 60e3).toISOString().slice(0, 10);
function periodKey(p, iso) {
  const day = localDay(iso);
  if (p === 'day') return day;
  if (p === 'month') return day.slice(0, 7);
  if (p === 'year') return day.slice(0, 4);
  if (p === 'quarter') return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
  // ISO week: the Thursday of the week decides its year.
  const d = new Date(`${day}T00:00:00Z`);
  const wd = (d.getUTCDay() + 6) % 7;
  const thu = new Date(d.getTime() + (3 - wd) * 86400e3);
  const jan1 = Date.UTC(thu.getUTCFullYear(), 0, 1);
  const week = Math.floor((thu.getTime() - jan1) / 86400e3 / 7) + 1;
  return `${thu.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

let units = []; // {id, code, parent (id)}
let state = new Map(); // complaint id → what the indicators read of it
const own = new Map(); // id → true: taken further than intake (its detail is read)
const ids = [];

async function paged(path) {
  const out = [];
  let cursor = null;
  do {
    const r = await srv.as('admin', 'GET', `${path}${path.includes('?') ? '&' : '?'}limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, describe(r));
    out.push(...r.json.items);
    cursor = r.json.next_cursor;
  } while (cursor);
  return out;
}

// Runs fn over xs with k at a time.
async function pool(xs, k, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: k }, async () => {
    while (next < xs.length) {
      const i = next++;
      await fn(xs[i], i);
    }
  }));
}

const CLOSE_VALID = {
  nature: 'valid', cause: '服务不到位', responsibility: 'company', responsible_unit: 'SH-PD-01',
  responsible_person: '加油员 李强', corrective_action: '班前会通报',
};
const ANSWERS = {
  valid: { answer: '已当场致歉', ...CLOSE_VALID, responsibility: 'customer' },
  invalid: { answer: '已向客户说明', nature: 'invalid', explanation: '与本站无关' },
  suggestion: { answer: '已记录建议', nature: 'suggestion', adoption: 'studying' },
};

srv.test(`${N} complaints with known outcomes`, { timeout: 3600e3 }, async () => {
  const u = await srv.as('admin', 'GET', '/units');
  units = u.json.items.map((x) => ({ id: x.id, code: x.code, parent: x.parent?.id ?? x.parent ?? null }));
  const sites = u.json.items.filter((x) => x.type === 'site').map((x) => x.code);
  const cfg = await srv.config();
  const channels = cfg.channels.map((c) => c.code).filter((c) => c !== 'regulator' && c !== 'website');
  const leaves = [];
  const walk = (cs) => cs.forEach((c) => (c.children && c.children.length ? walk(c.children) : leaves.push(c.code)));
  walk(await srv.categories());
  const now = Date.now();
  const plans = Array.from({ length: N }, () => {
    const recent = rand() < 0.3;
    // Recent ones are answered within their limit, older ones after it.
    const at = recent ? now - rand() * 8 * 3600e3 : Date.parse('2026-06-01T00:00:00+08:00') + rand() * (now - 3 * 86400e3 - Date.parse('2026-06-01T00:00:00+08:00'));
    const appeal = rand() < 0.03;
    const r = rand();
    return {
      body: {
        received_at: rfc3339(new Date(at)), subject_unit: pick(sites), category: pick(leaves),
        channel: appeal ? 'regulator' : pick(channels), level: pick([1, 2, 3, 3]),
        ...(appeal ? { appeal_source: '12315' } : {}),
      },
      answer: appeal ? null : r < 0.3 ? 'valid' : r < 0.42 ? 'invalid' : r < 0.47 ? 'suggestion' : null,
    };
  });
  // In the order of receipt, as intake happens: a few days at a time.
  plans.sort((a, b) => Date.parse(a.body.received_at) - Date.parse(b.body.received_at));
  const answered = [], levels = [];
  await pool(plans, 8, async (p, i) => {
    const c = await srv.intake('agent1', p.body);
    ids[i] = c.id;
    levels[i] = c.level;
    if (!p.answer || c.level === 1) return; // a major case is closed by a manager: left open
    const r = await srv.act('agent1', c.id, 'answer', ANSWERS[p.answer]);
    // The pack's rules may have raised it to level 1 meanwhile (a manager's to close), or made it an
    // incident's member: left open then.
    if (r.status === 200) answered[i] = true;
    else assert.ok([403, 409].includes(r.status), `answer ${p.answer}: ${describe(r)}`);
  });
  // Some through the whole procedure: every revisit result, reopens, escalations, closes.
  // (Level 1 is answered by headquarters: left to the ordinary levels.)
  const open = ids.filter((_, i) => !answered[i] && levels[i] !== 1 && plans[i].body.channel !== 'regulator').slice(0, FLOWS);
  const ok = async (user, id, action, body) => (await srv.act(user, id, action, body)).status === 200;
  await pool(open, 4, async (id, i) => {
    own.set(id, true);
    if (!await ok('agent1', id, 'dispatch', { unit: 'SH-PD-01', note: '请核实' })) return;
    if (i % 7 === 0) {
      await ok('pd01', id, 'escalate', { reason: '需上级协调' });
      return;
    }
    const result = ['satisfied', 'basically_satisfied', 'dissatisfied', 'unreachable'][i % 4];
    const done = await ok('pd01', id, 'accept', {})
      && await ok('pd01', id, 'resolve', { resolution_type: 'solution', resolution: '已处理', nature: i % 5 === 0 ? 'invalid' : 'valid' })
      && await ok('agent1', id, 'reply', { method: 'phone', content: '已告知' })
      && await ok('agent1', id, 'revisit', { method: 'phone', result, ...(result === 'dissatisfied' ? { remarks: '不认可' } : {}) });
    if (!done) return;
    if (result === 'dissatisfied') {
      await ok('agent1', id, 'reopen', { reason: '客户不满意，再处理' });
    } else if (i % 3 === 0) {
      const c = await srv.get(id);
      await ok('agent1', id, 'close', c.nature === 'valid' ? CLOSE_VALID : { nature: 'invalid', explanation: '与本站无关' });
    }
  });
  assert.equal(ids.filter(Boolean).length, N);
});

// What the indicators read of every complaint, from the list (all of them)
// and the detail (the revisit, reopens and escalations) of those this test
// did not make and of those it took further than intake.
srv.test('the complaints as the API shows them', { timeout: 1800e3 }, async () => {
  const all = await paged('/complaints');
  const detailed = all.filter((c) => !ids.includes(c.id) || own.has(c.id));
  const detail = new Map();
  await pool(detailed, 8, async (c) => detail.set(c.id, await srv.get(c.id, 'admin')));
  state = new Map(all.map((c) => {
    const d = detail.get(c.id);
    return [c.id, {
      id: c.id, received_at: c.received_at, nature: c.nature || 'undecided', status: c.status,
      closed_at: c.closed_at ? Date.parse(c.closed_at) : 0,
      overall: c.deadlines?.overall ? Date.parse(c.deadlines.overall) : 0,
      first_contact: c.first_contact, channel: c.channel, category: c.category.code, level: c.level,
      unit: c.subject_unit.id, kind: c.kind || (d && d.kind) || 'complaint',
      revisit: d?.revisit?.result || '', reopens: d ? d.reopens : 0, escalations: d ? d.escalations : 0,
      // No sweep has run on this test's complaints (the server's sweeper is off): none is supervised.
      supervisions: d ? d.supervisions : 0,
      announcement: c.announcement || 0,
      unaccepted: d?.closing?.unaccepted === true,
    }];
  }));
  assert.ok(state.size >= N, `${state.size} complaints listed`);
  const mine = [...own.keys()].map((id) => state.get(id));
  assert.ok(mine.some((c) => c.reopens > 0) && mine.some((c) => c.escalations > 0), 'reopens and escalations made');
  assert.ok(mine.some((c) => c.revisit === 'unreachable'), 'every revisit result made');
});

// The indicators, written again from their definitions (core/report.h).
const closed = (c) => c.status === 'closed' || c.status === 'archived';
// A complaint about a known fault (announcement) is counted apart: in none of the facts about closing.
const closedValid = (c) => closed(c) && c.nature === 'valid' && !c.announcement;
const revisited = (c) => ['satisfied', 'basically_satisfied', 'dissatisfied'].includes(c.revisit);
const all = () => true;
function facts(nowMs) {
  return {
    received: [(c) => true],
    valid: [(c) => c.nature === 'valid'],
    invalid: [(c) => c.nature === 'invalid'],
    suggestion: [(c) => c.nature === 'suggestion'],
    open: [(c) => !closed(c)],
    closed: [closed],
    overdue: [(c) => !c.announcement && c.overall > 0 && ((!closed(c) && c.overall < nowMs) || (closed(c) && c.closed_at > c.overall))],
    on_time_rate: [(c) => closedValid(c) && (!c.overall || c.closed_at <= c.overall), closedValid],
    first_contact_rate: [(c) => closedValid(c) && c.first_contact, closedValid],
    satisfaction_rate: [(c) => ['satisfied', 'basically_satisfied'].includes(c.revisit), revisited],
    reopen_rate: [(c) => c.reopens > 0, all],
    escalation_rate: [(c) => c.escalations > 0, all],
    appeal_rate: [(c) => c.kind === 'appeal', all],
    supervision_rate: [(c) => c.supervisions > 0, all],
    fault: [(c) => c.announcement > 0],
    closed_unaccepted: [(c) => c.unaccepted],
  };
}

// The unit of the roll-up below root holding unit u: [code, unit_only].
function rollup(root, u) {
  if (u === root) return [units.find((x) => x.id === u).code, true];
  let x = units.find((y) => y.id === u);
  while (x && x.parent && x.parent !== root) x = units.find((y) => y.id === x.parent);
  return [x.code, false];
}
const within = (u, root) => {
  for (let x = units.find((y) => y.id === u); x; x = units.find((y) => y.id === x.parent)) if (x.id === root) return true;
  return false;
};

function expected(id, { groupBy = [], period = null, unit = null }, nowMs) {
  const [num, den] = facts(nowMs)[id];
  const root = unit ? units.find((x) => x.code === unit).id : units.find((x) => !x.parent).id;
  const cells = new Map();
  const total = { n: 0, d: 0 };
  for (const c of state.values()) {
    if (Date.parse(c.received_at) < Date.parse(`${FROM}T00:00:00+08:00`) || !within(c.unit, root)) continue;
    if (!(den || num)(c)) continue;
    const g = {};
    if (period) g.period = periodKey(period, c.received_at);
    for (const dim of groupBy) {
      if (dim === 'unit') {
        const [code, only] = rollup(root, c.unit);
        g.unit = code;
        if (only) g.unit_only = true;
      } else {
        g[dim] = c[dim];
      }
    }
    const key = JSON.stringify(Object.keys(g).sort().map((k) => [k, g[k]]));
    const cell = cells.get(key) || { group: g, n: 0, d: 0 };
    cell.d++;
    total.d++;
    if (num(c)) { cell.n++; total.n++; }
    cells.set(key, cell);
  }
  return { cells, total };
}

const keyOf = (g) => JSON.stringify(Object.keys(g).sort().map((k) => [k, g[k]]));

function query({ groupBy = [], period = null, unit = null }) {
  const q = new URLSearchParams({ from: FROM, to: TO });
  if (groupBy.length) q.set('group_by', groupBy.join(','));
  if (period) q.set('period', period);
  if (unit) q.set('unit', unit);
  return q;
}

const CUTS = [
  {}, { groupBy: ['unit'] }, { groupBy: ['category'] }, { groupBy: ['channel'] }, { groupBy: ['level'] },
  { groupBy: ['nature'] }, { groupBy: ['unit', 'channel'] }, { groupBy: ['category', 'level'] },
  { period: 'month' }, { period: 'week', groupBy: ['nature'] }, { period: 'quarter', groupBy: ['unit'] },
  { period: 'day' }, { period: 'year' }, { unit: 'SH', groupBy: ['unit'] }, { unit: 'SH-PD', groupBy: ['unit', 'level'] },
];

srv.test('every indicator, cut every way, equals the computation from the complaints', { timeout: 1800e3 }, async () => {
  const list = await srv.as('admin', 'GET', '/reports');
  assert.equal(list.status, 200, describe(list));
  const catalogue = list.json.items.map((x) => x.id);
  assert.deepEqual(catalogue.slice().sort(), Object.keys(facts(0)).sort(), 'the catalogue is the indicators computed here');
  for (const id of catalogue) {
    for (const cut of CUTS) {
      const r = await srv.as('admin', 'GET', `/reports/${id}?${query(cut)}`);
      assert.equal(r.status, 200, describe(r));
      const want = expected(id, cut, Date.now());
      const rate = r.json.indicator.kind === 'rate';
      const what = `${id} ${JSON.stringify(cut)}`;
      assert.equal(r.json.total.numerator, want.total.n, `${what}: total numerator`);
      assert.equal(r.json.total.denominator, rate ? want.total.d : null, `${what}: total denominator`);
      const got = new Map(r.json.items.map((it) => [keyOf(it.group), it]));
      assert.deepEqual([...got.keys()].sort(), [...want.cells.keys()].sort(), `${what}: the cells`);
      for (const [k, cell] of want.cells) {
        const it = got.get(k);
        assert.equal(it.numerator, cell.n, `${what} ${k}: numerator`);
        if (rate) {
          assert.equal(it.denominator, cell.d, `${what} ${k}: denominator`);
          assert.ok(Math.abs(it.value - cell.n / cell.d) < 1e-12, `${what} ${k}: value ${it.value}`);
        } else {
          assert.equal(it.denominator, null, `${what}: a count has no denominator`);
          assert.equal(it.value, cell.n, `${what} ${k}: value`);
        }
      }
    }
  }
});

srv.test('random cells of random reports: the number is the total of its drill-down list', { timeout: 1800e3 }, async () => {
  const ids_ = Object.keys(facts(0));
  for (let k = 0; k < 60; k++) {
    const id = pick(ids_);
    const cut = pick(CUTS);
    const r = await srv.as('admin', 'GET', `/reports/${id}?${query(cut)}`);
    assert.equal(r.status, 200, describe(r));
    if (!r.json.items.length) continue;
    const it = pick(r.json.items);
    const parts = r.json.indicator.kind === 'rate' ? ['numerator', 'denominator'] : ['numerator'];
    for (const part of parts) {
      const q = query(cut);
      for (const [key, v] of Object.entries(it.group)) q.set(key, String(v));
      q.set('part', part);
      q.set('limit', '200');
      const d = await srv.as('admin', 'GET', `/reports/${id}/complaints?${q}`);
      assert.equal(d.status, 200, describe(d));
      assert.equal(d.json.total, it[part], `${id} ${q}: the drill-down's total`);
      if (it[part] <= 200) {
        const listed = await paged(`/reports/${id}/complaints?${q.toString().replace(/&limit=200/, '')}`);
        assert.equal(listed.length, it[part], `${id} ${q}: the pages hold the total`);
        assert.equal(new Set(listed.map((c) => c.id)).size, listed.length, 'no complaint twice');
      }
    }
  }
});

// A fresh unit of a day of its own keeps the scenarios apart from the data above.
const DAY = '2025-03-04';
const AT = '2025-03-04T10:00:00+08:00';
async function rate(id, extra = '') {
  const r = await srv.as('admin', 'GET', `/reports/${id}?from=${DAY}&to=${DAY}&unit=SH-MH-03${extra}`);
  assert.equal(r.status, 200, describe(r));
  return r.json.total;
}

srv.test('an invalid complaint shows as invalid and leaves the on-time rate alone', async () => {
  const before = await rate('on_time_rate');
  const inv = await rate('invalid');
  const c = await srv.intake('agent1', { received_at: AT, subject_unit: 'SH-MH-03', level: 3 });
  await srv.step('agent1', c.id, 'answer', ANSWERS.invalid);
  assert.equal((await rate('invalid')).value, inv.value + 1, 'counted as invalid');
  assert.deepEqual(await rate('on_time_rate'), before, 'the on-time rate is unchanged');
  const v = await srv.intake('agent1', { received_at: AT, subject_unit: 'SH-MH-03', level: 3 });
  await srv.step('agent1', v.id, 'answer', ANSWERS.valid);
  const after = await rate('on_time_rate');
  assert.equal(after.denominator, before.denominator + 1, 'a valid one enters the denominator');
});

srv.test('a reopen raises the reopen rate', async () => {
  const c = await srv.intake('agent1', { received_at: AT, subject_unit: 'SH-MH-03', level: 3 });
  const before = await rate('reopen_rate');
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01', note: '请核实' });
  await srv.step('pd01', c.id, 'accept', {});
  await srv.step('pd01', c.id, 'resolve', { resolution_type: 'solution', resolution: '已处理', nature: 'valid' });
  await srv.step('agent1', c.id, 'reply', { method: 'phone', content: '已告知' });
  await srv.step('agent1', c.id, 'revisit', { method: 'phone', result: 'dissatisfied', remarks: '不认可' });
  const mid = await rate('reopen_rate');
  assert.equal(mid.numerator, before.numerator, 'not before the reopen');
  await srv.step('agent1', c.id, 'reopen', { reason: '客户不满意' });
  const after = await rate('reopen_rate');
  assert.equal(after.numerator, before.numerator + 1);
  assert.equal(after.denominator, before.denominator);
  assert.ok(after.value > (before.value ?? 0), `the rate rises: ${before.value} → ${after.value}`);
  const sat = await rate('satisfaction_rate');
  assert.equal(sat.denominator, 1, 'the dissatisfied revisit is in the satisfaction denominator');
  assert.equal(sat.numerator, 0);
});

srv.test('a breached deadline\'s supervision raises the supervision rate', async () => {
  const before = await rate('supervision_rate');
  await srv.intake('agent1', { received_at: AT, subject_unit: 'SH-MH-03', level: 3 });
  // Two days later every clock of that day's open complaints has run out (and nothing of the data above is due yet).
  const sweep = await runCli(['sweep', '--db', srv.dbUrl, '--now', '2025-03-06T12:00:00+08:00'], { timeoutMs: 120e3 });
  assert.equal(sweep.code, 0, sweep.stdout + sweep.stderr);
  const after = await rate('supervision_rate');
  const day = await srv.as('admin', 'GET', `/reports/received/complaints?from=${DAY}&to=${DAY}&unit=SH-MH-03&limit=200`);
  let supervised = 0;
  for (const c of day.json.items) if ((await srv.get(c.id, 'admin')).supervisions > 0) supervised++;
  assert.ok(supervised > 0, 'the sweep supervised the open ones');
  assert.equal(after.numerator, supervised, 'the complaints supervised, as their details say');
  assert.equal(after.denominator, before.denominator + 1);
  assert.ok(after.value > (before.value ?? 0));
});

srv.test('bad and unknown parameters are refused, naming them; an unknown indicator is 404', async () => {
  const cases = [
    ['/reports/received?from=2026-01-01&to=2026-01-31&colour=red', 400, 'colour'],
    ['/reports/received?to=2026-01-31', 400, 'from'],
    ['/reports/received?from=2026-01-01', 400, 'to'],
    ['/reports/received?from=2026-02-30&to=2026-03-01', 400, 'from'],
    ['/reports/received?from=2026-03-01&to=2026-02-01', 400, 'to'],
    ['/reports/received?from=2026-01-01&to=2026-01-31&group_by=colour', 400, 'group_by'],
    ['/reports/received?from=2026-01-01&to=2026-01-31&group_by=unit,channel,level', 400, 'group_by'],
    ['/reports/received?from=2026-01-01&to=2026-01-31&group_by=unit,unit', 400, 'group_by'],
    ['/reports/received?from=2026-01-01&to=2026-01-31&period=fortnight', 400, 'period'],
    ['/reports/received?from=2026-01-01&to=2026-01-31&unit=NOPE', 400, 'unit'],
    ['/reports/received?from=2026-01-01&to=2026-01-31&channel=pigeon', 400, 'channel'],
    ['/reports/received?from=2026-01-01&to=2026-01-31&level=7', 400, 'level'],
    ['/reports/received?from=2026-01-01&to=2026-01-31&nature=odd', 400, 'nature'],
    ['/reports/received?from=2026-01-01&to=2026-01-31&format=pdf', 400, 'format'],
    ['/reports/received/complaints?from=2026-01-01&to=2026-01-31&part=denominator', 400, 'part'],
    ['/reports/received/complaints?from=2026-01-01&to=2026-01-31&period=2026-13', 400, 'period'],
    ['/reports/received/complaints?from=2026-01-01&to=2026-01-31&limit=0', 400, 'limit'],
    ['/reports/no_such?from=2026-01-01&to=2026-01-31', 404, undefined],
  ];
  for (const [p, status, field] of cases) {
    const r = await srv.as('admin', 'GET', p);
    assert.equal(r.status, status, `${p}: ${describe(r)}`);
    if (field) assert.equal(errorOf(r).field, field, `${p}: ${describe(r)}`);
  }
});

srv.test('the scope: a region supervisor sees only the region; a unit outside it is refused', async () => {
  const r = await srv.as('pdmgr', 'GET', `/reports/received?from=${FROM}&to=${TO}&group_by=unit`);
  assert.equal(r.status, 200, describe(r));
  const me = await srv.as('pdmgr', 'GET', '/auth/me');
  const root = me.json.unit.id;
  const want = expected('received', { groupBy: ['unit'], unit: me.json.unit.code }, Date.now());
  assert.equal(r.json.total.numerator, want.total.n, 'only the complaints of the scope');
  const outside = units.find((u) => !within(u.id, root) && !within(root, u.id));
  if (outside) {
    const o = await srv.as('pdmgr', 'GET', `/reports/received?from=${FROM}&to=${TO}&unit=${outside.code}`);
    assert.equal(o.status, 403, describe(o));
    assert.equal(errorOf(o).field, 'unit');
    // The auditors see the attempt.
    const log = await srv.as('admin', 'GET', '/audit?action=denied&user=pdmgr');
    assert.equal(log.status, 200, describe(log));
    const entry = log.json.items.find((x) => x.detail?.reason === 'reach' && x.detail?.unit === outside.code);
    assert.ok(entry, `a denied entry naming ${outside.code}: ${JSON.stringify(log.json.items.slice(0, 3))}`);
    assert.equal(entry.detail.field, 'unit');
  }
  const agent = await srv.as('agent1', 'GET', `/reports`);
  assert.equal(agent.status, 403, 'an agent reads no reports');
});

srv.test('CSV and XLSX: the same table as files; the CLI gives the same numbers', async () => {
  const q = `from=${FROM}&to=${TO}&group_by=channel`;
  const j = await srv.as('admin', 'GET', `/reports/on_time_rate?${q}`);
  const csv = await srv.as('admin', 'GET', `/reports/on_time_rate?${q}&format=csv`);
  assert.equal(csv.status, 200, describe(csv));
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /on_time_rate-2026-01-01\.csv/);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(lines.length, j.json.items.length + 2, 'a heading, a row a cell, a total');
  assert.match(lines[0], /按时办结率/);
  assert.match(lines.at(-1), new RegExp(`^合计.*,${j.json.total.numerator},${j.json.total.denominator}$`));
  const x = await getBytes(srv, 'admin', `/reports/on_time_rate?${q}&format=xlsx`);
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  const [table, notes] = readXlsx(x.bytes).sheets;
  assert.equal(table.name, '按时办结率');
  assert.ok(table.frozen, 'the heading row stays in view');
  assert.equal(table.rows.length, lines.length, 'the rows of the CSV');
  assert.equal(table.rows.at(-1).at(-2), j.json.total.numerator, 'numbers as numbers');
  assert.match(table.formats[1].at(-3) || '', /%/, 'the rate shown as a percentage');
  assert.ok(notes && notes.rows.some((row) => String(row[1]).includes('无效投诉')), 'the definition sheet states the formula');
  const cli = await runCli(['report', 'on_time_rate', '--db', srv.dbUrl, '--from', FROM, '--to', TO, '--group-by', 'channel']);
  assert.equal(cli.code, 0, cli.stderr);
  const out = JSON.parse(cli.stdout);
  assert.deepEqual(out.total, j.json.total, 'the command line counts as the API does');
  const bad = await runCli(['report', 'on_time_rate', '--db', srv.dbUrl, '--from', FROM, '--to', TO, '--group-by', 'colour']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /group_by/);
});
