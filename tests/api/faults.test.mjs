// Known faults (issue #22): an announcement (系统公告) with its scope and
// script, published under the one-hour clock; the agents' view of it at
// intake; complaints about the fault answered with its script instead of
// being dispatched, counted apart in the reports, and closed together when
// the fault is resolved — one action, an event on each complaint.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, rfc3339, runCli } from './lib.mjs';

const srv = useServer();

const hourAgo = () => rfc3339(new Date(Date.now() - 3600e3));
const FAULT = () => ({
  title: '加油卡充值系统故障',
  script: '您好，因充值系统故障，今日充值暂时无法到账，预计两小时内恢复，恢复后自动到账，给您带来不便深表歉意。',
  scope: { units: ['SH-PD-01'], categories: [], channels: [] },
  starts_at: hourAgo(),
});

async function publish(over = {}, who = 'super1') {
  const r = await srv.as(who, 'POST', '/announcements', { body: { ...FAULT(), ...over } });
  assert.equal(r.status, 201, describe(r));
  return r.json;
}

srv.test('an announcement is published with its scope, script and one-hour clock, and refused when malformed', async () => {
  const a = await publish();
  assert.ok(Number.isInteger(a.id), describe({ status: 201, text: JSON.stringify(a) }));
  assert.equal(a.status, 'active');
  assert.equal(a.active, true);
  assert.equal(a.late, false, 'published on confirmation');
  assert.equal(a.scope.units[0].code, 'SH-PD-01');
  assert.ok(a.script.startsWith('您好'));

  // Confirmed three hours ago and published only now: late, and counted.
  const late = await publish({ confirmed_at: rfc3339(new Date(Date.now() - 3 * 3600e3)) });
  assert.equal(late.late, true);
  assert.ok(Date.parse(late.publish_due) < Date.now(), 'the notice was owed an hour after confirmation');
  const list = await srv.as('agent1', 'GET', '/announcements?active=true');
  assert.equal(list.status, 200, describe(list));
  assert.ok(list.json.items.some((x) => x.id === a.id) && list.json.items.some((x) => x.id === late.id));
  assert.ok(list.json.late >= 1);

  const bad = async (body, status, field) => {
    const r = await srv.as('super1', 'POST', '/announcements', { body });
    assert.equal(r.status, status, describe(r));
    assert.equal(errorOf(r).field, field, r.text);
  };
  await bad({ ...FAULT(), title: '' }, 422, 'title');
  await bad({ ...FAULT(), scope: { units: ['NOPE'] } }, 422, 'scope.units');
  await bad({ ...FAULT(), scope: { categories: ['no.such'] } }, 422, 'scope.categories');
  await bad({ ...FAULT(), scope: { stations: [] } }, 400, 'scope.stations');
  await bad({ ...FAULT(), starts_at: 'yesterday' }, 422, 'starts_at');
  await bad({ ...FAULT(), ends_at: rfc3339(new Date(Date.now() - 7200e3)) }, 422, 'ends_at');
  await bad({ ...FAULT(), colour: 'red' }, 400, 'colour');
  const agent = await srv.as('agent1', 'POST', '/announcements', { body: FAULT() });
  assert.equal(agent.status, 403, 'an agent reads announcements, a supervisor or administrator publishes them');
  const q = await srv.as('agent1', 'GET', '/announcements?colour=red');
  assert.equal(q.status, 400, describe(q));
});

srv.test('the intake form sees the announcements that cover its unit, category and channel', async () => {
  const a = await publish({ scope: { units: ['SH-PD-01'], categories: ['service'], channels: ['phone'] } });
  const seen = async (qs) => (await srv.as('agent1', 'GET', `/announcements?${qs}`)).json.items.some((x) => x.id === a.id);
  assert.equal(await seen('unit=SH-PD-01&category=service.attitude&channel=phone'), true, 'a subcategory is covered');
  assert.equal(await seen('unit=SH-PD-01&channel=email'), false, 'another channel is not');
  assert.equal(await seen('unit=SH-PD-02'), false, 'another station is not');
});

