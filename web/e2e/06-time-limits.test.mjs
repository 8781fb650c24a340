// Time limits: the 时限 panel, an extension asked for by the handler and
// approved by the supervisor, waiting for the customer, supervision orders
// (督办) after the deadline sweeper ran, and the warning filter.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import {
  launch, newPage, login, shot, text, act, apiCall, apiLogin, freshPhone, handlingComplaint, cst,
  serverDatabase, REDRESS_BIN, BASE,
} from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const clockRow = (page, name) => page.locator(`[data-test=time-limits] [data-test=clocks] .clock-${name}`)
async function openDetail(page, c) {
  await page.goto(`${BASE}/#/complaints/${c.id}`)
  await page.locator('[data-test=detail-number]').filter({ hasText: c.number }).waitFor()
  await page.locator('.detail-page[data-busy=no]').waitFor()
}

test('pd01 asks for an extension; super1 approves it on the board and the handling deadline moves', async () => {
  const c = await handlingComplaint({ unit: 'SH-PD-01', handler: 'pd01', description: '加油卡充值后余额未到账，站里说要等总部核查。' })
  const handle = c.clocks.find((k) => k.name === 'handle')
  assert.equal(handle.state, 'running')
  // two days after the current handling deadline, at 17:30 in +08:00
  const day = cst(Date.parse(handle.deadline) + 2 * 86400000).slice(0, 10)
  const wanted = `${day} 17:30`

  const page = await newPage(browser.context)
  await login(page, 'pd01')
  await openDetail(page, c)
  const panel = page.locator('[data-test=time-limits]')
  assert.match(await text(panel), /时限/)
  for (const name of ['fill', 'dispatch', 'handle', 'overall']) await clockRow(page, name).waitFor()
  assert.equal(await clockRow(page, 'handle').locator('.clock-state').getAttribute('data-state'), 'running')
  assert.match(await text(clockRow(page, 'handle')), /计时中/)
  assert.match(await text(clockRow(page, 'handle')), /剩/)
  assert.match(await text(clockRow(page, 'handle')), /客服中心日历/, 'the calendar is shown by its name in the user language')
  const before1 = await text(clockRow(page, 'handle').locator('.clock-deadline'))

  // the date-time field: typed, sent as RFC 3339 with +08:00
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/actions/request_extension'))
  await page.locator('[data-test=actions] [data-action=request_extension]').click()
  const dlg = page.locator('.action-dialog:visible')
  await dlg.waitFor()
  assert.ok((await text(dlg.locator('[data-hint=deadline]'))).includes(before1), 'the current deadline is given as a hint')
  await dlg.locator('[data-test=action-submit]').click() // empty: the form says what is missing
  await dlg.locator('.el-form-item.is-error').first().waitFor()
  await dlg.getByRole('button', { name: '取消' }).click()
  await dlg.waitFor({ state: 'hidden' })
  await act(page, 'request_extension', { deadline: { datetime: wanted }, reason: '需总部财务核查充值流水，预计两个工作日。' })
  const body = JSON.parse((await sent).postData())
  assert.equal(body.deadline, `${day}T17:30:00+08:00`)

  const ext = page.locator('[data-test=extension]')
  await ext.waitFor()
  assert.match(await text(ext.locator('[data-test=extension-status]')), /延期待审批/)
  assert.equal(await text(ext.locator('[data-test=extension-deadline]')), wanted)
  await page.locator('[data-test=detail-extension]').waitFor()
  // a progress reply is now owed to the customer
  await clockRow(page, 'progress').waitFor()
  assert.match(await text(page.locator('[data-test=timeline]')), /申请延期/)
  await shot(page, 'detail-extension-requested')
  assert.deepEqual(page.errors, [])
  await page.close()

  // the supervisor finds it on the board and approves it
  const sp = await newPage(browser.context)
  await login(sp, 'super1')
  const list = sp.locator('[data-test=extension-list]')
  const row = list.locator('.el-table__row', { hasText: c.number })
  await row.waitFor({ timeout: 20000 })
  assert.ok((await text(row)).includes(wanted), 'the requested deadline is in the row')
  await row.locator(`[data-approve="${c.number}"]`).click()
  const adlg = sp.locator('.action-dialog:visible')
  await adlg.waitFor()
  await adlg.locator('textarea[data-field=note]').fill('同意延期，请按时办结。')
  await adlg.locator('[data-test=action-submit]').click()
  await adlg.waitFor({ state: 'hidden', timeout: 15000 })
  await list.locator('.el-table__row', { hasText: c.number }).waitFor({ state: 'detached', timeout: 20000 })

  await openDetail(sp, c)
  await sp.locator('[data-test=extension-status][data-status=approved]').waitFor()
  const after1 = await text(clockRow(sp, 'handle').locator('.clock-deadline'))
  assert.equal(after1, wanted, 'the handling deadline is the one approved')
  assert.notEqual(after1, before1)
  assert.match(await text(clockRow(sp, 'handle')), /延期1次/)
  assert.match(await text(sp.locator('[data-test=timeline]')), /批准延期/)

  // the customer is told of the delay: progress_reply stops the progress clock
  await act(sp, 'progress_reply', { method: { value: 'phone' }, content: '已致电客户说明需延期至核查完成。' })
  await sp.locator('[data-test=progress-replies]').filter({ hasText: '已致电客户' }).waitFor()
  assert.equal(await clockRow(sp, 'progress').locator('.clock-state').getAttribute('data-state'), 'met')
  await shot(sp, 'detail-time-limits')

  const token = await apiLogin('super1')
  const r = await apiCall('GET', `/complaints/${c.id}`, { token })
  assert.equal(r.data.extension.status, 'approved')
  assert.equal(r.data.clocks.find((k) => k.name === 'handle').deadline, `${day}T17:30:00+08:00`)
  assert.deepEqual(sp.errors, [])
  await sp.close()
})

