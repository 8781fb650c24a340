// Hearing back from the customer (issue: surveys): the revisit with answers
// per question, the single-use survey link answered on the portal, the
// customer's reaction at the reply, and closing when the customer still
// does not accept the company's position.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, storedText, latin1 } from './lib.mjs';

const srv = useServer();


const VALID_CLOSE = {
  nature: 'valid', cause: '加油员高峰时段服务用语不规范', responsibility: 'company', responsible_unit: 'SH-PD-01',
  responsible_person: '加油员 李强', corrective_action: '班前会通报，全站重新学习服务规范',
};

// A valid complaint walked to `replied` (awaiting its revisit).
async function replied(reaction) {
  let c = await srv.intake('agent1');
  c = await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01', note: '请核实处理' });
  c = await srv.step('pd01', c.id, 'accept', { note: '已签收' });
  c = await srv.step('pd01', c.id, 'resolve', { resolution_type: 'explanation', resolution: '已向客户道歉并整改', nature: 'valid' });
  return srv.step('agent1', c.id, 'reply', { method: 'phone', content: '已电话告知处理结果', ...(reaction ? { reaction } : {}) });
}

async function revisitField(id) {
  const acts = await srv.actions(id, 'agent1');
  const revisit = acts.items.find((a) => a.action === 'revisit');
  assert.ok(revisit, JSON.stringify(acts));
  return revisit.fields.find((f) => f.name === 'answers');
}

srv.test('the revisit form carries the survey of the complaint\'s category, in order, and the reply its reaction', async () => {
  const c = await replied('rejects');
  assert.equal(c.reply.reaction, 'rejects', 'the customer\'s attitude to the solution is recorded at the reply');
  const field = await revisitField(c.id);
  assert.equal(field.type, 'survey');
  assert.equal(field.required, false);
  const codes = field.questions.map((q) => q.code);
  assert.deepEqual(codes.slice(0, 3), ['result', 'process', 'staff'], 'the pack\'s general questions first');
  assert.ok(field.questions.every((q) => q.scale === 5 && typeof q.question === 'string' && q.question), JSON.stringify(field));
  const bad = await srv.act('agent1', c.id, 'reply', { method: 'phone', content: 'x', reaction: 'maybe' });
  assert.ok(bad.status === 409 || bad.status === 422, describe(bad));
});

srv.test('answers per question are checked, stored with the revisit and shown on the complaint', async () => {
  const c = await replied();
  const expect = async (answers, field) => {
    const r = await srv.act('agent1', c.id, 'revisit', { method: 'phone', result: 'satisfied', answers });
    assert.equal(r.status, field.endsWith('.zzz') ? 400 : 422, describe(r));
    assert.equal(errorOf(r).field, field, r.text);
  };
  await expect([{ question: 'nope', score: 5 }], 'answers[0].question');
  await expect([{ question: 'result', score: 6 }], 'answers[0].score');
  await expect([{ question: 'result', score: 0 }], 'answers[0].score');
  await expect([{ question: 'result', score: '5' }], 'answers[0].score');
  await expect([{ question: 'result', score: 5 }, { question: 'result', score: 4 }], 'answers[1].question');
  await expect([{ question: 'result', score: 5, zzz: 1 }], 'answers[0].zzz');
  await expect([{ question: 'result', score: 5, text: 'x'.repeat(501) }], 'answers[0].text');
  const notArray = await srv.act('agent1', c.id, 'revisit', { method: 'phone', result: 'satisfied', answers: { result: 5 } });
  assert.equal(errorOf(notArray).field, 'answers', notArray.text);
  assert.equal((await srv.get(c.id)).status, 'replied', 'nothing was taken');

  const answers = [{ question: 'staff', score: 4, text: '站长态度很好' }, { question: 'result', score: 5 }];
  const done = await srv.step('agent1', c.id, 'revisit', { method: 'phone', result: 'satisfied', answers });
  assert.equal(done.status, 'revisited');
  assert.deepEqual(done.revisit.answers.map((a) => [a.question, a.score]), [['result', 5], ['staff', 4]],
    'in the questions\' order');
  assert.equal(done.revisit.follow_up, undefined, 'no follow-up for good scores');
  const clear = (await srv.clear(c.id)).complaint;
  assert.equal(clear.revisit.answers[1].text, '站长态度很好', 'the customer\'s words, for those who may see them');
  // The words are the customer's: sealed like every free text of a step, nowhere on disk in clear.
  const stored = await storedText(srv);
  assert.ok(stored.includes(latin1(c.number)), 'the check reads what is stored');
  assert.ok(!stored.includes(latin1('站长态度很好')), 'the answer\'s words are sealed');
});

