// Customer data (docs/privacy.md): sealed at rest — a customer's phone and
// name are nowhere in the database file, its WAL or a backup — shown masked
// by default, in clear only on an explicit, audited request by someone with
// the pii permission; a customer found by phone can be exported, corrected
// and erased (the statistics stay, verify still passes); the retention
// policy anonymises at an explicit --now; rekey re-wraps every key while
// the server keeps serving.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  useServer, runCli, runSqlite, runPsql, describe, storedText, latin1, errorOf, uniquePhone, KEY_FILE, rfc3339, ON_SPOT_VALID,
} from './lib.mjs';

const srv = useServer();

const masked = (phone) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

async function audit(query, who = 'auditor1') {
  const r = await srv.as(who, 'GET', `/audit${query}`);
  assert.equal(r.status, 200, describe(r));
  return r.json.items;
}

async function userId(username) {
  const r = await srv.as('admin', 'GET', '/users');
  return r.json.items.find((x) => x.username === username).id;
}

// A complaint of a customer of its own: a name and a phone found nowhere else.
async function customerComplaint(over = {}) {
  const phone = uniquePhone();
  const name = `欧阳${phone.slice(-4)}`;
  const c = await srv.intake('agent1', {
    customer: { name, phone, email: `cust${phone}@example.cn`, plate: '沪A12345', card_no: '6222020200112233' },
    description: `客户${name}说：请回电 ${phone}，或发邮件 cust${phone}@example.cn。`,
    ...over,
  });
  return { c, phone, name };
}



srv.test('a customer\'s phone, name and e-mail are nowhere in the database, its WAL or a backup', async () => {
  const { c, phone, name } = await customerComplaint();
  await srv.step('agent1', c.id, 'comment', { text: `已联系${name}，电话 ${phone}` });
  const text = await storedText(srv);
  assert.ok(text.includes(c.number), 'the search does read the stored data (the number is there)');
  for (const secret of [phone, name, `cust${phone}`, '6222020200112233']) {
    assert.ok(!text.includes(latin1(secret)), `"${secret}" is not stored in clear`);
  }
  if (!srv.isSqlite) return;
  const backup = path.join(srv.tmp, 'backup.db');
  const r = await runCli(['backup', '--db', srv.dbUrl, backup]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.statSync(backup).mode & 0o777, 0o600, 'the backup is private');
  const b = fs.readFileSync(backup).toString('latin1');
  assert.ok(b.includes(c.number), 'the backup holds the complaint');
  for (const secret of [phone, name, `cust${phone}`]) assert.ok(!b.includes(latin1(secret)), `"${secret}" is not in the backup`);
  assert.equal((await runSqlite(backup, `SELECT count(*) FROM complaints WHERE number = '${c.number}'`)).trim(), '1',
    'the backup is a working database');
  assert.equal((await runCli(['backup', '--db', srv.dbUrl, backup])).code, 1, 'an existing file is not overwritten');
});

