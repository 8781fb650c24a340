// The customer's confirmation before the closing (closing.confirmation).
// Telecom, seed 001 受理环节注意事项: 营业厅、面访客服中心和客户经理等不具备录音条件的,
// 填写完投诉记录后要请客户签字确认,以确保投诉内容记录的准确、详细 — a complaint taken
// at the business hall closes only once the customer has confirmed the record,
// signed on paper (the agent records how and when) or through a link that
// shows them what was written down. Property, seed 001 销项的条件: 立项的案件已处理
// 完毕,投诉人已在《维修服务单》上签名认可 … 可以销项 — a repair case closes only once
// the complainant has confirmed the result.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackServer, describe, errorOf } from './lib.mjs';

const closeAs = (site) => ({ nature: 'valid', cause: '员工服务用语不规范', responsibility: 'company', responsible_unit: site,
  responsible_person: '营业员 小王', corrective_action: '班组培训并纳入月度考核' });
const names = (r) => r.items.map((a) => a.action);
const tokenOf = (url) => url.split('/').pop();

test('telecom: a complaint taken at the counter closes once its record is confirmed', { timeout: 180000 }, async () => {
  const SITE = 'HA-ZZ-01';
  const s = new PackServer('telecom', [['agent', ['agent'], 'HA-CSC'], ['handler', ['handler'], SITE],
    ['other', ['handler'], 'HA-NET']]);
  try {
    await s.start();
    // Taken at the business hall: the record awaits the customer's confirmation from the start.
    const hall = await s.intake('agent', { channel: 'business_hall', category: 'channel.own_hall', subject_unit: SITE,
      subject_staff: '营业员 小王', place: '花园路营业厅', description: '营业员办理业务时态度冷淡，多次催促后仍不理睬。',
      demand: '要求营业厅道歉', customer: { class: 'ordinary' } });
    let form = (await s.actions(hall.id, 'agent')).items.find((a) => a.action === 'confirm');
    assert.ok(form, 'confirm is offered');
    assert.deepEqual(form.fields.find((f) => f.name === 'what').options.map((o) => o.value), ['record']);

    // A link shows the customer the record as written down: their words, the place, the unit — not their name.
    let r = await s.as('agent', 'POST', `/complaints/${hall.id}/confirmation-link`);
    assert.equal(r.status, 201, describe(r));
    assert.match(r.json.url, /#\/confirm\/rd_k_/);
    const token = tokenOf(r.json.url);
    assert.equal((await s.api('GET', `/portal/surveys/${token}`)).status, 404, 'a confirmation token opens no survey');
    let page = await s.api('GET', `/portal/confirmations/${token}`);
    assert.equal(page.status, 200, describe(page));
    assert.equal(page.json.what, 'record');
    assert.equal(page.json.number, hall.number);
    assert.match(page.json.description, /态度冷淡/);
    assert.equal(page.json.place, '花园路营业厅');
    assert.equal(page.json.subject_unit.code, SITE);
    assert.ok(!JSON.stringify(page.json).includes(hall.customer.name), 'no customer name on the page');
    r = await s.api('POST', `/portal/confirmations/${token}`, { body: { verdict: 'disputed' } });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'note', 'a dispute says what is wrong');
    r = await s.api('POST', `/portal/confirmations/${token}`, { body: { verdict: 'confirmed', method: 'signature' } });
    assert.equal(r.status, 400, describe(r));
    assert.equal(errorOf(r).field, 'method');
    r = await s.api('POST', `/portal/confirmations/${token}`, { body: { verdict: 'disputed', note: '我要求的是退还多收的费用，不只是道歉' } });
    assert.equal(r.status, 200, describe(r));
    assert.equal((await s.api('POST', `/portal/confirmations/${token}`, { body: { verdict: 'confirmed' } })).status, 410,
      'a link is answered once');
    let c = await s.get(hall.id, 'agent');
    assert.equal(c.confirmations.record.verdict, 'disputed');
    assert.equal(c.confirmations.record.method, 'portal');
    assert.match(c.confirmations.record.note, /退还多收的费用/);

    // The centre corrects the record, the customer signs the corrected sheet at the counter; the agent records it.
    await s.step('agent', hall.id, 'correct', { addendum: '客户要求退还多收的费用并道歉', reason: '客户对记录提出异议' });
    r = await s.act('agent', hall.id, 'confirm', { what: 'record', verdict: 'confirmed', method: 'signature',
      confirmed_at: '2099-01-01T00:00:00+08:00' });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'confirmed_at');
    c = await s.step('agent', hall.id, 'confirm', { what: 'record', verdict: 'confirmed', method: 'signature', note: '客户已在记录单上签字' });
    assert.equal(c.confirmations.record.verdict, 'confirmed');
    assert.equal(c.confirmations.record.method, 'signature');
    assert.equal(c.confirmations.record.by.username, 'agent');
    assert.ok(!names(await s.actions(hall.id, 'agent')).includes('confirm'), 'nothing awaits confirmation now');
    assert.equal((await s.as('agent', 'POST', `/complaints/${hall.id}/confirmation-link`)).status, 409);

    // The rest of the way to the closing, which now passes.
    await s.step('agent', hall.id, 'dispatch', { unit: SITE });
    await s.step('handler', hall.id, 'accept', {});
    await s.step('handler', hall.id, 'resolve', { resolution_type: 'solution', resolution: '核实属实，已致歉并退费', nature: 'valid' });
    await s.step('agent', hall.id, 'reply', { method: 'phone', content: '已告知处理结果' });
    await s.step('agent', hall.id, 'revisit', { method: 'phone', result: 'satisfied' });
    c = await s.step('agent', hall.id, 'close', closeAs(SITE));
    assert.equal(c.status, 'closed');

    // Not confirmed: the closing is refused, naming the confirmation.
    const walk = await s.intake('agent', { channel: 'walk_in', category: 'channel.own_hall', subject_unit: SITE,
      subject_staff: null, place: null, customer: { class: 'ordinary' } });
    await s.step('agent', walk.id, 'dispatch', { unit: SITE });
    await s.step('handler', walk.id, 'accept', {});
    await s.step('handler', walk.id, 'resolve', { resolution_type: 'solution', resolution: '已处理', nature: 'valid' });
    await s.step('agent', walk.id, 'reply', { method: 'phone', content: '已告知' });
    await s.step('agent', walk.id, 'revisit', { method: 'phone', result: 'satisfied' });
    r = await s.act('agent', walk.id, 'close', closeAs(SITE));
    assert.equal(r.status, 409, describe(r));
    assert.equal(errorOf(r).field, 'confirmation');
    assert.match(errorOf(r).message, /确认投诉记录/);
    // Another unit's handler does not even see it: nothing to record, no link to send.
    assert.equal((await s.act('other', walk.id, 'confirm', { what: 'record', verdict: 'confirmed', method: 'verbal' })).status, 404);
    assert.equal((await s.as('other', 'POST', `/complaints/${walk.id}/confirmation-link`)).status, 404);

    // A phone complaint is recorded on tape: nothing to confirm.
    const phone = await s.intake('agent', { channel: 'phone', category: 'channel.own_hall', subject_unit: SITE,
      subject_staff: null, place: null, customer: { class: 'ordinary' } });
    assert.ok(!names(await s.actions(phone.id, 'agent')).includes('confirm'));
    assert.equal((await s.as('agent', 'POST', `/complaints/${phone.id}/confirmation-link`)).status, 409);
  } finally {
    await s.stop();
    await s.cleanup();
  }
});

