// Ledger import (台账, `redress import`): a generated ledger with good rows
// and bad rows of every kind, as CSV and as XLSX; the dry run's report of
// (row, column, reason); the import's summary and exit status; a re-run
// adds nothing; an import killed with SIGKILL mid-way resumes; the reports
// of an imported month equal a count made here over the file; every
// imported complaint has its import event; `redress verify` passes. On
// SQLite, or on PostgreSQL with REDRESS_TEST_DB_URL.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, REPO_ROOT, useServer, runCli, until } from './lib.mjs';
import { writeXlsx } from './xlsxw.mjs';

const srv = useServer();
const TZ = 480; // the gas-station pack's Asia/Shanghai

const MAPPING = {
  key: '编号',
  fields: {
    received_at: '受理时间', channel: '渠道', 'customer.name': '客户姓名', 'customer.phone': '联系电话',
    subject_unit: '被投诉单位', category: '投诉类别', description: '投诉内容', closed_at: '结案时间', nature: '性质',
    on_time: '是否及时',
  },
  values: {
    channel: { 电话: 'phone', 来信: 'letter', 来访: 'walk_in', 网站: 'website' },
    category: { 服务态度: 'service.attitude', 服务过失: 'service.fault', 加油效率: 'service.efficiency' },
    nature: { 有效: 'valid', 无效: 'invalid', 建议: 'suggestion' },
  },
  defaults: { 'customer.class': 'ordinary' },
  formats: { received_at: ['%Y/%m/%d %H:%M', '%Y年%m月%d日 %H:%M'], closed_at: '%Y-%m-%d %H:%M' },
};
const HEADER = ['编号', '受理时间', '渠道', '客户姓名', '联系电话', '被投诉单位', '投诉类别', '投诉内容', '结案时间', '性质', '是否及时'];
const CHANNELS = ['电话', '来信', '来访', '网站'];
const UNITS = ['SH-PD-01', 'SH-PD-02', 'SH-MH-03'];
const CATS = ['服务态度', '服务过失', '加油效率'];
const NATURES = ['有效', '无效', '建议'];

const pad = (n, w = 2) => String(n).padStart(w, '0');
// The local wall-clock parts of an instant.
function local(ms) {
  const d = new Date(ms + TZ * 60e3);
  return { y: d.getUTCFullYear(), m: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()), H: pad(d.getUTCHours()), M: pad(d.getUTCMinutes()) };
}
const slashed = (ms) => { const t = local(ms); return `${t.y}/${t.m}/${t.d} ${t.H}:${t.M}`; };
const chinese = (ms) => { const t = local(ms); return `${t.y}年${t.m}月${t.d}日 ${t.H}:${t.M}`; };
const dashed = (ms) => { const t = local(ms); return `${t.y}-${t.m}-${t.d} ${t.H}:${t.M}`; };
const month = (ms) => { const t = local(ms); return `${t.y}-${t.m}`; };

// The faults a row can carry, each with the column the report must name.
const FAULTS = [
  ['bad date', '受理时间', (r) => { r.cells[1] = '2024-13-45'; }],
  ['unknown channel', '渠道', (r) => { r.cells[2] = '信鸽'; }],
  ['unknown nature', '性质', (r) => { r.closed = true; r.cells[8] = dashed(r.at + 3600e3); r.cells[9] = '不明'; r.cells[10] = '是'; }],
  ['empty key', '编号', (r) => { r.cells[0] = ''; }],
  ['unknown unit', '被投诉单位', (r) => { r.cells[5] = 'NO-SUCH-UNIT'; }],
  ['closed before received', '结案时间', (r) => { r.closed = true; r.cells[8] = dashed(r.at - 86400e3); r.cells[9] = '有效'; r.cells[10] = '是'; }],
  ['received in the future', '受理时间', (r) => { r.cells[1] = slashed(Date.now() + 30 * 86400e3); }],
  ['on time neither yes nor no', '是否及时', (r) => { r.closed = true; r.cells[8] = dashed(r.at + 3600e3); r.cells[9] = '有效'; r.cells[10] = '也许'; }],
  ['closing time without a nature', '性质', (r) => { r.closed = true; r.cells[8] = dashed(r.at + 3600e3); r.cells[9] = ''; r.cells[10] = ''; }],
  ['unknown category', '投诉类别', (r) => { r.cells[6] = '天气'; }],
];