srv.test('the SQLite database, its WAL and shared-memory files and a copy\'s target are created 0600', async () => {
  if (!srv.isSqlite) return;
  for (const f of [srv.dbPath, `${srv.dbPath}-wal`, `${srv.dbPath}-shm`]) {
    assert.equal(fs.statSync(f).mode & 0o777, 0o600, `${path.basename(f)} is private`);
  }
  const fresh = path.join(srv.tmp, 'fresh.db');
  const r = await runCli(['migrate', '--db', `sqlite:${fresh}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.statSync(fresh).mode & 0o777, 0o600, 'a database made by any command is private');
});

srv.test('the key file is created with mode 0600 and holds no customer data', async () => {
  const st = fs.statSync(KEY_FILE);
  assert.equal(st.mode & 0o777, 0o600);
  assert.match(fs.readFileSync(KEY_FILE, 'utf8'), /^k\S+ [0-9a-f]{64}$/m);
});

srv.test('customer data is masked by default, in the complaint, the list and the timeline', async () => {
  const { c, phone, name } = await customerComplaint();
  assert.equal(c.customer.phone, masked(phone));
  assert.equal(c.customer.name, `${name[0]}**`);
  assert.equal(c.customer.email, 'c***@example.cn');
  assert.equal(c.customer.plate, '沪A***');
  assert.equal(c.customer.card_no, '****2233');
  assert.ok(!c.description.includes(phone) && !c.description.includes(name), `free text masked: ${c.description}`);
  assert.ok(c.description.includes(masked(phone)), `the phone in the text is masked: ${c.description}`);
  assert.ok(c.description.includes('请回电'), 'the rest of the text stays readable');
  for (const who of ['agent1', 'super1', 'manager1', 'auditor1']) {
    const got = await srv.get(c.id, who);
    assert.equal(got.customer.phone, masked(phone), `${who} sees it masked`);
  }
  // The list filter works through the blind index, and lists masked values.
  const list = await srv.as('agent1', 'GET', `/complaints?phone=${phone}`);
  assert.equal(list.status, 200, describe(list));
  assert.deepEqual(list.json.items.map((x) => x.id), [c.id]);
  assert.equal(list.json.items[0].customer.name, `${name[0]}**`);
  const events = await srv.events(c.id);
  assert.ok(!JSON.stringify(events).includes(phone), 'the timeline holds no phone in clear');
  assert.ok(!JSON.stringify(events).includes('pii1:'), 'nor sealed values');
});

srv.test('unmasking needs the pii permission and is an audit entry: who looked at whose data, when', async () => {
  const { c, phone, name } = await customerComplaint();
  const before = Date.now();
  const r = await srv.as('agent1', 'POST', `/complaints/${c.id}/pii`, { body: { reason: '回访客户' } });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.complaint.customer.phone, phone);
  assert.equal(r.json.complaint.customer.name, name);
  assert.ok(r.json.complaint.description.includes(phone));
  assert.equal(r.json.events[0].payload.customer.name, name, 'the events in clear too');

  const entries = await audit(`?action=pii_view&subject=complaint:${c.id}`);
  assert.equal(entries.length, 1, JSON.stringify(entries));
  const e = entries[0];
  assert.equal(e.actor.username, 'agent1');
  assert.match(e.customer, /^[0-9a-f]{32}$/, 'the customer is named by the blind index of the phone');
  assert.ok(Date.parse(e.at) >= before - 2000);
  assert.ok(!JSON.stringify(e).includes(phone) && !JSON.stringify(e).includes(name), 'the entry holds no customer data');
  // The same customer's later complaints carry the same index: "by customer".
  const { c: c2 } = await customerComplaint({ customer: { name, phone } });
  await srv.clear(c2.id, 'super1');
  const byCustomer = await audit(`?customer=${e.customer}&action=pii_view`);
  assert.deepEqual(byCustomer.map((x) => x.subject).sort(), [`complaint:${c.id}`, `complaint:${c2.id}`].sort());

  // Managers, auditors and administrators do not have it by default.
  for (const who of ['manager1', 'auditor1', 'admin']) {
    const d = await srv.as(who, 'POST', `/complaints/${c.id}/pii`, { body: {} });
    assert.equal(d.status, 403, `${who}: ${describe(d)}`);
    assert.equal(errorOf(d).code, 'forbidden');
  }
  assert.equal((await audit(`?action=pii_view&subject=complaint:${c.id}`)).length, 1, 'a refused view is no view');
  // …but a denial (auditors never act, so theirs is the route's own); the
  // administrator's is read at the root, outside the centre's scope.
  const denials = await audit('?action=denied', 'admin');
  for (const u of ['manager1', 'auditor1', 'admin']) assert.ok(denials.some((x) => x.actor?.username === u), `${u}'s denial is recorded`);
  assert.ok(denials.some((x) => x.actor?.username === 'manager1' && x.subject === 'permission:pii'));
  // Outside the caller's scope it does not exist.
  const other = await srv.as('pd01', 'POST', `/complaints/${(await customerComplaint({ subject_unit: 'SH-MH-02' })).c.id}/pii`, { body: {} });
  assert.equal(other.status, 404, describe(other));
});

srv.test('the pii permission is granted and revoked per user (API for admins, CLI)', async () => {
  const { c, phone } = await customerComplaint();
  const adminId = await userId('admin');
  const agentId = await userId('agent1');
  const me = await srv.as('admin', 'GET', '/auth/me');
  assert.equal(me.json.permissions.pii, false, 'an administrator does not see customer data unless granted');
  let r = await srv.as('admin', 'PUT', `/users/${adminId}/permissions/pii`, { body: { granted: true } });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.permissions.pii, true);
  assert.equal((await srv.clear(c.id, 'admin')).complaint.customer.phone, phone);
  r = await srv.as('admin', 'PUT', `/users/${agentId}/permissions/pii`, { body: { granted: false } });
  assert.equal(r.status, 200, describe(r));
  assert.equal((await srv.as('agent1', 'POST', `/complaints/${c.id}/pii`, { body: {} })).status, 403, 'revoked');
  r = await srv.as('admin', 'DELETE', `/users/${agentId}/permissions/pii`);
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.permissions.pii, true, 'back to the role default');
  assert.equal((await srv.as('agent1', 'GET', '/auth/me')).json.permissions.pii, true);
  // Validation and authorisation.
  r = await srv.as('admin', 'PUT', `/users/${agentId}/permissions/pii`, { body: { granted: 'yes' } });
  assert.equal(r.status, 422, describe(r));
  assert.equal(errorOf(r).field, 'granted');
  assert.equal((await srv.as('admin', 'PUT', `/users/${agentId}/permissions/root`, { body: { granted: true } })).status, 404);
  assert.equal((await srv.as('super1', 'PUT', `/users/${agentId}/permissions/pii`, { body: { granted: true } })).status, 403);
  const changes = await audit(`?action=user_change&subject=user:${agentId}`);
  assert.ok(changes.length >= 2, 'grant changes are audited');
  // The command line.
  const cli = await runCli(['user', 'grant', 'manager1', 'pii', '--db', srv.dbUrl]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal((await srv.clear(c.id, 'manager1')).complaint.customer.phone, phone);
  assert.equal((await runCli(['user', 'revoke', 'manager1', 'pii', '--db', srv.dbUrl])).code, 0);
  assert.equal((await srv.as('manager1', 'POST', `/complaints/${c.id}/pii`, { body: {} })).status, 403);
  await srv.as('admin', 'PUT', `/users/${adminId}/permissions/pii`, { body: { granted: false } });
});

srv.test('a customer found by phone: export everything held about them, audited', async () => {
  const { c, phone, name } = await customerComplaint();
  const { c: c2 } = await customerComplaint({ customer: { name, phone } });
  const look = await srv.as('agent1', 'POST', '/customers/lookup', { body: { phone } });
  assert.equal(look.status, 200, describe(look));
  assert.deepEqual(look.json.items.map((x) => x.id).sort(), [c.id, c2.id].sort());
  assert.equal(look.json.items[0].customer.phone, masked(phone), 'the lookup shows masked data');
  const r = await srv.as('agent1', 'POST', '/customers/export', { body: { phone } });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.headers.get('cache-control'), 'no-store', 'data in clear is never cached');
  assert.equal(r.json.complaints.length, 2);
  const one = await srv.as('agent1', 'POST', `/complaints/${c.id}/pii`, { body: {} });
  assert.equal(one.status, 200, describe(one));
  assert.equal(one.headers.get('cache-control'), 'no-store');
  for (const x of r.json.complaints) {
    assert.equal(x.complaint.customer.name, name);
    assert.equal(x.complaint.customer.phone, phone);
    assert.ok(x.events.length >= 1);
  }
  const e = await audit(`?action=pii_export&customer=${look.json.customer}`);
  assert.equal(e.length, 1);
  assert.equal(e[0].actor.username, 'agent1');
  // Validation and permission.
  const bad = await srv.as('agent1', 'POST', '/customers/export', { body: { phone: '12' } });
  assert.equal(bad.status, 422, describe(bad));
  assert.equal(errorOf(bad).field, 'phone');
  assert.equal((await srv.as('auditor1', 'POST', '/customers/export', { body: { phone } })).status, 403);
});

