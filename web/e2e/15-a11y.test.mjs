// Accessibility (issue #24): axe-core (npm, the engine browsers' own audits
// use) runs on every page — the public ones and, for each role, every page of
// its menu — at 1440 × 900 and 360 × 740, and no serious or critical
// violation may remain. The engine is evaluated into the page through the
// browser's debugging protocol, which the page's CSP does not govern.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { launch, newPage, login, BASE } from './helpers.mjs'

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

/**
 * The serious and critical violations on the page as it is now. A node in
 * the middle of an entering transition (a tag zooming in, half transparent)
 * is looked at again once it has arrived.
 */
async function audit(page, tries = 4) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE + '\n;0')
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }))
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  // a colour is measured as it is painted: a node that was still fading in
  // (its transition class is not always in axe's selector) is measured again
  // once the page has no transition running; a real contrast fault stays
  if (tries > 1 && bad.some((v) => v.id === 'color-contrast' || v.nodes.some((n) => /-(enter|leave)-active/.test(n.target.join(' '))))) {
    await settle(page)
    return audit(page, tries - 1)
  }
  return bad
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' ' + n.html.slice(0, 160) + ' ' + (n.any?.[0]?.message || '')).join(' | ')}`)
}

async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => {})
  await page.locator('.el-loading-mask').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {})
  // let entering transitions (a tag zooming in) finish: half-faded text is not what one reads
  await page.waitForFunction(() => !document.querySelector('[class*="-enter-active"], [class*="-leave-active"]'), null, { timeout: 5000 }).catch(() => {})
  await page.waitForTimeout(300)
}

const PUBLIC = ['/portal', '/portal/track', '/portal/published', '/portal/nowhere', '/survey/not-a-token', '/confirm/not-a-token', '/login']
const ROLES = ['agent1', 'pd01', 'super1', 'manager1', 'auditor1', 'admin']

for (const size of [{ width: 1440, height: 900 }, { width: 360, height: 740 }]) {
  test(`${size.width} px: the public pages have no serious or critical axe violation`, async () => {
    const page = await newPage(browser.context, size)
    const found = []
    for (const p of PUBLIC) {
      await page.goto(BASE + '/#' + p)
      await page.locator('.portal, .login-page').first().waitFor()
      await settle(page)
      for (const v of await audit(page)) found.push(`${p}: ${v}`)
    }
    assert.deepEqual(found, [])
    await page.close()
  })

  for (const user of ROLES) {
    test(`${size.width} px: every page of ${user}'s menu has no serious or critical axe violation`, async () => {
      const page = await newPage(browser.context, size)
      await login(page, user)
      // on a phone the menu is a drawer behind the menu button
      if (size.width < 768) await page.locator('.burger').click()
      await page.locator('[data-test^="menu-/"]').first().waitFor()
      const paths = await page.evaluate(() => [...document.querySelectorAll('[data-test^="menu-/"]')]
        .map((e) => e.dataset.test.slice(5)))
      if (size.width < 768) await page.keyboard.press('Escape')
      const pages = [...new Set(paths.length ? paths : ['/complaints'])].filter((p) => p !== '/portal')
      // a work order's page too: the first of the list
      const found = []
      for (const p of [...pages, 'detail']) {
        if (p === 'detail') {
          await page.goto(BASE + '/#/complaints')
          const first = page.locator('[data-test=complaint-table] a.num, [data-test=complaint-card]').first()
          if (!(await first.count())) continue
          await first.click()
          await page.locator('.detail-page[data-busy=no]').waitFor({ timeout: 15000 })
        } else {
          await page.goto(BASE + '/#' + p)
          await page.locator('.el-main .page').first().waitFor({ timeout: 15000 })
        }
        await settle(page)
        for (const v of await audit(page)) found.push(`${p}: ${v}`)
      }
      assert.deepEqual(found, [])
      await page.close()
    })
  }
}
