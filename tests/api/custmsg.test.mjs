// Messages to the customer (issue #16; 000: the customer is given the
// complaint's number and told the solution by phone, e-mail or letter; 001:
// 受理答复): with an SMS gateway and a mail server set, an intake sends the
// customer the acknowledgement — the number, the answer promised by and the
// portal's tracking link — by text message and e-mail, and a reply given by
// text message reaches the customer's phone with its text. The rows hold no
// address and the reply's text stays sealed; inside the pack's quiet hours
// the message waits for their end. Runs on both stores.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { useServer, freePort, until, describe, errorOf, uniquePhone, greets, PackServer, REPO_ROOT } from './lib.mjs';

const SMS_PORT = await freePort();
const SMTP_PORT = await freePort();
const MAILDIR = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-custmail-'));
const PUBLIC = 'https://ts.example.cn';
const srv = useServer({
  env: {
    REDRESS_SMS_URL: `http://127.0.0.1:${SMS_PORT}/send`,
    REDRESS_SMS_SECRET: 'customer-sms-secret-0123456789',
    REDRESS_SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
    REDRESS_SMTP_FROM: 'service@example.com',
    REDRESS_PUBLIC_URL: PUBLIC,
  },
});

const texts = []; // what the SMS gateway received
const gateway = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => { texts.push(JSON.parse(Buffer.concat(chunks).toString('utf8'))); res.end('{"ok":true}'); });
});
await new Promise((r) => gateway.listen(SMS_PORT, '127.0.0.1', r));

const sink = spawn('/usr/bin/python3', [path.join(REPO_ROOT, 'tests', 'api', 'smtp_sink.py'), String(SMTP_PORT), MAILDIR],
  { stdio: ['ignore', 'inherit', 'inherit'] });
before(() => until(() => greets(SMTP_PORT), 'the SMTP sink to greet'));
after(async () => {
  gateway.closeAllConnections();
  gateway.close();
  const gone = new Promise((r) => sink.once('exit', r));
  sink.kill('SIGTERM');
  await gone;
  fs.rmSync(MAILDIR, { recursive: true, force: true });
});

// The mails received for rcpt, as {subject, raw}.
function mailsTo(rcpt) {
  return fs.readdirSync(MAILDIR).filter((f) => f.endsWith('.eml'))
    .filter((f) => fs.readFileSync(path.join(MAILDIR, f.replace('.eml', '.rcpt')), 'utf8').includes(rcpt))
    .map((f) => fs.readFileSync(path.join(MAILDIR, f), 'latin1'));
}

