// Sessions for people: the sign-in sets an HttpOnly, SameSite=Strict cookie
// and returns a CSRF token; a request that changes something with the
// cookie needs the token in X-CSRF-Token; sessions end after an idle and an
// absolute timeout (a few seconds here, through the settings); sign-out
// revokes; wrong passwords from one address make that address wait before
// it may try that name again; a user who must
// change their password can do nothing else first. Bearer tokens work as
// before. Every one of these is an entry in the audit log. Every response
// carries the security headers.

import assert from 'node:assert/strict';
import { useServer, Server, DEMO_PASSWORD, intakeBody, uniquePhone, sleep, describe } from './lib.mjs';

// The servers of this file start with these (the harness passes the
// environment on): a short lockout, so that its end is seen within seconds.
const MAX_FAILURES = 3;
const LOCKOUT = 3;
Object.assign(process.env, {
  REDRESS_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
  REDRESS_LOGIN_LOCKOUT: String(LOCKOUT),
  REDRESS_TRUSTED_PROXIES: '10.9.9.9, 127.0.0.1',
});

// Sessions end within seconds on a second server of their own, so that the
// tests of the first, which take several requests, never see a session
// expire on a busy machine.
const IDLE = 4;
const ABSOLUTE = 10;
const srv = useServer();
const short = useServer({ env: { REDRESS_SESSION_IDLE: String(IDLE), REDRESS_SESSION_ABSOLUTE: String(ABSOLUTE) } });

// A fresh sign-in: {token, csrf, cookie, setCookie, json}.
async function signIn(username, password = DEMO_PASSWORD, server = srv) {
  const r = await server.api('POST', '/auth/login', { body: { username, password } });
  assert.equal(r.status, 200, describe(r));
  const setCookie = r.headers.get('set-cookie') || '';
  const m = /redress_session=([^;]*)/.exec(setCookie);
  assert.ok(m, `a session cookie is set: ${setCookie}`);
  return { token: r.json.token, csrf: r.json.csrf_token, cookie: `redress_session=${m[1]}`, setCookie, json: r.json };
}

// A request authenticated by the cookie only, optionally with a CSRF header.
function withCookie(s, method, p, { csrf, body, server = srv } = {}) {
  const headers = { cookie: s.cookie };
  if (csrf !== undefined) headers['x-csrf-token'] = csrf;
  return server.api(method, p, { headers, body });
}

async function auditFor(username, action, server = srv) {
  const admin = await signIn('admin', DEMO_PASSWORD, server);
  const r = await server.api('GET', `/audit?user=${username}&action=${action}`, { token: admin.token });
  assert.equal(r.status, 200, describe(r));
  return r.json.items;
}

async function auditBySubject(subject, action) {
  const admin = await signIn('admin');
  const r = await srv.api('GET', `/audit?subject=${encodeURIComponent(subject)}&action=${action}`, { token: admin.token });
  assert.equal(r.status, 200, describe(r));
  return r.json.items;
}

async function userNamed(username) {
  const admin = await signIn('admin');
  const r = await srv.api('GET', '/users', { token: admin.token });
  return r.json.items.find((u) => u.username === username);
}

