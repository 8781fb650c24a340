// A crisis opened by hand in the browser: a media complaint comes in; a
// supervisor at the desk opens an incident from it with a response level
// named by the pack, forms the team, assigns a task and publishes a notice
// to customers, which a customer reads on the portal on a phone without
// signing in; the supervisor closes the incident with its review.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, text, pick, apiCall, apiLogin, freshPhone, shot } from './helpers.mjs'

let browser
let complaint
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const NOTICE = '关于某加油站发票问题的说明：经核实已为客户补开发票（浏览器测试）。'

async function incidentAct(page, action, fill) {
  await page.locator(`[data-test=incident-actions] [data-action="${action}"]`).click()
  const dlg = page.locator('.el-dialog:visible')
  await dlg.waitFor()
  await fill(dlg)
  await page.locator('[data-test=incident-submit]').click()
  await dlg.waitFor({ state: 'hidden', timeout: 15000 })
}

test('a supervisor opens an incident from a media complaint and publishes a notice', async () => {
  const token = await apiLogin('agent1')
  const c = await apiCall('POST', '/complaints', { token, body: {
    channel: 'media', customer: { name: '记者', phone: freshPhone() }, subject_unit: 'SH-PD-01',
    category: 'service.attitude', description: '记者来电：该站拒开发票，准备报道。', level: 1 } })
  assert.equal(c.status, 201, JSON.stringify(c.data))
  complaint = c.data
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'super1')
  await page.goto(`${BASE}/#/incidents`)
  await page.locator('[data-test=incident-new]').click()
  const form = page.locator('[data-test=incident-open-form]')
  await form.locator('[data-field=title]').fill('媒体关注：拒开发票（浏览器）')
  await pick(page, form.locator('[data-field=level]'), { text: '二级响应' })
  await form.locator('[data-field=description]').fill('记者来电，拟报道该站拒开发票')
  await form.locator('[data-field=complaint]').fill(complaint.number)
  await page.locator('[data-test=incident-open-submit]').click()
  const detail = page.locator('[data-test=incident-detail]')
  await detail.locator('h2', { hasText: '媒体关注：拒开发票（浏览器）' }).waitFor({ timeout: 15000 })
  assert.match(await text(detail.locator('[data-test=incident-level]')), /二级响应/)
  assert.match(await text(detail.locator('[data-test=incident-complaints]')), new RegExp(complaint.number))

  await incidentAct(page, 'team', async (dlg) => {
    await pick(page, dlg.locator('[data-field=user]'), { text: 'pd01' })
    await dlg.locator('[data-field=role]').fill('现场负责人')
  })
  await detail.locator('[data-test=incident-team]', { hasText: '现场负责人' }).waitFor({ timeout: 10000 })
  await incidentAct(page, 'notice', async (dlg) => { await dlg.locator('[data-field=text]').fill(NOTICE) })
  await detail.locator('[data-test=incident-customer-notice]', { hasText: '补开发票' }).waitFor({ timeout: 10000 })
  await shot(page, 'crisis-incident-desk')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('a customer reads the notice on the portal on a phone, without signing in', async () => {
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await page.goto(`${BASE}/#/portal`)
  const notices = page.locator('[data-test=portal-notices]')
  await notices.waitFor({ timeout: 15000 })
  assert.match(await text(notices), /补开发票（浏览器测试）/)
  assert.doesNotMatch(await text(notices), new RegExp(complaint.number), 'nothing internal')
  await shot(page, 'crisis-portal-phone')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('the incident closes with its review and the notice is taken down', async () => {
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'super1')
  await page.goto(`${BASE}/#/incidents`)
  await page.locator('[data-test=incident-list] [data-incident]', { hasText: '媒体关注：拒开发票（浏览器）' }).click()
  const detail = page.locator('[data-test=incident-detail]')
  await detail.locator('h2', { hasText: '媒体关注：拒开发票（浏览器）' }).waitFor({ timeout: 10000 })
  await incidentAct(page, 'close', async (dlg) => {
    await dlg.locator('[data-field=summary]').fill('已补开发票并公开说明')
    await dlg.locator('[data-field=lessons]').fill('发票政策纳入入职培训')
  })
  await page.locator('[data-test=incident-detail][data-status=closed]').waitFor({ timeout: 15000 })
  const r = await apiCall('GET', '/portal/notices')
  assert.ok(!r.data.items.some((n) => n.notice === NOTICE))
  assert.deepEqual(page.errors, [])
  await page.close()
})
