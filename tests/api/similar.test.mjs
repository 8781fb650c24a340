// Similar complaints at intake (#20): while an agent takes a complaint, the
// open complaints of the same customer, and those about the same unit and
// matter whose descriptions are alike, are offered for linking as a
// repeat. The words are compared on the server; no other complaint's text
// comes back in clear.

import assert from 'node:assert/strict';
import { useServer, describe, uniquePhone, rfc3339 } from './lib.mjs';

const srv = useServer();
const UNIT = 'SH-PD-03';
const alike = '加油机计量不准，加满一箱少了三升油，要求站方核实计量并退还差价。';
let a = null, b = null, other = null, closed = null, old = null, mine = null, phone = null;

srv.test('setup: complaints about fuel quantity at one station, and the same customer on another matter', async () => {
  phone = uniquePhone();
  a = await srv.intake('agent1', { subject_unit: UNIT, category: 'quality.quantity', description: alike });
  b = await srv.intake('agent1', { subject_unit: UNIT, category: 'quality.quantity',
    description: '计量不准，加满一箱油少了三升左右，要求核实计量并退还差价。' });
  other = await srv.intake('agent1', { subject_unit: UNIT, category: 'quality.quantity', description: '便利店门口的洗车机坏了好几天，没人修理。' });
  closed = await srv.intake('agent1', { subject_unit: UNIT, category: 'quality.quantity', description: alike });
  await srv.step('agent1', closed.id, 'answer', { answer: '已当场解释计量检定情况', nature: 'invalid', explanation: '计量经检定合格' });
  old = await srv.intake('agent1', { subject_unit: UNIT, category: 'quality.quantity', description: alike,
    received_at: rfc3339(new Date(Date.now() - 45 * 86400e3)) });
  mine = await srv.intake('agent1', { customer: { name: '周先生', phone }, subject_unit: 'SH-PD-01', category: 'service.attitude',
    description: '收银员态度冷淡。' });
});

srv.test('the same customer first, then the alike descriptions of the same unit and matter, open and within the window', async () => {
  const r = await srv.as('agent1', 'POST', '/complaints/similar', { body: {
    customer: { phone }, subject_unit: UNIT, category: 'quality.quantity',
    description: '客户反映在该站加满一箱少了三升油，怀疑加油机计量不准，要求退还差价。' } });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.days, 30, 'the pack\'s repeat window');
  const numbers = r.json.items.map((c) => c.number);
  assert.equal(numbers[0], mine.number, `the same customer's complaint first: ${numbers}`);
  assert.equal(r.json.items[0].similar.customer, true);
  for (const c of [a, b]) {
    const it = r.json.items.find((x) => x.number === c.number);
    assert.ok(it, `${c.number} is offered: ${numbers}`);
    assert.equal(it.similar.customer, false);
    assert.ok(it.similar.score >= 0.45 && it.similar.score <= 1, `a score: ${it.similar.score}`);
  }
  for (const c of [other, closed, old])
    assert.ok(!numbers.includes(c.number), `${c.number} is not offered (unlike, closed or too old): ${numbers}`);
  assert.ok(r.json.items.length <= 5);
  assert.ok(!r.text.includes('三升'), 'no description comes back in clear');
});

srv.test('a description alone offers nothing without its unit and matter; a phone alone offers the customer\'s', async () => {
  let r = await srv.as('agent1', 'POST', '/complaints/similar', { body: { description: alike } });
  assert.equal(r.status, 200, describe(r));
  assert.deepEqual(r.json.items, []);
  r = await srv.as('agent1', 'POST', '/complaints/similar', { body: { customer: { phone } } });
  assert.deepEqual(r.json.items.map((c) => c.number), [mine.number]);
});

srv.test('linking the new complaint as a repeat of an offered one', async () => {
  const n = await srv.intake('agent1', { subject_unit: UNIT, category: 'quality.quantity', description: alike });
  const r = await srv.as('agent1', 'POST', `/complaints/${n.id}/links`, { body: { to: a.id, kind: 'repeat' } });
  assert.equal(r.status, 201, describe(r));
  const back = await srv.as('agent1', 'GET', `/complaints/${a.id}/links`);
  assert.ok(back.json.items.some((x) => x.to.number === n.number), describe(back));
});

srv.test('who may ask, and bodies refused naming the field', async () => {
  const handler = await srv.as('pd01', 'POST', '/complaints/similar', { body: { customer: { phone } } });
  assert.equal(handler.status, 403, describe(handler));
  const cases = [
    [{ zzz: 1 }, 'zzz'],
    [{ customer: { phone, name: '周' } }, 'customer.name'],
    [{ customer: 'x' }, 'customer'],
    [{ customer: { phone: '12' } }, 'customer.phone'],
    [{ category: 'no.such' }, 'category'],
    [{ description: 5 }, 'description'],
    [{ subject_unit: 'NOPE', category: 'quality.quantity', description: alike }, 'subject_unit'],
  ];
  for (const [body, field] of cases) {
    const r = await srv.as('agent1', 'POST', '/complaints/similar', { body });
    assert.ok(r.status === 400 || r.status === 422, `${JSON.stringify(body)}: ${describe(r)}`);
    assert.equal(r.json.error.field, field, `${JSON.stringify(body)}: ${describe(r)}`);
  }
});
