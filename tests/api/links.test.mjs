// Links between complaints (the case file): related, duplicate, follow_on,
// repeat — an event in each complaint's history, the other side recording
// the reverse kind; the other complaint must be one the caller may see.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, runCli } from './lib.mjs';

const srv = useServer();

srv.test('two complaints linked both ways, each an event of its history', async () => {
  const a = await srv.intake('agent1');
  const b = await srv.intake('agent1');
  const r = await srv.as('agent1', 'POST', `/complaints/${a.id}/links`, { body: { to: b.number, kind: 'duplicate' } });
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.kind, 'duplicate');
  assert.deepEqual(r.json.to, { id: b.id, number: b.number });
  const la = await srv.as('agent1', 'GET', `/complaints/${a.id}/links`);
  assert.deepEqual(la.json.items.map((x) => [x.kind, x.to.number]), [['duplicate', b.number]]);
  const lb = await srv.as('agent1', 'GET', `/complaints/${b.id}/links`);
  assert.deepEqual(lb.json.items.map((x) => [x.kind, x.to.number]), [['duplicated_by', a.number]], 'the reverse kind');
  assert.equal(lb.json.items[0].by.username, 'agent1');

  const again = await srv.as('agent1', 'POST', `/complaints/${a.id}/links`, { body: { to: b.id, kind: 'duplicate' } });
  assert.equal(again.status, 201, 'linking again changes nothing');
  assert.equal((await srv.as('agent1', 'GET', `/complaints/${a.id}/links`)).json.items.length, 1);
  for (const [c, n] of [[a, 1], [b, 1]]) {
    const evs = (await srv.events(c.id)).filter((e) => e.action === 'link');
    assert.equal(evs.length, n, `one link event on ${c.number}`);
  }
  const rel = await srv.as('agent1', 'POST', `/complaints/${b.id}/links`, { body: { to: a.number, kind: 'related' } });
  assert.equal(rel.status, 201);
  assert.deepEqual((await srv.as('agent1', 'GET', `/complaints/${a.id}/links`)).json.items.map((x) => x.kind), ['duplicate', 'related']);
  const v = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(v.code, 0, `the histories replay: ${v.stdout}${v.stderr}`);
});

srv.test('a bad kind, a link to itself, an unknown or hidden complaint are refused', async () => {
  const a = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  const b = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  const bad = async (body, status, field) => {
    const r = await srv.as('agent1', 'POST', `/complaints/${a.id}/links`, { body });
    assert.equal(r.status, status, describe(r));
    if (field) assert.equal(errorOf(r).field, field);
  };
  await bad({ to: b.id, kind: 'sibling' }, 422, 'kind');
  await bad({ to: b.id }, 422, 'kind');
  await bad({ to: a.id, kind: 'related' }, 422, 'to');
  await bad({ to: [1], kind: 'related' }, 422, 'to');
  await bad({ to: b.id, kind: 'related', note: 'x' }, 400, 'note');
  await bad({ to: 'TS19990101-0001', kind: 'related' }, 404);
  // A station's handler links within what it sees; another station's complaint does not exist for it.
  const mine = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  await srv.step('agent1', mine.id, 'dispatch', { unit: 'SH-PD-01' });
  const other = await srv.intake('agent1', { subject_unit: 'SH-MH-02' });
  const hidden = await srv.as('pd01', 'POST', `/complaints/${mine.id}/links`, { body: { to: other.number, kind: 'related' } });
  assert.equal(hidden.status, 404, describe(hidden));
  assert.equal((await srv.as('auditor1', 'POST', `/complaints/${a.id}/links`, { body: { to: b.id, kind: 'related' } })).status, 403);
});
