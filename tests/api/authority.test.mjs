// The conditions of the authority (seed 001, 2.5 授权使用的规范性: 结合客户的在网时间、
// 平均消费水平、客户潜在价值、客户类型和国家相关法律法规规定等因素确定授权使用的条件):
// in the telecom pack a customer a year on the network spending 100 yuan a
// month or more raises the front line's limits, three years and 200 yuan
// more again. The agent records both figures at intake (from the CRM) or
// corrects them later; the compensation form tells each person their limit
// for this customer, the request keeps the figures it was decided on, and a
// customer whose figures are unknown gets the general limits.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackServer, describe, errorOf } from './lib.mjs';

const SITE = 'HA-ZZ-01';
const users = [['agent', ['agent'], 'HA-CSC'], ['handler', ['handler'], SITE], ['sup', ['supervisor'], 'HA']];

test('telecom: months on the network and monthly spending set the authority', { timeout: 180000 }, async () => {
  const s = new PackServer('telecom', users);
  try {
    await s.start();
    const cfg = await s.as('agent', 'GET', '/config');
    assert.deepEqual(cfg.json.authority_conditions.map((c) => c.when),
      [{ tenure_months: 12, monthly_spend: 100 }, { tenure_months: 36, monthly_spend: 200 }]);

    const take = async (customer) => {
      const c = await s.intake('agent', { subject_staff: null, place: null, subject_unit: SITE, channel: 'phone',
        category: 'mobile.charging', customer: { class: 'ordinary', ...customer } });
      await s.step('agent', c.id, 'dispatch', { unit: SITE });
      return c;
    };
    const limitLabel = async (id) => (await s.actions(id, 'agent')).items.find((a) => a.action === 'compensate')
      .fields.find((f) => f.name === 'amount').label;

    // Bad figures are refused at intake, naming the field; nothing is registered.
    for (const [customer, field] of [[{ tenure_months: -1 }, 'customer.tenure_months'],
      [{ tenure_months: 12.5 }, 'customer.tenure_months'], [{ monthly_spend: '200' }, 'customer.monthly_spend']]) {
      const r = await s.as('agent', 'POST', '/complaints', { body: { channel: 'phone', subject_unit: SITE,
        category: 'mobile.charging', description: '话费争议', customer: { name: '王先生', phone: '13800138000', ...customer } } });
      assert.equal(r.status, 422, describe(r));
      assert.equal(errorOf(r).field, field);
    }

    // Three years and 250 yuan a month: the agent may grant 150 yuan alone.
    const loyal = await take({ tenure_months: 40, monthly_spend: 250 });
    assert.equal(loyal.customer.tenure_months, 40);
    assert.equal(loyal.customer.monthly_spend, 250);
    assert.match(await limitLabel(loyal.id), /150\.00/, 'the agent is told their authority for this customer');
    let x = await s.step('agent', loyal.id, 'compensate', { kind: 'credit', amount: 120, reason: '误扣流量费致歉' });
    assert.equal(x.compensations[0].status, 'granted');
    assert.equal(x.compensations[0].tenure_months, 40);
    assert.deepEqual(x.compensations[0].conditions, ['在网满1年且月均消费100元以上', '在网满3年且月均消费200元以上']);

    // Three years but 99 yuan a month meets neither: the general 50 yuan, and 120 waits for a supervisor.
    const thrifty = await take({ tenure_months: 40, monthly_spend: 99 });
    assert.match(await limitLabel(thrifty.id), /50\.00/);
    x = await s.step('agent', thrifty.id, 'compensate', { kind: 'credit', amount: 120, reason: '误扣流量费致歉' });
    assert.equal(x.compensations[0].status, 'pending');
    assert.equal(x.compensations[0].conditions, undefined);

    // Unknown figures: the general limits.
    const unknown = await take({});
    assert.match(await limitLabel(unknown.id), /50\.00/);

    // The figures corrected (the customer's CRM record read again): the next request is decided on them.
    const form = (await s.actions(thrifty.id, 'agent')).items.find((a) => a.action === 'correct');
    assert.deepEqual(form.fields.filter((f) => f.type === 'number').map((f) => f.name), ['tenure_months', 'monthly_spend']);
    let r = await s.act('agent', thrifty.id, 'correct', { monthly_spend: 10.5, reason: '核对CRM' });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'monthly_spend');
    // The intake's bounds hold for a correction too: 5000 months is no tenure.
    r = await s.act('agent', thrifty.id, 'correct', { tenure_months: 5000, reason: '核对CRM' });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'tenure_months');
    x = await s.step('agent', thrifty.id, 'correct', { monthly_spend: 210, reason: '核对CRM：月均消费为210元' });
    assert.equal(x.customer.monthly_spend, 210);
    assert.equal(x.corrections.at(-1).was.monthly_spend, 99);
    assert.match(await limitLabel(thrifty.id), /150\.00/);
    x = await s.step('agent', thrifty.id, 'compensate', { kind: 'credit', amount: 140, reason: '再次致歉' });
    assert.equal(x.compensations[1].status, 'granted');
    // The earlier request keeps the figures it was made on: a supervisor decides it as before.
    assert.equal(x.compensations[0].monthly_spend, 99);
  } finally {
    await s.stop();
    await s.cleanup();
  }
});

test('a pack whose authority reads no figures does not ask for them', { timeout: 180000 }, async () => {
  const s = new PackServer('gas-station', [['agent', ['agent'], 'SH-CSC']]);
  try {
    await s.start();
    assert.deepEqual((await s.as('agent', 'GET', '/config')).json.authority_conditions, []);
    const c = await s.intake('agent', { customer: { tenure_months: 5 } });
    const form = (await s.actions(c.id, 'agent')).items.find((a) => a.action === 'correct');
    assert.ok(!form.fields.some((f) => f.name === 'tenure_months'), 'no such field where nothing reads it');
    const r = await s.act('agent', c.id, 'correct', { tenure_months: 6, reason: '核对' });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, 'tenure_months', describe(r));
  } finally {
    await s.stop();
    await s.cleanup();
  }
});
