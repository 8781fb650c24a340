// An agent takes a call from the keyboard, then the work order is walked
// through dispatch → accept → resolve → reply → revisit → close.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, shot, text, act, statusText, apiCall, apiLogin, freshPhone, BASE } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const phone = freshPhone()
let number = null
let id = null

async function focusedId(page) { return page.evaluate(() => document.activeElement?.id || '') }

test('agent1 records a complaint during a call using only the keyboard', async () => {
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  await page.getByRole('heading', { name: '受理工作台', level: 1 }).waitFor()
  // defaults: channel phone, received now
  assert.equal(await page.locator('#f-channel').inputValue().catch(() => ''), '', 'select input is empty; the selection is shown')
  assert.match(await text(page.locator('[data-test=intake-form]')), /电话/)
  const received = await page.locator('#f-received').inputValue()
  assert.match(received, /^\d{4}-\d\d-\d\d \d\d:\d\d$/)

  assert.equal(await focusedId(page), 'f-phone')
  await page.keyboard.type(phone)
  await page.locator('[data-test=history-none]').waitFor()
  await page.keyboard.press('Tab')
  assert.equal(await focusedId(page), 'f-name')
  await page.keyboard.type('王先生')
  await page.keyboard.press('Tab') // class (ordinary)
  await page.keyboard.press('Tab') // e-mail
  await page.keyboard.press('Tab')
  assert.equal(await focusedId(page), 'f-unit')
  await page.keyboard.type('世纪大道', { delay: 20 })
  await page.waitForTimeout(250)
  await page.keyboard.press('Enter')
  await page.keyboard.press('Tab')
  assert.equal(await focusedId(page), 'f-staff')
  await page.keyboard.type('加油员 李强')
  await page.keyboard.press('Tab')
  assert.equal(await focusedId(page), 'f-occurred')
  const occurred = new Date(Date.now() - 40 * 60000)
  const pad = (n) => String(n).padStart(2, '0')
  const occurredText = `${occurred.getFullYear()}-${pad(occurred.getMonth() + 1)}-${pad(occurred.getDate())} ${pad(occurred.getHours())}:${pad(occurred.getMinutes())}`
  await page.keyboard.type(occurredText)
  await page.keyboard.press('Tab')
  assert.equal(await focusedId(page), 'f-place')
  await page.keyboard.type('3号加油机')
  await page.keyboard.press('Tab')
  assert.equal(await focusedId(page), 'f-category')
  await page.keyboard.type('服务态度', { delay: 20 })
  await page.waitForTimeout(250)
  await page.keyboard.press('Enter')
  await page.keyboard.press('Tab')
  assert.equal(await focusedId(page), 'f-level')
  await page.keyboard.press('Tab')
  assert.equal(await focusedId(page), 'f-desc')
  await page.keyboard.type('加油员态度恶劣，拒绝开具发票。')
  await page.keyboard.press('Tab')
  assert.equal(await focusedId(page), 'f-demand')
  await page.keyboard.type('要求道歉并开具发票')
  await shot(page, 'workbench-filled')

  // Ctrl+Enter → read-back dialog
  await page.keyboard.press('Control+Enter')
  const readback = page.locator('[data-test=readback]')
  await readback.waitFor()
  const rb = await text(readback)
  for (const s of ['王先生', '浦东世纪大道加油站', '服务态度', '要求道歉并开具发票', occurredText]) assert.ok(rb.includes(s), `read-back mentions ${s}: ${rb}`)
  await shot(page, 'workbench-readback')
  // the save button has the focus: Enter saves
  await page.waitForTimeout(200)
  await page.keyboard.press('Enter')
  const result = page.locator('[data-test=intake-result]')
  await result.waitFor({ timeout: 15000 })
  const rt = await text(result)
  const m = rt.match(/TS\d{8}-\d+/)
  assert.ok(m, `the saved number is shown: ${rt}`)
  number = m[0]
  await shot(page, 'workbench-saved')

  // the next call from the same number shows this complaint beside the form
  await page.keyboard.press('Enter') // "继续受理下一个" has the focus
  await page.waitForFunction(() => document.activeElement?.id === 'f-phone')
  await page.keyboard.type(phone)
  const hist = page.locator('[data-test=caller-history]')
  await hist.getByText(number).waitFor()
  assert.match(await text(hist), /在办 1 件/)
  await shot(page, 'workbench-history')
  assert.deepEqual(page.errors, [])
  await page.close()

  const token = await apiLogin('agent1')
  const r = await apiCall('GET', `/complaints/${number}`, { token })
  assert.equal(r.status, 200)
  assert.equal(r.data.status, 'registered')
  assert.equal(r.data.channel, 'phone')
  assert.equal(r.data.subject_unit.code, 'SH-PD-01')
  assert.equal(r.data.category.code, 'service.attitude')
  id = r.data.id
})

