// Attachments (docs/api.md "Attachments"): evidence uploaded as multipart or
// as a raw body, typed by its content, sealed with the complaint's key at
// rest, downloaded with headers that never let a browser run it, listed and
// removed as events of the complaint's history, limited per file (413) and
// per complaint (422), hidden outside the caller's scope, shredded with the
// customer's data, and checked by redress verify.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { useServer, runCli, runPsql, describe, rfc3339, ON_SPOT_VALID } from './lib.mjs';

const MAX_FILE = 300000;
const MAX_TOTAL = 700000;
// No background merge of the search index: `redress copy` below reads the
// database the server serves, which must not change meanwhile (docs/operations.md).
const srv = useServer({ env: { REDRESS_ATTACHMENT_MAX_BYTES: String(MAX_FILE), REDRESS_ATTACHMENT_TOTAL_MAX_BYTES: String(MAX_TOTAL),
  REDRESS_SEARCH_MERGE_INTERVAL: '0' } });

// A valid 1×1 PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
// A marker to look for on disk: a PDF whose body holds it in clear.
const secretPdf = (marker) => Buffer.concat([PDF, Buffer.from(`% ${marker} ${'x'.repeat(2000)}\n`)]);

function multipart(files, boundary = '----redressTest7d9') {
  const parts = [];
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field || 'file'}"; filename="${f.name}"\r\n` +
      `Content-Type: ${f.type || 'application/octet-stream'}\r\n\r\n`));
    parts.push(f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { raw: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(who, id, files) {
  const { raw, headers } = multipart(files);
  return srv.as(who, 'POST', `/complaints/${id}/attachments`, { raw, headers });
}

async function uploadRaw(who, id, name, data, type = 'application/octet-stream') {
  return srv.as(who, 'POST', `/complaints/${id}/attachments?name=${encodeURIComponent(name)}`,
    { raw: data, headers: { 'content-type': type } });
}

async function download(who, attId, headers = {}) {
  const token = await srv.login(who);
  const res = await fetch(srv.url(`/attachments/${attId}`), { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

srv.test('multipart and raw uploads round trip with the right sha256, and are listed and in the timeline', async () => {
  const c = await srv.intake('agent1');
  const r = await upload('agent1', c.id, [{ name: '小票.png', data: PNG, type: 'image/png' }]);
  assert.equal(r.status, 201, describe(r));
  assert.deepEqual(Object.keys(r.json).sort(), ['id', 'name', 'sha256', 'size', 'type']);
  assert.equal(r.json.name, '小票.png');
  assert.equal(r.json.type, 'image/png');
  assert.equal(r.json.size, PNG.length);
  assert.equal(r.json.sha256, sha(PNG));
  const d = await download('agent1', r.json.id);
  assert.equal(d.status, 200);
  assert.deepEqual(d.bytes, PNG);
  assert.equal(d.headers.get('content-type'), 'image/png');
  assert.equal(d.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(d.headers.get('content-security-policy'), "default-src 'none'; sandbox");
  assert.match(d.headers.get('content-disposition'), /^inline; filename="[^"]*"; filename\*=UTF-8''%E5%B0%8F%E7%A5%A8\.png$/);

  const raw = await uploadRaw('agent1', c.id, 'letter.pdf', PDF, 'application/pdf');
  assert.equal(raw.status, 201, describe(raw));
  assert.equal(raw.json.type, 'application/pdf');
  assert.equal(raw.json.sha256, sha(PDF));
  assert.deepEqual((await download('agent1', raw.json.id)).bytes, PDF);

  // Several files at once: {"items": […]}.
  const two = await upload('agent1', c.id, [{ name: 'a.png', data: PNG }, { name: 'b.pdf', data: PDF }]);
  assert.equal(two.status, 201, describe(two));
  assert.deepEqual(two.json.items.map((x) => x.type), ['image/png', 'application/pdf']);

  const list = await srv.as('agent1', 'GET', `/complaints/${c.id}/attachments`);
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.items.map((x) => x.id).sort(), [r.json.id, raw.json.id, ...two.json.items.map((x) => x.id)].sort());
  const ev = await srv.as('agent1', 'GET', `/complaints/${c.id}/events`);
  const attaches = ev.json.items.filter((e) => e.action === 'attach');
  assert.equal(attaches.length, 4, JSON.stringify(ev.json.items.map((e) => e.action)));
});

srv.test('the type is the content\'s: a PNG named .txt is image/png; HTML and SVG are refused and never inline', async () => {
  const c = await srv.intake('agent1');
  const r = await upload('agent1', c.id, [{ name: 'notes.txt', data: PNG, type: 'text/plain' }]);
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.type, 'image/png');
  for (const [name, data] of [['x.png', Buffer.from('<!doctype html><html><script>alert(1)</script></html>')],
    ['x.svg', Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')]]) {
    const bad = await upload('agent1', c.id, [{ name, data, type: 'image/png' }]);
    assert.equal(bad.status, 415, describe(bad));
    assert.equal(bad.json.error.field, 'file');
    assert.equal(bad.json.error.code, 'unsupported_type');
  }
});

srv.test('a file over the per-file limit is 413 and a complaint over its total is 422, each naming its limit', async () => {
  const c = await srv.intake('agent1');
  const big = Buffer.concat([PDF, Buffer.alloc(MAX_FILE, 0x20)]);
  const r = await uploadRaw('agent1', c.id, 'big.pdf', big);
  assert.equal(r.status, 413, describe(r));
  assert.equal(r.json.error.code, 'file_too_large');
  assert.equal(r.json.error.field, 'file');
  assert.match(r.json.error.message, new RegExp(String(MAX_FILE)));
  const part = Buffer.concat([PDF, Buffer.alloc(MAX_FILE - PDF.length - 10, 0x20)]);
  const p1 = await uploadRaw('agent1', c.id, 'p1.pdf', part);
  assert.equal(p1.status, 201);
  // Several sealed chunks, read back as the reply is sent.
  const back = await download('agent1', p1.json.id);
  assert.equal(back.status, 200);
  assert.equal(sha(back.bytes), sha(part));
  assert.equal(back.headers.get('content-type'), 'application/pdf');
  assert.equal((await uploadRaw('agent1', c.id, 'p2.pdf', part)).status, 201);
  const over = await uploadRaw('agent1', c.id, 'p3.pdf', part);
  assert.equal(over.status, 422, describe(over));
  assert.equal(over.json.error.code, 'attachments_limit');
  assert.equal(over.json.error.field, 'file');
  assert.match(over.json.error.message, new RegExp(String(MAX_TOTAL)));
  // Nothing of a refused upload is listed.
  const list = await srv.as('agent1', 'GET', `/complaints/${c.id}/attachments`);
  assert.equal(list.json.items.length, 2);
});

srv.test('outside the caller\'s scope a complaint\'s attachments are 404, and a download is an audit entry', async () => {
  const c = await srv.intake('agent1');
  const r = await upload('agent1', c.id, [{ name: 'a.png', data: PNG }]);
  assert.equal(r.status, 201);
  // handler2 works at another site (demo data): outside the complaint's scope.
  const users = (await srv.as('admin', 'GET', '/users')).json.items;
  const outsider = users.find((u) => u.roles.includes('handler') && u.unit && u.unit.code !== 'SH-PD-01' && !/^(HQ|SH|SH-PD)$/.test(u.unit.code));
  assert.ok(outsider, 'a handler outside the subject unit');
  assert.equal((await srv.as(outsider.username, 'GET', `/complaints/${c.id}/attachments`)).status, 404);
  assert.equal((await download(outsider.username, r.json.id)).status, 404);
  assert.equal((await upload(outsider.username, c.id, [{ name: 'b.png', data: PNG }])).status, 404);
  assert.equal((await download('agent1', r.json.id)).status, 200);
  const audit = await srv.as('auditor1', 'GET', '/audit?action=attachment_download');
  assert.equal(audit.status, 200, describe(audit));
  assert.ok(audit.json.items.some((e) => e.subject === `complaint:${c.id}` && e.detail.attachment === r.json.id),
    JSON.stringify(audit.json.items.slice(0, 3)));
});

srv.test('audio answers ranges with 206', async () => {
  const c = await srv.intake('agent1');
  // A WAV header and silence.
  const n = 8000;
  const wav = Buffer.alloc(44 + n);
  wav.write('RIFF', 0); wav.writeUInt32LE(36 + n, 4); wav.write('WAVE', 8); wav.write('fmt ', 12);
  wav.writeUInt32LE(16, 16); wav.writeUInt16LE(1, 20); wav.writeUInt16LE(1, 22); wav.writeUInt32LE(8000, 24);
  wav.writeUInt32LE(8000, 28); wav.writeUInt16LE(1, 32); wav.writeUInt16LE(8, 34); wav.write('data', 36); wav.writeUInt32LE(n, 40);
  for (let i = 0; i < n; i++) wav[44 + i] = i & 0xff;
  const r = await uploadRaw('agent1', c.id, '录音.wav', wav);
  assert.equal(r.status, 201, describe(r));
  assert.match(r.json.type, /^audio\//);
  const d = await download('agent1', r.json.id, { range: 'bytes=100-199' });
  assert.equal(d.status, 206);
  assert.equal(d.headers.get('content-range'), `bytes 100-199/${wav.length}`);
  assert.deepEqual(d.bytes, wav.subarray(100, 200));
  assert.equal((await download('agent1', r.json.id, { range: `bytes=${wav.length + 5}-` })).status, 416);
});

srv.test('a removal is an event with who and why, and the bytes are gone', async () => {
  const c = await srv.intake('agent1');
  const r = await upload('agent1', c.id, [{ name: 'wrong.png', data: PNG }]);
  const noReason = await srv.as('agent1', 'DELETE', `/attachments/${r.json.id}`, { body: {} });
  assert.equal(noReason.status, 422);
  assert.equal(noReason.json.error.field, 'reason');
  const del = await srv.as('agent1', 'DELETE', `/attachments/${r.json.id}`, { body: { reason: '上传错了文件' } });
  assert.equal(del.status, 200, describe(del));
  assert.equal(del.json.removed.reason, '上传错了文件');
  assert.equal(del.json.removed.by.username, 'agent1');
  assert.equal((await download('agent1', r.json.id)).status, 410);
  const list = await srv.as('agent1', 'GET', `/complaints/${c.id}/attachments`);
  assert.ok(list.json.items[0].removed);
  const ev = await srv.as('agent1', 'GET', `/complaints/${c.id}/events`);
  assert.ok(ev.json.items.some((e) => e.action === 'detach'));
  assert.equal((await srv.as('agent1', 'DELETE', `/attachments/${r.json.id}`, { body: { reason: 'again' } })).status, 409);
});

// Every byte stored: the database (and its WAL) and the files beside it, or every table's rows.
async function storedBytes() {
  if (srv.isSqlite) {
    const files = [srv.dbPath, `${srv.dbPath}-wal`];
    const dir = `${srv.dbPath}.files`;
    if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir)) if (f !== 'tmp') files.push(path.join(dir, f));
    return Buffer.concat(files.filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
  }
  const tables = (await runPsql(srv.dbUrl, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).trim().split('\n');
  let all = '';
  for (const t of tables) all += await runPsql(srv.dbUrl, `SELECT t::text FROM "${t}" t`);
  return Buffer.from(all, 'utf8');
}

srv.test('files are sealed at rest, and erasing the customer\'s data shreds them', async () => {
  const phone = `139${String(Date.now()).slice(-8)}`;
  const c = await srv.intake('agent1', { customer: { name: '李四', phone } });
  const marker = `EVIDENCE-${crypto.randomBytes(6).toString('hex')}`;
  const r = await uploadRaw('agent1', c.id, 'invoice.pdf', secretPdf(marker));
  assert.equal(r.status, 201, describe(r));
  let stored = await storedBytes();
  assert.ok(!stored.includes(marker), 'the clear bytes are nowhere at rest');
  assert.ok(!stored.includes(Buffer.from(marker).toString('hex')), 'not even as hex');
  if (srv.isSqlite) assert.ok(fs.existsSync(path.join(`${srv.dbPath}.files`, (await blobOf(r.json.id)))));
  const er = await srv.as('super1', 'POST', '/customers/erase', { body: { phone, confirm: true } });
  assert.equal(er.status, 200, describe(er));
  assert.equal((await download('super1', r.json.id)).status, 410);
  const list = await srv.as('super1', 'GET', `/complaints/${c.id}/attachments`);
  assert.equal(list.json.items[0].name, '***');
  assert.equal(list.json.items[0].sha256, '');
  if (srv.isSqlite) {
    const left = fs.readdirSync(`${srv.dbPath}.files`).filter((f) => f !== 'tmp');
    assert.ok(!left.includes(await blobOf(r.json.id)), 'the sealed file is gone');
  } else {
    const n = await runPsql(srv.dbUrl, `SELECT count(*) FROM attachment_chunks WHERE blob = (SELECT blob FROM attachments WHERE id = '${r.json.id}')`);
    assert.equal(n.trim(), '0');
  }
  stored = await storedBytes();
  assert.ok(!stored.includes(marker));
});

srv.test('the retention policy shreds a closed complaint\'s files with its customer data', async () => {
  const c = await srv.intake('agent1');
  const r = await uploadRaw('agent1', c.id, 'receipt.pdf', PDF);
  assert.equal(r.status, 201, describe(r));
  const closed = await srv.step('agent1', c.id, 'answer', { answer: '当场答复', ...ON_SPOT_VALID });
  assert.equal(closed.status, 'closed');
  const blob = await blobOf(r.json.id);
  const later = rfc3339(new Date(Date.parse(closed.closed_at) + 31 * 86400e3));
  const ret = await runCli(['retention', '--db', srv.dbUrl, '--days', '30', '--now', later]);
  assert.equal(ret.code, 0, ret.stderr);
  assert.ok(ret.stdout.includes(`anonymised ${c.number}`), ret.stdout);
  assert.equal((await download('agent1', r.json.id)).status, 410);
  if (srv.isSqlite) assert.ok(!fs.existsSync(path.join(`${srv.dbPath}.files`, blob)), 'the sealed file is gone');
  else assert.equal((await runPsql(srv.dbUrl, `SELECT count(*) FROM attachment_chunks WHERE blob = '${blob}'`)).trim(), '0');
});

async function blobOf(id) {
  const { runSqlite } = await import('./lib.mjs');
  if (srv.isSqlite) return (await runSqlite(srv.dbPath, `SELECT blob FROM attachments WHERE id = '${id}'`)).trim();
  return (await runPsql(srv.dbUrl, `SELECT blob FROM attachments WHERE id = '${id}'`)).trim();
}

srv.test('redress copy moves the files into the target\'s place, and a backup takes them beside it', async () => {
  const c = await srv.intake('agent1');
  const r = await uploadRaw('agent1', c.id, 'copy.pdf', PDF);
  assert.equal(r.status, 201);
  const target = `sqlite:${path.join(srv.tmp, `copy-${Date.now()}.db`)}`;
  const cp = await runCli(['copy', '--from', srv.dbUrl, '--to', target], { timeoutMs: 120000 });
  assert.equal(cp.code, 0, cp.stdout + cp.stderr);
  assert.match(cp.stdout, /verified: \d+ attachments on the target, every file's hash intact/);
  const blob = await blobOf(r.json.id);
  assert.ok(fs.existsSync(`${target.slice('sqlite:'.length)}.files/${blob}`), 'the sealed file is in the target\'s directory');
  const v = await runCli(['verify', '--db', target]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  if (srv.isSqlite) {
    const file = path.join(srv.tmp, `backup-${Date.now()}.db`);
    const b = await runCli(['backup', '--db', srv.dbUrl, file]);
    assert.equal(b.code, 0, b.stdout + b.stderr);
    assert.ok(fs.existsSync(`${file}.files/${blob}`));
    const vb = await runCli(['verify', '--db', `sqlite:${file}`]);
    assert.equal(vb.code, 0, vb.stdout + vb.stderr);
    assert.match(vb.stdout, /[1-9]\d* attachments, every file's hash intact/);
    // A restore puts the files back beside the restored database.
    const restored = path.join(srv.tmp, `restored-${Date.now()}.db`);
    const rs = await runCli(['restore', file, '--db', `sqlite:${restored}`]);
    assert.equal(rs.code, 0, rs.stdout + rs.stderr);
    assert.ok(fs.existsSync(`${restored}.files/${blob}`));
    const vr = await runCli(['verify', '--db', `sqlite:${restored}`]);
    assert.equal(vr.code, 0, vr.stdout + vr.stderr);
  }
});

srv.test('redress verify notices a changed file', async () => {
  const c = await srv.intake('agent1');
  const r = await uploadRaw('agent1', c.id, 'v.pdf', PDF);
  assert.equal(r.status, 201);
  const ok = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout + ok.stderr, /attachment/);
  const blob = await blobOf(r.json.id);
  if (srv.isSqlite) {
    const f = path.join(`${srv.dbPath}.files`, blob);
    const b = fs.readFileSync(f);
    b[b.length - 3] ^= 1;
    fs.chmodSync(f, 0o600);
    fs.writeFileSync(f, b);
  } else {
    await runPsql(srv.dbUrl, `UPDATE attachment_chunks SET data = overlay(data placing '\\x00'::bytea from 40 for 1) WHERE blob = '${blob}'`);
  }
  const bad = await runCli(['verify', '--db', srv.dbUrl]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stdout + bad.stderr, new RegExp(r.json.id));
});
