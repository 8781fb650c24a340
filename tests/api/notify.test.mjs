// Notifications that reach people: users' contact details and channel
// preferences (POST, PUT, GET /users), and the e-mail a dispatch sends to
// the users of the unit it goes to, delivered from the outbox to a real
// SMTP server (Debian's python3-aiosmtpd, started here on a free port,
// tests/api/smtp_sink.py) and read back: the number in the subject, a
// Chinese text and HTML part. A server that is down or refuses shows the
// back-off (failed, attempts growing) and the dead letter, which an
// administrator's retry then delivers. Runs on both stores like the rest.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { useServer, freePort, until, describe, errorOf, greets, REPO_ROOT } from './lib.mjs';

const SMTP_PORT = await freePort();
const MAILDIR = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-mail-'));
const srv = useServer({
  env: {
    REDRESS_SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
    REDRESS_SMTP_FROM: 'redress@example.com',
    // Quick retries and an early dead letter, so the test sees them.
    REDRESS_NOTIFY_BACKOFF: '1',
    REDRESS_NOTIFY_BACKOFF_MAX: '1',
    REDRESS_NOTIFY_ATTEMPTS: '3',
    REDRESS_NOTIFY_TIMEOUT: '5',
  },
});

// ------------------------------------------------------------ the mail server

let sink = null;

async function startSink() {
  sink = spawn('/usr/bin/python3', [path.join(REPO_ROOT, 'tests', 'api', 'smtp_sink.py'), String(SMTP_PORT), MAILDIR],
    { stdio: ['ignore', 'inherit', 'inherit'] });
  await until(() => greets(SMTP_PORT), 'the SMTP sink to greet');
}

async function stopSink() {
  if (!sink) return;
  const gone = new Promise((r) => sink.once('exit', r));
  sink.kill('SIGTERM');
  await gone;
  sink = null;
}

after(async () => {
  await stopSink();
  fs.rmSync(MAILDIR, { recursive: true, force: true });
});

// The messages received so far: {rcpt, raw}.
function received() {
  return fs.readdirSync(MAILDIR).filter((f) => f.endsWith('.eml')).map((f) => ({
    rcpt: fs.readFileSync(path.join(MAILDIR, f.replace('.eml', '.rcpt')), 'utf8'),
    raw: fs.readFileSync(path.join(MAILDIR, f), 'latin1'),
  }));
}

// A message's headers (unfolded, RFC 2047 words decoded) and its parts by type, decoded.
function parseMail(raw) {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n');
  const headers = {};
  for (const line of head.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const decode = (v) => v.replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8'));
  for (const k of Object.keys(headers)) headers[k] = decode(headers[k]);
  const boundary = /boundary="([^"]+)"/.exec(headers['content-type'])[1];
  const parts = {};
  for (const p of body.split(`--${boundary}`).slice(1, -1)) {
    const [ph, pb] = p.replace(/^\r\n/, '').split('\r\n\r\n');
    const type = /Content-Type: ([^;\r\n]+)/i.exec(ph)[1];
    assert.match(ph, /charset=UTF-8/i);
    assert.match(ph, /Content-Transfer-Encoding: base64/i);
    parts[type] = Buffer.from(pb.replace(/\r\n/g, ''), 'base64').toString('utf8');
  }
  return { headers, parts };
}

// ------------------------------------------------------------ helpers

