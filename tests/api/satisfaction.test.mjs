// Satisfaction by unit, by staff and by question (GET /api/v1/reports/satisfaction)
// and the count of closings without the customer's agreement (indicator
// closed_unaccepted): complaints of a day of their own, revisited with known
// answers across two regions, three sites and three handlers; every number
// checked exactly, the scope of a region's supervisor, the CSV export and its
// audit entry, the refusals, the drill-down of the new count, the CLI.

import assert from 'node:assert/strict';
import { useServer, errorOf, describe, rfc3339, runCli, runSqlite } from './lib.mjs';

const srv = useServer();

const DAY = '2025-04-07';
const Q = `from=${DAY}&to=${DAY}`;
const VALID_CLOSE = {
  nature: 'valid', cause: '加油员高峰时段服务用语不规范', responsibility: 'company', responsible_unit: 'SH-PD-01',
  responsible_person: '加油员 李强', corrective_action: '班前会通报，全站重新学习服务规范',
};

// One complaint of DAY at site, handled by handler, revisited with result and answers.
async function revisited(site, handler, result, answers) {
  let c = await srv.intake('agent1', { subject_unit: site, received_at: rfc3339(new Date(`${DAY}T10:00:00+08:00`)) });
  await srv.step('agent1', c.id, 'dispatch', { unit: site, note: '请核实处理' });
  await srv.step(handler, c.id, 'accept', { note: '已签收' });
  await srv.step(handler, c.id, 'resolve', { resolution_type: 'explanation', resolution: '已致歉', nature: 'valid' });
  await srv.step('agent1', c.id, 'reply', { method: 'phone', content: '已告知' });
  c = await srv.step('agent1', c.id, 'revisit', {
    method: 'phone', result, ...(result === 'dissatisfied' ? { remarks: '客户仍不认可' } : {}),
    ...(answers ? { answers } : {}),
  });
  return c;
}

const made = {};
srv.test('revisits with known answers', { timeout: 300e3 }, async () => {
  made.a = await revisited('SH-PD-01', 'pd01', 'satisfied', [
    { question: 'result', score: 5 }, { question: 'process', score: 4 }, { question: 'staff', score: 5 }]);
  made.b = await revisited('SH-PD-01', 'pd01', 'basically_satisfied', [
    { question: 'result', score: 3 }, { question: 'process', score: 4 }]);
  made.c = await revisited('SH-PD-01', 'pd01', 'dissatisfied', [
    { question: 'result', score: 2 }, { question: 'process', score: 1 }, { question: 'staff', score: 3 }]);
  made.d = await revisited('SH-PD-02', 'pd02', 'satisfied', [{ question: 'staff', score: 4 }]);
  made.e = await revisited('SH-PD-02', 'pd02', 'satisfied', null);
  made.f = await revisited('SH-MH-01', 'mh01', 'dissatisfied', [{ question: 'result', score: 1 }]);
  // Closed without the customer's agreement (不认可结案).
  const closed = await srv.step('super1', made.c.id, 'close_unaccepted', { ...VALID_CLOSE, explanation: '已说明公司立场，客户仍不认可' });
  assert.equal(closed.closing.unaccepted, true);
});

const counts = (it) => [it.reached, it.satisfied, it.dissatisfied, it.scores, it.average, it.low];
const near = (a, b) => Math.abs(a - b) < 1e-9;

