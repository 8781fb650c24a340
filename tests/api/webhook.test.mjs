// Webhooks: an administrator registers endpoints for a unit (signed JSON,
// or a WeCom/DingTalk-style text message); a dispatch to the unit or below
// it is POSTed to each, signed with HMAC-SHA256 over the timestamp and the
// body, with an Idempotency-Key, and received by an HTTP sink here that
// checks the signature. A sink answering 500 shows the back-off, the dead
// letter and the retry. No mail server is set: webhooks go regardless.

import assert from 'node:assert/strict';
import http from 'node:http';
import { useServer, freePort, until, describe, errorOf, webhookSink } from './lib.mjs';

const SECRET = 'test-secret-0123456789abcdef';
const srv = useServer({
  env: {
    REDRESS_NOTIFY_BACKOFF: '1',
    REDRESS_NOTIFY_BACKOFF_MAX: '1',
    REDRESS_NOTIFY_ATTEMPTS: '3',
    REDRESS_NOTIFY_TIMEOUT: '5',
  },
});

// ------------------------------------------------------------ the sink

const failing = new Set(); // paths answered 500
const { received, url: URL_OF } = await webhookSink(SECRET, (p) => (failing.has(p) ? 500 : 200));

// ------------------------------------------------------------ helpers

async function putHook(name, body, who = 'admin') {
  return srv.as(who, 'PUT', `/webhooks/${name}`, { body: { secret: SECRET, format: 'json', ...body } });
}

async function dispatch(unit) {
  const c = await srv.intake('agent1');
  return srv.step('agent1', c.id, 'dispatch', { unit, note: '请核实处理' });
}

async function hookRows(id) {
  const r = await srv.as('admin', 'GET', `/outbox?complaint=${id}`);
  assert.equal(r.status, 200, describe(r));
  return r.json.items.filter((m) => m.channel === 'webhook');
}

// ------------------------------------------------------------ tests

srv.test('webhooks are registered by administrators, validated, listed without their secret', async () => {
  let r = await putHook('pd-json', { unit: 'SH-PD', url: URL_OF('/json') });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.name, 'pd-json');
  assert.equal(r.json.unit.code, 'SH-PD');
  assert.equal(r.json.secret, undefined);
  r = await putHook('pd01-robot', { unit: 'SH-PD-01', url: URL_OF('/robot'), format: 'wecom' });
  assert.equal(r.status, 200, describe(r));
  r = await srv.as('admin', 'GET', '/webhooks');
  assert.deepEqual(r.json.items.map((w) => w.name).sort(), ['pd-json', 'pd01-robot']);
  assert.ok(!r.text.includes(SECRET), 'the secret is never shown');

  for (const [name, body, field] of [['Bad Name', { unit: 'SH-PD', url: URL_OF('/x') }, 'name'],
    ['x', { unit: 'SH-PD', url: 'ftp://example.com/' }, 'url'], ['x', { unit: 'SH-PD', url: URL_OF('/x'), secret: 'short' }, 'secret'],
    ['x', { unit: 'SH-PD', url: URL_OF('/x'), format: 'slack' }, 'format'], ['x', { unit: 'NOPE', url: URL_OF('/x') }, 'unit']]) {
    r = await putHook(name, body);
    assert.ok(r.status === 400 || r.status === 422, `${name} ${JSON.stringify(body)}: ${describe(r)}`);
    assert.equal(errorOf(r).field, field, r.text);
  }
  r = await putHook('x', { unit: 'SH-PD', url: URL_OF('/x') }, 'agent1');
  assert.equal(r.status, 403, describe(r));
  r = await srv.as('admin', 'GET', '/audit?action=webhook_put');
  assert.ok(r.text.includes('webhook:pd-json'), 'registering is audited');
  assert.ok(!r.text.includes(SECRET) && !r.text.includes('/json'), 'without the secret or the URL');
});

