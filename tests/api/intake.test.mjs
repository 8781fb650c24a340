// Intake (POST /api/v1/complaints): the reply, validation errors, limits,
// UTF-8 round trips and the numbering of complaints.

import assert from 'node:assert/strict';
import {
  useServer, errorOf, describe, intakeBody, rfc3339, localDate, NUMBER_RE, uniquePhone,
} from './lib.mjs';

const srv = useServer();

function post(body, user = 'agent1') {
  return srv.as(user, 'POST', '/complaints', { body });
}

// Deletes a dotted path ("customer.name") from a body.
function without(body, dotted) {
  const copy = structuredClone(body);
  const parts = dotted.split('.');
  let o = copy;
  for (const p of parts.slice(0, -1)) o = o[p];
  delete o[parts.at(-1)];
  return copy;
}

function assertFieldError(r, field, codes = ['validation_failed']) {
  assert.ok(r.status === 422 || r.status === 400, `${field}: expected 422 (or 400), got ${describe(r)}`);
  const e = errorOf(r);
  assert.equal(e.field, field, `error.field names ${field}: ${r.text}`);
  assert.ok(codes.includes(e.code), `${field}: code ${e.code} not one of ${codes}`);
}

srv.test('a valid intake gives 201 with the complaint', async () => {
  const body = intakeBody({ received_at: rfc3339(new Date(Date.now() - 600e3)), customer: { email: 'wang@example.com' } });
  const r = await post(body);
  assert.equal(r.status, 201, describe(r));
  const c = r.json;
  assert.equal(typeof c.id, 'number');
  assert.match(c.number, NUMBER_RE);
  assert.equal(c.status, 'registered');
  assert.equal(c.stage, 'dispatch');
  assert.equal(c.level, 3);
  assert.equal(c.version, 1);
  assert.equal(c.channel, 'phone');
  assert.equal(c.first_contact, false);
  // Customer data comes back masked; in clear only when asked for (docs/privacy.md).
  assert.equal(c.customer.name, `${body.customer.name[0]}**`);
  assert.equal(c.customer.phone, `${body.customer.phone.slice(0, 3)}****${body.customer.phone.slice(-4)}`);
  assert.equal(c.customer.email, 'w***@example.com');
  assert.equal(c.customer.class, 'ordinary');
  const clear = (await srv.clear(c.id)).complaint;
  assert.equal(clear.customer.name, body.customer.name);
  assert.equal(clear.customer.phone, body.customer.phone);
  assert.equal(clear.customer.email, 'wang@example.com');
  assert.equal(c.subject_unit.code, 'SH-PD-01');
  assert.equal(typeof c.subject_unit.id, 'number');
  assert.equal(c.subject_staff, body.subject_staff);
  assert.equal(c.category.code, 'service.attitude');
  assert.ok(Array.isArray(c.category.path) && c.category.path.length >= 2, 'category.path from root to leaf');
  assert.equal(c.place, body.place);
  assert.equal(c.description, body.description);
  assert.equal(c.demand, body.demand);
  assert.equal(c.owner_unit.code, 'SH-CSC', 'a new complaint is owned by the receiving service centre');
  assert.equal(c.created_by.username, 'agent1');
  assert.equal(Date.parse(c.received_at), Date.parse(body.received_at), 'received_at kept');
  assert.equal(Date.parse(c.occurred_at), Date.parse(body.occurred_at), 'occurred_at kept');
  assert.match(c.received_at, /[+-]\d\d:\d\d$|Z$/, 'instants carry an offset');
  assert.ok(c.deadlines && typeof c.deadlines === 'object', 'deadlines present');
  assert.ok(Date.parse(c.deadlines.stage) > Date.parse(c.received_at), 'stage deadline after receipt');
  assert.ok(Date.parse(c.deadlines.overall) >= Date.parse(c.deadlines.stage), 'overall deadline not before the stage deadline');
  assert.equal(c.overdue, false);
  for (const k of ['resolution', 'reply', 'revisit', 'closing']) assert.equal(c[k], null, `${k} is null on a new complaint`);

  // GET by id and by number give the same complaint.
  const byId = await srv.get(c.id);
  const byNumber = await srv.get(c.number);
  assert.equal(byId.id, c.id);
  assert.equal(byNumber.id, c.id);
  assert.equal(byNumber.number, c.number);
});

