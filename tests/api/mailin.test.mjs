// E-mail intake over IMAP: a real IMAP server (Debian's dovecot-imapd,
// started here on a free port with a temporary configuration, a maildir and
// a passwd-file user, as an unprivileged user) receives messages by APPEND;
// an administrator configures the mailbox and polls it; each message becomes
// a draft complaint (a GBK plain text, a UTF-8 one with an RFC 2047 subject,
// an HTML-only one, one with an attached picture), is kept aside with its
// reason (malformed, oversized, a duplicate Message-ID), or — a reply whose
// subject names a complaint — joins that complaint's timeline. An agent
// confirms a draft as a complaint on channel email (once, however often it
// is confirmed), with the message kept as an .eml attachment, or discards
// one. Nothing of the messages is stored in clear. Runs on both stores.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { startImap } from './imap_server.mjs';
import { useServer, freePort, until, errorOf, intakeBody, storedText, latin1, runCli, NUMBER_RE } from './lib.mjs';

const IMAP_PORT = await freePort();
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-imap-'));
const USER = 'intake';
const PASSWORD = 'imap-secret-1';
const MAX_BYTES = 4096;

const srv = useServer({
  env: { REDRESS_MAIL_POLL: 'off', REDRESS_MAIL_MAX_BYTES: String(MAX_BYTES), REDRESS_MAIL_TIMEOUT: '10' },
});

// ------------------------------------------------------------ the IMAP server

let imap = null;
before(async () => { imap = await startImap(IMAP_PORT, DIR, USER, PASSWORD); });
after(async () => {
  await imap?.stop();
  fs.rmSync(DIR, { recursive: true, force: true });
});
const append = (raw) => imap.append(raw);

const gbk = (s) => execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: s });
const b64word = (s) => `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;
const crlf = (s) => s.replace(/\r?\n/g, '\r\n');
const DATE = 'Mon, 07 Dec 2026 10:00:00 +0800';
// The smallest PNG: one transparent pixel.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

function head(from, subject, id, type) {
  return crlf(`From: ${from}\nTo: ts@example.com\nSubject: ${subject}\nMessage-ID: <${id}@example.com>\nDate: ${DATE}\nMIME-Version: 1.0\nContent-Type: ${type}\n\n`);
}

const TEXT_GBK = '在3号加油机加油时，加油员拒绝开具发票，态度恶劣。';
const TEXT_UTF8 = '便利店的收银员多收了我十元钱，请核实并退还。';
const SUBJECT_UTF8 = '投诉：便利店多收钱';

async function mailbox(body = {}) {
  return srv.as('admin', 'PUT', '/mailboxes/service', {
    body: { unit: 'SH-CSC', url: `imap://127.0.0.1:${IMAP_PORT}/INBOX`, user: USER, password: PASSWORD, poll_seconds: 60, ...body },
  });
}

async function poll() {
  const r = await srv.as('admin', 'POST', '/mailboxes/service/actions/poll');
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function drafts(status) {
  const r = await srv.as('agent1', 'GET', `/mail-drafts?status=${status}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

async function draft(id) {
  const r = await srv.as('agent1', 'GET', `/mail-drafts/${id}?clear=true`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

let replied = null;

srv.test('an administrator configures a mailbox; its password is never shown and bad fields are named', async () => {
  let r = await srv.as('admin', 'PUT', '/mailboxes/service', { body: { unit: 'SH-CSC', url: 'http://x/INBOX', user: 'a', password: 'b' } });
  assert.equal(r.status, 422);
  assert.equal(errorOf(r).field, 'url');
  r = await srv.as('admin', 'PUT', '/mailboxes/service', { body: { unit: 'SH-CSC', url: `imap://127.0.0.1:${IMAP_PORT}/INBOX`, user: 'a', password: 'b', colour: 1 } });
  assert.equal(r.status, 400);
  assert.equal(errorOf(r).field, 'colour');
  r = await srv.as('admin', 'PUT', '/mailboxes/service', { body: { unit: 'SH-CSC', url: `imap://127.0.0.1:${IMAP_PORT}/INBOX`, user: 'a', password: 'b', poll_seconds: 1 } });
  assert.equal(errorOf(r).field, 'poll_seconds');
  r = await mailbox({ unit: 'XX-NONE' });
  assert.equal(r.status, 422);
  assert.equal(errorOf(r).field, 'unit');
  r = await mailbox();
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.unit.code, 'SH-CSC');
  assert.equal(r.json.has_password, true);
  assert.equal(r.json.password, undefined);
  assert.ok(!r.text.includes(PASSWORD));
  // Saved again without a password, it keeps its own.
  r = await mailbox({ password: '' });
  assert.equal(r.status, 200, r.text);
  r = await srv.as('admin', 'GET', '/mailboxes');
  assert.equal(r.json.items.length, 1);
  assert.ok(!r.text.includes(PASSWORD));
  r = await srv.as('agent1', 'GET', '/mailboxes');
  assert.equal(r.status, 403);
});