srv.test('correcting a customer\'s data is a new event with the corrected values sealed', async () => {
  const { c, phone } = await customerComplaint();
  const newPhone = uniquePhone();
  const r = await srv.as('agent1', 'POST', '/customers/correct', {
    body: { phone, customer: { name: '欧阳更正', phone: newPhone, email: 'fixed@example.cn' } },
  });
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.corrected, 1);
  const clear = await srv.clear(c.id);
  assert.equal(clear.complaint.customer.name, '欧阳更正');
  assert.equal(clear.complaint.customer.phone, newPhone);
  assert.equal(clear.complaint.customer.email, 'fixed@example.cn');
  assert.equal(clear.events.at(-1).action, 'correct');
  assert.equal(clear.complaint.version, c.version + 1);
  // Found under the new phone, not the old one.
  assert.equal((await srv.as('agent1', 'GET', `/complaints?phone=${newPhone}`)).json.items.length, 1);
  assert.equal((await srv.as('agent1', 'GET', `/complaints?phone=${phone}`)).json.items.length, 0);
  assert.ok(!(await storedText(srv)).includes(latin1('欧阳更正')), 'the correction is sealed');
  const bad = await srv.as('agent1', 'POST', '/customers/correct', { body: { phone: newPhone, customer: { colour: 'red' } } });
  assert.equal(bad.status, 400, describe(bad));
  assert.equal(errorOf(bad).code, 'unknown_field');
  assert.equal(errorOf(bad).field, 'customer.colour');
  assert.equal((await audit('?action=pii_correct')).length >= 1, true);
});

