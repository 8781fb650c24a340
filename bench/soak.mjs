// The soak: mixed load on one server for a long time, its memory, threads
// and file descriptors sampled from /proc, every error counted. Run by
// bench/soak.sh (which starts the server with its background sweeper):
//   node bench/soak.mjs URL PID MINUTES
// Load: CLIENTS loops, each a request after the other — intake (40 %), the
// station's queue (25 %), a complaint with its timeline (10 %), a step on a
// complaint taken in (dispatch, accept, comment: 20 %), the outbox (5 %).
// An error is a 5xx, a refused connection or a time-out; a 409 of a step
// that someone else took first is an answer, not an error.

const [url, pid, minutes] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4] || 60)];
const CLIENTS = Number(process.env.SOAK_CLIENTS || 4);
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_MS || 10000);
const fs = await import('node:fs');

async function call(token, method, path, body) {
  const r = await fetch(url + '/api/v1' + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30000),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

async function login(username) {
  const r = await fetch(url + '/api/v1/auth/login', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: process.env.SOAK_PASSWORD || 'redress-demo' }),
  });
  return (await r.json()).token;
}

const intake = {
  channel: 'phone', customer: { name: '王先生', phone: '13812345678', class: 'ordinary' },
  subject_unit: 'SH-PD-01', subject_staff: '加油员 李强', category: 'service.attitude', place: '3号加油机',
  description: '加油员态度恶劣，拒绝开具发票。', demand: '要求道歉并开具发票', level: 3,
};

const counts = { requests: 0, errors: 0, conflicts: 0 };
const errors = new Map();
const recent = [];
const until = Date.now() + minutes * 60000;

function note(label, r) {
  counts.requests++;
  if (r.status >= 500) {
    counts.errors++;
    errors.set(label + ' ' + r.status, (errors.get(label + ' ' + r.status) || 0) + 1);
  } else if (r.status === 409) {
    counts.conflicts++;
  }
}

async function client(agent, handler) {
  while (Date.now() < until) {
    const x = Math.random();
    const label = x < 0.4 ? 'intake' : x < 0.65 ? 'queue' : x < 0.75 ? 'detail' : x < 0.95 ? 'step' : 'outbox';
    try {
      if (label === 'intake') {
        const r = await call(agent, 'POST', '/complaints', intake);
        note(label, r);
        if (r.status === 201) recent.push(r.json.id), recent.length > 200 && recent.shift();
      } else if (label === 'queue') {
        note(label, await call(handler, 'GET', '/complaints?owner_unit=SH-PD-01&status=open&sort=deadline&limit=50'));
      } else if (recent.length && label === 'detail') {
        const id = recent[Math.floor(Math.random() * recent.length)];
        note(label, await call(agent, 'GET', `/complaints/${id}`));
        note(label, await call(agent, 'GET', `/complaints/${id}/events`));
      } else if (recent.length && label === 'step') {
        const id = recent[Math.floor(Math.random() * recent.length)];
        const c = (await call(agent, 'GET', `/complaints/${id}`)).json;
        const st = c && c.status;
        if (st === 'registered') note(label, await call(agent, 'POST', `/complaints/${id}/actions/dispatch`, { unit: 'SH-PD-01' }));
        else if (st === 'dispatched') note(label, await call(handler, 'POST', `/complaints/${id}/actions/accept`, {}));
        else note(label, await call(handler, 'POST', `/complaints/${id}/actions/comment`, { text: '已联系客户，处理中' }));
      } else {
        note(label, await call(agent, 'GET', '/outbox?limit=20'));
      }
    } catch (e) {
      counts.requests++;
      counts.errors++;
      errors.set(label + ' ' + (e.name || 'error'), (errors.get(label + ' ' + (e.name || 'error')) || 0) + 1);
    }
  }
}

function sample() {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (k) => Number((status.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm')) || [])[1]);
  return { t: Math.round((Date.now() - started) / 1000), rss_kb: field('VmRSS'), threads: field('Threads'),
    fds: fs.readdirSync(`/proc/${pid}/fd`).length, requests: counts.requests, errors: counts.errors };
}

const started = Date.now();
const samples = [sample()];
const timer = setInterval(() => {
  const s = sample();
  samples.push(s);
  console.log(`t=${s.t}s rss=${(s.rss_kb / 1024).toFixed(1)}MB threads=${s.threads} fds=${s.fds} requests=${s.requests} errors=${s.errors}`);
}, SAMPLE_MS);

const tokens = await Promise.all([login('agent1'), login('pd01')]);
await Promise.all(Array.from({ length: CLIENTS }, () => client(tokens[0], tokens[1])));
clearInterval(timer);
samples.push(sample());

// Flat: after the first fifth (warm-up: caches, pools, the sweeper's first
// rounds), the last samples against the warm ones.
const warm = samples.filter((s) => s.t >= (minutes * 60) / 5);
const first = warm[0] || samples[0];
const last = samples[samples.length - 1];
const rssGrowth = (last.rss_kb - first.rss_kb) / first.rss_kb;
console.log(`RESULT soak minutes=${minutes} clients=${CLIENTS} requests=${counts.requests} ` +
  `rps=${(counts.requests / ((Date.now() - started) / 1000)).toFixed(1)} errors=${counts.errors} conflicts=${counts.conflicts} ` +
  `rss_warm_mb=${(first.rss_kb / 1024).toFixed(1)} rss_end_mb=${(last.rss_kb / 1024).toFixed(1)} ` +
  `rss_growth_pct=${(rssGrowth * 100).toFixed(1)} threads=${first.threads}->${last.threads} fds=${first.fds}->${last.fds}`);
for (const [k, v] of errors) console.log(`error ${k}: ${v}`);
const flat = counts.errors === 0 && rssGrowth < 0.2 && last.threads <= first.threads + 2 && last.fds <= first.fds + 4;
console.log(flat ? 'RESULT soak verdict=flat' : 'RESULT soak verdict=NOT FLAT');
process.exit(flat ? 0 : 1);
