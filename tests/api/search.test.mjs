// Search: GET /api/v1/complaints?q= over the keyed index (docs/api.md,
// "Search"; docs/privacy.md, "Search"). Each test gives its complaints
// words of their own (random CJK characters, a random Latin word) so the
// demo's data and other files on a shared database do not disturb the
// counts; the same file runs on SQLite and PostgreSQL.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { useServer, describe, errorOf, uniquePhone, ON_SPOT_VALID, localDate, runCli } from './lib.mjs';
import { readXlsx, getBytes } from './xlsx.mjs';

const srv = useServer();

// n random CJK characters of the common block (U+5000–U+7FFF).
function cjk(n) {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCodePoint(0x5000 + Math.floor(Math.random() * 0x3000));
  return s;
}
// A random Latin word, mixed case.
function latin() {
  return `Qz${Math.random().toString(36).slice(2, 9).replace(/[0-9]/g, 'x')}Wq`;
}

async function search(q, user = 'agent1', extra = '') {
  const r = await srv.as(user, 'GET', `/complaints?q=${encodeURIComponent(q)}${extra}`);
  assert.equal(r.status, 200, `q=${q}: ${describe(r)}`);
  assert.equal(typeof r.json.total, 'number', 'a search carries its total');
  return r.json;
}

const ids = (page) => page.items.map((x) => x.id);

srv.test('a two-character word, a four-character phrase, a name, found; total counts them', async () => {
  const w2 = cjk(2), p4 = cjk(4), name = cjk(3);
  const a = await srv.intake('agent1', { description: `客户反映${w2}问题，现场${p4}，请处理。`, customer: { name } });
  const b = await srv.intake('agent1', { demand: `要求说明${w2}的原因` });
  let r = await search(w2);
  assert.deepEqual(new Set(ids(r)), new Set([a.id, b.id]));
  assert.equal(r.total, 2);
  r = await search(p4);
  assert.deepEqual(ids(r), [a.id]);
  assert.equal(r.total, 1);
  // Where it matched, for highlighting: the stretch of text and the words.
  assert.equal(r.items[0].match.field, 'description');
  const m = r.items[0].match;
  assert.equal(m.words.length, 1);
  assert.ok(m.text.includes(`现场${m.words[0]}`), JSON.stringify(m));
  r = await search(name);
  assert.deepEqual(ids(r), [a.id], 'the customer name is indexed (sealed in the record)');
  // A single character of the phrase finds it too.
  r = await search(p4[1]);
  assert.ok(ids(r).includes(a.id));
  // Both words at once: only the complaint that has both.
  r = await search(`${w2} ${p4}`);
  assert.deepEqual(ids(r), [a.id]);
});

srv.test('a Traditional query finds Simplified text; Latin words are case-folded', async () => {
  const w = cjk(2), lat = latin();
  const c = await srv.intake('agent1', { description: `加油后索要发票${w}被拒，车辆 ${lat} 在场。` });
  let r = await search(`發票${w}`);
  assert.deepEqual(ids(r), [c.id], 'Traditional 發票 folds to 发票');
  assert.ok(r.items[0].match.words[0].startsWith('发票'), 'the words are folded');
  assert.ok(r.items[0].match.text.includes(r.items[0].match.words[0]), JSON.stringify(r.items[0].match));
  r = await search(lat.toLowerCase());
  assert.deepEqual(ids(r), [c.id]);
  r = await search(lat.toUpperCase());
  assert.deepEqual(ids(r), [c.id]);
  // Full-width letters fold to ASCII.
  const full = [...lat].map((ch) => String.fromCodePoint(ch.codePointAt(0) + 0xFEE0)).join('');
  r = await search(full);
  assert.deepEqual(ids(r), [c.id]);
});

srv.test('a phone whole or its last four digits; a number whole or its tail', async () => {
  const phone = uniquePhone(), w = cjk(2);
  const c = await srv.intake('agent1', { customer: { phone }, description: `油品${w}` });
  let r = await search(phone);
  assert.deepEqual(ids(r), [c.id], 'the whole phone');
  r = await search(`${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`);
  assert.deepEqual(ids(r), [c.id], 'written with dashes');
  r = await search(phone.slice(-4), 'agent1', '&limit=200');
  assert.ok(r.total >= 1 && (ids(r).includes(c.id) || r.next_cursor), 'the last four digits');
  r = await search(`${phone.slice(-4)} ${w}`);
  assert.deepEqual(ids(r), [c.id], 'the last four digits with a word');
  r = await search(c.number);
  assert.deepEqual(ids(r), [c.id], 'the whole number');
  const tail = c.number.slice(-4);
  r = await search(`${tail} ${w}`);
  assert.deepEqual(ids(r), [c.id], "the number's tail with a word");
  r = await search(c.number.replace(/^[A-Z]+/, ''));
  assert.deepEqual(ids(r), [c.id], 'the number without its prefix');
});