// 004: 對於需要跟進的投訴,還需記錄投訴人的緊急聯繫人信息 — the emergency contact is
// taken at intake with the address, plate and card number, sealed and masked
// as they are; a detail mistyped at intake is corrected on the complaint as a
// correction of its record (更正): by who may correct it, with the reason.
srv.test('the customer\'s details of one complaint are corrected on the complaint, with the reason', async () => {
  const phone = uniquePhone();
  const full = await srv.intake('agent1', { customer: { name: '司马先生', phone, address: '上海市浦东新区世纪大道100号', plate: '沪B54321',
    card_no: '6222020200998877', emergency_contact: '司马太太 13912340000' }, description: '油卡被多扣款，需回电处理。' });
  const masked = await srv.get(full.id);
  assert.equal(masked.customer.emergency_contact, '司***', 'masked like the name');
  assert.equal(masked.customer.plate, '沪B***');
  assert.ok(!(await storedText(srv)).includes(latin1('司马太太')), 'the emergency contact is sealed');
  let clear = await srv.clear(full.id);
  assert.equal(clear.complaint.customer.emergency_contact, '司马太太 13912340000');

  const r = await srv.as('agent1', 'POST', `/complaints/${full.id}/customer`, {
    body: { customer: { plate: '沪B54312', emergency_contact: '司马小姐 13912341111' }, reason: '车牌号登记时输错' } });
  assert.equal(r.status, 200, describe(r));
  assert.deepEqual(r.json.items, [full.number]);
  clear = await srv.clear(full.id);
  assert.equal(clear.complaint.customer.plate, '沪B54312');
  assert.equal(clear.complaint.customer.emergency_contact, '司马小姐 13912341111');
  assert.equal(clear.complaint.customer.address, '上海市浦东新区世纪大道100号', 'what is not corrected stays');
  const ev = clear.events.at(-1);
  assert.equal(ev.action, 'correct');
  assert.equal(ev.payload.reason, '车牌号登记时输错');
  assert.ok(!(await storedText(srv)).includes(latin1('车牌号登记时输错')), 'the reason is sealed with the values');
  const entries = await audit(`?action=pii_correct`);
  assert.ok(entries.some((x) => JSON.stringify(x).includes(full.number) && !JSON.stringify(x).includes('司马小姐')), 'audited by field name');

  // The reason is required; unknown and statistical fields are refused; the unit complained about may not correct.
  let bad = await srv.as('agent1', 'POST', `/complaints/${full.id}/customer`, { body: { customer: { plate: '沪B00000' } } });
  assert.equal(bad.status, 422, describe(bad));
  assert.equal(errorOf(bad).field, 'reason');
  bad = await srv.as('agent1', 'POST', `/complaints/${full.id}/customer`, { body: { customer: { class: 'vip' }, reason: '改类别' } });
  assert.equal(bad.status, 400, describe(bad));
  assert.equal(errorOf(bad).field, 'customer.class');
  bad = await srv.as('agent1', 'POST', `/complaints/${full.id}/customer`, { body: { customer: { plate: '沪B00000' }, reason: 'x', colour: 1 } });
  assert.equal(bad.status, 400, describe(bad));
  await srv.step('agent1', full.id, 'dispatch', { unit: 'SH-PD-01' });
  bad = await srv.as('pd01', 'POST', `/complaints/${full.id}/customer`, { body: { customer: { plate: '沪B00000' }, reason: '改' } });
  assert.equal(bad.status, 403, describe(bad));
  assert.equal((await srv.clear(full.id)).complaint.customer.plate, '沪B54312', 'nothing changed');
});

