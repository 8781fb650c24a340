// Closing, compensation, appeals and penalties in the four other packs,
// each from its seed: telecom and property take the service-penalty grades
// of seed 001 (30–100 yuan; warning 200 + 5 points; demerit 300 + 10; major
// demerit 1000 + the month's performance pay), the restaurant pack seed
// 003's authority (above 3000 yuan or after three days: senior management)
// and force majeure, the gas utility seed 004's appeals. Each pack is
// initialised with `redress init --pack NAME`; its users come through the API.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackServer, describe, errorOf, localDate, runCli } from './lib.mjs';

class CasesServer extends PackServer {
  constructor(pack, users, cls) {
    super(pack, users);
    this.cls = cls; // the pack's ordinary customer class
  }

  intake(username, over) {
    return super.intake(username, { customer: { class: this.cls }, ...over });
  }

  // intake → dispatch to site → accept → resolve → (the pack's review) → reply → revisit (satisfied).
  async revisited(over, site) {
    const c = await this.intake('agent', { subject_staff: '营业员 小王', place: null, subject_unit: site, ...over });
    await this.step('agent', c.id, 'dispatch', { unit: site });
    await this.step('handler', c.id, 'accept', {});
    const r = await this.step('handler', c.id, 'resolve', { resolution_type: 'solution', resolution: '核实属实，已致歉并整改', nature: 'valid' });
    if (r.review?.status === 'pending') await this.step('reviewer', c.id, 'review', { result: 'approved' });
    await this.step('agent', c.id, 'reply', { method: 'phone', content: '已告知处理结果' });
    // The pack's own questionnaire (001, 004: 效率、态度、质量、速度), from the revisit form, each answered.
    const form = (await this.actions(c.id, 'agent')).items.find((a) => a.action === 'revisit');
    const questions = form.fields.find((f) => f.type === 'survey')?.questions || [];
    const answers = questions.map((q) => (q.options?.length ? { question: q.code, option: q.options[0].code }
      : { question: q.code, score: 5 }));
    const done = await this.step('agent', c.id, 'revisit', { method: 'phone', result: 'satisfied', answers });
    // What the pack asks the customer to confirm before the closing (closing.confirmation), signed at the counter.
    for (const what of done.confirmations?.needed || []) {
      await this.step('agent', c.id, 'confirm', { what, verdict: 'confirmed', method: 'signature' });
    }
    assert.deepEqual(done.revisit.answers.map((a) => a.question), questions.map((q) => q.code),
      `${this.pack}: every question of the pack's survey is answered and kept, in order`);
    this.surveyed = (this.surveyed || 0) + 1;
    this.questions = questions;
    return c;
  }
}

// The pack's centre, a site handler, a branch supervisor and manager, and a manager at HQ.
const users = (centre, site, branch) => [['agent', ['agent'], centre], ['handler', ['handler'], site],
  ['sup', ['supervisor'], branch], ['mgr', ['manager'], branch], ['hqmgr', ['manager'], 'HQ']];

function packSuite(pack, u, cls, fn) {
  test(`pack ${pack}`, { timeout: 180000 }, async () => {
    const s = new CasesServer(pack, u, cls);
    try {
      await s.start();
      await fn(s);
      // Satisfaction by question (docs/api.md "Reports"): every revisit above answered each scale question 5.
      if (s.surveyed) {
        const r = await s.as('hqmgr', 'GET', '/reports/satisfaction?from=2024-01-01&to=2030-12-31&by=question');
        assert.equal(r.status, 200, describe(r));
        for (const q of s.questions.filter((x) => !x.options?.length)) {
          const row = r.json.items.find((i) => i.group?.question === q.code || i.question === q.code || i.code === q.code);
          assert.ok(row, `${pack}: question ${q.code} in ${JSON.stringify(r.json.items).slice(0, 400)}`);
          assert.equal(row.average, 5, `${pack}: ${q.code}`);
        }
      }
      // Every step taken replays to the same state (acknowledgements, proposed solutions, compensations…).
      const v = await runCli(['verify', '--db', s.dbUrl], { timeoutMs: 120000 });
      assert.equal(v.code, 0, v.stdout + v.stderr);
    } finally {
      await s.stop();
      await s.cleanup();
    }
  });
}

