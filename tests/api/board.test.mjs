// The supervisor board in one call (GET /api/v1/board): the overview and the
// overdue, warning, unassigned and pending-extension lists, each scoped to
// the caller's units; the list's `extension=requested` filter behind it.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, rfc3339 } from './lib.mjs';

const srv = useServer();

// A complaint in handling at SH-PD-01 whose handler asked for more time.
async function extensionAsked(reason) {
  let c = await srv.intake('agent1');
  c = await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  c = await srv.step('pd01', c.id, 'accept', {});
  const handle = c.clocks.find((k) => k.name === 'handle' && !k.ended_at);
  const want = rfc3339(new Date(Date.parse(handle.deadline) + 2 * 86400e3));
  return srv.step('pd01', c.id, 'request_extension', { deadline: want, reason });
}

const numbers = (sec) => sec.items.map((c) => c.number);

srv.test('one call gives the overview and every list; a pending extension is on it until decided', async () => {
  const c = await extensionAsked('需第三方油品检测');
  const r = await srv.as('super1', 'GET', '/board');
  assert.equal(r.status, 200, describe(r));
  const b = r.json;
  assert.equal(typeof b.stats.open, 'number');
  assert.equal(b.stats.days.length, 30);
  for (const k of ['overdue', 'warning', 'queue', 'extensions']) {
    assert.ok(Array.isArray(b[k].items), k);
    assert.equal(typeof b[k].more, 'boolean', k);
  }
  assert.ok(b.queue.items.every((x) => x.status === 'registered' && 'route_unit' in x), 'the queue: unassigned, with the suggested unit');
  assert.ok(b.overdue.items.every((x) => x.overdue), 'the overdue list');
  const mine = b.extensions.items.find((x) => x.id === c.id);
  assert.ok(mine, `the request is listed: ${numbers(b.extensions)}`);
  assert.equal(mine.extension.status, 'requested');
  assert.equal(mine.extension.reason, '需第三方油品检测');
  assert.ok(mine.extension.deadline && mine.extension.old_deadline, JSON.stringify(mine.extension));
  assert.ok(b.extensions.items.every((x) => x.extension?.status === 'requested'), 'only requests awaiting a decision');
  // the customer's data is masked as in any list
  assert.ok(!String(mine.customer?.phone || '').match(/^\d{11}$/), JSON.stringify(mine.customer));

  await srv.step('super1', c.id, 'approve_extension', {});
  const again = await srv.as('super1', 'GET', '/board');
  assert.ok(!again.json.extensions.items.some((x) => x.id === c.id), 'a decided request leaves the board');
});

srv.test('the board is scoped to the caller\'s units', async () => {
  const c = await extensionAsked('等待厂家鉴定');
  const pd = await srv.as('pdmgr', 'GET', '/board');
  assert.equal(pd.status, 200, describe(pd));
  assert.ok(pd.json.extensions.items.some((x) => x.id === c.id), 'the district that owns it sees it');
  const mh = await srv.as('mhmgr', 'GET', '/board');
  assert.equal(mh.status, 200, describe(mh));
  assert.ok(!mh.json.extensions.items.some((x) => x.id === c.id), 'another district does not');
  const units = await srv.subtreeCodes('SH-MH');
  for (const k of ['overdue', 'warning', 'queue', 'extensions'])
    for (const x of mh.json[k].items)
      assert.ok([x.owner_unit?.code, x.subject_unit?.code].some((u) => units.has(u)), `${k}: ${x.number} is SH-MH's`);
});

srv.test('who may read the board, and what it refuses', async () => {
  assert.equal((await srv.as('agent1', 'GET', '/board')).status, 403);
  assert.equal((await srv.as('pd01', 'GET', '/board')).status, 403);
  const bad = await srv.as('super1', 'GET', '/board?limit=5');
  assert.equal(bad.status, 400, describe(bad));
  assert.equal(errorOf(bad).field, 'limit');
});

srv.test('the list filters on a pending extension request', async () => {
  const c = await extensionAsked('客户要求书面答复');
  const r = await srv.as('super1', 'GET', '/complaints?extension=requested&limit=200');
  assert.equal(r.status, 200, describe(r));
  assert.ok(r.json.items.some((x) => x.id === c.id), 'listed');
  for (const x of r.json.items) {
    const full = await srv.get(x.id, 'super1');
    assert.equal(full.extension?.status, 'requested', x.number);
  }
  const bad = await srv.as('super1', 'GET', '/complaints?extension=approved');
  assert.equal(bad.status, 400, describe(bad));
  assert.equal(errorOf(bad).field, 'extension');
});

srv.test('a scope\'s last 30 days count each complaint received or closed in them once, as the organisation\'s do', async () => {
  const whole = await srv.as('admin', 'GET', '/stats/overview');
  const scoped = await srv.as('super1', 'GET', '/board');
  assert.equal(whole.status, 200, describe(whole));
  assert.equal(scoped.status, 200, describe(scoped));
  // every demo complaint lies under SH, super1's scope: the same days
  assert.deepEqual(scoped.json.stats.days, whole.json.days);
  assert.ok(whole.json.days.some((d) => d.closed > 0), 'the demo closed some complaint in the last 30 days');
  assert.ok(whole.json.days.some((d) => d.received > 0), 'and received some');
});
