// The case file on the complaint page: a station's supervisor assigns a
// work order to a person, who finds it under 我的工单 (assigned to me); the
// agent corrects a wrongly filed category; a station sends a wrongly filled
// record back (退单). At a desk and on a phone, in Chinese and English.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, text, handlingComplaint, act, statusText, apiCall, apiLogin, PASSWORD, chooseLanguage } from './helpers.mjs'

let browser
before(async () => {
  browser = await launch()
  // A second handler at the station, to be assigned.
  const admin = await apiLogin('admin')
  const r = await apiCall('POST', '/users', { token: admin, body: { username: 'pd01e2e', name: '浦东一站 赵六', password: PASSWORD, roles: ['handler'], unit: 'SH-PD-01' } })
  if (r.status !== 201 && r.status !== 409) throw new Error('user: ' + JSON.stringify(r.data))
})
after(async () => { await browser.close() })

test('the station\'s supervisor assigns a work order; the assignee finds it under 我的工单', async () => {
  const c = await handlingComplaint({ handler: 'pd01' })
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'pdmgr')
  await page.goto(`${BASE}/#/complaints/${c.id}`)
  await page.locator('.detail-page[data-busy=no]').waitFor()
  const users = (await apiCall('GET', '/users', { token: await apiLogin('admin') })).data.items
  const pd01 = users.find((u) => u.username === 'pd01')
  assert.equal(await text(page.locator('[data-test=detail-assignee]')), pd01.name, 'who accepted it carries it')
  const zhao = users.find((u) => u.username === 'pd01e2e')
  await act(page, 'assign', { assignee: { value: String(zhao.id) } })
  assert.match(await text(page.locator('[data-test=detail-assignee]')), /赵六/)
  assert.deepEqual(page.errors, [])
  await page.close()

  const mine = await newPage(browser.context, { width: 360, height: 740 })
  await login(mine, 'pd01e2e', PASSWORD)
  await mine.goto(`${BASE}/#/mine?assignee=me`)
  await mine.locator(`[data-test=complaint-card]`, { hasText: c.number }).waitFor()
  assert.deepEqual(mine.errors, [])
  await mine.close()
})

test('the agent corrects the category; the history says what it was (English, phone)', async () => {
  const c = await handlingComplaint({ handler: null })
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await login(page, 'agent1')
  await chooseLanguage(page, 'English')
  await page.goto(`${BASE}/#/complaints/${c.id}`)
  await page.locator('.detail-page[data-busy=no]').waitFor()
  await act(page, 'correct', { category: { value: 'quality.fuel' }, reason: 'Filed under the wrong category' })
  assert.match(await text(page.locator('.detail-page')), /Corrected|Correct the record/)
  const got = (await apiCall('GET', `/complaints/${c.id}`, { token: await apiLogin('agent1') })).data
  assert.equal(got.category.code, 'quality.fuel')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('a station sends a wrongly filled record back to the centre (退单)', async () => {
  const c = await handlingComplaint({ handler: null })
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await login(page, 'pd01')
  await page.goto(`${BASE}/#/complaints/${c.id}`)
  await page.locator('.detail-page[data-busy=no]').waitFor()
  await act(page, 'return', { reason: '被投诉人员不是本站员工' })
  assert.match(await statusText(page), /^(已登记|Registered)$/) // the language an earlier test chose stays
  assert.deepEqual(page.errors, [])
  await page.close()
})