// n rows received in year `year` (local), keys prefixed; every `every`-th row
// (from `every` on) broken by the next fault in turn. Returns the rows (with
// what each should become) and the faults by row number (the header is row 1).
function ledger({ n, year, prefix, every = 0 }) {
  const rows = [], bad = new Map();
  const start = Date.parse(`${year}-01-01T00:00:00+08:00`);
  for (let i = 1; i <= n; i++) {
    const at = start + ((i * 7919) % (360 * 24 * 60)) * 60e3;
    const closed = i % 3 !== 0;
    const close = at + ((i * 37) % 400 + 1) * 3600e3;
    const r = {
      at, closed, close, nature: ['valid', 'invalid', 'suggestion'][Math.floor(i / 3) % 3], onTime: i % 4 !== 0,
      cells: [`${prefix}${pad(i, 6)}`, i % 2 ? slashed(at) : chinese(at), CHANNELS[i % 4], `客户${i}`, `138${pad(i, 8)}`,
        UNITS[i % 3], CATS[i % 3], `台账第${i}条：服务问题，要求处理。`, closed ? dashed(close) : '',
        closed ? NATURES[Math.floor(i / 3) % 3] : '', closed ? (i % 4 ? '是' : '否') : ''],
    };
    if (every && i % every === 0) {
      const [what, column, spoil] = FAULTS[(i / every - 1) % FAULTS.length];
      spoil(r);
      bad.set(i + 1, { what, column });
    }
    rows.push(r);
  }
  return { rows, bad };
}

