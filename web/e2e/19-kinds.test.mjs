// Kinds of work order in the browser (packs.md "Kinds"): with a pack that
// takes repair requests (报修) beside complaints, as the gas utility's does
// after seed 004, an agent takes a repair request at the workbench and it is
// walked to closure — dispatched, accepted, resolved, replied, revisited and
// closed with its nature alone. The list filters by kind and the complaint
// page shows it, at the desk in Chinese and on a phone in English. The demo
// pack gets the kinds in a new version of the configuration for these tests;
// the version before is active again afterwards.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, shot, text, act, pick, typeAhead, saveIntake, apiCall, apiLogin, freshPhone, useLanguage, handlingComplaint } from './helpers.mjs'

const KINDS = [
  { code: 'complaint', name: '投诉', name_en: 'Complaint' },
  { code: 'consultation', name: '咨询', name_en: 'Consultation',
    actions: ['answer', 'dispatch', 'accept', 'resolve', 'reply', 'close', 'archive', 'comment'], penalties: false, counts_as_complaint: false },
  { code: 'repair', name: '报修', name_en: 'Repair request',
    actions: ['answer', 'dispatch', 'accept', 'transfer', 'resolve', 'reply', 'revisit', 'revisit_attempt', 'reopen', 'close', 'archive', 'comment'],
    penalties: false, counts_as_complaint: false },
]

let browser
let admin
let previous
let number = null
let id = null
before(async () => {
  browser = await launch()
  admin = await apiLogin('admin')
  previous = (await apiCall('GET', '/config/versions', { token: admin })).data.items.find((x) => x.active).version
  const { pack } = (await apiCall('GET', `/config/versions/${previous}`, { token: admin })).data
  const r = await apiCall('POST', '/config/versions', { token: admin, body: { reason: '工单类型：报修、咨询', pack: { ...pack, kinds: KINDS } } })
  assert.equal(r.status, 201, JSON.stringify(r.data))
})
after(async () => {
  await apiCall('POST', `/config/versions/${previous}/activate`, { token: admin, body: { reason: '恢复' } })
  await browser.close()
})

test('an agent takes a repair request at the workbench and it is walked to closure (1440×900, 中文)', async () => {
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'agent1')
  await page.getByRole('heading', { name: '受理工作台', level: 1 }).waitFor()
  await page.locator('[data-test=kind-row]').waitFor()
  await page.locator('#f-phone').fill(freshPhone())
  await page.locator('#f-name').fill('钱女士')
  await typeAhead(page, page.locator('#f-unit'), 'SH-PD-01')
  await typeAhead(page, page.locator('#f-category'), '服务过失')
  await pick(page, page.locator('[data-test=f-kind]'), { value: 'repair' })
  await page.locator('#f-desc').fill('加油站自助洗车机故障，投币后不出水，请派人维修。')
  number = await saveIntake(page)
  await shot(page, 'kinds-workbench-saved')

  const token = await apiLogin('agent1')
  const c = (await apiCall('GET', `/complaints/${number}`, { token })).data
  assert.equal(c.kind, 'repair')
  id = c.id

  // The list shows the kind and filters by it.
  await page.goto(`${BASE}/#/complaints?status=&kind=repair`)
  const row = page.locator('[data-test=complaint-table] .el-table__row', { hasText: number })
  await row.waitFor({ timeout: 15000 })
  assert.match(await text(row.locator('[data-test=row-kind]')), /报修/)
  assert.equal(await page.locator('[data-test=complaint-table] .el-table__row').count(),
    (await apiCall('GET', '/complaints?kind=repair&limit=100', { token })).data.items.length, 'only repair requests')
  await shot(page, 'kinds-list')

  // Walked to closure on the complaint page.
  await page.goto(`${BASE}/#/complaints/${id}`)
  await page.locator('[data-test=detail-kind]').filter({ hasText: '报修' }).waitFor()
  await act(page, 'dispatch', { unit: { unit: 'SH-PD-01' } })
  await page.locator('[data-test=detail-status]').filter({ hasText: '已派单' }).waitFor()
  await page.close()

  const station = await newPage(browser.context, { width: 1440, height: 900 })
  await login(station, 'pd01')
  await station.goto(`${BASE}/#/complaints/${id}`)
  await station.locator('[data-test=detail-kind]').waitFor()
  await act(station, 'accept', { note: '已安排维修工上门。' })
  await station.locator('[data-test=detail-status]').filter({ hasText: '处理中' }).waitFor()
  await act(station, 'resolve', { resolution_type: { value: 'solution' }, resolution: '已更换洗车机进水阀，试机正常。', nature: { value: 'valid' } })
  await station.locator('[data-test=detail-status]').filter({ hasText: '已办结' }).waitFor()
  assert.deepEqual(station.errors, [])
  await station.close()

  const desk = await newPage(browser.context, { width: 1440, height: 900 })
  await login(desk, 'agent1')
  await desk.goto(`${BASE}/#/complaints/${id}`)
  await desk.locator('[data-test=detail-kind]').waitFor()
  await act(desk, 'reply', { method: { value: 'phone' }, content: '钱女士您好，洗车机已修复。' })
  await desk.locator('[data-test=detail-status]').filter({ hasText: '已答复' }).waitFor()
  await act(desk, 'revisit', { method: { value: 'phone' }, result: { value: 'satisfied' }, remarks: '客户确认可正常使用。' })
  await desk.locator('[data-test=detail-status]').filter({ hasText: '已回访' }).waitFor()
  // No compensation for a repair request: the kind does not take it.
  assert.equal(await desk.locator('[data-test=actions] [data-action=compensate]').count(), 0)
  await act(desk, 'close', { nature: { value: 'valid' } })
  await desk.locator('[data-test=detail-status]').filter({ hasText: '已结案' }).waitFor()
  await shot(desk, 'kinds-repair-closed')
  const closed = (await apiCall('GET', `/complaints/${id}`, { token })).data
  assert.equal(closed.status, 'closed')
  assert.equal((closed.penalties || []).length, 0)
  assert.deepEqual(desk.errors, [])
  await desk.close()
})