srv.test('replies and comments are indexed when they are written', async () => {
  const w = cjk(2), lat = latin();
  const c = await srv.intake('agent1', {});
  assert.equal((await search(lat)).total, 0);
  await srv.step('agent1', c.id, 'comment', { text: `回访记录：${w} ${lat}` });
  let r = await search(lat);
  assert.deepEqual(ids(r), [c.id]);
  r = await search(w);
  assert.deepEqual(ids(r), [c.id]);
});

srv.test('scope: a station user does not find another station’s complaint, and the total counts only the scope', async () => {
  const w = cjk(2);
  const mine = await srv.intake('agent1', { subject_unit: 'SH-PD-01', description: `站内${w}` });
  const other = await srv.intake('agent1', { subject_unit: 'SH-MH-01', description: `站外${w}` });
  let r = await search(w);
  assert.deepEqual(new Set(ids(r)), new Set([mine.id, other.id]));
  assert.equal(r.total, 2);
  r = await search(w, 'pd01');
  assert.deepEqual(ids(r), [mine.id]);
  assert.equal(r.total, 1, 'the other station’s match is not counted');
});

srv.test('sorting, paging by relevance, and other filters with q', async () => {
  const w = cjk(2);
  const made = [];
  for (let i = 0; i < 5; i++) {
    // The third holds the word three times: ranked first.
    const d = i === 2 ? `${w}，${w}，${w}` : `一次${w}`;
    made.push(await srv.intake('agent1', { description: d, level: i % 2 ? 2 : 3 }));
  }
  let r = await search(w, 'agent1', '&limit=2');
  assert.equal(r.total, 5);
  assert.equal(r.items[0].id, made[2].id, 'BM25: the most occurrences first');
  const seen = ids(r);
  while (r.next_cursor) {
    r = await search(w, 'agent1', `&limit=2&cursor=${encodeURIComponent(r.next_cursor)}`);
    seen.push(...ids(r));
  }
  assert.deepEqual(new Set(seen), new Set(made.map((c) => c.id)), 'every page once');
  assert.equal(seen.length, 5);
  r = await search(w, 'agent1', '&sort=created');
  assert.deepEqual(ids(r), made.map((c) => c.id).reverse(), 'newest first');
  r = await search(w, 'agent1', '&level=2');
  assert.equal(r.total, 2);
  const bad = await srv.as('agent1', 'GET', '/complaints?sort=relevance');
  assert.equal(bad.status, 400);
  assert.equal(errorOf(bad).field, 'sort');
  const none = await srv.as('agent1', 'GET', `/complaints?q=${encodeURIComponent('，。！')}`);
  assert.equal(none.status, 400);
  assert.equal(errorOf(none).field, 'q');
});

srv.test('erasure removes the customer’s complaints from the index', async () => {
  const phone = uniquePhone(), w = cjk(3);
  await srv.intake('agent1', { customer: { phone }, description: `需要删除${w}` });
  assert.equal((await search(w)).total, 1);
  const r = await srv.as('super1', 'POST', '/customers/erase', { body: { phone, confirm: true } });
  assert.equal(r.status, 200, describe(r));
  assert.equal((await search(w)).total, 0);
  assert.equal((await search(phone)).total, 0);
});

srv.test('the database holds no clear text of an indexed word', async () => {
  if (!srv.isSqlite) return; // the file is SQLite's
  const lat = latin().toLowerCase();
  await srv.intake('agent1', { description: `独特的词 ${lat} 只在这里` });
  assert.equal((await search(lat)).total, 1);
  for (const f of [srv.dbPath, `${srv.dbPath}-wal`]) {
    if (!fs.existsSync(f)) continue;
    const bytes = fs.readFileSync(f);
    assert.equal(bytes.indexOf(Buffer.from(lat)), -1, `${f} holds the word in clear`);
    assert.equal(bytes.indexOf(Buffer.from(lat.toUpperCase())), -1);
  }
});

