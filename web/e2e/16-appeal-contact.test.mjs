// The appeals contact (申诉接口人) in the browser: an administrator names
// the Pudong region's contact on the units page at the desk, in Chinese; the
// contact, signed in on a phone in English, finds their name on the report
// of an appeal about a Pudong station, and a report sent late shows the
// assessment that went into the penalty ledger; the report's text is masked
// until the customer data is shown.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, text, apiCall, apiLogin, appealComplaint, shot, chooseLanguage } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

test('an administrator names the region\'s appeals contact on the units page', async () => {
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'admin')
  await page.goto(`${BASE}/#/admin/units`)
  await page.locator('[data-test=set-contact-SH-PD]').click()
  const dialog = page.locator('.el-dialog:visible')
  await dialog.waitFor()
  await dialog.locator('[data-test=contact-user]').click()
  await page.keyboard.type('pdmgr')
  await page.locator('.el-select-dropdown__item:visible', { hasText: 'pdmgr' }).click()
  await dialog.locator('[data-test=contact-save]').click()
  await page.locator('[data-test=contact-SH-PD]', { hasText: '黄文斌' }).waitFor({ timeout: 10000 })
  assert.match(await text(page.locator('th', { hasText: '申诉接口人' }).first()), /申诉接口人/)
  await shot(page, 'appeal-contact-units-desk')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('the contact sees their name on an appeal report on a phone, in English, and the late assessment', async () => {
  const token = await apiLogin('agent1')
  const { id } = await appealComplaint({ unit: 'SH-PD-02', receivedAt: '2026-03-10T10:00:00+08:00', description: '12315 转来：加油站拒开发票。' })
  let r = await apiCall('PUT', `/complaints/${id}/appeal-report`, { token, body: { report: '已致电客户 13912345678 补开发票并致歉。' } })
  assert.equal(r.status, 200, JSON.stringify(r.data))
  const admin = await apiLogin('admin')
  for (const [tk, action] of [[token, 'submit'], [admin, 'approve'], [admin, 'send']]) {
    r = await apiCall('POST', `/complaints/${id}/appeal-report/actions/${action}`, { token: tk, body: {} })
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.data)}`)
  }
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await login(page, 'pdmgr')
  await chooseLanguage(page, 'English')
  await page.goto(`${BASE}/#/complaints/${id}`)
  const panel = page.locator('[data-test=appeal-report][data-status=sent]')
  await panel.waitFor({ timeout: 15000 })
  assert.match(await text(panel.locator('[data-test=appeal-contact]')), /Appeals contact.*黄文斌/)
  assert.match(await text(panel.locator('[data-test=appeal-assessment]')), /Sent late: .*200 yuan, 5 points/)
  // The report's text is customer data: masked until the customer data is shown (an audited view).
  const report = panel.locator('textarea[data-field=report], [data-field=report] textarea').first()
  assert.match(await report.inputValue(), /139\*{4}5678/)
  assert.match(await text(panel.locator('[data-test=appeal-masked]')), /masked/)
  await page.locator('[data-test=pii-show]').click()
  await page.locator('[data-test=pii-shown]').waitFor({ timeout: 10000 })
  await page.waitForFunction(() => document.querySelector('[data-field=report] textarea, textarea[data-field=report]')?.value.includes('13912345678'))
  assert.equal(await panel.locator('[data-test=appeal-masked]').count(), 0)
  await shot(page, 'appeal-contact-phone-en')
  assert.deepEqual(page.errors, [])
  await page.close()
})
