// A working day at the desk: remaining times in one form, the board's
// dispatch starting from the suggested unit, compensation above a limit
// saying whose approval it awaits, the board refusing one and saying so,
// and the names the server writes as codes read in the user's language.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import {
  launch, newPage, login, text, act, apiCall, apiLogin, handlingComplaint, chooseLanguage, shot, freshPhone, cst, BASE,
} from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const SIZES = [{ width: 1440, height: 900 }, { width: 360, height: 740 }]
// "剩 2天3小时", "超时 3小时58分", "剩 32分23秒", "剩 9秒" — never "32:23"
const ZH = /^(剩|超时) (\d+天(\d+小时)?|\d+小时(\d+分)?|(\d+分)?\d+秒)$/
const EN = /^(\d+ d( \d+ h)?|\d+ h( \d+ min)?|(\d+ min )?\d+ s) (left|overdue)$/

async function countdowns(page) {
  const cd = page.locator('.countdown[data-state=ok], .countdown[data-state=warn], .countdown[data-state=late]')
  await cd.first().waitFor({ timeout: 15000 })
  return (await cd.allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim())
}

for (const size of SIZES) {
  test(`remaining times read in one form in the list and on the board (${size.width} px, zh-CN and en)`, async () => {
    const page = await newPage(browser.context, size)
    await login(page, 'super1')
    for (const path of ['/complaints', '/board']) {
      await page.goto(BASE + '/#' + path)
      const zh = await countdowns(page)
      for (const s of zh) assert.match(s, ZH)
    }
    await chooseLanguage(page, 'English')
    await page.goto(BASE + '/#/complaints')
    const en = await countdowns(page)
    for (const s of en) assert.match(s, EN)
    await chooseLanguage(page, '中文')
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}

test('the board\'s dispatch starts from the suggested (or complained-about) unit, shown by name', async () => {
  const sup = await apiLogin('super1')
  const q = await apiCall('GET', '/complaints?status=registered&sort=deadline&limit=1', { token: sup })
  assert.equal(q.status, 200)
  const c = q.data.items[0]
  assert.ok(c, 'the queue has a work order')
  const unit = c.route_unit || c.subject_unit
  const page = await newPage(browser.context, SIZES[0])
  await login(page, 'super1')
  await page.goto(BASE + '/#/board')
  await page.locator(`[data-test=queue] [data-dispatch="${c.number}"]`).first().click()
  const dlg = page.locator('.action-dialog:visible')
  await dlg.waitFor()
  const field = dlg.locator('[data-field=unit]').first()
  await field.locator('.el-select__selected-item:not(.is-transparent), .el-select__placeholder:not(.is-transparent)').first().waitFor()
  const shown = await text(field)
  assert.ok(shown.includes(unit.code) && shown.includes(unit.name), `the unit by name: ${shown}`)
  assert.ok(!new RegExp(`^${unit.id}$`).test(shown), shown)
  await shot(page, 'board-dispatch-prefilled')
  await dlg.getByRole('button', { name: '取消' }).click()
  assert.deepEqual(page.errors, [])
  await page.close()
})

for (const size of SIZES) {
  test(`above one's limit a compensation says it awaits approval; the board refuses it and says so (${size.width} px)`, async () => {
    const c = await handlingComplaint({ description: '加油员误加柴油，客户要求赔偿清洗费用。' })
    const page = await newPage(browser.context, size)
    await login(page, 'pd01')
    await page.goto(`${BASE}/#/complaints/${c.id}`)
    await page.locator('[data-test=detail-number]').filter({ hasText: c.number }).waitFor()
    await act(page, 'compensate', { kind: { value: 'refund' }, amount: '400', reason: '清洗油路费用' })
    const msg = page.locator('.el-message', { hasText: '审批' })
    await msg.waitFor()
    assert.match(await text(msg), /已提交审批.*主管/, 'whose approval it awaits')
    assert.doesNotMatch(await text(page.locator('.el-message').last()), /操作成功/)
    await page.close()

    const board = await newPage(browser.context, size)
    await login(board, 'super1')
    await board.goto(`${BASE}/#/board`)
    const row = board.locator(`[data-test=approval-list] .appr-${c.number}`)
    await row.waitFor({ timeout: 15000 })
    await row.locator(`[data-refuse-comp="${c.number}"]`).click()
    const dlg = board.locator('.action-dialog:visible')
    await dlg.waitFor()
    await dlg.locator('textarea[data-field=reason]').fill('无加错油的证据')
    await dlg.locator('[data-test=action-submit]').click()
    await dlg.waitFor({ state: 'hidden', timeout: 15000 })
    const said = board.locator('.el-message', { hasText: '已拒绝补偿' })
    await said.waitFor()
    assert.match(await text(said), /400\.00/)
    await row.waitFor({ state: 'detached', timeout: 15000 })
    const after = await apiCall('GET', `/complaints/${c.id}`, { token: await apiLogin('super1') })
    assert.equal(after.data.compensations[0].status, 'refused')
    assert.deepEqual(board.errors, [])
    await board.close()
  })
}

test('calendar names, the holiday schedule and configuration reasons read in the user\'s language', async () => {
  const page = await newPage(browser.context, SIZES[0])
  await login(page, 'admin')
  await page.goto(BASE + '/#/admin/calendars')
  const tabs = page.locator('[data-test=cal-select]')
  await tabs.waitFor()
  const names = await text(tabs)
  assert.match(names, /客服中心日历/)
  assert.match(names, /办公日历/)
  assert.doesNotMatch(names, /centre|office/)
  await page.locator('[data-cal=office]').click()
  await page.waitForFunction(() => /中国法定节假日/.test(document.body.innerText))
  assert.doesNotMatch(await page.locator('.el-main').innerText(), /cn-2025-2026/)
  const labels = await page.locator('.el-radio-group').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))
  for (const l of labels) assert.ok(l && l !== 'radio-group', `a radio group is labelled: ${labels}`)
  await page.goto(BASE + '/#/admin/config/versions')
  await page.locator('[data-test=config-versions] .el-table__row').first().waitFor()
  const versions = await page.locator('[data-test=config-versions]').innerText()
  assert.match(versions, /初始策略包/)
  assert.doesNotMatch(versions, /initial pack|calendar changed/)
  assert.deepEqual(page.errors, [])
  await page.close()
})