srv.test('erasing a customer keeps the statistics, destroys the key, and verify still passes', async () => {
  const { c, phone, name } = await customerComplaint({ level: 2 });
  await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01', note: `请联系${name} ${phone}` });
  const statsBefore = (await srv.as('super1', 'GET', '/stats/overview')).json;
  const denied = await srv.as('agent1', 'POST', '/customers/erase', { body: { phone, confirm: true } });
  assert.equal(denied.status, 403, 'agents do not erase');
  const noConfirm = await srv.as('super1', 'POST', '/customers/erase', { body: { phone } });
  assert.equal(noConfirm.status, 422, describe(noConfirm));
  assert.equal(errorOf(noConfirm).field, 'confirm');

  const r = await srv.as('super1', 'POST', '/customers/erase', { body: { phone, confirm: true } });
  assert.equal(r.status, 200, describe(r));
  assert.deepEqual(r.json.items, [c.number]);
  const got = await srv.get(c.id);
  assert.equal(got.customer.name, '***');
  assert.equal(got.customer.phone, '***');
  assert.equal(got.description, '***');
  assert.equal(got.level, 2, 'the level stays');
  assert.equal(got.category.code, c.category.code, 'the category stays');
  assert.equal(got.subject_unit.code, 'SH-PD-01', 'the unit stays');
  assert.equal(got.received_at, c.received_at, 'the dates stay');
  assert.equal(got.status, 'dispatched', 'the workflow state stays');
  const statsAfter = (await srv.as('super1', 'GET', '/stats/overview')).json;
  assert.deepEqual(statsAfter.by_status, statsBefore.by_status, 'the statistics are unchanged');
  // Even someone allowed to see it in clear gets nothing back, from the events either.
  const clear = await srv.clear(c.id, 'super1');
  assert.equal(clear.complaint.customer.name, '***');
  assert.ok(!JSON.stringify(clear.events).includes(phone), 'the old events can no longer be opened');
  assert.equal(clear.events.at(-1).action, 'anonymise');
  // Nor is the customer found by phone any more, nor can the portal look it up.
  assert.equal((await srv.as('agent1', 'GET', `/complaints?phone=${phone}`)).json.items.length, 0);
  assert.equal((await srv.api('GET', `/portal/complaints/${c.number}?phone=${phone}`)).status, 404);
  if (srv.isSqlite) {
    assert.equal((await runSqlite(srv.dbPath, `SELECT count(*) FROM pii_keys WHERE complaint_id = ${c.id}`)).trim(), '0', 'the data key is gone');
  } else {
    assert.equal((await runPsql(srv.dbUrl, `SELECT count(*) FROM pii_keys WHERE complaint_id = ${c.id}`)).trim(), '0', 'the data key is gone');
  }
  const v = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(v.code, 0, `verify after erasure:\n${v.stdout}\n${v.stderr}`);
  const e = await audit('?action=pii_erase');
  assert.ok(e.some((x) => x.actor.username === 'super1'), 'the erasure is audited');
  // Text can no longer be added to it; other steps still work.
  const comment = await srv.act('agent1', c.id, 'comment', { text: '还有话说' });
  assert.equal(comment.status, 409, describe(comment));
  assert.equal((await srv.as('super1', 'POST', '/customers/erase', { body: { phone, confirm: true } })).status, 404,
    'erased customers are not found again');
});

