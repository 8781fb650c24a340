// The public portal: customers file a complaint without a token and follow
// its progress with their phone number; no staff names or internal notes
// are shown to them.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, uniquePhone, rfc3339, NUMBER_RE } from './lib.mjs';

const srv = useServer();
const phone = uniquePhone();
let filed = null;

function portalBody(over = {}) {
  const { customer, ...rest } = over;
  return {
    customer: { name: '李女士', phone, email: 'li@example.com', ...(customer || {}) },
    category: 'service.attitude',
    subject_unit: 'SH-PD-01',
    occurred_at: rfc3339(new Date(Date.now() - 7200e3)),
    place: '便利店收银台',
    description: '收银员态度很差，找零时把钱扔在柜台上。',
    demand: '希望道歉',
    ...rest,
  };
}

srv.test('POST /portal/complaints without a token → 201 with number, received_at, promised_at', async () => {
  const r = await srv.api('POST', '/portal/complaints', { body: portalBody() });
  assert.equal(r.status, 201, describe(r));
  assert.match(r.json.number, NUMBER_RE);
  assert.ok(!Number.isNaN(Date.parse(r.json.received_at)), 'received_at');
  assert.ok(Date.parse(r.json.promised_at) > Date.parse(r.json.received_at), 'promised_at after received_at');
  assert.ok(!('id' in r.json) || typeof r.json.id === 'number');
  filed = r.json;
});

srv.test('the portal complaint is an ordinary complaint for staff, channel website', async () => {
  const c = (await srv.clear(filed.number)).complaint;
  assert.equal(c.channel, 'website');
  assert.equal(c.status, 'registered');
  assert.equal(c.customer.phone, phone);
  assert.equal(c.category.code, 'service.attitude');
  assert.equal(c.subject_unit.code, 'SH-PD-01');
  assert.equal(c.description, '收银员态度很差，找零时把钱扔在柜台上。');
});

srv.test('the portal validates like intake', async () => {
  const missing = await srv.api('POST', '/portal/complaints', { body: { ...portalBody(), description: undefined } });
  assert.equal(missing.status, 422, describe(missing));
  assert.equal(errorOf(missing).field, 'description');
  const badPhone = await srv.api('POST', '/portal/complaints', { body: portalBody({ customer: { phone: '12' } }) });
  assert.equal(badPhone.status, 422, describe(badPhone));
  assert.equal(errorOf(badPhone).field, 'customer.phone');
  const unit = await srv.api('POST', '/portal/complaints', { body: portalBody({ subject_unit: 'NOPE' }) });
  assert.equal(unit.status, 422, describe(unit));
  assert.equal(errorOf(unit).code, 'unknown_unit');
  const cat = await srv.api('POST', '/portal/complaints', { body: portalBody({ category: 'nope.nope' }) });
  assert.equal(cat.status, 422, describe(cat));
  assert.equal(errorOf(cat).code, 'unknown_category');
  const notJson = await srv.api('POST', '/portal/complaints', { raw: 'hello' });
  assert.equal(notJson.status, 400, describe(notJson));
  assert.equal(errorOf(notJson).code, 'bad_json');
});

srv.test('GET /portal/complaints/{number}?phone=right → progress', async () => {
  const r = await srv.api('GET', `/portal/complaints/${filed.number}?phone=${encodeURIComponent(phone)}`);
  assert.equal(r.status, 200, describe(r));
  const p = r.json;
  assert.equal(p.number, filed.number);
  assert.equal(p.status, 'registered');
  assert.equal(typeof p.status_label, 'string');
  assert.equal(p.category.code, 'service.attitude');
  assert.equal(typeof p.category.name, 'string');
  assert.equal(Date.parse(p.received_at), Date.parse(filed.received_at));
  assert.equal(Date.parse(p.promised_at), Date.parse(filed.promised_at));
  assert.ok(Array.isArray(p.progress) && p.progress.length >= 1, 'progress has at least the receipt');
  for (const s of p.progress) {
    assert.ok(!Number.isNaN(Date.parse(s.at)), 'progress step has an instant');
    assert.equal(typeof s.label, 'string');
  }
  assert.equal(p.reply, null);
});

srv.test('wrong phone, unknown number, or no phone → 404 (existence not revealed)', async () => {
  const wrong = await srv.api('GET', `/portal/complaints/${filed.number}?phone=13900000000`);
  assert.equal(wrong.status, 404, describe(wrong));
  assert.equal(errorOf(wrong).code, 'not_found');
  const unknown = await srv.api('GET', `/portal/complaints/TS19990101-0001?phone=${encodeURIComponent(phone)}`);
  assert.equal(unknown.status, 404, describe(unknown));
  assert.equal(errorOf(unknown).code, 'not_found');
  assert.equal(wrong.text, unknown.text, 'the same reply whether or not the number exists');
  const none = await srv.api('GET', `/portal/complaints/${filed.number}`);
  assert.ok(none.status === 404 || none.status === 400, describe(none));
  assert.ok(!none.text.includes('李女士'), 'no data without the phone');
});

