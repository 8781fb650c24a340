// 受理答复 and 提出初步解决方案 in the browser. Seed 001 (窗口服务投诉制度): 能够当场
// 答复是否受理的,应当场答复;不能当场答复的,应在三个工作日内向投诉者作出受理答复。
// 不予受理的,应告知不受理的理由。 Seed 004: 2個工作日內提出初步解決方案. The
// administrator gives letters the acknowledge clock and every complaint the
// solution clock (a new configuration version); the agent answers from the
// work order — accepted at the desk in Chinese, refused with its reason on a
// phone in English — the station proposes its solution, and the version is
// rolled back afterwards.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, shot, text, apiCall, apiLogin, act, freshPhone, packVersion } from './helpers.mjs'

let browser
let restore // puts the version active before back
before(async () => {
  browser = await launch()
  restore = await packVersion('来信三个工作日内作出受理答复', (pack) => {
    pack.time_limit_policy.rules.unshift({ clock: 'acknowledge', when: { channel: 'letter' }, limit: { working_days: 3, calendar: 'office' } })
    pack.time_limit_policy.clocks = { ...pack.time_limit_policy.clocks, solution: { working_days: 2, calendar: 'office' } }
  })
})
after(async () => {
  await restore()
  await browser.close()
})

async function letter() {
  const r = await apiCall('POST', '/complaints', { token: await apiLogin('agent1'), body: {
    channel: 'letter', customer: { name: '写信客户', phone: freshPhone() }, subject_unit: 'SH-PD-01',
    category: 'service.attitude', description: '来信反映加油员态度生硬。' } })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  return r.data
}

for (const [width, height, lang] of [[1440, 900, 'zh-CN'], [360, 740, 'en']]) {
  test(`a letter owes an answer on acceptance within three working days (${width}px, ${lang})`, async () => {
    const c = await letter()
    assert.ok(c.clocks.some((k) => k.name === 'acknowledge'), JSON.stringify(c.clocks))
    const page = await newPage(browser.context, { width, height })
    try {
      await login(page, 'agent1')
      await page.evaluate((l) => localStorage.setItem('redress.lang', l), lang)
      await page.goto(`${BASE}/#/complaints/${c.id}`)
      await page.reload()
      await page.locator('[data-test=detail-number]').filter({ hasText: c.number }).waitFor()
      const row = page.locator(`[data-test=time-limits] [data-test=clocks] .clock-acknowledge`)
      await row.waitFor()
      assert.match(await text(row), lang === 'en' ? /Acceptance answer/ : /受理答复/)
      const en = lang === 'en'
      if (en) {
        await act(page, 'acknowledge', { outcome: { value: 'refuse' }, method: { value: 'letter' }, content: 'We wrote that it is not accepted.',
          reason: 'Not a matter of the company' })
      } else {
        await act(page, 'acknowledge', { outcome: { value: 'accept' }, method: { value: 'letter' }, content: '已函告客户予以受理，三个工作日内答复处理结果' })
      }
      const block = page.locator('[data-block=acknowledgement]')
      await block.waitFor()
      assert.match(await text(block), en ? /Refused/ : /予以受理/)
      if (en) assert.match(await text(block), /Not a matter of the company/)
      await page.locator('[data-test=actions]').waitFor()
      assert.equal(await page.locator('[data-test=actions] [data-action=acknowledge]').count(), 0, 'answered once')
      assert.equal(await row.locator('.clock-state').getAttribute('data-state'), 'met')
      await block.scrollIntoViewIfNeeded()
      await shot(page, `acknowledge-${width}-${lang}`)
      assert.deepEqual(page.errors, [])
    } finally {
      await page.evaluate(() => localStorage.setItem('redress.lang', 'zh-CN'))
      await page.close()
    }
  })
}

for (const [width, height, lang] of [[1440, 900, 'en'], [360, 740, 'zh-CN']]) {
  test(`the station proposes its first solution within two working days (${width}px, ${lang})`, async () => {
    const c = await letter()
    const d = await apiCall('POST', `/complaints/${c.id}/actions/dispatch`, { token: await apiLogin('agent1'), body: { unit: 'SH-PD-01' } })
    assert.equal(d.status, 200, JSON.stringify(d.data))
    const page = await newPage(browser.context, { width, height })
    try {
      await login(page, 'pd01')
      await page.evaluate((l) => localStorage.setItem('redress.lang', l), lang)
      await page.goto(`${BASE}/#/complaints/${c.id}`)
      await page.reload()
      await page.locator('[data-test=detail-number]').filter({ hasText: c.number }).waitFor()
      const row = page.locator(`[data-test=time-limits] [data-test=clocks] .clock-solution`)
      await row.waitFor()
      assert.match(await text(row), lang === 'en' ? /Proposed solution/ : /初步解决方案/)
      await act(page, 'propose_solution', { solution: '调取监控核实后，由站长当面致歉并对当班员工进行服务规范培训' })
      const block = page.locator('[data-block=solution_proposal]')
      await block.waitFor()
      assert.match(await text(block), /站长当面致歉/)
      assert.equal(await row.locator('.clock-state').getAttribute('data-state'), 'met')
      await block.scrollIntoViewIfNeeded()
      await shot(page, `solution-${width}-${lang}`)
      assert.deepEqual(page.errors, [])
    } finally {
      await page.evaluate(() => localStorage.setItem('redress.lang', 'zh-CN'))
      await page.close()
    }
  })
}
