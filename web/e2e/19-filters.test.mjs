// The list's more filters: a supervisor finds the complaints about one member
// of staff, sees the VIP's (high priority by the pack's rule) first when the
// list is sorted by priority, and narrows them to the one waiting for the
// customer; the filters live in the URL, so a reload keeps them. At phone
// width in English, the same filters sit behind the Filters button.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, shot, text, apiCall, apiLogin, pick, useLanguage, BASE } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

// A member of staff no other complaint of the run names.
const staff = '加油员 ' + String.fromCodePoint(0x5000 + Math.floor(Math.random() * 0x3000)) +
  String.fromCodePoint(0x5000 + Math.floor(Math.random() * 0x3000))
let vip = null
let waiting = null

test('setup: two complaints about one member of staff, the second waiting for the customer', async () => {
  const token = await apiLogin('agent1')
  const body = (over) => ({
    channel: 'phone', subject_unit: 'SH-PD-01', subject_staff: staff, category: 'service.attitude', place: '3号加油机',
    description: '加油员态度生硬，拒绝解释价格。', level: 3, ...over,
  })
  const a = await apiCall('POST', '/complaints', { token, body: body({ customer: { name: '钱先生', phone: '13912340001', class: 'ordinary' } }) })
  assert.equal(a.status, 201, JSON.stringify(a.data))
  waiting = a.data
  const w = await apiCall('POST', `/complaints/${waiting.id}/actions/wait_customer`, {
    token, body: { reason: '客户出差，下周补充小票' },
  })
  assert.equal(w.status, 200, JSON.stringify(w.data))
  const b = await apiCall('POST', '/complaints', { token, body: body({ customer: { name: '孙女士', phone: '13912340002', class: 'vip' } }) })
  assert.equal(b.status, 201, JSON.stringify(b.data))
  vip = b.data
  assert.equal(vip.priority, 'high', 'the pack grades a VIP high')
})

const rows = (page) => page.locator('[data-test=complaint-table] .el-table__body-wrapper tr')

test('super1 filters by the staff complained about, sorts by priority, then keeps those waiting (zh, 1440px)', async () => {
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'super1')
  await page.goto(BASE + '/#/complaints')
  await page.locator('[data-test=flt-more]').click()
  await page.locator('[data-test=flt-subject_staff]').fill(staff)
  await pick(page, page.locator('[data-test=flt-sort]'), { text: '按优先级' })
  await page.locator('[data-test=flt-search]').click()
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('subject_staff='))
  await page.locator('[data-test=complaint-table]').getByText(waiting.number).waitFor({ timeout: 15000 })
  assert.match(await text(page.locator('.page-title .sub').first()), /共 2 件/)
  assert.match(await text(rows(page).first()), new RegExp(vip.number), 'the VIP first by priority')
  assert.match(await text(rows(page).first().locator('[data-test=row-priority]')), /优先/, 'marked as such')

  await pick(page, page.locator('[data-test=flt-waiting]'), { text: '是' })
  await page.locator('[data-test=flt-search]').click()
  await page.waitForFunction(() => location.hash.includes('waiting=true'))
  await page.locator('.page-title .sub', { hasText: '共 1 件' }).waitFor({ timeout: 15000 })
  assert.match(await text(rows(page).first()), new RegExp(waiting.number))
  await shot(page, 'list-more-filters')

  // The filters are in the URL: a reload shows the section open, with its count, and the same list.
  await page.reload()
  await page.locator('[data-test=more-filters]').waitFor({ timeout: 15000 })
  await page.locator('.page-title .sub', { hasText: '共 1 件' }).waitFor({ timeout: 15000 })
  assert.equal(await page.locator('[data-test=flt-subject_staff]').inputValue(), staff)
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('at phone width in English the more filters open from the Filters button', async () => {
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await login(page, 'super1')
  await useLanguage(page, 'en')
  await page.goto(BASE + '/#/complaints')
  await page.getByRole('button', { name: 'Filters' }).click()
  await page.locator('[data-test=flt-more]').click()
  await page.locator('[data-test=flt-subject_staff]').fill(staff)
  await page.locator('[data-test=flt-search]').click()
  await page.locator('[data-test=complaint-card]', { hasText: vip.number }).waitFor({ timeout: 15000 })
  assert.equal(await page.locator('[data-test=complaint-card]').count(), 2)
  // The section fits the screen: nothing wider than the viewport.
  const wide = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(wide <= 360, `page is ${wide}px wide`)
  await useLanguage(page, 'zh')
  assert.deepEqual(page.errors, [])
  await page.close()
})