// One sample of /metrics, by its name with labels.
async function sample(name) {
  const r = await srv.api('GET', '/metrics');
  const line = r.text.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} in /metrics:\n${r.text}`);
  return Number(line.slice(name.length + 1));
}

let seq = 0;
async function addUser(over = {}) {
  seq += 1;
  const body = {
    username: `notify${seq}`, name: `通知测试${seq}`, password: 'Notify-test-2026!', roles: ['handler'],
    unit: 'SH-PD-01', email: `notify${seq}@example.com`, phone: '+86 138-0013-8000', ...over,
  };
  const r = await srv.as('admin', 'POST', '/users', { body });
  assert.equal(r.status, 201, describe(r));
  return r.json;
}

async function outboxOf(id) {
  const r = await srv.as('admin', 'GET', `/outbox?complaint=${id}`);
  assert.equal(r.status, 200, describe(r));
  return r.json.items.filter((m) => m.channel === 'email');
}

async function dispatch(unit = 'SH-PD-01') {
  const c = await srv.intake('agent1');
  return srv.step('agent1', c.id, 'dispatch', { unit, note: '请核实处理' });
}

// ------------------------------------------------------------ users

srv.test('users carry email, phone and notify: created, listed, changed; bad values are refused naming the field', async () => {
  const u = await addUser();
  assert.equal(u.email, `notify${seq}@example.com`);
  assert.equal(u.phone, '+86 138-0013-8000');
  assert.deepEqual(u.notify, ['email'], 'e-mail is on by default');
  let r = await srv.as('admin', 'GET', '/users');
  const listed = r.json.items.find((x) => x.id === u.id);
  assert.equal(listed.email, u.email);
  assert.equal(listed.phone, u.phone);

  r = await srv.as('admin', 'PUT', `/users/${u.id}`, { body: { email: 'changed@example.org', notify: [], phone: null } });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.email, 'changed@example.org');
  assert.equal(r.json.phone, null);
  assert.deepEqual(r.json.notify, []);
  r = await srv.as('admin', 'GET', '/users');
  assert.deepEqual(r.json.items.find((x) => x.id === u.id).notify, []);

  for (const [body, field] of [[{ email: 'not an address' }, 'email'], [{ email: 'a@b' }, 'email'],
    [{ email: 'x@example.com\r\nBcc: y@example.com' }, 'email'], [{ phone: '12ab' }, 'phone'],
    [{ phone: '123' }, 'phone'], [{ notify: ['pigeon'] }, 'notify'], [{ notify: 'email' }, 'notify']]) {
    r = await srv.as('admin', 'PUT', `/users/${u.id}`, { body });
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${describe(r)}`);
    assert.equal(errorOf(r).field, field, r.text);
    r = await srv.as('admin', 'POST', '/users', { body: { username: 'bad-contact', name: 'x', password: 'Notify-test-2026!', roles: ['handler'], unit: 'SH-PD-01', ...body } });
    assert.equal(r.status, 400, `create with ${JSON.stringify(body)}: ${describe(r)}`);
    assert.equal(errorOf(r).field, field, r.text);
  }
  r = await srv.as('admin', 'PUT', `/users/${u.id}`, { body: { salary: 1 } });
  assert.equal(r.status, 400, describe(r));
  r = await srv.as('admin', 'PUT', '/users/999999', { body: { email: 'x@example.com' } });
  assert.equal(r.status, 404, describe(r));
  r = await srv.as('agent1', 'PUT', `/users/${u.id}`, { body: { email: 'x@example.com' } });
  assert.equal(r.status, 403, describe(r));
});

// ------------------------------------------------------------ e-mail

srv.test('a dispatch e-mails the users of the unit who want it: number in the subject, Chinese text and HTML parts', async () => {
  await startSink();
  const wants = await addUser();
  const declines = await addUser({ notify: [] });
  const elsewhere = await addUser({ unit: 'SH-PD-02' });
  const c = await dispatch('SH-PD-01');
  const rows = await until(async () => {
    const l = await outboxOf(c.id);
    return l.length && l.every((m) => m.status === 'sent') ? l : null;
  }, 'the dispatch e-mail to be sent');
  const to = rows.map((m) => m.recipient_user.id);
  assert.ok(to.includes(wants.id), 'the user who wants e-mail is a recipient');
  assert.ok(!to.includes(declines.id), 'a user who turned e-mail off is not');
  assert.ok(!to.includes(elsewhere.id), 'a user of another unit is not');
  const mine = rows.find((m) => m.recipient_user.id === wants.id);
  assert.equal(mine.attempts, 1);
  assert.equal(mine.template, 'dispatch');
  assert.match(mine.idempotency_key, new RegExp(`^c${c.id}/e\\d+/dispatch/user${wants.id}$`));

  const mail = received().find((m) => m.rcpt.includes(wants.email));
  assert.ok(mail, `a message to ${wants.email} reached the server`);
  const { headers, parts } = parseMail(mail.raw);
  assert.ok(headers.subject.includes(c.number), `subject names the complaint: ${headers.subject}`);
  assert.match(headers.subject, /投诉工单/);
  assert.equal(headers.from, 'redress@example.com');
  assert.ok(headers.to.includes(wants.email));
  assert.match(headers['message-id'], /^<redress\.\d+\.c\d+\.e\d+\.dispatch\.user\d+@example\.com>$/);
  assert.equal(headers['x-redress-key'], mine.idempotency_key);
  assert.ok(parts['text/plain'].includes(`投诉工单 ${c.number} 已派发至浦东世纪大道加油站`), parts['text/plain']);
  assert.ok(parts['text/html'].includes(c.number) && parts['text/html'].includes('<table>'), parts['text/html']);
  assert.ok(!parts['text/plain'].includes('138'), 'no customer phone in a staff e-mail');

  const r = await srv.as('admin', 'GET', `/outbox/${mine.id}`);
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.attempt_log.length, 1);
  assert.equal(r.json.attempt_log[0].result, 'sent');
  assert.equal(r.json.attempt_log[0].code, 250);
  assert.ok(r.json.sent_at);
  assert.ok(await sample('redress_notify_sent_total') >= 1, 'the sent e-mail is counted');
  assert.equal(await sample('redress_outbox_rows{status="pending"}'), 0, 'nothing e-mail waits');
});

