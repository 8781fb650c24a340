// Issue #22's scenarios in every other pack (the gas-station pack's are in
// faults, crises and appeals.test.mjs): an outage announcement absorbing ten
// complaints and closing them together; a media complaint opening an
// incident whose customer notice is on the portal; an appeal received
// before the National Day holiday, its report due by the pack's appeal limit
// on its calendar, reviewed by headquarters and sent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PackServer, intakeBody, rfc3339, describe, DEMO_PASSWORD } from './lib.mjs';

const PACKS = {
  telecom: { csc: 'HA-CSC', site: 'HA-ZZ-01', dueFrom: '2026-10-12' },
  utility: { csc: 'CITY-CSC', site: 'CITY-W-01', dueFrom: null },
  property: { csc: 'SZ-CSC', site: 'SZ-NS-01', dueFrom: '2026-10-12' },
  restaurant: { csc: 'EC-CSC', site: 'EC-SH-01', dueFrom: '2026-10-12' },
};

async function scenario(s, { site, dueFrom }) {
  const cfg = (await s.as('admin', 'GET', '/config')).json;
  const cats = (await s.as('admin', 'GET', '/categories')).json.items;
  const leaf = (c) => (c.children?.length ? leaf(c.children[0]) : c.code);
  const category = leaf(cats[cats.length - 1]);
  const cls = cfg.customer_classes[0].code;
  const root = (await s.as('admin', 'GET', '/units')).json.items.find((u) => !u.parent);
  const hq = await s.as('admin', 'POST', '/users', { body: { username: 'hqmgr', name: '总部', password: DEMO_PASSWORD, roles: ['manager'], unit: root.code } });
  assert.ok(hq.status === 201 || hq.status === 409, describe(hq));
  const intake = async (over) => {
    const r = await s.as('agent', 'POST', '/complaints', { body: intakeBody({ subject_staff: null, place: null, level: undefined,
      category, subject_unit: site, customer: { class: cls }, ...over }) });
    assert.equal(r.status, 201, describe(r));
    return r.json;
  };

  // An outage absorbing ten complaints, closed together.
  const an = await s.as('admin', 'POST', '/announcements', { body: { title: '系统故障', script: '系统故障，恢复后自动处理，敬请谅解。',
    scope: { units: [site] }, starts_at: rfc3339(new Date(Date.now() - 3600e3)) } });
  assert.equal(an.status, 201, describe(an));
  const seen = await s.as('agent', 'GET', `/announcements?unit=${site}&category=${category}&channel=phone`);
  assert.ok(seen.json.items.some((x) => x.id === an.json.id), 'the intake form sees it');
  for (let i = 0; i < 10; i++) {
    const c = await intake({ channel: 'phone', description: `故障投诉 ${i}` });
    const r = await s.as('agent', 'POST', `/announcements/${an.json.id}/complaints`, { body: { complaint: c.id } });
    assert.equal(r.status, 200, describe(r));
  }
  const res = await s.as('admin', 'POST', `/announcements/${an.json.id}/actions/resolve`, { body: {} });
  assert.equal(res.status, 200, describe(res));
  assert.equal(res.json.closed, 10);

  // A media complaint opens an incident whose notice reaches the portal.
  const media = await intake({ channel: 'media', description: '记者来电关注' });
  const inc = await s.as('admin', 'POST', '/incidents', { body: { title: '媒体关注', level: 1, description: '记者来电', complaint: media.id } });
  assert.equal(inc.status, 201, describe(inc));
  assert.ok(inc.json.response_level.name, 'the pack names its response levels');
  const n = await s.as('admin', 'POST', `/incidents/${inc.json.id}/actions/notice`, { body: { text: '致顾客的说明' } });
  assert.equal(n.status, 200, describe(n));
  const portal = await s.api('GET', '/portal/notices');
  assert.ok(portal.json.items.some((x) => x.id === inc.json.id && x.notice === '致顾客的说明'));

  // An appeal received before the holiday, reviewed by headquarters and sent.
  const source = cfg.appeals.sources[0].code;
  const ap = await intake({ channel: 'regulator', appeal_source: source, received_at: '2026-09-30T10:00:00+08:00' });
  let r = await s.as('agent', 'PUT', `/complaints/${ap.id}/appeal-report`, { body: { report: '已核实处理', registered: true } });
  assert.equal(r.status, 200, describe(r));
  assert.ok(Date.parse(r.json.due_at) > Date.parse('2026-09-30T10:00:00+08:00'));
  if (dueFrom) assert.ok(r.json.due_at.slice(0, 10) >= dueFrom, `due ${r.json.due_at}: after the holiday`);
  for (const [who, action] of [['agent', 'submit'], ['hqmgr', 'approve'], ['hqmgr', 'send']]) {
    r = await s.as(who, 'POST', `/complaints/${ap.id}/appeal-report/actions/${action}`, { body: {} });
    assert.equal(r.status, 200, `${action}: ${describe(r)}`);
  }
  assert.equal(r.json.status, 'sent');
}

for (const [pack, p] of Object.entries(PACKS)) {
  test(`pack ${pack}: known faults, a crisis by hand, an appeal across a holiday`, { timeout: 240000 }, async () => {
    const s = new PackServer(pack, [['agent', ['agent'], p.csc]]);
    try {
      await s.start();
      await scenario(s, p);
    } finally {
      await s.stop();
      await s.cleanup();
    }
  });
}
