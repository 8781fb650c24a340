// Early warning on the trend of complaints. Seed 002: 通過數據分析與顧客反饋,
// 建立客戶服務危機的早期預警機制. The gas-station pack compares the last 7 days
// with the 28 before them: a business line whose complaints reach 5 and at
// least double their usual level, or a station reaching 3, warns the service
// centre's supervisors — on the board (GET /trends) and, once a day, through
// the sweeper's in-app notice.

import assert from 'node:assert/strict';
import { test, before, after } from 'node:test';
import { PackServer, describe, errorOf, runCli } from './lib.mjs';

// A pack without the demo's complaints: the counts are this file's alone.
const srv = new PackServer('gas-station', [['agent1', ['agent'], 'SH-CSC'], ['super1', ['supervisor'], 'SH-CSC'],
  ['manager1', ['manager'], 'SH'], ['mhmgr', ['supervisor'], 'SH-MH']]);
before(() => srv.start(), { timeout: 120000 });
after(async () => { await srv.stop(); await srv.cleanup(); });
const DAY = 86400e3;
const ago = (days) => new Date(Date.now() - days * DAY).toISOString().replace(/\.\d+Z$/, 'Z');

test('a business line and a station rising beyond their usual level are warned, the steady ones not', async () => {
  // finance: 8 in the 28 days before the window (usually 2 a week), 2 in it — steady.
  for (let i = 0; i < 8; i++) await srv.intake('agent1', { category: 'finance.invoice', subject_unit: 'SH-MH-01', received_at: ago(9 + i * 2) });
  for (let i = 0; i < 2; i++) await srv.intake('agent1', { category: 'finance.invoice', subject_unit: 'SH-MH-02', received_at: ago(1 + i) });
  // service at Pudong Century Avenue: none before, 5 this week — both rules fire.
  for (let i = 0; i < 5; i++) await srv.intake('agent1', { category: 'service.attitude', subject_unit: 'SH-PD-01', received_at: ago(0.5 + i) });

  const r = await srv.as('super1', 'GET', '/trends');
  assert.equal(r.status, 200, describe(r));
  const got = r.json.items.map((x) => [x.rule, x.category?.code ?? x.unit?.code, x.count, x.usual]).sort();
  assert.deepEqual(got, [['category-rise', 'service', 5, 0], ['station-rise', 'SH-PD-01', 5, 0]], JSON.stringify(r.json.items));
  const line = r.json.items.find((x) => x.rule === 'category-rise');
  assert.equal(line.name, '投诉类别异常上升');
  assert.equal(line.category.name, '油站服务');
  assert.equal(line.notify_unit.code, 'SH-CSC');
  assert.deepEqual([line.window_days, line.baseline_days, line.rise_percent], [7, 28, 100]);
  assert.equal((await srv.as('agent1', 'GET', '/trends')).status, 403, 'the supervisors\' view');
  // Minhang's supervisor sees the business line, not a Pudong station.
  const mh = await srv.as('mhmgr', 'GET', '/trends');
  assert.deepEqual(mh.json.items.map((x) => x.rule), ['category-rise']);
  // The board carries the same list in its one call.
  const board = await srv.as('mhmgr', 'GET', '/board');
  assert.equal(board.status, 200, describe(board));
  assert.deepEqual(board.json.trends, mh.json.items);

  // The sweeper tells the centre's supervisor once a day, however often it runs.
  for (let k = 0; k < 2; k++) {
    const sw = await runCli(['sweep', '--db', srv.dbUrl, '--now', new Date().toISOString()], { timeoutMs: 120000 });
    assert.equal(sw.code, 0, sw.stderr);
  }
  const out = (await srv.as('admin', 'GET', '/outbox')).json.items.filter((m) => m.template === 'trend_warning');
  assert.deepEqual(out.map((m) => [m.payload.rule, m.recipient_user?.username]).sort(),
    [['category-rise', 'super1'], ['station-rise', 'super1']], 'the supervisor of the centre, once a day');
  assert.equal(out.find((m) => m.payload.rule === 'category-rise').payload.count, 5);
});

test('a pack\'s trend rule is checked when the pack is loaded, naming the path', async () => {
  const versions = (await srv.as('admin', 'GET', '/config/versions')).json;
  const { pack } = (await srv.as('admin', 'GET', `/config/versions/${versions.active}`)).json;
  for (const [rule, path] of [[{ by: 'moon' }, 'pack.trends.rules[0]'], [{ notify: 'NOWHERE' }, 'pack.trends.rules[0]'],
    [{ window_days: 0 }, 'pack.trends.rules[0]']]) {
    const bad = structuredClone(pack);
    Object.assign(bad.trends.rules[0], rule);
    const r = await srv.as('admin', 'POST', '/config/versions', { body: { reason: 'x', pack: bad } });
    assert.equal(r.status, 422, describe(r));
    assert.equal(errorOf(r).field, path, JSON.stringify(rule));
  }
});