srv.test('retention anonymises complaints closed longer ago than the period, at an explicit --now', async () => {
  const { c, phone } = await customerComplaint();
  const closed = await srv.step('agent1', c.id, 'answer', { answer: '当场答复', ...ON_SPOT_VALID });
  assert.equal(closed.status, 'closed');
  const at = Date.parse(closed.closed_at);
  let r = await runCli(['retention', '--db', srv.dbUrl, '--days', '30', '--now', rfc3339(new Date(at + 29 * 86400e3))]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes(c.number), `not yet after 29 days: ${r.stdout}`);
  assert.equal((await srv.clear(c.id)).complaint.customer.phone, phone);
  r = await runCli(['retention', '--db', srv.dbUrl, '--days', '30', '--now', rfc3339(new Date(at + 31 * 86400e3))]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes(`anonymised ${c.number}`), r.stdout);
  const got = await srv.get(c.id);
  assert.equal(got.customer.name, '***');
  assert.equal(got.status, 'closed');
  assert.equal(got.closed_at, closed.closed_at);
  const again = await runCli(['retention', '--db', srv.dbUrl, '--days', '30', '--now', rfc3339(new Date(at + 40 * 86400e3))]);
  assert.ok(!again.stdout.includes(c.number), 'once only');
  assert.ok((await audit('?action=retention_anonymise')).some((x) => x.subject === `complaint:${c.id}`));
  assert.equal((await runCli(['verify', '--db', srv.dbUrl])).code, 0);
});

srv.test('rekey re-wraps every key under a new master key while the server keeps serving', async () => {
  const before = fs.readFileSync(KEY_FILE, 'utf8').match(/^(k\S+) /m)[1];
  const { c, phone } = await customerComplaint();
  // Intake goes on while the keys are rotated.
  const during = [];
  const rekey = runCli(['rekey', '--db', srv.dbUrl]);
  for (let i = 0; i < 10; i++) during.push(await customerComplaint());
  const r = await rekey;
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const keys = fs.readFileSync(KEY_FILE, 'utf8').match(/^k\S+ /gm);
  assert.equal(keys.length, 1, 'the old key is retired from the file');
  const after = keys[0].trim();
  assert.notEqual(after, before);
  assert.equal(fs.statSync(KEY_FILE).mode & 0o777, 0o600);
  // The running server reads the old complaint and the new ones.
  assert.equal((await srv.clear(c.id)).complaint.customer.phone, phone);
  for (const d of during) assert.equal((await srv.clear(d.c.id)).complaint.customer.phone, d.phone);
  const late = await customerComplaint();
  // Lookups by phone survive the rotation (the index key is re-wrapped, not changed).
  assert.equal((await srv.as('agent1', 'GET', `/complaints?phone=${phone}`)).json.items.length, 1);
  // Only the new key wraps anything now.
  const ids = srv.isSqlite
    ? await runSqlite(srv.dbPath, 'SELECT DISTINCT key_id FROM pii_keys')
    : await runPsql(srv.dbUrl, 'SELECT DISTINCT key_id FROM pii_keys');
  assert.deepEqual(ids.trim().split('\n'), [after]);
  // A restarted server has only the new key and reads everything.
  await srv.stop();
  await srv.spawnServer('serve');
  assert.equal((await srv.clear(late.c.id)).complaint.customer.phone, late.phone);
  assert.equal((await srv.clear(c.id)).complaint.customer.phone, phone);
  assert.ok((await audit('?action=rekey', 'admin')).length >= 1, 'the keys are the installation\'s: read at the root');
});