for (const size of SIZES) {
  test(`the board loads with at most 3 API calls and lists a pending extension (${size.width} px)`, async () => {
    const c = await handlingComplaint({ description: '油卡积分未到账，需总部核查。' })
    const handle = c.clocks.find((k) => k.name === 'handle' && !k.ended_at)
    const want = new Date(Date.parse(handle.deadline) + 2 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z')
    const r = await apiCall('POST', `/complaints/${c.id}/actions/request_extension`, {
      token: await apiLogin('pd01'), body: { deadline: want, reason: '需总部财务核查' } })
    assert.equal(r.status, 200, JSON.stringify(r.data))
    const page = await newPage(browser.context, size)
    await login(page, 'super1')
    // from a page that reads nothing of its own, once the app's reference data is in
    await page.goto(BASE + '/#/admin/config')
    await page.locator('.el-main .page.board').waitFor({ state: 'detached' })
    await page.locator('.el-main .page').first().waitFor()
    await page.waitForLoadState('networkidle')
    const calls = []
    page.on('request', (q) => { if (q.url().includes('/api/v1/')) calls.push(q.method() + ' ' + new URL(q.url()).pathname) })
    await page.goto(BASE + '/#/board')
    await page.locator(`[data-test=extension-list] [data-approve="${c.number}"]`).first().waitFor({ timeout: 15000 })
    await page.locator('[data-test=kpi-open]').filter({ hasNotText: '—' }).waitFor()
    await page.waitForLoadState('networkidle')
    assert.ok(calls.length <= 3, `the board's calls: ${calls.join(', ')}`)
    assert.ok(calls.includes('GET /api/v1/board'), calls.join(', '))
    assert.ok(!calls.some((x) => /\/complaints\/\d+$/.test(x)), 'no complaint read one by one')
    assert.match(await text(page.locator('[data-test=extension-list]')), /需总部财务核查/)
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}

// A complaint received on a day of its own, long ago, for the range filter.
async function receivedOn() {
  const day = Date.now() - (500 + Math.floor(Math.random() * 400)) * 86400000
  const r = await apiCall('POST', '/complaints', { token: await apiLogin('agent1'), body: {
    channel: 'phone', received_at: cst(day), customer: { name: '范女士', phone: freshPhone() },
    subject_unit: 'SH-PD-01', category: 'service.attitude', description: '收银员找零态度差' } })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  return { c: r.data, date: cst(day).slice(0, 10) }
}

test('at 1440 px the list keeps its deadline column in view, shows its total and filters by the day received', async () => {
  const { c, date } = await receivedOn()
  const page = await newPage(browser.context, SIZES[0])
  await login(page, 'agent1')
  await page.goto(BASE + '/#/complaints')
  const th = page.locator('[data-test=complaint-table] th.col-deadline').filter({ hasText: /\S/ })
  await th.first().waitFor()
  await page.locator('[data-test=complaint-table] .el-loading-mask').waitFor({ state: 'hidden' })
  const inView = await th.evaluateAll((els) => els.some((e) => {
    const r = e.getBoundingClientRect()
    if (!r.width || r.right > innerWidth) return false
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
    return !!hit && e.contains(hit)
  }))
  assert.ok(inView, 'the deadline column (the sort key) is on screen')
  const totalText = await text(page.locator('[data-test=search-total]'))
  assert.match(totalText, /^共 \d+ 件$/)

  const inputs = page.locator('[data-test=filters] .el-date-editor--daterange .el-range-input')
  await inputs.nth(0).click()
  await inputs.nth(0).fill(date)
  await inputs.nth(1).fill(date)
  await inputs.nth(1).press('Enter')
  await page.keyboard.press('Escape')
  const sent = page.waitForRequest((q) => q.url().includes('/api/v1/complaints?') && q.url().includes('from=' + date))
  await page.locator('[data-test=flt-search]').click()
  const url = new URL((await sent).url())
  assert.equal(url.searchParams.get('from'), date)
  assert.equal(url.searchParams.get('to'), date)
  await page.locator('[data-test=complaint-table]').getByText(c.number).waitFor()
  const n = Number((await text(page.locator('[data-test=search-total]'))).match(/\d+/)[0])
  const api = await apiCall('GET', `/complaints?from=${date}&to=${date}&status=open&total=true&limit=1`, { token: await apiLogin('agent1') })
  assert.equal(n, api.data.total, 'the total is the server\'s count for the range')
  assert.ok(n >= 1 && n < 10, `only that day: ${n}`)
  await shot(page, 'list-range-total')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('at 360 px the list shows its total and keeps a range from the address', async () => {
  const { c, date } = await receivedOn()
  const page = await newPage(browser.context, SIZES[1])
  await login(page, 'agent1')
  await page.goto(`${BASE}/#/complaints?from=${date}&to=${date}`)
  await page.locator('[data-test=complaint-card]', { hasText: c.number }).waitFor()
  assert.match(await text(page.locator('[data-test=search-total]')), /^共 \d+ 件$/)
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(scroll <= 360, `no sideways scrolling: ${scroll}`)
  assert.deepEqual(page.errors, [])
  await page.close()
})

for (const size of SIZES) {
  test(`administrators are warned that the holidays run out with 2026 (${size.width} px)`, async () => {
    const r = await apiCall('GET', '/calendars', { token: await apiLogin('admin') })
    const office = r.data.items.find((c) => c.name === 'office')
    assert.equal(office.data_until, '2026-12-31')
    const page = await newPage(browser.context, size)
    await login(page, 'admin')
    await page.goto(BASE + '/#/admin/units')
    const banner = page.locator('[data-test=calendar-expiry][data-calendar=office]')
    if (office.days_left > 60) {
      // outside the window (a clock before November 2026): nothing to say
      await page.locator('[data-test=unit-table]').waitFor()
      assert.equal(await banner.count(), 0)
    } else {
      await banner.waitFor()
      assert.match(await text(banner), new RegExp(`办公日历.*2026-12-31.*还剩 ${office.days_left} 天`))
      await banner.locator('a').click()
      await page.locator('[data-test=cal-select]').waitFor()
      await page.locator('[data-test=calendar-expiry][data-calendar=office]').waitFor()
      await shot(page, `calendar-expiry-${size.width}`)
    }
    assert.deepEqual(page.errors, [])
    await page.close()
    // not a supervisor's concern
    const sup = await newPage(browser.context, size)
    await login(sup, 'super1')
    await sup.goto(BASE + '/#/admin/calendars')
    await sup.locator('[data-test=cal-select]').waitFor()
    assert.equal(await sup.locator('[data-test=calendar-expiry]').count(), 0)
    await sup.close()
  })
}

for (const size of SIZES) {
  test(`the audit log names users, reads its details, exports and checks its chain (${size.width} px)`, async () => {
    const username = 'aud' + Date.now().toString(36)
    const made = await apiCall('POST', '/users', { token: await apiLogin('admin'), body: {
      username, name: '审计页测试员', password: 'Kx7#pl2!vQ9m', roles: ['agent'], unit: 'SH-CSC' } })
    assert.equal(made.status, 201, JSON.stringify(made.data))
    const page = await newPage(browser.context, size)
    await login(page, 'auditor1')
    await page.goto(BASE + '/#/audit')
    const table = page.locator('[data-test=audit-table]')
    const row = table.locator('tr', { hasText: `审计页测试员 (${username})` })
    await row.first().waitFor()
    const rowText = await text(row.first())
    assert.doesNotMatch(rowText, /user:\d+/, 'the user by name, not user:N')
    assert.doesNotMatch(rowText, /[{}"]/, 'details read as text, not JSON')
    assert.match(rowText, /角色 座席员/)
    assert.match(rowText, /单位 客户服务中心/)

    await page.locator('[data-test=audit-verify]').click()
    const result = page.locator('[data-test=audit-verify-result]')
    await result.waitFor()
    assert.equal(await result.getAttribute('data-intact'), 'true')
    assert.match(await text(result), /审计链完整：已核对 \d+ 条记录/)

    const [file] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=audit-export-csv]').click()])
    assert.equal(file.suggestedFilename(), 'audit.csv')
    const body = fs.readFileSync(await file.path(), 'utf8')
    assert.ok(body.replace(/^\ufeff/, '').startsWith('序号,时间,用户,操作,对象'), body.slice(0, 60))
    assert.ok(body.includes(`user:${made.data.id}`))
    await shot(page, `audit-log-${size.width}`)
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}

for (const size of SIZES) {
  test(`"带入客户信息" brings a returning caller's masked details in; the server copies them (${size.width} px)`, async () => {
    const phone = freshPhone()
    const agent = await apiLogin('agent1')
    const first = await apiCall('POST', '/complaints', { token: agent, body: {
      channel: 'phone', customer: { name: '欧阳娜娜', phone, class: 'vip' }, subject_unit: 'SH-PD-01',
      category: 'service.attitude', description: '第一次来电：加油员态度差' } })
    assert.equal(first.status, 201, JSON.stringify(first.data))
    const page = await newPage(browser.context, size)
    await login(page, 'agent1')
    await page.goto(BASE + '/#/workbench')
    await page.locator('#f-phone').fill(phone)
    await page.getByRole('button', { name: '带入客户信息' }).first().click()
    const name = await page.locator('#f-name').inputValue()
    assert.ok(name && name.includes('*') && !name.includes('娜娜'), `shown masked: ${name}`)
    await page.locator('[data-test=carried-hint]').filter({ hasText: first.data.number }).waitFor()
    await page.locator('#f-unit').click()
    await page.keyboard.type('世纪大道', { delay: 20 })
    await page.waitForTimeout(250)
    await page.keyboard.press('Enter')
    await page.locator('#f-category').click()
    await page.keyboard.type('服务态度', { delay: 20 })
    await page.waitForTimeout(250)
    await page.keyboard.press('Enter')
    await page.locator('#f-desc').fill('第二次来电：上次的问题仍未处理')
    await page.locator('#f-desc').press('Control+Enter')
    await page.locator('[data-test=readback]').waitFor()
    const sent = page.waitForRequest((q) => q.method() === 'POST' && q.url().endsWith('/api/v1/complaints'))
    await page.locator('[data-test=confirm-save]').click()
    const body = JSON.parse((await sent).postData())
    assert.equal(body.customer_from, first.data.id)
    assert.ok(!('name' in body.customer), 'the masked name is not sent as a name')
    const result = page.locator('[data-test=intake-result]')
    await result.waitFor({ timeout: 15000 })
    const number = (await text(result)).match(/TS\d{8}-\d+/)[0]
    const list = await apiCall('GET', `/complaints?phone=${phone}&status=`, { token: agent })
    const second = list.data.items.find((c) => c.number === number)
    const clear = await apiCall('POST', `/complaints/${second.id}/pii`, { token: agent, body: {} })
    assert.equal(clear.status, 200, JSON.stringify(clear.data))
    assert.equal(clear.data.complaint.customer.name, '欧阳娜娜', 'copied from the earlier complaint, server-side')
    assert.equal(clear.data.complaint.customer.class, 'vip')
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}

async function adminUser(prefix) {
  const username = prefix + Date.now().toString(36)
  const r = await apiCall('POST', '/users', { token: await apiLogin('admin'), body: {
    username, name: '账号测试员', password: 'Kx7#pl2!vQ9m', roles: ['handler'], unit: 'SH-PD-01' } })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  return r.data
}
async function userNow(id) {
  return (await apiCall('GET', '/users', { token: await apiLogin('admin') })).data.items.find((u) => u.id === id)
}
const box = (page) => page.locator('.el-message-box:visible')

for (const size of SIZES) {
  test(`an administrator disables and enables a user, and the customer-data switch asks first (${size.width} px)`, async () => {
    const u = await adminUser('ud')
    const page = await newPage(browser.context, size)
    await login(page, 'admin')
    await page.goto(BASE + '/#/admin/users')
    const btn = page.locator(`[data-test="active-${u.username}"]`)
    await btn.click()
    await box(page).waitFor()
    assert.match(await text(box(page)), /会话将立即结束/)
    await box(page).getByRole('button', { name: '确定' }).click()
    await page.locator('.el-message', { hasText: `已停用 ${u.username}` }).waitFor()
    assert.equal((await userNow(u.id)).active, false)
    await btn.filter({ hasText: '启用' }).click()
    await box(page).getByRole('button', { name: '确定' }).click()
    await page.locator('.el-message', { hasText: `已启用 ${u.username}` }).waitFor()
    assert.equal((await userNow(u.id)).active, true)

    const had = !!(await userNow(u.id)).permissions?.pii
    const sw = page.locator(`[data-test="pii-${u.username}"]`)
    await sw.click()
    await box(page).waitFor()
    assert.match(await text(box(page)), /查看客户信息明文/)
    await box(page).getByRole('button', { name: '取消' }).click()
    await box(page).waitFor({ state: 'hidden' })
    assert.equal(!!(await userNow(u.id)).permissions?.pii, had, 'cancelled: nothing changed')
    assert.equal(await sw.locator('input').first().evaluate((i) => i.checked).catch(async () => (await sw.getAttribute('aria-checked')) === 'true'), had)
    await sw.click()
    await box(page).getByRole('button', { name: '确定' }).click()
    await page.locator('.el-message', { hasText: u.username }).last().waitFor()
    assert.equal(!!(await userNow(u.id)).permissions?.pii, !had, 'confirmed: toggled')
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}

test('an administrator resets a password (to be changed at sign-in) and unlocks a user', async () => {
  const u = await adminUser('ur')
  const page = await newPage(browser.context, SIZES[0])
  await login(page, 'admin')
  await page.goto(BASE + '/#/admin/users')
  await page.locator(`[data-test="reset-${u.username}"]`).click()
  await box(page).waitFor()
  await box(page).locator('input').fill('Tz9$mq4#Lw2p')
  await box(page).getByRole('button', { name: '确定' }).click()
  await page.locator('.el-message', { hasText: `已重置 ${u.username} 的密码` }).waitFor()
  const signIn = await apiCall('POST', '/auth/login', { body: { username: u.username, password: 'Tz9$mq4#Lw2p' } })
  assert.equal(signIn.status, 200)
  assert.equal(signIn.data.user.must_change_password, true)
  await page.locator(`[data-test="unlock-${u.username}"]`).click()
  await box(page).getByRole('button', { name: '确定' }).click()
  await page.locator('.el-message', { hasText: `已解除 ${u.username} 的登录限制` }).waitFor()
  const log = await apiCall('GET', `/audit?action=user_change&subject=user:${u.id}&limit=2`, { token: await apiLogin('admin') })
  assert.deepEqual(log.data.items.map((e) => e.detail.changed[0]), ['unlock', 'password_reset'])
  await shot(page, 'admin-users-actions')
  assert.deepEqual(page.errors, [])
  await page.close()
})
