// Optimistic concurrency: If-Match (or "version" in the body) makes a step
// conditional; two agents acting at once on the same version get exactly one
// success and one 409 version_conflict, and nothing is half-done.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe } from './lib.mjs';

const srv = useServer();

function currentVersionOf(r) {
  const e = r.json && r.json.error;
  return e?.current_version ?? r.json?.current_version;
}

srv.test('two agents dispatch with the same If-Match at once: one 200, one 409 version_conflict', async () => {
  for (let round = 0; round < 6; round++) {
    const c = await srv.intake('agent1');
    const t1 = await srv.login('agent1');
    const t2 = await srv.login('agent2');
    const path = `/complaints/${c.id}/actions/dispatch`;
    const [a, b] = await Promise.all([
      srv.api('POST', path, { token: t1, body: { unit: 'SH-PD-01', note: 'agent1' }, headers: { 'if-match': String(c.version) } }),
      srv.api('POST', path, { token: t2, body: { unit: 'SH-PD-02', note: 'agent2' }, headers: { 'if-match': String(c.version) } }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 409], `round ${round}: ${describe(a)} / ${describe(b)}`);
    const [win, lose] = a.status === 200 ? [a, b] : [b, a];
    const e = errorOf(lose);
    assert.equal(e.code, 'version_conflict', lose.text);
    assert.equal(currentVersionOf(lose), win.json.version, `409 names the current version: ${lose.text}`);

    const now = await srv.get(c.id);
    assert.equal(now.version, win.json.version);
    assert.equal(now.owner_unit.code, win.json.owner_unit.code, 'the winner\'s dispatch stands');
    const ev = await srv.events(c.id);
    assert.deepEqual(ev.map((x) => x.action), ['intake', 'dispatch'], `exactly one dispatch recorded (round ${round})`);
  }
});

srv.test('a stale If-Match → 409 version_conflict and nothing changes', async () => {
  const c = await srv.intake('agent1');
  const d = await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  const before = await srv.events(c.id);
  const stale = await srv.act('pd01', c.id, 'accept', { note: 'stale' }, { 'if-match': String(c.version) });
  assert.equal(stale.status, 409, describe(stale));
  assert.equal(errorOf(stale).code, 'version_conflict');
  assert.equal(currentVersionOf(stale), d.version);
  const after = await srv.get(c.id);
  assert.equal(after.status, 'dispatched', 'status unchanged');
  assert.equal(after.version, d.version, 'version unchanged');
  assert.equal((await srv.events(c.id)).length, before.length, 'events count unchanged');

  // Comment too (an action that does not change the status).
  const sc = await srv.act('agent1', c.id, 'comment', { text: '过期版本' }, { 'if-match': String(c.version) });
  assert.equal(sc.status, 409, describe(sc));
  assert.equal(errorOf(sc).code, 'version_conflict');
  assert.equal((await srv.events(c.id)).length, before.length, 'events count unchanged');

  // A future version is just as wrong.
  const fut = await srv.act('agent1', c.id, 'comment', { text: '未来版本' }, { 'if-match': String(d.version + 5) });
  assert.equal(fut.status, 409, describe(fut));
  assert.equal(errorOf(fut).code, 'version_conflict');

  // The current version works.
  const ok = await srv.act('pd01', c.id, 'accept', { note: 'fresh' }, { 'if-match': String(d.version) });
  assert.equal(ok.status, 200, describe(ok));
  assert.equal(ok.json.status, 'processing');
  assert.ok(ok.json.version > d.version);
});

srv.test('"version" in the body works like If-Match', async () => {
  const c = await srv.intake('agent1');
  const stale = await srv.act('agent1', c.id, 'dispatch', { unit: 'SH-PD-01', version: c.version + 1 });
  assert.equal(stale.status, 409, describe(stale));
  assert.equal(errorOf(stale).code, 'version_conflict');
  assert.equal((await srv.get(c.id)).status, 'registered');
  const ok = await srv.act('agent1', c.id, 'dispatch', { unit: 'SH-PD-01', version: c.version });
  assert.equal(ok.status, 200, describe(ok));
  assert.equal(ok.json.status, 'dispatched');
});

srv.test('a malformed "version" in the body → 400 naming it, never applied without the check', async () => {
  const c = await srv.intake('agent1');
  for (const version of ['abc', -1, 1.5, [], {}, true, String(c.version)]) {
    const r = await srv.act('agent1', c.id, 'comment', { text: '版本格式错误', version });
    assert.equal(r.status, 400, `version ${JSON.stringify(version)}: ${describe(r)}`);
    assert.equal(errorOf(r).field, 'version');
  }
  assert.equal((await srv.get(c.id)).version, c.version, 'nothing was applied');
  const unconditional = await srv.act('agent1', c.id, 'comment', { text: '无版本', version: null });
  assert.equal(unconditional.status, 200, `null is no version: ${describe(unconditional)}`);
});

srv.test('a malformed If-Match → 400 (or 409), never applied', async () => {
  const c = await srv.intake('agent1');
  const r = await srv.act('agent1', c.id, 'comment', { text: 'x' }, { 'if-match': 'banana' });
  assert.ok([400, 409, 412, 422].includes(r.status), describe(r));
  errorOf(r);
  assert.equal((await srv.get(c.id)).version, c.version);
});

srv.test('12 concurrent unconditional comments are all applied, in a gap-free chain', async () => {
  const c = await srv.intake('agent1');
  const users = ['agent1', 'agent2', 'super1', 'manager1'];
  for (const u of users) await srv.login(u);
  const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => srv.act(users[i % users.length], c.id, 'comment', { text: `并发备注 ${i}` })));
  for (const r of rs) assert.equal(r.status, 200, describe(r));
  const versions = rs.map((r) => r.json.version);
  assert.equal(new Set(versions).size, 12, `each step saw its own version: ${versions}`);
  const now = await srv.get(c.id);
  assert.equal(now.version, Math.max(...versions));
  const ev = await srv.events(c.id);
  assert.equal(ev.length, 13, 'intake + 12 comments');
  assert.deepEqual(ev.map((e) => e.seq), Array.from({ length: 13 }, (_, i) => i + 1));
  const texts = new Set(ev.filter((e) => e.action === 'comment').map((e) => JSON.stringify(e.payload)));
  assert.equal(texts.size, 12, 'every comment kept');
});

