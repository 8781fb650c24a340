// Text messages (001: 系统自动向责任单位(责任人)派发预警工单或者预警短信): with an
// SMS gateway set, the deadline warning goes as a text message to the person
// who carries the work order (its assignee, else who accepted it), posted to
// the gateway as {id, to, text} and signed like a webhook. A person who
// wants no text messages, or has no phone, gets none, and the row says why.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { after } from 'node:test';
import { useServer, freePort, until, describe, runCli, rfc3339 } from './lib.mjs';

const SECRET = 'sms-secret-0123456789abcdef';
const PORT = await freePort();
const srv = useServer({ env: { REDRESS_SMS_URL: `http://127.0.0.1:${PORT}/send`, REDRESS_SMS_SECRET: SECRET } });

const got = []; // {json, verified}
const gateway = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const want = 'sha256=' + crypto.createHmac('sha256', SECRET).update(`${req.headers['x-redress-timestamp']}.${raw}`).digest('hex');
    got.push({ json: JSON.parse(raw), verified: req.headers['x-redress-signature'] === want });
    res.end('{"ok":true}');
  });
});
await new Promise((r) => gateway.listen(PORT, '127.0.0.1', r));
after(() => { gateway.closeAllConnections(); gateway.close(); });

async function userId(username) {
  const r = await srv.as('admin', 'GET', '/users');
  return r.json.items.find((u) => u.username === username).id;
}

// A complaint handled at SH-PD-01 and accepted by pd01, swept just before its handling deadline.
async function warned() {
  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  const d = await srv.step('pd01', c.id, 'accept', {});
  const at = new Date(Date.parse(d.deadlines.stage) - 60e3);
  const r = await runCli(['sweep', '--db', srv.dbUrl, '--now', rfc3339(at)], { timeoutMs: 120e3 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return c;
}

async function smsRow(id) {
  return until(async () => {
    const r = await srv.as('admin', 'GET', `/outbox?complaint=${id}`);
    // the warning's row (the customer's acknowledgement goes by text message too)
    const m = r.json.items.find((x) => x.channel === 'sms' && x.target !== 'customer');
    return m && m.status !== 'pending' ? m : null;
  }, 'the text message row', { timeoutMs: 30000 });
}

srv.test('the deadline warning reaches the handler\'s phone through the gateway, signed', async () => {
  const r = await srv.as('admin', 'PUT', `/users/${await userId('pd01')}`, { body: { phone: '13800138001', notify: ['sms'] } });
  assert.equal(r.status, 200, describe(r));
  const c = await warned();
  const m = await smsRow(c.id);
  assert.equal(m.status, 'sent', JSON.stringify(m));
  const sms = got.find((g) => g.json.text.includes(c.number) && g.json.text.includes('预警'));
  assert.ok(sms, JSON.stringify(got));
  assert.equal(sms.json.to, '13800138001');
  assert.match(sms.json.text, /预警/);
  assert.equal(sms.json.id, m.idempotency_key);
  assert.ok(sms.verified, 'signed with the gateway\'s secret');
});

srv.test('no text message to someone who wants none: the row says why', async () => {
  const r = await srv.as('admin', 'PUT', `/users/${await userId('pd01')}`, { body: { notify: ['email'] } });
  assert.equal(r.status, 200, describe(r));
  const c = await warned();
  const m = await smsRow(c.id);
  assert.equal(m.status, 'cancelled');
  assert.match(m.last_error, /does not want text messages/);
  assert.ok(!got.some((g) => g.json.text.includes(c.number) && g.json.text.includes('预警')));
});
