// An appeal to the regulator in the browser: received before the National
// Day holiday, its report is due after it (the pack's working calendar);
// the branch writes it on a phone, headquarters reviews it at the desk and
// it is sent.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, text, apiCall, apiLogin, appealComplaint, shot, useLanguage } from './helpers.mjs'

let browser
let appeal
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

test('the branch writes the report of an appeal received before a holiday, due after it', async () => {
  appeal = await appealComplaint({ unit: 'SH-PD-01', receivedAt: '2026-09-30T10:00:00+08:00',
    description: '12315 转来：加油站拒开发票，投诉后未解决。' })
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await login(page, 'agent1')
  await page.goto(`${BASE}/#/complaints/${appeal.id}`)
  const panel = page.locator('[data-test=appeal-report]')
  await panel.waitFor({ timeout: 15000 })
  await panel.locator('[data-field=report] textarea, textarea[data-field=report]').first().fill('经核实，已为客户补开发票并致歉；站点已整改开票流程。')
  await panel.locator('[data-test=appeal-save]').click()
  await page.locator('[data-test=appeal-report][data-status=draft]').waitFor({ timeout: 10000 })
  const due = await text(panel.locator('[data-test=appeal-due]'))
  assert.match(due, /2026-10-1[4-6]/, `due after the holiday: ${due}`)
  await panel.locator('[data-test=appeal-submit]').click()
  await page.locator('[data-test=appeal-report][data-status=review]').waitFor({ timeout: 10000 })
  await shot(page, 'appeal-report-phone')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('headquarters approves the report at the desk and it is sent', async () => {
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'admin')
  await page.goto(`${BASE}/#/complaints/${appeal.id}`)
  const panel = page.locator('[data-test=appeal-report][data-status=review]')
  await panel.waitFor({ timeout: 15000 })
  await panel.locator('[data-test=appeal-approve]').click()
  const box = page.locator('.el-message-box:visible')
  await box.waitFor()
  await box.locator('input').fill('同意上报')
  await box.locator('.el-button--primary').click()
  await page.locator('[data-test=appeal-report][data-status=approved]').waitFor({ timeout: 10000 })
  await page.locator('[data-test=appeal-send]').click()
  await page.locator('[data-test=appeal-report][data-status=sent]').waitFor({ timeout: 10000 })
  const token = await apiLogin('admin')
  const r = await apiCall('GET', `/complaints/${appeal.id}/appeal-report`, { token })
  assert.equal(r.data.status, 'sent')
  assert.equal(r.data.reviewed_by.username, 'admin')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('a manager reads the year\'s appeals by month in the reports centre, at the desk and on a phone in English', async () => {
  const token = await apiLogin('manager1')
  const r = await apiCall('GET', '/appeals/stats?year=2026', { token })
  assert.equal(r.status, 200)
  const sept = r.data.months.find((m) => m.month === '2026-09')
  assert.ok(sept.received >= 1 && sept.sent >= 1, `the appeal of September counted: ${JSON.stringify(sept)}`)
  const desk = await newPage(browser.context, { width: 1440, height: 900 })
  await login(desk, 'manager1')
  await desk.goto(`${BASE}/#/reports`)
  const card = desk.locator('[data-test=appeal-stats]')
  await card.waitFor({ timeout: 15000 })
  // Another year, then the appeal's year again: the table follows the picker.
  for (const y of ['2025', '2026']) {
    await desk.locator('#as-year').click()
    await desk.locator('.el-year-table:visible td', { hasText: y }).click()
  }
  const row = card.locator('[data-test=appeal-stats-table] tr', { hasText: '2026-09' })
  await row.waitFor({ timeout: 10000 })
  assert.match(await text(card.locator('h2')), /申诉统计/)
  assert.equal(await text(card.locator('[data-test=appeal-total-received]')), String(r.data.total.received))
  assert.equal(await text(card.locator('[data-test=appeal-total-sent]')), String(r.data.total.sent))
  await shot(desk, 'appeal-stats')
  assert.deepEqual(desk.errors, [])
  await desk.close()

  const phone = await newPage(browser.context, { width: 360, height: 740 })
  await login(phone, 'manager1')
  await useLanguage(phone, 'en')
  await phone.goto(`${BASE}/#/reports`)
  const pcard = phone.locator('[data-test=appeal-stats]')
  await pcard.waitFor({ timeout: 15000 })
  assert.match(await text(pcard.locator('h2')), /Appeals to the regulator/)
  assert.deepEqual(phone.errors, [])
  await useLanguage(phone, 'zh')
  await phone.close()
})
