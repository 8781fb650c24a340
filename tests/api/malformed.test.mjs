// Malformed requests: bodies found by the fuzzers (tests/fuzz), and requests
// the transport answers itself (methods outside the API, ambiguous or
// oversized bodies, %00 in URLs), each with the documented error answer;
// and the server must keep serving.

import assert from 'node:assert/strict';
import { useServer, describe, errorOf, rawExchange } from './lib.mjs';

const srv = useServer();

// A syntax error next to bytes that are not UTF-8: the parser's message
// quotes them ("near '…'"), and the 400 used to fail to render, killing the
// server. The body is the one fuzz_intake found.
const invalidUtf8 = Buffer.concat([
  Buffer.from('{"channel":"phone","custe\\u'),
  Buffer.from([0xcc, 0x9a, 0xcd, 0x9b, 0x8b, 0xdd, 0xc5, 0xdd]),
  Buffer.from('transf\\u000005","catory"\\ud83d\\ude00:"1970-01-,"promi14:00"}'),
]);

srv.test('invalid UTF-8 beside a JSON syntax error gets 400 bad_json, signed in or not', async () => {
  for (const [who, p] of [[null, '/auth/login'], [null, '/portal/complaints'], ['agent1', '/complaints']]) {
    const r = who ? await srv.as(who, 'POST', p, { raw: invalidUtf8 }) : await srv.api('POST', p, { raw: invalidUtf8 });
    assert.equal(r.status, 400, describe(r));
    assert.equal(r.json.error.code, 'bad_json');
    assert.match(r.json.error.message, /JSON/);
    assert.ok(!r.json.error.message.includes('\ufffd'), 'the message holds no undecodable bytes');
  }
  const h = await srv.api('GET', '/health');
  assert.equal(h.status, 200, 'the server is still up: ' + describe(h));
});

// ---- the transport's own answers (the request never reaches a handler) ----

srv.test('a method other than GET or HEAD outside /api gets 405 with the error shape', async () => {
  for (const [method, p] of [['POST', '/'], ['PUT', '/index.html'], ['DELETE', '/assets/x.js']]) {
    const r = await srv.api(method, srv.base + p, { raw: 'x' });
    assert.equal(r.status, 405, `${method} ${p}: ${describe(r)}`);
    assert.equal(errorOf(r).code, 'method_not_allowed');
    assert.equal(r.headers.get('allow'), 'GET, HEAD');
  }
  assert.equal((await srv.api('GET', srv.base + '/')).status, 200);
});

srv.test('a chunked body gets 411 at once, even one declaring a chunk larger than any limit', async () => {
  // The chunk is announced and never sent: the answer must not wait for it.
  const x = await rawExchange(srv.port, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\n' +
    'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n{"user', { timeoutMs: 20000 });
  assert.ok(x.response, `no answer within ${x.ms} ms`);
  assert.equal(x.response.status, 411);
  assert.equal(x.response.json.error.code, 'length_required');
});

srv.test('a declared body over max-body gets 413 before it is sent', async () => {
  const x = await rawExchange(srv.port, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\n' +
    'Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{"user', { timeoutMs: 20000 });
  assert.ok(x.response, `no answer within ${x.ms} ms`);
  assert.equal(x.response.status, 413);
  assert.equal(x.response.json.error.code, 'body_too_large');
});

srv.test('two Content-Length headers, or one beside Transfer-Encoding, get 400', async () => {
  for (const framing of ['Content-Length: 2\r\nContent-Length: 2\r\n', 'Content-Length: 2\r\nContent-Length: 3\r\n',
    'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n']) {
    const x = await rawExchange(srv.port, `POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\n${framing}\r\n{}`);
    assert.ok(x.response, `${JSON.stringify(framing)}: no answer`);
    assert.equal(x.response.status, 400, JSON.stringify(framing));
    assert.equal(x.response.json.error.code, 'bad_request');
  }
});

srv.test('%00 in the path or the query is refused, never cut short', async () => {
  const c = await srv.intake('agent1');
  const token = await srv.login('agent1');
  for (const p of [`/api/v1/complaints/${c.id}%00`, `/api/v1/complaints/${c.id}%00x`, `/api/v1/complaints?status=new%00x`]) {
    const r = await srv.api('GET', srv.base + p, { token });
    assert.equal(r.status, 400, `${p}: ${describe(r)}`);
    assert.equal(errorOf(r).code, 'bad_request');
  }
  assert.equal((await srv.api('GET', `/complaints/${c.id}`, { token })).status, 200);
});

srv.test('HEAD on an API GET route answers as GET does, without the body', async () => {
  const c = await srv.intake('agent1');
  const token = await srv.login('agent1');
  for (const p of ['/health', `/complaints/${c.id}`, '/complaints?limit=1']) {
    const get = await srv.api('GET', p, { token });
    const head = await srv.api('HEAD', p, { token });
    assert.equal(head.status, 200, `HEAD ${p}: ${describe(head)}`);
    assert.equal(head.text, '');
    assert.equal(head.headers.get('content-type'), get.headers.get('content-type'));
  }
  // The same gate: no token, no answer but 401.
  assert.equal((await srv.api('HEAD', `/complaints/${c.id}`)).status, 401);
  // A route with no GET is still 405.
  assert.equal((await srv.api('HEAD', '/auth/login')).status, 405);
});
