// The incident board (危机事件): two fuel-quality complaints at one station
// open an incident; a supervisor raises its response level and closes it.
// The configuration versions page: an admin uploads a new version (a
// mistake is named by its JSON path), sees it active, and rolls back.
// The detail shows why a complaint got its level, and the reply form starts
// from the category's reply script.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, shot, text, apiCall, apiLogin, freshPhone, cst } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

async function fuelComplaint(token, at, description) {
  const r = await apiCall('POST', '/complaints', { token, body: {
    channel: 'phone', received_at: cst(at), customer: { name: '质先生', phone: freshPhone() },
    subject_unit: 'SH-MH-03', category: 'quality.fuel', description,
  } })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  return r.data
}

test('incident board: a fuel-quality cluster opens an incident; the supervisor raises it and closes it', async () => {
  const agent = await apiLogin('agent1')
  // far enough back that only these two are in the 24-hour window (runs again on the same database)
  const t0 = Date.now() - (400 + Math.floor(Math.random() * 300)) * 86400000
  const a = await fuelComplaint(agent, t0, '加油后车辆无法启动')
  const b = await fuelComplaint(agent, t0 + 2 * 3600000, '加油后发动机抖动')
  assert.equal(b.level, 1)

  const page = await newPage(browser.context)
  await login(page, 'super1')
  await page.locator('[data-test="menu-/incidents"]').click()
  await page.getByRole('heading', { name: '危机事件看板', level: 1 }).waitFor()
  const sup = await apiLogin('super1')
  const mine = (await apiCall('GET', '/incidents', { token: sup })).data.items
    .find((i) => i.anchor_unit.code === 'SH-MH-03' && i.status === 'open')
  assert.ok(mine, 'the incident is listed')
  await page.locator(`[data-test=incident-list] [data-incident="${mine.id}"]`).click()
  const detail = page.locator('[data-test=incident-detail]')
  await detail.locator('[data-test=incident-level]', { hasText: '一级响应' }).waitFor()
  // the list words the level as the page does: the pack's name
  const row = await text(page.locator("[data-test=incident-list] tr", { has: page.locator(`[data-incident="${mine.id}"]`) }))
  assert.ok(row.includes(await text(detail.locator('[data-test=incident-level]'))) && !/1级响应/.test(row), row)
  const members = await text(detail.locator('[data-test=incident-complaints]'))
  assert.ok(members.includes(a.number) && members.includes(b.number), members)
  assert.match(await text(detail), /立即停止销售该油品，报告公司/)
  await shot(page, 'incident-board')

  await detail.locator('[data-test=incident-actions] [data-action=raise]').click()
  await page.locator('.el-dialog:visible [data-field=note]').fill('站经理报请公司处置')
  await page.locator('.el-dialog:visible [data-test=incident-submit]').click()
  await detail.locator('[data-test=incident-level]', { hasText: '二级响应' }).waitFor()
  assert.match(await text(detail.locator('[data-test=incident-owner]')), /闵行片区/)
  assert.match(await text(detail.locator('[data-test=incident-timeline]')), /提升响应级别.*站经理报请公司处置/)

  // closing needs a summary
  await detail.locator('[data-test=incident-actions] [data-action=close]').click()
  await page.locator('.el-dialog:visible [data-test=incident-submit]').click()
  await page.locator('.el-dialog:visible .el-form-item__error').waitFor()
  await page.locator('.el-dialog:visible [data-field=summary]').fill('三方抽检合格，恢复销售')
  await page.locator('.el-dialog:visible [data-test=incident-submit]').click()
  await page.locator('[data-test=incident-detail][data-status=closed]').waitFor()
  assert.equal(await detail.locator('[data-test=incident-actions] button').count(), 0)
  await shot(page, 'incident-closed')

  // the complaint's detail says why it is level 1
  await page.goto(page.url().replace(/#.*$/, `#/complaints/${b.id}`))
  const why = page.locator('[data-test=rules-fired]')
  await why.waitFor()
  assert.match(await text(why), /数质量投诉派分公司质量计量部/)
  assert.match(await text(why), /质量计量部/)
  await page.close()
})

test('configuration versions: the admin uploads a version, a mistake names its path, and rolls back', async () => {
  const token = await apiLogin('admin')
  const before = (await apiCall('GET', '/config/versions', { token })).data
  const page = await newPage(browser.context)
  await login(page, 'admin')
  await page.locator('[data-test="menu-/admin/config/versions"]').click()
  await page.getByRole('heading', { name: '配置版本', level: 1 }).waitFor()
  await page.locator(`[data-test=config-versions] [data-version="${before.active}"]`).waitFor()

  const cur = (await apiCall('GET', `/config/versions/${before.active}`, { token })).data.pack
  // a mistake: an unknown channel in the first rule
  const bad = structuredClone(cur)
  bad.rules[0].when.channel = 'pigeon'
  await page.locator('[data-test=config-upload]').click()
  const pack = page.locator('.el-dialog:visible [data-field=pack]')
  await pack.waitFor()
  assert.match(await pack.inputValue(), /"gas-station"/, 'starts from the active document')
  await pack.fill(JSON.stringify(bad, null, 2))
  await page.locator('.el-dialog:visible [data-field=reason]').fill('试错')
  await page.locator('.el-dialog:visible [data-test=config-submit]').click()
  const err = page.locator('.el-dialog:visible .el-form-item__error', { hasText: 'pack.rules[0].when.channel' })
  await err.waitFor()

  const next = structuredClone(cur)
  next.rules.push({ code: 'e2e-vip', name: 'VIP客户按紧急处理', when: { customer_class: 'vip' }, then: { level: 2 } })
  await pack.fill(JSON.stringify(next, null, 2))
  await page.locator('.el-dialog:visible [data-field=reason]').fill('VIP投诉按紧急处理')
  await page.locator('.el-dialog:visible [data-test=config-submit]').click()
  const v1 = before.active + 1
  const row = page.locator('[data-test=config-versions] .el-table__row', { has: page.locator(`[data-version="${v1}"]`) })
  await row.waitFor()
  assert.match(await text(row), /生效中/)
  assert.match(await text(row), /VIP投诉按紧急处理/)
  assert.match(await text(row), /系统管理员|admin/)
  await shot(page, 'config-versions')

  // roll back to the previous version
  await page.locator(`[data-test=config-versions] [data-rollback="${before.active}"]`).click()
  await page.locator('.el-dialog:visible [data-field=reason]').fill('撤销VIP规则')
  await page.locator('.el-dialog:visible [data-test=config-submit]').click()
  const back = page.locator('[data-test=config-versions] .el-table__row', { has: page.locator(`[data-version="${v1 + 1}"]`) })
  await back.waitFor()
  assert.match(await text(back), new RegExp(`恢复自 v${before.active}`))
  const after = (await apiCall('GET', '/config/versions', { token })).data
  assert.equal(after.active, v1 + 1)
  assert.ok(!(await apiCall('GET', `/config/versions/${after.active}`, { token })).data.pack.rules.some((r) => r.code === 'e2e-vip'))
  await page.close()
})

test('the reply form starts from the reply script of the category', async () => {
  const agent = await apiLogin('agent1')
  const c = (await apiCall('POST', '/complaints', { token: agent, body: {
    channel: 'phone', customer: { name: '口先生', phone: freshPhone() }, subject_unit: 'SH-PD-02',
    category: 'service.attitude', description: '收银员态度差',
  } })).data
  const st = async (who, action, body) => {
    const r = await apiCall('POST', `/complaints/${c.id}/actions/${action}`, { token: await apiLogin(who), body })
    assert.equal(r.status, 200, JSON.stringify(r.data))
  }
  await st('agent1', 'dispatch', {})
  await st('pd02', 'accept', {})
  await st('pd02', 'resolve', { resolution_type: 'solution', resolution: '已批评教育', nature: 'valid' })
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  await page.goto(page.url().replace(/#.*$/, `#/complaints/${c.id}`))
  await page.locator('.detail-page[data-busy=no]').waitFor()
  await page.locator('[data-test=actions] [data-action=reply]').click()
  const content = page.locator('.action-dialog:visible [data-field=content]')
  await content.waitFor()
  assert.match(await content.inputValue(), /非常抱歉我们的员工给您带来了不愉快的体验/)
  assert.match(await text(page.locator('.action-dialog:visible [data-hint=content]')), /答复口径/)
  await page.close()
})
