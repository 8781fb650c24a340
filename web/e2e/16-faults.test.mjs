// Known faults (系统公告) in the browser: a supervisor publishes an
// announcement for a station at the desk; an agent on a phone-sized screen
// records a complaint about that station, sees the announcement on the
// intake form and answers with its script instead of dispatching; the
// supervisor resolves the fault and the complaint closes with it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, text, typeAhead, apiCall, apiLogin, freshPhone, shot, act, chooseLanguage } from './helpers.mjs'

let browser
let announcement
let number
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const TITLE = '加油卡充值系统故障（测试）'
const SCRIPT = '您好，因充值系统故障，今日充值暂时无法到账，预计两小时内恢复，恢复后自动到账。'

test('a supervisor publishes an announcement at the desk, on time', async () => {
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'super1')
  await page.goto(`${BASE}/#/announcements`)
  await page.locator('[data-test=fault-new]').click()
  const form = page.locator('[data-test=fault-form]')
  await form.locator('[data-field=title]').fill(TITLE)
  await form.locator('[data-field=script]').fill(SCRIPT)
  await typeAhead(page, form.locator('[data-field=units]'), 'SH-PD-03')
  await page.keyboard.press('Escape')
  await page.locator('[data-test=fault-submit]').click()
  const detail = page.locator('[data-test=fault-detail]')
  await detail.locator('h2', { hasText: TITLE }).waitFor({ timeout: 15000 })
  assert.match(await text(detail.locator('[data-test=fault-detail-script]')), /充值系统故障/)
  assert.match(await text(detail.locator('[data-test=fault-clock]')), /按时发布/)
  const token = await apiLogin('agent1')
  const list = await apiCall('GET', '/announcements?active=true', { token })
  announcement = list.data.items.find((a) => a.title === TITLE)
  assert.ok(announcement, 'published')
  assert.deepEqual(announcement.scope.units.map((u) => u.code), ['SH-PD-03'])
  await shot(page, 'fault-announcement-desk')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('an agent on a phone answers a complaint about the fault with its script', async () => {
  // Another region's fault at the same time: scoped to its units, never shown for this station.
  const sup = await apiLogin('super1')
  const other = await apiCall('POST', '/announcements', { token: sup, body: { title: '闵行片区系统故障（测试）',
    script: '闵行片区系统故障，恢复后通知。', scope: { units: ['SH-MH'] }, starts_at: announcement.starts_at } })
  assert.equal(other.status, 201, JSON.stringify(other.data))
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await login(page, 'agent1')
  await page.goto(`${BASE}/#/workbench`)
  await page.locator('#f-phone').fill(freshPhone())
  await page.locator('#f-name').fill('赵先生')
  await typeAhead(page, page.locator('#f-unit'), 'SH-PD-03')
  await typeAhead(page, page.locator('#f-category'), '服务态度')
  await page.locator('#f-desc').fill('充值两小时未到账。')
  const notices = page.locator('[data-test=fault-notices]')
  await notices.waitFor({ timeout: 10000 })
  assert.match(await text(notices), /充值系统故障/)
  assert.doesNotMatch(await text(notices), /闵行/, 'another region\'s fault is not offered for this station')
  await notices.locator(`[data-announcement="${announcement.id}"] [data-test=fault-use]`).click()
  await page.keyboard.press('Control+Enter')
  await page.locator('[data-test=confirm-save]').click()
  const result = page.locator('[data-test=intake-result]')
  await result.waitFor({ timeout: 15000 })
  number = (await text(result)).match(/[A-Z]+\d{8}-\d{4}/)[0]
  await page.locator('[data-test=open-saved]').click()
  const linked = page.locator('[data-test=fault-linked]')
  await linked.waitFor({ timeout: 15000 })
  assert.match(await text(linked), /等待故障解除/)
  assert.match(await text(page.locator('[data-test=detail-status]')), /登记|待派单|已登记|受理/)
  await shot(page, 'fault-answered-phone')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('a customer who does not accept the script: unlinked at the desk in English, then dispatched', async () => {
  const agent = await apiLogin('agent1')
  const c = await apiCall('POST', '/complaints', { token: agent, body: { channel: 'phone', customer: { name: '钱女士', phone: freshPhone() },
    subject_unit: 'SH-PD-03', category: 'service.attitude', description: '充值未到账，不接受公告解释。' } })
  assert.equal(c.status, 201, JSON.stringify(c.data))
  const r = await apiCall('POST', `/announcements/${announcement.id}/complaints`, { token: agent, body: { complaint: c.data.id } })
  assert.equal(r.status, 200, JSON.stringify(r.data))
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'agent1')
  await chooseLanguage(page, 'English')
  await page.goto(`${BASE}/#/complaints/${c.data.id}`)
  const linked = page.locator('[data-test=fault-linked]')
  await linked.waitFor({ timeout: 15000 })
  assert.match(await text(page.locator('[data-test=fault-unlink-hint]')), /not accept the script/)
  await page.locator('[data-test=actions] [data-action="fault_unlink"]').waitFor({ timeout: 10000 })
  assert.equal(await page.locator('[data-test=actions] [data-action="dispatch"]').count(), 0, 'not offered while linked')
  await act(page, 'fault_unlink', { reason: 'The customer wants the cause investigated' })
  await linked.waitFor({ state: 'detached', timeout: 15000 })
  await act(page, 'dispatch', { unit: { unit: 'SH-PD-03' } })
  assert.match(await text(page.locator('[data-test=detail-status]')), /Dispatched/)
  await chooseLanguage(page, '中文')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('resolving the fault closes the complaint with it', async () => {
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'super1')
  await page.goto(`${BASE}/#/announcements`)
  await page.locator(`[data-test=fault-list] [data-announcement="${announcement.id}"]`).click()
  const detail = page.locator('[data-test=fault-detail]')
  await detail.locator('[data-test=fault-complaints]', { hasText: number }).waitFor({ timeout: 10000 })
  await page.locator('[data-test=fault-resolve]').click()
  await page.locator('.el-dialog:visible [data-field=resolution]').fill('系统已恢复，充值已全部到账')
  await page.locator('[data-test=fault-resolve-submit]').click()
  await page.locator('[data-test=fault-detail][data-status=resolved]').waitFor({ timeout: 15000 })
  const token = await apiLogin('agent1')
  const c = await apiCall('GET', `/complaints/${number}`, { token })
  assert.equal(c.data.status, 'closed')
  assert.deepEqual(page.errors, [])
  await page.close()
})
