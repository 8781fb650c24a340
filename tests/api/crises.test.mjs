// Crises opened by hand (issue #22): a media complaint opens an incident
// (seed 000: 投诉事件引发媒体关注) with its response level worded by the
// pack, a team, tasks with owners and deadlines, instructions, a notice to
// customers on the portal (no login) and through the notification
// channels, complaints linked by hand, and a closing review.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, rfc3339, runCli } from './lib.mjs';

const srv = useServer();

srv.test('a media complaint opens an incident whose notice reaches the portal', async () => {
  const c = await srv.intake('agent1', { channel: 'media', description: '某报记者来电：加油站拒开发票，准备报道。', level: 1 });
  const r = await srv.as('super1', 'POST', '/incidents', { body: {
    title: '媒体关注：拒开发票', level: 2, description: '记者来电，拟报道该站拒开发票', complaint: c.number } });
  assert.equal(r.status, 201, describe(r));
  const inc = r.json;
  assert.equal(inc.manual, true);
  assert.equal(inc.status, 'open');
  assert.equal(inc.response_level.level, 2);
  assert.match(inc.response_level.name, /二级响应/, 'worded as a response level, not a complaint level');
  assert.equal(inc.anchor_unit.code, 'SH-PD-01', 'about the complaint\'s unit');
  assert.deepEqual(inc.complaints.map((x) => x.id), [c.id]);
  assert.equal(inc.complaints[0].level, 1, 'the complaint keeps its own level');
  assert.equal((await srv.get(c.id)).level, 1);

  const act = async (action, body, status = 200) => {
    const x = await srv.as('super1', 'POST', `/incidents/${inc.id}/actions/${action}`, { body });
    assert.equal(x.status, status, describe(x));
    return x.json;
  };
  await act('team', { user: 'super1', role: '组长' });
  let after = await act('team', { user: 'pd01', role: '现场负责人' });
  assert.deepEqual(after.team.map((m) => [m.user.username, m.role]), [['super1', '组长'], ['pd01', '现场负责人']]);
  const due = rfc3339(new Date(Date.now() + 4 * 3600e3));
  after = await act('task', { title: '调取监控录像', owner: 'pd01', due });
  assert.equal(after.tasks[0].owner.username, 'pd01');
  assert.equal(after.tasks[0].overdue, false);
  after = await act('task_done', { no: 1 });
  assert.ok(after.tasks[0].done_at);
  await act('task_done', { no: 1 }, 409);
  await act('instruct', { text: '统一由公司新闻发言人对外回应，站点不得接受采访' });

  // Before the notice, the portal shows nothing of it.
  const before = await srv.api('GET', '/portal/notices');
  assert.equal(before.status, 200, describe(before));
  assert.ok(!before.json.items.some((n) => n.id === inc.id));
  after = await act('notice', { text: '关于某加油站发票问题的说明：经核实已为客户补开发票，并对相关员工进行了培训。' });
  assert.ok(after.customer_notice.text.startsWith('关于'));
  const portal = await srv.api('GET', '/portal/notices');
  const n = portal.json.items.find((x) => x.id === inc.id);
  assert.ok(n, 'listed without signing in');
  assert.equal(n.title, '媒体关注：拒开发票');
  assert.ok(!('complaints' in n) && !('team' in n), 'nothing internal on the portal');
  // … and through the notification channels.
  const box = await srv.as('admin', 'GET', '/outbox?template=incident_notice');
  assert.equal(box.status, 200, describe(box));
  assert.ok(JSON.stringify(box.json).includes('incident_notice'), box.text);

  // Another complaint linked by hand.
  const d = await srv.intake('agent1', { description: '看到报道后来电投诉' });
  after = await act('add', { complaint: d.number });
  assert.equal(after.complaints.length, 2);

  const closed = await act('close', { summary: '已补开发票并公开说明，媒体未作负面报道', lessons: '发票政策培训纳入新员工入职' });
  assert.equal(closed.status, 'closed');
  assert.equal(closed.lessons, '发票政策培训纳入新员工入职');
  const gone = await srv.api('GET', '/portal/notices');
  assert.ok(!gone.json.items.some((x) => x.id === inc.id), 'a closed incident\'s notice is taken down');
});

