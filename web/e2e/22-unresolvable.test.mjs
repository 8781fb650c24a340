// Cases that cannot be handled, in the browser. Seed 001 (物业 客户投诉的立项和销项
// 规定): 立项案件如因种种原因而无法处理(或暂时无法处理)下去,可作好记录,每季度一次经
// 管理处负责人协调同意后才能销项. The administrator gives the demo pack the
// property pack's closing.unresolvable (a new configuration version, rolled
// back afterwards); the station's handler records the case on a phone in
// Chinese; the manager finds it at the desk in English, may not close it in
// the quarter it was recorded in, and closes it at the next quarter's review.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { BASE, launch, newPage, login, shot, text, act, apiCall, apiLogin, handlingComplaint, packVersion, useLanguage,
  serverDatabase, REDRESS_BIN, cst } from './helpers.mjs'

let browser
let restore
let c = null
before(async () => {
  browser = await launch()
  restore = await packVersion('无法处理的工单每季度经负责人同意销项', (pack) => {
    pack.closing = { ...(pack.closing || {}), unresolvable: { roles: ['handler', 'supervisor', 'manager'], approvers: ['manager'], period: 'quarter' } }
  })
})
after(async () => {
  await restore()
  await browser.close()
})

const RECORD = '油罐区改造需总部立项，站内无权处理；已三次报送总部工程部。'

test('the station records a case as unresolvable on a phone (360×740, 中文)', async () => {
  c = await handlingComplaint({ description: '油站门口积水严重，进出车辆溅水。' })
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await login(page, 'pd01')
  await page.goto(`${BASE}/#/complaints/${c.id}`)
  await act(page, 'mark_unresolvable', { record: RECORD })
  await page.locator('[data-test=detail-unresolvable]').waitFor()
  assert.equal(await text(page.locator('[data-test=unresolvable-record]')), RECORD)
  // The station may not close it itself: only the pack's approvers.
  assert.equal(await page.locator('[data-test=actions] [data-action=close_unresolvable]').count(), 0)
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 360, `fits a phone: ${width}`)
  await shot(page, 'unresolvable-marked-phone')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('the manager finds it, may not close it this quarter, and closes it at the next review (1440×900, English)', async () => {
  assert.ok(c, 'the case was recorded')
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'manager1')
  await useLanguage(page, 'en')
  await page.goto(`${BASE}/#/complaints?status=&unresolvable=true`)
  const row = page.locator('[data-test=complaint-table] .el-table__row', { hasText: c.number })
  await row.waitFor({ timeout: 15000 })
  await row.locator('[data-test=row-unresolvable]').waitFor()

  // Within the quarter it was recorded in, the closing is refused, naming the period.
  const token = await apiLogin('manager1')
  const closing = { agreement: 'Headquarters scheduled the rebuild; closed at the quarterly review.', nature: 'valid',
    cause: 'The forecourt drains belong to the tank rebuild', responsibility: 'company', responsible_unit: 'SH-PD-01',
    responsible_person: '站长', corrective_action: 'Follow the rebuild' }
  const early = await apiCall('POST', `/complaints/${c.id}/actions/close_unresolvable`, { token, body: closing })
  assert.equal(early.status, 409, JSON.stringify(early.data))
  assert.match(early.data.error.message, /Q[1-4]/)

  // At the next quarter's review (redress act --now, as the review would be held then).
  const now = new Date()
  const next = Date.UTC(now.getUTCFullYear() + (now.getUTCMonth() >= 9 ? 1 : 0), (Math.floor(now.getUTCMonth() / 3) * 3 + 3) % 12, 2, 2)
  execFileSync(REDRESS_BIN, ['act', c.number, 'close_unresolvable', '--as', 'manager1', '--fields', JSON.stringify(closing),
    '--db', serverDatabase(), '--now', cst(next)], { encoding: 'utf8' })
  await page.goto(`${BASE}/#/complaints/${c.id}`)
  await page.locator('[data-test=detail-status]').filter({ hasText: 'Closed' }).waitFor()
  await page.locator('.ev-payload', { hasText: 'quarterly review' }).first().waitFor()
  await shot(page, 'unresolvable-closed-desk')
  assert.deepEqual(page.errors, [])
  await useLanguage(page, 'zh')
  await page.close()
})