srv.test('filters: nature, responsibility, responsible unit, customer class, priority, reopened, supervised, appealed, closed and due ranges', async () => {
  const w = cjk(3);
  const vip = await srv.intake('agent1', { description: `贵宾${w}`, customer: { class: 'vip' } });
  const answered = await srv.intake('agent1', { description: `当场${w}` });
  await srv.step('agent1', answered.id, 'answer', { answer: '当场解释', ...ON_SPOT_VALID });
  const count = async (extra) => (await search(w, 'agent1', extra)).total;
  assert.equal(await count(''), 2);
  assert.equal(await count('&customer_class=vip'), 1);
  // Priority as the list shows it (the rules' priority, none = normal): the three partition the matches.
  const byPriority = {};
  for (const c of (await search(w)).items) byPriority[c.priority] = (byPriority[c.priority] || 0) + 1;
  for (const p of ['urgent', 'high', 'normal']) assert.equal(await count(`&priority=${p}`), byPriority[p] || 0, p);
  assert.equal(await count('&nature=valid'), 1);
  assert.equal(await count('&nature=invalid'), 0);
  assert.equal(await count(`&responsibility=${ON_SPOT_VALID.responsibility}`), 1);
  assert.equal(await count(`&responsible_unit=${ON_SPOT_VALID.responsible_unit}`), 1);
  assert.equal(await count('&responsible_unit=SH-MH-01'), 0);
  assert.equal(await count('&reopened=false'), 2);
  assert.equal(await count('&reopened=true'), 0);
  assert.equal(await count('&supervised=false'), 2);
  assert.equal(await count('&appealed=false'), 2);
  assert.equal(await count('&appealed=true'), 0);
  const today = localDate();
  assert.equal(await count(`&closed_from=${today}&closed_to=${today}`), 1, 'closed today');
  assert.equal(await count('&closed_to=2000-01-01'), 0);
  assert.equal(await count(`&due_from=${today}`), 2, 'both deadlines are ahead');
  assert.equal(await count('&due_to=2000-01-01'), 0);
  const r = await search(w, 'agent1', `&closed_from=${today}`);
  assert.deepEqual(ids(r), [answered.id]);
  void vip;
});

