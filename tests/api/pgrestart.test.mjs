// A PostgreSQL restart under load: the node reconnects by itself and loses
// nothing it acknowledged. Runs only when REDRESS_TEST_PG_RESTART holds a
// shell command that restarts the database server (scripts/test-pg.sh sets
// it to `sh scripts/pg.sh restart DIR` and runs this file alone, after the
// rest of the suite, since it takes the server away from every database).
//
// Four intake loops run while the server restarts: every answer is 201 or
// 503 (never a hang, never a 500), every 201 is stored afterwards, the same
// server process takes intake again once the database is back, numbering
// stays dense and `redress verify` passes.

import assert from 'node:assert/strict';
import { exec } from 'node:child_process';
import { test } from 'node:test';
import { useServer, runCli, runPsql, intakeBody, sleep, NUMBER_RE } from './lib.mjs';

const RESTART = process.env.REDRESS_TEST_PG_RESTART;

function sh(cmd) {
  return new Promise((resolve, reject) => {
    exec(cmd, { timeout: 120000 }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd}: ${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

if (!RESTART) {
  test('a database restart under load', { skip: 'needs REDRESS_TEST_PG_RESTART (make test-pg)' }, () => {});
} else {
  const srv = useServer();
  const acked = [];
  const statuses = {};

  srv.test('intake loops while PostgreSQL restarts: only 201 or 503', async (t) => {
    const token = await srv.login('agent1');
    let restarted = false;
    let stop = false;
    async function loop(n) {
      let i = 0;
      while (!stop) {
        const body = intakeBody({ description: `重启测试 loop ${n} #${i++}` });
        const res = await fetch(`${srv.base}/api/v1/complaints`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(30000),
        });
        const text = await res.text();
        statuses[res.status] = (statuses[res.status] || 0) + 1;
        if (res.status === 201) {
          const c = JSON.parse(text);
          acked.push({ id: c.id, number: c.number, description: body.description, afterRestart: restarted });
        } else if (res.status === 503) {
          await sleep(50); // what a client does with 503: retry a little later
        } else {
          throw new Error(`intake: ${res.status} ${text}`);
        }
      }
    }
    const loops = Array.from({ length: 4 }, (_, n) => loop(n));
    await sleep(1000);
    await sh(RESTART);
    restarted = true;
    await sleep(1500);
    stop = true;
    await Promise.all(loops);
    t.diagnostic(`statuses ${JSON.stringify(statuses)}; ${acked.length} acknowledged, ${acked.filter((a) => a.afterRestart).length} after the restart`);
    assert.ok(acked.some((a) => !a.afterRestart), 'intakes acknowledged before the restart');
    assert.ok(acked.some((a) => a.afterRestart), 'the same server process took intake again after the restart');
  });

  srv.test('every acknowledged complaint survived; numbers dense; verify passes', async () => {
    const token = await srv.login('agent1');
    const lost = [];
    for (const a of acked) {
      const r = await srv.api('GET', `/complaints/${a.number}`, { token });
      if (r.status !== 200 || r.json.id !== a.id || r.json.description !== a.description) lost.push(`${a.number}: ${r.status}`);
    }
    assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged complaints lost`);
    const numbers = (await runPsql(srv.dbUrl, 'SELECT number FROM complaints')).trim().split('\n');
    const byDay = new Map();
    for (const n of numbers) {
      const m = n.match(NUMBER_RE);
      if (!byDay.has(m[2])) byDay.set(m[2], []);
      byDay.get(m[2]).push(Number(m[3]));
    }
    for (const [day, seqs] of byDay) {
      seqs.sort((x, y) => x - y);
      assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), `day ${day} dense`);
    }
    await srv.stop();
    const r = await runCli(['verify', '--db', srv.dbUrl], { timeoutMs: 120000 });
    assert.equal(r.code, 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  });
}
