// Administration of the working calendars, and changing one's password.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, shot, text, apiCall, apiLogin, fillDateTime, BASE } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const CLOSURE = '2026-12-31'

/** The office calendar without what this test adds, so that the test can run again on the same database. */
async function resetOffice(token) {
  const r = await apiCall('GET', '/calendars', { token })
  const office = r.data.items.find((c) => c.name === 'office')
  assert.ok(office, 'the demo pack has an office calendar')
  const doc = office.calendar
  const keep = (e) => !(e === CLOSURE || e?.date === CLOSURE || (e?.from <= CLOSURE && e?.to >= CLOSURE))
  if ((doc.holidays || []).some((e) => !keep(e))) {
    doc.holidays = doc.holidays.filter(keep)
    if (!doc.holidays.length) delete doc.holidays
    const p = await apiCall('PUT', '/calendars/office', { token, body: doc })
    assert.equal(p.status, 200, JSON.stringify(p.data))
  }
}

const day = (page, d) => page.locator(`[data-test=cal-year] [data-date="${d}"]`)

test('the calendars page shows the 2026 holidays and make-up days; admin adds a closure, a calendar and imports an .ics', async () => {
  const token = await apiLogin('admin')
  await resetOffice(token)
  const page = await newPage(browser.context)
  await login(page, 'admin')
  await page.locator('[data-test="menu-/admin/calendars"]').click()
  await page.getByRole('heading', { name: '工作日历', level: 1 }).waitFor()
  await page.locator('[data-test=cal-select] [data-cal=office]').click()
  await page.locator('[data-test=cal-year-select] [data-year="2026"]').click()

  // Golden Week 2026: Oct 1–7 off, Saturday Oct 10 worked (调休上班)
  assert.equal(await day(page, '2026-10-01').getAttribute('data-kind'), 'holiday')
  assert.match(await day(page, '2026-10-01').getAttribute('title'), /国庆节/)
  assert.equal(await day(page, '2026-10-07').getAttribute('data-kind'), 'holiday')
  assert.equal(await day(page, '2026-10-10').getAttribute('data-kind'), 'workday')
  assert.equal(await day(page, '2026-10-09').getAttribute('data-kind'), 'work')
  assert.equal(await day(page, '2026-10-11').getAttribute('data-kind'), 'rest')
  assert.match(await text(day(page, '2026-10-01')), /休/)
  assert.match(await text(day(page, '2026-10-10')), /班/)
  const table = page.locator('[data-test=day-table]')
  assert.match(await text(table.locator('.el-table__row', { hasText: '2026-10-01' })), /国庆节.*放假/)
  assert.match(await text(table.locator('.el-table__row', { hasText: '2026-10-10' })), /调休上班/)
  // the weekly hours
  assert.match(await text(page.locator('[data-test=week-row][data-day=mon]')), /08:30-12:00.*13:30-17:30/)
  assert.match(await text(page.locator('[data-test=week-row][data-day=sat]')), /休息/)

  // a closure of the organisation's own, saved with PUT
  assert.equal(await day(page, CLOSURE).getAttribute('data-kind'), 'work')
  await fillDateTime(page, page.locator('#nd-from'), CLOSURE)
  await page.locator('#nd-name').fill('年终盘点')
  await page.locator('[data-test=nd-add]').click()
  assert.equal(await day(page, CLOSURE).getAttribute('data-kind'), 'holiday')
  await page.locator('[data-test=cal-dirty]').waitFor()
  const put = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/calendars/office'))
  await page.locator('[data-test=cal-save]').click()
  assert.equal((await put).status(), 200)
  await page.locator('.el-message--success').filter({ hasText: '已保存' }).waitFor()
  await page.locator('[data-test=cal-dirty]').waitFor({ state: 'detached' })
  assert.equal(await day(page, CLOSURE).getAttribute('data-kind'), 'holiday')
  assert.match(await text(table.locator('.el-table__row', { hasText: CLOSURE })), /年终盘点.*本日历/)
  const r = await apiCall('GET', '/calendars', { token })
  assert.ok(JSON.stringify(r.data.items.find((c) => c.name === 'office').calendar.holidays).includes(CLOSURE))
  await page.waitForTimeout(300)
  await shot(page, 'calendars')

  // a new calendar: Saturday morning hours added, then holidays imported from an .ics file
  const name = 'e2e' + String(Date.now()).slice(-7)
  await page.locator('[data-test=cal-new]').click()
  const box = page.locator('.cal-new-box')
  await box.locator('input').fill(name)
  await box.getByRole('button', { name: '确定' }).click()
  await page.locator(`[data-test=cal-select] [data-cal="${name}"]`).waitFor()
  await page.locator('[data-test=iv-days]').click()
  // the weekdays are chosen already: swap them for Saturday
  for (const d of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat']) {
    await page.locator(`.el-select-dropdown__item:visible[data-value="${d}"]`).click()
  }
  await page.keyboard.press('Escape')
  await page.locator('[data-test=iv-input]').fill('09:00-12:00')
  await page.locator('[data-test=iv-add]').click()
  assert.match(await text(page.locator('[data-test=week-row][data-day=sat]')), /09:00-12:00/)
  assert.match(await text(page.locator('[data-test=week-row][data-day=mon]')), /08:30-12:00/)
  // a malformed interval is refused in the form
  await page.locator('[data-test=iv-input]').fill('25:00-26:00')
  await page.locator('[data-test=iv-add]').click()
  await page.getByRole('alert').filter({ hasText: '不是有效时段' }).waitFor()
  await page.locator('[data-test=cal-save]').click()
  await page.locator('.el-message--success').filter({ hasText: '已保存' }).last().waitFor()
  const saved = (await apiCall('GET', '/calendars', { token })).data.items.find((c) => c.name === name)
  assert.ok(saved, 'the calendar was created')
  assert.deepEqual(saved.calendar.week.sat, ['09:00-12:00'])

  const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//redress e2e//CN',
    'BEGIN:VEVENT', 'UID:e2e-1', 'DTSTART;VALUE=DATE:20270101', 'DTEND;VALUE=DATE:20270102', 'SUMMARY:元旦', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:e2e-2', 'DTSTART;VALUE=DATE:20270109', 'SUMMARY:元旦调休补班', 'END:VEVENT',
    'END:VCALENDAR', ''].join('\r\n')
  await page.locator('[data-test=ics-input]').setInputFiles({ name: 'holidays-2027.ics', mimeType: 'text/calendar', buffer: Buffer.from(ics) })
  await page.locator('.el-message--success').filter({ hasText: '已导入 2 条' }).waitFor()
  await page.locator('[data-test=cal-year-select] [data-year="2027"]').click()
  assert.equal(await day(page, '2027-01-01').getAttribute('data-kind'), 'holiday')
  assert.equal(await day(page, '2027-01-09').getAttribute('data-kind'), 'workday')
  // a broken file is refused with the line named
  await page.locator('[data-test=ics-input]').setInputFiles({ name: 'bad.ics', mimeType: 'text/calendar',
    buffer: Buffer.from('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n') })
  await page.locator('[data-test=cal-error]').filter({ hasText: 'line' }).waitFor()
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('supervisors see the calendars but cannot change them', async () => {
  const page = await newPage(browser.context)
  await login(page, 'super1')
  await page.locator('[data-test="menu-/admin/calendars"]').click()
  await page.getByRole('heading', { name: '工作日历', level: 1 }).waitFor()
  await page.locator('[data-test=cal-year] [data-date="2026-10-01"]').waitFor()
  assert.equal(await page.locator('[data-test=cal-save]').count(), 0)
  assert.equal(await page.locator('[data-test=day-form]').count(), 0)
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('a user changes their password from the user menu and signs in with the new one', async () => {
  const admin = await apiLogin('admin')
  const username = 'pw' + String(Date.now()).slice(-7)
  const first = 'Initial-pass-2026'
  const second = 'Changed-pass-2026'
  const u = await apiCall('POST', '/users', { token: admin, body: { username, name: '改密测试', password: first, roles: ['agent'], unit: 'SH-CSC' } })
  assert.equal(u.status, 201, JSON.stringify(u.data))

  const page = await newPage(browser.context)
  await login(page, username, first)
  await page.locator('[data-test=user-menu]').click()
  await page.locator('[data-test=menu-password]').click()
  const dlg = page.locator('.password-dialog')
  await dlg.waitFor()
  // the form's own checks
  await page.locator('#pw-old').fill('wrong-password-1')
  await page.locator('#pw-new').fill(second)
  await page.locator('#pw-new2').fill(second + 'x')
  await dlg.locator('[data-test=password-submit]').click()
  await dlg.locator('.el-form-item.is-error', { has: page.locator('#pw-new2') }).filter({ hasText: '不一致' }).waitFor()
  // the server's: a wrong old password is shown under that field
  await page.locator('#pw-new2').fill(second)
  await dlg.locator('[data-test=password-submit]').click()
  const oldItem = dlg.locator('.el-form-item.is-error', { has: page.locator('#pw-old') })
  await oldItem.filter({ hasText: '原密码不正确' }).waitFor()
  await shot(page, 'change-password')
  // a new password the server finds too short
  await page.locator('#pw-old').fill(first)
  await page.locator('#pw-new').fill('short')
  await page.locator('#pw-new2').fill('short')
  await dlg.locator('[data-test=password-submit]').click()
  await dlg.locator('.el-form-item.is-error', { has: page.locator('#pw-new') }).waitFor()
  await page.locator('#pw-new').fill(second)
  await page.locator('#pw-new2').fill(second)
  await dlg.locator('[data-test=password-submit]').click()
  await page.locator('.el-message--success').filter({ hasText: '密码已修改' }).waitFor()
  await dlg.waitFor({ state: 'hidden' })

  // sign out; the old password no longer works, the new one does
  await page.locator('[data-test=user-menu]').click()
  await page.locator('[data-test=menu-logout]').click()
  await page.waitForFunction(() => location.hash.startsWith('#/login'))
  await page.locator('#login-username').fill(username)
  await page.locator('#login-password').fill(first)
  await page.locator('[data-test=login-submit]').click()
  await page.getByRole('alert').filter({ hasText: '用户名或密码不正确' }).waitFor()
  await login(page, username, second)
  await page.getByRole('heading', { name: '受理工作台', level: 1 }).waitFor()
  assert.equal((await apiCall('POST', '/auth/login', { body: { username, password: second } })).status, 200)
  assert.deepEqual(page.errors, [])
  await page.close()
})