const closeAs = (site) => ({ nature: 'valid', cause: '员工服务用语不规范', responsibility: 'company', responsible_unit: site,
  responsible_person: '营业员 小王', corrective_action: '班组培训并纳入月度考核' });

async function refused(s, user, id, action, body, field) {
  const r = await s.act(user, id, action, body);
  assert.equal(r.status, 422, `${action} ${JSON.stringify(body)}: ${describe(r)}`);
  assert.equal(errorOf(r).field, field);
}

packSuite('telecom', users('HA-CSC', 'HA-ZZ-01', 'HA'), 'ordinary', async (s) => {
  const site = 'HA-ZZ-01';
  let c = await s.revisited({ channel: 'business_hall', category: 'channel.own_hall' }, site);
  const grade = (await s.actions(c.id, 'agent')).items.find((a) => a.action === 'close').fields.find((f) => f.name === 'penalty_grade');
  assert.deepEqual(grade.options.map((o) => o.value), ['minor', 'warning', 'demerit', 'major_demerit']);
  await refused(s, 'agent', c.id, 'close', { ...closeAs(site), penalty_grade: 'minor' }, 'penalty_amount');
  await refused(s, 'agent', c.id, 'close', { ...closeAs(site), penalty_grade: 'minor', penalty_amount: 150 }, 'penalty_amount');
  let x = await s.step('agent', c.id, 'close', { ...closeAs(site), penalty_grade: 'warning' });
  assert.equal(x.penalties.length, 1);
  assert.equal(x.penalties[0].amount, 200);
  assert.equal(x.penalties[0].points, 5);
  assert.equal(x.penalties[0].person, '营业员 小王');
  assert.equal(x.penalties[0].performance_pay, false);

  c = await s.revisited({ channel: 'business_hall', category: 'channel.own_hall' }, site);
  x = await s.step('agent', c.id, 'close', { ...closeAs(site), penalty_grade: 'major_demerit' });
  assert.equal(x.penalties[0].amount, 1000);
  assert.equal(x.penalties[0].performance_pay, true, 'a major demerit costs the month\'s performance pay');
  c = await s.revisited({ channel: 'business_hall', category: 'channel.own_hall' }, site);
  x = await s.step('agent', c.id, 'close', { ...closeAs(site), penalty_grade: 'minor', penalty_amount: 80 });
  assert.equal(x.penalties[0].amount, 80);
  c = await s.revisited({ channel: 'business_hall', category: 'channel.own_hall' }, site);
  x = await s.step('agent', c.id, 'close', closeAs(site));
  assert.deepEqual(x.penalties, [], 'no grade chosen: nothing for the ledger');
  const l = await s.as('mgr', 'GET', '/penalties');
  assert.equal(l.status, 200, describe(l));
  assert.equal(l.json.items.length, 3);
  assert.equal(l.json.totals.amount, 1280);
  assert.equal(l.json.totals.points, 5);

  // 授权: an agent's 50 yuan credit is granted; 1500 yuan goes to HQ.
  c = await s.intake('agent', { subject_staff: null, place: null, subject_unit: site, channel: 'phone', category: 'mobile.bill_dispute' });
  await s.step('agent', c.id, 'dispatch', { unit: site });
  x = await s.step('agent', c.id, 'compensate', { kind: 'credit', amount: 50, reason: '误扣流量费，赠送流量致歉' });
  assert.equal(x.compensations[0].status, 'granted');
  x = await s.step('agent', c.id, 'compensate', { kind: 'refund', amount: 1500, reason: '国际漫游误计费退还' });
  assert.equal(x.compensations[1].senior, true);
  assert.equal(x.compensations[1].approver_unit.code, 'HQ');
  assert.equal((await s.act('mgr', c.id, 'approve_compensation', { entry: '2' })).status, 403);
  x = await s.step('hqmgr', c.id, 'approve_compensation', { entry: '2' });
  assert.equal(x.compensations[1].status, 'approved');

  // 001: 对错收的费用实行双倍返还 — a charge wrongly collected is refunded twice over.
  const form = (await s.actions(c.id, 'agent')).items.find((a) => a.action === 'compensate');
  const ff = Object.fromEntries(form.fields.map((f) => [f.name, f]));
  assert.ok(ff.kind.options.some((o) => o.value === 'double_refund'), JSON.stringify(ff.kind.options));
  assert.equal(ff.charged?.type, 'number', 'the form asks for the wrong charge');
  assert.equal(ff.amount.required, false, 'the amount may be left to the rule');
  await refused(s, 'agent', c.id, 'compensate', { kind: 'double_refund', reason: '多收月租' }, 'charged');
  await refused(s, 'agent', c.id, 'compensate', { kind: 'double_refund', charged: 20, amount: 20, reason: '多收月租' }, 'amount');
  await refused(s, 'agent', c.id, 'compensate', { kind: 'credit', charged: 20, amount: 40, reason: '多收月租' }, 'charged');
  await refused(s, 'agent', c.id, 'compensate', { kind: 'credit', reason: '多收月租' }, 'amount');
  x = await s.step('agent', c.id, 'compensate', { kind: 'double_refund', charged: 20, reason: '多收月租20元' });
  assert.equal(x.compensations[2].amount, 40, 'twice the wrong charge');
  assert.equal(x.compensations[2].charged, 20);
  assert.equal(x.compensations[2].status, 'granted', 'within the agent\'s 50 yuan');
  // 2.5: 从业务使用类、计费差错类、解除服务(协议)等方面确定授权的使用业务类型 — a refund
  // is for a charging error; a complaint about a business hall is offered none.
  const hall = await s.intake('agent', { subject_staff: null, place: null, subject_unit: site, channel: 'phone', category: 'channel.own_hall' });
  await s.step('agent', hall.id, 'dispatch', { unit: site });
  const hallKinds = (await s.actions(hall.id, 'agent')).items.find((a) => a.action === 'compensate').fields.find((f) => f.name === 'kind');
  assert.deepEqual(hallKinds.options.map((o) => o.value), ['credit', 'fee_waiver', 'free_service']);
  assert.equal((await s.actions(hall.id, 'agent')).items.find((a) => a.action === 'compensate').fields.some((f) => f.name === 'charged'), false);
  await refused(s, 'agent', hall.id, 'compensate', { kind: 'refund', amount: 20, reason: '退费' }, 'kind');
  // 2.5: 结合客户的在网时间、平均消费水平、客户潜在价值、客户类型…确定授权使用的条件 — a VIP's
  // complaint gets twice the front-line authority: 80 yuan is the agent's to grant, 500 the supervisor's to approve.
  const vip = await s.intake('agent', { subject_staff: null, place: null, subject_unit: site, channel: 'phone', category: 'mobile.charging', customer: { class: 'vip' } });
  await s.step('agent', vip.id, 'dispatch', { unit: site });
  const vipForm = (await s.actions(vip.id, 'agent')).items.find((a) => a.action === 'compensate');
  assert.match(vipForm.fields.find((f) => f.name === 'amount').label, /100\.00/, 'the agent is told their authority for this customer');
  let v = await s.step('agent', vip.id, 'compensate', { kind: 'credit', amount: 80, reason: 'VIP误扣流量费致歉' });
  assert.equal(v.compensations[0].status, 'granted');
  v = await s.step('agent', vip.id, 'compensate', { kind: 'refund', amount: 500, reason: 'VIP国际漫游误计费' });
  assert.equal(v.compensations[1].status, 'pending');
  assert.deepEqual(v.compensations[1].approver_roles, ['supervisor', 'manager']);
  const board = (await s.as('sup', 'GET', '/compensations?status=pending&mine=true')).json.items;
  assert.ok(board.some((m) => m.complaint.id === vip.id && m.can_decide), 'the supervisor may decide it');
  assert.equal((await s.step('sup', vip.id, 'approve_compensation', { entry: '2' })).compensations[1].status, 'approved');
  // Doubled, it may pass the agent's authority: then it waits like any other.
  x = await s.step('agent', c.id, 'compensate', { kind: 'double_refund', charged: 30, amount: 60, reason: '多收功能费30元' });
  assert.equal(x.compensations[3].amount, 60);
  assert.equal(x.compensations[3].status, 'pending');

  // 001 2.5: 建立完善的授权监控机制,对各级别授权的使用进行控制和考核 — the month's
  // authority used, per person and per level.
  const month = localDate(new Date()).slice(0, 7);
  const totals = await s.as('admin', 'GET', `/compensations/totals?month=${month}`);
  assert.equal(totals.status, 200, describe(totals));
  const who = Object.fromEntries(totals.json.items.map((p) => [p.user.username, p]));
  assert.deepEqual(Object.keys(who).sort(), ['agent', 'hqmgr', 'sup']);
  assert.equal(who.agent.level, 'agent');
  assert.equal(who.agent.limit, 50);
  assert.deepEqual(who.agent.granted, { count: 3, amount: 170 }, 'the 50 yuan credit, the 40 yuan double refund and the VIP\'s 80');
  assert.deepEqual(who.agent.referred, { count: 3, amount: 2060 }, 'the 1500 yuan refund, the 60 yuan double refund and the VIP\'s 500');
  assert.deepEqual(who.agent.approved, { count: 0, amount: 0 });
  assert.deepEqual(who.hqmgr.approved, { count: 1, amount: 1500 });
  assert.deepEqual(who.sup.approved, { count: 1, amount: 500 });
  assert.equal(who.hqmgr.level, 'manager');
  const levels = Object.fromEntries(totals.json.levels.map((l) => [l.level, l]));
  assert.deepEqual([levels.agent.people, levels.agent.limit, levels.agent.granted.amount], [1, 50, 170]);
  assert.deepEqual([levels.manager.people, levels.manager.approved.count], [1, 1]);
  // The branch's manager sees the people of the branch only; another month is empty.
  const branch = await s.as('mgr', 'GET', `/compensations/totals?month=${month}`);
  assert.deepEqual(branch.json.items.map((p) => p.user.username), ['agent', 'sup']);
  assert.deepEqual((await s.as('admin', 'GET', '/compensations/totals?month=2020-01')).json.items, []);
  assert.equal((await s.as('admin', 'GET', '/compensations/totals')).json.month, month, 'this month by default');
  const bad = await s.as('admin', 'GET', '/compensations/totals?month=2026-13');
  assert.equal(bad.status, 400);
  assert.equal(errorOf(bad).field, 'month');
  assert.equal((await s.as('agent', 'GET', `/compensations/totals?month=${month}`)).status, 403);
  // …and from the shell, for the monthly assessment.
  const cli = await runCli(['penalties', 'authority', '--month', month, '--db', s.dbUrl]);
  assert.equal(cli.code, 0, cli.stderr);
  const rows = cli.stdout.trim().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(rows[0].slice(0, 4), ['user', 'level', 'limit', 'granted']);
  assert.deepEqual(rows.find((r) => r[0] === 'agent'), ['agent', 'agent', '50.00', '3', '170.00', '3', '2060.00', '0', '0.00']);
  assert.equal((await runCli(['penalties', 'authority', '--month', '2026-13', '--db', s.dbUrl])).code, 2);

  // A 工信部 appeal.
  const a = await s.intake('agent', { subject_staff: null, place: null, subject_unit: site, channel: 'regulator', appeal_source: 'miit', category: 'mobile.bill_dispute' });
  assert.equal(a.kind, 'appeal');
  assert.equal(a.appeal_source.name, '工信部电信用户申诉受理中心');

  // 001: 书面投诉必须书面答复 — a letter is answered in writing, a call need not be.
  const letter = await s.intake('agent', { channel: 'letter', subject_staff: '营业员 小王', place: null, subject_unit: site,
    category: 'channel.own_hall' });
  await s.step('agent', letter.id, 'dispatch', { unit: site });
  await s.step('handler', letter.id, 'accept', {});
  await s.step('handler', letter.id, 'resolve', { resolution_type: 'solution', resolution: '核实属实，已致歉', nature: 'valid' });
  await refused(s, 'agent', letter.id, 'reply', { method: 'phone', content: '已电话告知' }, 'method');
  const written = await s.step('agent', letter.id, 'reply', { method: 'letter', content: '已函复客户处理结果' });
  assert.equal(written.reply.method, 'letter');
  // …and the revisit plan of seed 001: every complaint, tried three times before unreachable.
  assert.equal(written.reply.revisit_required, true);
  assert.equal(written.reply.revisit_attempts, 3);
  assert.equal(written.clocks.find((k) => k.name === 'acknowledge').state, 'met', 'the reply answered acceptance too');

  // 001 (窗口服务投诉制度): 能够当场答复是否受理的,应当场答复;不能当场答复的,
  // 应在三个工作日内向投诉者作出受理答复。不予受理的,应告知不受理的理由。
  const posted = await s.intake('agent', { channel: 'letter', subject_staff: null, place: null, subject_unit: site,
    category: 'channel.own_hall', received_at: '2026-09-30T10:00:00+08:00' });
  let ack = (await s.get(posted.id, 'agent')).clocks.find((k) => k.name === 'acknowledge');
  assert.equal(ack.calendar, 'office');
  assert.deepEqual(ack.limit, { working_days: 3 });
  // Oct 1–7 are holidays and Sat Oct 10 a make-up workday: Oct 8, 9, 10.
  assert.equal(Date.parse(ack.deadline), Date.parse('2026-10-10T17:30:00+08:00'));
  const call = await s.intake('agent', { channel: 'phone', subject_staff: null, place: null, subject_unit: site, category: 'channel.own_hall' });
  assert.ok(!call.clocks?.some((k) => k.name === 'acknowledge'), 'a call is answered on the spot');
  assert.ok(!(await s.actions(call.id, 'agent')).items.some((a) => a.action === 'acknowledge'));
  // Past the third working day the sweeper orders a supervision for it.
  const sw = await runCli(['sweep', '--db', s.dbUrl, '--now', '2026-10-10T17:31:00+08:00'], { timeoutMs: 120000 });
  assert.equal(sw.code, 0, sw.stderr);
  const breach = (await s.events(posted.id, 'agent')).filter((e) => e.action === 'breach').map((e) => e.payload.clock);
  assert.ok(breach.includes('acknowledge'), JSON.stringify(breach));
  const ackForm = (await s.actions(posted.id, 'agent')).items.find((a) => a.action === 'acknowledge');
  assert.deepEqual(ackForm.fields.find((f) => f.name === 'outcome').options.map((o) => o.value), ['accept', 'refuse']);
  await refused(s, 'agent', posted.id, 'acknowledge', { outcome: 'refuse', method: 'letter', content: '经审查不予受理' }, 'reason');
  await refused(s, 'agent', posted.id, 'acknowledge', { outcome: 'maybe', method: 'letter', content: 'x' }, 'outcome');
  assert.equal((await s.act('handler', posted.id, 'acknowledge', { outcome: 'accept', method: 'letter', content: 'x' })).status, 403,
    'the centre answers the customer');
  x = await s.step('agent', posted.id, 'acknowledge', { outcome: 'refuse', method: 'letter', content: '经审查不予受理',
    reason: '所述事项不属本公司服务范围' });
  assert.equal(x.acknowledgement.outcome, 'refuse');
  assert.equal(x.acknowledgement.reason, '所述事项不属本公司服务范围');
  ack = x.clocks.find((k) => k.name === 'acknowledge');
  assert.ok(ack.ended_at, 'the clock stopped');
  assert.equal((await s.act('agent', posted.id, 'acknowledge', { outcome: 'accept', method: 'letter', content: 'x' })).status, 409,
    'answered once');
});

