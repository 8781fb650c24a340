// Appeals to the regulator (issue #22): an appeal received before a
// holiday has its report due after it on the pack's working calendar; the
// branch writes it, headquarters reviews it (only headquarters), it is sent
// on time; the first complaint, the mediation opinion and the filing are
// recorded; the statistics count it by month and year.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, DEMO_PASSWORD, runCli } from './lib.mjs';

const srv = useServer();

async function hqManager() {
  const r = await srv.as('admin', 'POST', '/users', { body: { username: 'hqmgr', name: '总部审核', password: DEMO_PASSWORD, roles: ['manager'], unit: 'HQ' } });
  assert.ok(r.status === 201 || r.status === 409, describe(r));
}

srv.test('an appeal received before the National Day holiday: its report is due after it, reviewed by headquarters and sent on time', async () => {
  await hqManager();
  const first = await srv.intake('agent1', { received_at: '2026-09-20T10:00:00+08:00', description: '首次投诉：发票未开' });
  const appeal = await srv.intake('agent1', {
    channel: 'regulator', appeal_source: '12315', received_at: '2026-09-30T10:00:00+08:00', description: '12315 转来：发票问题未解决',
  });
  assert.equal(appeal.kind, 'appeal', describe({ status: 201, text: JSON.stringify(appeal) }));
  const put = (who, body) => srv.as(who, 'PUT', `/complaints/${appeal.id}/appeal-report`, { body });
  let r = await put('agent1', { registered: true, first_complaint: first.id, report: '经核实，已为客户补开发票并致歉。', filed: true });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.status, 'draft');
  assert.equal(r.json.registered, true);
  assert.equal(r.json.first_complaint.number, first.number);
  // Seven working days on the pack's calendar: the holiday of 1–7 October does not count.
  const due = r.json.due_at.slice(0, 10);
  assert.ok(due >= '2026-10-14', `due ${r.json.due_at}: after the holiday`);
  assert.ok(due <= '2026-10-16', `due ${r.json.due_at}`);

  const act = (who, action, body = {}) => srv.as(who, 'POST', `/complaints/${appeal.id}/appeal-report/actions/${action}`, { body });
  r = await act('agent1', 'approve');
  assert.equal(r.status, 409, describe(r));
  r = await act('agent1', 'submit');
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.status, 'review');
  r = await put('agent1', { report: '改写' });
  assert.equal(r.status, 409, 'a report under review is not rewritten');
  r = await act('manager1', 'approve');
  assert.equal(r.status, 403, 'a branch manager does not review its own report');
  r = await act('hqmgr', 'return', {});
  assert.equal(errorOf(r).field, 'note', r.text);
  r = await act('hqmgr', 'return', { note: '请补充整改措施' });
  assert.equal(r.json.status, 'draft');
  assert.equal(r.json.review_note, '请补充整改措施');
  r = await put('agent1', { report: '经核实，已为客户补开发票并致歉；站点已整改开票流程。' });
  assert.equal(r.status, 200, describe(r));
  await act('agent1', 'submit');
  r = await act('hqmgr', 'approve', { note: '同意上报' });
  assert.equal(r.json.status, 'approved');
  assert.equal(r.json.reviewed_by.username, 'hqmgr');
  r = await act('hqmgr', 'send');
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.status, 'sent');
  // Sent now, long after October: late by the clock of this run; what the test checks is that lateness is recorded.
  assert.equal(r.json.late, Date.now() > Date.parse(r.json.due_at));
  if (r.json.late) {
    // The branch submitted within headquarters' review time before the deadline (long after it): the branch is assessed.
    assert.equal(r.json.assessment.unit.code, 'SH-PD-01');
    assert.equal(r.json.assessment.amount, 200);
    assert.equal(r.json.assessment.points, 5);
  }
  // The regulator's mediation opinion arrives after it was sent.
  r = await put('agent1', { mediation: '经调解，双方达成一致，企业补偿代金券 50 元。' });
  assert.equal(r.status, 200, describe(r));
  assert.match(r.json.mediation, /调解/);

  const stats = await srv.as('super1', 'GET', '/appeals/stats?year=2026');
  assert.equal(stats.status, 200, describe(stats));
  const sep = stats.json.months.find((m) => m.month === '2026-09');
  assert.ok(sep.received >= 1 && sep.registered >= 1 && sep.filed >= 1 && sep.sent >= 1, JSON.stringify(sep));
  assert.equal(stats.json.months.length, 12);
  assert.ok(stats.json.total.received >= sep.received);
  assert.ok(stats.json.assessed.some((x) => x.unit.code === 'SH-PD-01' && x.late >= 1 && x.amount >= 200), JSON.stringify(stats.json.assessed));
});

srv.test('a report is refused for an ordinary complaint, and bad members are named', async () => {
  const c = await srv.intake('agent1');
  let r = await srv.as('agent1', 'PUT', `/complaints/${c.id}/appeal-report`, { body: { report: 'x' } });
  assert.equal(r.status, 409, describe(r));
  const a = await srv.intake('agent1', { channel: 'regulator', appeal_source: '12315' });
  r = await srv.as('agent1', 'PUT', `/complaints/${a.id}/appeal-report`, { body: { registered: 'yes' } });
  assert.equal(errorOf(r).field, 'registered', r.text);
  r = await srv.as('agent1', 'PUT', `/complaints/${a.id}/appeal-report`, { body: { first_complaint: 999999999 } });
  assert.equal(errorOf(r).field, 'first_complaint', r.text);
  r = await srv.as('agent1', 'PUT', `/complaints/${a.id}/appeal-report`, { body: { colour: 1 } });
  assert.equal(r.status, 400, describe(r));
  r = await srv.as('agent1', 'POST', `/complaints/${a.id}/appeal-report/actions/submit`, { body: {} });
  assert.equal(r.status, 404, 'no report yet');
  r = await srv.as('agent1', 'GET', `/complaints/${a.id}/appeal-report`);
  assert.equal(r.status, 404, describe(r));
  r = await srv.as('super1', 'GET', '/appeals/stats?year=soon');
  assert.equal(r.status, 400, describe(r));
});

srv.test('the shell prints the appeal statistics by month and takes a step of a report', async () => {
  const a = await srv.intake('agent1', { channel: 'regulator', appeal_source: '12315', received_at: '2026-03-10T10:00:00+08:00' });
  const r = await srv.as('agent1', 'PUT', `/complaints/${a.id}/appeal-report`, { body: { report: '已处理', registered: false } });
  assert.equal(r.status, 200, describe(r));
  const step = await runCli(['appeal', 'act', '--db', srv.dbUrl, '--as', 'agent1', '--complaint', a.number, '--action', 'submit']);
  assert.equal(step.code, 0, step.stderr);
  assert.match(step.stdout, new RegExp(`^${a.number}\treview\tdue `));
  const refused = await runCli(['appeal', 'act', '--db', srv.dbUrl, '--as', 'manager1', '--complaint', a.number, '--action', 'approve']);
  assert.notEqual(refused.code, 0, 'a branch manager does not review');
  const stats = await runCli(['appeal', 'stats', '--db', srv.dbUrl, '--year', '2026']);
  assert.equal(stats.code, 0, stats.stderr);
  const march = stats.stdout.split('\n').find((l) => l.startsWith('2026-03\t'));
  assert.ok(march && Number(march.split('\t')[1]) >= 1, stats.stdout);
});