srv.test('racing different actions (accept vs transfer) leaves one consistent outcome', async () => {
  for (let round = 0; round < 4; round++) {
    const c = await srv.intake('agent1');
    const d = await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
    const [acc, tr] = await Promise.all([
      srv.act('pd01', c.id, 'accept', {}, { 'if-match': String(d.version) }),
      srv.act('super1', c.id, 'transfer', { unit: 'SH-PD-02', reason: '改派' }, { 'if-match': String(d.version) }),
    ]);
    // One wins. When the transfer wins, the station's accept is refused as
    // stale (409) if it read the complaint before the transfer, or, if it
    // read it after, because the complaint is no longer its unit's (403: a
    // caller's rights are decided before its version, docs/api.md).
    if (tr.status === 200) assert.ok([403, 409].includes(acc.status), `${describe(acc)} / ${describe(tr)}`);
    else assert.deepEqual([acc.status, tr.status], [200, 409], `${describe(acc)} / ${describe(tr)}`);
    const now = await srv.get(c.id);
    if (acc.status === 200) {
      assert.equal(now.status, 'processing');
      assert.equal(now.owner_unit.code, 'SH-PD-01');
    } else {
      assert.equal(now.status, 'dispatched');
      assert.equal(now.owner_unit.code, 'SH-PD-02');
    }
    assert.equal((await srv.events(c.id)).length, 3);
  }
});