short.test('sign-in: bearer token, CSRF token and an HttpOnly, SameSite=Strict cookie', async () => {
  const s = await signIn('agent1', DEMO_PASSWORD, short);
  assert.match(s.token, /^rd_s_/);
  assert.match(s.csrf, /^[A-Za-z0-9_-]{40,}$/);
  assert.notEqual(s.csrf, s.token);
  assert.equal(s.json.user.username, 'agent1');
  assert.equal(s.json.idle_timeout, IDLE);
  assert.match(s.setCookie, /HttpOnly/);
  assert.match(s.setCookie, /SameSite=Strict/);
  assert.match(s.setCookie, /Path=\//);
  assert.match(s.setCookie, new RegExp(`Max-Age=${ABSOLUTE}`));
  assert.doesNotMatch(s.setCookie, /Secure/, 'not Secure unless cookie-secure is on');
  assert.equal(s.cookie, `redress_session=${s.token}`);
});

srv.test('the cookie authenticates reads; /auth/me gives the CSRF token back after a reload', async () => {
  const s = await signIn('agent1');
  const me = await withCookie(s, 'GET', '/auth/me');
  assert.equal(me.status, 200, describe(me));
  assert.equal(me.json.username, 'agent1');
  assert.equal(me.json.csrf_token, s.csrf);
  const list = await withCookie(s, 'GET', '/complaints?limit=1');
  assert.equal(list.status, 200);
  const bearerMe = await srv.api('GET', '/auth/me', { token: s.token });
  assert.equal(bearerMe.json.csrf_token, undefined, 'no CSRF token for bearer callers: they need none');
});

srv.test('a change with the cookie needs the CSRF header: missing and wrong are 403 csrf_failed', async () => {
  const s = await signIn('agent1');
  const phone = uniquePhone();
  const body = intakeBody({ customer: { phone } });
  const missing = await withCookie(s, 'POST', '/complaints', { body });
  assert.equal(missing.status, 403, describe(missing));
  assert.equal(missing.json.error.code, 'csrf_failed');
  const wrong = await withCookie(s, 'POST', '/complaints', { body, csrf: `${s.csrf.slice(0, -2)}xx` });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.json.error.code, 'csrf_failed');
  const other = await signIn('agent2');
  const foreign = await withCookie(s, 'POST', '/complaints', { body, csrf: other.csrf });
  assert.equal(foreign.status, 403, 'another session\'s token does not do');
  const ok = await withCookie(s, 'POST', '/complaints', { body, csrf: s.csrf });
  assert.equal(ok.status, 201, describe(ok));
  const list = await withCookie(s, 'GET', `/complaints?phone=${phone}`);
  assert.equal(list.json.items.length, 1, 'the refused attempts wrote nothing');
});

srv.test('bearer tokens need no CSRF header and win over a cookie', async () => {
  const s = await signIn('agent1');
  const r = await srv.api('POST', '/complaints', { token: s.token, body: intakeBody() });
  assert.equal(r.status, 201, describe(r));
  const both = await srv.api('POST', '/complaints', { token: s.token, headers: { cookie: 'redress_session=rd_s_bogus' }, body: intakeBody() });
  assert.equal(both.status, 201, describe(both));
});

srv.test('an API token in a cookie is not accepted', async () => {
  const admin = await signIn('admin');
  const t = await srv.api('POST', '/tokens', { token: admin.token, body: { name: 'cookie-test' } });
  assert.equal(t.status, 201, describe(t));
  const r = await srv.api('GET', '/auth/me', { headers: { cookie: `redress_session=${t.json.token}` } });
  assert.equal(r.status, 401);
  assert.equal((await srv.api('GET', '/auth/me', { token: t.json.token })).status, 200);
});

srv.test('sign-out with the cookie (and the CSRF header) revokes it and clears the cookie', async () => {
  const s = await signIn('pd01');
  const noCsrf = await withCookie(s, 'POST', '/auth/logout');
  assert.equal(noCsrf.status, 403, 'sign-out is a change too');
  const r = await withCookie(s, 'POST', '/auth/logout', { csrf: s.csrf });
  assert.equal(r.status, 204);
  assert.match(r.headers.get('set-cookie') || '', /redress_session=;.*Max-Age=0/);
  const after = await withCookie(s, 'GET', '/auth/me');
  assert.equal(after.status, 401);
  assert.equal(after.json.error.code, 'unauthenticated');
  assert.equal((await srv.api('GET', '/auth/me', { token: s.token })).status, 401, 'the same secret as bearer too');
  assert.ok((await auditFor('pd01', 'logout')).length >= 1);
});

short.test('idle timeout: a session unused for the idle time ends (401 session_expired), and it is recorded', async () => {
  const s = await signIn('pd02', DEMO_PASSWORD, short);
  assert.equal((await withCookie(s, 'GET', '/auth/me', { server: short })).status, 200);
  await sleep(IDLE * 1000 + 600);
  const r = await withCookie(s, 'GET', '/auth/me', { server: short });
  assert.equal(r.status, 401, describe(r));
  assert.equal(r.json.error.code, 'session_expired');
  const again = await short.api('GET', '/auth/me', { token: s.token });
  assert.equal(again.status, 401);
  assert.equal(again.json.error.code, 'unauthenticated', 'the expired session was revoked');
  const items = await auditFor('pd02', 'session_expired', short);
  assert.equal(items.length, 1);
  assert.equal(items[0].detail.reason, 'idle');
});

