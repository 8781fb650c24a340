// Saved views of the complaint list: an agent at the desk saves the list's
// filters as a view and finds it again as a tab with its count; a region's
// supervisor shares one, which a station's handler sees on a phone in
// English, counted within the handler's own scope.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, text, apiCall, apiLogin, useLanguage, shot } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const run = Date.now().toString(36)

test('an agent saves the list\'s filters as a view and opens it again from its tab (zh, desk)', async () => {
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'agent1')
  await page.goto(`${BASE}/#/complaints`)
  await page.locator('[data-test=views]').waitFor()
  await page.locator('[data-test=flt-warning]').click()
  await page.locator('[data-test=flt-search]').click()
  await page.waitForFunction(() => location.hash.includes('warning=true'))
  await page.locator('[data-test=complaint-table] .el-loading-mask').waitFor({ state: 'hidden' })
  const total = (await text(page.locator('[data-test=search-total]'))).match(/\d+/)[0]
  const name = `预警-${run}`
  await page.locator('[data-test=view-save]').click()
  await page.locator('[data-test=view-name]').fill(name)
  await page.locator('[data-test=view-submit]').click()
  const tab = page.locator(`[data-test=views] [data-view="${name}"]`)
  await tab.waitFor()
  assert.equal(await text(tab.locator('[data-test=view-count]')), total, 'the tab counts what the list showed')
  assert.equal(await tab.getAttribute('aria-pressed'), 'true', 'the list shows the view now')
  await shot(page, 'list-views')
  // back to all, then the view again: the filter comes back with it
  await page.locator('[data-test=view-all]').click()
  await page.waitForFunction(() => !location.hash.includes('warning=true'))
  await tab.click()
  await page.waitForFunction(() => location.hash.includes('warning=true'))
  assert.ok(await page.locator('[data-test=flt-warning] input').isChecked())
  // removed from its tab
  await page.locator(`[data-test=views] .view-wrap:has([data-view="${name}"]) [data-test=view-remove]`).click()
  await page.locator('.el-message-box:visible .el-button--primary').click()
  await tab.waitFor({ state: 'detached' })
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('a supervisor\'s shared view reaches a station\'s handler on a phone, counted in the handler\'s scope (en, phone)', async () => {
  const mgr = await apiLogin('pdmgr')
  const name = `Open-${run}`
  const v = await apiCall('POST', '/views', { token: mgr, body: { name, filters: { status: 'open', sort: 'deadline' }, shared: true } })
  assert.equal(v.status, 201, JSON.stringify(v.data))
  const handler = await apiLogin('pd01')
  const expected = (await apiCall('GET', '/complaints?status=open&total=true&limit=1', { token: handler })).data.total
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await login(page, 'pd01')
  await useLanguage(page, 'en')
  await page.goto(`${BASE}/#/complaints`)
  const tab = page.locator(`[data-test=views] [data-view="${name}"]`)
  await tab.waitFor()
  assert.equal(await text(tab.locator('[data-test=view-count]')), String(expected))
  assert.equal(await page.locator(`[data-test=views] .view-wrap:has([data-view="${name}"]) [data-test=view-remove]`).count(), 0,
    'a handler cannot remove a shared view')
  const box = await tab.boundingBox()
  assert.ok(box.height >= 44, `a touch target: ${box.height}px`)
  assert.deepEqual(page.errors, [])
  await useLanguage(page, 'zh')
  await page.close()
  await apiCall('DELETE', `/views/${v.data.id}`, { token: mgr })
})