// Seed 003: the management department (管理部) reviews the handling opinion before the reply.
packSuite('restaurant', [...users('EC-CSC', 'EC-SH-01', 'EC'), ['reviewer', ['supervisor'], 'EC-MGT']], 'ordinary', async (s) => {
  const site = 'EC-SH-01';
  let c = await s.revisited({ channel: 'phone', category: 'dish.taste' }, site);
  const resp = (await s.actions(c.id, 'agent')).items.find((a) => a.action === 'close').fields.find((f) => f.name === 'responsibility');
  assert.ok(resp.options.some((o) => o.value === 'force_majeure'), 'seed 003: force majeure');
  let x = await s.step('agent', c.id, 'close', { ...closeAs(site), responsibility: 'force_majeure', cause: '台风停电导致出餐延误' });
  assert.deepEqual(x.penalties, [], 'no penalty for force majeure');
  c = await s.revisited({ channel: 'phone', category: 'dish.taste' }, site);
  await refused(s, 'agent', c.id, 'close', { ...closeAs(site), penalty_grade: 'fault', penalty_amount: 600 }, 'penalty_amount');
  x = await s.step('agent', c.id, 'close', { ...closeAs(site), penalty_grade: 'fault', penalty_amount: 300 });
  const byRole = Object.fromEntries(x.penalties.map((p) => [p.role, p]));
  assert.equal(byRole.staff.amount, 300);
  assert.equal(byRole.staff.points, 2);
  assert.equal(byRole.store_manager.unit.code, site);
  assert.equal(byRole.store_manager.points, 1);

  // 003: within the discount authority at once; above 3000 yuan senior management.
  c = await s.intake('agent', { subject_staff: null, place: null, subject_unit: site, channel: 'phone', category: 'dish.taste' });
  await s.step('agent', c.id, 'dispatch', { unit: site });
  x = await s.step('handler', c.id, 'compensate', { kind: 'gift', amount: 300, reason: '赠送甜品致歉' });
  assert.equal(x.compensations[0].status, 'granted');
  x = await s.step('handler', c.id, 'compensate', { kind: 'waiver', amount: 800, reason: '整桌免单' });
  assert.equal(x.compensations[1].status, 'pending');
  assert.equal(x.compensations[1].senior, false);
  assert.deepEqual(x.compensations[1].approver_roles, ['supervisor', 'manager']);
  x = await s.step('sup', c.id, 'approve_compensation', { entry: '2' });
  assert.equal(x.compensations[1].status, 'approved');
  x = await s.step('handler', c.id, 'compensate', { kind: 'medical', amount: 3500, reason: '顾客就医费用垫付' });
  assert.equal(x.compensations[2].senior, true);
});

