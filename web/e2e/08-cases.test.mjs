// Closing, compensation approval and the penalty ledger in the browser: the
// closing form built from GET …/actions marks the pack's required fields and
// names the one missing; a supervisor approves a compensation from the board;
// a manager waives a ledger entry and saves the month's CSV.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { BASE, launch, newPage, login, shot, text, apiCall, apiLogin, handlingComplaint } from './helpers.mjs'
import { readXlsx } from '../../tests/api/xlsx.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

let closed // the complaint closed through the form: its ledger entries are waived below

async function walkToRevisited() {
  const c = await handlingComplaint({ description: '加油员收款时态度恶劣，出言不逊。' })
  const pd01 = await apiLogin('pd01')
  const agent = await apiLogin('agent1')
  for (const [token, action, body] of [
    [pd01, 'resolve', { resolution_type: 'solution', resolution: '调阅监控属实，站长已当面致歉', nature: 'valid' }],
    [agent, 'reply', { method: 'phone', content: '已电话告知处理结果' }],
    [agent, 'revisit', { method: 'phone', result: 'satisfied' }],
  ]) {
    const r = await apiCall('POST', `/complaints/${c.id}/actions/${action}`, { token, body })
    if (r.status !== 200) throw new Error(`${action}: ${JSON.stringify(r.data)}`)
  }
  return c
}

test('the closing form marks what the pack requires and names the missing field', async () => {
  const c = await walkToRevisited()
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  await page.goto(`${BASE}/#/complaints/${c.id}`)
  await page.locator('.detail-page[data-busy=no]').waitFor()
  await page.locator('[data-test=actions] [data-action=close]').click()
  const dlg = page.locator('.action-dialog:visible')
  await dlg.waitFor()
  // required fields carry Element Plus's asterisk (is-required), optional ones not
  const required = await dlg.locator('.el-form-item.is-required .el-form-item__label').allInnerTexts()
  for (const label of ['投诉原因', '责任认定', '责任单位', '责任人', '整改措施']) {
    assert.ok(required.some((l) => l.includes(label)), `${label} is marked required: ${required}`)
  }
  assert.ok(!required.some((l) => l.includes('补偿金额')), 'compensation is optional')
  await dlg.locator('textarea[data-field=cause]').fill('加油员收款时服务用语不规范')
  await dlg.locator('[data-field=responsibility]').first().click()
  await page.locator('.el-select-dropdown__item:visible[data-value=company]').last().click()
  await dlg.locator('[data-field=responsible_unit]').first().click()
  await page.keyboard.type('SH-PD-01', { delay: 20 })
  await page.waitForTimeout(250)
  await page.keyboard.press('Enter')
  await dlg.locator('textarea[data-field=corrective_action]').fill('班前会通报，全站重新学习收银服务规范')
  await dlg.locator('[data-test=action-submit]').click()
  const err = dlg.locator('.el-form-item.is-error').filter({ hasText: '责任人' })
  await err.waitFor({ timeout: 5000 })
  assert.match(await text(err), /责任人/)
  await shot(page, 'closing-form-missing')
  await dlg.locator('input[data-field=responsible_person]').fill('收银员 李强')
  await dlg.locator('[data-test=action-submit]').click()
  await dlg.waitFor({ state: 'hidden', timeout: 15000 })
  await page.locator('[data-test=detail-status]').filter({ hasText: '已结案' }).waitFor()
  const pens = page.locator('[data-block=penalties]')
  await pens.waitFor()
  const t = await text(pens)
  for (const s of ['被投诉员工', '收银员 李强', '200.00', '站长', '100.00', '片区经理', '50.00', '取消年度评优']) assert.ok(t.includes(s), `penalties show ${s}: ${t}`)
  assert.deepEqual(page.errors, [])
  closed = c
  await page.close()
})

test('a compensation above the handler\'s limit waits on the board and a supervisor approves it', async () => {
  const c = await handlingComplaint({ description: '加油员误加柴油，客户要求赔偿清洗费用。' })
  const r = await apiCall('POST', `/complaints/${c.id}/actions/compensate`, {
    token: await apiLogin('pd01'), body: { kind: 'refund', amount: 400, reason: '清洗油路费用' } })
  assert.equal(r.status, 200, JSON.stringify(r.data))
  assert.equal(r.data.compensations[0].status, 'pending')
  const page = await newPage(browser.context)
  await login(page, 'super1')
  await page.goto(`${BASE}/#/board`)
  const row = page.locator(`[data-test=approval-list] .appr-${c.number}`)
  await row.waitFor({ timeout: 15000 })
  assert.match(await text(row), /400\.00/)
  assert.match(await text(row), /清洗油路费用/)
  await shot(page, 'board-approvals')
  await row.locator(`[data-decide="${c.number}"]`).click()
  const dlg = page.locator('.action-dialog:visible')
  await dlg.waitFor()
  await dlg.locator('textarea[data-field=note]').fill('同意，按票据退款')
  await dlg.locator('[data-test=action-submit]').click()
  await dlg.waitFor({ state: 'hidden', timeout: 15000 })
  await row.waitFor({ state: 'detached', timeout: 15000 })
  await page.goto(`${BASE}/#/complaints/${c.id}`)
  const comp = page.locator('[data-block=compensations]')
  await comp.waitFor()
  assert.match(await text(comp), /已批准/)
  assert.match(await text(comp), /同意，按票据退款/)
  assert.deepEqual(page.errors, [])
  await page.close()
})