srv.test('a refusing server: failed with attempts growing, then dead; an administrator retries it and it is sent', async () => {
  if (!sink) await startSink();
  const u = await addUser();
  fs.writeFileSync(path.join(MAILDIR, 'REJECT'), '');
  const c = await dispatch('SH-PD-01');
  const row = async () => (await outboxOf(c.id)).find((m) => m.recipient_user.id === u.id);
  // Failed, tried again a second later (it may be dead by the time a busy machine looks).
  const failed = await until(async () => { const m = await row(); return m && m.attempts >= 1 ? m : null; },
    'the first failed attempt');
  assert.ok(['failed', 'dead'].includes(failed.status), failed.status);
  if (failed.status === 'failed') assert.ok(failed.next_attempt_at, 'a failed row says when it is tried again');
  assert.ok(failed.last_error);
  const dead = await until(async () => { const m = await row(); return m && m.status === 'dead' ? m : null; },
    'the dead letter', { timeoutMs: 30000 });
  assert.equal(dead.attempts, 3, 'dead after the attempts allowed');
  let r = await srv.as('admin', 'GET', `/outbox/${dead.id}`);
  assert.deepEqual(r.json.attempt_log.map((a) => a.result), ['failed', 'failed', 'failed']);
  assert.ok(r.json.attempt_log.every((a) => a.code === 451), JSON.stringify(r.json.attempt_log));
  r = await srv.as('admin', 'GET', '/outbox?status=dead');
  assert.ok(r.json.items.some((m) => m.id === dead.id), 'the dead letters are listed by status');
  assert.ok(await sample('redress_outbox_rows{status="dead"}') >= 1, 'the dead letter is a metric');
  assert.ok(await sample('redress_notify_dead_total') >= 1);
  assert.ok(await sample('redress_notify_failed_total') >= 2);

  fs.rmSync(path.join(MAILDIR, 'REJECT'));
  r = await srv.as('super1', 'POST', `/outbox/${dead.id}/retry`);
  assert.equal(r.status, 403, `only an administrator retries: ${describe(r)}`);
  r = await srv.as('admin', 'POST', `/outbox/${dead.id}/retry`);
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.status, 'pending');
  const sent = await until(async () => { const m = await row(); return m && m.status === 'sent' ? m : null; },
    'the retried message to be sent');
  assert.equal(sent.attempts, 4, 'the count goes on after a retry');
  assert.ok(received().some((m) => m.rcpt.includes(u.email)));
  r = await srv.as('admin', 'POST', `/outbox/${dead.id}/retry`);
  assert.equal(r.status, 409, `a sent message is not retried: ${describe(r)}`);
  r = await srv.as('admin', 'POST', `/outbox/${dead.id}/cancel`);
  assert.equal(r.status, 409, `nor cancelled: ${describe(r)}`);
  r = await srv.as('admin', 'GET', '/audit?action=outbox_retry');
  assert.equal(r.status, 200, describe(r));
  assert.ok(JSON.stringify(r.json).includes(`outbox:${dead.id}`), 'the retry is audited');
});

srv.test('a server that is down: failed without a reply code; cancel stops the retries', async () => {
  await stopSink();
  const u = await addUser();
  const c = await dispatch('SH-PD-01');
  const row = async () => (await outboxOf(c.id)).find((m) => m.recipient_user.id === u.id);
  const failed = await until(async () => { const m = await row(); return m && m.attempts >= 1 ? m : null; },
    'a failed attempt on a refused connection');
  assert.ok(['failed', 'dead'].includes(failed.status), failed.status);
  let r = await srv.as('admin', 'GET', `/outbox/${failed.id}`);
  assert.equal(r.json.attempt_log[0].code, 0, 'no server, no reply code');
  r = await srv.as('admin', 'POST', `/outbox/${failed.id}/cancel`);
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.status, 'cancelled');
  r = await srv.as('admin', 'GET', '/outbox?status=bogus');
  assert.equal(r.status, 400, describe(r));
  assert.equal(errorOf(r).field, 'status');
});
