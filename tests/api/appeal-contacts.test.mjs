// Appeals (issue #22), the designated contact and the ledger: a unit names
// its appeals contact (申诉接口人, seed 001 §4.1.8), who covers the units
// below it, is shown on the appeal's report and told — an in-app notice in
// the outbox — when an appeal about their units is dispatched and when
// headquarters returns its report; a report sent after its deadline puts
// the pack's late_penalty entry against the unit assessed into the penalty
// ledger, and a pack without the rule puts none. The report's texts are
// customer data: sealed in the database, masked for every reader, in clear
// only in the audited view of a caller with the pii permission.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, DEMO_PASSWORD, runCli, runSqlite, runPsql, isPgUrl } from './lib.mjs';

const srv = useServer();

async function hqManager() {
  const r = await srv.as('admin', 'POST', '/users', { body: { username: 'hqmgr', name: '总部审核', password: DEMO_PASSWORD, roles: ['manager'], unit: 'HQ' } });
  assert.ok(r.status === 201 || r.status === 409, describe(r));
}

const contactPut = (unit, body, who = 'admin') => srv.as(who, 'PUT', `/units/${unit}/appeals-contact`, { body });
const unitRow = async (code) => (await srv.as('agent1', 'GET', '/units')).json.items.find((u) => u.code === code);
const outbox = async (id) => {
  const r = await srv.as('super1', 'GET', `/outbox?complaint=${id}`);
  assert.equal(r.status, 200, describe(r));
  return r.json.items;
};

srv.test('a unit names its appeals contact, who covers the units below it and is told of its appeals', async () => {
  await hqManager();
  // Refusals name what is wrong.
  assert.equal((await contactPut('SH-PD', { user: 'pdmgr' }, 'super1')).status, 403, 'administrators name contacts');
  let r = await contactPut('SH-PD', { user: 'nobody-here' });
  assert.equal(r.status, 422, describe(r));
  assert.equal(errorOf(r).field, 'user');
  r = await contactPut('SH-PD', {});
  assert.equal(errorOf(r).field, 'user', r.text);
  r = await contactPut('SH-PD', { user: 'pdmgr', colour: 1 });
  assert.equal(r.status, 400, describe(r));
  assert.equal((await contactPut('NOPE', { user: 'pdmgr' })).status, 404);

  // Two units: the Pudong region names its own; Minhang is covered by the branch's.
  r = await contactPut('SH-PD', { user: 'pdmgr' });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.appeals_contact.username, 'pdmgr');
  r = await contactPut('SH', { user: 'manager1' });
  assert.equal(r.status, 200, describe(r));
  assert.equal((await unitRow('SH-PD')).appeals_contact.username, 'pdmgr');
  assert.equal((await unitRow('SH-MH')).appeals_contact, null, 'a unit without its own is shown without one');

  const pd = await srv.intake('agent1', { channel: 'regulator', appeal_source: '12315', subject_unit: 'SH-PD-01' });
  const mh = await srv.intake('agent1', { channel: 'regulator', appeal_source: '12315', subject_unit: 'SH-MH-01' });
  for (const [c, who, unit] of [[pd, 'pdmgr', 'SH-PD'], [mh, 'manager1', 'SH']]) {
    r = await srv.as('agent1', 'PUT', `/complaints/${c.id}/appeal-report`, { body: { report: '已核实处理' } });
    assert.equal(r.status, 200, describe(r));
    assert.equal(r.json.contact.user.username, who, `the report of ${c.number} shows its contact`);
    assert.equal(r.json.contact.unit.code, unit);
  }

  // Dispatched to the station: the contact is told, once per dispatch; an ordinary complaint tells nobody.
  await srv.step('agent1', pd.id, 'dispatch', { unit: 'SH-PD-01' });
  let notes = (await outbox(pd.id)).filter((m) => m.template === 'appeal_dispatched');
  assert.equal(notes.length, 1, JSON.stringify(notes));
  assert.equal(notes[0].recipient_user.username, 'pdmgr');
  assert.equal(notes[0].channel, 'internal');
  assert.equal(notes[0].payload.number, pd.number);
  const plain = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  await srv.step('agent1', plain.id, 'dispatch', { unit: 'SH-PD-01' });
  assert.ok(!(await outbox(plain.id)).some((m) => m.template === 'appeal_dispatched'));

  // Headquarters returns the report: the contact is told why.
  await srv.as('agent1', 'POST', `/complaints/${pd.id}/appeal-report/actions/submit`, { body: {} });
  r = await srv.as('hqmgr', 'POST', `/complaints/${pd.id}/appeal-report/actions/return`, { body: { note: '请补充整改措施' } });
  assert.equal(r.status, 200, describe(r));
  notes = (await outbox(pd.id)).filter((m) => m.template === 'appeal_returned');
  assert.equal(notes.length, 1, JSON.stringify(notes));
  assert.equal(notes[0].recipient_user.username, 'pdmgr');
  assert.equal(notes[0].payload.number, pd.number);
  assert.ok(!JSON.stringify(notes[0].payload).includes('整改'), 'the remark stays on the report');

  // Removed: the branch's contact covers Pudong again.
  r = await contactPut('SH-PD', { user: null });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.appeals_contact, null);
  r = await srv.as('agent1', 'GET', `/complaints/${pd.id}/appeal-report`);
  assert.equal(r.json.contact.user.username, 'manager1');
});