srv.test('received_at defaults to now, level to the pack default, class to ordinary', async () => {
  const body = intakeBody({ customer: { class: undefined } });
  delete body.received_at;
  delete body.level;
  delete body.customer.class;
  const before = Date.now();
  const r = await post(body);
  assert.equal(r.status, 201, describe(r));
  const got = Date.parse(r.json.received_at);
  assert.ok(got >= before - 120e3 && got <= Date.now() + 120e3, `received_at ≈ now (got ${r.json.received_at})`);
  assert.ok([1, 2, 3].includes(r.json.level), `default level is 1–3 (got ${r.json.level})`);
  assert.equal(r.json.customer.class, 'ordinary');
  assert.ok('email' in r.json.customer, `customer.email is present (null when not given): ${JSON.stringify(r.json.customer)}`);
  assert.equal(r.json.customer.email, null);
  assert.match(r.json.received_at, /\+08:00$/, 'answers in the organisation time zone (+08:00)');
});

srv.test('category may be a branch code; received_at may be given in UTC (Z)', async () => {
  const r = await post(intakeBody({ category: 'quality', received_at: new Date(Date.now() - 60e3).toISOString().replace(/\.\d+Z$/, 'Z') }));
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.category.code, 'quality');
  assert.equal(r.json.category.path.length, 1);
  assert.match(r.json.received_at, /\+08:00$/, 'answered in the organisation zone');
});

srv.test('unknown customer class → 422 customer.class', async () => {
  assertFieldError(await post(intakeBody({ customer: { class: 'emperor' } })), 'customer.class');
  const vip = await post(intakeBody({ customer: { class: 'vip' } }));
  assert.equal(vip.status, 201, describe(vip));
  assert.equal(vip.json.customer.class, 'vip');
});

srv.test('evidence, confirmed and promised_at are accepted', async () => {
  const promised = rfc3339(new Date(Date.now() + 6 * 3600e3));
  const r = await post(intakeBody({ evidence: '发票一张、加油小票、现场照片2张', confirmed: true, promised_at: promised }));
  assert.equal(r.status, 201, describe(r));
  if ('evidence' in r.json) assert.equal(r.json.evidence, '发票一张、加油小票、现场照片2张');
  if ('confirmed' in r.json) assert.equal(r.json.confirmed, true);
  if ('promised_at' in r.json) assert.equal(Date.parse(r.json.promised_at), Date.parse(promised));
});

srv.test('the subject unit may be given by id', async () => {
  const u = await srv.unit('SH-PD-02');
  const r = await post(intakeBody({ subject_unit: u.id }));
  assert.equal(r.status, 201, describe(r));
  assert.equal(r.json.subject_unit.code, 'SH-PD-02');
});

srv.test('supervisor and manager may take intake; handler and auditor may not', async () => {
  for (const user of ['super1', 'manager1']) {
    const r = await post(intakeBody(), user);
    assert.equal(r.status, 201, `${user}: ${describe(r)}`);
    assert.equal(r.json.created_by.username, user);
  }
  for (const user of ['pd01', 'auditor1']) {
    const r = await post(intakeBody(), user);
    assert.equal(r.status, 403, `${user}: ${describe(r)}`);
    assert.equal(errorOf(r).code, 'forbidden');
  }
});

for (const field of ['channel', 'customer.name', 'customer.phone', 'subject_unit', 'category', 'description']) {
  srv.test(`missing ${field} → 422 naming ${field}`, async () => {
    const r = await post(without(intakeBody(), field));
    assertFieldError(r, field);
  });
}

srv.test('missing customer object → 422 naming customer (or customer.name)', async () => {
  const r = await post(without(intakeBody(), 'customer'));
  assert.ok(r.status === 422 || r.status === 400, describe(r));
  assert.ok(['customer', 'customer.name', 'customer.phone'].includes(errorOf(r).field), r.text);
});