srv.test('a low score asks for a follow-up even when the agent records "basically satisfied"', async () => {
  const c = await replied();
  const done = await srv.step('agent1', c.id, 'revisit', {
    method: 'phone', result: 'basically_satisfied', answers: [{ question: 'result', score: 4 }, { question: 'process', score: 2 }],
  });
  assert.equal(done.revisit.follow_up, true);
  // the follow-up is a task in the work list of the unit that owns the complaint, written with the revisit
  const out = await srv.as('super1', 'GET', `/outbox?complaint=${c.id}`);
  const task = out.json.items.filter((m) => m.template === 'revisit_follow_up');
  assert.equal(task.length, 1, out.text);
  assert.equal(task[0].recipient_unit.code, 'SH-PD-01');
  assert.equal(task[0].payload.number, c.number);
  const fine = await replied();
  await srv.step('agent1', fine.id, 'revisit', { method: 'phone', result: 'satisfied', answers: [{ question: 'result', score: 5 }] });
  const none = await srv.as('super1', 'GET', `/outbox?complaint=${fine.id}`);
  assert.ok(!none.json.items.some((m) => m.template === 'revisit_follow_up'), 'no task for a satisfied customer');
});

srv.test('the survey link: made for a replied complaint, opened and answered once on the portal, no sign-in', async () => {
  const c = await replied();
  const early = await srv.intake('agent1');
  const refused = await srv.as('agent1', 'POST', `/complaints/${early.id}/survey-link`, {});
  assert.equal(refused.status, 409, describe(refused));
  const handler = await srv.as('pd01', 'POST', `/complaints/${c.id}/survey-link`, {});
  assert.equal(handler.status, 403, 'the service centre sends surveys');

  const r = await srv.as('agent1', 'POST', `/complaints/${c.id}/survey-link`, {});
  assert.equal(r.status, 201, describe(r));
  const { url, token, expires_at: expires } = r.json;
  assert.match(token, /^rd_v_[A-Za-z0-9_-]{40,}$/);
  assert.ok(url.endsWith(`/#/survey/${token}`), url);
  const days = (Date.parse(expires) - Date.now()) / 86400000;
  assert.ok(days > 6.9 && days <= 7.01, `a week, as the seeds ask: ${expires}`);

  const open = await srv.api('GET', `/portal/surveys/${token}`);
  assert.equal(open.status, 200, describe(open));
  assert.equal(open.json.number, c.number);
  assert.deepEqual(open.json.questions.slice(0, 3).map((q) => q.code), ['result', 'process', 'staff']);
  assert.ok(!/李|agent1|pd01|1[3-9]\d{9}/.test(open.text), `no staff names or customer data: ${open.text}`);
  const none = await srv.api('GET', '/portal/surveys/rd_v_nosuchtoken');
  assert.equal(none.status, 404);

  const bad = await srv.api('POST', `/portal/surveys/${token}`, { body: { answers: [{ question: 'result', score: 9 }] } });
  assert.equal(bad.status, 422, describe(bad));
  assert.equal(errorOf(bad).field, 'answers[0].score');
  const unknown = await srv.api('POST', `/portal/surveys/${token}`, { body: { answers: [], result: 'satisfied' } });
  assert.equal(unknown.status, 400, 'the customer cannot choose the result or the method');
  assert.equal(errorOf(unknown).field, 'result');
  const empty = await srv.api('POST', `/portal/surveys/${token}`, { body: { answers: [] } });
  assert.equal(empty.status, 422);
  assert.equal(errorOf(empty).field, 'answers');

  const ok = await srv.api('POST', `/portal/surveys/${token}`, {
    body: { answers: [{ question: 'result', score: 2 }, { question: 'staff', score: 3, text: '处理太慢' }], remarks: '希望下次快一点' },
  });
  assert.equal(ok.status, 200, describe(ok));
  assert.equal(ok.json.result, 'dissatisfied', 'a score of 2 is dissatisfied');
  const after = (await srv.clear(c.id)).complaint;
  assert.equal(after.status, 'revisited');
  assert.equal(after.revisit.method, 'link');
  assert.equal(after.revisit.result, 'dissatisfied');
  assert.equal(after.revisit.remarks, '希望下次快一点');
  assert.equal(after.revisit.follow_up, true);
  assert.deepEqual(after.revisit.answers.map((a) => a.question), ['result', 'staff']);

  const again = await srv.api('POST', `/portal/surveys/${token}`, { body: { answers: [{ question: 'result', score: 5 }] } });
  assert.equal(again.status, 410, 'a second use is 410');
  assert.equal((await srv.api('GET', `/portal/surveys/${token}`)).status, 410);
});

