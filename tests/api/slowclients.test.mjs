// Slow and idle clients (issue 23, defect 2): connections from one address
// that send nothing, or a header line now and then, must keep nobody else
// out. One server has small limits (40 connections an address, 64 in all,
// two request threads) and long deadlines, so the slow clients stay while the
// others are served; a second has two-second deadlines, to see them end.
// Every wait is for something the server shows (a closed socket, a counter of
// /metrics), never a fixed time. The bench of 10,000 connections is
// bench/slowloris.sh.

import assert from 'node:assert/strict';
import { after } from 'node:test';
import { Server, useServer, describe, errorOf, metric, rawConnect, until } from './lib.mjs';

const PER_ADDRESS = 40;
const MAX = 64;
const srv = useServer({
  env: {
    REDRESS_MAX_CONNECTIONS_PER_ADDRESS: String(PER_ADDRESS),
    REDRESS_MAX_CONNECTIONS: String(MAX),
    REDRESS_THREADS: '2',
    REDRESS_HEADER_TIMEOUT: '120',
    REDRESS_BODY_TIMEOUT: '120',
  },
});

const held = [];
after(() => { for (const s of held) s.destroy(); });

// n connections from addr: half send nothing, half start a request and add a
// header line every 200 ms (a slowloris); resolves once all are connected.
async function slowClients(addr, n) {
  const socks = [];
  for (let i = 0; i < n; i++) {
    const s = await rawConnect(srv.port, { localAddress: addr });
    if (i % 2) {
      s.write('GET /api/v1/health HTTP/1.1\r\nHost: t\r\n');
      s.drip = setInterval(() => { if (!s.destroyed) s.write(`X-Slow-${i}: still here\r\n`); }, 200);
      s.once('close', () => clearInterval(s.drip));
    }
    socks.push(s);
    held.push(s);
  }
  return socks;
}

function release(socks) {
  for (const s of socks) { clearInterval(s.drip); s.destroy(); }
}

srv.test('idle and slow connections up to the per-address limit keep no one else out', async () => {
  const before = await metric(srv, 'redress_http_refused_total');
  const slow = await slowClients('127.0.0.2', PER_ADDRESS);
  await until(async () => (await metric(srv, 'redress_http_connections')) >= PER_ADDRESS, 'the server to hold them');
  // One more from the same address is refused: closed with not a byte said.
  const extra = [];
  for (let i = 0; i < 5; i++) extra.push(await rawConnect(srv.port, { localAddress: '127.0.0.2' }));
  for (const s of extra) {
    const end = await Promise.race([s.ended, new Promise((r) => setTimeout(() => r(null), 20000))]);
    assert.ok(end, 'a connection over the per-address limit was closed');
    assert.equal(end.bytes, 0);
    s.destroy();
  }
  assert.equal(await metric(srv, 'redress_http_refused_total'), before + 5);
  for (const s of slow) assert.ok(!s.destroyed && s.received.length === 0, 'the slow clients are still held');
  // Meanwhile everyone else is served, ten at a time, on two request threads.
  const token = await srv.login('agent1');
  const rs = await Promise.all(Array.from({ length: 10 }, (_, i) =>
    i % 2 ? srv.api('GET', '/health') : srv.api('GET', '/complaints?limit=5', { token })));
  for (const r of rs) assert.equal(r.status, 200, describe(r));
  release(slow);
  // Once they are gone the address is served again.
  await until(async () => (await metric(srv, 'redress_http_connections')) < PER_ADDRESS / 2, 'the slow clients to go');
  const again = await rawConnect(srv.port, { localAddress: '127.0.0.2' });
  again.write('GET /api/v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
  await again.ended;
  assert.match(again.received.toString(), /^HTTP\/1\.1 200 /);
});

srv.test('beyond max-connections a request gets 503 with the error shape, and service resumes after', async () => {
  const a = await slowClients('127.0.0.2', PER_ADDRESS);
  const b = await slowClients('127.0.0.3', MAX - PER_ADDRESS + 4);
  const busy = await until(async () => {
    const r = await srv.api('GET', '/health');
    return r.status === 503 ? r : null;
  }, 'a 503 at the global limit');
  assert.equal(errorOf(busy).code, 'overloaded');
  assert.equal(busy.headers.get('retry-after'), '1');
  release(a);
  release(b);
  await until(async () => (await srv.api('GET', '/health')).status === 200, 'service after the slow clients left');
  assert.ok((await metric(srv, 'redress_http_overloaded_total')) >= 1);
});

// ---- deadlines ------------------------------------------------------------

const quick = new Server({ env: { REDRESS_HEADER_TIMEOUT: '2', REDRESS_BODY_TIMEOUT: '2' } });
let quickUp = null;
const startQuick = () => { quickUp = quickUp || quick.start(); return quickUp; };
after(async () => { try { await quick.stop(); } finally { await quick.cleanup(); } });

// Waits for the server to close sock (at most 30 s: far less than the idle
// time-out a slow client could otherwise renew forever).
async function closedByServer(sock) {
  const end = await Promise.race([sock.ended, new Promise((r) => setTimeout(() => r(null), 30000))]);
  sock.destroy();
  return end;
}

srv.test('headers that do not arrive within header-timeout end the connection, however slowly they trickle', async () => {
  await startQuick();
  const before = await metric(quick, 'redress_http_deadline_closes_total');
  const idle = await rawConnect(quick.port, { localAddress: '127.0.0.4' });
  const slow = await rawConnect(quick.port, { localAddress: '127.0.0.4' });
  slow.write('GET /api/v1/health HTTP/1.1\r\nHost: t\r\n');
  const drip = setInterval(() => { if (!slow.destroyed) slow.write('X-Slow: 1\r\n'); }, 200);
  const [a, b] = await Promise.all([closedByServer(idle), closedByServer(slow)]);
  clearInterval(drip);
  for (const [what, end] of [['idle', a], ['slow', b]]) {
    assert.ok(end, `the ${what} connection is still open after 30 s`);
    assert.equal(end.bytes, 0, what);
    assert.ok(end.ms >= 1900, `${what}: closed after ${end.ms} ms, before its deadline`);
  }
  // The counter is raised as the server tears the connection down, which may
  // come just after the client has seen it closed: wait for it.
  await until(async () => (await metric(quick, 'redress_http_deadline_closes_total')) >= before + 2,
    'both deadline closes counted');
});

srv.test('a body that stalls is cut at body-timeout; a kept-alive connection serves its next request', async () => {
  await startQuick();
  const s = await rawConnect(quick.port, { localAddress: '127.0.0.4' });
  s.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user');
  const end = await closedByServer(s);
  assert.ok(end, 'the stalled body is still open after 30 s');
  assert.ok(end.ms >= 1900, `closed after ${end.ms} ms`);
  // Two requests on one connection, quickly, are both answered.
  const k = await rawConnect(quick.port, { localAddress: '127.0.0.4' });
  k.write('GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n');
  await until(() => /\r\n\r\n\{.*\}/s.test(k.received.toString()), 'the first answer');
  k.write('GET /api/v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
  await k.ended;
  assert.equal(k.received.toString().match(/HTTP\/1\.1 200 /g).length, 2);
});