srv.test('an outage announcement absorbs ten complaints, which close together when it is resolved', async () => {
  const a = await publish({ scope: { units: ['SH-PD-01'], categories: [], channels: [] } });
  const ids = [];
  for (let i = 0; i < 10; i++) {
    const c = await srv.intake('agent1', { description: `充值不到账 ${i}` });
    const r = await srv.as('agent1', 'POST', `/announcements/${a.id}/complaints`, { body: { complaint: c.number } });
    assert.equal(r.status, 200, describe(r));
    assert.equal(r.json.status, 'registered', 'answered with the script, not dispatched for investigation');
    ids.push(c.id);
  }
  const first = await srv.get(ids[0]);
  assert.equal(first.announcement, a.id);
  assert.equal(first.fault_answer.script, FAULT().script, 'the script the agent answered with is on the record');
  const again = await srv.as('agent1', 'POST', `/announcements/${a.id}/complaints`, { body: { complaint: ids[0] } });
  assert.equal(again.status, 409, describe(again));
  // Outside the scope: refused.
  const other = await srv.intake('agent1', { subject_unit: 'SH-PD-02' });
  const out = await srv.as('agent1', 'POST', `/announcements/${a.id}/complaints`, { body: { complaint: other.id } });
  assert.equal(out.status, 422, describe(out));
  assert.equal(errorOf(out).field, 'complaint');

  const got = await srv.as('agent1', 'GET', `/announcements/${a.id}`);
  assert.equal(got.json.linked, 10);
  // The reports count them apart: in their own indicator, never in the on-time rate.
  const day = rfc3339().slice(0, 10);
  const total = async (ind, part) => {
    const rep = await srv.as('super1', 'GET', `/reports/${ind}?from=${day}&to=${day}`);
    assert.equal(rep.status, 200, describe(rep));
    return rep.json.total[part];
  };
  assert.ok(await total('fault', 'numerator') >= 10);
  const onTimeBefore = await total('on_time_rate', 'denominator');

  const res = await srv.as('super1', 'POST', `/announcements/${a.id}/actions/resolve`, { body: { resolution: '系统已恢复，充值已全部到账' } });
  assert.equal(res.status, 200, describe(res));
  assert.equal(res.json.status, 'resolved');
  assert.equal(res.json.closed, 10);
  assert.equal(res.json.left, 0);
  for (const id of ids) {
    const c = await srv.get(id);
    assert.equal(c.status, 'closed', `complaint ${id}`);
    const ev = await srv.events(id);
    const items = ev.items || ev;
    assert.ok(items.some((e) => e.action === 'fault_close'), 'an event on each complaint');
  }
  assert.equal(await total('on_time_rate', 'denominator'), onTimeBefore, 'closed with the fault, not counted as handled');
  const active = await srv.as('agent1', 'GET', '/announcements?active=true');
  assert.ok(!active.json.items.some((x) => x.id === a.id), 'a resolved announcement is no longer shown');
  const late = await srv.intake('agent1');
  const after = await srv.as('agent1', 'POST', `/announcements/${a.id}/complaints`, { body: { complaint: late.id } });
  assert.equal(after.status, 409, describe(after));
});

srv.test('the shell publishes, lists and resolves announcements through the same rules', async () => {
  const pub = await runCli(['announcement', 'publish', '--db', srv.dbUrl, '--as', 'super1', '--title', '停电公告',
    '--script', '因供电故障暂停营业，恢复后另行通知。', '--starts-at', hourAgo(), '--units', 'SH-PD-01', '--channels', 'phone']);
  assert.equal(pub.code, 0, pub.stderr);
  const id = Number(pub.stdout.split('\t')[0]);
  assert.ok(id > 0, pub.stdout);
  const c = await srv.intake('agent1', { channel: 'phone' });
  const r = await srv.as('agent1', 'POST', `/announcements/${id}/complaints`, { body: { complaint: c.id } });
  assert.equal(r.status, 200, describe(r));
  const list = await runCli(['announcement', 'list', '--active', '--db', srv.dbUrl]);
  assert.equal(list.code, 0, list.stderr);
  assert.ok(list.stdout.split('\n').some((l) => l.startsWith(`${id}\tactive\ton-time\t`)), list.stdout);
  const refused = await runCli(['announcement', 'publish', '--db', srv.dbUrl, '--as', 'agent1', '--title', 'x',
    '--script', 'y', '--starts-at', hourAgo()]);
  assert.notEqual(refused.code, 0, 'an agent does not announce');
  const bad = await runCli(['announcement', 'publish', '--db', srv.dbUrl, '--as', 'super1', '--title', 'x',
    '--script', 'y', '--starts-at', 'soon']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /starts_at/);
  const res = await runCli(['announcement', 'resolve', '--db', srv.dbUrl, '--as', 'super1', '--id', String(id),
    '--resolution', '供电已恢复']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /closed 1 complaint/);
  assert.equal((await srv.get(c.id)).status, 'closed');
});