short.test('activity keeps a session past the idle time; the absolute timeout ends it anyway', async () => {
  const s = await signIn('pd03', DEMO_PASSWORD, short);
  const started = Date.now();
  // A request every second: never idle for IDLE seconds.
  while (Date.now() - started < (IDLE + 1) * 1000) {
    const r = await short.api('GET', '/auth/me', { token: s.token });
    assert.equal(r.status, 200, `still signed in after ${Date.now() - started} ms: ${describe(r)}`);
    await sleep(1000);
  }
  while (Date.now() - started < ABSOLUTE * 1000 + 600) await sleep(500);
  const r = await short.api('GET', '/auth/me', { token: s.token });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.code, 'session_expired');
  const items = await auditFor('pd03', 'session_expired', short);
  assert.equal(items[0].detail.reason, 'absolute');
});

srv.test(`lockout: ${MAX_FAILURES} wrong passwords make the address wait, even with the right one, until it is released`, async () => {
  const u = await userNamed('mh01');
  const wrong = () => srv.api('POST', '/auth/login', { body: { username: 'mh01', password: 'not-the-password' } });
  for (let i = 1; i < MAX_FAILURES; i++) assert.equal((await wrong()).status, 401);
  const last = await wrong();
  assert.equal(last.status, 429, describe(last));
  assert.equal(last.json.error.code, 'account_locked');
  assert.ok(Number(last.headers.get('retry-after')) >= 1);
  const right = await srv.api('POST', '/auth/login', { body: { username: 'mh01', password: DEMO_PASSWORD } });
  assert.equal(right.status, 429, 'the right password does not open a locked account');
  assert.equal(right.json.error.code, 'account_locked');
  const locks = await auditBySubject(`user:${u.id}`, 'lockout');
  assert.equal(locks.length, 1);
  assert.equal(locks[0].detail.failures, MAX_FAILURES);
  const failed = await auditBySubject(`user:${u.id}`, 'login_failed');
  assert.equal(failed.length, MAX_FAILURES + 1);
  assert.equal(failed[0].detail.reason, 'locked');
  await sleep(LOCKOUT * 1000 + 500);
  const released = await srv.api('POST', '/auth/login', { body: { username: 'mh01', password: DEMO_PASSWORD } });
  assert.equal(released.status, 200, `released after ${LOCKOUT} s: ${describe(released)}`);
});

srv.test('a successful sign-in resets the failure count', async () => {
  const wrong = () => srv.api('POST', '/auth/login', { body: { username: 'mh02', password: 'not-the-password' } });
  for (let i = 1; i < MAX_FAILURES; i++) assert.equal((await wrong()).status, 401);
  await signIn('mh02');
  for (let i = 1; i < MAX_FAILURES; i++) assert.equal((await wrong()).status, 401, `failure ${i} after the reset`);
  await signIn('mh02');
});

srv.test('an over-long user name or password is refused before anything is looked up or recorded', async () => {
  const long = await srv.api('POST', '/auth/login', { body: { username: 'u'.repeat(65), password: 'whatever-1' } });
  assert.equal(long.status, 422);
  assert.equal(long.json.error.field, 'username');
  const pw = await srv.api('POST', '/auth/login', { body: { username: 'agent1', password: 'p'.repeat(1025) } });
  assert.equal(pw.status, 422);
  assert.equal(pw.json.error.field, 'password');
});

// From a client address (the server trusts 127.0.0.1 as a proxy here).
const loginFrom = (ip, username, password) =>
  srv.api('POST', '/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': ip } });

srv.test('wrong passwords from one address do not lock the account out at another', async () => {
  for (let i = 1; i < MAX_FAILURES; i++) assert.equal((await loginFrom('10.7.0.1', 'admin', 'not-the-password')).status, 401);
  const held = await loginFrom('10.7.0.1', 'admin', 'not-the-password');
  assert.equal(held.status, 429, describe(held));
  assert.equal((await loginFrom('10.7.0.1', 'admin', DEMO_PASSWORD)).status, 429, 'that address waits, even with the right password');
  const other = await loginFrom('10.7.0.2', 'admin', DEMO_PASSWORD);
  assert.equal(other.status, 200, `the administrator signs in from elsewhere: ${describe(other)}`);
  // The same address may still try other names.
  assert.equal((await loginFrom('10.7.0.1', 'mh03', DEMO_PASSWORD)).status, 200);
});

srv.test('a known and an unknown user name get the same answers: statuses, bodies and waits', async () => {
  const seen = {};
  for (const [ip, name] of [['10.7.1.1', 'agent2'], ['10.7.1.2', 'nobody-at-all']]) {
    seen[name] = [];
    for (let i = 0; i <= MAX_FAILURES; i++) {
      const r = await loginFrom(ip, name, 'whatever-1');
      // The wait is counted in seconds: the two runs may be a second apart.
      seen[name].push({ status: r.status, body: r.text.replace(/\d+/g, 'N'), waits: r.headers.has('retry-after') });
    }
  }
  assert.deepEqual(seen['nobody-at-all'], seen.agent2);
  assert.deepEqual(seen.agent2.map((x) => x.status), [...Array(MAX_FAILURES - 1).fill(401), 429, 429]);
});