// HH:MM at Beijing time, minutes from now.
function beijing(minutesFromNow) {
  const d = new Date(Date.now() + (minutesFromNow + 480) * 60e3);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

// Makes the active pack's quiet hours [from, to) (Beijing time) on server s; returns the pack.
async function quietHours(from, to, s = srv) {
  const v = (await s.as('admin', 'GET', '/config/versions')).json.active;
  const pack = (await s.as('admin', 'GET', `/config/versions/${v}`)).json.pack;
  assert.ok(pack.customer_messages, 'the pack sends customer messages');
  pack.customer_messages.quiet_hours = { from, to };
  const r = await s.as('admin', 'POST', '/config/versions', { body: { pack, reason: `免打扰时段 ${from}–${to}` } });
  assert.equal(r.status, 201, describe(r));
  return pack;
}

async function customerRows(id) {
  const r = await srv.as('admin', 'GET', `/outbox?complaint=${id}`);
  assert.equal(r.status, 200, describe(r));
  return r.json.items.filter((m) => m.target === 'customer');
}

srv.test('an intake sends the customer the number, the promise and the tracking link by text message and e-mail', async () => {
  await quietHours(beijing(120), beijing(180)); // not now
  const phone = uniquePhone(), email = `c${phone}@example.net`;
  const c = await srv.intake('agent1', { customer: { phone, email } });
  const sms = await until(() => texts.find((t) => t.to === phone), 'the acknowledgement at the gateway');
  assert.match(sms.text, new RegExp(`^【加油站客服】您的投诉已受理，编号${c.number}，我们将于\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d`));
  assert.ok(sms.text.includes(`查询进度：${PUBLIC}/#/portal/track?number=${c.number}`), sms.text);
  const mail = await until(() => mailsTo(email)[0], 'the acknowledgement by e-mail');
  const head = mail.split('\r\n\r\n')[0].replace(/\r\n[ \t]/g, ' ');
  const subject = /^Subject: (.*)$/mi.exec(head)[1]
    .replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8'));
  assert.equal(subject, `您的投诉 ${c.number} (your complaint ${c.number})`);
  const bodies = [...mail.matchAll(/\r\n\r\n([A-Za-z0-9+/=\r\n]+)\r\n--/g)].map((m) => Buffer.from(m[1].replace(/\r\n/g, ''), 'base64').toString('utf8'));
  assert.ok(bodies.some((b) => b.includes(`编号${c.number}`) && b.includes(`number ${c.number}`)), 'the text in Chinese and English');
  const rows = await until(async () => {
    const rs = await customerRows(c.id);
    return rs.length === 2 && rs.every((m) => m.status === 'sent') ? rs : null;
  }, 'both rows sent');
  assert.deepEqual(rows.map((m) => m.channel).sort(), ['email', 'sms']);
  assert.ok(rows.every((m) => m.template === 'customer_ack'));
  assert.ok(!JSON.stringify(rows).includes(phone) && !JSON.stringify(rows).includes(email), 'no address in the rows');
});

srv.test('a reply given by text message reaches the customer with its text; one by phone sends nothing', async () => {
  await quietHours(beijing(120), beijing(180));
  const phone = uniquePhone();
  const resolved = async () => {
    const c = await srv.intake('agent1', { customer: { phone } });
    await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
    await srv.step('pd01', c.id, 'accept', {});
    await srv.step('pd01', c.id, 'resolve', { resolution_type: 'solution', resolution: '调阅监控属实，补开发票', nature: 'valid' });
    return c;
  };
  const c = await resolved();
  const content = '您好，已为您补开发票，站长已当面致歉，感谢监督。';
  await srv.step('agent1', c.id, 'reply', { method: 'sms', content });
  const sms = await until(() => texts.find((t) => t.to === phone && t.text.includes(content)), 'the reply at the gateway');
  assert.equal(sms.text, `【加油站客服】关于您的投诉${c.number}：${content}`);
  const row = (await customerRows(c.id)).find((m) => m.template === 'customer_reply');
  assert.ok(row, 'the reply row');
  assert.ok(!JSON.stringify(row.payload).includes('补开发票'), 'the reply stays sealed in the row');

  const byPhone = await resolved();
  await srv.step('agent1', byPhone.id, 'reply', { method: 'phone', content: '已电话告知处理结果' });
  const rows = await customerRows(byPhone.id);
  assert.deepEqual(rows.map((m) => m.template), ['customer_ack'], 'only the acknowledgement');
});

srv.test('the revisit survey link goes to the customer\'s phone; its token stays sealed in the row', async () => {
  await quietHours(beijing(120), beijing(180));
  const phone = uniquePhone();
  const c = await srv.intake('agent1', { customer: { phone } });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  await srv.step('pd01', c.id, 'accept', {});
  await srv.step('pd01', c.id, 'resolve', { resolution_type: 'solution', resolution: '已致歉并退款', nature: 'valid' });
  await srv.step('agent1', c.id, 'reply', { method: 'phone', content: '已电话告知' });
  const bad = await srv.as('agent1', 'POST', `/complaints/${c.id}/survey-link`, { body: { send: 'yes' } });
  assert.equal(bad.status, 400, describe(bad));
  assert.equal(errorOf(bad).field, 'send');
  const r = await srv.as('agent1', 'POST', `/complaints/${c.id}/survey-link`, { body: { send: true } });
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.url, `${PUBLIC}/#/survey/${r.json.token}`);
  assert.deepEqual(r.json.sent.map((m) => m.channel), ['sms']);
  const sms = await until(() => texts.find((t) => t.to === phone && t.text.includes('评价')), 'the survey link at the gateway');
  assert.equal(sms.text, `【加油站客服】请您花一分钟对投诉${c.number}的处理做个评价：${r.json.url}`);
  const row = (await customerRows(c.id)).find((m) => m.template === 'customer_survey');
  assert.ok(row && !JSON.stringify(row).includes(r.json.token), 'the token is not readable in the outbox');
  // The link the customer got opens the survey.
  const open = await srv.api('GET', `/portal/surveys/${r.json.token}`);
  assert.equal(open.status, 200, describe(open));
});

