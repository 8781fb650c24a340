// Shared harness for the black-box API tests.
//
// Every test file calls useServer() once: it starts its own `redress demo`
// on a free port of 127.0.0.1 with a fresh database — a sqlite file in a
// fresh temp dir, or, when REDRESS_TEST_DB_URL names a PostgreSQL server, a
// new database on that server created for this file (psql) and dropped at
// the end — waits for GET /api/v1/health, and stops the server (SIGTERM,
// then wait) when the file is done. A ThreadSanitizer report in a server's
// or a CLI run's output fails the test even when every answer was right
// (make test-tsan runs this suite on build/tsan/redress). Tests are declared with srv.test(),
// which appends what the server wrote to stderr during the test to the
// failure message. A second node on the same database (several `redress
// serve` processes acting as one system) is `new Server({command: 'serve',
// dbUrl: srv.dbUrl})`: it shares the database and never drops it.
// useServer({sqlite: true}) insists on a sqlite file of its own;
// useServer({env: {REDRESS_…: …}}) gives its server settings of its own.
//
// Environment:
//   REDRESS_BIN          the binary (default <repo>/build/redress)
//   REDRESS_TEST_DB_URL  sqlite:PATH — one database shared by all files; or
//                        postgresql://… — a server (and a database to connect
//                        to for CREATE DATABASE) on which each file gets its own
//                        database (default: a sqlite file per test file)
//   REDRESS_KEEP_TMP=1   keep the temp dirs (database, logs) and the
//                        PostgreSQL databases after the run

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.REDRESS_BIN
  ? path.resolve(REPO_ROOT, process.env.REDRESS_BIN)
  : path.join(REPO_ROOT, 'build', 'redress');
export const DEMO_PASSWORD = 'redress-demo';

// The master key file of customer data (docs/privacy.md): one per test
// process, shared by every server and command it starts (a `redress copy`
// to PostgreSQL is served with the same keys), created by the first `demo`.
if (!process.env.REDRESS_KEY_FILE) {
  process.env.REDRESS_KEY_FILE = path.join(os.tmpdir(), `redress-test-${process.pid}.key`);
  process.once('exit', () => { try { fs.rmSync(process.env.REDRESS_KEY_FILE, { force: true }); } catch { /* gone */ } });
}
export const KEY_FILE = process.env.REDRESS_KEY_FILE;
const START_TIMEOUT_MS = Number(process.env.REDRESS_START_TIMEOUT_MS || 60000);

// ---------------------------------------------------------------- utilities

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// An instant as RFC 3339 in the organisation's zone (+08:00 by default).
export function rfc3339(date = new Date(), offsetMinutes = 480) {
  const t = new Date(date.getTime() + offsetMinutes * 60000);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const off = Math.abs(offsetMinutes);
  return `${t.getUTCFullYear()}-${p(t.getUTCMonth() + 1)}-${p(t.getUTCDate())}` +
    `T${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}` +
    `${sign}${p(Math.floor(off / 60))}:${p(off % 60)}`;
}

// The local (+08:00) calendar date of an instant, as YYYY-MM-DD.
export function localDate(date = new Date(), offsetMinutes = 480) {
  return rfc3339(date, offsetMinutes).slice(0, 10);
}

let phoneCounter = 0;
// A phone number no other test (or demo data) is likely to use; the list
// tests filter on it to see only their own complaints.
export function uniquePhone() {
  phoneCounter += 1;
  const rnd = String(Math.floor(Math.random() * 1e4)).padStart(4, '0');
  const pid = String(process.pid % 1000).padStart(3, '0');
  return `19${pid}${rnd}${String(phoneCounter % 100).padStart(2, '0')}`;
}

// A complete, valid intake body; `over` replaces top-level fields and
// `over.customer` is merged into the customer.
// What the gas-station pack's closing section asks of a valid complaint
// answered on the spot (as for a close): the customer's own cause, so no
// penalty entry is written.
export const ON_SPOT_VALID = {
  nature: 'valid', cause: '客户误解开票规定', responsibility: 'customer', responsible_unit: 'SH-PD-01',
  responsible_person: '加油员 李强', corrective_action: '向客户说明开票规定',
};

