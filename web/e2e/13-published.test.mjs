// 结果公示 (004): with the pack publishing, the portal shows handled
// complaints anonymised, on a phone, in both languages.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, text, apiCall, apiLogin, chooseLanguage } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

test('the portal\'s results tab appears when the pack publishes, without customer data', async () => {
  const admin = await apiLogin('admin')
  const versions = (await apiCall('GET', '/config/versions', { token: admin })).data.items
  const active = versions.find((x) => x.active)
  const { pack } = (await apiCall('GET', `/config/versions/${active.version}`, { token: admin })).data
  const on = await apiCall('POST', '/config/versions', { token: admin, body: { reason: '结果公示', pack: { ...pack, publication: { days: 60 } } } })
  assert.equal(on.status, 201, JSON.stringify(on.data))
  try {
    const page = await newPage(browser.context, { width: 360, height: 740 })
    await page.goto(BASE + '/#/portal')
    await page.locator('[data-test=tab-published]').click()
    await page.locator('[data-test=published-item]').first().waitFor()
    const shown = await text(page.locator('[data-test=published]'))
    assert.match(shown, /近 60 天受理并已办结/)
    assert.ok(!/TS\d{8}-\d{4}/.test(shown), 'no numbers')
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= 360, `fits a phone: ${width}`)
    await chooseLanguage(page, 'English')
    await page.locator('[data-test=published]').filter({ hasText: 'in the last 60 days' }).waitFor()
    assert.deepEqual(page.errors, [])
    await page.close()
  } finally {
    await apiCall('POST', `/config/versions/${active.version}/activate`, { token: admin, body: { reason: '恢复' } })
  }
})