srv.test('inside the quiet hours the acknowledgement waits for their end', async () => {
  const end = beijing(60);
  await quietHours(beijing(-60), end);
  const phone = uniquePhone();
  const c = await srv.intake('agent1', { customer: { phone } });
  const rows = await customerRows(c.id);
  assert.equal(rows.length, 1, JSON.stringify(rows));
  assert.equal(rows[0].status, 'pending');
  // Due at the end of the quiet hours, to the minute (Beijing time).
  const due = new Date(rows[0].next_attempt_at);
  const local = new Date(due.getTime() + 480 * 60e3);
  assert.equal(`${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`, end);
  assert.ok(due.getTime() > Date.now() + 50 * 60e3, 'not before');
  assert.ok(!texts.some((t) => t.to === phone), 'nothing sent yet');
  await quietHours(beijing(120), beijing(180));
});

srv.test('a template naming an unknown variable is refused, naming where', async () => {
  const v = (await srv.as('admin', 'GET', '/config/versions')).json.active;
  const pack = (await srv.as('admin', 'GET', `/config/versions/${v}`)).json.pack;
  pack.customer_messages.ack['zh-CN'] = '您的投诉{number}已受理，经办人{agent}';
  const r = await srv.as('admin', 'POST', '/config/versions', { body: { pack, reason: '试错' } });
  assert.equal(r.status, 422, describe(r));
  assert.equal(errorOf(r).field, 'pack.customer_messages.ack.zh-CN');
  pack.customer_messages.ack['zh-CN'] = '您的投诉{number}已受理';
  pack.customer_messages.quiet_hours = { from: '25:00', to: '08:00' };
  const q = await srv.as('admin', 'POST', '/config/versions', { body: { pack, reason: '试错' } });
  assert.equal(q.status, 422, describe(q));
  assert.equal(errorOf(q).field, 'pack.customer_messages.quiet_hours');
});

// Seed 001's consultations (业务咨询) are acknowledged as what they are, not as complaints.
test('a consultation is acknowledged as a consultation (telecom pack)', { timeout: 240000 }, async () => {
  const s = new PackServer('telecom', [['agent', ['agent'], 'HA-CSC']]);
  s.opts.env = { REDRESS_SMS_URL: `http://127.0.0.1:${SMS_PORT}/send`, REDRESS_SMS_SECRET: 'customer-sms-secret-0123456789' };
  try {
    await s.start();
    await quietHours(beijing(120), beijing(180), s);
    const phone = uniquePhone();
    const c = await s.intake('agent', { kind: 'consultation', customer: { name: '李四', phone, class: 'ordinary' },
      subject_staff: null, place: null, subject_unit: 'HA-ZZ-01', channel: 'business_hall', category: 'channel.own_hall',
      description: '想了解宽带提速的办理方式' });
    const sms = await until(() => texts.find((t) => t.to === phone), 'the acknowledgement at the gateway');
    assert.match(sms.text, new RegExp(`^【客服中心】您的业务咨询已受理，编号${c.number}`));
  } finally {
    await s.stop();
    await s.cleanup();
  }
});
