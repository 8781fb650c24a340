// Calendars whose holidays run out: GET /calendars says, per calendar, the
// last day its holiday data covers and how many days are left, and lists
// those within the warning window (60 days) so administrators are told.
// The built-in schedule ends with 2026; the days are counted from the
// server's clock, and checked here against the test's own.

import assert from 'node:assert/strict';
import { useServer, describe } from './lib.mjs';

const srv = useServer();

// Days from today (Asia/Shanghai) to the given YYYY-MM-DD.
function daysUntil(date) {
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  return Math.round((Date.parse(date) - Date.parse(today)) / 86400e3);
}

srv.test('each calendar says how far its holidays reach; those running out within 60 days are listed', async () => {
  const r = await srv.as('admin', 'GET', '/calendars');
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.warn_days, 60);
  const office = r.json.items.find((c) => c.name === 'office');
  const centre = r.json.items.find((c) => c.name === 'centre');
  assert.equal(office.data_until, '2026-12-31', 'the built-in schedule ends with 2026');
  const left = daysUntil('2026-12-31');
  assert.ok(Math.abs(office.days_left - left) <= 1, `${office.days_left} days left, ${left} by this clock`);
  assert.equal(centre.data_until, null, 'a 24×7 calendar needs no holidays');
  assert.equal(centre.days_left, null);
  const listed = r.json.expiring.map((x) => x.name);
  assert.equal(listed.includes('office'), office.days_left <= 60, JSON.stringify(r.json.expiring));
  assert.ok(!listed.includes('centre'));
  for (const x of r.json.expiring) assert.ok(x.days_left <= 60 && /^\d{4}-12-31$/.test(x.data_until), JSON.stringify(x));
  // supervisors and managers read the calendars too
  assert.equal((await srv.as('super1', 'GET', '/calendars')).status, 200);
});

srv.test('adding the next year\'s holidays ends the warning', async () => {
  const before = (await srv.as('admin', 'GET', '/calendars')).json.items.find((c) => c.name === 'office');
  const year = Number(before.data_until.slice(0, 4)) + 1;
  const doc = { ...before.calendar, holidays: [...(before.calendar.holidays || []), { from: `${year}-01-01`, to: `${year}-01-01`, name: '元旦' }] };
  const put = await srv.as('admin', 'PUT', '/calendars/office', { body: doc });
  assert.equal(put.status, 200, describe(put));
  const after = (await srv.as('admin', 'GET', '/calendars')).json;
  const office = after.items.find((c) => c.name === 'office');
  assert.equal(office.data_until, `${year}-12-31`);
  assert.equal(after.expiring.some((x) => x.name === 'office'), daysUntil(`${year}-12-31`) <= 60);
});