srv.test('the shell names and removes a unit\'s appeals contact', async () => {
  let r = await runCli(['unit', 'contact', 'SH-MH', '--user', 'mhmgr', '--db', srv.dbUrl]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /SH-MH: mhmgr/);
  assert.equal((await unitRow('SH-MH')).appeals_contact.username, 'mhmgr');
  r = await runCli(['unit', 'contact', 'SH-MH', '--user', 'nobody-here', '--db', srv.dbUrl]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /user/);
  r = await runCli(['unit', 'contact', 'SH-MH', '--clear', '--db', srv.dbUrl]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await unitRow('SH-MH')).appeals_contact, null);
});

// Sends the report of a new appeal about unit received long ago: late by the clock of any run.
async function sendLate(unit) {
  const a = await srv.intake('agent1', { channel: 'regulator', appeal_source: '12315', subject_unit: unit, received_at: '2026-03-10T10:00:00+08:00' });
  let r = await srv.as('agent1', 'PUT', `/complaints/${a.id}/appeal-report`, { body: { report: '已核实处理' } });
  assert.equal(r.status, 200, describe(r));
  for (const [who, action] of [['agent1', 'submit'], ['hqmgr', 'approve'], ['hqmgr', 'send']]) {
    r = await srv.as(who, 'POST', `/complaints/${a.id}/appeal-report/actions/${action}`, { body: {} });
    assert.equal(r.status, 200, `${action}: ${describe(r)}`);
  }
  assert.equal(r.json.late, true);
  return { appeal: a, report: r.json };
}

const ledgerOf = async (id) => {
  const r = await srv.as('manager1', 'GET', '/penalties?status=active');
  assert.equal(r.status, 200, describe(r));
  return r.json.items.filter((p) => p.complaint.id === id);
};

srv.test('a report sent late puts the pack\'s penalty against the unit assessed into the ledger; a pack without the rule puts none', async () => {
  await hqManager();
  const { appeal, report } = await sendLate('SH-MH-02');
  assert.equal(report.assessment.unit.code, 'SH-MH-02');
  let entries = await ledgerOf(appeal.id);
  assert.equal(entries.length, 1, JSON.stringify(entries));
  assert.equal(entries[0].rule, 'appeal_late');
  assert.equal(entries[0].unit.code, 'SH-MH-02');
  assert.equal(entries[0].amount, 200);
  assert.equal(entries[0].points, 5);
  const events = await srv.events(appeal.id);
  assert.ok(events.some((e) => e.action === 'appeal_late'), 'an event in the appeal\'s history');
  const csv = await srv.as('manager1', 'GET', `/penalties?month=${entries[0].month}&format=csv`);
  assert.match(csv.text, new RegExp(appeal.number));

  // Closing the appeal afterwards keeps the entry and numbers its own after it.
  await srv.step('agent1', appeal.id, 'answer', {
    answer: '已答复客户', nature: 'valid', cause: '开票延误', responsibility: 'company',
    responsible_unit: 'SH-MH-02', responsible_person: '加油员 李强', corrective_action: '整改开票流程',
  });
  entries = await ledgerOf(appeal.id);
  assert.ok(entries.length > 1, JSON.stringify(entries));
  assert.ok(entries.some((p) => p.rule === 'appeal_late' && p.no === 1), JSON.stringify(entries));
  assert.equal(new Set(entries.map((p) => p.no)).size, entries.length, 'every entry its own number');
  const verify = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);

  // The same pack without appeals.late_penalty: the lateness is recorded, the ledger gets nothing.
  const versions = (await srv.as('admin', 'GET', '/config/versions')).json.items;
  const active = versions.find((x) => x.active);
  const { pack } = (await srv.as('admin', 'GET', `/config/versions/${active.version}`)).json;
  const { late_penalty: _dropped, ...appeals } = pack.appeals;
  const on = await srv.as('admin', 'POST', '/config/versions', { body: { reason: '申诉逾期不另行考核', pack: { ...pack, appeals } } });
  assert.equal(on.status, 201, describe(on));
  const none = await sendLate('SH-MH-03');
  assert.equal(none.report.late, true);
  assert.equal((await ledgerOf(none.appeal.id)).length, 0);
  assert.ok(!(await srv.events(none.appeal.id)).some((e) => e.action === 'appeal_late'));
});