srv.test('a complaint answered with a fault\'s script is not dispatched until it is unlinked from the fault', async () => {
  const a = await publish();
  const c = await srv.intake('agent1', { description: '充值未到账，客户接受公告口径' });
  const r = await srv.as('agent1', 'POST', `/announcements/${a.id}/complaints`, { body: { complaint: c.id } });
  assert.equal(r.status, 200, describe(r));

  // Refused with a 409 that says why, and not offered.
  const refused = await srv.act('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  assert.equal(refused.status, 409, describe(refused));
  assert.equal(errorOf(refused).code, 'action_not_allowed');
  assert.equal(errorOf(refused).field, 'announcement');
  assert.match(errorOf(refused).message, new RegExp(`announcement ${a.id}`));
  assert.match(errorOf(refused).message, /unlink/);
  for (const action of ['invalidate', 'mark_complex']) {
    const x = await srv.act('super1', c.id, action, action === 'invalidate' ? { reason_code: 'other', explanation: 'x' } : { reason: 'x' });
    assert.equal(x.status, 409, `${action}: ${describe(x)}`);
  }
  const offered = (await srv.actions(c.id, 'agent1')).items.map((x) => x.action);
  assert.ok(!offered.includes('dispatch'), offered.join());
  assert.ok(offered.includes('fault_unlink'), offered.join());

  // The customer does not accept the script: unlinked (with the reason), it is an ordinary complaint again.
  const noReason = await srv.act('agent1', c.id, 'fault_unlink', {});
  assert.equal(noReason.status, 422, describe(noReason));
  assert.equal(errorOf(noReason).field, 'reason');
  const day = rfc3339().slice(0, 10);
  const faults = async () => (await srv.as('super1', 'GET', `/reports/fault?from=${day}&to=${day}`)).json.total.numerator;
  const before = await faults();
  const un = await srv.step('agent1', c.id, 'fault_unlink', { reason: '客户不接受公告口径，要求查明原因' });
  assert.equal(await faults(), before - 1, 'no longer counted as a fault ticket');
  assert.ok(!un.announcement, 'no longer linked');
  assert.ok(un.deadlines?.stage, 'its dispatch clock runs again');
  const again = await srv.act('agent1', c.id, 'fault_unlink', { reason: 'x' });
  assert.equal(again.status, 409, describe(again));
  const d = await srv.step('agent1', c.id, 'dispatch', { unit: 'SH-PD-01' });
  assert.equal(d.status, 'dispatched');
  const got = await srv.as('agent1', 'GET', `/announcements/${a.id}`);
  assert.ok(!got.json.complaints.some((x) => x.id === c.id), 'the fault no longer lists it');
  const res = await srv.as('super1', 'POST', `/announcements/${a.id}/actions/resolve`, { body: {} });
  assert.equal(res.json.closed, 0);
  assert.equal((await srv.get(c.id)).status, 'dispatched', 'resolving the fault leaves it to its own path');
});

srv.test('an announcement for one unit is seen at intake for that unit only, and by the agents who work for it', async () => {
  const pd = await publish({ title: '浦东片区停电', scope: { units: ['SH-PD'], categories: [], channels: [] } });
  const mh = await publish({ title: '闵行片区系统故障', scope: { units: ['SH-MH'], categories: [], channels: [] } });
  const ids = async (who, qs) => (await srv.as(who, 'GET', `/announcements?active=true${qs}`)).json.items.map((x) => x.id);

  // The intake form asks for the unit complained about: only the fault of that unit's region.
  const atPd = await ids('agent1', '&unit=SH-PD-02');
  assert.ok(atPd.includes(pd.id) && !atPd.includes(mh.id), JSON.stringify(atPd));
  const atMh = await ids('agent1', '&unit=SH-MH-01');
  assert.ok(atMh.includes(mh.id) && !atMh.includes(pd.id), JSON.stringify(atMh));

  // A complaint about the other region cannot be answered with this fault's script.
  const c = await srv.intake('agent1', { subject_unit: 'SH-MH-01' });
  const out = await srv.as('agent1', 'POST', `/announcements/${pd.id}/complaints`, { body: { complaint: c.id } });
  assert.equal(out.status, 422, describe(out));
  assert.equal(errorOf(out).field, 'complaint');
  const ok = await srv.as('agent1', 'POST', `/announcements/${mh.id}/complaints`, { body: { complaint: c.id } });
  assert.equal(ok.status, 200, describe(ok));

  // The staff of a Pudong station and the Pudong region see the Pudong fault and not the Minhang one, even
  // without a filter; the branch's centre sees both.
  for (const who of ['pd01', 'pdmgr']) {
    const mine = await ids(who, '');
    assert.ok(mine.includes(pd.id) && !mine.includes(mh.id), `${who}: ${JSON.stringify(mine)}`);
    assert.equal((await srv.as(who, 'GET', `/announcements/${mh.id}`)).status, 404);
    assert.equal((await srv.as(who, 'GET', `/announcements/${pd.id}`)).status, 200);
  }
  const mhStation = await ids('mh01', '');
  assert.ok(mhStation.includes(mh.id) && !mhStation.includes(pd.id), JSON.stringify(mhStation));
  const centre = await ids('agent1', '');
  assert.ok(centre.includes(pd.id) && centre.includes(mh.id), JSON.stringify(centre));
});