packSuite('property', users('SZ-CSC', 'SZ-NS-01', 'SZ'), 'owner', async (s) => {
  const site = 'SZ-NS-01';
  const c = await s.revisited({ channel: 'phone', category: 'service.attitude', level: 1 }, site);
  assert.equal((await s.act('sup', c.id, 'close', closeAs(site))).status, 403, 'a major case is closed by a manager');
  const x = await s.step('mgr', c.id, 'close', { ...closeAs(site), penalty_grade: 'demerit' });
  assert.equal(x.penalties[0].amount, 300);
  assert.equal(x.penalties[0].points, 10);
  const a = await s.intake('agent', { subject_staff: null, place: null, subject_unit: site, channel: 'regulator', appeal_source: 'housing_bureau', category: 'service.attitude' });
  assert.equal(a.kind, 'appeal');
  const list = await s.as('agent', 'GET', '/complaints?kind=appeal');
  assert.deepEqual(list.json.items.map((i) => i.id), [a.id]);

  // 001: 重要投诉一般在3日内处置完毕,超时需经公司总经理批准 — a supervisor decides a minor
  // complaint's extension, only a manager an important one's.
  for (const [level, who, category] of [[2, 'mgr', 'service.attitude'], [3, 'sup', 'facility.lighting']]) {
    const k = await s.intake('agent', { channel: 'phone', subject_staff: null, place: null, subject_unit: site, category });
    assert.equal(k.level, level);
    await s.step('agent', k.id, 'dispatch', { unit: site });
    await s.step('handler', k.id, 'accept', {});
    await s.step('handler', k.id, 'request_extension', { deadline: new Date(Date.parse(k.deadlines.overall) + 86400e3).toISOString(), reason: '需协调供水公司' });
    if (level === 2) {
      const no = await s.act('sup', k.id, 'approve_extension', { note: '同意' });
      assert.equal(no.status, 403, describe(no));
      assert.ok(!(await s.actions(k.id, 'sup')).items.some((a) => a.action === 'approve_extension'), 'not offered to the supervisor');
    }
    assert.equal((await s.step(who, k.id, 'approve_extension', { note: '同意' })).extension.status, 'approved');
  }

  // 001: 书面投诉必须书面答复 — an owner's letter is answered in writing.
  const letter = await s.intake('agent', { channel: 'letter', subject_staff: null, place: null, subject_unit: site, category: 'service.attitude' });
  await s.step('agent', letter.id, 'dispatch', { unit: site });
  await s.step('handler', letter.id, 'accept', {});
  await s.step('handler', letter.id, 'resolve', { resolution_type: 'solution', resolution: '核实属实，已致歉', nature: 'valid' });
  await refused(s, 'agent', letter.id, 'reply', { method: 'phone', content: '已电话告知' }, 'method');
  await refused(s, 'agent', letter.id, 'reply', { method: 'visit', content: '已上门告知' }, 'method');
  assert.equal((await s.step('agent', letter.id, 'reply', { method: 'letter', content: '已函复业主' })).reply.method, 'letter');
});

