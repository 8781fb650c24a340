// In-app notifications (issue #16, "In-app"): an outbox row of channel
// "internal" — here a deadline warning of the sweeper — becomes a notice
// for each person of its unit who sees the complaint, and for nobody
// else; a person lists their own, newest first, with the unread count, and
// marks one or all read. GET /events/stream (Server-Sent Events) pushes a
// person's new notices and the changes of the complaints they see, made by
// other people's steps, to their open pages; it is bounded per person and
// in total, needs a caller, and ends when the session ends.

import assert from 'node:assert/strict';
import { useServer, until, describe, runCli, rfc3339, errorOf, metric } from './lib.mjs';

// A heartbeat every second, so that a closed stream is noticed quickly;
// small limits, so that they can be reached.
const srv = useServer({
  env: { REDRESS_LIVE_HEARTBEAT: '1', REDRESS_LIVE_INTERVAL: '100', REDRESS_LIVE_STREAMS_PER_USER: '3', REDRESS_LIVE_STREAMS: '8' },
});

// An open stream read with fetch: its events in order, and a wait for one.
async function openStream(token, { headers = {} } = {}) {
  const ac = new AbortController();
  const res = await fetch(srv.url('/events/stream'), {
    headers: { authorization: `Bearer ${token}`, ...headers },
    signal: ac.signal,
  });
  const s = { res, events: [], comments: 0, ended: false, close: () => ac.abort() };
  if (res.status !== 200) {
    s.text = await res.text();
    return s;
  }
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let at;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          let name = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) s.comments++;
            else if (line.startsWith('event: ')) name = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length) s.events.push({ name, data: JSON.parse(data.join('\n')) });
        }
      }
    } catch { /* aborted */ }
    s.ended = true;
  })();
  s.next = (pred, what) => until(() => s.events.find(pred), what, { timeoutMs: 20000 });
  await s.next((e) => e.name === 'ready', 'the stream\'s ready event');
  return s;
}

async function login(username) {
  const r = await srv.api('POST', '/auth/login', { body: { username, password: 'redress-demo' } });
  assert.equal(r.status, 200, describe(r));
  return r.json.token;
}

async function notices(token, query = '') {
  const r = await srv.api('GET', `/notifications${query}`, { token });
  assert.equal(r.status, 200, describe(r));
  return r.json;
}

