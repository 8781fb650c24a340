// Notifications in the administration pages: an administrator gives a user
// an e-mail address (a bad one is refused on its field), and works the
// outbox — all rows, a rule's notice found by its complaint, cancelled with
// its status shown at once.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, apiCall, apiLogin, freshPhone, pick, BASE } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

test('an administrator sets a user\'s e-mail address and cancels a notification in the outbox', async () => {
  const page = await newPage(browser.context)
  await login(page, 'admin')
  await page.goto(BASE + '/#/admin/users')
  const table = page.locator('[data-test=user-table] .el-table__body')
  await table.getByText('pd02', { exact: true }).waitFor({ timeout: 15000 })
  await page.locator('[data-test=contact-pd02]').click()
  await page.locator('#uc-email').fill('not an address')
  await page.locator('[data-test=uc-save]').click()
  await page.locator('.el-form-item.is-error', { hasText: '邮箱' }).waitFor({ timeout: 10000 })
  await page.locator('#uc-email').fill('pd02@example.com')
  await page.locator('#uc-phone').fill('+86 138-0013-8002')
  await page.locator('[data-test=uc-save]').click()
  await table.getByText('pd02@example.com').waitFor({ timeout: 10000 })
  const r = await apiCall('GET', '/users', { token: await apiLogin('admin') })
  const pd02 = r.data.items.find((u) => u.username === 'pd02')
  assert.equal(pd02.email, 'pd02@example.com')
  assert.deepEqual(pd02.notify, ['email'])

  // A webhook of the station that nobody answers: a dispatch there queues a post that waits to be tried again.
  // (The station's in-app notices are delivered at once, so they are not there to cancel.)
  const admin = await apiLogin('admin')
  const hook = await apiCall('PUT', '/webhooks/e2e-unanswered', { token: admin, body: {
    unit: 'SH-PD-02', url: 'http://127.0.0.1:9/hook', secret: 'e2e-webhook-secret-0123' } })
  assert.equal(hook.status, 200, JSON.stringify(hook.data))
  const agent = await apiLogin('agent1')
  const c = await apiCall('POST', '/complaints', { token: agent, body: {
    channel: 'phone', customer: { name: '测试客户', phone: freshPhone() }, subject_unit: 'SH-PD-02',
    category: 'service.attitude', description: '加油机旁着火，员工处置不当。' } })
  assert.equal(c.status, 201, JSON.stringify(c.data))
  const d = await apiCall('POST', `/complaints/${c.data.id}/actions/dispatch`, { token: agent, body: { unit: 'SH-PD-02' } })
  assert.equal(d.status, 200, JSON.stringify(d.data))
  const rows = await apiCall('GET', `/outbox?complaint=${c.data.id}`, { token: admin })
  const id = String(rows.data.items.find((m) => m.channel === 'webhook').id)
  await page.goto(BASE + '/#/admin/outbox')
  await page.locator('[data-test=outbox-table]').waitFor({ timeout: 15000 })
  await pick(page, page.locator('[data-test=outbox-status]'), { value: 'all' })
  const cancel = page.locator(`[data-test=outbox-table] [data-test=cancel-${id}]`)
  await cancel.waitFor({ timeout: 15000 })
  await cancel.click()
  const answered = page.waitForResponse((res) => res.url().endsWith(`/outbox/${id}/cancel`))
  await page.locator('.el-message-box').getByRole('button', { name: /OK|确定/ }).click()
  const res = await answered
  assert.equal(res.status(), 200, await res.text())
  await page.locator(`[data-test=status-${id}]`, { hasText: '已取消' }).waitFor({ timeout: 10000 })
  const o = await apiCall('GET', `/outbox/${id}`, { token: await apiLogin('admin') })
  assert.equal(o.data.status, 'cancelled')
  assert.equal((await apiCall('DELETE', '/webhooks/e2e-unanswered', { token: admin })).status, 204)
  assert.deepEqual(page.errors, [])
  await page.close()
})
