// The first response (seed 002, 加油站客戶服務危機處理方案: 確保顧客反饋在24小時內
// 得到初步回應): in the gas-station pack the customer hears from the centre
// within 24 hours of receipt whatever the level — a clock of its own
// (first_response), stopped by a progress reply, an acceptance answer or the
// reply, and not moved when a re-grading moves the promise (a level-1
// complaint is promised in 48 hours).

import assert from 'node:assert/strict';
import { useServer, runCli, rfc3339, describe, ON_SPOT_VALID } from './lib.mjs';

const srv = useServer();
const HOUR = 3600e3;

function clock(c, name) {
  return c.clocks.find((x) => x.name === name);
}

srv.test('the first response is due 24 hours after receipt, and a re-grading does not move it', async () => {
  const received = Date.parse(rfc3339(new Date(Date.now() - HOUR)));
  let c = await srv.intake('agent1', { received_at: rfc3339(new Date(received)), level: 3 });
  assert.equal(Date.parse(clock(c, 'first_response').deadline), received + 24 * HOUR);
  assert.equal(Date.parse(clock(c, 'overall').deadline), received + 24 * HOUR);

  // Graded up to 重大 at the dispatch: the promise becomes 48 hours, the first response stays at 24.
  c = await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01', level: 1 });
  assert.equal(Date.parse(clock(c, 'overall').deadline), received + 48 * HOUR, 'the promise moved');
  assert.equal(Date.parse(clock(c, 'first_response').deadline), received + 24 * HOUR, 'the first response did not');

  // Nobody called the customer back: the sweeper finds it breached an hour after its deadline.
  const now = rfc3339(new Date(received + 25 * HOUR));
  const r = await runCli(['sweep', '--db', srv.dbUrl, '--now', now], { timeoutMs: 120000 });
  assert.equal(r.code, 0, r.stderr);
  const breaches = (await srv.events(c.id, 'admin')).filter((e) => e.action === 'breach');
  const late = breaches.find((e) => e.payload.clock === 'first_response');
  assert.ok(late, JSON.stringify(breaches.map((e) => e.payload)));
  // The first word is the centre's to give, not the station's: the centre answers for it.
  assert.equal(late.payload.unit.code, 'SH-CSC', JSON.stringify(late.payload));
  assert.equal(late.payload.supervise_unit.code, 'SH-CSC', 'level 1 goes to the centre\'s own supervisor');
});

srv.test('a progress reply is the first response; the clock is met and the rest run on', async () => {
  let c = await srv.intake('agent1', { level: 3 });
  assert.equal(clock(c, 'first_response').state, 'running');
  c = await srv.step('agent1', c.id, 'progress_reply', { method: 'phone', content: '已致电客户，告知站长正在核实' });
  assert.equal(clock(c, 'first_response').state, 'met');
  assert.equal(clock(c, 'overall').state, 'running');
  // An answer on the spot is one too.
  let d = await srv.intake('agent1', { level: 3 });
  d = await srv.step('agent1', d.id, 'answer', { answer: '当场解释价格构成', ...ON_SPOT_VALID });
  assert.equal(d.status, 'closed');
  assert.notEqual(clock(d, 'first_response').state, 'running', describe({ status: 200, json: d }));
});
