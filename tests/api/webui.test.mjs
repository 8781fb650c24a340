// The web UI is built into the binary: `redress demo` run from any directory
// serves it at / with its content types, cache policy and security headers
// (and HEAD); a directory given with --web-root overrides it; a binary built
// without web/dist says so at /. Files and API reads keep the connection
// open for the next request.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, test } from 'node:test';
import { BIN, DEMO_PASSWORD, REPO_ROOT, freePort, rawConnect, parseResponse, sleep } from './lib.mjs';

const DIST = path.join(REPO_ROOT, 'web', 'dist');
// The binary carries what web/dist held when it was built (make web, then make build).
const built = fs.existsSync(path.join(DIST, 'index.html'));

// A server started with cwd a fresh directory outside the source tree.
async function start(extra = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-webui-'));
  const port = await freePort();
  const env = { ...process.env, REDRESS_SWEEP_INTERVAL: '0' };
  delete env.REDRESS_WEB_ROOT;
  const child = spawn(BIN, ['demo', '--db', `sqlite:${dir}/w.db`, '--listen', `127.0.0.1:${port}`,
    '--demo-password', DEMO_PASSWORD, ...extra], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  for (const t0 = Date.now(); ;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${log}`);
    try {
      if ((await fetch(`${base}/api/v1/health`)).status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() - t0 > 60000) throw new Error(`server not up: ${log}`);
    await sleep(100);
  }
  return {
    dir, port, base,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let srv;
before(async () => { srv = await start(); });
after(async () => { await srv.stop(); });

const SECURITY = ['x-content-type-options', 'x-frame-options', 'content-security-policy', 'referrer-policy'];

test('/ and an asset come from the binary, run from another directory', { skip: !built && 'web/dist not built' }, async () => {
  const index = await fetch(`${srv.base}/`);
  assert.equal(index.status, 200);
  assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  for (const h of SECURITY) assert.ok(index.headers.get(h), h);
  const html = await index.text();
  assert.equal(html, fs.readFileSync(path.join(DIST, 'index.html'), 'utf8'));

  const src = html.match(/src="(\/assets\/[^"]+\.js)"/);
  assert.ok(src, 'index.html names its script');
  const asset = await fetch(`${srv.base}${src[1]}`);
  assert.equal(asset.status, 200);
  assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  for (const h of SECURITY) assert.ok(asset.headers.get(h), h);
  assert.deepEqual(Buffer.from(await asset.arrayBuffer()), fs.readFileSync(path.join(DIST, src[1])));

  // A path of the single-page app gets index.html; HEAD the same headers, no body.
  const route = await fetch(`${srv.base}/complaints/12`);
  assert.equal(route.status, 200);
  assert.equal(await route.text(), html);
  const head = await fetch(`${srv.base}${src[1]}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), asset.headers.get('content-length'));
  assert.equal(await head.text(), '');
});

test('a binary built without web/dist says so at /', { skip: built && 'web/dist is built' }, async () => {
  const r = await fetch(`${srv.base}/`);
  assert.equal(r.status, 200);
  assert.match(await r.text(), /built without its web UI/);
});

test('--web-root DIR overrides the UI built in', async () => {
  const ui = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-ui-'));
  fs.mkdirSync(path.join(ui, 'assets'));
  fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><html><title>mine</title></html>');
  fs.writeFileSync(path.join(ui, 'assets', 'a-1234.css'), 'body{}');
  const own = await start(['--web-root', ui]);
  try {
    const r = await fetch(`${own.base}/`);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /<title>mine<\/title>/);
    const css = await fetch(`${own.base}/assets/a-1234.css`);
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal(css.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(await css.text(), 'body{}');
  } finally {
    await own.stop();
    fs.rmSync(ui, { recursive: true, force: true });
  }
});

// A GET with exactly the Accept-Encoding given (fetch would add its own and decode).
async function rawGet(port, p, acceptEncoding) {
  const sock = await rawConnect(port);
  try {
    return await exchange(sock, `GET ${p} HTTP/1.1\r\nHost: t\r\n${acceptEncoding === undefined ? '' : `Accept-Encoding: ${acceptEncoding}\r\n`}\r\n`, true);
  } finally {
    sock.destroy();
  }
}

