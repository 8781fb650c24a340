// kill -9 during delivery loses nothing (issue #16): a webhook post is in
// flight when the server is killed with SIGKILL; restarted on the same
// database, the server claims the row again once the dead one's lease has
// run out (twice notify-timeout plus 40 s) and delivers it — at least once,
// with the same Idempotency-Key, so the receiver can drop the copy.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after } from 'node:test';
import { useServer, freePort, until, describe } from './lib.mjs';

const SECRET = 'crash-secret-0123456789abcdef';
const srv = useServer({ env: { REDRESS_NOTIFY_TIMEOUT: '5' } }); // a lease of 50 s

// The receiver: holds the first post unanswered (the server dies meanwhile), answers the others.
let hold = true;
const got = []; // Idempotency-Key of each post received
const held = [];
const PORT = await freePort();
const sink = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    got.push(req.headers['idempotency-key']);
    if (hold) held.push(res);
    else res.end('{"ok":true}');
  });
});
await new Promise((r) => sink.listen(PORT, '127.0.0.1', r));
after(() => { sink.closeAllConnections(); sink.close(); });

srv.test('a post in flight when the server is killed is delivered by the restarted server, with its key', async () => {
  const r = await srv.as('admin', 'PUT', '/webhooks/crash-hook',
    { body: { unit: 'SH-PD-01', url: `http://127.0.0.1:${PORT}/hook`, secret: SECRET, format: 'json' } });
  assert.equal(r.status, 200, describe(r));
  const c = await srv.intake('agent1');
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  const key = await until(() => got.find((k) => k && k.startsWith(`c${c.id}/`)), 'the post in flight', { timeoutMs: 30000 });
  await srv.kill9();
  assert.equal(srv.exitInfo.signal, 'SIGKILL');
  hold = false;
  for (const res of held) res.destroy();

  await srv.spawnServer('serve');
  const row = await until(async () => {
    const rows = (await srv.as('admin', 'GET', `/outbox?complaint=${c.id}`)).json.items;
    const m = rows.find((x) => x.idempotency_key === key);
    return m && m.status === 'sent' ? m : null;
  }, 'the row delivered after the restart', { timeoutMs: 120000 });
  assert.ok(row.attempts >= 1, JSON.stringify(row));
  assert.ok(got.filter((k) => k === key).length >= 2, `sent again with the same key: ${JSON.stringify(got)}`);
});
