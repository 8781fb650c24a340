// A cooperating partner's (SI) milestones in the browser. Seed 001 (合作SI, 第三节
// SI的服务规范与标准): 客户通过EMAIL、网站提交的需求,SI应于1个工作日内给予回复; 确认客户
// 需求后,SI客户服务人员应在1个工作日内到达现场…;如果遇到现场服务人员不能解决的问题,…
// 并在3个工作日内为客户提供第二次现场服务. The administrator adds an SI under the
// branch (unit type partner) with a handler, and gives the demo pack the
// telecom pack's three clocks (a new configuration version, rolled back
// afterwards). On a phone in Chinese the agent confirms the visit from the
// generic action form, the SI's handler records it as not solved on site, and
// the work order shows the clocks and the visit.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, fitsPhone, text, act, apiCall, apiLogin, freshPhone, packVersion, PASSWORD } from './helpers.mjs'

let browser
let restore
const SI = 'SH-SI-01'
before(async () => {
  browser = await launch()
  restore = await packVersion('合作SI：1个工作日内回复、到达现场，3个工作日内第二次上门', (pack) => {
    const wd = (n) => ({ working_days: n, calendar: 'office' })
    pack.time_limit_policy.clocks = { ...pack.time_limit_policy.clocks,
      partner_reply: wd(1), onsite: wd(1), second_visit: wd(3) }
  })
  const admin = await apiLogin('admin')
  const u = await apiCall('POST', '/units', { token: admin, body: { code: SI, name: '合作SI：油卡积分服务商', type: 'partner', parent: 'SH' } })
  assert.ok(u.status === 201 || u.status === 409, JSON.stringify(u.data))
  const p = await apiCall('POST', '/users', { token: admin, body: { username: 'si01', name: '服务商客服', password: PASSWORD, roles: ['handler'], unit: SI } })
  assert.ok(p.status === 201 || p.status === 409, JSON.stringify(p.data))
})
after(async () => {
  await restore()
  await browser.close()
})

async function open(page, user, c) {
  await login(page, user)
  await page.evaluate(() => localStorage.setItem('redress.lang', 'zh-CN'))
  await page.goto(`${BASE}/#/complaints/${c.id}`)
  await page.reload()
  await page.locator('[data-test=detail-number]').filter({ hasText: c.number }).waitFor()
}

test('an SI answers, the centre confirms a visit, the SI records it unsolved (360×740, 中文)', async () => {
  const agent = await apiLogin('agent1')
  const r = await apiCall('POST', '/complaints', { token: agent, body: {
    channel: 'phone', customer: { name: '测试客户', phone: freshPhone() }, subject_unit: 'SH-PD-01',
    category: 'service.attitude', description: '加油卡积分兑换失败，服务商邮件一直未回复。' } })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  const c = r.data
  const d = await apiCall('POST', `/complaints/${c.id}/actions/dispatch`, { token: agent, body: { unit: SI } })
  assert.equal(d.status, 200, JSON.stringify(d.data))
  assert.ok(d.data.clocks.find((x) => x.name === 'partner_reply'), JSON.stringify(d.data.clocks))
  const a = await apiCall('POST', `/complaints/${c.id}/actions/accept`, { token: await apiLogin('si01'), body: {} })
  assert.equal(a.status, 200, JSON.stringify(a.data))

  const page = await newPage(browser.context, { width: 360, height: 740 })
  try {
    await open(page, 'agent1', c)
    const reply = page.locator('[data-test=time-limits] [data-test=clocks] .clock-partner_reply')
    await reply.waitFor()
    assert.match(await text(reply), /合作SI应答/)
    await reply.locator('.clock-state[data-state=met]').waitFor()

    await act(page, 'request_onsite', { need: { value: 'unresolved_online' }, note: '远程无法解决，客户要求上门' })
    const need = page.locator('[data-block=onsite_request]')
    await need.waitFor()
    assert.match(await text(need), /上门原因[\s\S]*在线支持无法解决/)
    const onsite = page.locator('[data-test=time-limits] [data-test=clocks] .clock-onsite')
    await onsite.locator('.clock-state[data-state=running]').waitFor()
    assert.match(await text(onsite), /上门服务/)
    assert.match(await text(onsite.locator('.clock-deadline')), /17:30/) // the close of the next working day
    assert.equal(await page.locator('[data-test=actions] [data-action=request_onsite]').count(), 0)
    assert.deepEqual(page.errors, [])
  } finally {
    await page.close()
  }

  const si = await newPage(browser.context, { width: 360, height: 740 })
  try {
    await open(si, 'si01', c)
    await act(si, 'onsite_visit', { result: { value: 'unsolved' }, note: '需服务商技术人员二次上门' })
    const visit = si.locator('[data-block=onsite_visit_1]')
    await visit.waitFor()
    const shown = await text(visit)
    assert.match(shown, /上门服务（第 1 次）/)
    assert.match(shown, /上门结果[\s\S]*现场不能解决/)
    assert.match(shown, /需服务商技术人员二次上门/)
    const second = si.locator('[data-test=time-limits] [data-test=clocks] .clock-second_visit')
    await second.locator('.clock-state[data-state=running]').waitFor()
    assert.match(await text(second), /第二次上门/)
    await si.locator('[data-test=time-limits] [data-test=clocks] .clock-onsite .clock-state[data-state=met]').waitFor()
    await fitsPhone(si, 'partner-onsite-phone')
  } finally {
    await si.close()
  }
})
