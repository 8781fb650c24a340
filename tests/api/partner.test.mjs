// Partner systems (docs/api.md "Partner systems"): an app's backend sends
// complaints in with a token of its own. The token takes complaints in on
// the partner's channel only and reads only what it sent; the partner's own
// reference makes a call idempotent (the same reference twice creates one
// complaint, and says so, even when the calls race); a partner that asks
// for it must sign every request; and each status change, the reply with
// its content, is POSTed back to the partner's callback URL through the
// outbox, signed with the partner's secret. An HTTP sink here stands in for
// the partner.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { useServer, until, describe, errorOf, intakeBody, webhookSink, runCli } from './lib.mjs';

const SECRET = 'partner-secret-0123456789';
const srv = useServer({ env: { REDRESS_NOTIFY_BACKOFF: '1', REDRESS_NOTIFY_BACKOFF_MAX: '1' } });
const sink = await webhookSink(SECRET);
const received = sink.received;
const CALLBACK = sink.url('/redress');

const sign = (ts, raw, secret = SECRET) => 'sha256=' + crypto.createHmac('sha256', secret).update(`${ts}.${raw}`).digest('hex');
const now = () => Math.floor(Date.now() / 1000);
const ref = () => `APP-${crypto.randomUUID().slice(0, 12)}`;

// A partner's intake (its body without a channel), signed when `signed`.
function partnerBody(over = {}) {
  const b = intakeBody(over);
  delete b.channel;
  return b;
}
async function send(token, body, { signed = false, ts = now(), secret = SECRET, path = '/complaints' } = {}) {
  const raw = JSON.stringify(body);
  const headers = signed ? { 'x-redress-timestamp': String(ts), 'x-redress-signature': sign(ts, raw, secret) } : {};
  return srv.api('POST', path, { token, raw, headers });
}

async function putPartner(name, body = {}) {
  return srv.as('admin', 'PUT', `/webhooks/${name}`,
    { body: { unit: 'SH', url: CALLBACK, secret: SECRET, format: 'json', channel: 'app', ...body } });
}
async function partnerToken(partner, name = 'app backend') {
  const r = await srv.as('admin', 'POST', '/tokens', { body: { name, username: 'agent1', partner } });
  assert.equal(r.status, 201, describe(r));
  return r.json.token;
}

let token;

srv.test('a partner is a webhook with a channel; its token is made for it and says so', async () => {
  let r = await putPartner('app-backend');
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.channel, 'app');
  assert.equal(r.json.signed, false);
  for (const [body, field] of [[{ channel: 'carrier-pigeon' }, 'channel'], [{ format: 'wecom' }, 'format'],
    [{ signed: 'yes' }, 'signed'], [{ channel: null, signed: true }, 'signed']]) {
    r = await putPartner('bad', body);
    assert.ok(r.status === 400 || r.status === 422, `${JSON.stringify(body)}: ${describe(r)}`);
    assert.equal(errorOf(r).field, field, r.text);
  }
  r = await srv.as('admin', 'PUT', '/webhooks/plain', { body: { unit: 'SH', url: CALLBACK, secret: SECRET } });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.channel, null);
  for (const partner of ['plain', 'nobody', 42]) {
    r = await srv.as('admin', 'POST', '/tokens', { body: { name: 'x', username: 'agent1', partner } });
    assert.equal(r.status, 422, `${partner}: ${describe(r)}`);
    assert.equal(errorOf(r).field, 'partner');
  }
  token = await partnerToken('app-backend');
  r = await srv.as('admin', 'GET', '/tokens');
  assert.equal(r.json.items.find((t) => t.name === 'app backend').partner, 'app-backend');
});