srv.test('progress follows the work, with no staff names and no internal notes', async () => {
  const c = await srv.get(filed.number);
  const secretNote = `内部说明-只给站长看-${process.pid}`;
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01', note: secretNote });
  await srv.step('pd01', c.id, 'accept', { note: `签收备注-${process.pid}` });
  await srv.step('pd01', c.id, 'comment', { text: `内部备注-${process.pid}` });
  await srv.step('pd01', c.id, 'resolve', { resolution_type: 'solution', resolution: `内部处理结果-${process.pid}`, nature: 'valid' });
  const replyText = '您好，经核实，站长已向当事员工批评教育，向您致歉。';
  await srv.step('agent1', c.id, 'reply', { method: 'sms', content: replyText });

  const r = await srv.api('GET', `/portal/complaints/${filed.number}?phone=${encodeURIComponent(phone)}`);
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.status, 'replied');
  assert.ok(r.json.progress.length >= 3, `progress grew: ${JSON.stringify(r.json.progress)}`);
  assert.ok(r.json.reply && r.json.reply.content === replyText, `the reply to the customer is shown: ${JSON.stringify(r.json.reply)}`);
  assert.ok(!Number.isNaN(Date.parse(r.json.reply.at)));

  // Staff names and usernames appear nowhere.
  const users = await srv.as('admin', 'GET', '/users');
  assert.equal(users.status, 200);
  const staff = users.json.items.filter((u) => ['agent1', 'pd01', 'admin', 'super1'].includes(u.username));
  for (const u of staff) {
    assert.ok(!r.text.includes(u.name), `staff name ${u.name} (${u.username}) not shown to the customer: ${r.text}`);
    assert.ok(!new RegExp(`"${u.username}"`).test(r.text), `username ${u.username} not shown`);
  }
  for (const secret of [secretNote, `签收备注-${process.pid}`, `内部备注-${process.pid}`, `内部处理结果-${process.pid}`]) {
    assert.ok(!r.text.includes(secret), `internal text "${secret}" not shown: ${r.text}`);
  }
});


// Last in this file: it uses up this client's lookup allowance.
srv.test('lookups are rate-limited per client address (429 with the error shape)', async () => {
  let limited = null;
  for (let i = 0; i < 120 && !limited; i++) {
    const r = await srv.api('GET', `/portal/complaints/${filed.number}?phone=1390000${String(i).padStart(4, '0')}`);
    if (r.status === 429) limited = r;
    else assert.equal(r.status, 404, describe(r));
  }
  assert.ok(limited, 'guessing phone numbers is stopped by a rate limit within 120 lookups');
  errorOf(limited);
  // Even the right phone is refused while limited.
  const right = await srv.api('GET', `/portal/complaints/${filed.number}?phone=${encodeURIComponent(phone)}`);
  assert.equal(right.status, 429, describe(right));
});

// 004: 對處理完成的投訴進行結果公示 — switched on by the pack, anonymised.
srv.test('a pack that publishes shows closed complaints on the portal, anonymised', async () => {
  const off = await srv.api('GET', '/portal/published');
  assert.equal(off.status, 404, 'the gas-station pack does not publish');
  const versions = (await srv.as('admin', 'GET', '/config/versions')).json.items;
  const active = versions.find((x) => x.active);
  const { pack } = (await srv.as('admin', 'GET', `/config/versions/${active.version}`)).json;
  const bad = await srv.as('admin', 'POST', '/config/versions', { body: { reason: 'x', pack: { ...pack, publication: { days: 0 } } } });
  assert.equal(errorOf(bad).field, 'pack.publication.days');
  const on = await srv.as('admin', 'POST', '/config/versions', { body: { reason: '结果公示', pack: { ...pack, publication: { days: 30 } } } });
  assert.equal(on.status, 201, describe(on));
  try {
    const name = '公示测试' + String(Date.now()).slice(-4);
    const phone = '1370000' + String(Date.now()).slice(-4);
    const c = await srv.intake('agent1', { customer: { name, phone }, subject_unit: 'SH-PD-01' });
    const closed = await srv.step('agent1', c.id, 'answer', {
      answer: `已向${name}当场道歉`, nature: 'valid', cause: '服务用语不规范', responsibility: 'company',
      responsible_unit: 'SH-PD-01', responsible_person: '加油员 李强', corrective_action: `全站培训；已回电${name}（${phone}）致歉`,
    });
    assert.equal(closed.status, 'closed');
    const r = await srv.api('GET', '/portal/published');
    assert.equal(r.status, 200, describe(r));
    assert.equal(r.json.days, 30);
    const mine = r.json.items.find((x) => x.result && x.result.startsWith('全站培训'));
    assert.ok(mine, r.text);
    assert.equal(mine.unit.code, 'SH-PD-01');
    assert.equal(mine.nature, 'valid');
    assert.match(mine.closed_on, /^\d{4}-\d\d-\d\d$/);
    assert.ok(!r.text.includes(name) && !r.text.includes(phone), 'no customer in what is published');
    assert.ok(!r.text.includes(c.number) && !r.text.includes('李强'), 'no number, no staff');
  } finally {
    const back = await srv.as('admin', 'POST', `/config/versions/${active.version}/activate`, { body: { reason: '恢复' } });
    assert.equal(back.status, 201, describe(back));
  }
});