srv.test('empty strings count as missing', async () => {
  assertFieldError(await post(intakeBody({ description: '' })), 'description');
  assertFieldError(await post(intakeBody({ customer: { name: '' } })), 'customer.name');
});

srv.test('malformed phone numbers → 422 customer.phone', async () => {
  for (const phone of ['12345', 'abc12345678', '1381234567x', '1'.repeat(21), '138#1234#5678']) {
    const r = await post(intakeBody({ customer: { phone } }));
    assertFieldError(r, 'customer.phone');
  }
});

srv.test('phones with +, - and spaces are accepted', async () => {
  for (const phone of ['+86 138 1234 5678', '021-6888-1234', '4008201234']) {
    const r = await post(intakeBody({ customer: { phone } }));
    assert.equal(r.status, 201, `${phone}: ${describe(r)}`);
  }
});

srv.test('received_at not RFC 3339 → 422 received_at', async () => {
  for (const v of ['2026/11/24 09:12', 'yesterday', '2026-11-24T09:12:00', '2026-13-45T25:61:00+08:00', 12345]) {
    const r = await post(intakeBody({ received_at: v }));
    assertFieldError(r, 'received_at');
  }
});

srv.test('received_at in the future → 422 received_at', async () => {
  const r = await post(intakeBody({ received_at: rfc3339(new Date(Date.now() + 86400e3)) }));
  assertFieldError(r, 'received_at');
});

srv.test('occurred_at not RFC 3339 → 422 occurred_at', async () => {
  assertFieldError(await post(intakeBody({ occurred_at: 'last tuesday' })), 'occurred_at');
});

srv.test('unknown unit → 422 unknown_unit', async () => {
  const r = await post(intakeBody({ subject_unit: 'NO-SUCH-UNIT' }));
  assert.equal(r.status, 422, describe(r));
  const e = errorOf(r);
  assert.equal(e.code, 'unknown_unit');
  assert.equal(e.field, 'subject_unit');
  const byId = await post(intakeBody({ subject_unit: 987654 }));
  assert.equal(byId.status, 422, describe(byId));
  assert.equal(errorOf(byId).code, 'unknown_unit');
});

srv.test('unknown category → 422 unknown_category', async () => {
  const r = await post(intakeBody({ category: 'service.no-such-thing' }));
  assert.equal(r.status, 422, describe(r));
  const e = errorOf(r);
  assert.equal(e.code, 'unknown_category');
  assert.equal(e.field, 'category');
});

srv.test('unknown channel → 422 channel', async () => {
  assertFieldError(await post(intakeBody({ channel: 'carrier-pigeon' })), 'channel');
});

srv.test('level outside 1–3 → 422 level', async () => {
  for (const level of [0, 4, 'high']) assertFieldError(await post(intakeBody({ level })), 'level');
});

srv.test('field length limits: customer.name ≤ 100, description ≤ 10,000 characters', async () => {
  // Limits are in characters, not bytes: 100 and 10,000 Chinese characters pass.
  const okName = await post(intakeBody({ customer: { name: '王'.repeat(100) } }));
  assert.equal(okName.status, 201, `100-character name: ${describe(okName)}`);
  assertFieldError(await post(intakeBody({ customer: { name: '王'.repeat(101) } })), 'customer.name');
  const okDesc = await post(intakeBody({ description: '油'.repeat(10000) }));
  assert.equal(okDesc.status, 201, `10,000-character description: ${describe(okDesc)}`);
  assertFieldError(await post(intakeBody({ description: '油'.repeat(10001) })), 'description');
});

srv.test('a wrong JSON type for a field → 422 naming it', async () => {
  assertFieldError(await post(intakeBody({ description: ['not', 'a', 'string'] })), 'description');
  const r = await post(intakeBody({ customer: 'Mr Wang 13812345678' }));
  assert.equal(r.status, 422, describe(r));
  assert.ok(['customer', 'customer.name', 'customer.phone'].includes(errorOf(r).field), r.text);
});