srv.test('the partner\'s complaint comes on its channel, names the partner and its reference', async () => {
  const xref = ref();
  let r = await send(token, partnerBody({ external_ref: xref }));
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.channel, 'app');
  assert.equal(r.json.partner, 'app-backend');
  assert.equal(r.json.external_ref, xref);
  assert.equal(r.json.duplicate, false);
  r = await send(token, { ...partnerBody({ external_ref: ref() }), channel: 'phone' });
  assert.equal(r.status, 422, describe(r));
  assert.equal(errorOf(r).field, 'channel');
  r = await send(token, { ...partnerBody({ external_ref: ref() }), channel: 'app' });
  assert.equal(r.status, 201, 'its own channel may be named');
});

srv.test('the same reference twice creates one complaint and says so, even when the calls race', async () => {
  const xref = ref();
  const first = await send(token, partnerBody({ external_ref: xref }));
  assert.equal(first.status, 201, describe(first));
  const again = await send(token, partnerBody({ external_ref: xref, description: '重复提交' }));
  assert.equal(again.status, 200, describe(again));
  assert.equal(again.json.duplicate, true);
  assert.equal(again.json.id, first.json.id);
  assert.equal(again.json.number, first.json.number);
  assert.equal(again.headers.get('location'), first.headers.get('location'));

  const raced = ref();
  const rs = await Promise.all(Array.from({ length: 6 }, () => send(token, partnerBody({ external_ref: raced }))));
  const created = rs.filter((r) => r.status === 201);
  assert.equal(created.length, 1, `one creation: ${rs.map((r) => r.status)}`);
  assert.ok(rs.every((r) => (r.status === 201 || r.status === 200) && r.json.id === created[0].json.id),
    `every call answers with the one complaint: ${rs.map(describe).join(' | ')}`);
  // An agent finds it by the partner's reference.
  const list = await srv.as('agent1', 'GET', `/complaints?q=${encodeURIComponent(raced)}`);
  assert.equal(list.status, 200, describe(list));
  assert.deepEqual(list.json.items.map((c) => c.id), [created[0].json.id], 'one complaint holds the reference');
});

srv.test('references are unique within a channel, for agents too, and checked', async () => {
  const xref = ref();
  const a = await srv.as('agent1', 'POST', '/complaints', { body: intakeBody({ channel: 'letter', external_ref: xref }) });
  assert.equal(a.status, 201, describe(a));
  const b = await srv.as('agent1', 'POST', '/complaints', { body: intakeBody({ channel: 'letter', external_ref: xref }) });
  assert.equal(b.status, 200, describe(b));
  assert.equal(b.json.id, a.json.id);
  const c = await srv.as('agent1', 'POST', '/complaints', { body: intakeBody({ channel: 'fax', external_ref: xref }) });
  assert.equal(c.status, 201, `another channel's reference is another complaint: ${describe(c)}`);
  for (const bad of ['', 'two words', 'x'.repeat(65), 7]) {
    const r = await srv.as('agent1', 'POST', '/complaints', { body: intakeBody({ external_ref: bad }) });
    assert.equal(r.status, 422, `${JSON.stringify(bad)}: ${describe(r)}`);
    assert.equal(errorOf(r).field, 'external_ref');
  }
  // A partner whose reference another caller took is not shown that complaint.
  const taken = ref();
  const mine = await srv.as('agent1', 'POST', '/complaints', { body: intakeBody({ channel: 'app', external_ref: taken }) });
  assert.equal(mine.status, 201, describe(mine));
  const r = await send(token, partnerBody({ external_ref: taken }));
  assert.equal(r.status, 409, describe(r));
  assert.equal(errorOf(r).code, 'duplicate_reference');
  assert.ok(!r.text.includes(mine.json.number), 'nothing of the other complaint is shown');
});

