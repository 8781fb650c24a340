// Similar complaints at intake: an agent taking a complaint about short
// measure at a station sees the open complaint about the same thing there,
// ticks it, saves, and the new complaint is linked to it as a repeat — at
// the desk in Chinese and on a phone in English.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, text, apiCall, apiLogin, freshPhone, useLanguage, shot, choose } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const DESK = { width: 1440, height: 900 }
const PHONE = { width: 360, height: 740 }

for (const v of [
  { lang: 'zh', size: DESK, unit: 'SH-PD-03', tag: /描述相似 \d+%/ },
  { lang: 'en', size: PHONE, unit: 'SH-MH-01', tag: /\d+% alike/ },
]) {
  test(`an agent links a new complaint as a repeat of a similar open one (${v.lang}, ${v.size.width}px)`, async () => {
    const token = await apiLogin('agent1')
    const first = await apiCall('POST', '/complaints', { token, body: {
      channel: 'phone', customer: { name: '陈先生', phone: freshPhone() }, subject_unit: v.unit, category: 'quality.quantity',
      description: '加油机计量不准，加满一箱少了三升油，要求站方核实计量并退还差价。' } })
    assert.equal(first.status, 201)
    const page = await newPage(browser.context, v.size)
    await login(page, 'agent1')
    await useLanguage(page, v.lang)
    await page.locator('#f-phone').fill(freshPhone())
    await page.locator('#f-name').fill('吴女士')
    await choose(page, page.locator('#f-unit'), v.unit, v.unit)
    await choose(page, page.locator('#f-category'), 'quality.quantity', /数量\/计量|Quantity/)
    await page.locator('#f-desc').fill('客户反映加满一箱少了三升油，怀疑加油机计量不准，要求退还差价。')
    const item = page.locator(`[data-test=similar] [data-similar="${first.data.number}"]`)
    await item.waitFor({ timeout: 10000 })
    assert.match(await text(item), v.tag)
    await item.locator('[data-test=similar-link]').click()
    await shot(page, `intake-similar-${v.lang}`)
    await page.locator('[data-test=to-confirm]').click()
    await page.locator('[data-test=confirm-save]').click()
    const result = page.locator('[data-test=intake-result]')
    await result.waitFor({ timeout: 15000 })
    const number = (await text(result)).match(/TS\d{8}-\d+/)[0]
    const links = await apiCall('GET', `/complaints/${number}/links`, { token })
    assert.ok(links.data.items.some((l) => l.kind === 'repeat' && l.to.number === first.data.number),
      `the new complaint is a repeat of ${first.data.number}: ${JSON.stringify(links.data)}`)
    assert.deepEqual(page.errors, [])
    await useLanguage(page, 'zh')
    await page.close()
  })
}