srv.test('the report\'s texts are sealed: masked for every reader, in clear only in the pii permission\'s audited view', async () => {
  const a = await srv.intake('agent1', { channel: 'regulator', appeal_source: '12315', subject_unit: 'SH-PD-01',
    customer: { name: '司马光明', phone: '13912345678' } });
  const text = '经核实，已致电司马光明（13912345678）补开发票并致歉。';
  let r = await srv.as('agent1', 'PUT', `/complaints/${a.id}/appeal-report`, { body: { report: text, mediation: '司马光明同意调解' } });
  assert.equal(r.status, 200, describe(r));
  for (const body of [r.json, (await srv.as('manager1', 'GET', `/complaints/${a.id}/appeal-report`)).json]) {
    assert.ok(!body.report.includes('司马光明') && !body.report.includes('13912345678'), body.report);
    assert.match(body.report, /补开发票并致歉/, 'the rest stays readable');
    assert.match(body.report, /139\*{4}5678/);
    assert.ok(!body.mediation.includes('司马光明'), body.mediation);
  }
  // At rest: sealed, never the clear text.
  const q = `SELECT report FROM appeal_reports WHERE complaint_id = ${a.id}`;
  const stored = isPgUrl(srv.dbUrl) ? await runPsql(srv.dbUrl, q) : await runSqlite(srv.dbUrl.slice('sqlite:'.length), q);
  assert.ok(!stored.includes('司马光明'), stored);
  assert.match(stored, /^pii1:/);
  // In clear: the audited view of the complaint's customer data holds the report.
  const clear = await srv.as('agent1', 'POST', `/complaints/${a.id}/pii`, { body: {} });
  assert.equal(clear.status, 200, describe(clear));
  assert.equal(clear.json.appeal_report.report, text);
  assert.equal(clear.json.appeal_report.mediation, '司马光明同意调解');
  const audit = await srv.as('auditor1', 'GET', `/audit?action=pii_view&subject=complaint:${a.id}`);
  assert.equal(audit.status, 200, describe(audit));
  assert.ok(audit.json.items.some((x) => x.subject === `complaint:${a.id}`), 'the view in clear is audited');
  const denied = await srv.as('auditor1', 'POST', `/complaints/${a.id}/pii`, { body: {} });
  assert.equal(denied.status, 403, describe(denied));
  // Submitting and headquarters' remark keep them sealed too.
  await hqManager();
  await srv.as('agent1', 'POST', `/complaints/${a.id}/appeal-report/actions/submit`, { body: {} });
  r = await srv.as('hqmgr', 'POST', `/complaints/${a.id}/appeal-report/actions/return`, { body: { note: '请写明对司马光明的补偿' } });
  assert.equal(r.status, 200, describe(r));
  assert.ok(!r.json.review_note.includes('司马光明'), r.json.review_note);
  assert.equal((await srv.as('agent1', 'POST', `/complaints/${a.id}/pii`, { body: {} })).json.appeal_report.review_note, '请写明对司马光明的补偿');
});