srv.test('forced password change: 403 password_change_required on all but me, password and sign-out', async () => {
  const admin = await signIn('admin');
  const c = await srv.api('POST', '/users', {
    token: admin.token,
    body: { username: 'newbie', name: '新员工', password: 'first-pass-1', roles: ['agent'], unit: 'SH-CSC', must_change_password: true },
  });
  assert.equal(c.status, 201, describe(c));
  const s = await signIn('newbie', 'first-pass-1');
  const other = await signIn('newbie', 'first-pass-1');
  assert.equal(s.json.user.must_change_password, true);
  for (const [m, p] of [['GET', '/complaints'], ['GET', '/units'], ['GET', '/stats/overview'], ['POST', '/complaints']]) {
    const r = await withCookie(s, m, p, { csrf: s.csrf, body: m === 'POST' ? intakeBody() : undefined });
    assert.equal(r.status, 403, `${m} ${p}: ${describe(r)}`);
    assert.equal(r.json.error.code, 'password_change_required');
  }
  assert.equal((await withCookie(s, 'GET', '/auth/me')).status, 200);
  const same = await withCookie(s, 'POST', '/auth/password', { csrf: s.csrf, body: { old_password: 'first-pass-1', new_password: 'first-pass-1' } });
  assert.equal(same.status, 422, 'the new password must differ');
  const ch = await withCookie(s, 'POST', '/auth/password', { csrf: s.csrf, body: { old_password: 'first-pass-1', new_password: 'second-pass-2' } });
  assert.equal(ch.status, 204, describe(ch));
  const me = await withCookie(s, 'GET', '/auth/me');
  assert.equal(me.json.must_change_password, false);
  assert.equal((await withCookie(s, 'GET', '/complaints?limit=1')).status, 200, 'the same session goes on');
  assert.equal((await srv.api('GET', '/auth/me', { token: other.token })).status, 401, 'other sessions are revoked');
  const changes = await auditFor('newbie', 'password_change');
  assert.equal(changes.length, 1);
  assert.equal(changes[0].detail.forced, true);
  const bad = await srv.api('POST', '/auth/login', { body: { username: 'newbie', password: 'first-pass-1' } });
  assert.equal(bad.status, 401, 'the old password no longer works');
});

srv.test('a Secure cookie when cookie-secure is on', async () => {
  process.env.REDRESS_COOKIE_SECURE = 'on';
  const node = new Server({ command: 'serve', dbUrl: srv.dbUrl });
  try {
    await node.start();
    const s = await signIn('agent1', DEMO_PASSWORD, node);
    assert.match(s.setCookie, /; Secure/);
  } finally {
    delete process.env.REDRESS_COOKIE_SECURE;
    await node.stop();
    await node.cleanup();
  }
});

srv.test('security headers on every response: JSON, errors, the portal, the UI', async () => {
  const s = await signIn('agent1');
  const responses = [
    await srv.api('GET', '/health'),
    await srv.api('GET', '/auth/me', { token: s.token }),
    await srv.api('GET', '/auth/me'),
    await srv.api('GET', '/no-such-endpoint'),
    await srv.api('GET', '/portal/options'),
    await srv.api('GET', '/'),
    await withCookie(s, 'POST', '/complaints', { body: intakeBody() }),
  ];
  for (const r of responses) {
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `status ${r.status}`);
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    const csp = r.headers.get('content-security-policy') || '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
  }
});

srv.test('behind a trusted proxy the client is the last X-Forwarded-For address (rate limits, audit log)', async () => {
  const r = await srv.api('POST', '/auth/login', {
    body: { username: 'ops1', password: DEMO_PASSWORD },
    headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' },
  });
  assert.equal(r.status, 200, describe(r));
  const junk = await srv.api('POST', '/auth/login', {
    body: { username: 'ops1', password: DEMO_PASSWORD }, headers: { 'x-forwarded-for': 'not-an-address' },
  });
  assert.equal(junk.status, 200);
  const items = await auditFor('ops1', 'login');
  assert.deepEqual(items.slice(0, 2).map((e) => e.ip), ['127.0.0.1', '203.0.113.7'], 'junk is ignored; the proxy\'s last entry counts');
});
