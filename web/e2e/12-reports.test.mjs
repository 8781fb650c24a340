// 报表中心 in the browser, at a desk and on a phone: the indicator tiles show
// the API's numbers, red below their target; the table by unit; a number
// opens the complaints behind it (as many as the number says); the table is
// saved as CSV.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { launch, newPage, login, shot, text, apiCall, apiLogin } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

// The month the page opens on: the first of this month (in the organisation's zone) to today.
function range() {
  const now = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
  return { from: now.slice(0, 8) + '01', to: now }
}

async function expected(id, extra = '') {
  const { from, to } = range()
  const r = await apiCall('GET', `/reports/${id}?from=${from}&to=${to}${extra}`, { token: await apiLogin('manager1') })
  assert.equal(r.status, 200, JSON.stringify(r.data))
  return r.data
}

for (const [size, width, height] of [['desk', 1366, 860], ['phone', 360, 760]]) {
  test(`${size}: tiles against target, the table by unit, a number opens its complaints`, async () => {
    const page = await newPage(browser.context, { width, height })
    await login(page, 'manager1')
    if (size === 'desk') await page.locator('[data-test="menu-/reports"]').click()
    else await page.goto(page.url().replace(/#.*$/, '#/reports'))
    await page.locator('[data-test=report-tiles] [data-test=tile-received]').waitFor()

    const received = await expected('received')
    await page.locator('[data-test=tile-value-received]').filter({ hasText: String(received.total.value) }).waitFor({ timeout: 15000 })
    const onTime = await expected('on_time_rate')
    const tile = page.locator('[data-test=tile-on_time_rate]')
    const below = onTime.total.value != null && onTime.total.value < onTime.indicator.target
    assert.equal(await tile.evaluate((e) => e.classList.contains('below')), below, `red exactly below the target: ${JSON.stringify(onTime.total)}`)
    if (below) {
      const colour = await tile.locator('.k-val').evaluate((e) => getComputedStyle(e).color)
      assert.equal(colour, 'rgb(196, 86, 86)')
    }

    // The table: on-time rate by unit, as the API counts it.
    const byUnit = await expected('on_time_rate', '&group_by=unit')
    const rows = page.locator('[data-test=report-table] .el-table__body tr')
    if (byUnit.items.length) await rows.first().waitFor()
    assert.equal(await rows.count(), byUnit.items.length)

    // The received tile opens every complaint it counts.
    await page.locator('[data-test=tile-value-received]').click()
    const dlg = page.locator('.drill-dialog:visible')
    await dlg.waitFor()
    await dlg.locator('[data-test=drill-total]').filter({ hasText: String(received.total.value) }).waitFor()
    const listed = dlg.locator('[data-test=drill-table] .el-table__body tr')
    await listed.first().waitFor()
    assert.equal(await listed.count(), Math.min(50, received.total.value))
    if (size === 'phone') {
      const wide = await page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(wide <= width + 1, `no sideways scrolling: ${wide}`)
    }
    await shot(page, `reports-${size}`)
    await dlg.locator('.el-dialog__headerbtn').click()
    await dlg.waitFor({ state: 'hidden' })

    if (size === 'desk') {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('[data-test=report-export-csv]').click(),
      ])
      assert.match(download.suggestedFilename(), /^on_time_rate-\d{4}-\d{2}-01\.csv$/)
      const csv = fs.readFileSync(await download.path(), 'utf8')
      assert.ok(csv.startsWith('\ufeff单位编码,单位,按时办结率'), csv.slice(0, 80))
      assert.equal(csv.trim().split(/\r?\n/).length, byUnit.items.length + 2, 'a heading, the cells, the total')
    }
    assert.deepEqual(page.errors, [])
    assert.ok((await text(page.locator('h1'))).includes('报表中心'))
    await page.close()
  })
}