const csvCell = (v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
function toCsv(rows) {
  return '\ufeff' + [HEADER, ...rows.map((r) => r.cells)].map((cs) => cs.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

// The ledger as XLSX: receipt and closing as date cells (both styles), the
// key and the description as inline strings, the rest as shared strings.
function toXlsx(rows) {
  return writeXlsx([HEADER, ...rows.map((r, i) => r.cells.map((v, c) => {
    const m = c === 1 && /^(\d{4})[/年](\d\d)[/月](\d\d)日? (\d\d):(\d\d)$/.exec(v);
    if (m) return { date: new Date(Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00+08:00`)), cn: i % 2 === 1 };
    if (c === 8 && v && /^\d{4}-\d\d-\d\d \d\d:\d\d$/.test(v)) return { date: new Date(Date.parse(`${v.replace(' ', 'T')}:00+08:00`)) };
    if (c === 0 || c === 7) return v ? { inline: v } : null;
    return v;
  }))], TZ);
}

let dir;
function files() {
  if (!dir) {
    dir = fs.mkdtempSync(path.join(srv.tmp || '/tmp', 'import-'));
    fs.writeFileSync(path.join(dir, 'mapping.json'), JSON.stringify(MAPPING));
  }
  return dir;
}
const importCli = (file, ...more) =>
  runCli(['import', '--db', srv.dbUrl, file, '--mapping', path.join(files(), 'mapping.json'), ...more], { timeoutMs: 300000 });
const summary = (r) => {
  const m = /imported (\d+), skipped (\d+), failed (\d+)/.exec(r.stdout);
  assert.ok(m, `no summary line:\n${r.stdout}\n${r.stderr}`);
  return { imported: +m[1], skipped: +m[2], failed: +m[3] };
};

// What the reports must say, counted here from the rows that are good.
function expected(rows, bad) {
  const byMonth = {};
  rows.forEach((r, i) => {
    if (bad.has(i + 2)) return;
    const m = (byMonth[month(r.at)] ||= { received: 0, closed: 0, closedValid: 0, onTimeValid: 0 });
    m.received++;
    if (r.closed) {
      m.closed++;
      if (r.nature === 'valid') { m.closedValid++; if (r.onTime) m.onTimeValid++; }
    }
  });
  return byMonth;
}

async function report(indicator, year) {
  const r = await runCli(['report', indicator, '--db', srv.dbUrl, '--from', `${year}-01-01`, '--to', `${year}-12-31`,
    '--period', 'month', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = {};
  for (const it of JSON.parse(r.stdout).items) out[it.group.period] = it;
  return out;
}

async function assertReports(rows, bad, year) {
  const want = expected(rows, bad);
  const [received, closed, onTime] = [await report('received', year), await report('closed', year), await report('on_time_rate', year)];
  for (const [m, w] of Object.entries(want)) {
    assert.equal(received[m]?.value ?? 0, w.received, `received in ${m}`);
    assert.equal(closed[m]?.value ?? 0, w.closed, `closed in ${m}`);
    assert.equal(onTime[m]?.numerator ?? 0, w.onTimeValid, `closed on time (valid) in ${m}`);
    assert.equal(onTime[m]?.denominator ?? 0, w.closedValid, `closed valid in ${m}`);
  }
  const total = Object.values(received).reduce((s, it) => s + it.value, 0);
  assert.equal(total, Object.values(want).reduce((s, w) => s + w.received, 0), `received in ${year}`);
}

async function assertVerified() {
  const v = await runCli(['verify', '--db', srv.dbUrl], { timeoutMs: 300000 });
  assert.equal(v.code, 0, `${v.stdout}\n${v.stderr}`);
}

srv.test('a CSV ledger: the dry run reports every bad row by row and column, the import takes the rest, a re-run adds nothing, the reports of its months match the file', async () => {
  const { rows, bad } = ledger({ n: 300, year: 2024, prefix: 'C', every: 7 });
  const csv = path.join(files(), '2024 ledger.csv');
  fs.writeFileSync(csv, toCsv(rows));
  const good = rows.length - bad.size;

  const dry = await importCli(csv, '--dry-run', '--report', path.join(files(), 'problems.csv'));
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(summary(dry), { imported: good, skipped: 0, failed: bad.size });
  const problems = fs.readFileSync(path.join(files(), 'problems.csv'), 'utf8').replace(/^\ufeff/, '').trim().split(/\r?\n/).slice(1);
  const got = new Map(problems.map((l) => { const [row, column] = l.split(','); return [Number(row), column]; }));
  assert.deepEqual([...got.keys()].sort((a, b) => a - b), [...bad.keys()]);
  for (const [row, { what, column }] of bad) assert.equal(got.get(row), column, `row ${row} (${what})`);
  assert.equal((await report('received', 2024))['2024-01'], undefined, 'a dry run stores nothing');

  const run = await importCli(csv);
  assert.equal(run.code, 1, 'rows failed: the exit status says so');
  assert.deepEqual(summary(run), { imported: good, skipped: 0, failed: bad.size });
  const again = await importCli(csv);
  assert.deepEqual(summary(again), { imported: 0, skipped: good, failed: bad.size });
  await assertReports(rows, bad, 2024);
  await assertVerified();

  // Each complaint names its file and row in an import event; a closed one is closed when the ledger says.
  const list = await srv.as('admin', 'GET', '/complaints?from=2024-01-01&to=2024-12-31&limit=20');
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.items.length > 0);
  for (const c of list.json.items.slice(0, 5)) {
    const ev = await srv.as('admin', 'GET', `/complaints/${c.id}/events`);
    const imp = ev.json.items.filter((e) => e.action === 'import');
    assert.equal(imp.length, 1, JSON.stringify(ev.json.items.map((e) => e.action)));
    const text = JSON.stringify(imp[0]);
    assert.match(text, /2024 ledger\.csv/);
    const row = Number(/"row":(\d+)/.exec(text)[1]);
    const r = rows[row - 2];
    assert.equal(Date.parse(c.received_at), r.at, `row ${row}: received_at`);
    assert.equal(['closed', 'archived'].includes(c.status), r.closed, `row ${row}: status ${c.status}`);
  }
});

srv.test('an XLSX ledger (shared and inline strings, date cells of two styles) imports as its CSV would', async () => {
  const { rows, bad } = ledger({ n: 200, year: 2023, prefix: 'X', every: 9 });
  const xlsx = path.join(files(), 'ledger-2023.csv'); // the name lies: the content decides
  fs.writeFileSync(xlsx, toXlsx(rows));
  const run = await importCli(xlsx, '--report', path.join(files(), 'x-problems.csv'));
  assert.deepEqual(summary(run), { imported: rows.length - bad.size, skipped: 0, failed: bad.size }, run.stderr);
  const problems = fs.readFileSync(path.join(files(), 'x-problems.csv'), 'utf8').replace(/^\ufeff/, '').trim().split(/\r?\n/).slice(1);
  assert.deepEqual(problems.map((l) => Number(l.split(',')[0])), [...bad.keys()]);
  await assertReports(rows, bad, 2023);
  await assertVerified();
});

srv.test('an import killed mid-way (SIGKILL) resumes: the re-run imports the rest, nothing twice', async () => {
  const { rows } = ledger({ n: 3000, year: 2022, prefix: 'K' });
  const csv = path.join(files(), 'big.csv');
  fs.writeFileSync(csv, toCsv(rows));
  const child = spawn(BIN, ['import', '--db', srv.dbUrl, csv, '--mapping', path.join(files(), 'mapping.json'), '--threads', '2'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  // The latest progress line counts rows stored (a batch is stored while the next is read).
  const imported = () => Number(([...err.matchAll(/\d+%: \d+ rows, (\d+) imported/g)].pop() || [0, 0])[1]);
  await until(() => imported() > 0, 'some rows imported', { timeoutMs: 120000 });
  child.kill('SIGKILL');
  await exited;
  const before = Object.values(await report('received', 2022)).reduce((s, it) => s + it.value, 0);
  assert.ok(before > 0 && before < rows.length, `killed after ${before} of ${rows.length} rows`);
  const rest = await importCli(csv);
  assert.equal(rest.code, 0, rest.stderr);
  assert.deepEqual(summary(rest), { imported: rows.length - before, skipped: before, failed: 0 });
  await assertReports(rows, new Map(), 2022);
  await assertVerified();
});

srv.test('a mapping or a file the import cannot use is refused before any row, naming what is wrong', async () => {
  const csv = path.join(files(), 'small.csv');
  fs.writeFileSync(csv, toCsv(ledger({ n: 3, year: 2021, prefix: 'S' }).rows));
  const bad = async (mapping, file = csv) => {
    fs.writeFileSync(path.join(files(), 'bad.json'), JSON.stringify(mapping));
    return runCli(['import', '--db', srv.dbUrl, file, '--mapping', path.join(files(), 'bad.json')]);
  };
  let r = await bad({ ...MAPPING, fields: { ...MAPPING.fields, 'customer.nmae': '客户姓名' } });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /fields\.customer\.nmae/);
  r = await bad({ ...MAPPING, fields: { ...MAPPING.fields, place: '地点' } });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /地点/);
  r = await bad({ ...MAPPING, formats: { received_at: '%Y/%q' } });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /formats\.received_at/);
  r = await bad({ ...MAPPING, colour: 'red' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /colour/);
  const broken = path.join(files(), 'broken.xlsx');
  fs.writeFileSync(broken, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64, 7)]));
  r = await bad(MAPPING, broken);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /zip|XLSX|archive/i);
  assert.equal((await report('received', 2021))['2021-01'], undefined, 'nothing stored');
});

srv.test('a mapping saved by name (PUT /import-mappings/{name}) is checked whole, listed, audited and used by `redress import --mapping NAME`', async () => {
  const put = (user, name, body) => srv.as(user, 'PUT', `/import-mappings/${encodeURIComponent(name)}`, { body });
  let r = await put('admin', '加油站台账', MAPPING);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, '加油站台账');
  assert.deepEqual(r.json.mapping.fields, MAPPING.fields);
  r = await put('super1', 'stations-2020', MAPPING);
  assert.equal(r.status, 200, r.text);
  assert.equal((await put('agent1', 'x', MAPPING)).status, 403);
  assert.equal((await srv.as('pd01', 'GET', '/import-mappings')).status, 403);
  for (const [body, field, status] of [
    [{ ...MAPPING, colour: 'red' }, 'colour', 400],
    [{ ...MAPPING, fields: { ...MAPPING.fields, 'customer.nmae': '客户姓名' } }, 'fields.customer.nmae', 400],
    [{ ...MAPPING, key: '' }, 'key', 422],
    [{ ...MAPPING, formats: { closed_at: '%Y-%q' } }, 'formats.closed_at', 422],
  ]) {
    r = await put('admin', 'bad', body);
    assert.equal(r.status, status, `${field}: ${r.text}`);
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await srv.as('admin', 'GET', '/import-mappings/bad')).status, 404, 'a refused mapping is not saved');
  assert.equal((await put('admin', 'a/b', MAPPING)).status, 404, 'a slash is no name');
  assert.equal((await put('admin', 'a b', MAPPING)).status, 400);
  const list = await srv.as('super1', 'GET', '/import-mappings');
  assert.deepEqual(list.json.items.map((m) => m.name).sort(), ['stations-2020', '加油站台账'].sort());
  assert.equal((await srv.as('admin', 'GET', '/import-mappings/nope')).status, 404);
  const audit = await srv.as('admin', 'GET', '/audit?action=import_mapping_put');
  assert.equal(audit.status, 200, audit.text);
  assert.ok(JSON.stringify(audit.json).includes('import_mapping:stations-2020'));

  const { rows } = ledger({ n: 12, year: 2020, prefix: 'N' });
  const csv = path.join(files(), 'named.csv');
  fs.writeFileSync(csv, toCsv(rows));
  const run = await runCli(['import', '--db', srv.dbUrl, csv, '--mapping', 'stations-2020']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(summary(run), { imported: 12, skipped: 0, failed: 0 });
  const none = await runCli(['import', '--db', srv.dbUrl, csv, '--mapping', 'no-such-mapping']);
  assert.equal(none.code, 2);
});

srv.test('a key twice in one file is imported once, the dry run says so too', async () => {
  const { rows } = ledger({ n: 6, year: 2019, prefix: 'D' });
  const twice = [...rows, { ...rows[1], cells: [...rows[1].cells] }, { ...rows[4], cells: [...rows[4].cells] }];
  twice[6].cells[7] = '同一编号的另一行';
  const csv = path.join(files(), 'twice.csv');
  fs.writeFileSync(csv, toCsv(twice));
  assert.deepEqual(summary(await importCli(csv, '--dry-run')), { imported: 6, skipped: 2, failed: 0 });
  const run = await importCli(csv);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(summary(run), { imported: 6, skipped: 2, failed: 0 });
  assert.equal(Object.values(await report('received', 2019)).reduce((s, it) => s + it.value, 0), 6);
  assert.deepEqual(summary(await importCli(csv)), { imported: 0, skipped: 8, failed: 0 });
});

// The page's way: the file uploaded to POST /imports with a saved mapping,
// its progress polled under a key of the page's choosing.
srv.test('uploaded to POST /imports: the dry run lists the bad rows, the import takes the rest, progress is told, roles and bad input refused', async () => {
  let r = await srv.as('admin', 'PUT', '/import-mappings/upload-ledger', { body: MAPPING });
  assert.equal(r.status, 200, r.text);
  const { rows, bad } = ledger({ n: 120, year: 2021, prefix: 'U', every: 11 });
  const good = rows.length - bad.size;
  const upload = (query, raw, who = 'admin') => srv.as(who, 'POST', `/imports?${query}`, { raw, headers: { 'content-type': 'text/csv' } });

  r = await upload('mapping=upload-ledger&dry_run=true&name=' + encodeURIComponent('2021 台账.csv') + '&progress=dry-0001-page', toCsv(rows));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.rows, r.json.imported, r.json.skipped, r.json.failed, r.json.dry_run, r.json.done],
    [rows.length, good, 0, bad.size, true, true]);
  assert.deepEqual(r.json.problems.map((p) => p.row), [...bad.keys()]);
  for (const p of r.json.problems) assert.equal(p.column, bad.get(p.row).column, `row ${p.row}`);
  assert.equal((await report('received', 2021))['2021-01'], undefined, 'a dry run stores nothing');
  let p = await srv.as('admin', 'GET', '/imports/progress/dry-0001-page');
  assert.equal(p.status, 200, p.text);
  assert.deepEqual([p.json.done, p.json.rows, p.json.fraction], [true, rows.length, 1]);
  p = await srv.as('super1', 'GET', '/imports/progress/dry-0001-page');
  assert.equal(p.status, 404, 'another user\'s import is not told');

  r = await upload('mapping=upload-ledger&name=2021.xlsx&progress=run-0001-page', toXlsx(rows));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.imported, r.json.skipped, r.json.failed, r.json.dry_run], [good, 0, bad.size, false]);
  r = await upload('mapping=upload-ledger', toCsv(rows));
  assert.deepEqual([r.json.imported, r.json.skipped], [0, good], 'the same rows again add nothing');
  await assertReports(rows, bad, 2021);
  const audit = await srv.as('admin', 'GET', '/audit?action=import');
  assert.ok(audit.text.includes('import:2021.xlsx'), 'the import is audited under its file');

  for (const [query, field] of [['mapping=nope', 'mapping'], ['mapping=upload-ledger&dry_run=maybe', 'dry_run'],
    ['mapping=upload-ledger&progress=x', 'progress']]) {
    r = await upload(query, toCsv(rows.slice(0, 3)));
    assert.ok(r.status === 400 || r.status === 422, `${query}: ${r.status} ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
  }
  r = await upload('mapping=upload-ledger', '');
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'file');
  r = await upload('mapping=upload-ledger', 'a,b\n1,2\n');
  assert.equal(r.status, 422, `a header without the mapping's columns: ${r.text}`);
  r = await upload('mapping=upload-ledger', toCsv(rows.slice(0, 3)), 'agent1');
  assert.equal(r.status, 403, r.text);
});