srv.test('a partner\'s token reads only what it sent and does nothing else', async () => {
  const own = await send(token, partnerBody({ external_ref: ref() }));
  const other = await srv.intake('agent1');
  let r = await srv.api('GET', `/complaints/${own.json.number}`, { token });
  assert.equal(r.status, 200, describe(r));
  // What its customer would see on the portal, and its own reference: nothing internal.
  assert.equal(r.json.number, own.json.number);
  assert.equal(r.json.external_ref, own.json.external_ref);
  assert.equal(r.json.status, 'registered');
  assert.deepEqual(r.json.progress.map((p) => p.label), ['已受理您的投诉']);
  for (const internal of ['customer', 'rules', 'owner_unit', 'subject_unit', 'assignee', 'description', 'clocks'])
    assert.equal(r.json[internal], undefined, `${internal} is not shown to a partner`);
  r = await srv.api('GET', `/complaints/${other.id}`, { token });
  assert.equal(r.status, 404, `another's complaint is not there for it: ${describe(r)}`);
  for (const [method, path, body] of [['GET', '/complaints'], ['GET', '/units'], ['GET', `/complaints/${own.json.id}/events`],
    ['POST', `/complaints/${own.json.id}/actions/comment`, { text: 'x' }], ['GET', '/stats/overview']]) {
    r = await srv.api(method, path, { token, body });
    assert.equal(r.status, 403, `${method} ${path}: ${describe(r)}`);
  }
});

srv.test('a partner that asks for signatures must sign each request; a wrong or stale one is refused', async () => {
  let r = await putPartner('app-signed', { signed: true });
  assert.equal(r.status, 200, describe(r));
  const signedToken = await partnerToken('app-signed', 'signed backend');
  r = await send(signedToken, partnerBody({ external_ref: ref() }));
  assert.equal(r.status, 401, describe(r));
  assert.equal(errorOf(r).code, 'bad_signature');
  r = await send(signedToken, partnerBody({ external_ref: ref() }), { signed: true });
  assert.equal(r.status, 201, describe(r));
  r = await send(signedToken, partnerBody({ external_ref: ref() }), { signed: true, secret: 'another-secret-0123456789' });
  assert.equal(r.status, 401, describe(r));
  r = await send(signedToken, partnerBody({ external_ref: ref() }), { signed: true, ts: now() - 3600 });
  assert.equal(r.status, 401, `an hour-old signature: ${describe(r)}`);
  // A body changed after signing fails too.
  const raw = JSON.stringify(partnerBody({ external_ref: ref() }));
  const ts = now();
  r = await srv.api('POST', '/complaints', { token: signedToken, raw: raw.replace('王先生', '李先生'),
    headers: { 'x-redress-timestamp': String(ts), 'x-redress-signature': sign(ts, raw) } });
  assert.equal(r.status, 401, describe(r));
  // Replaced without a secret, it keeps its own: the same signature still passes.
  r = await srv.as('admin', 'PUT', '/webhooks/app-signed', { body: { unit: 'SH', url: CALLBACK, channel: 'app', signed: true } });
  assert.equal(r.status, 200, describe(r));
  r = await send(signedToken, partnerBody({ external_ref: ref() }), { signed: true });
  assert.equal(r.status, 201, `the kept secret signs: ${describe(r)}`);
  r = await srv.as('admin', 'PUT', '/webhooks/brand-new', { body: { unit: 'SH', url: CALLBACK } });
  assert.equal(errorOf(r).field, 'secret', 'a new webhook needs one');
  // Without the requirement, a signature sent is still checked.
  r = await send(token, partnerBody({ external_ref: ref() }), { signed: true, secret: 'another-secret-0123456789' });
  assert.equal(r.status, 401, describe(r));
});