export function intakeBody(over = {}) {
  const { customer, ...rest } = over;
  const cust = customer !== undefined && (typeof customer !== 'object' || customer === null)
    ? customer
    : { name: '王先生', phone: uniquePhone(), class: 'ordinary', ...(customer || {}) };
  const body = {
    channel: 'phone',
    customer: cust,
    subject_unit: 'SH-PD-01',
    subject_staff: '加油员 李强',
    category: 'service.attitude',
    occurred_at: rfc3339(new Date(Date.now() - 3600e3)),
    place: '3号加油机',
    description: '加油员态度恶劣，拒绝开具发票。',
    demand: '要求道歉并开具发票',
    level: 3,
    ...rest,
  };
  // The event happened before it was reported.
  if (!('occurred_at' in rest) && typeof rest.received_at === 'string' && !Number.isNaN(Date.parse(rest.received_at))) {
    body.occurred_at = rfc3339(new Date(Date.parse(rest.received_at) - 3600e3));
  }
  return body;
}

export const HEX64 = /^[0-9a-f]{64}$/;
// TS20261124-0001: a prefix, the local date, a dash, four digits.
export const NUMBER_RE = /^([A-Z]{1,8})(\d{8})-(\d{4})$/;

// ----------------------------------------------------------------- the CLI

// Runs the redress binary with args; resolves {code, signal, stdout, stderr}.
export function runCli(args, { timeoutMs = 60000, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { cwd: REPO_ROOT, env: { ...process.env, ...(env || {}) } });
    let stdout = '';
    let stderr = '';
    // Decode as streams: a UTF-8 character split across two chunks must survive.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const at = stderr.search(TSAN_REPORT);
      if (at >= 0) reject(new Error(`redress ${args.join(' ')}: ThreadSanitizer report\n${stderr.slice(at, at + 20000)}`));
      else resolve({ code, signal, stdout, stderr });
    });
  });
}

const TSAN_REPORT = /(WARNING|ERROR): ThreadSanitizer/;

export function runSqlite(dbPath, sql) {
  return new Promise((resolve, reject) => {
    const child = spawn('sqlite3', ['-cmd', '.timeout 10000', dbPath, sql]);
    let stdout = '';
    let stderr = '';
    // Decode as streams: a UTF-8 character split across two chunks must survive.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`sqlite3 exited ${code}: ${stderr}\nSQL: ${sql}`));
      else resolve(stdout);
    });
  });
}

// ---------------------------------------------------------------- PostgreSQL

export const isPgUrl = (u) => /^postgres(ql)?:\/\//.test(u || '');

// Runs SQL through psql against url; resolves stdout (unaligned, tuples only:
// one row a line, columns separated by |).
export function runPsql(url, sql, { timeoutMs = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql]);
    let stdout = '';
    let stderr = '';
    // Decode as streams: a UTF-8 character split across two chunks must survive.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`psql exited ${code}: ${stderr}\nSQL: ${sql}`));
      else resolve(stdout);
    });
  });
}

