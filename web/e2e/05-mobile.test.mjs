// On a 360 px phone the work-order list is a card list ordered by deadline
// with a live, coloured countdown.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, shot, text, BASE } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

test('360 px: cards by deadline, countdown colours, no sideways scrolling', async () => {
  const page = await newPage(browser.context, { width: 360, height: 760 })
  await login(page, 'super1')
  await page.goto(BASE + '/#/complaints')
  const cards = page.locator('[data-test=complaint-card]')
  await cards.first().waitFor({ timeout: 10000 })
  assert.equal(await page.locator('[data-test=complaint-table]').count(), 0, 'no table on a phone')
  const n = await cards.count()
  assert.ok(n > 1, 'several open work orders in the demo data')

  // ordered by stage deadline, nearest (most overdue) first
  const deadlines = await cards.evaluateAll((els) => els.map((e) => e.querySelector('.countdown')?.getAttribute('title') || ''))
  const sorted = [...deadlines].filter(Boolean)
  assert.deepEqual(sorted, [...sorted].sort(), `cards in deadline order: ${deadlines.join(', ')}`)

  // colours match states: overdue red, < 10 % of the stage (or < 1 h) amber, else green
  const states = await cards.evaluateAll((els) => els.map((e) => {
    const c = e.querySelector('.countdown')
    return { state: c.dataset.state, text: c.innerText, color: getComputedStyle(c).color }
  }))
  const colour = { late: 'rgb(179, 38, 30)', warn: 'rgb(138, 83, 0)', ok: 'rgb(23, 102, 58)' }
  for (const s of states) {
    if (s.state === 'none' || s.state === 'paused') continue // paused: waiting for the customer
    assert.equal(s.color, colour[s.state], JSON.stringify(s))
    if (s.state === 'late') assert.match(s.text, /超时/)
    else assert.match(s.text, /剩/)
  }
  assert.ok(states.some((s) => s.state === 'late'), 'the demo has overdue work orders, shown red')

  // the countdown is live
  const first = page.locator('[data-test=complaint-card] .countdown').first()
  const before1 = await first.innerText()
  await page.waitForTimeout(2100)
  const after1 = await first.innerText()
  assert.ok(before1 !== after1 || /天|小时/.test(before1), `countdown ticks: ${before1} → ${after1}`)

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`)
  await shot(page, 'mobile-list')

  // the menu is a drawer behind the burger
  await page.getByRole('button', { name: '菜单' }).click()
  await page.locator('.menu-drawer').getByText('主管看板').waitFor()
  await page.keyboard.press('Escape')

  // a card opens the detail, which also fits
  await cards.first().click()
  await page.locator('[data-test=detail-number]').waitFor()
  const o2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(o2 <= 0, `detail is ${o2}px wider than the phone`)
  await shot(page, 'mobile-detail')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('desktop list pages with next_cursor and filters by status', async () => {
  const page = await newPage(browser.context)
  await login(page, 'super1')
  await page.goto(BASE + '/#/complaints')
  const table = page.locator('[data-test=complaint-table]')
  await table.locator('.el-table__row').first().waitFor()
  // only open ones by default: no closed tags
  const tags = await table.locator('.status-tag').allInnerTexts()
  assert.ok(tags.length > 0 && tags.every((t) => !/已结案|已归档/.test(t)), tags.join(','))
  await shot(page, 'complaint-list')
  // status filter → registered only
  await page.locator('[data-test=flt-status]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '已登记' }).click()
  await page.locator('[data-test=flt-search]').click()
  await page.waitForTimeout(600)
  const t2 = await table.locator('.status-tag').allInnerTexts()
  assert.ok(t2.length > 0 && t2.every((t) => t.trim() === '已登记'), t2.join(','))
  assert.match(page.url(), /status=registered/)
  // paging follows next_cursor: 20 a page; the demo has more closed+open than that
  await page.locator('[data-test=flt-status]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '未结案' }).click()
  await page.locator('[data-test=flt-search]').click()
  await page.waitForTimeout(600)
  const rows1 = await table.locator('.el-table__row').count()
  const next = page.locator('[data-test=next-page]')
  if (rows1 === 20 && await next.isEnabled()) {
    const firstNum = await text(table.locator('.el-table__row').first().locator('a'))
    await next.click()
    await page.getByText('第 2 页').waitFor()
    const secondNum = await text(table.locator('.el-table__row').first().locator('a'))
    assert.notEqual(firstNum, secondNum)
    await page.locator('[data-test=prev-page]').click()
    await page.getByText('第 1 页').waitFor()
  }
  assert.deepEqual(page.errors, [])
  await page.close()
})
