// The deadline sweeper over more due complaints than one of its write
// chunks holds (jobs/sweep.c writes a chunk while it decides the next):
// every due warning is written once — also with two sweepers racing over
// the same 600 complaints — with its outbox row, and the chains verify.

import assert from 'node:assert/strict';
import { useServer, runCli, describe } from './lib.mjs';

const srv = useServer();

const N = 600;
// Received at 09:00 on a Monday: the dispatch clock (240 min on the 24×7
// centre calendar) reaches its warning point (90 %) at 12:36.
const RECEIVED = '2026-11-02T09:00:00+08:00';
let ids = [];

async function sweep(now) {
  const r = await runCli(['sweep', '--db', srv.dbUrl, '--now', now], { timeoutMs: 180000 });
  assert.equal(r.code, 0, `redress sweep --now ${now}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  const m = r.stdout.match(/(\d+) complaints, (\d+) warnings, (\d+) breaches, (\d+) further supervisions, (\d+) conflicts/);
  assert.ok(m, `sweep summary: ${r.stdout}`);
  return { complaints: +m[1], warned: +m[2], breached: +m[3], conflicts: +m[5], out: r.stdout };
}

srv.test(`${N} complaints received at once`, async () => {
  const queue = Array.from({ length: N }, (_, i) => i);
  const made = [];
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (queue.length) {
      queue.pop();
      const c = await srv.intake('agent1', { received_at: RECEIVED });
      made.push(c.id);
    }
  }));
  assert.equal(made.length, N);
  ids = made.sort((a, b) => a - b);
});

srv.test('before the warning point nothing is due', async () => {
  const s = await sweep('2026-11-02T12:35:00+08:00');
  assert.equal(s.warned + s.breached, 0, s.out);
});

srv.test('two sweepers at the warning point: each complaint warned exactly once', async () => {
  const [a, b] = await Promise.all([sweep('2026-11-02T12:37:00+08:00'), sweep('2026-11-02T12:37:00+08:00')]);
  assert.equal(a.warned + b.warned, N, `one warning per complaint between them:\n${a.out}\n${b.out}`);
  assert.equal(a.breached + b.breached, 0);
  const again = await sweep('2026-11-02T12:37:00+08:00');
  assert.equal(again.warned, 0, `nothing is due twice: ${again.out}`);
  // Every complaint: one warn event, on the dispatch clock, with one outbox
  // row for its owner unit.
  for (let i = 0; i < ids.length; i += 25) {
    await Promise.all(ids.slice(i, i + 25).map(async (id) => {
      const evs = (await srv.events(id, 'admin')).filter((e) => e.action === 'warn');
      assert.equal(evs.length, 1, `complaint ${id}: ${evs.length} warnings`);
      assert.equal(evs[0].payload.clock, 'dispatch');
      const r = await srv.as('admin', 'GET', `/outbox?complaint=${id}`);
      assert.equal(r.status, 200, describe(r));
      const rows = r.json.items.filter((m) => m.template === 'sla_warning');
      assert.equal(rows.length, 1, `complaint ${id}: outbox ${JSON.stringify(r.json.items)}`);
    }));
  }
  const v = await runCli(['verify', '--db', srv.dbUrl], { timeoutMs: 180000 });
  assert.equal(v.code, 0, `verify after the sweeps: ${v.stdout}${v.stderr}`);
});

srv.test('past the deadline: every complaint breached once, with its supervision order', async () => {
  const s = await sweep('2026-11-02T13:01:00+08:00');
  assert.equal(s.breached, N, s.out);
  const r = await srv.as('admin', 'GET', '/supervisions?status=open&limit=500');
  assert.equal(r.status, 200, describe(r));
  const mine = r.json.items.filter((o) => o.complaint && ids.includes(o.complaint.id) && o.clock === 'dispatch');
  assert.equal(mine.length, Math.min(500, N), 'the first page of the open orders: all ours, one each');
  assert.equal(new Set(mine.map((o) => o.complaint.id)).size, mine.length);
});
