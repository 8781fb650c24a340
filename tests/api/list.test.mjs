// The complaint list: filters, sort orders and cursor pagination. The tests
// give their own complaints one phone number and filter on it, so demo data
// (and, on a shared database, other tests) do not disturb them.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, rfc3339, localDate, uniquePhone, ON_SPOT_VALID } from './lib.mjs';

const srv = useServer();

const DAY = 86400e3;
const phone = uniquePhone();
const made = {}; // name → complaint (as last seen)

async function list(query, user = 'agent1') {
  const r = await srv.as(user, 'GET', `/complaints?${query}`);
  assert.equal(r.status, 200, `GET /complaints?${query}: ${describe(r)}`);
  assert.ok(Array.isArray(r.json.items), 'items');
  assert.ok('next_cursor' in r.json, 'next_cursor present (null on the last page)');
  return r.json;
}

// All pages of a query (limit 200), as ids.
async function allIds(query) {
  const ids = [];
  let cursor = null;
  for (let i = 0; i < 1000; i++) {
    const page = await list(`${query}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    ids.push(...page.items.map((x) => x.id));
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return ids;
}

async function mineIds(extra) {
  return new Set(await allIds(`phone=${encodeURIComponent(phone)}${extra ? `&${extra}` : ''}`));
}

function idsOf(...names) {
  return new Set(names.map((n) => made[n].id));
}

srv.test('setup: a set of complaints with one phone number', async () => {
  const cfg = await srv.config();
  const channels = cfg.channels.map((c) => c.code);
  assert.ok(channels.includes('phone'));
  const other = channels.find((c) => c !== 'phone' && c !== 'website') || 'website';
  const now = Date.now();
  const mk = async (name, over, user = 'agent1') => {
    made[name] = await srv.intake(user, { customer: { phone }, ...over });
  };
  await mk('fuel_old', { category: 'quality.fuel', level: 2, received_at: rfc3339(new Date(now - 10 * DAY)), channel: 'phone' });
  await mk('qty_mid', { category: 'quality.quantity', level: 1, received_at: rfc3339(new Date(now - 3 * DAY)), channel: other });
  await mk('attitude_new', { category: 'service.attitude', level: 3, channel: 'phone' });
  await mk('answered', { category: 'service.attitude', level: 3, channel: 'phone' });
  await mk('pd02', { category: 'service.attitude', level: 3, subject_unit: 'SH-PD-02', channel: other });
  await mk('mh', { category: 'service.attitude', level: 2, subject_unit: 'SH-MH-01', channel: 'phone' });
  for (let i = 0; i < 6; i++) await mk(`extra${i}`, { level: 3, description: `分页测试 ${i}` });

  made.qty_mid = await srv.step('agent1', made.qty_mid.id, 'dispatch', { unit: 'SH-PD-01' });
  made.qty_mid = await srv.step('pd01', made.qty_mid.id, 'accept', {});
  made.pd02 = await srv.step('agent1', made.pd02.id, 'dispatch', { unit: 'SH-PD-02' });
  made.mh = await srv.step('agent1', made.mh.id, 'dispatch', { unit: 'SH-MH-01' });
  made.answered = await srv.step('agent1', made.answered.id, 'answer', { answer: '当场解释', ...ON_SPOT_VALID });
  assert.equal(made.answered.status, 'closed');
});

srv.test('phone filter: exactly our complaints', async () => {
  const ids = await mineIds();
  assert.deepEqual(ids, new Set(Object.values(made).map((c) => c.id)));
  const none = await list(`phone=${encodeURIComponent(`${phone}9`)}`);
  assert.equal(none.items.length, 0, 'exact match, not prefix');
});

srv.test('summaries carry the list fields but not description, demand or result blocks', async () => {
  const page = await list(`phone=${encodeURIComponent(phone)}&limit=50`);
  for (const s of page.items) {
    for (const k of ['id', 'number', 'status', 'stage', 'level', 'channel', 'received_at', 'owner_unit', 'subject_unit', 'category', 'deadlines', 'version']) {
      assert.ok(k in s, `summary has ${k}: ${JSON.stringify(s)}`);
    }
    for (const k of ['description', 'demand', 'resolution', 'reply', 'revisit', 'closing']) {
      assert.ok(!(k in s), `summary has no ${k}`);
    }
  }
});

srv.test('status filter: a status, and open = not closed or archived', async () => {
  const open = await mineIds('status=open');
  assert.deepEqual(open, new Set(Object.values(made).filter((c) => c.id !== made.answered.id).map((c) => c.id)));
  assert.deepEqual(await mineIds('status=closed'), idsOf('answered'));
  assert.deepEqual(await mineIds('status=processing'), idsOf('qty_mid'));
  assert.deepEqual(await mineIds('status=dispatched'), idsOf('pd02', 'mh'));
  const reg = await mineIds('status=registered');
  assert.deepEqual(reg, idsOf('fuel_old', 'attitude_new', ...[0, 1, 2, 3, 4, 5].map((i) => `extra${i}`)));
  assert.deepEqual(await mineIds('stage=handle'), idsOf('qty_mid', 'pd02', 'mh'));
  assert.deepEqual(await mineIds('stage=dispatch'), reg);
  // Across the whole database: open has no closed or archived complaint.
  const all = await list('status=open&limit=200');
  for (const s of all.items) assert.ok(!['closed', 'archived'].includes(s.status), `open list shows ${s.number} ${s.status}`);
});

srv.test('owner_unit filter includes the unit\'s subtree', async () => {
  const pd01 = await srv.unit('SH-PD-01');
  const units = await srv.units();
  const region = units.find((u) => u.id === pd01.parent);
  const regionCodes = await srv.subtreeCodes(region.code);
  assert.ok(regionCodes.has('SH-PD-01'));
  const expected = new Set(Object.values(made).filter((c) => regionCodes.has(c.owner_unit.code)).map((c) => c.id));
  assert.ok(expected.has(made.qty_mid.id));
  assert.deepEqual(await mineIds(`owner_unit=${region.code}`), expected, `owner_unit=${region.code} (region of SH-PD-01)`);
  assert.deepEqual(await mineIds(`owner_unit=${region.id}`), expected, 'owner_unit by id');
  assert.deepEqual(await mineIds('owner_unit=SH-PD-01'), idsOf('qty_mid'));
  const mhCodes = await srv.subtreeCodes('SH-MH-01');
  assert.deepEqual(await mineIds(`owner_unit=${[...mhCodes][0]}`), new Set(Object.values(made).filter((c) => mhCodes.has(c.owner_unit.code)).map((c) => c.id)));
  // The branch includes everything we made (the centre and the stations are below it).
  const shCodes = await srv.subtreeCodes('SH');
  assert.deepEqual(await mineIds('owner_unit=SH'), new Set(Object.values(made).filter((c) => shCodes.has(c.owner_unit.code)).map((c) => c.id)));
  assert.deepEqual(await mineIds('owner_unit=SH-CSC'), new Set(Object.values(made).filter((c) => c.owner_unit.code === 'SH-CSC').map((c) => c.id)));
});

srv.test('subject_unit filter', async () => {
  assert.deepEqual(await mineIds('subject_unit=SH-PD-02'), idsOf('pd02'));
  assert.deepEqual(await mineIds('subject_unit=SH-MH-01'), idsOf('mh'));
});

srv.test('channel filter', async () => {
  const otherChannel = made.qty_mid.channel;
  assert.notEqual(otherChannel, 'phone');
  assert.deepEqual(await mineIds(`channel=${otherChannel}`), idsOf('qty_mid', 'pd02'));
  const ph = await mineIds('channel=phone');
  assert.equal(ph.size, Object.keys(made).length - 2);
});

srv.test('category filter: a parent code includes its children', async () => {
  const cats = await srv.categories();
  const quality = cats.find((c) => (c.children || []).some((k) => k.code === 'quality.fuel'));
  assert.ok(quality, 'quality.fuel has a parent in the tree');
  assert.ok(quality.children.some((k) => k.code === 'quality.quantity'), 'quality.quantity under the same parent');
  assert.deepEqual(await mineIds(`category=${quality.code}`), idsOf('fuel_old', 'qty_mid'));
  assert.deepEqual(await mineIds('category=quality.fuel'), idsOf('fuel_old'));
  const service = cats.find((c) => (c.children || []).some((k) => k.code === 'service.attitude'));
  const svc = await mineIds(`category=${service.code}`);
  assert.ok(!svc.has(made.fuel_old.id) && !svc.has(made.qty_mid.id));
  assert.ok(svc.has(made.attitude_new.id));
});

srv.test('level filter', async () => {
  // Grading rules may raise a level at intake (e.g. several quality
  // complaints at one station), so expect what the server reported.
  const fresh = await Promise.all(Object.values(made).map((c) => srv.get(c.id)));
  for (const level of [1, 2, 3]) {
    const expected = new Set(fresh.filter((c) => c.level === level).map((c) => c.id));
    assert.deepEqual(await mineIds(`level=${level}`), expected, `level=${level}`);
  }
  assert.equal(fresh.find((c) => c.id === made.mh.id).level, 2, 'the level given at intake is kept');
  assert.equal(fresh.find((c) => c.id === made.qty_mid.id).level, 1);
});

srv.test('from/to filter on received_at (RFC 3339 and YYYY-MM-DD)', async () => {
  const now = Date.now();
  const d5 = localDate(new Date(now - 5 * DAY));
  const d1 = localDate(new Date(now - 1 * DAY));
  const recent = new Set(Object.values(made).filter((c) => c.id !== made.fuel_old.id).map((c) => c.id));
  assert.deepEqual(await mineIds(`from=${d5}`), recent, `from=${d5}`);
  assert.deepEqual(await mineIds(`to=${d5}`), idsOf('fuel_old'), `to=${d5}`);
  assert.deepEqual(await mineIds(`from=${d5}&to=${d1}`), idsOf('qty_mid'), `from=${d5}&to=${d1}`);
  const f = encodeURIComponent(rfc3339(new Date(now - 4 * DAY)));
  const t = encodeURIComponent(rfc3339(new Date(now - 2 * DAY)));
  assert.deepEqual(await mineIds(`from=${f}&to=${t}`), idsOf('qty_mid'), 'RFC 3339 bounds');
});

srv.test('filters combine', async () => {
  assert.deepEqual(await mineIds(`status=open&owner_unit=SH-PD-01&category=${made.qty_mid.category.code}`), idsOf('qty_mid'));
  assert.deepEqual(await mineIds('status=open&channel=phone&category=service.attitude&level=2'), idsOf('mh'));
});

srv.test('sort=deadline: nearest stage deadline first', async () => {
  const page = await list(`phone=${encodeURIComponent(phone)}&status=open&sort=deadline&limit=200`);
  const ds = page.items.map((s) => Date.parse(s.deadlines.stage));
  assert.ok(ds.every((d) => !Number.isNaN(d)), 'open complaints have a stage deadline');
  for (let i = 1; i < ds.length; i++) {
    assert.ok(ds[i] >= ds[i - 1], `sorted by deadline: ${page.items.map((s) => `${s.number}@${s.deadlines.stage}`).join(', ')}`);
  }
  // The one registered 10 days ago and never dispatched is long overdue: it comes first.
  assert.equal(page.items[0].id, made.fuel_old.id);
  // Paging in deadline order gives the same order.
  const paged = [];
  let cursor = null;
  do {
    const p = await list(`phone=${encodeURIComponent(phone)}&status=open&sort=deadline&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    paged.push(...p.items.map((s) => s.id));
    cursor = p.next_cursor;
  } while (cursor && paged.length < 100);
  assert.deepEqual(paged, page.items.map((s) => s.id));
});