srv.test('each status change and the reply go back to the partner, signed, once each', async () => {
  const xref = ref();
  const c = (await send(token, partnerBody({ external_ref: xref }))).json;
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  await srv.step('pd01', c.id, 'accept', {});
  await srv.step('agent1', c.id, 'comment', { text: '内部备注' });
  await srv.step('pd01', c.id, 'resolve', { resolution_type: 'solution', resolution: '调阅监控属实，已当面致歉', nature: 'valid' });
  await srv.step('agent1', c.id, 'reply', { method: 'phone', content: '已电话告知处理结果并致歉' });
  const got = await until(() => {
    const mine = received.filter((g) => g.json.data && g.json.data.external_ref === xref);
    return mine.length >= 4 ? mine : null;
  }, 'four callbacks');
  // Sent together, they may arrive in any order; seq orders them.
  got.sort((x, y) => x.json.data.seq - y.json.data.seq);
  assert.deepEqual(got.map((g) => [g.json.event, g.json.data.action, g.json.data.status]),
    [['status', 'dispatch', 'dispatched'], ['status', 'accept', 'processing'], ['status', 'resolve', 'resolved'],
      ['status', 'reply', 'replied']]);
  for (const g of got) {
    assert.ok(g.verified, `signed with the partner's secret: ${JSON.stringify(g.headers)}`);
    assert.equal(g.json.data.number, c.number);
    assert.equal(g.headers['idempotency-key'], g.json.id);
  }
  assert.deepEqual(got[3].json.data.reply, { method: 'phone', content: '已电话告知处理结果并致歉' });
  const read = await srv.api('GET', `/complaints/${c.id}`, { token });
  assert.equal(read.json.status, 'replied');
  assert.equal(read.json.reply.content, '已电话告知处理结果并致歉', 'the partner reads the reply as written');
  assert.ok(!got.some((g) => g.raw.includes(c.customer?.phone || '13800')), 'no customer phone goes back');
  // The attempts are recorded once the batch's transfers have ended.
  const rows = await until(async () => {
    const r = await srv.as('admin', 'GET', `/outbox?complaint=${c.id}`);
    const l = r.json.items.filter((m) => m.channel === 'webhook' && m.idempotency_key.includes('/status/hook/app-backend'));
    return l.every((m) => m.status === 'sent') ? l : null;
  }, 'the callbacks recorded as sent');
  assert.equal(rows.length, 4, 'the comment changed no status: no callback');
  assert.ok(!JSON.stringify(rows).includes('已电话告知处理结果并致歉'), 'the outbox keeps the reply sealed');
});

srv.test('a partner removed: its tokens stop', async () => {
  const t = await partnerToken('app-signed', 'to be removed');
  let r = await srv.as('admin', 'DELETE', '/webhooks/app-signed');
  assert.equal(r.status, 204, describe(r));
  r = await send(t, partnerBody({ external_ref: ref() }), { signed: true });
  assert.equal(r.status, 403, describe(r));
});

srv.test('from the shell: a partner registered, checked like the API, its token printed once and working', async () => {
  const db = ['--db', srv.dbUrl];
  let r = await runCli(['webhook', 'put', 'hotline', ...db, '--unit', 'SH', '--url', CALLBACK, '--secret', SECRET, '--channel', 'sms']);
  assert.equal(r.code, 0, r.stderr);
  r = await runCli(['webhook', 'put', 'hotline2', ...db, '--unit', 'SH', '--url', CALLBACK, '--secret', SECRET, '--channel', 'pigeon']);
  assert.equal(r.code, 2, 'an unknown channel is refused');
  assert.match(r.stderr, /channel/);
  r = await runCli(['webhook', 'list', ...db]);
  assert.match(r.stdout, /^hotline\tSH\tjson\tsms\tunsigned$/m);
  r = await runCli(['webhook', 'token', 'plain', ...db, '--user', 'agent1']);
  assert.notEqual(r.code, 0, 'a webhook without a channel is no partner');
  r = await runCli(['webhook', 'token', 'hotline', ...db, '--user', 'agent1']);
  assert.equal(r.code, 0, r.stderr);
  const shellToken = r.stdout.trim();
  assert.match(shellToken, /^rd_t_/);
  const c = await send(shellToken, partnerBody({ external_ref: ref() }));
  assert.equal(c.status, 201, describe(c));
  assert.equal(c.json.partner, 'hotline');
  assert.equal(c.json.channel, 'sms');
  const audit = await srv.as('admin', 'GET', '/audit?action=webhook_put');
  assert.ok(audit.text.includes('webhook:hotline'), 'the shell\'s change is audited');
});
