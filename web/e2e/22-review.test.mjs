// 复核 in the browser. Seed 003: 管理部在接到《客户信息反馈处理单》后,在四小时内根据
// 公司文件对处理意见进行复核,对认可的处理出具过失处理意见;对有异议的……协商. The
// administrator gives the demo pack a review section (every level, the
// branch's managers, 4 hours; a new configuration version, rolled back
// afterwards); the station resolves; the branch manager sees the review and
// its clock on the work order and returns it with an objection in Chinese at
// the desk, or approves it in English on a phone, from the generic action form.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, shot, text, apiCall, apiLogin, act, freshPhone, packVersion } from './helpers.mjs'

let browser
let restore // puts the version active before back
before(async () => {
  browser = await launch()
  restore = await packVersion('处理意见答复前须经分公司复核', (pack) => {
    pack.review = { name: { 'zh-CN': '分公司复核', en: 'Branch review' }, levels: 'all', roles: ['manager'], units: ['SH'], hours: 4 }
  })
})
after(async () => {
  await restore()
  await browser.close()
})

const resolution = { resolution_type: 'solution', resolution: '调取监控核实，站长已当面致歉', nature: 'valid' }

async function step(user, id, action, body) {
  const r = await apiCall('POST', `/complaints/${id}/actions/${action}`, { token: await apiLogin(user), body })
  assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.data)}`)
  return r.data
}

async function resolved() {
  const r = await apiCall('POST', '/complaints', { token: await apiLogin('agent1'), body: {
    channel: 'phone', customer: { name: '复核客户', phone: freshPhone() }, subject_unit: 'SH-PD-01',
    category: 'service.attitude', description: '加油员态度生硬。' } })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  await step('agent1', r.data.id, 'dispatch', { unit: 'SH-PD-01' })
  await step('pd01', r.data.id, 'accept', {})
  const c = await step('pd01', r.data.id, 'resolve', resolution)
  assert.equal(c.review.status, 'pending')
  return c
}

for (const [width, height, lang] of [[1440, 900, 'zh-CN'], [360, 740, 'en']]) {
  test(`the branch manager reviews the handling opinion before the reply (${width}px, ${lang})`, async () => {
    const c = await resolved()
    const en = lang === 'en'
    const page = await newPage(browser.context, { width, height })
    try {
      await login(page, 'manager1')
      await page.evaluate((l) => localStorage.setItem('redress.lang', l), lang)
      await page.goto(`${BASE}/#/complaints/${c.id}`)
      await page.reload()
      await page.locator('[data-test=detail-number]').filter({ hasText: c.number }).waitFor()
      const row = page.locator('[data-test=time-limits] [data-test=clocks] .clock-review')
      await row.waitFor()
      assert.match(await text(row), en ? /Review/ : /复核/)
      const block = page.locator('[data-block=review]')
      await block.waitFor()
      assert.match(await text(block), en ? /Branch review[\s\S]*Awaiting review/ : /分公司复核[\s\S]*待复核/)
      if (en) {
        await act(page, 'review', { result: { value: 'approved' }, opinion: 'Agreed: the apology fits the company rules.' })
        assert.match(await text(block), /Approved[\s\S]*the apology fits[\s\S]*Reviewer\s*\S/)
        assert.equal(await row.locator('.clock-state').getAttribute('data-state'), 'met')
      } else {
        await act(page, 'review', { result: { value: 'returned' }, opinion: '仅致歉不足，按公司文件须对当班员工考核' })
        await page.locator('[data-test=detail-status]').filter({ hasText: '处理中' }).waitFor()
        assert.match(await text(block), /有异议[\s\S]*须对当班员工考核/)
        assert.match(await text(block), /复核人\s*王德明/, 'the reviewer, by name')
      }
      await block.scrollIntoViewIfNeeded()
      await shot(page, `review-${width}-${lang}`)
      assert.deepEqual(page.errors, [])
    } finally {
      await page.evaluate(() => localStorage.setItem('redress.lang', 'zh-CN'))
      await page.close()
    }
    // Approved, the centre replies; returned, the station handles it again.
    if (en) assert.equal((await step('agent1', c.id, 'reply', { method: 'phone', content: '已告知处理结果' })).status, 'replied')
    else assert.equal((await step('pd01', c.id, 'resolve', { ...resolution, resolution: '已致歉并对当班员工考核' })).review.status, 'pending')
  })
}