srv.test('default sort: newest first', async () => {
  const page = await list(`phone=${encodeURIComponent(phone)}&limit=200`);
  const cs = page.items.map((s) => Date.parse(s.created_at ?? s.received_at));
  for (let i = 1; i < cs.length; i++) assert.ok(cs[i] <= cs[i - 1], 'created newest first');
  // The last one made is first.
  assert.equal(page.items[0].id, made.extra5.id);
  const explicit = await list(`phone=${encodeURIComponent(phone)}&sort=created&limit=200`);
  assert.deepEqual(explicit.items.map((s) => s.id), page.items.map((s) => s.id));
});

srv.test('overdue filter', async () => {
  const ids = await mineIds('overdue=true');
  assert.ok(ids.has(made.fuel_old.id), 'a complaint received 10 days ago and never dispatched is overdue');
  const c = await srv.get(made.fuel_old.id);
  assert.equal(c.overdue, true, 'and says so');
  assert.ok(!ids.has(made.extra5.id), 'a fresh complaint is not overdue');
});

srv.test('cursor pagination with limit=5 over our complaints: 5, 5, 2, then null', async () => {
  const seen = [];
  let cursor = null;
  const sizes = [];
  for (let i = 0; i < 10; i++) {
    const p = await list(`phone=${encodeURIComponent(phone)}&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    sizes.push(p.items.length);
    seen.push(...p.items.map((s) => s.id));
    cursor = p.next_cursor;
    if (cursor === null) break;
    assert.equal(typeof cursor, 'string');
  }
  assert.equal(cursor, null, 'ends with next_cursor null');
  assert.equal(seen.length, new Set(seen).size, 'no duplicates');
  assert.deepEqual(new Set(seen), new Set(Object.values(made).map((c) => c.id)), 'no gaps');
  assert.deepEqual(sizes.slice(0, 2), [5, 5]);
  assert.equal(sizes.reduce((a, b) => a + b, 0), Object.keys(made).length);
});

srv.test('cursor pagination with limit=5 over the whole list walks every complaint once', async () => {
  const snapshot = new Set(await allIds('sort=created'));
  assert.ok(snapshot.size > 12, `demo data plus ours: ${snapshot.size}`);
  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const p = await list(`limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.ok(p.items.length <= 5, 'at most limit items');
    if (p.next_cursor) assert.equal(p.items.length, 5, 'a non-last page is full');
    seen.push(...p.items.map((s) => s.id));
    cursor = p.next_cursor;
    pages++;
  } while (cursor && pages < 2000);
  assert.equal(cursor, null);
  assert.equal(seen.length, new Set(seen).size, 'no duplicates across pages');
  for (const id of snapshot) assert.ok(seen.includes(id), `complaint ${id} not missed`);
});

srv.test('limit bounds and malformed parameters', async () => {
  const one = await list('limit=1');
  assert.equal(one.items.length, 1);
  const def = await list('');
  assert.ok(def.items.length <= 50, 'default limit 50');
  for (const q of ['limit=abc', 'from=notadate', 'cursor=garbage!!', 'sort=sideways', 'level=x']) {
    const r = await srv.as('agent1', 'GET', `/complaints?${q}`);
    assert.equal(r.status, 400, `${q}: ${describe(r)}`);
    assert.equal(errorOf(r).code, 'bad_request');
  }
  for (const q of ['limit=0', 'limit=201']) {
    const r = await srv.as('agent1', 'GET', `/complaints?${q}`);
    if (r.status === 200) assert.ok(r.json.items.length >= 1 && r.json.items.length <= 200, `${q} clamped`);
    else assert.equal(r.status, 400, `${q}: ${describe(r)}`);
  }
});

srv.test('a handler sees only complaints of their unit\'s subtree', async () => {
  // Design §7: RBAC is role × unit scope (own unit and its subtree).
  const pdMine = new Set((await list(`phone=${encodeURIComponent(phone)}&limit=200`, 'pd01')).items.map((s) => s.id));
  assert.ok(pdMine.has(made.qty_mid.id), 'pd01 sees its own complaint');
  assert.ok(!pdMine.has(made.pd02.id), 'pd01 does not see SH-PD-02\'s complaint');
  const r = await srv.as('pd01', 'GET', `/complaints/${made.pd02.id}`);
  assert.equal(r.status, 404, `pd01 reading SH-PD-02's complaint: ${describe(r)}`);
});

srv.test('total=true counts every match over the pages; a bad value is refused', async () => {
  const all = await allIds(`phone=${encodeURIComponent(phone)}&status=`);
  const r = await list(`phone=${encodeURIComponent(phone)}&limit=2&total=true`);
  assert.equal(r.total, all.length, 'the count of the filters, not of the page');
  assert.equal(r.items.length, 2);
  assert.ok(!('total' in (await list(`phone=${encodeURIComponent(phone)}&limit=2`))), 'only when asked');
  const bad = await srv.as('agent1', 'GET', '/complaints?total=yes');
  assert.equal(bad.status, 400, describe(bad));
  assert.equal(errorOf(bad).field, 'total');
});
