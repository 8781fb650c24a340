// Answering on the spot (当场答复) closes a complaint at intake, so the gas-station
// pack's closing requirements and penalty rules (seed 000 art. 3-4, 20) apply
// to it as to a close: a valid complaint needs its cause, responsibility,
// responsible unit and person and corrective action; an invalid one's
// explanation is the answer given; a company-caused one writes the ledger.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, localDate } from './lib.mjs';

const srv = useServer();
const MONTH = localDate(new Date()).slice(0, 7); // answered now: this month's ledger

const VALID_ANSWER = {
  answer: '已当场向客户致歉，并为其补开发票', nature: 'valid', cause: '加油员高峰时段拒绝开具发票',
  responsibility: 'company', responsible_unit: 'SH-PD-01', responsible_person: '加油员 李强',
  corrective_action: '班前会通报，全站重新学习开票规定',
};

async function ledgerOf(id) {
  const r = await srv.as('manager1', 'GET', `/penalties?month=${MONTH}`);
  assert.equal(r.status, 200, describe(r));
  return r.json.items.filter((p) => p.complaint.id === id);
}

srv.test('the answer form lists the closing fields the pack requires, with their options', async () => {
  const c = await srv.intake('agent1');
  const list = await srv.actions(c.id, 'agent1');
  const answer = list.items.find((a) => a.action === 'answer');
  assert.ok(answer, `answer offered: ${list.items.map((a) => a.action)}`);
  const f = Object.fromEntries(answer.fields.map((x) => [x.name, x]));
  assert.equal(answer.fields[0].name, 'answer', 'the answer comes first');
  assert.equal(f.answer.required, true);
  assert.equal(f.nature.required, true, 'a registered complaint has no nature yet');
  for (const name of ['cause', 'responsibility', 'responsible_unit', 'responsible_person', 'corrective_action']) {
    assert.equal(f[name]?.required, true, `${name} required for a valid complaint: ${JSON.stringify(f[name])}`);
  }
  assert.deepEqual(f.responsibility.options.map((o) => o.value), ['company', 'handled_properly', 'withdrawn', 'customer', 'third_party']);
  assert.deepEqual(f.adoption.options.map((o) => o.value), ['adopted', 'studying', 'not_adopted']);
  assert.equal(f.responsible_unit.type, 'unit');
});

srv.test('answering a valid complaint on the spot without a required field is refused, naming it; nothing is written', async () => {
  const c = await srv.intake('agent1');
  const before = await srv.get(c.id);
  for (const name of ['cause', 'responsibility', 'responsible_unit', 'responsible_person', 'corrective_action']) {
    const body = { ...VALID_ANSWER };
    delete body[name];
    const r = await srv.act('agent1', c.id, 'answer', body);
    assert.equal(r.status, 422, `without ${name}: ${describe(r)}`);
    assert.equal(errorOf(r).field, name, `the refusal names ${name}: ${describe(r)}`);
  }
  const blank = await srv.act('agent1', c.id, 'answer', { ...VALID_ANSWER, corrective_action: '  ' });
  assert.equal(errorOf(blank).field, 'corrective_action', describe(blank));
  const after = await srv.get(c.id);
  assert.equal(after.version, before.version, 'refused answers change nothing');
  assert.equal(after.status, 'registered');
  assert.equal(after.first_contact, false);
  assert.deepEqual(await ledgerOf(c.id), [], 'no ledger entry from a refused answer');
});

srv.test('a valid attitude complaint answered on the spot, company responsible: closed with the 200 yuan ledger entries', async () => {
  const c = await srv.intake('agent1');
  const closed = await srv.step('agent1', c.id, 'answer', VALID_ANSWER);
  assert.equal(closed.status, 'closed');
  assert.equal(closed.first_contact, true);
  assert.equal(closed.nature, 'valid');
  assert.equal(closed.answer.responsible_person, '加油员 李强');
  assert.equal(closed.answer.corrective_action, VALID_ANSWER.corrective_action);
  const byRole = Object.fromEntries(closed.penalties.map((p) => [p.role, p]));
  assert.deepEqual(Object.keys(byRole).sort(), ['region_manager', 'staff', 'station', 'station_manager']);
  assert.equal(byRole.staff.amount, 200);
  assert.equal(byRole.staff.person, '加油员 李强');
  assert.equal(byRole.station_manager.amount, 100);
  assert.equal(byRole.station_manager.unit.code, 'SH-PD-01');
  assert.equal(byRole.region_manager.amount, 50);
  assert.equal(byRole.region_manager.unit.code, 'SH-PD');
  assert.equal(byRole.station.award_loss, true);

  const mine = await ledgerOf(c.id);
  assert.equal(mine.length, 4, JSON.stringify(mine));
  for (const p of mine) {
    assert.equal(p.month, MONTH);
    assert.equal(p.status, 'active');
    assert.equal(p.rule, 'valid_complaint');
  }
  assert.deepEqual(mine.map((p) => p.amount).sort((a, b) => a - b), [0, 50, 100, 200]);
  const ev = (await srv.events(c.id)).find((e) => e.action === 'answer');
  assert.equal(ev.payload.penalties.length, 4, 'the answer event decided them');
  // A manager may waive an entry of an answered complaint as of a closed one.
  const w = await srv.step('manager1', c.id, 'waive_penalty', { entry: '1', reason: '客户撤回对员工的投诉' });
  assert.equal(w.penalties.find((p) => p.no === 1).status, 'waived');
  assert.equal((await ledgerOf(c.id)).find((p) => p.no === 1).status, 'waived');
});