srv.test('an incident opened from nothing, and the bodies refused', async () => {
  const r = await srv.as('super1', 'POST', '/incidents', { body: { title: '电话勒索', level: 3, description: '来电威胁在站内投毒，索要钱财', unit: 'SH-PD-02' } });
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.anchor_unit.code, 'SH-PD-02');
  assert.deepEqual(r.json.complaints, []);
  const bad = async (body, status, field) => {
    const x = await srv.as('super1', 'POST', '/incidents', { body });
    assert.equal(x.status, status, describe(x));
    assert.equal(errorOf(x).field, field, x.text);
  };
  await bad({ level: 1, description: 'x' }, 422, 'title');
  await bad({ title: 't', level: 4, description: 'x' }, 422, 'level');
  await bad({ title: 't', level: '一级', description: 'x' }, 422, 'level');
  await bad({ title: 't', level: 1 }, 422, 'description');
  await bad({ title: 't', level: 1, description: 'x', colour: 1 }, 400, 'colour');
  await bad({ title: 't', level: 1, description: 'x', unit: 'NOPE' }, 422, 'unit');
  const notFound = await srv.as('super1', 'POST', '/incidents', { body: { title: 't', level: 1, description: 'x', complaint: 'TS19990101-0001' } });
  assert.equal(notFound.status, 404, describe(notFound));
  const agent = await srv.as('agent1', 'POST', '/incidents', { body: { title: 't', level: 1, description: 'x' } });
  assert.equal(agent.status, 403);
  const id = r.json.id;
  const act = (action, body) => srv.as('super1', 'POST', `/incidents/${id}/actions/${action}`, { body });
  let x = await act('team', { user: 'nobody', role: '组长' });
  assert.equal(x.status, 422, describe(x));
  assert.equal(errorOf(x).field, 'user');
  x = await act('task', { title: '报警', owner: 'super1', due: 'tomorrow' });
  assert.equal(errorOf(x).field, 'due', x.text);
  x = await act('task', { title: '报警', owner: 'super1', due: rfc3339(), extra: 1 });
  assert.equal(x.status, 400, describe(x));
  x = await act('notice', { text: '' });
  assert.equal(errorOf(x).field, 'text', x.text);
});

srv.test('the shell opens an incident by hand and lists it', async () => {
  const c = await srv.intake('agent1', { description: '来电威胁：不赔偿就在网上曝光' });
  const open = await runCli(['incident', 'open', '--db', srv.dbUrl, '--as', 'super1', '--title', '电话恐吓', '--level', '1',
    '--description', '来电威胁曝光，索要赔偿', '--complaint', c.number]);
  assert.equal(open.code, 0, open.stderr);
  const id = Number(open.stdout.split('\t')[0]);
  const list = await runCli(['incident', 'list', '--db', srv.dbUrl]);
  assert.ok(list.stdout.split('\n').some((l) => l.startsWith(`${id}\topen\t1\t电话恐吓`)), list.stdout);
  const got = await srv.as('super1', 'GET', `/incidents/${id}`);
  assert.deepEqual(got.json.complaints.map((x) => x.id), [c.id]);
  const bad = await runCli(['incident', 'open', '--db', srv.dbUrl, '--as', 'super1', '--title', 'x', '--level', '5', '--description', 'y']);
  assert.notEqual(bad.code, 0);
  const agent = await runCli(['incident', 'open', '--db', srv.dbUrl, '--as', 'agent1', '--title', 'x', '--level', '1', '--description', 'y']);
  assert.notEqual(agent.code, 0, 'an agent does not open incidents');
});
