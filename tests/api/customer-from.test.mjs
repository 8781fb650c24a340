// Bringing a returning caller's details into a new complaint: the intake's
// customer_from names the caller's earlier complaint, and the server copies
// the sealed name, e-mail and class the form could only show masked.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, intakeBody, uniquePhone } from './lib.mjs';

const srv = useServer();

async function earlier(phone) {
  return srv.intake('agent1', { customer: { name: '欧阳娜娜', phone, class: 'vip', email: 'ouyang.nana@example.com' } });
}

srv.test('customer_from copies the earlier complaint\'s customer server-side; the reply stays masked', async () => {
  const phone = uniquePhone();
  const a = await earlier(phone);
  const body = intakeBody({ customer: { phone } });
  delete body.customer.name;
  delete body.customer.class;
  const r = await srv.as('agent1', 'POST', '/complaints', { body: { ...body, customer_from: a.number } });
  assert.equal(r.status, 201, describe(r));
  assert.notEqual(r.json.customer.name, '欧阳娜娜', 'answered masked, as any complaint');
  assert.ok(!JSON.stringify(r.json).includes('ouyang.nana'), 'no clear e-mail in the reply');
  assert.equal(r.json.customer.class, 'vip');
  const clear = (await srv.clear(r.json.id)).complaint;
  assert.equal(clear.customer.name, '欧阳娜娜');
  assert.equal(clear.customer.email, 'ouyang.nana@example.com');
  // by id as well; what the body gives wins
  const r2 = await srv.as('agent1', 'POST', '/complaints', { body: { ...intakeBody({ customer: { phone, name: '欧阳女士' } }), customer_from: a.id } });
  assert.equal(r2.status, 201, describe(r2));
  assert.equal((await srv.clear(r2.json.id)).complaint.customer.name, '欧阳女士');
});

srv.test('customer_from carries only the caller on the line, from a complaint the agent may see', async () => {
  const a = await earlier(uniquePhone());
  const other = await srv.as('agent1', 'POST', '/complaints', { body: { ...intakeBody({ customer: { phone: uniquePhone() } }), customer_from: a.number } });
  assert.equal(other.status, 422, describe(other));
  assert.equal(errorOf(other).field, 'customer_from');
  const none = await srv.as('agent1', 'POST', '/complaints', { body: { ...intakeBody(), customer_from: 'TS19990101-0001' } });
  assert.equal(none.status, 404, describe(none));
  const bad = await srv.as('agent1', 'POST', '/complaints', { body: { ...intakeBody(), customer_from: { id: 1 } } });
  assert.equal(bad.status, 400, describe(bad));
  assert.equal(errorOf(bad).field, 'customer_from');
  // a handler of another district cannot reach it (and may not take intake anyway)
  const far = await srv.as('mh01', 'POST', '/complaints', { body: { ...intakeBody(), customer_from: a.number } });
  assert.ok(far.status === 403 || far.status === 404, describe(far));
});
