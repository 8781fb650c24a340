// 受理答复 in the browser. Seed 001 (窗口服务投诉制度): 能够当场答复是否受理的,应当场
// 答复;不能当场答复的,应在三个工作日内向投诉者作出受理答复。不予受理的,应告知不受理
// 的理由。 The administrator gives letters the acknowledge clock (a new
// configuration version); the agent sees the clock and answers from the
// work order — accepted at the desk in Chinese, refused with its reason on a
// phone in English — and the version is rolled back afterwards.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, shot, text, apiCall, apiLogin, act, freshPhone } from './helpers.mjs'

let browser
let token
let restore // the version active before
before(async () => {
  browser = await launch()
  token = await apiLogin('admin')
  const versions = (await apiCall('GET', '/config/versions', { token })).data
  restore = versions.active
  const pack = (await apiCall('GET', `/config/versions/${restore}`, { token })).data.pack
  pack.time_limit_policy.rules.unshift({ clock: 'acknowledge', when: { channel: 'letter' }, limit: { working_days: 3, calendar: 'office' } })
  const r = await apiCall('POST', '/config/versions', { token, body: { reason: '来信三个工作日内作出受理答复', pack } })
  assert.equal(r.status, 201, JSON.stringify(r.data))
})
after(async () => {
  await apiCall('POST', `/config/versions/${restore}/activate`, { token, body: { reason: '恢复' } })
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
