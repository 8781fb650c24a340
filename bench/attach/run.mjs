// Attachments on SQLite (docs/operations.md "Attachments"):
//   1. memory: how much a 20 MB upload grows the server's resident memory —
//      its peak (VmHWM, reset through /proc/PID/clear_refs just before) over
//      its resident size just before; median of RUNS uploads;
//   2. throughput: uploads of 100 KB a second, CLIENTS concurrent clients for
//      SECONDS seconds, each a durable 201 (file and directory synced, row
//      and event committed); median of RUNS runs, and the server's CPU time
//      (user + system) per upload over all of them.
// Usage: node bench/attach/run.mjs  (BIN=build/redress RUNS=5 SECONDS=10 CLIENTS=8)
// Prints RESULT lines; copy them into bench/RESULTS.md with the date and machine.
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BIN = process.env.BIN || 'build/redress';
const RUNS = Number(process.env.RUNS || 5);
const SECONDS = Number(process.env.SECONDS || 10);
const CLIENTS = Number(process.env.CLIENTS || 8);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-bench-attach-'));
const db = `sqlite:${path.join(tmp, 'bench.db')}`;
const env = { ...process.env, REDRESS_KEY_FILE: path.join(tmp, 'redress.key') };

const port = await new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const base = `http://127.0.0.1:${port}`;
execFileSync(BIN, ['demo', '--db', db, '--no-serve', '--demo-password', 'redress-demo'], { env, stdio: 'ignore' });
const server = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn',
  '--body-timeout', '120'], { env, stdio: 'inherit' });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const status = (key) => Number(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8').match(new RegExp(`${key}:\\s+(\\d+)`))[1]);

try {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/api/v1/health`)).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  const login = await (await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'agent1', password: 'redress-demo' }),
  })).json();
  const auth = { authorization: `Bearer ${login.token}` };
  const complaint = async () => {
    const r = await fetch(`${base}/api/v1/complaints`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'phone', customer: { name: '王先生', phone: `139${String(Math.random()).slice(2, 10)}`, class: 'ordinary' },
        subject_unit: 'SH-PD-01', category: 'service.attitude', description: '发票问题', demand: '开具发票', level: 3 }),
    });
    return (await r.json()).id;
  };
  // A PDF: a header libmagic knows, then random bytes (nothing compresses or repeats).
  const pdf = (n) => Buffer.concat([Buffer.from('%PDF-1.4\n%'), crypto.randomBytes(n - 10)]);
  const upload = async (id, body) => {
    const r = await fetch(`${base}/api/v1/complaints/${id}/attachments?name=evidence.pdf`, { method: 'POST', headers: auth, body });
    if (r.status !== 201) throw new Error(`upload: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
  };

  // 1. Memory of a 20 MB upload.
  const big = pdf(20 << 20);
  const small = pdf(100 << 10);
  const warm = await complaint();
  await upload(warm, small); // libmagic's database, the first spool, the threads' caches
  await upload(warm, big);
  const growth = [];
  for (let r = 0; r < RUNS; r++) {
    const id = await complaint();
    const before = status('VmRSS');
    fs.writeFileSync(`/proc/${server.pid}/clear_refs`, '5'); // peak := now
    await upload(id, big);
    growth.push(status('VmHWM') - before);
  }
  console.log(`RESULT attach_20mb_upload rss_growth_kb_median=${median(growth)} runs=${growth.join(',')}`);

  // 2. Uploads of 100 KB a second.
  const ids = [];
  for (let c = 0; c < CLIENTS; c++) ids.push(await complaint());
  const rates = [];
  const cpu = () => { const f = fs.readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
  const cpu0 = cpu();
  let total = 0;
  for (let r = 0; r < RUNS; r++) {
    let n = 0;
    const end = Date.now() + SECONDS * 1000;
    await Promise.all(ids.map(async (id) => {
      // Each client's complaint keeps under the per-complaint total: a fresh one when it fills.
      let mine = id;
      let bytes = 0;
      while (Date.now() < end) {
        if (bytes + small.length > 190 << 20) { mine = await complaint(); bytes = 0; }
        await upload(mine, small);
        bytes += small.length;
        n++;
      }
    }));
    rates.push(n / SECONDS);
    total += n;
  }
  const cpuPer = (cpu() - cpu0) / total;
  console.log(`RESULT attach_100kb_uploads clients=${CLIENTS} median_per_s=${median(rates).toFixed(1)} runs=${rates.map((x) => x.toFixed(1)).join(',')} server_cpu_ms_per_upload=${cpuPer.toFixed(2)}`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  fs.rmSync(tmp, { recursive: true, force: true });
}