srv.test('by unit: the subject units, rolled up under the unit asked', async () => {
  const r = await srv.as('admin', 'GET', `/reports/satisfaction?${Q}&by=unit&unit=SH-PD`);
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.by, 'unit');
  assert.equal(r.json.from, DAY);
  const by = Object.fromEntries(r.json.items.map((it) => [it.group.unit, it]));
  assert.deepEqual(Object.keys(by).sort(), ['SH-PD-01', 'SH-PD-02']);
  assert.deepEqual(counts(by['SH-PD-01']), [3, 2, 1, 8, 27 / 8, 2]);
  assert.ok(near(by['SH-PD-01'].rate, 2 / 3));
  assert.ok(by['SH-PD-01'].labels.unit, 'the unit\'s name');
  assert.deepEqual(counts(by['SH-PD-02']), [2, 2, 0, 1, 4, 0]);
  assert.equal(by['SH-PD-02'].rate, 1);
  assert.deepEqual(counts(r.json.total), [5, 4, 1, 9, 31 / 9, 2]);

  const all = await srv.as('admin', 'GET', `/reports/satisfaction?${Q}&by=unit&unit=SH`);
  const regions = Object.fromEntries(all.json.items.map((it) => [it.group.unit, it]));
  assert.deepEqual(Object.keys(regions).sort(), ['SH-MH', 'SH-PD']);
  assert.deepEqual(counts(regions['SH-PD']), [5, 4, 1, 9, 31 / 9, 2]);
  assert.deepEqual(counts(regions['SH-MH']), [1, 0, 1, 1, 1, 1]);
  assert.equal(regions['SH-MH'].rate, 0);
  assert.deepEqual(counts(all.json.total), [6, 4, 2, 10, 32 / 10, 3]);
  // The breakdown's total is the satisfaction rate's numbers.
  const rate = await srv.as('admin', 'GET', `/reports/satisfaction_rate?${Q}&unit=SH`);
  assert.equal(rate.json.total.numerator, 4);
  assert.equal(rate.json.total.denominator, 6);
});

srv.test('by staff: the person assigned, named', async () => {
  const r = await srv.as('admin', 'GET', `/reports/satisfaction?${Q}&by=staff&unit=SH`);
  assert.equal(r.status, 200, describe(r));
  const by = Object.fromEntries(r.json.items.map((it) => [it.staff.username, it]));
  assert.deepEqual(Object.keys(by).sort(), ['mh01', 'pd01', 'pd02']);
  assert.deepEqual(counts(by.pd01), [3, 2, 1, 8, 27 / 8, 2]);
  assert.deepEqual(counts(by.pd02), [2, 2, 0, 1, 4, 0]);
  assert.deepEqual(counts(by.mh01), [1, 0, 1, 1, 1, 1]);
  assert.equal(by.pd01.staff.name, '张建国');
  assert.equal(by.pd01.labels.staff, '张建国');
  assert.equal(by.pd01.group.staff, by.pd01.staff.id);
});

srv.test('by question: the pack\'s questions with their text, answered', async () => {
  const r = await srv.as('admin', 'GET', `/reports/satisfaction?${Q}&by=question&unit=SH`);
  assert.equal(r.status, 200, describe(r));
  assert.deepEqual(r.json.items.map((it) => it.group.question), ['result', 'process', 'staff'], 'the pack\'s order');
  const by = Object.fromEntries(r.json.items.map((it) => [it.group.question, it]));
  assert.deepEqual(counts(by.result), [4, 2, 2, 4, 11 / 4, 2]);
  assert.deepEqual(counts(by.process), [3, 2, 1, 3, 3, 1]);
  assert.deepEqual(counts(by.staff), [3, 2, 1, 3, 4, 0]);
  assert.equal(by.result.labels.question, '您对本次投诉的处理结果是否满意？');
  assert.deepEqual(counts(r.json.total), [6, 4, 2, 10, 32 / 10, 3]);
  const en = await srv.as('admin', 'GET', `/reports/satisfaction?${Q}&by=question&unit=SH`, { headers: { 'Accept-Language': 'en' } });
  assert.equal(en.json.items[0].labels.question, 'Are you satisfied with the result?');
});

srv.test('a region\'s supervisor sees the region only; a unit outside it is refused', async () => {
  const r = await srv.as('pdmgr', 'GET', `/reports/satisfaction?${Q}&by=unit`);
  assert.equal(r.status, 200, describe(r));
  assert.deepEqual(r.json.items.map((it) => it.group.unit).sort(), ['SH-PD-01', 'SH-PD-02']);
  assert.deepEqual(counts(r.json.total), [5, 4, 1, 9, 31 / 9, 2]);
  const staff = await srv.as('pdmgr', 'GET', `/reports/satisfaction?${Q}&by=staff`);
  assert.deepEqual(staff.json.items.map((it) => it.staff.username).sort(), ['pd01', 'pd02']);
  const o = await srv.as('pdmgr', 'GET', `/reports/satisfaction?${Q}&by=unit&unit=SH-MH`);
  assert.equal(o.status, 403, describe(o));
  assert.equal(errorOf(o).field, 'unit');
  const agent = await srv.as('agent1', 'GET', `/reports/satisfaction?${Q}`);
  assert.equal(agent.status, 403, 'an agent reads no reports');
});