// 001 2.5: 对各级别授权的使用进行控制和考核 — the ledger page shows the month's
// authority used: pd01 referred the 400 yuan refund above, super1 approved it.
test('the ledger page shows the authority each person used this month, desk and phone, Chinese and English', async () => {
  for (const [width, height, lang] of [[1440, 900, 'zh-CN'], [360, 740, 'en'], [1440, 900, 'en'], [360, 740, 'zh-CN']]) {
    const page = await newPage(browser.context, { width, height })
    try {
      await login(page, 'manager1')
      await page.evaluate((l) => localStorage.setItem('redress.lang', l), lang)
      await page.goto(`${BASE}/#/penalties`)
      await page.reload()
      const table = page.locator('[data-test=authority-table]')
      await table.waitFor()
      const pd01 = table.locator('tr.person-pd01')
      await pd01.waitFor({ timeout: 15000 })
      assert.match(await text(pd01.locator('[data-use=referred]')), /^1 · 400\.00$/)
      assert.match(await text(table.locator('tr.person-super1 [data-use=approved]')), /^1 · 400\.00$/)
      const levels = await text(page.locator('[data-test=authority-levels]'))
      assert.match(levels, lang === 'en' ? /Supervisor \(1\): [\d.]+ yuan granted, 400\.00 yuan approved/ : /主管：1 人，授权内 [\d.]+ 元，审批 400\.00 元/)
      assert.match(await text(page.locator('[data-test=authority] h2')), lang === 'en' ? /Authority used/ : /授权使用/)
      await page.locator('[data-test=authority]').scrollIntoViewIfNeeded()
      await shot(page, `authority-${width}-${lang}`)
      assert.deepEqual(page.errors, [])
    } finally {
      // the other tests read Chinese
      await page.evaluate(() => localStorage.setItem('redress.lang', 'zh-CN'))
      await page.close()
    }
  }
})

test('the ledger page: a manager waives an entry with a reason and saves the month as CSV', async () => {
  assert.ok(closed, 'closed in the first test')
  const page = await newPage(browser.context)
  await login(page, 'manager1')
  await page.locator('[data-test="menu-/penalties"]').click()
  await page.locator('[data-test=ledger-table]').waitFor()
  const rows = page.locator('[data-test=ledger-table] .el-table__body tr').filter({ hasText: closed.number })
  await rows.first().waitFor({ timeout: 15000 })
  assert.equal(await rows.count(), 4)
  const staff = rows.filter({ hasText: '收银员 李强' })
  await staff.locator('[data-waive]').click()
  const dlg = page.locator('.waive-dialog:visible')
  await dlg.waitFor()
  await dlg.locator('[data-test=waive-submit]').click()
  await dlg.locator('.el-form-item.is-error').waitFor()
  await dlg.locator('textarea[data-field=reason]').fill('复核监控：员工按规范操作，客户误解')
  await dlg.locator('[data-test=waive-submit]').click()
  await dlg.waitFor({ state: 'hidden', timeout: 15000 })
  await staff.locator('[data-test=entry-status]').filter({ hasText: '已免除' }).waitFor()
  assert.match(await text(staff), /复核监控/)
  await shot(page, 'penalty-ledger')

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-test=ledger-export]').click(),
  ])
  assert.match(download.suggestedFilename(), /^penalties-\d{4}-\d{2}\.csv$/)
  const csv = fs.readFileSync(await download.path(), 'utf8')
  assert.ok(csv.startsWith('\ufeff月份,工单编号'), csv.slice(0, 80))
  const mine = csv.split('\r\n').filter((l) => l.includes(closed.number))
  assert.equal(mine.length, 4, csv)
  assert.ok(mine.some((l) => l.includes('收银员 李强') && l.includes('已免除')), mine.join('\n'))
  const [xdl] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-test=ledger-export-xlsx]').click(),
  ])
  assert.match(xdl.suggestedFilename(), /^penalties-\d{4}-\d{2}\.xlsx$/)
  const [sheet] = readXlsx(fs.readFileSync(await xdl.path())).sheets
  assert.equal(sheet.rows[0][0], '月份')
  assert.equal(sheet.rows.filter((r) => r[1] === closed.number).length, 4, 'the rows of the CSV')

  // the region filter: Minhang's stations have none of this Pudong complaint
  await page.locator('[data-test=ledger-unit]').first().click()
  await page.keyboard.type('SH-MH', { delay: 20 })
  await page.waitForTimeout(250)
  await page.keyboard.press('Enter')
  await page.locator('[data-test=ledger-table]').waitFor()
  await page.waitForTimeout(500)
  assert.equal(await page.locator('[data-test=ledger-table] .el-table__body tr').filter({ hasText: closed.number }).count(), 0)
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('the workbench marks an appeal: a regulator\'s channel makes it one, and the regulator is chosen', async () => {
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  await page.getByRole('heading', { name: '受理工作台', level: 1 }).waitFor()
  const mark = page.locator('[data-test=f-appeal]')
  await mark.waitFor()
  assert.equal(await page.locator('[data-test=f-appeal-source]').count(), 0, 'no regulator to choose for an ordinary call')
  await page.locator('#f-channel').click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '12315' }).last().click()
  await page.locator('[data-test=f-appeal-source]').waitFor()
  assert.ok(await mark.locator('input').isChecked(), 'checked by the channel')
  assert.ok(await mark.locator('input').isDisabled(), 'and cannot be unchecked')
  await page.locator('[data-test=f-appeal-source]').click()
  await page.locator('.el-select-dropdown__item:visible[data-value="12315"]').last().click()
  assert.match(await text(page.locator('[data-test=appeal-row]')), /12315 市场监管投诉热线/)
  assert.deepEqual(page.errors, [])
  await page.close()
})
