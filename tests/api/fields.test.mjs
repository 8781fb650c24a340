// The order of the answers to a step: a caller who may not take an action
// is told so (403) before a stale version's conflict (409).

import assert from 'node:assert/strict';
import { useServer, errorOf, describe } from './lib.mjs';

const srv = useServer();

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