srv.test('a poll turns each new message into a draft, keeps the bad ones aside and joins a reply to its complaint', async () => {
  replied = await srv.intake('agent1', { customer: { name: '王先生', phone: '13987654321', class: 'ordinary', email: 'wang@example.com' } });
  assert.match(replied.number, NUMBER_RE);
  append(Buffer.concat([Buffer.from(head('=?GBK?B?' + gbk('张先生').toString('base64') + '?= <zhang@example.com>', b64word('加油站不开发票'), 'gbk-1', 'text/plain; charset=GBK')), gbk(TEXT_GBK + '\r\n')]));
  append(head('Li Na <lina@example.com>', b64word(SUBJECT_UTF8), 'utf8-1', 'text/plain; charset=UTF-8') + TEXT_UTF8 + '\r\n');
  append(head('html@example.com', 'HTML only', 'html-1', 'text/html; charset=UTF-8') +
    '<html><head><style>p{color:red}</style></head><body><p>蓝莓冰淇淋&amp;数量有问题</p><br>请回电</body></html>\r\n');
  append(head('photo@example.com', b64word('附图投诉'), 'att-1', 'multipart/mixed; boundary="XyZ"') + crlf(
    `--XyZ\nContent-Type: text/plain; charset=UTF-8\n\n洗车时划伤车门，见附图。\n--XyZ\nContent-Type: image/png\nContent-Disposition: attachment; filename="door.png"\nContent-Transfer-Encoding: base64\n\n${PNG.toString('base64')}\n--XyZ--\n`));
  append(crlf('Subject: no sender\nMessage-ID: <bad-1@example.com>\n\nwho sent this?\n'));
  append(head('big@example.com', 'big', 'big-1', 'text/plain; charset=UTF-8') + 'x'.repeat(MAX_BYTES * 2) + '\r\n');
  append(head('Li Na <lina@example.com>', b64word(SUBJECT_UTF8), 'utf8-1', 'text/plain; charset=UTF-8') + TEXT_UTF8 + '\r\n');
  append(head('wang@example.com', `Re: 关于 ${replied.number} 的处理`, 'reply-1', 'text/plain; charset=UTF-8') + '补充：当时的发票号码为 12345。\r\n');
  // Someone else naming the same number does not write into that customer's complaint: a draft for an agent.
  append(head('stranger@example.com', `Re: ${replied.number}`, 'reply-2', 'text/plain; charset=UTF-8') + '我也要投诉这个站。\r\n');

  // curl's APPEND files a message as read: these are unread, as mail just delivered is.
  const imapCmd = (cmd) => execFileSync('curl', ['-sS', '-u', `${USER}:${PASSWORD}`, `imap://127.0.0.1:${IMAP_PORT}/INBOX`, '-X', cmd], { encoding: 'utf8' });
  imapCmd('UID STORE 1:* -FLAGS.SILENT (\\Seen)');
  const c = await poll();
  assert.deepEqual(c, { fetched: 9, pending: 5, aside: 3, joined: 1 });
  // Read by the intake, the messages stay unread in the mailbox for the people who share it.
  assert.equal(imapCmd('UID SEARCH UNSEEN').trim(), '* SEARCH 1 2 3 4 5 6 7 8 9');
  // Nothing new: the mailbox's state remembers what was taken in.
  assert.deepEqual(await poll(), { fetched: 0, pending: 0, aside: 0, joined: 0 });
  const r = await srv.as('admin', 'GET', '/mailboxes');
  assert.equal(r.json.items[0].last_uid, 9);
  assert.ok(r.json.items[0].polled_at);
});