srv.test('filters: subject staff, responsible person, waiting, in an incident, satisfaction; sorted by priority', async () => {
  const w = cjk(3), staff = `加油员 ${cjk(2)}`, vphone = uniquePhone();
  const vip = await srv.intake('agent1', { description: `贵宾${w}`, customer: { class: 'vip', phone: vphone }, subject_staff: staff });
  const plain = await srv.intake('agent1', { description: `普通${w}` });
  const answered = await srv.intake('agent1', { description: `当场${w}` });
  await srv.step('agent1', answered.id, 'answer', { answer: '当场解释', ...ON_SPOT_VALID, responsible_person: staff });
  const count = async (extra) => (await search(w, 'agent1', extra)).total;
  assert.equal(await count(`&subject_staff=${encodeURIComponent(staff)}`), 1);
  assert.equal(await count(`&responsible_person=${encodeURIComponent(staff)}`), 1);
  assert.equal(await count(`&responsible_person=${encodeURIComponent('无此人')}`), 0);
  // Waiting for the customer: the one that waits, then none once it resumes.
  await srv.step('agent1', plain.id, 'wait_customer', { reason: '客户出差，下周补充小票' });
  assert.deepEqual(ids(await search(w, 'agent1', '&waiting=true')), [plain.id]);
  assert.equal(await count('&waiting=false'), 2);
  await srv.step('agent1', plain.id, 'resume', {});
  assert.equal(await count('&waiting=true'), 0);
  // In an incident: grouped by hand, by the incident's id too.
  const inc = await srv.as('super1', 'POST', '/incidents', { body: { title: `事件${w}`, level: 2, description: '同站多起', complaint: vip.number } });
  assert.equal(inc.status, 201, describe(inc));
  assert.deepEqual(ids(await search(w, 'agent1', '&incident=true')), [vip.id]);
  assert.deepEqual(ids(await search(w, 'agent1', `&incident=${inc.json.id}`)), [vip.id]);
  assert.equal(await count('&incident=false'), 2);
  // Satisfaction: none revisited yet.
  assert.equal(await count('&satisfaction=none'), 3);
  assert.equal(await count('&satisfaction=satisfied'), 0);
  // By priority: the VIP's (high by the pack's rule) before the normal ones, each group by deadline; paged whole.
  const all = await srv.as('agent1', 'GET', `/complaints?q=${encodeURIComponent(w)}&status=&sort=priority&limit=1`);
  assert.equal(all.status, 200, describe(all));
  const seen = ids(all.json);
  let next = all.json.next_cursor;
  assert.match(next, /^p[0-2]d\d+\.\d+$/);
  while (next) {
    const r = await srv.as('agent1', 'GET', `/complaints?q=${encodeURIComponent(w)}&status=&sort=priority&limit=1&cursor=${encodeURIComponent(next)}`);
    assert.equal(r.status, 200, describe(r));
    seen.push(...ids(r.json));
    next = r.json.next_cursor;
  }
  assert.equal(seen.length, 3, 'every complaint once');
  assert.equal(seen[0], vip.id, 'the high-priority one first');
  const wrong = await srv.as('agent1', 'GET', '/complaints?sort=priority&cursor=c12');
  assert.equal(wrong.status, 400);
  assert.equal(errorOf(wrong).field, 'cursor');

  // The shell lists the same, as the person would see it, masked.
  const cli = await runCli(['complaints', '--db', srv.dbUrl, '--user', 'agent1', `q=${w}`, 'status=', 'sort=priority', '--limit', '2']);
  assert.equal(cli.code, 0, cli.stderr);
  const lines = cli.stdout.trim().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(lines.map((l) => l[0]), seen.slice(0, 2).map((id) => (id === vip.id ? vip.number : id === plain.id ? plain.number : answered.number)));
  assert.equal(lines[0][3], 'high');
  assert.match(cli.stderr, /2 shown of 3/);
  assert.ok(!cli.stdout.includes(vphone) && cli.stdout.includes(vphone.slice(-4)), 'the phone masked');
  const staffOnly = await runCli(['complaints', '--db', srv.dbUrl, '--user', 'agent1', `subject_staff=${staff}`]);
  assert.deepEqual(staffOnly.stdout.trim().split('\n').map((l) => l.split('\t')[0]), [vip.number]);
  const bad = await runCli(['complaints', '--db', srv.dbUrl, '--user', 'agent1', 'waiting=maybe']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /waiting: expected true or false/);
  const unknown = await runCli(['complaints', '--db', srv.dbUrl, '--user', 'agent1', 'colour=red']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /colour=red/);
});

srv.test('an unknown parameter or a bad value is 400 naming it', async () => {
  for (const [qs, field] of [
    ['colour=red', 'colour'], ['status=open&nature=maybe', 'nature'], ['reopened=yes', 'reopened'],
    ['customer_class=nobody', 'customer_class'], ['priority=low', 'priority'], ['responsibility=nobody', 'responsibility'],
    ['responsible_unit=NOPE', 'responsible_unit'], ['closed_from=yesterday', 'closed_from'],
    ['due_to=2026-13-01', 'due_to'], ['kind=appeal&appealed=false', 'appealed'], [`q=${'油'.repeat(201)}`, 'q'],
    ['waiting=maybe', 'waiting'], ['incident=first', 'incident'], ['satisfaction=happy', 'satisfaction'],
    [`subject_staff=${'张'.repeat(65)}`, 'subject_staff'], ['sort=urgency', 'sort'],
  ]) {
    const r = await srv.as('agent1', 'GET', `/complaints?${qs}`);
    assert.equal(r.status, 400, `${qs}: ${describe(r)}`);
    assert.equal(errorOf(r).field, field, qs);
  }
  // What the web UI and the workbench send is accepted.
  for (const qs of ['status=open&overdue=true&sort=deadline&limit=50', 'phone=13800000000&limit=20&sort=created',
    'status=open&channel=phone&category=service&level=3&warning=true&owner_unit=SH-PD-01&sort=created&limit=20',
    'kind=appeal', 'subject_unit=SH-PD-01&from=2026-01-01&to=2026-12-31']) {
    const r = await srv.as('agent1', 'GET', `/complaints?${qs}`);
    assert.equal(r.status, 200, `${qs}: ${describe(r)}`);
  }
});