srv.test('a valid complaint of the customer\'s own cause answered on the spot writes no penalty', async () => {
  const c = await srv.intake('agent1');
  const closed = await srv.step('agent1', c.id, 'answer', { ...VALID_ANSWER, responsibility: 'customer' });
  assert.equal(closed.status, 'closed');
  assert.deepEqual(closed.penalties, []);
  assert.deepEqual(await ledgerOf(c.id), []);
});

srv.test('an invalid complaint answered on the spot: the answer is the explanation given', async () => {
  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-02', description: '来电人称在龙东大道加油站洗车被多收费' });
  const answer = '经核对小票抬头，所述站点为其他品牌加油站，已向客户说明';
  const list = await srv.actions(c.id, 'agent1');
  const f = list.items.find((a) => a.action === 'answer').fields.find((x) => x.name === 'explanation');
  assert.equal(f.required, false, 'the answer serves as the explanation');
  const closed = await srv.step('agent1', c.id, 'answer', { answer, nature: 'invalid' });
  assert.equal(closed.status, 'closed');
  assert.equal(closed.nature, 'invalid');
  assert.equal(closed.answer.explanation, answer);
  assert.deepEqual(closed.penalties, []);
  // An explanation of its own is kept.
  const d = await srv.intake('agent1');
  const own = await srv.step('agent1', d.id, 'answer', { answer: '已说明', nature: 'invalid', explanation: '来电人酒后投诉，无相关交易记录' });
  assert.equal(own.answer.explanation, '来电人酒后投诉，无相关交易记录');
});

srv.test('a suggestion answered on the spot needs what becomes of it', async () => {
  const c = await srv.intake('agent1', { category: 'service.attitude' });
  const r = await srv.act('agent1', c.id, 'answer', { answer: '感谢建议', nature: 'suggestion' });
  assert.equal(r.status, 422, describe(r));
  assert.equal(errorOf(r).field, 'adoption');
  const done = await srv.step('agent1', c.id, 'answer', { answer: '感谢建议，已转相关部门', nature: 'suggestion', adoption: 'studying' });
  assert.equal(done.status, 'closed');
  assert.equal(done.answer.adoption, 'studying');
  assert.deepEqual(done.penalties, []);
});

srv.test('a major case is not answered on the spot but by a manager; a media complaint gets no answer on site', async () => {
  // Level 1 given at intake: the pack's closing section lets only a manager close it.
  const major = await srv.intake('agent1', { level: 1 });
  const offered = (await srv.actions(major.id, 'agent1')).items.map((a) => a.action);
  assert.ok(!offered.includes('answer'), `an agent is not offered answer on a level-1 complaint: ${offered}`);
  let r = await srv.act('agent1', major.id, 'answer', VALID_ANSWER);
  assert.equal(r.status, 403, describe(r));
  assert.equal((await srv.get(major.id)).status, 'registered', 'nothing was written');
  const done = await srv.step('manager1', major.id, 'answer', VALID_ANSWER);
  assert.equal(done.status, 'closed', 'a manager may close it on the spot');
  // A media complaint (level 1, answered by headquarters only, seed 000): not answered at the centre.
  const media = await srv.intake('agent1', { channel: 'media' });
  assert.equal(media.level, 1);
  r = await srv.act('agent1', media.id, 'answer', VALID_ANSWER);
  assert.equal(r.status, 403, describe(r));
  r = await srv.act('manager1', media.id, 'answer', VALID_ANSWER);
  assert.equal(r.status, 403, `the branch's manager is not headquarters either: ${describe(r)}`);
});
