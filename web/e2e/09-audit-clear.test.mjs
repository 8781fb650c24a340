// The audit log in clear: what a user typed about a complaint (the reason of
// a view of customer data) is listed masked; an auditor who holds the pii
// permission has a switch 「显示明文」 that lists it again in clear — itself
// recorded in the log — and works on a phone. Without the permission there
// is no switch.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, shot, apiCall, apiLogin, freshPhone, handlingComplaint, pick, chooseLanguage, BASE } from './helpers.mjs'

let browser
let admin
let auditorId
before(async () => {
  browser = await launch()
  admin = await apiLogin('admin')
  const users = await apiCall('GET', '/users', { token: admin })
  auditorId = users.data.items.find((u) => u.username === 'auditor1').id
})
after(async () => {
  // Back to the role's default (auditors do not hold pii).
  await apiCall('DELETE', `/users/${auditorId}/permissions/pii`, { token: admin })
  await browser.close()
})

const rows = '[data-test=audit-table] .el-table__body'

async function openPiiViews(page) {
  await page.goto(BASE + '/#/audit') // on a phone the menu is a drawer
  await page.getByRole('heading', { name: '审计日志', level: 1 }).waitFor()
  await pick(page, page.locator('[data-test=audit-action]'), { value: 'pii_view' })
  await page.locator('[data-test=audit-search]').click()
}

test('an auditor with the pii permission switches the log to clear text, on a phone too', async () => {
  const phone = freshPhone()
  const c = await handlingComplaint()
  const view = await apiCall('POST', `/complaints/${c.id}/pii`, { token: await apiLogin('agent1'), body: { reason: `回访客户 ${phone}` } })
  assert.equal(view.status, 200, JSON.stringify(view.data))
  const masked = phone.slice(0, 3) + '****' + phone.slice(-4)

  // Without the permission: masked, and no switch.
  const plain = await newPage(browser.context)
  await login(plain, 'auditor1')
  await openPiiViews(plain)
  await plain.waitForFunction(([m]) => document.querySelector('[data-test=audit-table] .el-table__body')?.innerText.includes(m),
    [masked], { timeout: 15000 })
  assert.equal(await plain.locator('[data-test=audit-clear]').count(), 0, 'no switch without the permission')
  assert.ok(!(await plain.locator(rows).innerText()).includes(phone))
  await plain.close()

  const grant = await apiCall('PUT', `/users/${auditorId}/permissions/pii`, { token: admin, body: { granted: true } })
  assert.equal(grant.status, 200, JSON.stringify(grant.data))

  const page = await newPage(browser.context, { width: 360, height: 760 })
  await login(page, 'auditor1')
  await openPiiViews(page)
  await page.waitForFunction(([m]) => document.querySelector('[data-test=audit-table] .el-table__body')?.innerText.includes(m),
    [masked], { timeout: 15000 })
  const sw = page.locator('[data-test=audit-clear]')
  await sw.getByText('显示明文').waitFor()
  assert.equal(await sw.locator('input').isChecked(), false, 'masked until asked')
  await sw.click()
  await page.waitForFunction(([p]) => document.querySelector('[data-test=audit-table] .el-table__body')?.innerText.includes(p),
    [phone], { timeout: 15000 })
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`)
  await shot(page, 'audit-clear-mobile')

  // The view in clear is itself an entry, newest first.
  const log = await apiCall('GET', '/audit?action=pii_view&subject=audit&user=auditor1', { token: await apiLogin('auditor1') })
  assert.equal(log.status, 200)
  assert.ok(log.data.items.length >= 1, 'the listing in clear was recorded')

  // Switched off, masked again.
  await sw.click()
  await page.waitForFunction(([p, m]) => {
    const t = document.querySelector('[data-test=audit-table] .el-table__body')?.innerText || ''
    return t.includes(m) && !t.includes(p)
  }, [phone, masked], { timeout: 15000 })
  assert.deepEqual(page.errors, [])
})

test('the switch is labelled in English too', async () => {
  const page = await newPage(browser.context)
  await login(page, 'auditor1')
  await chooseLanguage(page, 'English')
  await page.locator('[data-test="menu-/audit"]').click()
  await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor({ timeout: 15000 })
  await page.locator('[data-test=audit-clear]').getByText('Show in clear').waitFor()
  await chooseLanguage(page, '中文')
  assert.deepEqual(page.errors, [])
  await page.close()
})
