// Malformed bodies found by the fuzzers (tests/fuzz): each must get the
// documented error answer, and the server must keep serving.

import assert from 'node:assert/strict';
import { useServer, describe } from './lib.mjs';

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
