// Saved views of the complaint list (#20): a name and the list's filters,
// one user's own or shared with a unit and the units below it, listed with
// their counts — each count what the list itself gives the one who asks.

import assert from 'node:assert/strict';
import { useServer, describe, runCli } from './lib.mjs';

const srv = useServer();

async function views(user, counts = true) {
  const r = await srv.as(user, 'GET', `/views${counts ? '?counts=true' : ''}`);
  assert.equal(r.status, 200, describe(r));
  return r.json.items;
}

async function listTotal(user, filters) {
  const r = await srv.as(user, 'GET', `/complaints?${new URLSearchParams({ ...filters, total: 'true', limit: '1' })}`);
  assert.equal(r.status, 200, describe(r));
  return r.json.total;
}

srv.test('an agent saves a view of their own; its count is the list\'s total; nobody else sees it', async () => {
  await srv.intake('agent1', { subject_unit: 'SH-PD-02', category: 'finance.invoice', description: '拒开发票' });
  const filters = { status: 'open', category: 'finance', owner_unit: '' };
  delete filters.owner_unit;
  const r = await srv.as('agent1', 'POST', '/views', { body: { name: '发票类未办结', filters } });
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.shared, false);
  assert.deepEqual(r.json.filters, filters);
  const mine = (await views('agent1')).find((v) => v.id === r.json.id);
  assert.ok(mine, 'listed');
  const total = await listTotal('agent1', filters);
  assert.ok(total >= 1);
  assert.equal(mine.count, total, 'the count is the list\'s total');
  assert.ok(!(await views('agent2')).some((v) => v.id === r.json.id), 'another agent does not see it');
  const del = await srv.as('agent2', 'DELETE', `/views/${r.json.id}`);
  assert.equal(del.status, 404, 'nor remove it');

  // The shell: the views a person sees, and a view's complaints, as many as the list counts.
  const listed = await runCli(['complaints', '--db', srv.dbUrl, '--user', 'agent1', '--views']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok(listed.stdout.split('\n').some((l) => l.startsWith(`${r.json.id}\t发票类未办结\town\t`)), listed.stdout);
  const cli = await runCli(['complaints', '--db', srv.dbUrl, '--user', 'agent1', '--view', '发票类未办结', '--limit', '1000']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(cli.stdout.trim().split('\n').length, total);
  assert.match(cli.stderr, new RegExp(`${total} shown of ${total}`));
  const other = await runCli(['complaints', '--db', srv.dbUrl, '--user', 'agent2', '--view', '发票类未办结']);
  assert.equal(other.code, 2, 'agent2 does not see it');
  assert.match(other.stderr, /agent2 sees no view/);
});

srv.test('a supervisor shares a view with the unit; those below see it, counted in their own scope; those outside do not', async () => {
  const filters = { status: 'open', overdue: 'true' };
  const r = await srv.as('pdmgr', 'POST', '/views', { body: { name: '浦东超时工单', filters, shared: true } });
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.shared, true);
  assert.equal(r.json.unit.code, 'SH-PD');
  const pd = (await views('pd01')).find((v) => v.id === r.json.id);
  assert.ok(pd, 'a handler of a station below sees it');
  assert.equal(pd.count, await listTotal('pd01', filters), 'counted within the handler\'s own scope');
  assert.ok(!(await views('mh01')).some((v) => v.id === r.json.id), 'another region does not');
  assert.ok(!(await views('agent1')).some((v) => v.id === r.json.id), 'nor the centre');
  const byHandler = await srv.as('pd01', 'DELETE', `/views/${r.json.id}`);
  assert.equal(byHandler.status, 403, describe(byHandler));
  const notShared = await srv.as('agent1', 'POST', '/views', { body: { name: 'x', filters: {}, shared: true } });
  assert.equal(notShared.status, 403, 'an agent does not share');
  const gone = await srv.as('pdmgr', 'DELETE', `/views/${r.json.id}`);
  assert.equal(gone.status, 200, describe(gone));
  assert.ok(!(await views('pd01', false)).some((v) => v.id === r.json.id));
});

srv.test('a view\'s filters are the list\'s parameters, checked as the list checks them', async () => {
  const cases = [
    [{ name: '', filters: {} }, 'name'],
    [{ name: 'x'.repeat(41), filters: {} }, 'name'],
    [{ name: 'a', filters: { zzz: '1' } }, 'filters.zzz'],
    [{ name: 'a', filters: { cursor: 'c1' } }, 'filters.cursor'],
    [{ name: 'a', filters: { status: 'nope' } }, 'filters.status'],
    [{ name: 'a', filters: { overdue: true } }, 'filters.overdue'],
    [{ name: 'a', filters: { phone: '12' } }, 'filters.phone'],
    [{ name: 'a', filters: [] }, 'filters'],
    [{ name: 'a', filters: {}, shared: 'yes' }, 'shared'],
    [{ name: 'a', filters: {}, owner: 1 }, 'owner'],
  ];
  for (const [body, field] of cases) {
    const r = await srv.as('agent1', 'POST', '/views', { body });
    assert.ok(r.status === 400 || r.status === 422, `${JSON.stringify(body)}: ${describe(r)}`);
    assert.equal(r.json.error.field, field, `${JSON.stringify(body)}: ${describe(r)}`);
  }
  const bad = await srv.as('agent1', 'GET', '/views?counts=maybe');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'counts');
});

srv.test('a search view counts its matches', async () => {
  const c = await srv.intake('agent1', { description: '洗车机刮坏了后视镜，要求赔偿' });
  const r = await srv.as('agent1', 'POST', '/views', { body: { name: '洗车', filters: { q: '洗车机', status: '' } } });
  assert.equal(r.status, 201, describe(r));
  const v = (await views('agent1')).find((x) => x.id === r.json.id);
  assert.ok(v.count >= 1, `counted: ${JSON.stringify(v)}`);
  assert.equal(v.count, await listTotal('agent1', { q: '洗车机' }));
  assert.ok(c.number);
});