srv.test('export: every page of what the list shows, masked unless asked in clear, each an audit entry', async () => {
  const w = cjk(3), phone = uniquePhone();
  const made = [];
  for (let i = 0; i < 55; i++) made.push(await srv.intake('agent1', { description: `导出${w}第${i}条`, customer: { phone, name: '钱先生' } }));
  const page = await search(w);
  assert.equal(page.items.length, 50, 'a page holds 50');
  assert.equal(page.total, 55);

  // CSV: a heading and one row per complaint, all pages, masked.
  const r = await srv.as('agent1', 'GET', `/complaints?q=${encodeURIComponent(w)}&format=csv`);
  assert.equal(r.status, 200, describe(r));
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.match(r.headers.get('content-disposition'), /complaints\.csv/);
  const lines = r.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(lines.length, 56, 'a heading and 55 rows');
  assert.match(lines[0], /^工单编号,状态,等级,类别/);
  assert.match(lines[0], /匹配内容$/);
  for (const c of made) assert.ok(r.text.includes(c.number), `${c.number} exported`);
  assert.ok(!r.text.includes(phone), 'the phone is masked');
  assert.ok(r.text.includes(`${phone.slice(0, 3)}****${phone.slice(-4)}`));
  assert.ok(!r.text.includes('钱先生'), 'the name is masked');

  // XLSX, in English, with the other filters: the same rows.
  const x = await getBytes(srv, 'agent1', `/complaints?q=${encodeURIComponent(w)}&format=xlsx&sort=created`);
  assert.equal(x.status, 200);
  const sheet = readXlsx(x.bytes).sheets[0];
  assert.equal(sheet.rows.length, 56);
  assert.deepEqual(sheet.rows.slice(1).map((row) => row[0]), made.map((c) => c.number).reverse(), 'newest first');

  // In clear: only for a caller with the pii permission, recorded as pii_export.
  const clear = await srv.as('agent1', 'GET', `/complaints?q=${encodeURIComponent(w)}&format=csv&clear=true`);
  assert.equal(clear.status, 200);
  assert.ok(clear.text.includes(phone) && clear.text.includes('钱先生'));
  const denied = await srv.as('manager1', 'GET', `/complaints?q=${encodeURIComponent(w)}&format=csv&clear=true`);
  assert.equal(denied.status, 403);
  assert.equal((await srv.as('agent1', 'GET', '/complaints?format=pdf')).status, 400);
  assert.equal(errorOf(await srv.as('agent1', 'GET', '/complaints?clear=true')).field, 'clear');

  const audit = await srv.as('admin', 'GET', '/audit?action=list_export&limit=10');
  assert.equal(audit.status, 200, describe(audit));
  assert.ok(audit.json.items.some((e) => e.detail?.rows === 55 && e.detail?.format === 'csv'), JSON.stringify(audit.json.items.slice(0, 3)));
  const pii = await srv.as('admin', 'GET', '/audit?action=pii_export&limit=10');
  assert.ok(pii.json.items.some((e) => e.detail?.rows === 55 && e.detail?.clear === true));
  assert.ok(!JSON.stringify(audit.json).includes(w), 'the audit entry holds no search words');
});

srv.test('a correction of the customer’s data makes the new name and phone findable', async () => {
  const phone = uniquePhone(), newPhone = uniquePhone(), name = cjk(3);
  const c = await srv.intake('agent1', { customer: { phone } });
  assert.equal((await search(newPhone)).total, 0);
  const r = await srv.as('agent1', 'POST', '/customers/correct', { body: { phone, customer: { phone: newPhone, name } } });
  assert.equal(r.status, 200, describe(r));
  assert.deepEqual(ids(await search(newPhone)), [c.id]);
  assert.deepEqual(ids(await search(name)), [c.id]);
});

srv.test('export: more complaints than one page of the store (200) come out whole', async () => {
  const w = cjk(3);
  const made = new Set();
  for (let i = 0; i < 205; i++) made.add((await srv.intake('agent1', { description: `批量${w}${i}` })).number);
  for (const sort of ['relevance', 'created', 'deadline']) {
    const r = await srv.as('agent1', 'GET', `/complaints?q=${encodeURIComponent(w)}&sort=${sort}&format=csv`);
    assert.equal(r.status, 200, describe(r));
    const rows = r.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1);
    assert.equal(rows.length, 205, sort);
    assert.deepEqual(new Set(rows.map((l) => l.split(',')[0])), made, `${sort}: every complaint once`);
  }
});