// The URL of database `name` on the server of `url` (same user, host, options).
export function pgDatabaseUrl(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

let pgDbCounter = 0;
// Creates a new, empty database on the server of adminUrl; resolves its name.
export async function pgCreateDatabase(adminUrl, template = null) {
  pgDbCounter += 1;
  const name = `redress_t${process.pid}_${pgDbCounter}_${Math.floor(Math.random() * 1e6)}`;
  await runPsql(adminUrl, `CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
  return name;
}

export async function pgDropDatabase(adminUrl, name) {
  await runPsql(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

// --------------------------------------------------------------- the server

export class Server {
  constructor(opts = {}) {
    this.opts = opts;
    this.tmp = null;
    this.child = null;
    this.port = 0;
    this.base = '';
    this.stderr = '';
    this.tsanReport = ''; // from the first ThreadSanitizer report on
    this.exitInfo = null;
    this.tokens = new Map();
    // opts.sqlite: a sqlite file of its own whatever REDRESS_TEST_DB_URL says.
    this.dbUrl = opts.sqlite ? '' : opts.dbUrl || process.env.REDRESS_TEST_DB_URL || '';
    this.dbPath = null; // the sqlite file, when the store is sqlite
    this.pgAdminUrl = null; // the server's maintenance database, when the store is PostgreSQL
    this.pgDb = null; // the database this server created (and drops), when PostgreSQL
  }

  get isSqlite() { return this.dbPath !== null; }
  get isPg() { return isPgUrl(this.dbUrl); }

  async start() {
    if (!fs.existsSync(BIN)) throw new Error(`server binary not found: ${BIN} (build it first, or set REDRESS_BIN)`);
    if (!this.tmp) {
      this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-api-'));
      if (!this.dbUrl) {
        this.dbPath = path.join(this.tmp, 't.db');
        this.dbUrl = `sqlite:${this.dbPath}`;
      } else if (this.dbUrl.startsWith('sqlite:')) {
        this.dbPath = this.dbUrl.slice('sqlite:'.length);
      } else if (isPgUrl(this.dbUrl) && !this.opts.dbUrl) {
        // A database of its own for this file, so that files do not see each
        // other's complaints (and numbering starts at 0001 as on sqlite).
        this.pgAdminUrl = this.dbUrl;
        this.pgDb = await pgCreateDatabase(this.pgAdminUrl);
        this.dbUrl = pgDatabaseUrl(this.pgAdminUrl, this.pgDb);
      }
    }
    await this.spawnServer(this.opts.command || 'demo');
  }

  // Starts (or restarts) the server process on the current database.
  // command 'demo' initialises on first use; 'serve' only serves.
  async spawnServer(command = 'demo') {
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.tokens.clear();
    const args = command === 'demo'
      ? ['demo', '--db', this.dbUrl, '--listen', `127.0.0.1:${this.port}`, '--demo-password', DEMO_PASSWORD]
      : ['serve', '--db', this.dbUrl, '--listen', `127.0.0.1:${this.port}`];
    this.stderr += `\n[harness] starting: ${BIN} ${args.join(' ')}\n`;
    // The background deadline sweeper stays off unless a test asks for it:
    // tests run `redress sweep --now T` at the instants they choose.
    const env = { REDRESS_SWEEP_INTERVAL: '0', ...process.env, ...(this.opts.env || {}) };
    const child = spawn(BIN, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exitInfo = null;
    child.stdout.on('data', (d) => { this.appendLog(d); });
    child.stderr.on('data', (d) => { this.appendLog(d); });
    child.on('exit', (code, signal) => {
      this.exitInfo = { code, signal };
      this.stderr += `\n[harness] server exited: code=${code} signal=${signal}\n`;
    });
    child.on('error', (e) => { this.exitInfo = { error: e }; this.stderr += `\n[harness] spawn error: ${e}\n`; });

    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (this.exitInfo) throw new Error(`server exited during start-up\n--- server output ---\n${this.tail(8000)}`);
      try {
        const res = await fetch(`${this.base}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) { await res.text(); return; }
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) {
        throw new Error(`server not healthy after ${START_TIMEOUT_MS} ms\n--- server output ---\n${this.tail(8000)}`);
      }
      await sleep(100);
    }
  }

  appendLog(d) {
    if (this.tsanReport) {
      if (this.tsanReport.length < 20000) this.tsanReport += d;
    } else {
      const s = this.stderr.slice(-64) + d;
      const at = s.search(TSAN_REPORT);
      if (at >= 0) this.tsanReport = s.slice(at);
    }
    this.stderr += d;
    if (this.stderr.length > 4e6) this.stderr = this.stderr.slice(-2e6);
  }

  tail(n = 6000, from = 0) {
    const s = this.stderr.slice(Math.max(from, 0));
    return s.length > n ? `…${s.slice(-n)}` : s;
  }

  waitExit(timeoutMs) {
    const child = this.child;
    if (!child || this.exitInfo) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      child.once('exit', () => { clearTimeout(timer); resolve(true); });
    });
  }

  // Graceful stop: SIGTERM, wait; SIGKILL if it does not go. Throws if the
  // server's output held a ThreadSanitizer report.
  async stop() {
    if (this.child && !this.exitInfo) {
      this.child.kill('SIGTERM');
      if (!(await this.waitExit(15000))) {
        this.stderr += '\n[harness] server ignored SIGTERM for 15 s; killing\n';
        this.child.kill('SIGKILL');
        await this.waitExit(5000);
      }
    }
    if (this.tsanReport) throw new Error(`the server reported a data race\n${this.tsanReport.slice(0, 20000)}`);
  }

  // Abrupt stop: kill -9.
  async kill9() {
    if (!this.child || this.exitInfo) return;
    this.child.kill('SIGKILL');
    await this.waitExit(10000);
  }

  async cleanup() {
    if (process.env.REDRESS_KEEP_TMP) return;
    if (this.tmp) fs.rmSync(this.tmp, { recursive: true, force: true });
    if (this.pgDb) {
      try { await pgDropDatabase(this.pgAdminUrl, this.pgDb); } catch (e) { process.stderr.write(`[harness] ${e.message}\n`); }
      this.pgDb = null;
    }
  }

  url(p) {
    if (p.startsWith('http')) return p;
    if (p.startsWith('/api/') || p.startsWith('/metrics') || p === '/') return this.base + p;
    return `${this.base}/api/v1${p.startsWith('/') ? '' : '/'}${p}`;
  }

  // api(method, path, {token, body, headers, raw}) → {status, json, headers, text}
  // body: an object sent as JSON; raw: a string/Buffer sent as it is.
  async api(method, p, { token, body, headers = {}, raw, timeoutMs = 30000 } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload;
    if (raw !== undefined) {
      payload = raw;
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json; charset=utf-8';
    }
    const res = await fetch(this.url(p), { method, headers: h, body: payload, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: res.status, json, headers: res.headers, text };
  }

  // A raw HTTP request that reports the response even when the server answers
  // before it has read the whole body (e.g. 413) and then resets.
  rawRequest(method, p, { headers = {}, body = '' } = {}) {
    return new Promise((resolve, reject) => {
      const u = new URL(this.url(p));
      let done = false;
      const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        const finish = () => {
          if (done) return;
          done = true;
          let json = null;
          try { json = JSON.parse(text); } catch { /* not JSON */ }
          resolve({ status: res.statusCode, json, text, headers: res.headers });
        };
        res.on('end', finish);
        res.on('error', finish);
        res.on('close', finish);
      });
      req.setTimeout(30000, () => req.destroy(new Error('timeout')));
      req.on('error', (e) => { if (!done) { done = true; reject(e); } });
      req.end(body);
    });
  }

  // login(username) → token (cached per server process).
  async login(username, password = DEMO_PASSWORD) {
    if (this.tokens.has(username)) return this.tokens.get(username);
    const r = await this.api('POST', '/auth/login', { body: { username, password } });
    if (r.status !== 200 || !r.json || typeof r.json.token !== 'string') {
      throw new Error(`login ${username} failed: ${r.status} ${r.text}`);
    }
    this.tokens.set(username, r.json.token);
    return r.json.token;
  }

  // --- conveniences built on api() ---

  async as(username, method, p, opts = {}) {
    const token = await this.login(username);
    return this.api(method, p, { ...opts, token });
  }

  async intake(username = 'agent1', over = {}) {
    const r = await this.as(username, 'POST', '/complaints', { body: intakeBody(over) });
    if (r.status !== 201) throw new Error(`intake failed: ${r.status} ${r.text}`);
    return r.json;
  }

  async act(username, id, action, body = {}, headers = {}) {
    return this.as(username, 'POST', `/complaints/${encodeURIComponent(id)}/actions/${action}`, { body, headers });
  }

  // Takes an action and insists on 200; returns the complaint.
  async step(username, id, action, body = {}) {
    const r = await this.act(username, id, action, body);
    if (r.status !== 200) throw new Error(`${username} ${action} on ${id}: expected 200, got ${r.status} ${r.text}`);
    return r.json;
  }

  async get(id, username = 'agent1') {
    const r = await this.as(username, 'GET', `/complaints/${encodeURIComponent(id)}`);
    if (r.status !== 200) throw new Error(`GET complaint ${id}: ${r.status} ${r.text}`);
    return r.json;
  }

  // The complaint and its events in clear (POST …/pii: needs the pii
  // permission, and is an audited view); {complaint, events}.
  async clear(id, username = 'agent1') {
    const r = await this.as(username, 'POST', `/complaints/${encodeURIComponent(id)}/pii`, { body: {} });
    if (r.status !== 200) throw new Error(`POST pii ${id} as ${username}: ${r.status} ${r.text}`);
    return r.json;
  }

  async events(id, username = 'agent1') {
    const r = await this.as(username, 'GET', `/complaints/${encodeURIComponent(id)}/events`);
    if (r.status !== 200) throw new Error(`GET events ${id}: ${r.status} ${r.text}`);
    return r.json.items;
  }

  async actions(id, username, headers = {}) {
    const r = await this.as(username, 'GET', `/complaints/${encodeURIComponent(id)}/actions`, { headers });
    if (r.status !== 200) throw new Error(`GET actions ${id} as ${username}: ${r.status} ${r.text}`);
    return r.json;
  }

  // Reference data, fetched once.
  async units() {
    if (!this._units) {
      const r = await this.as('admin', 'GET', '/units');
      if (r.status !== 200) throw new Error(`GET /units: ${r.status} ${r.text}`);
      this._units = r.json.items;
    }
    return this._units;
  }

  async unit(code) {
    const u = (await this.units()).find((x) => x.code === code);
    if (!u) throw new Error(`unit ${code} not in GET /units`);
    return u;
  }

  // The codes of `code` and every unit below it.
  async subtreeCodes(code) {
    const units = await this.units();
    const root = units.find((u) => u.code === code);
    const ids = new Set([root.id]);
    let grown = true;
    while (grown) {
      grown = false;
      for (const u of units) {
        if (u.parent != null && ids.has(u.parent) && !ids.has(u.id)) { ids.add(u.id); grown = true; }
      }
    }
    return new Set(units.filter((u) => ids.has(u.id)).map((u) => u.code));
  }

  async config() {
    if (!this._config) {
      const r = await this.as('agent1', 'GET', '/config');
      if (r.status !== 200) throw new Error(`GET /config: ${r.status} ${r.text}`);
      this._config = r.json;
    }
    return this._config;
  }

  async categories() {
    if (!this._cats) {
      const r = await this.as('agent1', 'GET', '/categories');
      if (r.status !== 200) throw new Error(`GET /categories: ${r.status} ${r.text}`);
      this._cats = r.json.items;
    }
    return this._cats;
  }

  // Wraps node:test's test() so that a failure carries the server's output.
  test(name, opts, fn) {
    if (typeof opts === 'function') { fn = opts; opts = {}; }
    return test(name, opts, async (t) => {
      const mark = this.stderr.length;
      try {
        await fn(t);
      } catch (err) {
        const out = this.tail(6000, mark);
        const note = `\n--- server output during this test${this.exitInfo ? ` (server exited: ${JSON.stringify(this.exitInfo)})` : ''} ---\n${out || '(none)'}`;
        if (err && typeof err === 'object') {
          try { err.message = `${err.message}${note}`; } catch { /* read-only */ }
          throw err;
        }
        throw new Error(`${String(err)}${note}`);
      }
    });
  }
}