srv.test('CSV: the same table as a file, recorded in the audit log', async () => {
  const csv = await srv.as('admin', 'GET', `/reports/satisfaction?${Q}&by=staff&unit=SH&format=csv`);
  assert.equal(csv.status, 200, describe(csv));
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /satisfaction-staff-2025-04-07\.csv/);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(lines.length, 5, 'a heading, three people, a total');
  assert.match(lines[0], /满意率/);
  assert.ok(lines.some((l) => l.startsWith('pd01,张建国,3,2,1,')), lines.join('\n'));
  assert.match(lines.at(-1), /^,合计,6,4,2,/);
  const log = await srv.as('admin', 'GET', '/audit?action=report_export');
  assert.equal(log.status, 200, describe(log));
  assert.ok(log.json.items.some((x) => x.detail?.by === 'staff' && x.detail?.format === 'csv'), JSON.stringify(log.json.items.slice(0, 2)));
  const x = await srv.as('admin', 'GET', `/reports/satisfaction?${Q}&by=unit&format=xlsx`);
  assert.equal(x.status, 200, describe(x));
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
});

srv.test('unknown and bad parameters are 400 naming them', async () => {
  const cases = [
    [`/reports/satisfaction?${Q}&colour=red`, 'colour'],
    [`/reports/satisfaction?${Q}&group_by=unit`, 'group_by'],
    [`/reports/satisfaction?${Q}&by=shift`, 'by'],
    ['/reports/satisfaction?to=2025-04-07', 'from'],
    [`/reports/satisfaction?${Q}&format=pdf`, 'format'],
    [`/reports/satisfaction?${Q}&category=nope`, 'category'],
  ];
  for (const [p, field] of cases) {
    const r = await srv.as('admin', 'GET', p);
    assert.equal(r.status, 400, `${p}: ${describe(r)}`);
    assert.equal(errorOf(r).field, field, `${p}: ${describe(r)}`);
  }
});

srv.test('closed_unaccepted: a count in the catalogue, by unit, with its drill-down', async () => {
  const cat = await srv.as('admin', 'GET', '/reports');
  const entry = cat.json.items.find((x) => x.id === 'closed_unaccepted');
  assert.ok(entry, 'in the catalogue');
  assert.equal(entry.kind, 'count');
  assert.equal(entry.name, '不认可结案');
  const r = await srv.as('admin', 'GET', `/reports/closed_unaccepted?${Q}&unit=SH&group_by=unit`);
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.total.value, 1);
  assert.deepEqual(r.json.items.map((it) => [it.group.unit, it.value]), [['SH-PD', 1]]);
  const d = await srv.as('admin', 'GET', `/reports/closed_unaccepted/complaints?${Q}&unit=SH-PD`);
  assert.equal(d.status, 200, describe(d));
  assert.equal(d.json.total, 1);
  assert.deepEqual(d.json.items.map((c) => c.id), [made.c.id]);
  const mh = await srv.as('mhmgr', 'GET', `/reports/closed_unaccepted?${Q}`);
  assert.equal(mh.json.total.value, 0, 'another region\'s supervisor counts none');
});

srv.test('the command line: redress report satisfaction', async () => {
  const r = await runCli(['report', 'satisfaction', '--by', 'question', '--from', DAY, '--to', DAY, '--db', srv.dbUrl]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(counts(j.total), [6, 4, 2, 10, 32 / 10, 3]);
  const bad = await runCli(['report', 'satisfaction', '--by', 'shift', '--from', DAY, '--to', DAY, '--db', srv.dbUrl]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /by/);
});

// Last: it changes the stored column (SQLite) and puts it back.
srv.test('redress verify checks the new column against the events', async () => {
  const ok = await runCli(['verify', '--db', srv.dbUrl]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  if (!srv.dbPath) return;
  await runSqlite(srv.dbPath, `UPDATE complaints SET unaccepted = 0 WHERE id = ${made.c.id};`);
  const broken = await runCli(['verify', '--db', srv.dbUrl]);
  assert.notEqual(broken.code, 0);
  assert.match(broken.stdout + broken.stderr, /unaccepted/);
  await runSqlite(srv.dbPath, `UPDATE complaints SET unaccepted = 1 WHERE id = ${made.c.id};`);
});