srv.test('a dispatch is POSTed to the webhooks of its unit and above, signed, with an idempotency key', async () => {
  const before = received.length;
  const c = await dispatch('SH-PD-01');
  const rows = await until(async () => {
    const l = await hookRows(c.id);
    return l.length === 2 && l.every((m) => m.status === 'sent') ? l : null;
  }, 'both webhooks to be sent');
  const got = received.slice(before);
  const json = got.find((g) => g.path === '/json');
  const robot = got.find((g) => g.path === '/robot');
  assert.ok(json && robot, `both endpoints were called: ${got.map((g) => g.path)}`);
  for (const g of [json, robot]) {
    assert.ok(g.verified, `the signature of ${g.path} checks: ${JSON.stringify(g.headers)}`);
    assert.match(g.headers['content-type'], /^application\/json/);
  }
  const jsonRow = rows.find((m) => m.idempotency_key.endsWith('/hook/pd-json'));
  assert.equal(json.headers['idempotency-key'], jsonRow.idempotency_key);
  assert.equal(json.json.id, jsonRow.idempotency_key);
  assert.equal(json.json.event, 'dispatch');
  assert.equal(json.json.data.number, c.number);
  assert.equal(json.json.data.unit, '浦东世纪大道加油站');
  assert.equal(robot.json.msgtype, 'text');
  assert.ok(robot.json.text.content.includes(`【投诉工单】${c.number} 已派发至浦东世纪大道加油站`), robot.json.text.content);
  assert.ok(!robot.raw.includes('1380'), 'no customer phone');

  const elsewhere = await dispatch('SH-MH-01');
  assert.deepEqual(await hookRows(elsewhere.id), [], 'a unit outside the webhooks\' gets none');
});

srv.test('an endpoint answering 500: failed with the status, then dead; retried, it is delivered with the same key', async () => {
  failing.add('/json');
  const c = await dispatch('SH-PD-02');
  const row = async () => (await hookRows(c.id)).find((m) => m.idempotency_key.endsWith('/hook/pd-json'));
  const dead = await until(async () => { const m = await row(); return m && m.status === 'dead' ? m : null; },
    'the dead letter', { timeoutMs: 30000 });
  assert.equal(dead.attempts, 3);
  let r = await srv.as('admin', 'GET', `/outbox/${dead.id}`);
  assert.deepEqual(r.json.attempt_log.map((a) => a.code), [500, 500, 500]);
  assert.equal(r.json.last_error, 'HTTP 500');
  const keys = new Set(received.filter((g) => g.path === '/json' && g.json.data.number === c.number).map((g) => g.headers['idempotency-key']));
  assert.deepEqual([...keys], [dead.idempotency_key], 'every attempt carries the same key');

  failing.delete('/json');
  r = await srv.as('admin', 'POST', `/outbox/${dead.id}/retry`);
  assert.equal(r.status, 200, describe(r));
  const sent = await until(async () => { const m = await row(); return m && m.status === 'sent' ? m : null; }, 'the retried post');
  assert.equal(sent.attempts, 4);

  r = await srv.as('admin', 'DELETE', '/webhooks/pd-json');
  assert.equal(r.status, 204, describe(r));
  r = await srv.as('admin', 'DELETE', '/webhooks/pd-json');
  assert.equal(r.status, 404, describe(r));
  const after = await dispatch('SH-PD-01');
  const left = await hookRows(after.id);
  assert.deepEqual(left.map((m) => m.idempotency_key.split('/').pop()), ['pd01-robot'], 'a removed webhook gets nothing more');
});

// A batch's posts go out together: two endpoints that each answer only once
// the other has been called (or fail after 3 s) are both delivered at the
// first attempt. Posted one after the other, the first would wait in vain.
srv.test('the rows of a batch are posted together: one slow receiver holds up no other', async () => {
  const waiting = new Map(); // path → its response, held until the partner arrives
  const pair = { '/pair-a': '/pair-b', '/pair-b': '/pair-a' };
  const port = await freePort();
  const twins = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const other = waiting.get(pair[req.url]);
      if (other) {
        waiting.delete(pair[req.url]);
        other.end('{"errcode":0}');
        res.end('{"errcode":0}');
        return;
      }
      waiting.set(req.url, res);
      setTimeout(() => { if (waiting.get(req.url) === res) { waiting.delete(req.url); res.statusCode = 500; res.end('alone'); } }, 3000);
    });
  });
  await new Promise((r) => twins.listen(port, '127.0.0.1', r));
  try {
    for (const name of ['mh03-a', 'mh03-b']) {
      const r = await putHook(name, { unit: 'SH-MH-03', url: `http://127.0.0.1:${port}/pair-${name.slice(-1)}` });
      assert.equal(r.status, 200, describe(r));
    }
    const c = await dispatch('SH-MH-03');
    const rows = await until(async () => {
      const l = await hookRows(c.id);
      return l.length === 2 && l.every((m) => m.status === 'sent') ? l : null;
    }, 'both posts', { timeoutMs: 30000 });
    assert.deepEqual(rows.map((m) => m.attempts), [1, 1], 'each delivered at its first attempt');
  } finally {
    twins.closeAllConnections();
    twins.close();
  }
});