// One server per test file: started before the first test, stopped after
// the last.
export function useServer(opts = {}) {
  const srv = new Server(opts);
  before(async () => { await srv.start(); });
  after(async () => {
    try {
      await srv.stop();
    } finally {
      await srv.cleanup();
    }
  });
  process.once('exit', () => { try { if (srv.child && !srv.exitInfo) srv.child.kill('SIGKILL'); } catch { /* gone */ } });
  return srv;
}

// Asserts the documented error shape and returns the error object.
export function errorOf(r) {
  if (!r.json || typeof r.json.error !== 'object' || r.json.error === null) {
    throw new Error(`expected an error body {"error":{…}}, got ${r.status} ${r.text}`);
  }
  const e = r.json.error;
  if (typeof e.code !== 'string' || typeof e.message !== 'string') {
    throw new Error(`error body lacks code/message: ${r.text}`);
  }
  return e;
}

// ------------------------------------------------------------ raw sockets

// A TCP connection to the server at port, from localAddress (any address of
// 127.0.0.0/8 on Linux: the server counts connections by address). Resolves
// once connected; `sock.received` collects what the server sends and
// `sock.ended` resolves ({bytes, ms}) when the server closes or resets it.
export function rawConnect(port, { localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const sock = net.connect({ host: '127.0.0.1', port, localAddress });
    sock.received = Buffer.alloc(0);
    sock.on('data', (d) => { sock.received = Buffer.concat([sock.received, d]); });
    sock.ended = new Promise((done) => {
      const finish = () => done({ bytes: sock.received.length, ms: Date.now() - t0 });
      sock.once('close', finish);
      sock.on('error', () => { /* a reset ends it too; 'close' follows */ });
    });
    sock.once('connect', () => resolve(sock));
    sock.once('error', reject);
  });
}