srv.test('a body that is not JSON → 400 bad_json', async () => {
  const token = await srv.login('agent1');
  for (const raw of ['{"channel": "phone",', 'channel=phone', '']) {
    const r = await srv.api('POST', '/complaints', { token, raw });
    assert.equal(r.status, 400, `${JSON.stringify(raw)}: ${describe(r)}`);
    assert.equal(errorOf(r).code, 'bad_json');
  }
  const arr = await srv.api('POST', '/complaints', { token, raw: '[1,2,3]' });
  assert.ok(arr.status === 400 || arr.status === 422, `a JSON array: ${describe(arr)}`);
  const bad = await srv.api('POST', '/complaints', { token, raw: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) });
  assert.ok(bad.status === 400 || bad.status === 422, `invalid UTF-8: ${describe(bad)}`);
});

srv.test('a body over 256 KiB → 413 body_too_large', async () => {
  const token = await srv.login('agent1');
  const body = JSON.stringify(intakeBody({ description: 'x'.repeat(300 * 1024) }));
  const r = await srv.rawRequest('POST', '/api/v1/complaints', {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    body,
  });
  assert.equal(r.status, 413, `${r.status} ${r.text.slice(0, 500)}`);
  if (r.json) assert.equal(r.json.error.code, 'body_too_large');
  // The server is still fine afterwards.
  const h = await srv.api('GET', '/health');
  assert.equal(h.status, 200);
});

srv.test('a Chinese description round-trips byte-exact', async () => {
  const description = '加油员态度恶劣，拒绝开具发票！\n第二行：“引号”、‘单引号’、《书名号》、\t制表符、\\反斜杠\\、"双引号"。\n' +
    '繁體字：們說這裡。日本語：ガソリン。한국어. Emoji: ⛽🚗💢 𠀀𪚥 — ½ € ™\n<script>alert(1)</script> \' OR 1=1 --';
  const demand = '要求道歉 & 开具发票 ≥ 100¥';
  const name = '欧阳·娜娜';
  const r = await post(intakeBody({ description, demand, customer: { name }, place: '3号机 🚗' }));
  assert.equal(r.status, 201, describe(r));
  const got = (await srv.clear(r.json.id)).complaint;
  assert.equal(got.description, description);
  assert.equal(Buffer.from(got.description, 'utf8').toString('hex'), Buffer.from(description, 'utf8').toString('hex'), 'description byte-exact');
  assert.equal(got.demand, demand);
  assert.equal(got.customer.name, name);
  assert.equal(got.place, '3号机 🚗');
});

srv.test('numbers are prefix + local date of receipt + 4 digits', async () => {
  const c = await srv.intake('agent1');
  const m = c.number.match(NUMBER_RE);
  assert.ok(m, `number ${c.number} matches ${NUMBER_RE}`);
  assert.equal(m[2], localDate(new Date(Date.parse(c.received_at))).replaceAll('-', ''), 'the date in the number is the local (+08:00) date');
  assert.ok(Number(m[3]) >= 1);
});