test('property: a repair case closes once the complainant has confirmed the result', { timeout: 180000 }, async () => {
  const SITE = 'SZ-NS-01';
  const s = new PackServer('property', [['agent', ['agent'], 'SZ-CSC'], ['handler', ['handler'], SITE]]);
  try {
    await s.start();
    const closing = { nature: 'valid', cause: '楼道灯具老化', responsibility: 'company', responsible_unit: SITE,
      responsible_person: '工程部 张工', corrective_action: '更换灯具并纳入月度巡检' };
    const c = await s.intake('agent', { customer: { class: 'owner' }, subject_unit: SITE, subject_staff: null, place: '3栋2单元',
      category: 'facility.lighting', level: 3 });
    await s.step('agent', c.id, 'dispatch', { unit: SITE });
    await s.step('handler', c.id, 'accept', {});
    assert.ok(!names(await s.actions(c.id, 'handler')).includes('confirm'), 'no result to confirm yet');
    await s.step('handler', c.id, 'resolve', { resolution_type: 'solution', resolution: '已更换楼道灯具', nature: 'valid' });
    await s.step('agent', c.id, 'reply', { method: 'phone', content: '楼道灯已更换，请您确认' });
    // The link asks about the result: what the customer was told.
    let r = await s.as('agent', 'POST', `/complaints/${c.id}/confirmation-link`);
    assert.equal(r.status, 201, describe(r));
    const page = await s.api('GET', `/portal/confirmations/${tokenOf(r.json.url)}`);
    assert.equal(page.status, 200, describe(page));
    assert.equal(page.json.what, 'result');
    assert.equal(page.json.reply.content, '楼道灯已更换，请您确认');
    assert.equal(page.json.description, undefined, 'the result, not the record');
    await s.step('agent', c.id, 'revisit', { method: 'phone', result: 'satisfied' });
    r = await s.act('agent', c.id, 'close', closing);
    assert.equal(r.status, 409, describe(r));
    assert.match(errorOf(r).message, /确认处理结果/);
    // The handler records the signed repair sheet (维修服务单), an hour after the work.
    const x = await s.step('handler', c.id, 'confirm', { what: 'result', verdict: 'confirmed', method: 'signature',
      note: '业主已在维修服务单上签名认可' });
    assert.equal(x.confirmations.result.method, 'signature');
    // The link made before is of no use now: nothing awaits.
    assert.equal((await s.api('GET', `/portal/confirmations/${tokenOf(r.json?.url || '')}`)).status >= 400, true);
    assert.equal((await s.step('agent', c.id, 'close', closing)).status, 'closed');
    // A complaint about the service fee is no repair: no confirmation asked.
    const fee = await s.intake('agent', { customer: { class: 'owner' }, subject_unit: SITE, subject_staff: null, place: null,
      category: 'charges.service_fee', level: 3 });
    await s.step('agent', fee.id, 'dispatch', { unit: SITE });
    await s.step('handler', fee.id, 'accept', {});
    await s.step('handler', fee.id, 'resolve', { resolution_type: 'explanation', resolution: '已解释收费标准', nature: 'valid' });
    assert.ok(!names(await s.actions(fee.id, 'handler')).includes('confirm'));
  } finally {
    await s.stop();
    await s.cleanup();
  }
});
