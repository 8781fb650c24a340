// The trend warning on the supervisor board. Seed 002: 通過數據分析與顧客反饋,
// 建立客戶服務危機的早期預警機制. The demo's complaints of the last days are far
// above the weeks before them, so the gas-station pack's rules warn of the
// station service line; the supervisor sees it at the desk and on a phone,
// in Chinese and English.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, shot, text, apiCall, apiLogin } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

test('the supervisor board lists what rises beyond its usual level, desk and phone, Chinese and English', async () => {
  const api = (await apiCall('GET', '/trends', { token: await apiLogin('super1') })).data.items
  assert.ok(api.some((x) => x.rule === 'category-rise' && x.category.code === 'service'), JSON.stringify(api))
  for (const [width, height, lang] of [[1440, 900, 'zh-CN'], [360, 740, 'en']]) {
    const page = await newPage(browser.context, { width, height })
    try {
      await login(page, 'super1')
      await page.evaluate((l) => localStorage.setItem('redress.lang', l), lang)
      await page.goto(`${BASE}/#/board`)
      await page.reload()
      const list = page.locator('[data-test=trend-list]')
      await list.waitFor({ timeout: 15000 })
      assert.match(await text(list.locator('h2')), lang === 'en' ? /Complaint trend warnings/ : /投诉趋势预警/)
      const line = list.locator('li.trend-category-rise[data-key=service]')
      assert.match(await text(line), lang === 'en' ? /A business line's complaints rise .*Station service .*in the last 7 days, usually about/
        : /投诉类别异常上升 油站服务 近 7 天 \d+ 件，通常约/)
      await list.scrollIntoViewIfNeeded()
      await shot(page, `trends-${width}-${lang}`)
      assert.deepEqual(page.errors, [])
    } finally {
      await page.evaluate(() => localStorage.setItem('redress.lang', 'zh-CN'))
      await page.close()
    }
  }
})
