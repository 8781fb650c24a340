// Bulk actions in the complaint list (desk): an agent ticks the complaints a
// search found and dispatches them to one station in one go, each its own
// step; one that a supervisor dispatched meanwhile is named as not done;
// then three complaints about one fault are marked as duplicates of one.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, text, apiCall, apiLogin, freshPhone, choose, shot } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const run = Date.now().toString(36)

async function taken(token, description) {
  const r = await apiCall('POST', '/complaints', { token, body: {
    channel: 'phone', customer: { name: '赵先生', phone: freshPhone() }, subject_unit: 'SH-PD-02', category: 'service.efficiency', description } })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  return r.data
}

/** The list searched for word, every row ticked. */
async function tickAll(page, word, n) {
  await page.goto(`${BASE}/#/complaints?q=${encodeURIComponent(word)}`)
  const rows = page.locator('[data-test=complaint-table] tbody tr')
  await page.waitForFunction(([sel, k]) => document.querySelectorAll(sel).length === k, ['[data-test=complaint-table] tbody tr', n])
  await page.locator('[data-test=complaint-table] thead .el-checkbox').click()
  await page.locator('[data-test=bulk]').waitFor()
  return rows
}

test('an agent dispatches the complaints a search found in one go; one dispatched meanwhile is named', async () => {
  const token = await apiLogin('agent1')
  const word = `批量${run}`
  const cs = [await taken(token, `${word} 高峰期只开一条通道`), await taken(token, `${word} 排队太久`), await taken(token, `${word} 收银慢`)]
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'agent1')
  await tickAll(page, word, 3)
  assert.match(await text(page.locator('[data-test=bulk]')), /已选 3 件/)
  // meanwhile a supervisor dispatches one of them
  const sup = await apiLogin('super1')
  const d = await apiCall('POST', `/complaints/${cs[1].id}/actions/dispatch`, { token: sup, body: { unit: 'SH-PD-03' } })
  assert.equal(d.status, 200)
  await page.locator('[data-test=bulk-dispatch]').click()
  await choose(page, page.locator('#bulk-unit'), 'SH-PD-02', 'SH-PD-02')
  await shot(page, 'list-bulk-dispatch')
  await page.locator('[data-test=bulk-run]').click()
  const failed = page.locator('[data-test=bulk-failed]')
  await failed.waitFor({ timeout: 15000 })
  assert.match(await text(failed), new RegExp(cs[1].number), 'the one changed meanwhile is named')
  for (const c of [cs[0], cs[2]]) {
    const r = await apiCall('GET', `/complaints/${c.id}`, { token })
    assert.equal(r.data.status, 'dispatched')
    assert.equal(r.data.owner_unit.code, 'SH-PD-02')
  }
  const other = await apiCall('GET', `/complaints/${cs[1].id}`, { token })
  assert.equal(other.data.owner_unit.code, 'SH-PD-03', 'not overwritten')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('three complaints about one fault marked as duplicates of the first', async () => {
  const token = await apiLogin('agent1')
  const word = `重复${run}`
  const first = await taken(token, `${word} 加油机故障无法付款`)
  const dups = [await taken(token, `${word} 付款失败`), await taken(token, `${word} 扫码付不了`)]
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'agent1')
  await tickAll(page, word, 3)
  // the first one is the case: untick it
  await page.locator('[data-test=complaint-table] tbody tr', { hasText: first.number }).locator('.el-checkbox').click()
  assert.match(await text(page.locator('[data-test=bulk]')), /已选 2 件/)
  await page.locator('[data-test=bulk-duplicate]').click()
  await page.locator('[data-test=bulk-main]').fill(first.number)
  await page.locator('[data-test=bulk-run]').click()
  await page.locator('.bulk-dialog').waitFor({ state: 'hidden', timeout: 15000 })
  const links = await apiCall('GET', `/complaints/${first.id}/links`, { token })
  const by = links.data.items.filter((l) => l.kind === 'duplicated_by').map((l) => l.to.number).sort()
  assert.deepEqual(by, dups.map((c) => c.number).sort())
  assert.deepEqual(page.errors, [])
  await page.close()
})