test('on a phone in English the list, the complaint page and the workbench name the kind (360×740)', async () => {
  assert.ok(id, 'the repair request was taken')
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await login(page, 'agent1')
  await useLanguage(page, 'en')
  await page.goto(`${BASE}/#/complaints?status=&kind=repair`)
  const card = page.locator('[data-test=complaint-card]', { hasText: number })
  await card.waitFor({ timeout: 15000 })
  assert.match(await text(card.locator('[data-test=row-kind]')), /Repair request/)
  await page.goto(`${BASE}/#/complaints/${id}`)
  await page.locator('[data-test=detail-kind]').filter({ hasText: 'Repair request' }).waitFor()
  await page.goto(`${BASE}/#/workbench`)
  await page.locator('[data-test=kind-row]').waitFor()
  await pick(page, page.locator('[data-test=f-kind]'), { value: 'consultation' })
  assert.match(await text(page.locator('[data-test=kind-row]')), /Consultation/)
  // A consultation answered on the spot: closed with its nature alone, no closing fields asked.
  await page.locator('#f-phone').fill(freshPhone())
  await page.locator('#f-name').fill('Mr Sun')
  await typeAhead(page, page.locator('#f-unit'), 'SH-PD-01')
  await typeAhead(page, page.locator('#f-category'), 'Service fault')
  await page.locator('#f-desc').fill('Asks whether the station sells diesel at night.')
  await page.locator('[data-test=on-spot]').click()
  await page.locator('#f-answer').fill('Diesel is sold around the clock.')
  assert.equal(await page.locator('[data-test=on-spot-cause]').count(), 0, 'a consultation asks for no cause')
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 360, `fits a phone: ${width}`)
  await shot(page, 'kinds-workbench-phone')
  const answered = await saveIntake(page)
  const token = await apiLogin('agent1')
  const q = (await apiCall('GET', `/complaints/${answered}`, { token })).data
  assert.equal(q.kind, 'consultation')
  assert.equal(q.status, 'closed')

  // A complaint that turns out to be a repair request is corrected (更正) on the phone: the page and its timeline name the new kind.
  const handling = await handlingComplaint({ description: 'The car wash takes coins and gives no water.' })
  await page.goto(`${BASE}/#/complaints/${handling.id}`)
  await page.locator('[data-test=detail-status]').waitFor()
  assert.equal(await page.locator('[data-test=detail-kind]').count(), 0, 'a plain complaint carries no kind tag')
  await act(page, 'correct', { kind: { value: 'repair' }, reason: 'The customer asks for a repair, not a complaint.' })
  await page.locator('[data-test=detail-kind]').filter({ hasText: 'Repair request' }).waitFor()
  // The timeline says what the correction changed, from what to what.
  await page.locator('.ev-payload', { hasText: 'Complaint → Repair request' }).waitFor()
  assert.equal((await apiCall('GET', `/complaints/${handling.id}`, { token })).data.kind, 'repair')
  await shot(page, 'kinds-corrected-phone')
  assert.deepEqual(page.errors, [])
  await useLanguage(page, 'zh')
  await page.close()
})