// The response in bytes (up to the server's close, or a complete response
// by its Content-Length): {status, headers (lower-case names), body, json}, or
// null when nothing came back.
export function parseResponse(bytes) {
  const text = bytes.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const lines = text.slice(0, end).split('\r\n');
  const status = Number(lines[0].split(' ')[1]);
  const headers = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const body = text.slice(end + 4);
  let json = null;
  try { json = JSON.parse(body); } catch { /* not JSON */ }
  return { status, headers, body, json };
}

// Sends bytes as they are on a new connection and waits, at most timeoutMs,
// for a whole response or the server's close: {response (parseResponse, or
// null), closed, ms}. The connection is left open on the client's side, as a
// slow client would.
export async function rawExchange(port, bytes, { localAddress, timeoutMs = 20000 } = {}) {
  const sock = await rawConnect(port, { localAddress });
  const t0 = Date.now();
  sock.write(bytes);
  const complete = () => {
    const r = parseResponse(sock.received);
    return r && r.headers['content-length'] !== undefined && Buffer.byteLength(r.body) >= Number(r.headers['content-length']);
  };
  let closed = false;
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const check = () => { if (complete()) { clearTimeout(timer); resolve(); } };
    sock.on('data', check);
    sock.ended.then(() => { closed = true; clearTimeout(timer); resolve(); });
  });
  sock.destroy();
  return { response: parseResponse(sock.received), closed, ms: Date.now() - t0 };
}