// A complaint about SH-PD-01, dispatched there and accepted by pd01, swept just before its handling deadline.
async function warned() {
  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  const d = await srv.step('pd01', c.id, 'accept', {});
  const at = new Date(Date.parse(d.deadlines.stage) - 60e3);
  const r = await runCli(['sweep', '--db', srv.dbUrl, '--now', rfc3339(at)], { timeoutMs: 120e3 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  await settled();
  return c;
}

// Until the deliverer has handled every in-app row (the sweep warns of the demo's complaints too): counts hold still.
async function settled() {
  await until(async () => {
    const r = await srv.as('admin', 'GET', '/outbox?status=pending');
    return r.status === 200 && !r.json.items.some((m) => m.channel === 'internal');
  }, 'the in-app rows delivered', { timeoutMs: 30000 });
}

srv.test('a deadline warning becomes a notice for the unit\'s people who see it, pushed live; nobody else gets one', async () => {
  const pd01 = await login('pd01');
  const pd02 = await login('pd02');
  const live = await openStream(pd01);
  assert.equal(live.res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const before = (await notices(pd01)).unread_count;
  const c = await warned();
  const pushed = await live.next((e) => e.name === 'notification' && e.data.complaint_id === c.id, 'the pushed notice');
  assert.equal(pushed.data.number, c.number);
  assert.equal(pushed.data.template, 'sla_warning');
  assert.match(pushed.data.text['zh-CN'], new RegExp(`工单 ${c.number} 的处理时限`));
  assert.match(pushed.data.text.en, new RegExp(`Complaint ${c.number}`));
  const mine = await notices(pd01);
  // The demo's own rows are delivered meanwhile too: the count is of what is listed unread.
  assert.ok(mine.unread_count > before);
  assert.equal(mine.unread_count, (await notices(pd01, '?unread=true&limit=100')).items.length);
  const n = mine.items.find((x) => x.complaint_id === c.id);
  assert.ok(n, JSON.stringify(mine));
  assert.equal(n.read, false);
  assert.equal(n.id, pushed.data.id);
  // No customer data in the notice: the intake's name and phone are nowhere in it.
  const clear = await srv.clear(c.id);
  const text = JSON.stringify(n);
  assert.ok(!text.includes(clear.complaint.customer.name), text);
  assert.ok(!text.includes(clear.complaint.customer.phone), text);
  // English when the request prefers it.
  const en = await srv.api('GET', '/notifications?limit=5', { token: pd01, headers: { 'accept-language': 'en' } });
  assert.match(en.json.items.find((x) => x.id === n.id).text, /^Complaint /);
  // An operator reads the same from the shell.
  const cli = await runCli(['notifications', '--user', 'pd01', '--unread', '--db', srv.dbUrl]);
  assert.equal(cli.code, 0, cli.stdout + cli.stderr);
  assert.match(cli.stdout, new RegExp(`^${n.id}\t.*\tunread\t${c.number}\t工单 ${c.number} 的处理时限`, 'm'));
  assert.match(cli.stderr, new RegExp(`; ${mine.unread_count} unread`));
  // pd02 (another station) and agent1 (who took it in) are outside the unit: no notice.
  for (const t of [pd02, await login('agent1')]) {
    assert.ok(!(await notices(t)).items.some((x) => x.complaint_id === c.id));
  }
  // The outbox row is delivered: sent, once.
  const rows = await srv.as('admin', 'GET', `/outbox?complaint=${c.id}`);
  const row = rows.json.items.find((x) => x.channel === 'internal' && x.template === 'sla_warning');
  assert.equal(row.status, 'sent', JSON.stringify(row));
  live.close();
});

srv.test('a rule\'s notice carries the pack\'s message in Chinese and in English', async () => {
  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-01', description: '加油机旁漏油，有人受伤' });
  // The rule tells the region (SH-PD), whose manager reads it.
  const pdmgr = await srv.login('pdmgr');
  const n = await until(async () => (await notices(pdmgr, '?limit=100')).items.find((x) => x.complaint_id === c.id && x.template === 'rule_notify'),
    'the rule\'s notice');
  assert.match(n.text, new RegExp(`工单 ${c.number} 触发规则 safety：安全/群体性事件：站经理立即到场`));
  const en = await srv.api('GET', '/notifications?limit=100', { token: pdmgr, headers: { 'accept-language': 'en' } });
  assert.match(en.json.items.find((x) => x.id === n.id).text, /the station manager goes now/);
});

srv.test('read one, read all, the unread count; another person\'s notice is not found', async () => {
  const pd01 = await login('pd01');
  await warned();
  await warned();
  const all = await until(async () => {
    const l = await notices(pd01, '?unread=true');
    return l.unread_count >= 2 ? l : null;
  }, 'two unread notices');
  assert.ok(all.items.every((x) => !x.read));
  const ids = all.items.map((x) => x.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
  const one = await srv.api('POST', `/notifications/${ids[0]}/read`, { token: pd01 });
  assert.equal(one.status, 200, describe(one));
  assert.equal(one.json.unread_count, all.unread_count - 1);
  const after = await notices(pd01, '?unread=true');
  assert.ok(!after.items.some((x) => x.id === ids[0]));
  const read = (await notices(pd01)).items.find((x) => x.id === ids[0]);
  assert.equal(read.read, true);
  assert.ok(read.read_at);
  // Someone else's notice: 404, and it stays unread.
  const other = await srv.api('POST', `/notifications/${ids[1]}/read`, { token: await login('pd02') });
  assert.equal(other.status, 404);
  assert.equal(errorOf(other).code, 'not_found');
  assert.equal((await notices(pd01)).items.find((x) => x.id === ids[1]).read, false);
  const rest = await srv.api('POST', '/notifications/read-all', { token: pd01 });
  assert.equal(rest.status, 200, describe(rest));
  assert.equal(rest.json.unread_count, 0);
  assert.equal((await notices(pd01, '?unread=true')).items.length, 0);
});

srv.test('the list pages with a cursor and checks its parameters', async () => {
  const pd01 = await login('pd01');
  const first = await notices(pd01, '?limit=1');
  assert.equal(first.items.length, 1);
  assert.ok(first.next_cursor, 'more than one notice by now');
  const second = await notices(pd01, `?limit=1&cursor=${first.next_cursor}`);
  assert.ok(second.items[0].id < first.items[0].id);
  for (const [q, field] of [['?limit=0', 'limit'], ['?unread=yes', 'unread'], ['?cursor=x', 'cursor'], ['?page=2', 'page']]) {
    const r = await srv.api('GET', `/notifications${q}`, { token: pd01 });
    assert.equal(r.status, 400, q);
    assert.equal(errorOf(r).field, field);
  }
});

srv.test('another person\'s step reaches the open pages of those who see the complaint, and only theirs', async () => {
  const pd01 = await login('pd01');
  const mh01 = await login('mh01');
  const a = await openStream(pd01);
  const b = await openStream(mh01);
  const c = await srv.intake('agent1', { subject_unit: 'SH-PD-01' });
  const d = await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  const got = await a.next((e) => e.name === 'complaint' && e.data.id === c.id && e.data.version === d.version, 'the dispatch');
  const agent1 = (await srv.as('admin', 'GET', '/users')).json.items.find((u) => u.username === 'agent1');
  assert.deepEqual(Object.keys(got.data).sort(), ['by', 'id', 'number', 'status', 'version']);
  assert.equal(got.data.number, c.number);
  assert.equal(got.data.status, d.status);
  assert.equal(got.data.by, agent1.id);
  // mh01 (another district) sees a complaint of its own district, and never saw the first.
  const m = await srv.intake('agent1', { subject_unit: 'SH-MH-01' });
  await b.next((e) => e.name === 'complaint' && e.data.id === m.id, 'the complaint of mh01\'s district');
  assert.ok(!b.events.some((e) => e.name === 'complaint' && e.data.id === c.id));
  a.close();
  b.close();
});

srv.test('the stream needs a caller, is bounded per person and in total, and ends with the session', async () => {
  const none = await fetch(srv.url('/events/stream'));
  assert.equal(none.status, 401);
  await none.text();
  const tok = await login('pdmgr');
  const open = [];
  for (let i = 0; i < 3; i++) open.push(await openStream(tok));
  assert.ok(await metric(srv, 'redress_live_streams') >= 3);
  const fourth = await openStream(tok);
  assert.equal(fourth.res.status, 503);
  assert.equal(JSON.parse(fourth.text).error.code, 'too_many_streams');
  assert.ok(fourth.res.headers.get('retry-after'));
  // A page closed frees its place (noticed at the next heartbeat).
  open.pop().close();
  const again = await until(async () => {
    const s = await openStream(tok);
    return s.res.status === 200 ? s : null;
  }, 'a place freed by a closed page');
  open.push(again);
  // In total: 8.
  for (const u of ['pd02', 'pd03', 'mh02', 'mh03']) open.push(await openStream(await login(u)));
  const others = [];
  for (;;) {
    const s = await openStream(await login('super1'));
    if (s.res.status !== 200) {
      assert.equal(s.res.status, 503);
      assert.equal(JSON.parse(s.text).error.code, 'too_many_streams');
      break;
    }
    others.push(s);
    assert.ok(others.length <= 8, 'the total limit holds');
  }
  for (const s of [...open, ...others]) s.close();
  // Sign-out ends the session's stream; a heartbeat comment arrives meanwhile.
  const mine = await login('pd03');
  const s = await until(async () => {
    const x = await openStream(mine);
    return x.res.status === 200 ? x : null;
  }, 'a place once the pages above are closed');
  await until(() => s.comments > 0, 'a heartbeat');
  const out = await srv.api('POST', '/auth/logout', { token: mine });
  assert.equal(out.status, 204, describe(out));
  await until(() => s.ended, 'the stream to end with its session');
});
