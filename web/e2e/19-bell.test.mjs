// In-app notifications and live pages (issue #16, "In-app"): two people in
// two browsers. One acts; the other's open page follows without a reload —
// the supervisor board and the work-order list read themselves again when a
// complaint they show changes, a complaint page says "此工单已被他人更新"
// when someone else took a step on it, and the bell in the header counts a
// deadline warning the moment it is delivered. At a desk in Chinese, and on
// a phone in English.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { execFileSync } from 'node:child_process'
import {
  launch, newPage, login, act, apiCall, apiLogin, freshPhone, cst, useLanguage, serverDatabase, REDRESS_BIN, BASE,
} from './helpers.mjs'

// Each person has a browser of their own: their own session cookie.
let one, two, three
before(async () => { [one, two, three] = await Promise.all([launch(), launch(), launch()]) })
after(async () => { await Promise.all([one, two, three].map((b) => b.close())) })

const bellCount = async (page) => Number(await page.locator('[data-test=bell]').getAttribute('data-unread'))

/** Until the page's bell shows what the server counts for username (every notice pushed has arrived). */
async function bellSettled(page, username) {
  const r = await apiCall('GET', '/notifications?limit=1', { token: await apiLogin(username) })
  await page.waitForFunction((n) => Number(document.querySelector('[data-test=bell]')?.dataset.unread) === n, r.data.unread_count,
    { timeout: 20000 })
}

async function intake(unit, description) {
  const r = await apiCall('POST', '/complaints', { token: await apiLogin('agent1'), body: {
    channel: 'phone', customer: { name: '测试客户', phone: freshPhone() }, subject_unit: unit,
    category: 'service.attitude', description } })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  return r.data
}

/** Runs the deadline sweeper just before c's handling deadline: its warning goes to the unit that holds c. */
function sweepBefore(t, c) {
  const db = serverDatabase()
  if (!db || !fs.existsSync(REDRESS_BIN)) {
    t.skip(`cannot run the sweeper: database ${db || 'unknown'} (set REDRESS_DB), binary ${REDRESS_BIN}`)
    return false
  }
  const at = Date.parse(c.deadlines.stage) - 60e3
  execFileSync(REDRESS_BIN, ['sweep', '--db', db, '--now', cst(at)], { encoding: 'utf8' })
  return true
}

/**
 * Until the deliverer has handled every in-app row: the sweep also warns of
 * the other complaints due by then, and counts that still move would make
 * "one fewer unread" or "none unread" a race.
 */
async function settled() {
  const admin = await apiLogin('admin')
  for (const until = Date.now() + 30000; Date.now() < until;) {
    const r = await apiCall('GET', '/outbox?status=pending', { token: admin })
    if (r.status === 200 && !r.data.items.some((m) => m.channel === 'internal')) return
    await new Promise((ok) => setTimeout(ok, 200))
  }
  throw new Error('the in-app rows were not delivered within 30 s')
}

