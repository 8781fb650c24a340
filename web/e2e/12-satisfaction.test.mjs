// 报表中心's satisfaction section in the browser, at a desk and on a phone:
// by unit, by staff and by question, the rows and the total as the API
// counts them, the new closed_unaccepted tile from the catalogue, and the
// table saved as CSV.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { launch, newPage, login, shot, apiCall, apiLogin } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

function range() {
  const now = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
  return { from: now.slice(0, 8) + '01', to: now }
}

async function expected(by) {
  const { from, to } = range()
  const r = await apiCall('GET', `/reports/satisfaction?from=${from}&to=${to}&by=${by}`, { token: await apiLogin('manager1') })
  assert.equal(r.status, 200, JSON.stringify(r.data))
  return r.data
}

const pct = (v) => (v == null ? '—' : `${(v * 100).toFixed(1)} %`)

for (const [size, width, height] of [['desk', 1366, 860], ['phone', 360, 760]]) {
  test(`${size}: satisfaction by unit, staff and question`, async () => {
    const page = await newPage(browser.context, { width, height })
    await login(page, 'manager1')
    await page.goto(page.url().replace(/#.*$/, '#/reports'))
    await page.locator('[data-test=tile-closed_unaccepted]').waitFor()
    const section = page.locator('[data-test=satisfaction-stats]')
    await section.waitFor()
    for (const by of ['unit', 'staff', 'question']) {
      const want = await expected(by)
      await section.locator(`[data-test=satisfaction-by-${by}]`).click()
      const rows = section.locator('[data-test=satisfaction-table] .el-table__body-wrapper tr')
      await section.locator('[data-test=satisfaction-total-rate]').filter({ hasText: pct(want.total.rate) }).first().waitFor({ timeout: 15000 })
      await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length >= n,
        ['[data-test=satisfaction-stats] [data-test=satisfaction-table] .el-table__body-wrapper tbody tr', want.items.length + 1])
      assert.ok(await rows.count() >= want.items.length + 1, `${by}: a row a group and the total`)
    }
    if (size === 'phone') {
      const wide = await page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(wide <= width + 1, `no sideways scrolling: ${wide}`)
    }
    await section.scrollIntoViewIfNeeded()
    await shot(page, `satisfaction-${size}`)
    if (size === 'desk') {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        section.locator('[data-test=satisfaction-export-csv]').click(),
      ])
      assert.match(download.suggestedFilename(), /^satisfaction-question-\d{4}-\d{2}-01\.csv$/)
      const csv = fs.readFileSync(await download.path(), 'utf8')
      assert.ok(csv.startsWith('\ufeff问题编码,问题,回访成功数'), csv.slice(0, 80))
    }
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}