test('a failed save keeps what was typed and marks the field the server named', async () => {
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  // 21 digits: the form's loose check passes, the server's 7–20 digits does not
  const bad = '1381234567890123456789'.slice(0, 21)
  await page.locator('#f-phone').fill(bad)
  await page.locator('#f-name').fill('李女士')
  await page.locator('#f-unit').click()
  await page.keyboard.type('SH-PD-02', { delay: 20 })
  await page.waitForTimeout(200)
  await page.keyboard.press('Enter')
  await page.locator('#f-category').click()
  await page.keyboard.type('加油效率', { delay: 20 })
  await page.waitForTimeout(200)
  await page.keyboard.press('Enter')
  await page.locator('#f-desc').fill('排队四十分钟无人引导。')
  await page.keyboard.press('Control+Enter')
  await page.locator('[data-test=confirm-save]').click()
  const item = page.locator('.el-form-item.is-error', { has: page.locator('#f-phone') })
  await item.waitFor({ timeout: 10000 })
  const msg = await text(item.locator('.el-form-item__error'))
  assert.ok(msg.length > 0, 'the server message is shown under the phone field')
  assert.equal(await page.locator('#f-name').inputValue(), '李女士')
  assert.equal(await page.locator('#f-desc').inputValue(), '排队四十分钟无人引导。')
  assert.equal(await page.locator('#f-phone').inputValue(), bad)
  assert.equal(await focusedId(page), 'f-phone')
  await shot(page, 'workbench-error')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('answer on the spot closes the complaint without dispatch', async () => {
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  await page.locator('#f-phone').fill(freshPhone())
  await page.locator('#f-name').fill('赵先生')
  await page.locator('#f-unit').click()
  await page.keyboard.type('SH-PD-01', { delay: 20 })
  await page.waitForTimeout(200)
  await page.keyboard.press('Enter')
  await page.locator('#f-category').click()
  await page.keyboard.type('营业', { delay: 20 })
  await page.waitForTimeout(200)
  await page.keyboard.press('Enter')
  await page.locator('#f-desc').fill('询问油站营业时间，认为网上信息不准。')
  await page.locator('[data-test=on-spot]').click()
  await page.locator('#f-answer').fill('已告知该站 24 小时营业，并已更新网上信息。')
  // A valid complaint answered on the spot is closed: the pack's closing fields are asked for.
  await page.locator('[data-test=on-spot-cause]').waitFor()
  assert.equal(await page.locator('#f-responsible-unit').isVisible(), true, 'the responsible unit is asked for')
  await page.keyboard.press('Control+Enter')
  await page.locator('[data-test=general-error]').waitFor()
  assert.equal(await page.locator('[data-test=confirm-save]').isVisible(), false, 'not read back without the closing fields')
  assert.equal(await focusedId(page), 'f-cause', 'the first missing closing field has the focus')
  await page.keyboard.type('网上营业时间信息未及时更新', { delay: 5 })
  await page.locator('#f-responsibility').click()
  await page.keyboard.type('公司', { delay: 20 })
  await page.waitForTimeout(200)
  await page.keyboard.press('Enter')
  await page.locator('#f-responsible-person').fill('站长 陈刚')
  await page.locator('#f-corrective-action').fill('每月核对网上营业信息')
  await page.keyboard.press('Control+Enter')
  const summary = page.locator('[data-test=confirm-summary]')
  await summary.waitFor()
  assert.match(await text(summary), /公司责任/)
  assert.match(await text(summary), /站长 陈刚/)
  await page.locator('[data-test=confirm-save]').click()
  const result = page.locator('[data-test=intake-result]')
  await result.waitFor({ timeout: 15000 })
  assert.match(await text(result), /已当场答复并结案/)
  await page.locator('[data-test=open-saved]').click()
  await page.locator('[data-test=detail-status]').filter({ hasText: '已结案' }).waitFor()
  assert.match(await text(page.locator('[data-test=timeline]')), /当场答复/)
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('super1 dispatches it from the board queue to the station', async () => {
  assert.ok(number, 'intake ran')
  const page = await newPage(browser.context)
  await login(page, 'super1')
  const row = page.locator('[data-test=queue] .el-table__row', { hasText: number })
  await row.waitFor({ timeout: 10000 })
  await row.locator(`[data-dispatch="${number}"]`).click()
  const dlg = page.locator('.action-dialog:visible')
  await dlg.waitFor()
  await dlg.locator('[data-field=unit]').first().click()
  await page.keyboard.type('SH-PD-01', { delay: 20 })
  await page.waitForTimeout(200)
  await page.keyboard.press('Enter')
  const note = dlg.locator('textarea[data-field=note]')
  if (await note.count()) await note.fill('请站长核实并尽快处理。')
  await shot(page, 'dispatch-dialog')
  await dlg.locator('[data-test=action-submit]').click()
  await dlg.waitFor({ state: 'hidden', timeout: 15000 })
  await page.locator('[data-test=queue] .el-table__row', { hasText: number }).waitFor({ state: 'detached', timeout: 10000 })
  await page.goto(`${BASE}/#/complaints/${id}`)
  await page.locator('[data-test=detail-status]').filter({ hasText: '已派单' }).waitFor()
  assert.match(await text(page.locator('[data-test=record]')), /浦东世纪大道加油站/)
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('pd01 accepts and resolves it', async () => {
  const page = await newPage(browser.context)
  await login(page, 'pd01')
  // it is in the station's own list
  await page.locator('[data-test=complaint-table]').getByText(number).waitFor({ timeout: 10000 })
  await page.locator('[data-test=complaint-table]').getByText(number).click()
  await page.locator('[data-test=detail-number]').filter({ hasText: number }).waitFor()
  await act(page, 'accept', { note: '已签收，正在调取监控。' })
  await page.locator('[data-test=detail-status]').filter({ hasText: '处理中' }).waitFor()
  await act(page, 'resolve', {
    resolution_type: { value: 'solution' },
    resolution: '经调取监控核实，加油员态度确有不当，已当面道歉并补开发票，对当事员工进行批评教育。',
    nature: { value: 'valid' },
  })
  await page.locator('[data-test=detail-status]').filter({ hasText: '已办结' }).waitFor()
  await shot(page, 'detail-resolved')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('agent1 replies, revisits and closes it; the timeline tells the story', async () => {
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  await page.goto(`${BASE}/#/complaints/${id}`)
  await page.locator('[data-test=detail-number]').filter({ hasText: number }).waitFor()
  await act(page, 'reply', { method: { value: 'phone' }, content: '王先生您好，经核实加油员态度确有不当，站长已当面致歉并补开发票。' })
  await page.locator('[data-test=detail-status]').filter({ hasText: '已答复' }).waitFor()
  await act(page, 'revisit', { method: { value: 'phone' }, result: { value: 'satisfied' }, remarks: '客户对处理结果满意。' })
  await page.locator('[data-test=detail-status]').filter({ hasText: '已回访' }).waitFor()
  await act(page, 'close', {
    nature: { value: 'valid' },
    cause: '加油员服务态度不当',
    responsibility: { value: 'company' },
    responsible_unit: { unit: 'SH-PD-01' },
    responsible_person: '加油员 李强',
    corrective_action: '全站开展服务规范培训',
  })
  await page.locator('[data-test=detail-status]').filter({ hasText: '已结案' }).waitFor()
  const tl = await text(page.locator('[data-test=timeline]'))
  for (const s of ['受理', '派单', '签收', '办结', '答复', '回访', '结案']) assert.ok(tl.includes(s), `timeline has ${s}: ${tl}`)
  await shot(page, 'detail-closed')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('acting on a stale version reloads and says someone else acted first', async () => {
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  // a fresh registered complaint, opened in the browser
  const token = await apiLogin('agent1')
  const c = await apiCall('POST', '/complaints', { token, body: {
    channel: 'phone', customer: { name: '孙女士', phone: freshPhone() }, subject_unit: 'SH-PD-02',
    category: 'service.efficiency', description: '高峰期只开一条通道。' } })
  assert.equal(c.status, 201, JSON.stringify(c.data))
  await page.goto(`${BASE}/#/complaints/${c.data.id}`)
  await page.locator('[data-test=actions] [data-action=dispatch]').waitFor()
  // meanwhile the supervisor dispatches it
  const st = await apiLogin('super1')
  const d = await apiCall('POST', `/complaints/${c.data.id}/actions/dispatch`, { token: st, body: { unit: 'SH-PD-02' }, headers: { 'If-Match': String(c.data.version) } })
  assert.equal(d.status, 200, JSON.stringify(d.data))
  // the agent, still looking at version 1, dispatches too
  await page.locator('[data-test=actions] [data-action=dispatch]').click()
  const dlg = page.locator('.action-dialog:visible')
  await dlg.waitFor()
  await dlg.locator('[data-field=unit]').first().click()
  await page.keyboard.type('SH-PD-03', { delay: 20 })
  await page.waitForTimeout(200)
  await page.keyboard.press('Enter')
  await dlg.locator('[data-test=action-submit]').click()
  await page.locator('[data-test=conflict]').waitFor({ timeout: 10000 })
  assert.match(await text(page.locator('[data-test=conflict]')), /其他人已先处理/)
  assert.equal(await statusText(page), '已派单')
  await shot(page, 'detail-conflict')
  await page.close()
})