// The value of a counter or gauge of GET /metrics.
// Every byte the database of srv holds, as latin1 text (so UTF-8 can be
// searched byte for byte): the file and its WAL (SQLite), or every table's
// rows (PostgreSQL). For checks that something is stored only sealed.
export const latin1 = (s) => Buffer.from(s, 'utf8').toString('latin1');
export async function storedText(srv) {
  if (srv.isSqlite) {
    return ['', '-wal'].map((s) => (fs.existsSync(srv.dbPath + s) ? fs.readFileSync(srv.dbPath + s).toString('latin1') : '')).join('\n');
  }
  const tables = (await runPsql(srv.dbUrl, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).trim().split('\n');
  let all = '';
  for (const t of tables) all += await runPsql(srv.dbUrl, `SELECT t::text FROM "${t}" t`);
  return latin1(all);
}

export async function metric(srv, name) {
  const r = await srv.api('GET', '/metrics');
  const m = r.text.match(new RegExp(`^${name} (\\d+)$`, 'm'));
  if (!m) throw new Error(`metric ${name} not in /metrics: ${r.status} ${r.text.slice(0, 500)}`);
  return Number(m[1]);
}

// Polls until pred() resolves truthy (readiness, not a fixed wait), at most timeoutMs.
export async function until(pred, what, { timeoutMs = 20000, everyMs = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function describe(r) {
  return `${r.status} ${r.text && r.text.length > 1500 ? `${r.text.slice(0, 1500)}…` : r.text}`;
}

// A server on a database initialised with `redress init --pack NAME` (not the
// demo), its users [username, roles, unit] added through the API.
export class PackServer extends Server {
  constructor(pack, users) { super({ command: 'serve' }); this.pack = pack; this.users = users; this.inited = false; }
  async spawnServer(command) {
    if (!this.inited) {
      const r = await runCli(['init', '--pack', this.pack, '--db', this.dbUrl, '--admin-password', DEMO_PASSWORD]);
      if (r.code !== 0) throw new Error(`init --pack ${this.pack}: ${r.stderr}`);
      this.inited = true;
    }
    await super.spawnServer(command);
    for (const [username, roles, unit] of this.users) {
      const r = await this.as('admin', 'POST', '/users', { body: { username, name: username, password: DEMO_PASSWORD, roles, unit } });
      if (r.status !== 201 && r.status !== 409) throw new Error(`user ${username}: ${r.status} ${r.text}`);
    }
  }

  // A complaint taken in by user "agent" (intake body), dispatched to unit and accepted there by "handler".
  async processing(unit, body) {
    const c = await this.intake('agent', { subject_unit: unit, subject_staff: null, place: null, ...body });
    await this.step('agent', c.id, 'dispatch', { unit });
    await this.step('handler', c.id, 'accept', {});
    return c;
  }
}

// A pack without closing.SECTION (utility) has none of its actions: on a
// processing complaint GET /config serves the section as null, action is
// offered to nobody, and taking it is refused (409 naming the section).
// Throws what differs.
export async function withoutClosingSection(section, action, fields) {
  const s = new PackServer('utility', [['agent', ['agent'], 'CITY-CSC'], ['handler', ['handler'], 'CITY-E-01'],
    ['mgr', ['manager'], 'CITY']]);
  const check = (ok, what) => { if (!ok) throw new Error(`without closing.${section}: ${what}`); };
  try {
    await s.start();
    const c = await s.processing('CITY-E-01', { customer: { class: 'resident' }, category: 'billing.wrong' });
    check((await s.as('agent', 'GET', '/config')).json.closing[section] === null, 'GET /config serves it');
    for (const who of ['handler', 'mgr'])
      check(!(await s.actions(c.id, who)).items.some((a) => a.action === action), `${action} offered to ${who}`);
    const r = await s.act('handler', c.id, action, fields);
    check(r.status === 409 && errorOf(r).message.includes(`closing.${section}`), `${action}: ${r.status} ${r.text}`);
  } finally {
    await s.stop();
    await s.cleanup();
  }
}

// An HTTP server on a free port standing in for a webhook's receiver: it
// records each request as {path, headers, raw, json, verified} (verified:
// its X-Redress-Signature is HMAC-SHA256 under secret of the timestamp, a
// dot and the body) and answers statusOf(path). Closed after the file's tests.
export async function webhookSink(secret, statusOf = () => 200) {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const ts = req.headers['x-redress-timestamp'];
      const want = 'sha256=' + crypto.createHmac('sha256', secret).update(`${ts}.${raw}`).digest('hex');
      received.push({ path: req.url, headers: req.headers, raw, json: JSON.parse(raw), verified: req.headers['x-redress-signature'] === want });
      res.statusCode = statusOf(req.url);
      res.end(res.statusCode === 200 ? '{"errcode":0}' : 'down');
    });
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  after(() => { server.closeAllConnections(); server.close(); });
  return { received, url: (p) => `http://127.0.0.1:${port}${p}` };
}

// Answers when something accepts a connection on the port and its greeting starts with prefix
// ('220' for SMTP, '* OK' for IMAP): a server started by a test is ready.
export function greets(port, prefix = '220') {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setTimeout(2000);
    s.once('data', (d) => { s.destroy(); resolve(d.toString().startsWith(prefix)); });
    s.once('error', () => resolve(false));
    s.once('timeout', () => { s.destroy(); resolve(false); });
  });
}