srv.test('a key file with the right key id but other bytes is reported as a wrong key, not a missing one', async () => {
  const text = fs.readFileSync(KEY_FILE, 'utf8');
  // Every key keeps its id; its 64 hex digits are flipped.
  const wrong = text.replace(/^(\S+)\s+([0-9a-fA-F]{64})\s*$/gm,
    (m, id, hex) => `${id} ${[...hex].map((d) => (15 - parseInt(d, 16)).toString(16)).join('')}`);
  assert.notEqual(wrong, text, 'the key file holds a key line');
  const file = path.join(srv.tmp, 'wrong.key');
  fs.writeFileSync(file, wrong, { mode: 0o600 });
  const r = await runCli(['serve', '--db', srv.dbUrl, '--listen', '127.0.0.1:1'], { env: { REDRESS_KEY_FILE: file } });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /wrong key/, r.stderr);
  assert.doesNotMatch(r.stderr, /missing key|does not hold/, r.stderr);
  // An id the file does not have is a missing key.
  fs.writeFileSync(file, wrong.replace(/^(\S+)(\s+[0-9a-fA-F]{64})/gm, 'other$2'), { mode: 0o600 });
  const m = await runCli(['serve', '--db', srv.dbUrl, '--listen', '127.0.0.1:1'], { env: { REDRESS_KEY_FILE: file } });
  assert.notEqual(m.code, 0);
  assert.match(m.stderr, /missing key/, m.stderr);
});

srv.test('serve refuses to start without its key file', async () => {
  const r = await runCli(['serve', '--db', srv.dbUrl, '--listen', '127.0.0.1:1'], { env: { REDRESS_KEY_FILE: path.join(srv.tmp, 'none.key') } });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /key/);
});

// 001: 受理人及受理机关应严格遵守保密制度,为投诉者保密. The gas-station pack lets the
// station's handler see the customer (000: the station contacts the customer
// for the fuel sample), stating why; a pack that names no role keeps the
// unit complained about from seeing who complained at all.
srv.test('the unit complained about sees the customer only as its pack allows, with a reason', async () => {
  const { c, phone } = await customerComplaint({ subject_unit: 'SH-PD-01' });
  const bare = await srv.as('pd01', 'POST', `/complaints/${c.id}/pii`, { body: {} });
  assert.equal(bare.status, 422, describe(bare));
  assert.equal(errorOf(bare).field, 'reason');
  const why = await srv.as('pd01', 'POST', `/complaints/${c.id}/pii`, { body: { reason: '联系客户三方取样' } });
  assert.equal(why.status, 200, describe(why));
  assert.equal(why.json.complaint.customer.phone, phone);
  // The service centre is not the unit complained about: no reason needed.
  assert.equal((await srv.as('agent1', 'POST', `/complaints/${c.id}/pii`, { body: {} })).status, 200);

  const versions = (await srv.as('admin', 'GET', '/config/versions')).json.items;
  const active = versions.find((x) => x.active);
  const { pack } = (await srv.as('admin', 'GET', `/config/versions/${active.version}`)).json;
  const bad = await srv.as('admin', 'POST', '/config/versions', {
    body: { reason: 'x', pack: { ...pack, confidentiality: { subject_unit_roles: ['nobody'] } } },
  });
  assert.equal(bad.status, 422);
  assert.equal(errorOf(bad).field, 'pack.confidentiality.subject_unit_roles');
  const strict = await srv.as('admin', 'POST', '/config/versions', {
    body: { reason: '为投诉者保密：被投诉单位不得查看', pack: { ...pack, confidentiality: { subject_unit_roles: [] } } },
  });
  assert.equal(strict.status, 201, describe(strict));
  try {
    const no = await srv.as('pd01', 'POST', `/complaints/${c.id}/pii`, { body: { reason: '联系客户' } });
    assert.equal(no.status, 403, describe(no));
    const denied = (await srv.as('auditor1', 'GET', '/audit?action=denied')).json.items
      .filter((x) => x.actor?.username === 'pd01' && x.subject === `complaint:${c.id}`);
    assert.equal(denied.length, 1, 'the refusal is in the audit log');
    assert.equal(denied[0].detail.reason, 'confidential');
    assert.equal((await srv.as('agent1', 'POST', `/complaints/${c.id}/pii`, { body: {} })).status, 200, 'the centre still may');
  } finally {
    const back = await srv.as('admin', 'POST', `/config/versions/${active.version}/activate`, { body: { reason: '恢复' } });
    assert.equal(back.status, 201, describe(back));
  }
});