test('1440 px, 中文: the board and the list follow another person\'s steps; the complaint page and the bell tell', async (t) => {
  const board = await newPage(two.context, { width: 1440, height: 900 })
  await login(board, 'pdmgr')
  await board.goto(BASE + '/#/board')
  await board.locator('[data-test=kpi-open]').waitFor()
  await board.waitForFunction(() => document.querySelector('[data-test=kpi-open]')?.textContent.trim() !== '—')

  const list = await newPage(three.context, { width: 1440, height: 900 })
  await login(list, 'pd02')
  await list.goto(BASE + '/#/mine')
  await list.locator('[data-test=bell]').waitFor()

  // A complaint about the station is taken in: the board's queue shows it at once.
  const c = await intake('SH-PD-02', '实时推送测试：油枪计量有误差。')
  const queued = board.locator('[data-test=queue]', { hasText: c.number })
  await queued.waitFor({ timeout: 15000 })

  // agent1 dispatches it in their browser: it leaves the board's queue and joins pd02's list, neither page reloaded.
  const agent = await newPage(one.context, { width: 1440, height: 900 })
  await login(agent, 'agent1')
  await agent.goto(BASE + '/#/complaints/' + c.id)
  await act(agent, 'dispatch', { unit: { unit: 'SH-PD-02' } })
  await queued.waitFor({ state: 'detached', timeout: 15000 })
  await list.locator('[data-test=complaint-table] .el-table__row', { hasText: c.number }).waitFor({ timeout: 15000 })

  // pd02 accepts it; agent1's open page says someone else updated it and reloads on request.
  await list.goto(BASE + '/#/complaints/' + c.id)
  await act(list, 'accept')
  const note = agent.locator('[data-test=changed-by-other]')
  await note.waitFor({ timeout: 15000 })
  assert.match(await note.innerText(), /此工单已被他人更新/)
  await agent.locator('[data-test=changed-reload]').click()
  await note.waitFor({ state: 'detached', timeout: 15000 })
  assert.equal(await list.locator('[data-test=changed-by-other]').count(), 0, 'one\'s own step is not someone else\'s')

  // The deadline warning reaches pd02's bell while the page stays open.
  const before = await bellCount(list)
  const cur = await apiCall('GET', `/complaints/${c.id}`, { token: await apiLogin('pd02') })
  if (!sweepBefore(t, cur.data)) return
  await settled()
  await list.waitForFunction((n) => Number(document.querySelector('[data-test=bell]')?.dataset.unread) > n, before, { timeout: 20000 })
  await bellSettled(list, 'pd02')
  await list.locator('[data-test=bell]').click()
  const item = list.locator('[data-test=bell-item]', { hasText: c.number }).first()
  await item.waitFor({ timeout: 10000 })
  assert.match(await item.innerText(), /处理时限.*即将到期/)
  const count = await bellCount(list)
  await item.click()
  await list.waitForFunction((id) => location.hash === '#/complaints/' + id, c.id)
  await list.waitForFunction((n) => Number(document.querySelector('[data-test=bell]')?.dataset.unread) === n - 1, count)
  for (const p of [board, list, agent]) assert.deepEqual(p.errors, [])
  await Promise.all([board.close(), list.close(), agent.close()])
})

test('360 px, English: the list follows live, and the bell opens the notices page', async (t) => {
  const phone = await newPage(two.context, { width: 360, height: 740 })
  await login(phone, 'pd01')
  await useLanguage(phone, 'en')
  await phone.goto(BASE + '/#/mine')
  await phone.locator('[data-test=bell]').waitFor()

  const c = await intake('SH-PD-01', 'Live update test: the pump display was unreadable.')
  const agent = await newPage(one.context, { width: 1440, height: 900 })
  await login(agent, 'agent1')
  await agent.goto(BASE + '/#/complaints/' + c.id)
  await act(agent, 'dispatch', { unit: { unit: 'SH-PD-01' } })
  await phone.locator('[data-test=complaint-card]', { hasText: c.number }).waitFor({ timeout: 15000 })

  const accepted = await apiCall('POST', `/complaints/${c.id}/actions/accept`, { token: await apiLogin('pd01'), body: {} })
  assert.equal(accepted.status, 200, JSON.stringify(accepted.data))
  const before = await bellCount(phone)
  if (!sweepBefore(t, accepted.data)) return
  await settled()
  await phone.waitForFunction((n) => Number(document.querySelector('[data-test=bell]')?.dataset.unread) > n, before, { timeout: 20000 })
  await bellSettled(phone, 'pd01')
  const label = await phone.locator('[data-test=bell]').getAttribute('aria-label')
  assert.match(label, /^Notifications, \d+ unread$/)
  await phone.locator('[data-test=bell]').click()
  await phone.waitForFunction(() => location.hash === '#/notifications')
  const notice = phone.locator('[data-test=notice][data-read=no]', { hasText: c.number }).first()
  await notice.waitFor({ timeout: 10000 })
  assert.match(await notice.innerText(), new RegExp(`Complaint ${c.number}: its time limit .* is near`))
  await phone.locator('[data-test=notices-read-all]').click()
  await phone.waitForFunction(() => document.querySelector('[data-test=bell]')?.dataset.unread === '0')
  assert.equal(await phone.locator('[data-test=notice][data-read=no]').count(), 0)
  // No sideways scrolling on a phone.
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1))
  for (const p of [phone, agent]) assert.deepEqual(p.errors, [])
  await Promise.all([phone.close(), agent.close()])
})
