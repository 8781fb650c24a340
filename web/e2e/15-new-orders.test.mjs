// A new work order is marked (issue #24): the handler's queue is read while
// the tab is visible (every 30 s; a return to the tab reads it at once, which
// is how the test asks for it); a work order dispatched to the unit since
// shows as a badge on 我的工单 (a dot on the menu button on a phone) and a
// marked row that stays marked until opened — remembered across a reload.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, handlingComplaint, BASE } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const reread = (page) => page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')))
const badge = (page) => page.locator('[data-test=menu-badge]').first()

test('1440 px: a dispatched work order is new until opened; the menu counts it', async () => {
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'pd02')
  await page.goto(BASE + '/#/mine')
  await page.locator('[data-test=complaint-table] .el-table__row').first().waitFor().catch(() => {})
  await page.waitForTimeout(500)
  assert.equal(await page.locator('[data-test=row-new]').count(), 0, 'what was queued before the first visit is not new')

  const c = await handlingComplaint({ unit: 'SH-PD-02', handler: null, description: '新工单提醒测试' })
  await reread(page)
  await badge(page).waitFor({ timeout: 10000 })
  assert.equal((await badge(page).innerText()).trim(), '1')
  const row = page.locator('[data-test=complaint-table] .el-table__row', { hasText: c.number })
  await row.waitFor({ timeout: 10000 }) // the list reloaded by itself
  assert.match(await row.getAttribute('class'), /is-new/)
  assert.equal(await row.locator('[data-test=row-new]').innerText(), '新')

  await page.reload()
  await badge(page).waitFor({ timeout: 10000 })
  assert.match(await page.locator('[data-test=complaint-table] .el-table__row', { hasText: c.number }).getAttribute('class'), /is-new/,
    'still new after a reload')

  await page.locator('[data-test=complaint-table] .el-table__row', { hasText: c.number }).locator('a').first().click()
  await page.locator('[data-test=detail-number]').waitFor()
  await badge(page).waitFor({ state: 'detached', timeout: 10000 })
  await page.goto(BASE + '/#/mine')
  const again = page.locator('[data-test=complaint-table] .el-table__row', { hasText: c.number })
  await again.waitFor()
  assert.doesNotMatch(await again.getAttribute('class'), /is-new/, 'opened: no longer new')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('360 px: the menu button carries a dot and the card is marked', async () => {
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await login(page, 'pd03')
  await page.goto(BASE + '/#/mine')
  await page.waitForTimeout(500)
  const c = await handlingComplaint({ unit: 'SH-PD-03', handler: null, description: '手机上的新工单' })
  await reread(page)
  const dot = page.locator('[data-test=burger-new] .el-badge__content.is-dot')
  await dot.waitFor({ timeout: 10000 })
  const card = page.locator('[data-test=complaint-card]', { hasText: c.number })
  await card.waitFor({ timeout: 10000 })
  assert.match(await card.getAttribute('class'), /is-new/)
  await page.locator('.burger').click()
  assert.equal((await page.locator('.menu-drawer [data-test=menu-badge]').innerText()).trim(), '1')
  await page.keyboard.press('Escape')
  assert.deepEqual(page.errors, [])
  await page.close()
})
