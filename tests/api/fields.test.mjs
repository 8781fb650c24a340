// Time limits within the horizon, and the order of the answers to a step: a
// caller who may not take an action is told so (403) before a stale
// version's conflict (409).

import assert from 'node:assert/strict';
import { useServer, intakeBody, errorOf, describe, rfc3339 } from './lib.mjs';

const srv = useServer();

srv.test('promised_at and an extension deadline lie at most a year ahead', async () => {
  const far = '9999-12-31T00:00:00+08:00';
  const r = await srv.as('agent1', 'POST', '/complaints', { body: intakeBody({ promised_at: far }) });
  assert.equal(r.status, 422, describe(r));
  assert.equal(errorOf(r).field, 'promised_at');
  const late = rfc3339(new Date(Date.now() + 400 * 86400e3));
  const r2 = await srv.as('agent1', 'POST', '/complaints', { body: intakeBody({ promised_at: late }) });
  assert.equal(r2.status, 422, describe(r2));
  const near = await srv.as('agent1', 'POST', '/complaints', { body: intakeBody({ promised_at: rfc3339(new Date(Date.now() + 300 * 86400e3)) }) });
  assert.equal(near.status, 201, describe(near));

  const c = await srv.intake('agent1');
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  for (const deadline of [far, late]) {
    const x = await srv.act('pd01', c.id, 'request_extension', { deadline, reason: '需第三方检测' });
    assert.equal(x.status, 422, describe(x));
    assert.equal(errorOf(x).field, 'deadline');
  }
  const ok = await srv.act('pd01', c.id, 'request_extension', { deadline: rfc3339(new Date(Date.now() + 30 * 86400e3)), reason: '需第三方检测' });
  assert.equal(ok.status, 200, describe(ok));
});

srv.test('a role that may not take the action gets 403 before a stale If-Match gets 409', async () => {
  const c = await srv.intake('agent1');
  await srv.step('agent1', c.id, 'comment', { text: '先记一笔' });
  // A handler of the subject site sees the complaint but may not dispatch it, whatever version it names.
  const r = await srv.act('pd01', c.id, 'dispatch', { unit: 'SH-PD-01' }, { 'If-Match': String(c.version) });
  assert.equal(r.status, 403, describe(r));
  assert.equal(errorOf(r).code, 'forbidden');
  const body = await srv.act('pd01', c.id, 'dispatch', { unit: 'SH-PD-01', version: c.version });
  assert.equal(body.status, 403, describe(body));
  // One who may gets the conflict.
  const s = await srv.act('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' }, { 'If-Match': String(c.version) });
  assert.equal(s.status, 409, describe(s));
  assert.equal(errorOf(s).code, 'version_conflict');
});
