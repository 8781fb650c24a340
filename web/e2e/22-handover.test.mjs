// 呈报管理层 in the browser. Seed 001 (物业): 重大投诉,当天呈送公司总经理进入处置程序;
// 重要投诉,接待后1小时内转呈主管经理进行处置程序. The administrator gives the demo pack
// the property pack's handover clock (a new configuration version, rolled back
// afterwards): level 1 the same day, level 2 in 60 minutes, level 3 none. On a
// phone in Chinese the agent sees the clock on a 重大 work order, hands it over
// from the generic action form, and the work order shows to whom, who and when.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, shot, text, act, apiCall, apiLogin, freshPhone, packVersion } from './helpers.mjs'

let browser
let restore
before(async () => {
  browser = await launch()
  restore = await packVersion('重大投诉当天、重要投诉1小时内呈报管理层', (pack) => {
    pack.time_limit_policy.clocks = { ...pack.time_limit_policy.clocks,
      handover: { 1: { same_day: true }, 2: { minutes: 60 }, 3: null } }
  })
})
after(async () => {
  await restore()
  await browser.close()
})

const TO = '公司总经理 王总'

test('a 重大 complaint is handed over to management on a phone (360×740, 中文)', async () => {
  const r = await apiCall('POST', '/complaints', { token: await apiLogin('agent1'), body: {
    channel: 'phone', customer: { name: '测试客户', phone: freshPhone() }, subject_unit: 'SH-PD-01',
    category: 'service.attitude', level: 1, description: '加油时油枪跳枪致客户衣物受损。' } })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  const c = r.data
  const k = c.clocks.find((x) => x.name === 'handover')
  assert.ok(k, JSON.stringify(c.clocks))
  assert.match(k.deadline, /T23:59:59\+08:00$/)

  const page = await newPage(browser.context, { width: 360, height: 740 })
  try {
    await login(page, 'agent1')
    await page.evaluate(() => localStorage.setItem('redress.lang', 'zh-CN'))
    await page.goto(`${BASE}/#/complaints/${c.id}`)
    await page.reload()
    await page.locator('[data-test=detail-number]').filter({ hasText: c.number }).waitFor()
    const row = page.locator('[data-test=time-limits] [data-test=clocks] .clock-handover')
    await row.waitFor()
    assert.match(await text(row), /呈报管理层/)
    assert.match(await text(row.locator('.clock-deadline')), /23:59/) // the end of the day of receipt

    await act(page, 'hand_over', { to: TO, note: '已电话报告并转交投诉单' })
    const block = page.locator('[data-block=handover]')
    await block.waitFor()
    const shown = await text(block)
    assert.match(shown, /呈报对象/)
    assert.ok(shown.includes(TO), shown)
    assert.match(shown, /已电话报告/)
    // Handed over: the clock is met and the action is no longer offered.
    await row.locator('.clock-state[data-state=met]').waitFor()
    assert.equal(await page.locator('[data-test=actions] [data-action=hand_over]').count(), 0)
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= 360, `fits a phone: ${width}`)
    await shot(page, 'handover-phone')
    assert.deepEqual(page.errors, [])
  } finally {
    await page.close()
  }
})