test('a browser that takes gzip gets the UI\'s files compressed at build, the same bytes once unzipped; others get them plain', { skip: !built && 'web/dist not built' }, async () => {
  const assets = fs.readdirSync(path.join(DIST, 'assets')).filter((f) => f.endsWith('.js') && fs.existsSync(path.join(DIST, 'assets', f + '.gz')));
  assert.ok(assets.length > 0, 'the build writes a gzip beside each script');
  const big = assets.map((f) => ({ f, n: fs.statSync(path.join(DIST, 'assets', f)).size })).sort((a, b) => b.n - a.n)[0].f;
  const plain = fs.readFileSync(path.join(DIST, 'assets', big));
  const zipped = await rawGet(srv.port, `/assets/${big}`, 'gzip, deflate, br');
  assert.equal(zipped.status, 200);
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.equal(zipped.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(zipped.headers.vary, 'Accept-Encoding');
  assert.equal(zipped.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.ok(Number(zipped.headers['content-length']) < plain.length / 2, `${zipped.headers['content-length']} of ${plain.length}`);
  assert.deepEqual(zlib.gunzipSync(zipped.bodyBytes), plain);
  for (const ae of [undefined, 'identity', 'gzip;q=0', 'x-gzip', 'br']) {
    const r = await rawGet(srv.port, `/assets/${big}`, ae);
    assert.equal(r.headers['content-encoding'], undefined, `Accept-Encoding ${ae}`);
    assert.equal(Number(r.headers['content-length']), plain.length, `Accept-Encoding ${ae}`);
    assert.equal(r.headers.vary, 'Accept-Encoding', 'a cache keeps the two apart');
  }
});

test('with --web-root, a file\'s .gz beside it is sent to a browser that takes gzip', async () => {
  const ui = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-ui-'));
  fs.mkdirSync(path.join(ui, 'assets'));
  fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>gz</title>');
  const css = 'body{color:red}'.repeat(200);
  fs.writeFileSync(path.join(ui, 'assets', 'b-1.css'), css);
  fs.writeFileSync(path.join(ui, 'assets', 'b-1.css.gz'), zlib.gzipSync(css));
  const own = await start(['--web-root', ui]);
  try {
    const z = await rawGet(own.port, '/assets/b-1.css', 'gzip');
    assert.equal(z.headers['content-encoding'], 'gzip');
    assert.equal(z.headers['content-type'], 'text/css; charset=utf-8');
    assert.equal(zlib.gunzipSync(z.bodyBytes).toString(), css);
    const p = await rawGet(own.port, '/assets/b-1.css');
    assert.equal(p.headers['content-encoding'], undefined);
    assert.equal(p.body, css);
  } finally {
    await own.stop();
    fs.rmSync(ui, { recursive: true, force: true });
  }
});

// One request at a time on one connection, as a browser's kept-alive one.
async function exchange(sock, request, bytes = false) {
  sock.received = Buffer.alloc(0);
  sock.write(request);
  for (const t0 = Date.now(); Date.now() - t0 < 20000; await sleep(10)) {
    const r = parseResponse(sock.received);
    const at = sock.received.indexOf('\r\n\r\n');
    const body = sock.received.subarray(at + 4);
    if (r && body.length >= Number(r.headers['content-length'])) return bytes ? { ...r, bodyBytes: body } : r;
  }
  throw new Error(`no whole reply to ${request.split('\r\n')[0]}`);
}

test('a file, the UI\'s fallback and an API read leave the connection open for the next request', async () => {
  const sock = await rawConnect(srv.port);
  try {
    for (const p of ['/', '/favicon.svg', '/complaints', '/api/v1/health', '/']) {
      const r = await exchange(sock, `GET ${p} HTTP/1.1\r\nHost: t\r\n\r\n`);
      assert.equal(r.status, 200, p);
      assert.notEqual(r.headers.connection, 'close', `${p} closed the connection`);
    }
  } finally {
    sock.destroy();
  }
});
