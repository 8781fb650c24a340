// The audit log: sign-ins, failed sign-ins, denials, password changes,
// token and user changes are entries of one hash chain; auditors and
// administrators list them by user, action, subject and time with a
// cursor; everyone else is refused; `redress verify` checks the chain and
// names the first entry that was edited or removed behind the system's back.

import assert from 'node:assert/strict';
import path from 'node:path';
import { useServer, runCli, runSqlite, runPsql, DEMO_PASSWORD, describe, uniquePhone } from './lib.mjs';

const srv = useServer();

async function audit(query = '', who = 'auditor1') {
  const r = await srv.as(who, 'GET', `/audit${query}`);
  assert.equal(r.status, 200, describe(r));
  return r.json;
}

async function userId(username) {
  const r = await srv.as('admin', 'GET', '/users');
  const u = r.json.items.find((x) => x.username === username);
  assert.ok(u, `user ${username} exists`);
  return u.id;
}

function out(r) {
  return `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

srv.test('a sign-in is an entry with the user, the address and a hash', async () => {
  // No trusted proxy is configured: a forged X-Forwarded-For changes nothing.
  const r = await srv.api('POST', '/auth/login', {
    body: { username: 'pd01', password: DEMO_PASSWORD }, headers: { 'x-forwarded-for': '203.0.113.9' },
  });
  assert.equal(r.status, 200);
  const id = await userId('pd01');
  const { items } = await audit(`?user=pd01&action=login`);
  assert.ok(items.length >= 1, 'one login entry for pd01');
  const e = items[0];
  assert.equal(e.action, 'login');
  assert.equal(e.actor.username, 'pd01');
  assert.equal(e.subject, `user:${id}`);
  assert.equal(e.ip, '127.0.0.1');
  assert.match(e.hash, /^[0-9a-f]{64}$/);
  assert.match(e.at, /^\d{4}-\d\d-\d\dT/);
});

srv.test('a failed sign-in is an entry naming the account tried, without the password', async () => {
  const r = await srv.api('POST', '/auth/login', { body: { username: 'pd02', password: 'wrong-password-1' } });
  assert.equal(r.status, 401);
  const { items } = await audit(`?action=login_failed&subject=user:${await userId('pd02')}`);
  assert.equal(items.length, 1, JSON.stringify(items));
  assert.equal(items[0].actor, null, 'nobody is signed in yet');
  assert.equal(items[0].detail.username, 'pd02');
  assert.ok(!JSON.stringify(items[0]).includes('wrong-password-1'), 'the password is not recorded');
  const unknown = await srv.api('POST', '/auth/login', { body: { username: 'nobody-here', password: 'x-y-z-123' } });
  assert.equal(unknown.status, 401);
  // A name that is nobody's concerns no unit: only a caller at the root reads it.
  const all = await audit('?action=login_failed', 'admin');
  assert.ok(all.items.some((x) => x.detail.username === 'nobody-here' && x.subject === null));
});

srv.test('a role denial is recorded as "denied" with the endpoint', async () => {
  const r = await srv.as('agent1', 'GET', '/tokens');
  assert.equal(r.status, 403);
  const { items } = await audit('?user=agent1&action=denied');
  assert.equal(items.length, 1);
  assert.equal(items[0].subject, 'endpoint:GET /api/v1/tokens');
  assert.equal(items[0].detail.method, 'GET');
});

srv.test('creating a user, a token and revoking it are entries', async () => {
  const u = await srv.as('admin', 'POST', '/users', {
    body: { username: 'audited1', name: '审计测试', password: DEMO_PASSWORD, roles: ['handler'], unit: 'SH-PD-01' },
  });
  assert.equal(u.status, 201, describe(u));
  const t = await srv.as('admin', 'POST', '/tokens', { body: { name: 'audit-test' } });
  assert.equal(t.status, 201, describe(t));
  const d = await srv.as('admin', 'DELETE', `/tokens/${t.json.id}`);
  assert.equal(d.status, 204);
  const { items } = await audit('?user=admin', 'admin');
  const actions = items.map((x) => `${x.action} ${x.subject}`);
  assert.ok(actions.includes(`user_create user:${u.json.id}`), actions.join('\n'));
  assert.ok(actions.includes(`token_create token:${t.json.id}`), actions.join('\n'));
  assert.ok(actions.includes(`token_revoke token:${t.json.id}`), actions.join('\n'));
  assert.ok(!JSON.stringify(items).includes(t.json.token), 'the token secret is not recorded');
});

srv.test('a password change and a sign-out are entries', async () => {
  const tok = await srv.login('audited1');
  const p = await srv.api('POST', '/auth/password', {
    token: tok, body: { old_password: DEMO_PASSWORD, new_password: 'another-pass-1' },
  });
  assert.equal(p.status, 204, describe(p));
  const o = await srv.api('POST', '/auth/logout', { token: tok });
  assert.equal(o.status, 204);
  const { items } = await audit('?user=audited1');
  assert.deepEqual(items.slice(0, 3).map((x) => x.action), ['logout', 'password_change', 'login']);
});

srv.test('only auditors and administrators read the log', async () => {
  for (const who of ['agent1', 'pd01', 'super1', 'manager1']) {
    const r = await srv.as(who, 'GET', '/audit');
    assert.equal(r.status, 403, `${who}: ${describe(r)}`);
  }
  assert.equal((await srv.as('admin', 'GET', '/audit')).status, 200);
  assert.equal((await srv.api('GET', '/audit')).status, 401);
});

srv.test('newest first, a cursor for the next page, and a time window', async () => {
  const first = await audit('?limit=2');
  assert.equal(first.items.length, 2);
  assert.ok(first.items[0].seq > first.items[1].seq, 'newest first');
  assert.ok(first.next_cursor, 'more pages');
  const second = await audit(`?limit=2&cursor=${first.next_cursor}`);
  assert.ok(second.items[0].seq < first.items[1].seq, 'the next page continues below');
  const future = await audit('?from=2100-01-01');
  assert.equal(future.items.length, 0);
  const today = await audit(`?to=2100-01-01&action=login`);
  assert.ok(today.items.length >= 2);
});

srv.test('bad filters are refused naming the parameter', async () => {
  for (const [q, field] of [['?limit=0', 'limit'], ['?from=yesterday', 'from'], ['?cursor=x', 'cursor'],
    ['?user=no-such-user', 'user'], ['?action=a%20b', 'action']]) {
    const r = await srv.as('auditor1', 'GET', `/audit${q}`);
    assert.equal(r.status, 400, `${q}: ${describe(r)}`);
    assert.equal(r.json.error.field, field);
  }
});

srv.test('changes from the shell are entries too; a password reset lifts a lockout and ends the sessions', async () => {
  const add = await runCli(['user', 'add', 'shelluser', '--name', '命令行用户', '--roles', 'handler', '--unit', 'SH-PD-01',
    '--password', DEMO_PASSWORD, '--db', srv.dbUrl]);
  assert.equal(add.code, 0, out(add));
  const id = await userId('shelluser');
  const created = await audit(`?action=user_create&subject=user:${id}`);
  assert.equal(created.items.length, 1);
  assert.equal(created.items[0].actor, null, 'the system, not a signed-in user');
  assert.equal(created.items[0].detail.via, 'cli');
  const session = await srv.login('shelluser');
  for (let i = 0; i < 5; i++) await srv.api('POST', '/auth/login', { body: { username: 'shelluser', password: 'wrong-wrong-1' } });
  const locked = await srv.api('POST', '/auth/login', { body: { username: 'shelluser', password: DEMO_PASSWORD } });
  assert.equal(locked.status, 429, describe(locked));
  const reset = await runCli(['user', 'passwd', 'shelluser', '--password', 'reset-by-admin-1', '--db', srv.dbUrl]);
  assert.equal(reset.code, 0, out(reset));
  const again = await srv.api('POST', '/auth/login', { body: { username: 'shelluser', password: 'reset-by-admin-1' } });
  assert.equal(again.status, 200, describe(again));
  // (The old session was never used, so no node holds it in its token cache.)
  assert.equal((await srv.api('GET', '/auth/me', { token: session })).status, 401, 'the old session ended');
  const log = await audit(`?subject=user:${id}`);
  assert.ok(log.items.some((e) => e.action === 'password_change' && e.detail?.via === 'cli'));
  assert.ok(log.items.some((e) => e.action === 'lockout'));
});

srv.test('concurrent appends keep one dense chain', async () => {
  const before = (await audit('?limit=1', 'admin')).items[0].seq;
  await Promise.all(Array.from({ length: 24 }, (_, i) =>
    srv.api('POST', '/auth/login', { body: { username: `ghost-${i}`, password: 'whatever-123' } })));
  const { items } = await audit('?limit=100', 'admin');
  const fresh = items.filter((e) => e.seq > before).map((e) => e.seq).sort((a, b) => a - b);
  assert.equal(fresh.length, 24, 'one entry per failed sign-in');
  assert.equal(fresh[0], before + 1);
  for (let i = 1; i < fresh.length; i++) assert.equal(fresh[i], fresh[i - 1] + 1, 'no gaps, no duplicates');
});

// ---- customer data and unit scope ----

async function sql(text) {
  return srv.isSqlite ? runSqlite(srv.dbPath, text) : runPsql(srv.dbUrl, text);
}

const maskedPhone = (phone) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

srv.test('the reason typed for viewing customer data is sealed, shown masked, in clear only on an asked, audited request with the pii permission', async () => {
  const phone = uniquePhone();
  const name = `欧阳${phone.slice(-4)}`;
  const c = await srv.intake('agent1', { customer: { name, phone } });
  const reason = `客户${name}来电 ${phone} 要求回电`;
  const r = await srv.as('agent1', 'POST', `/complaints/${c.id}/pii`, { body: { reason } });
  assert.equal(r.status, 200, describe(r));

  const stored = await sql(`SELECT detail FROM audit WHERE action = 'pii_view' AND subject = 'complaint:${c.id}'`);
  assert.match(stored, /"reason":"pii1:/, 'stored sealed');
  assert.ok(!stored.includes(phone) && !stored.includes(name), `no customer data in the row: ${stored}`);

  const { items } = await audit(`?action=pii_view&subject=complaint:${c.id}`);
  assert.equal(items.length, 1);
  const shown = items[0].detail.reason;
  assert.ok(!shown.includes(phone) && !shown.includes(name), `masked for an auditor: ${shown}`);
  assert.ok(shown.includes(maskedPhone(phone)) && shown.includes('要求回电'), shown);

  // Asking for clear text needs the pii permission, which auditors lack by default.
  const refused = await srv.as('auditor1', 'GET', `/audit?action=pii_view&subject=complaint:${c.id}&clear=true`);
  assert.equal(refused.status, 403, describe(refused));
  assert.equal((await srv.as('auditor1', 'GET', '/audit?clear=yes')).status, 400);
  const auditorId = await userId('auditor1');
  let g = await srv.as('admin', 'PUT', `/users/${auditorId}/permissions/pii`, { body: { granted: true } });
  assert.equal(g.status, 200, describe(g));
  try {
    const clear = await audit(`?action=pii_view&subject=complaint:${c.id}&clear=true`);
    assert.equal(clear.items[0].detail.reason, reason);
    assert.ok(!(await audit(`?action=pii_view&subject=complaint:${c.id}`)).items[0].detail.reason.includes(phone),
      'masked unless asked');
    const views = await audit('?action=pii_view&subject=audit');
    assert.ok(views.items.some((x) => x.actor.username === 'auditor1' && x.detail.entries.includes(items[0].seq)),
      'reading the log in clear is itself an entry');
  } finally {
    g = await srv.as('admin', 'DELETE', `/users/${auditorId}/permissions/pii`);
    assert.equal(g.status, 200, describe(g));
  }

  // Erasing the customer shreds the reason with the complaint's key.
  const er = await srv.as('super1', 'POST', '/customers/erase', { body: { phone, confirm: true } });
  assert.equal(er.status, 200, describe(er));
  assert.equal((await audit(`?action=pii_view&subject=complaint:${c.id}`)).items[0].detail.reason, '***');
  const v = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(v.code, 0, out(v));
});

srv.test('an auditor reads the entries of their own unit subtree only; a caller at the root reads them all', async () => {
  let r = await srv.as('admin', 'POST', '/units', { body: { code: 'BJ', name: '北京分公司', type: 'branch', parent: 'HQ' } });
  assert.equal(r.status, 201, describe(r));
  for (const [username, roles, unit] of [['bjuser', ['handler'], 'BJ'], ['pdaudit', ['auditor'], 'SH-PD']]) {
    r = await srv.as('admin', 'POST', '/users', { body: { username, name: username, password: DEMO_PASSWORD, roles, unit } });
    assert.equal(r.status, 201, describe(r));
  }
  for (const u of ['bjuser', 'pd01', 'mh01']) await srv.login(u);
  const bj = await userId('bjuser');

  // auditor1 (the service centre: all of Shanghai) does not read Beijing's entries; admin (HQ) does.
  assert.equal((await audit('?user=bjuser')).items.length, 0);
  assert.equal((await audit(`?subject=user:${bj}`)).items.length, 0);
  assert.ok((await audit('?user=mh01&action=login')).items.length >= 1);
  assert.ok((await audit('?user=bjuser&action=login', 'admin')).items.length >= 1);
  assert.ok((await audit(`?subject=user:${bj}&action=user_create`, 'admin')).items.length >= 1);

  // An auditor of one region: its stations' users, not another region's nor the centre's.
  assert.ok((await audit('?user=pd01&action=login', 'pdaudit')).items.length >= 1);
  assert.equal((await audit('?user=mh01', 'pdaudit')).items.length, 0);
  assert.equal((await audit('?user=agent1&action=denied', 'pdaudit')).items.length, 0, 'a denial is the actor\'s');
  assert.ok((await audit('?user=agent1&action=denied')).items.length >= 1);
  const all = await audit('?limit=500', 'pdaudit');
  assert.ok(all.items.length >= 1);
  for (const e of all.items) assert.ok(!['bjuser', 'mh01'].includes(e.actor?.username), JSON.stringify(e));

  // A complaint's entries follow its units.
  const pd = await srv.intake('agent1', { subject_unit: 'SH-PD-02' });
  const mh = await srv.intake('agent1', { subject_unit: 'SH-MH-02' });
  await srv.clear(pd.id);
  await srv.clear(mh.id);
  assert.equal((await audit(`?action=pii_view&subject=complaint:${pd.id}`, 'pdaudit')).items.length, 1);
  assert.equal((await audit(`?action=pii_view&subject=complaint:${mh.id}`, 'pdaudit')).items.length, 0);
  assert.equal((await audit(`?action=pii_view&subject=complaint:${mh.id}`)).items.length, 1, 'the centre reads both');

  // The scope is applied before the page's limit: the newest entry lies elsewhere, the page is still full.
  const fresh = await srv.api('POST', '/auth/login', { body: { username: 'bjuser', password: DEMO_PASSWORD } });
  assert.equal(fresh.status, 200);
  const one = await audit('?limit=1', 'pdaudit');
  assert.equal(one.items.length, 1, JSON.stringify(one));
  assert.equal(one.items[0].subject, `complaint:${pd.id}`);
  assert.ok(one.next_cursor);
  const next = await audit(`?limit=1&cursor=${one.next_cursor}`, 'pdaudit');
  assert.equal(next.items.length, 1);
  assert.ok(next.items[0].seq < one.items[0].seq);
  // Pages of three, walked with the cursor, are the scope's entries in one long page, in order.
  const whole = (await audit('?limit=500', 'pdaudit')).items.map((e) => e.seq);
  const walked = [];
  for (let cursor = ''; ;) {
    const p = await audit(`?limit=3${cursor}`, 'pdaudit');
    walked.push(...p.items.map((e) => e.seq));
    if (!p.next_cursor) break;
    cursor = `&cursor=${p.next_cursor}`;
  }
  assert.deepEqual(walked, whole);
  // Entries about the whole installation, or about no one, are for the root only.
  assert.equal((await audit('?action=login_failed', 'pdaudit')).items.filter((x) => x.subject === null).length, 0);
  assert.equal((await audit('?subject=config:pack')).items.length, 0);
});

// ---- the chain under `redress verify` ----

srv.test('verify checks the audit chain and names an edited entry', async () => {
  const { items } = await audit('?user=agent1&action=denied&subject=endpoint:GET%20/api/v1/tokens');
  assert.equal(items.length, 1);
  const seq = items[0].seq;
  await srv.stop();
  let r = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(r.code, 0, out(r));
  assert.match(r.stdout, /audit entries/);
  const pristine = srv.isSqlite ? path.join(srv.tmp, 'audit-pristine.db') : null;
  if (pristine) await runSqlite(srv.dbPath, `.backup '${pristine}'`);

  // An edited subject: the entry's hash no longer matches.
  await sql(`UPDATE audit SET subject = 'endpoint:GET /api/v1/units' WHERE seq = ${seq}`);
  r = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(r.code, 1, out(r));
  assert.match(r.stdout, new RegExp(`audit entry ${seq} \\(denied`), out(r));
  await sql(`UPDATE audit SET subject = 'endpoint:GET /api/v1/tokens' WHERE seq = ${seq}`);
  assert.equal((await runCli(['verify', '--db', srv.dbUrl])).code, 0, 'restored');

  // A removed entry: the next one no longer follows.
  await sql(`DELETE FROM audit WHERE seq = ${seq}`);
  r = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(r.code, 1, out(r));
  assert.match(r.stdout, new RegExp(`audit entry ${seq + 1} .*missing`), out(r));
  if (pristine) {
    await runSqlite(srv.dbPath, `.restore '${pristine}'`);
    assert.equal((await runCli(['verify', '--db', srv.dbUrl])).code, 0, 'restored');
  }
});
