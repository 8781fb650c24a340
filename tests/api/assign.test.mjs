// Assignment to a person (004: 將投訴工單分配給相應的處理部門或人員): a handler
// who accepts a work order becomes its assignee; the unit's handlers,
// supervisors and managers assign and reassign it among the handlers of the
// owning unit; "my work orders" (assignee=me) and each person's open load
// (GET /workload); a move to another unit leaves it unassigned.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, runCli, DEMO_PASSWORD } from './lib.mjs';

const srv = useServer();

async function userId(username) {
  const r = await srv.as('admin', 'GET', '/users');
  assert.equal(r.status, 200, describe(r));
  const u = r.json.items.find((x) => x.username === username);
  assert.ok(u, `user ${username}`);
  return u.id;
}

async function mine(username, id) {
  const r = await srv.as(username, 'GET', '/complaints?assignee=me&status=open&limit=200');
  assert.equal(r.status, 200, describe(r));
  return r.json.items.some((x) => x.id === id);
}

srv.test('accepting makes the handler the assignee; a supervisor reassigns; my work orders and the load follow', async () => {
  let r = await srv.as('admin', 'POST', '/users', {
    body: { username: 'pd01b', name: '浦东一站 李四', password: DEMO_PASSWORD, roles: ['handler'], unit: 'SH-PD-01' },
  });
  assert.equal(r.status, 201, describe(r));
  const [pd01, pd01b] = [await userId('pd01'), await userId('pd01b')];
  await srv.login('pd01b');

  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  assert.equal((await srv.get(c.id)).assignee, null, 'a unit, not a person, until someone takes it');

  // The form offers the handlers of the owning unit, by name.
  const acts = await srv.actions(c.id, 'pdmgr');
  const assign = acts.items.find((x) => x.action === 'assign');
  assert.ok(assign, `assign offered to the station's supervisor: ${JSON.stringify(acts.items.map((x) => x.action))}`);
  const field = assign.fields.find((f) => f.name === 'assignee');
  assert.deepEqual(field.options.map((o) => o.value).sort(), [String(pd01), String(pd01b)].sort());
  assert.ok(field.options.some((o) => o.label === '浦东一站 李四'));

  await srv.step('pd01', c.id, 'accept', {});
  let got = await srv.get(c.id);
  assert.equal(got.assignee.username, 'pd01', 'the handler who accepts carries it');
  assert.equal(await mine('pd01', c.id), true);
  assert.equal(await mine('pd01b', c.id), false);

  await srv.step('pdmgr', c.id, 'assign', { assignee: pd01b, note: '李四熟悉油品' });
  got = await srv.get(c.id);
  assert.equal(got.assignee.username, 'pd01b');
  assert.equal(await mine('pd01', c.id), false, 'reassigned: no longer pd01\'s');
  assert.equal(await mine('pd01b', c.id), true);
  const ev = (await srv.events(c.id)).find((e) => e.action === 'assign');
  assert.equal(ev.label, '指派');
  assert.equal(ev.payload.assignee, pd01b);

  // The reassignment form no longer offers the current assignee.
  const again = (await srv.actions(c.id, 'pdmgr')).items.find((x) => x.action === 'assign');
  assert.deepEqual(again.fields.find((f) => f.name === 'assignee').options.map((o) => o.value), [String(pd01)]);

  // Each person's open load, for the supervisor of the district.
  r = await srv.as('pdmgr', 'GET', '/workload');
  assert.equal(r.status, 200, describe(r));
  const row = r.json.items.find((x) => x.assignee && x.assignee.username === 'pd01b');
  assert.ok(row, describe(r));
  assert.equal(row.unit.code, 'SH-PD-01');
  assert.equal(row.open, 1);
  assert.ok(!r.json.items.some((x) => x.unit.code.startsWith('SH-MH')), 'another district is not in scope');
  r = await srv.as('pdmgr', 'GET', '/workload?unit=SH-MH-01');
  assert.equal(r.status, 404, describe(r));
  assert.equal(errorOf(r).field, 'unit');
  r = await srv.as('pdmgr', 'GET', '/workload?who=1');
  assert.equal(r.status, 400, describe(r));
  assert.equal((await srv.as('agent1', 'GET', '/workload')).status, 403);
  const board = await srv.as('pdmgr', 'GET', '/board');
  assert.equal(board.status, 200, describe(board));
  assert.ok(board.json.workload.some((x) => x.assignee && x.assignee.username === 'pd01b' && x.open === 1), 'the board shows it too');

  // A transfer to another station leaves it to be assigned there.
  await srv.step('pd01b', c.id, 'transfer', { unit: 'SH-PD-02', reason: '属二站辖区' });
  got = await srv.get(c.id);
  assert.equal(got.assignee, null);
  assert.equal(await mine('pd01b', c.id), false);

  const v = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(v.code, 0, `the histories replay: ${v.stdout}${v.stderr}`);
});