srv.test('the drafts show the message decoded: GBK, RFC 2047, HTML made text, the attached file', async () => {
  const pending = await drafts('pending');
  assert.equal(pending.length, 5);
  // The list is masked.
  assert.ok(!pending.some((d) => /^[a-z]+@example\.com$/.test(d.from.address)), JSON.stringify(pending.map((d) => d.from)));
  const bySender = {};
  for (const d of pending) {
    const full = await draft(d.id);
    bySender[full.from.address] = full;
  }
  const g = bySender['zhang@example.com'];
  assert.ok(g, JSON.stringify(Object.keys(bySender)));
  assert.equal(g.from.name, '张先生');
  assert.equal(g.subject, '加油站不开发票');
  assert.equal(g.text.trim(), TEXT_GBK);
  assert.equal(g.status, 'pending');
  assert.ok(g.sent_at.startsWith('2026-12-07T10:00:00'));
  const u = bySender['lina@example.com'];
  assert.equal(u.subject, SUBJECT_UTF8);
  assert.equal(u.text.trim(), TEXT_UTF8);
  const h = bySender['html@example.com'];
  assert.equal(h.text, '蓝莓冰淇淋&数量有问题\n\n请回电');
  const p = bySender['photo@example.com'];
  assert.deepEqual(p.files.map((f) => [f.name, f.type, f.size]), [['door.png', 'image/png', PNG.length]]);
  // Masked without clear.
  const m = await srv.as('agent1', 'GET', `/mail-drafts/${g.id}`);
  assert.equal(m.status, 200);
  assert.notEqual(m.json.from.address, 'zhang@example.com');
  assert.ok(!m.json.text.includes('张先生'));
  // A handler does not see the queue.
  assert.equal((await srv.as('pd01', 'GET', '/mail-drafts')).status, 403);
});

srv.test('malformed, oversized and duplicate messages are kept aside with their reason', async () => {
  const aside = await drafts('aside');
  assert.deepEqual(aside.map((d) => d.reason).sort(), ['duplicate', 'malformed', 'oversized']);
  const big = aside.find((d) => d.reason === 'oversized');
  assert.ok(big.size > MAX_BYTES);
  const dup = await draft(aside.find((d) => d.reason === 'duplicate').id);
  assert.equal(dup.subject, SUBJECT_UTF8);
  // Kept aside, they cannot be confirmed.
  const r = await srv.as('agent1', 'POST', `/mail-drafts/${dup.id}/actions/confirm`, { body: intakeBody({ channel: 'email' }) });
  assert.equal(r.status, 409, r.text);
});

srv.test('a reply naming a complaint joins its timeline, its text sealed', async () => {
  const joined = await drafts('joined');
  assert.equal(joined.length, 1);
  assert.equal(joined[0].complaint.number, replied.number);
  const r = await srv.as('agent1', 'GET', `/complaints/${replied.id}/events`);
  assert.equal(r.status, 200, r.text);
  const ev = r.json.items.find((e) => e.action === 'mail_in');
  assert.ok(ev, JSON.stringify(r.json.items.map((e) => e.action)));
});

srv.test('confirming a draft creates one complaint on channel email with the message attached', async () => {
  const pending = await drafts('pending');
  const all = await Promise.all(pending.map((d) => draft(d.id)));
  const p = all.find((d) => d.from.address === 'photo@example.com');
  const body = intakeBody({ channel: 'email', customer: { name: '赵女士', email: 'photo@example.com', phone: '13912345678', class: 'ordinary' }, description: p.text });
  let r = await srv.as('agent1', 'POST', `/mail-drafts/${p.id}/actions/confirm`, { body });
  assert.equal(r.status, 201, r.text);
  const c = r.json;
  assert.equal(c.channel, 'email');
  r = await srv.as('agent1', 'POST', `/mail-drafts/${p.id}/actions/confirm`, { body });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, c.id);
  assert.equal(r.json.duplicate, true);
  r = await srv.as('agent1', 'GET', `/complaints/${c.id}/attachments`);
  assert.equal(r.status, 200, r.text);
  const files = r.json.items.map((a) => [a.name, a.type]).sort();
  assert.deepEqual(files, [['door.png', 'image/png'], ['message.eml', 'message/rfc822']]);
  const d = await draft(p.id);
  assert.equal(d.status, 'confirmed');
  assert.equal(d.complaint.id, c.id);
  // Bad intake fields are named, and nothing is confirmed.
  const g = all.find((x) => x.from.address === 'zhang@example.com');
  r = await srv.as('agent1', 'POST', `/mail-drafts/${g.id}/actions/confirm`, { body: { ...intakeBody(), channel: 'phone' } });
  assert.equal(r.status, 422);
  assert.equal(errorOf(r).field, 'channel');
});