srv.test('after a dissatisfied revisit a supervisor closes without agreement, the company\'s position stated', async () => {
  const c = await replied();
  const v = await srv.step('agent1', c.id, 'revisit', { method: 'phone', result: 'dissatisfied', remarks: '客户仍要求赔偿' });
  const agentActs = (await srv.actions(v.id, 'agent1')).items.map((a) => a.action);
  assert.ok(agentActs.includes('reopen') && !agentActs.includes('close_unaccepted'), `an agent reopens only: ${agentActs}`);
  const sup = await srv.actions(v.id, 'super1');
  const names = sup.items.map((a) => a.action);
  assert.ok(names.includes('reopen') && names.includes('close_unaccepted'), `besides reopening: ${names}`);
  const form = sup.items.find((a) => a.action === 'close_unaccepted');
  const explanation = form.fields.find((f) => f.name === 'explanation');
  assert.ok(explanation && explanation.required, JSON.stringify(form.fields));
  assert.ok(form.fields.some((f) => f.name === 'cause' && f.required), 'the closing fields of a valid complaint');

  const forbidden = await srv.act('agent1', c.id, 'close_unaccepted', { ...VALID_CLOSE, explanation: '公司立场已说明' });
  assert.equal(forbidden.status, 403, describe(forbidden));
  const missing = await srv.act('super1', c.id, 'close_unaccepted', VALID_CLOSE);
  assert.equal(errorOf(missing).field, 'explanation', missing.text);
  const closed = await srv.step('super1', c.id, 'close_unaccepted', {
    ...VALID_CLOSE, explanation: '已向客户说明：油品检测合格，公司不予赔偿，客户仍不认可',
  });
  assert.equal(closed.status, 'closed');
  assert.equal(closed.closing.unaccepted, true, 'its own count in the statistics');
  // The satisfied path stays as it was: close is refused after a dissatisfied revisit.
  const other = await replied();
  await srv.step('agent1', other.id, 'revisit', { method: 'phone', result: 'satisfied' });
  const nope = await srv.act('super1', other.id, 'close_unaccepted', { ...VALID_CLOSE, explanation: 'x' });
  assert.equal(nope.status, 409, describe(nope));
});

// Last in this file: it publishes a pack version that the complaints replied to afterwards follow.
srv.test('the pack decides who is revisited and how: a share sampled, VIPs always and with a visit, tries before unreachable', async () => {
  const v = await srv.as('admin', 'GET', '/config/versions');
  const active = v.json.items.find((x) => x.active);
  const { pack } = (await srv.as('admin', 'GET', `/config/versions/${active.version}`)).json;
  const bad = await srv.as('admin', 'POST', '/config/versions', { body: { reason: 'x', pack: { ...pack, revisit: { attempts: 0 } } } });
  assert.equal(bad.status, 422);
  assert.equal(errorOf(bad).field, 'pack.revisit.attempts');
  const revisit = { attempts: 2, sample_percent: 0, always: { classes: ['vip'], levels: [1] }, visit: { classes: ['vip'] } };
  const pub = await srv.as('admin', 'POST', '/config/versions', { body: { reason: '回访抽样：VIP 必访并面访', pack: { ...pack, revisit } } });
  assert.equal(pub.status, 201, describe(pub));

  // An ordinary customer, outside the sample: closed straight after the reply.
  const plain = await replied();
  assert.equal(plain.reply.revisit_required, false);
  const clock = (c, name) => c.clocks.find((k) => k.name === name);
  assert.equal(clock(plain, 'revisit'), undefined, 'no revisit clock for a complaint outside the sample');
  assert.equal(clock(plain, 'close')?.state, 'running', 'the closing clock runs from the reply');
  const closed = await srv.step('agent1', plain.id, 'close', VALID_CLOSE);
  assert.equal(closed.status, 'closed');

  // A VIP: always revisited, by phone and a visit; two tries before unreachable.
  let c = await srv.intake('agent1', { customer: { name: '周女士', phone: '13912340000', class: 'vip' } });
  c = await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  c = await srv.step('pd01', c.id, 'accept', {});
  c = await srv.step('pd01', c.id, 'resolve', { resolution_type: 'solution', resolution: '已致歉', nature: 'valid' });
  c = await srv.step('agent1', c.id, 'reply', { method: 'phone', content: '已告知' });
  assert.equal(c.reply.revisit_required, true);
  assert.equal(c.reply.visit_required, true);
  assert.equal((await srv.act('agent1', c.id, 'close', VALID_CLOSE)).status, 409, 'a VIP is revisited before closing');
  const early = await srv.act('agent1', c.id, 'revisit', { method: 'phone', result: 'unreachable' });
  assert.equal(errorOf(early).field, 'result', 'tried once only: not yet unreachable');
  c = await srv.step('agent1', c.id, 'revisit_attempt', { method: 'phone', note: '无人接听' });
  assert.equal(c.status, 'replied');
  assert.equal(c.revisit_attempts, 1);
  assert.equal((await srv.act('agent1', c.id, 'revisit_attempt', { method: 'phone' })).status, 409, 'the last try is the revisit');
  const noVisit = await srv.act('agent1', c.id, 'revisit', { method: 'phone', result: 'satisfied' });
  assert.equal(errorOf(noVisit).field, 'visit', noVisit.text);
  c = await srv.step('agent1', c.id, 'revisit', { method: 'phone', result: 'satisfied', visit: '区域经理上门致歉，客户表示满意' });
  assert.equal(c.status, 'revisited');
});