srv.test('20 concurrent intakes get unique, dense numbers', async () => {
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => post(intakeBody({ customer: { phone: uniquePhone() }, description: `并发受理 ${i}` }), i % 2 ? 'agent1' : 'agent2')));
  for (const r of results) assert.equal(r.status, 201, describe(r));
  const numbers = results.map((r) => r.json.number);
  const ids = results.map((r) => r.json.id);
  assert.equal(new Set(numbers).size, 20, `numbers unique: ${numbers.join(' ')}`);
  assert.equal(new Set(ids).size, 20, 'ids unique');
  const parsed = numbers.map((n) => n.match(NUMBER_RE));
  assert.ok(parsed.every(Boolean), `all numbers well-formed: ${numbers.join(' ')}`);
  const prefixes = new Set(parsed.map((m) => m[1] + m[2]));
  assert.equal(prefixes.size, 1, `all received the same day: ${[...prefixes]}`);
  const [prefixDate] = prefixes;
  const seqs = parsed.map((m) => Number(m[3])).sort((a, b) => a - b);
  const min = seqs[0];
  const max = seqs.at(-1);
  // Dense: every number in [min, max] is a complaint (ours, or — with a
  // shared database — another test's), and none is missing.
  for (let s = min; s <= max; s++) {
    const number = `${prefixDate}-${String(s).padStart(4, '0')}`;
    const r = await srv.as('agent1', 'GET', `/complaints/${number}`);
    assert.equal(r.status, 200, `gap in numbering: ${number} → ${describe(r)}`);
    assert.equal(r.json.number, number);
  }
  if (srv.isSqlite) assert.equal(max - min, 19, `our 20 complaints are consecutive: ${seqs.join(',')}`);
  // And the one before the block exists too (numbering starts at 0001).
  if (min > 1) {
    const prev = `${prefixDate}-${String(min - 1).padStart(4, '0')}`;
    assert.equal((await srv.as('agent1', 'GET', `/complaints/${prev}`)).status, 200, `${prev} exists`);
  }
});

srv.test('a failed intake does not use up a number', async () => {
  const a = await srv.intake('agent1');
  const bad = await post(intakeBody({ category: 'no.such.category' }));
  assert.equal(bad.status, 422);
  const b = await srv.intake('agent1');
  const [, pa, da, sa] = a.number.match(NUMBER_RE);
  const [, pb, db, sb] = b.number.match(NUMBER_RE);
  if (pa + da === pb + db && srv.isSqlite) assert.equal(Number(sb), Number(sa) + 1, `${a.number} then ${b.number}`);
});

srv.test('the first event of a new complaint is intake', async () => {
  const c = await srv.intake('agent1');
  const ev = await srv.events(c.id);
  assert.ok(ev.length >= 1);
  assert.equal(ev[0].seq, 1);
  assert.equal(ev[0].action, 'intake');
  assert.equal(ev[0].from_status, null);
  assert.equal(ev[0].to_status, 'registered');
  assert.equal(ev[0].actor.username, 'agent1');
  assert.match(ev[0].hash, /^[0-9a-f]{64}$/);
});

srv.test('GET of an unknown complaint → 404 not_found', async () => {
  for (const id of ['99999999', 'TS19990101-9999', 'garbage']) {
    const r = await srv.as('agent1', 'GET', `/complaints/${id}`);
    assert.equal(r.status, 404, `${id}: ${describe(r)}`);
    assert.equal(errorOf(r).code, 'not_found');
  }
});

srv.test('an unknown path under /api/v1 → 404 with the error shape', async () => {
  const r = await srv.as('agent1', 'GET', '/no-such-endpoint');
  assert.equal(r.status, 404, describe(r));
  errorOf(r);
});

// Complaints received on many different days, taken at once (an import of
// last month's letters): each gets the next number of its own day, none
// twice, none refused.
srv.test('concurrent intakes received on twenty different days are numbered densely per day', async () => {
  const days = Array.from({ length: 20 }, (_, i) => new Date(Date.now() - (i + 2) * 86400e3));
  const bodies = [];
  for (let k = 0; k < 200; k++) bodies.push(intakeBody({ received_at: rfc3339(days[(k * 7) % days.length]) }));
  await srv.login('agent1');
  const rs = await Promise.all(bodies.map((b) => srv.as('agent1', 'POST', '/complaints', { body: b })));
  for (const r of rs) assert.equal(r.status, 201, describe(r));
  const numbers = rs.map((r) => r.json.number);
  assert.equal(new Set(numbers).size, numbers.length, 'no number twice');
  const byDay = new Map();
  for (const n of numbers) {
    const [, , day, seq] = n.match(NUMBER_RE);
    byDay.set(day, [...(byDay.get(day) || []), Number(seq)]);
  }
  assert.equal(byDay.size, 20);
  for (const [day, seqs] of byDay) {
    seqs.sort((x, y) => x - y);
    assert.deepEqual(seqs, seqs.map((_, i) => seqs[0] + i), `dense on ${day}: ${seqs}`);
  }
});