test('wait_customer pauses the clocks and resume restarts them', async () => {
  const c = await handlingComplaint({ unit: 'SH-PD-02', handler: 'pd02', description: '积分兑换的商品与宣传不符。' })
  const page = await newPage(browser.context)
  await login(page, 'pd02')
  await openDetail(page, c)
  await act(page, 'wait_customer', { reason: '请客户提供兑换小票照片。' })
  await page.locator('[data-test=detail-waiting]').waitFor()
  const waiting = page.locator('[data-test=waiting]')
  await waiting.waitFor()
  assert.match(await text(waiting), /请客户提供兑换小票照片/)
  for (const name of ['handle', 'overall']) {
    assert.equal(await clockRow(page, name).locator('.clock-state').getAttribute('data-state'), 'paused', name)
    assert.match(await text(clockRow(page, name)), /已暂停/)
  }
  assert.equal(await page.locator('[data-test=stage-countdown]').getAttribute('data-state'), 'paused')
  const token = await apiLogin('pd02')
  let r = await apiCall('GET', `/complaints/${c.id}`, { token })
  assert.equal(r.data.waiting, true)
  assert.equal(r.data.deadlines.stage, null, 'no running deadline while waiting')
  await shot(page, 'detail-waiting')

  // the list shows it as waiting, its countdown paused
  await page.goto(`${BASE}/#/mine`)
  const listRow = page.locator('[data-test=complaint-table] .el-table__row', { hasText: c.number })
  await listRow.waitFor()
  await listRow.locator('[data-test=row-waiting]').waitFor()
  assert.equal(await listRow.locator('.countdown').getAttribute('data-state'), 'paused')

  await openDetail(page, c)
  await act(page, 'resume', { note: '客户已提供小票。' })
  await page.locator('[data-test=detail-waiting]').waitFor({ state: 'detached' })
  for (const name of ['handle', 'overall']) {
    assert.equal(await clockRow(page, name).locator('.clock-state').getAttribute('data-state'), 'running', name)
  }
  assert.notEqual(await page.locator('[data-test=stage-countdown]').getAttribute('data-state'), 'paused')
  const tl = await text(page.locator('[data-test=timeline]'))
  assert.ok(tl.includes('等待客户') && tl.includes('恢复计时'), tl)
  r = await apiCall('GET', `/complaints/${c.id}`, { token })
  assert.equal(r.data.waiting, false)
  assert.ok(r.data.deadlines.stage, 'a running deadline again')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('after the deadline sweeper ran, the supervisor sees the supervision order and closes it', async (t) => {
  const db = serverDatabase()
  if (!db || !fs.existsSync(REDRESS_BIN)) {
    t.skip(`cannot run the sweeper: database ${db || 'unknown'} (set REDRESS_DB), binary ${REDRESS_BIN}`)
    return
  }
  // received three days ago and never dispatched: the dispatch and overall clocks are long past
  const agent = await apiLogin('agent1')
  const c = await apiCall('POST', '/complaints', { token: agent, body: {
    channel: 'phone', received_at: cst(Date.now() - 3 * 86400000), customer: { name: '迟先生', phone: freshPhone() },
    subject_unit: 'SH-PD-03', category: 'service.fault', description: '补登的来电：加错油号，站里至今未处理。' } })
  assert.equal(c.status, 201, JSON.stringify(c.data))
  assert.equal(c.data.overdue, true)
  const out = execFileSync(REDRESS_BIN, ['sweep', '--db', db, '--now', cst(Date.now())], { encoding: 'utf8' })
  assert.match(out, new RegExp(c.data.number), out)

  const token = await apiLogin('super1')
  const sv = await apiCall('GET', `/supervisions?status=open&complaint=${c.data.id}`, { token })
  assert.equal(sv.status, 200)
  assert.ok(sv.data.items.length >= 1, JSON.stringify(sv.data))
  const mine = sv.data.items.find((s) => s.level === 1) || sv.data.items[0]

  const page = await newPage(browser.context)
  await login(page, 'super1')
  const board = page.locator('[data-test=supervision-list]')
  const row = board.locator(`.sv-${mine.id}`)
  await row.waitFor({ timeout: 15000 })
  assert.ok((await text(row)).includes(c.data.number))
  assert.match(await text(row), /待处理/)
  assert.ok(Number(await text(page.locator('[data-test=kpi-supervisions]'))) >= 1)
  await page.locator('[data-test=overdue-list]').getByText(c.data.number).waitFor()
  await page.waitForTimeout(600)
  await shot(page, 'supervisor-board-supervisions')

  await row.locator(`[data-close="${mine.id}"]`).click()
  const box = page.locator('.supervision-close')
  await box.waitFor()
  await box.locator('textarea').fill('已督促客服中心今日派单。')
  await box.getByRole('button', { name: '办结督办' }).click()
  await board.locator(`.sv-${mine.id}`).waitFor({ state: 'detached', timeout: 15000 })

  // the work order shows its orders, the closed one with the note, and the sweeper's steps
  await openDetail(page, c.data)
  const orders = page.locator('[data-test=time-limits] [data-test=supervisions]')
  await orders.waitFor()
  const ot = await text(orders)
  assert.match(ot, /已办结/)
  assert.match(ot, /已督促客服中心今日派单/)
  const tl = await text(page.locator('[data-test=timeline]'))
  assert.match(tl, /督办/)
  assert.match(tl, /系统/, 'the sweeper acts as the system')
  assert.equal(await page.locator('[data-test=timeline] [data-event=breach]').count() >= 1, true)
  const closed = await apiCall('GET', `/supervisions?status=closed&complaint=${c.data.id}`, { token })
  assert.ok(closed.data.items.some((s) => s.id === mine.id && s.note === '已督促客服中心今日派单。'))
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('the warning filter lists work orders past their warning point', async () => {
  const page = await newPage(browser.context)
  await login(page, 'super1')
  await page.goto(`${BASE}/#/complaints`)
  const table = page.locator('[data-test=complaint-table]')
  await table.locator('.el-table__row').first().waitFor()
  await page.locator('[data-test=flt-warning]').click()
  await page.locator('[data-test=flt-search]').click()
  await page.waitForFunction(() => location.hash.includes('warning=true'))
  await page.waitForTimeout(800)
  const token = await apiLogin('super1')
  const r = await apiCall('GET', '/complaints?status=open&warning=true&sort=deadline&limit=20', { token })
  const rows = table.locator('.el-table__row')
  assert.equal(await rows.count(), r.data.items.length)
  assert.ok(r.data.items.length > 0, 'the demo has work orders in warning')
  const states = await rows.locator('.countdown').evaluateAll((els) => els.map((e) => e.dataset.state))
  assert.ok(states.every((s) => s === 'warn' || s === 'late'), states.join(','))
  assert.deepEqual(page.errors, [])
  await page.close()
})
