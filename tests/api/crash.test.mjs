// Crash safety: a 201 means the complaint is durable. Eight intake loops run
// for about three seconds, the server is killed with SIGKILL in the middle,
// restarted on the same database, and every complaint that got a 201 must
// be there (by id and by number); `redress verify` must pass.

import assert from 'node:assert/strict';
import { useServer, runCli, intakeBody, sleep, NUMBER_RE, describe } from './lib.mjs';

const srv = useServer();
const LOOPS = 8;
const RUN_MS = 3000;
const KILL_AT_MS = 1500;

const acked = []; // {id, number, phone}
let errorsAfterKill = 0;

srv.test('8 concurrent intake loops; kill -9 in the middle', async (t) => {
  const token1 = await srv.login('agent1');
  const token2 = await srv.login('agent2');
  const base = srv.base;
  const t0 = Date.now();
  let killed = false;
  const statuses = {};

  async function loop(n) {
    const token = n % 2 ? token1 : token2;
    let i = 0;
    while (Date.now() - t0 < RUN_MS) {
      const body = intakeBody({ description: `崩溃测试 loop ${n} #${i++}` });
      try {
        const res = await fetch(`${base}/api/v1/complaints`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10000),
        });
        const text = await res.text();
        statuses[res.status] = (statuses[res.status] || 0) + 1;
        if (res.status === 201) {
          const c = JSON.parse(text);
          acked.push({ id: c.id, number: c.number, phone: body.customer.phone, description: body.description });
        } else if (!killed && res.status !== 503) {
          throw new Error(`intake before the kill: ${res.status} ${text}`);
        }
      } catch (e) {
        if (!killed) throw e;
        errorsAfterKill++;
        // The server is gone: this loop ends.
        return;
      }
    }
  }

  const loops = Array.from({ length: LOOPS }, (_, n) => loop(n));
  await sleep(KILL_AT_MS);
  killed = true;
  await srv.kill9();
  await Promise.all(loops);
  t.diagnostic(`${acked.length} intakes acknowledged; ${errorsAfterKill} loops cut off by the kill; statuses ${JSON.stringify(statuses)}`);
  assert.ok(acked.length > 0, `some intakes were acknowledged before the kill (statuses ${JSON.stringify(statuses)})`);
  assert.ok(srv.exitInfo && srv.exitInfo.signal === 'SIGKILL', `server was killed: ${JSON.stringify(srv.exitInfo)}`);
});

srv.test('after restart every acknowledged complaint is there (zero lost)', async () => {
  await srv.spawnServer('serve');
  const token = await srv.login('agent1');
  const lost = [];
  const wrong = [];
  // Check in small parallel batches.
  for (let i = 0; i < acked.length; i += 16) {
    const batch = acked.slice(i, i + 16);
    const rs = await Promise.all(batch.map(async (a) => {
      // In clear: the complaint's data key survived with it, so its customer data still opens.
      const byId = await srv.api('POST', `/complaints/${a.id}/pii`, { token, body: {} });
      const byNumber = await srv.api('GET', `/complaints/${a.number}`, { token });
      return { a, byId, byNumber };
    }));
    for (const { a, byId, byNumber } of rs) {
      if (byId.status !== 200 || byNumber.status !== 200) { lost.push(`${a.number} (id ${a.id}): ${byId.status}/${byNumber.status}`); continue; }
      const c = byId.json.complaint;
      if (c.number !== a.number || byNumber.json.id !== a.id || c.description !== a.description ||
          c.customer.phone !== a.phone) {
        wrong.push(`${a.number}: ${c.number} ${byNumber.json.id}`);
      }
    }
  }
  assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged complaints lost`);
  assert.deepEqual(wrong, [], 'acknowledged complaints are intact');
  assert.equal(new Set(acked.map((a) => a.number)).size, acked.length, 'numbers unique');
});

srv.test('numbering continues without reusing a number after the crash', async () => {
  const c = await srv.intake('agent1');
  assert.match(c.number, NUMBER_RE);
  assert.ok(!acked.some((a) => a.number === c.number), `new number ${c.number} not reused`);
  assert.ok(!acked.some((a) => a.id === c.id), 'new id not reused');
  const again = await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  assert.equal(again.status, 'dispatched', describe({ status: 200, text: JSON.stringify(again) }));
});

srv.test('redress verify passes after the crash', async () => {
  await srv.stop();
  const r = await runCli(['verify', '--db', srv.dbUrl], { timeoutMs: 120000 });
  assert.equal(r.code, 0, `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
});