srv.test('a draft is discarded with a reason, and kept', async () => {
  const pending = await drafts('pending');
  const h = (await Promise.all(pending.map((d) => draft(d.id)))).find((d) => d.from.address === 'html@example.com');
  let r = await srv.as('agent1', 'POST', `/mail-drafts/${h.id}/actions/discard`, { body: {} });
  assert.equal(r.status, 422);
  assert.equal(errorOf(r).field, 'reason');
  r = await srv.as('agent1', 'POST', `/mail-drafts/${h.id}/actions/discard`, { body: { reason: '广告邮件' } });
  assert.equal(r.status, 204, r.text);
  const d = await draft(h.id);
  assert.equal(d.status, 'discarded');
  assert.equal(d.note, '广告邮件');
  assert.equal((await drafts('pending')).length, 3);
});

srv.test('nothing of the messages is stored in clear', async () => {
  const all = await storedText(srv);
  for (const s of [TEXT_GBK, TEXT_UTF8, '蓝莓冰淇淋', 'zhang@example.com', 'lina@example.com', '张先生', '广告邮件']) {
    assert.ok(!all.includes(latin1(s)), `stored in clear: ${s}`);
  }
  assert.ok(!all.includes(gbk(TEXT_GBK).toString('latin1')));
});

srv.test('a mailbox that refuses the login shows why; an unknown message is 404', async () => {
  let r = await srv.as('admin', 'PUT', '/mailboxes/wrong', {
    body: { unit: 'SH-CSC', url: `imap://127.0.0.1:${IMAP_PORT}/INBOX`, user: USER, password: 'not-the-password', enabled: false },
  });
  assert.equal(r.status, 200, r.text);
  r = await srv.as('admin', 'POST', '/mailboxes/wrong/actions/poll');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.fetched, 0);
  assert.ok(r.json.error, r.text);
  r = await srv.as('admin', 'GET', '/mailboxes');
  const wrong = r.json.items.find((m) => m.name === 'wrong');
  assert.equal(wrong.last_error, (await srv.as('admin', 'POST', '/mailboxes/wrong/actions/poll')).json.error);
  assert.equal((await srv.as('admin', 'DELETE', '/mailboxes/wrong')).status, 204);
  assert.equal((await srv.as('admin', 'DELETE', '/mailboxes/wrong')).status, 404);
  assert.equal((await srv.as('admin', 'POST', '/mailboxes/wrong/actions/poll')).status, 404);
  r = await srv.as('agent1', 'GET', '/mail-drafts/m0000000000000000');
  assert.equal(r.status, 404);
  r = await srv.as('agent1', 'POST', '/mail-drafts/m0000000000000000/actions/confirm', { body: intakeBody({ channel: 'email' }) });
  assert.equal(r.status, 404);
  r = await srv.as('agent1', 'GET', '/mail-drafts?status=lost');
  assert.equal(r.status, 400);
  assert.equal(errorOf(r).field, 'status');
});

srv.test('the shell lists, configures and polls the mailboxes, with the same checks', async () => {
  const db = ['--db', srv.dbUrl];
  let r = await runCli(['mailbox', 'put', 'second', ...db, '--unit', 'HQ', '--url', 'pop3://x', '--user', 'u', '--password', 'p']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /url/);
  r = await runCli(['mailbox', 'put', 'second', ...db, '--unit', 'HQ', '--url', `imap://127.0.0.1:${IMAP_PORT}/INBOX`, '--user', USER, '--password', PASSWORD, '--disabled']);
  assert.equal(r.code, 0, r.stderr);
  r = await runCli(['mailbox', 'list', ...db]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^second\tHQ\timap:\/\/127\.0\.0\.1:\d+\/INBOX\tintake\tdisabled\t60s/m);
  assert.ok(!r.stdout.includes(PASSWORD));
  // Another mailbox of the same folder: every message again, each a duplicate of one taken in already — or a reply.
  r = await runCli(['mailbox', 'poll', 'second', ...db]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^fetched 9: /);
  // Its messages belong to headquarters: outside the service centre's scope, its agents do not see them.
  assert.ok((await drafts('aside')).every((d) => d.mailbox === 'service'));
  const hq = (await srv.as('admin', 'GET', '/audit?action=mailbox_put')).json;
  assert.ok(hq.items.length >= 1);
  r = await runCli(['mailbox', 'remove', 'second', ...db]);
  assert.equal(r.code, 0, r.stderr);
  r = await runCli(['mailbox', 'remove', 'second', ...db]);
  assert.equal(r.code, 1);
});