srv.test('only the owning unit\'s handlers can be assigned, only by those who handle it', async () => {
  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  const [mh01, pdmgr, pd01] = [await userId('mh01'), await userId('pdmgr'), await userId('pd01')];
  const bad = async (who, body, status, field) => {
    const r = await srv.act(who, c.id, 'assign', body);
    assert.equal(r.status, status, `${who} ${JSON.stringify(body)}: ${describe(r)}`);
    if (field) assert.equal(errorOf(r).field, field);
  };
  await bad('pdmgr', { assignee: mh01 }, 422, 'assignee'); // a handler of another station
  await bad('pdmgr', { assignee: pdmgr }, 422, 'assignee'); // not a handler of the station
  await bad('pdmgr', { assignee: 'pd01' }, 422, 'assignee'); // by id, as the form offers
  await bad('pdmgr', {}, 422, 'assignee');
  await bad('pdmgr', { assignee: pd01, whom: 1 }, 400, 'whom');
  await bad('agent1', { assignee: pd01 }, 403);
  await bad('mh01', { assignee: pd01 }, 404);
  assert.equal((await srv.as('pd01', 'GET', '/complaints?assignee=someone')).status, 400);

  // Not before it reaches a unit, nor once handled.
  const fresh = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  const r = await srv.act('super1', fresh.id, 'assign', { assignee: pd01 });
  assert.equal(r.status, 409, describe(r));
});

srv.test('assignee=none lists what nobody carries yet', async () => {
  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-03' });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-03' });
  let r = await srv.as('pdmgr', 'GET', '/complaints?assignee=none&status=open&limit=200');
  assert.equal(r.status, 200, describe(r));
  assert.ok(r.json.items.some((x) => x.id === c.id));
  await srv.step('pd03', c.id, 'accept', {});
  r = await srv.as('pdmgr', 'GET', '/complaints?assignee=none&status=open&limit=200');
  assert.ok(!r.json.items.some((x) => x.id === c.id));
  const item = (await srv.as('pdmgr', 'GET', '/complaints?assignee=me&status=open')).json.items;
  assert.equal(item.length, 0, 'a supervisor who accepted nothing carries nothing');
});

srv.test('redress act: a workflow step from the shell, as a user, with the API\'s checks', async () => {
  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-02' });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-02' });
  const pd02 = await userId('pd02');
  let r = await runCli(['act', c.number, 'assign', '--db', srv.dbUrl, '--as', 'pdmgr', '--fields', JSON.stringify({ assignee: pd02 })]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^${c.number}\\tdispatched\\tversion \\d+`));
  assert.equal((await srv.get(c.id)).assignee.username, 'pd02');
  r = await runCli(['act', String(c.id), 'assign', '--db', srv.dbUrl, '--as', 'agent1', '--fields', JSON.stringify({ assignee: pd02 })]);
  assert.notEqual(r.code, 0, 'an agent may not assign');
  r = await runCli(['act', c.number, 'return', '--db', srv.dbUrl, '--as', 'pd02', '--fields', '{}']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /reason/);
  r = await runCli(['act', c.number, 'return', '--db', srv.dbUrl, '--as', 'pd02', '--fields', '[1]']);
  assert.equal(r.code, 2);
});
