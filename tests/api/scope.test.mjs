// Who sees which complaints: role × unit scope. A station sees what is
// about, owned by or was handled by the station; a region sees its
// stations; the service centre works for its whole branch; a unit asked to
// assist sees that complaint by id. Outside the scope a complaint is 404 —
// by id and by number — so that guessable numbers reveal nothing.

import assert from 'node:assert/strict';
import { useServer, describe, uniquePhone } from './lib.mjs';

const srv = useServer();
const phone = uniquePhone();
let pd, mh;

async function listIds(user) {
  const r = await srv.as(user, 'GET', `/complaints?phone=${phone}&limit=200`);
  assert.equal(r.status, 200, describe(r));
  return new Set(r.json.items.map((c) => c.id));
}

srv.test('set-up: one complaint about a Pudong station, one about a Minhang station', async () => {
  pd = await srv.intake('agent1', { customer: { name: '周先生', phone }, subject_unit: 'SH-PD-02' });
  mh = await srv.intake('agent1', { customer: { name: '周先生', phone }, subject_unit: 'SH-MH-01' });
  await srv.step('agent1', mh.id, 'dispatch', { unit: 'SH-MH-01' });
});

srv.test('the service centre sees the whole branch', async () => {
  const ids = await listIds('agent1');
  assert.ok(ids.has(pd.id) && ids.has(mh.id));
});

srv.test('a region supervisor sees its own stations only', async () => {
  const pdRegion = await listIds('pdmgr');
  assert.ok(pdRegion.has(pd.id), 'Pudong region sees the Pudong complaint');
  assert.ok(!pdRegion.has(mh.id), 'Pudong region does not see the Minhang complaint');
  const byId = await srv.as('pdmgr', 'GET', `/complaints/${mh.id}`);
  assert.equal(byId.status, 404, describe(byId));
  const byNumber = await srv.as('pdmgr', 'GET', `/complaints/${mh.number}`);
  assert.equal(byNumber.status, 404, describe(byNumber));
  for (const sub of ['events', 'actions']) {
    const r = await srv.as('pdmgr', 'GET', `/complaints/${mh.id}/${sub}`);
    assert.equal(r.status, 404, `${sub}: ${describe(r)}`);
  }
  const act = await srv.as('pdmgr', 'POST', `/complaints/${mh.id}/actions/comment`, { body: { text: '看看' } });
  assert.equal(act.status, 404, describe(act));
});

srv.test('an owner filter outside the scope lists nothing', async () => {
  const r = await srv.as('mh01', 'GET', `/complaints?owner_unit=SH-PD&phone=${phone}`);
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.items.length, 0);
});

srv.test('a unit asked to assist sees the complaint by id', async () => {
  const before = await srv.as('qc1', 'GET', `/complaints/${mh.id}`);
  assert.equal(before.status, 404, describe(before));
  await srv.step('mh01', mh.id, 'accept', {});
  await srv.step('mh01', mh.id, 'assist', { unit: 'SH-QC', request: '请质量计量部抽检油品' });
  const after = await srv.as('qc1', 'GET', `/complaints/${mh.id}`);
  assert.equal(after.status, 200, describe(after));
  const acts = await srv.actions(mh.id, 'qc1');
  assert.ok(acts.items.some((a) => a.action === 'assist_reply'), 'qc1 is offered assist_reply');
});

srv.test('the manager of the branch and the administrator at HQ see everything', async () => {
  for (const u of ['manager1', 'admin']) {
    const ids = await listIds(u);
    assert.ok(ids.has(pd.id) && ids.has(mh.id), u);
  }
});
