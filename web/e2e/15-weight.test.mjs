// The portal's first load (issue #24): at most 300 KB compressed, and none of
// the staff app in it. A fresh browser (nothing cached) opens the portal on a
// phone; the bytes of every file it fetched are summed as gzip would send
// them (e2e/weight.mjs). Sizes, not times: the same on every run.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, BASE } from './helpers.mjs'
import { pageWeight } from './weight.mjs'

const BUDGET = 300 * 1000
const STAFF = /\/(AppLayout|Workbench|ComplaintList|ComplaintDetail|SupervisorBoard|Reports|echarts|Calendars|AuditLog|Penalties)-/

for (const [name, hash, ready] of [
  ['the portal', '/#/portal', '[data-test=portal-form]'],
  ['the portal’s tracking page', '/#/portal/track', '[data-test=track-form]'],
]) {
  test(`${name}: first load ≤ 300 KB compressed, no staff views`, async () => {
    const browser = await launch()
    try {
      const page = await newPage(browser.context, { width: 360, height: 740 })
      const w = await pageWeight(page, BASE + hash, () => page.locator(ready).waitFor())
      const list = w.files.map((f) => `${f.path} ${f.gzip}`).join('\n')
      assert.ok(w.files.some((f) => /\/assets\/.*\.js$/.test(f.path)), 'the scripts were counted')
      assert.ok(w.gzip <= BUDGET, `${w.gzip} bytes compressed (${w.raw} sent):\n${list}`)
      const staff = w.files.filter((f) => STAFF.test(f.path))
      assert.deepEqual(staff, [], 'the staff views are not loaded')
      assert.deepEqual(page.errors, [])
    } finally {
      await browser.close()
    }
  })
}
