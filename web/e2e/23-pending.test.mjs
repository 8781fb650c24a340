// Pending matters (未了事宜), in the browser. Seed 003: 对于当时无法确定责任的质量
// 问题、配件延时、客户不在场、客户没有时间的投诉 … 报主管总经理认可后,按未了事宜进行
// 处理 … 未了事宜由客户经理与客户服务中心分别在各自的《未了事宜台帐》上进行记录,并在
// 维修接待电脑系统中明确标注. The administrator gives the demo pack a
// closing.pending like the restaurant pack's (a new configuration version,
// rolled back afterwards); the station's handler records a matter on a phone,
// naming the manager who agreed, and notes a contact with the customer; the
// centre finds it in its ledger (the list's pending filter) at the desk in
// English and settles it, and the flag leaves the ledger.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, text, act, handlingComplaint, pageAs, finishPage, withPackVersion } from './helpers.mjs'

let c = null
const env = withPackVersion('未了事宜台帐', (pack) => {
  pack.closing = { ...(pack.closing || {}), pending: {
    reasons: [{ code: 'quality_undetermined', name: '质量问题责任当时无法确定', name_en: 'Quality problem, responsibility not yet determined' },
      { code: 'parts_delayed', name: '配件延时', name_en: 'Parts delayed' },
      { code: 'customer_absent', name: '客户不在场', name_en: 'Customer not present' },
      { code: 'customer_busy', name: '客户没有时间', name_en: 'Customer has no time' }],
    roles: ['agent', 'handler', 'supervisor'], approvers: ['manager'], reminder_day: 4 } }
})

const NOTE = '加油机配件延时到货，已告知客户到货后电话通知其来站处理。'

test('the station records a pending matter and a contact on a phone (360×740, 中文)', async () => {
  c = await handlingComplaint({ description: '加油机计量异常，客户要求复核。' })
  const page = await pageAs(env.browser, 'pd01', { width: 360, height: 740 }, 'zh', `/complaints/${c.id}`)
  await act(page, 'record_pending', { reason: { value: 'parts_delayed' }, note: NOTE, approver: '分公司 王总' })
  await page.locator('[data-test=detail-pending]').waitFor()
  const alert = page.locator('[data-test=pending-matter]')
  assert.equal(await alert.getAttribute('data-status'), 'open')
  assert.equal(await text(page.locator('[data-test=pending-note]')), NOTE)
  assert.match(await text(alert), /配件延时/)
  assert.match(await text(page.locator('[data-test=pending-approval]')), /王总/)
  // Parked: nothing moves it on until it is settled.
  assert.equal(await page.locator('[data-test=actions] [data-action=resolve]').count(), 0)
  await act(page, 'contact_pending', { method: { value: 'phone' }, note: '配件预计周五到，已与客户约定周六来站' })
  await page.locator('[data-test=pending-contact]').first().waitFor()
  assert.match(await text(page.locator('[data-test=pending-contact]').first()), /周六来站/)
  await finishPage(page, 'pending-recorded-phone')
})

test('the centre finds it in its ledger and settles it (1440×900, English)', async () => {
  assert.ok(c, 'the matter was recorded')
  const page = await pageAs(env.browser, 'agent1', { width: 1440, height: 900 }, 'en', '/complaints?status=&pending=true')
  const row = page.locator('[data-test=complaint-table] .el-table__row', { hasText: c.number })
  await row.waitFor({ timeout: 15000 })
  assert.equal(await text(row.locator('[data-test=row-pending]')), 'Pending matter')

  await page.goto(`${BASE}/#/complaints/${c.id}`)
  await act(page, 'settle_pending', { note: 'Parts fitted on Saturday; the customer confirmed.' })
  const alert = page.locator('[data-test=pending-matter][data-status=settled]')
  await alert.waitFor()
  assert.match(await text(page.locator('[data-test=pending-settled]')), /Parts fitted/)
  assert.equal(await page.locator('[data-test=detail-pending]').count(), 0)

  await page.goto(`${BASE}/#/complaints?status=&pending=true`)
  await page.locator('[data-test=complaint-table]').waitFor()
  await page.waitForTimeout(500)
  assert.equal(await page.locator('[data-test=complaint-table] .el-table__row', { hasText: c.number }).count(), 0,
    'settled: out of the ledger')
  await finishPage(page, 'pending-settled-desk', { lang: 'zh' })
})