packSuite('utility', users('CITY-CSC', 'CITY-E-01', 'CITY'), 'resident', async (s) => {
  const site = 'CITY-E-01';
  const a = await s.intake('agent', { subject_staff: null, place: null, subject_unit: site, channel: 'regulator', appeal_source: '12345', category: 'billing.wrong' });
  assert.equal(a.kind, 'appeal');
  const overall = (await s.get(a.id, 'agent')).clocks.find((k) => k.name === 'overall');
  assert.equal(overall.calendar, 'office', 'an appeal runs on office working days');
  // An agent has no authority of their own here (limit 0): even 10 yuan waits for approval.
  await s.step('agent', a.id, 'dispatch', { unit: site });
  let x = await s.step('agent', a.id, 'compensate', { kind: 'bill_adjustment', amount: 10, reason: '抄表错误多收气费' });
  assert.equal(x.compensations[0].status, 'pending');
  x = await s.step('handler', a.id, 'compensate', { kind: 'free_repair', amount: 200, reason: '免费更换故障表' });
  assert.equal(x.compensations[1].status, 'granted');
  // 004: 1個工作日內完成初步調查,2個工作日內提出初步解決方案,3個工作日內落實解決措施,
  // 5個工作日內向客戶反饋處理結果 — the solution step is a clock of its own, from receipt.
  const sol = await s.intake('agent', { subject_staff: null, place: null, subject_unit: site, channel: 'phone', category: 'billing.wrong',
    received_at: '2026-09-30T10:00:00+08:00' });
  const solClock = (await s.get(sol.id, 'agent')).clocks.find((k) => k.name === 'solution');
  assert.deepEqual([solClock.calendar, solClock.limit], ['office', { working_days: 2 }]);
  // Oct 1–7 are holidays: Oct 8 and 9.
  assert.equal(Date.parse(solClock.deadline), Date.parse('2026-10-09T17:00:00+08:00'));
  assert.ok(!(await s.get(sol.id, 'agent')).clocks.some((k) => k.name === 'handle'), 'handling starts with the dispatch');
  assert.ok(!(await s.actions(sol.id, 'handler')).items.some((a) => a.action === 'propose_solution'), 'not before the dispatch');
  await s.step('agent', sol.id, 'dispatch', { unit: site });
  await refused(s, 'handler', sol.id, 'propose_solution', {}, 'solution');
  const proposed = await s.step('handler', sol.id, 'propose_solution', { solution: '核对抄表记录后按实际读数重新计费，多收部分冲抵下期' });
  assert.match(proposed.solution_proposal.solution, /重新计费/);
  assert.ok(proposed.clocks.find((k) => k.name === 'solution').ended_at, 'the step is met');
  assert.equal((await s.act('handler', sol.id, 'propose_solution', { solution: 'x' })).status, 409, 'proposed once');

  const queue = await s.as('sup', 'GET', '/compensations?status=pending');
  assert.equal(queue.status, 200, describe(queue));
  assert.deepEqual(queue.json.items.map((m) => [m.complaint.id, m.no, m.can_decide]), [[a.id, 1, true]]);
});
