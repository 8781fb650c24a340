// The README's pictures of the pages built since its first ones, in
// Chinese at a desk (the last on a phone), taken first of all the browser
// tests so that they show the demo's data and nothing a test added: the
// reports centre, a search, the outbox, a ledger checked before its import,
// a partner system's webhook, and an action's dialog as a phone's sheet.
// What little they need that the demo lacks (a saved mapping, a webhook) is
// set up as an administrator would, and the webhook removed again. Each
// also checks what it shows.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { launch, newPage, login, shot, text, apiCall, apiLogin, pick, BASE } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

test('reports centre: the month\'s tiles against their targets and the complaints received by unit', async () => {
  const page = await newPage(browser.context)
  await login(page, 'manager1')
  await page.goto(BASE + '/#/reports')
  await page.locator('[data-test=report-tiles]').waitFor({ timeout: 15000 })
  await page.locator('[data-test=report-tiles] .tile').first().waitFor({ timeout: 15000 })
  // the count of complaints received, by unit: each number opens its complaints
  await page.locator('[data-test=tile-received] .k-label').click()
  await page.locator('[data-test=report-table] .el-table__row').first().waitFor({ timeout: 15000 })
  assert.match(await text(page.locator('[data-test=report-tiles]')), /受理量/)
  await shot(page, 'readme-reports')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('search: a word of the demo\'s complaints, found and marked in their text', async () => {
  const agent = await apiLogin('agent1')
  // the demo's word found in the most complaints, among a few of its own
  let word = null
  let best = 0
  for (const w of ['油品', '发票', '态度', '加油']) {
    const r = await apiCall('GET', '/complaints?q=' + encodeURIComponent(w), { token: agent })
    if (r.status === 200 && r.data.total > best) [word, best] = [w, r.data.total]
  }
  assert.ok(word, 'one of the words is in the demo\'s complaints')
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  const box = page.locator('#header-q')
  await box.fill(word)
  await box.press('Enter')
  await page.locator('[data-test=search-total]').waitFor({ timeout: 15000 })
  await page.locator('[data-test=row-match] mark').first().waitFor({ timeout: 15000 })
  assert.match(await text(page.locator('[data-test=search-total]')), new RegExp(`共找到 ${best} 条`))
  await shot(page, 'readme-search', { fullPage: false })
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('outbox: the demo\'s notifications waiting to be sent', async () => {
  const page = await newPage(browser.context)
  await login(page, 'admin')
  await page.goto(BASE + '/#/admin/outbox')
  await page.locator('[data-test=outbox-table]').waitFor({ timeout: 15000 })
  await pick(page, page.locator('[data-test=outbox-status]'), { value: 'all' })
  await page.locator('[data-test=outbox-table] .el-table__body tr').first().waitFor({ timeout: 15000 })
  assert.ok(await page.locator('[data-test=outbox-table] .el-table__body tr').count() >= 1)
  await shot(page, 'readme-outbox')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('ledger import: a station\'s ledger checked against its mapping, nothing written', async () => {
  const admin = await apiLogin('admin')
  const mapping = {
    key: '编号',
    fields: { received_at: '受理时间', channel: '渠道', 'customer.name': '客户姓名', 'customer.phone': '联系电话',
      subject_unit: '被投诉单位', category: '投诉类别', description: '投诉内容', closed_at: '结案时间', nature: '性质', on_time: '是否及时' },
    values: { channel: { 电话: 'phone', 来信: 'letter' }, category: { 服务态度: 'service.attitude', 服务过失: 'service.fault' },
      nature: { 有效: 'valid', 无效: 'invalid' } },
    defaults: { 'customer.class': 'ordinary' },
    formats: { received_at: '%Y/%m/%d %H:%M', closed_at: '%Y-%m-%d %H:%M' },
  }
  const saved = await apiCall('PUT', '/import-mappings/' + encodeURIComponent('浦东片区月度台账'), { token: admin, body: mapping })
  assert.equal(saved.status, 200, JSON.stringify(saved.data))
  const rows = [
    ['编号', '受理时间', '渠道', '客户姓名', '联系电话', '被投诉单位', '投诉类别', '投诉内容', '结案时间', '性质', '是否及时'],
    ['PD-2025-06-001', '2025/06/02 09:30', '电话', '王先生', '13800001001', 'SH-PD-01', '服务态度', '加油员态度生硬，不愿解释油价', '2025-06-03 17:00', '有效', '是'],
    ['PD-2025-06-002', '2025/06/05 14:10', '来信', '李女士', '13800001002', 'SH-PD-02', '服务过失', '开错发票抬头，要求重开', '2025-06-06 10:20', '有效', '是'],
    ['PD-2025-06-003', '2025/06/11 08:45', '电话', '赵先生', '13800001003', 'SH-PD-03', '服务态度', '排队时无人引导，等候过久', '2025-06-13 16:00', '无效', '是'],
    ['PD-2025-06-004', '2025/06/18 19:05', '电话', '陈女士', '13800001004', 'SH-PD-01', '服务过失', '加油后未找零', '', '', ''],
    ['PD-2025-06-005', '2025/06/35 11:00', '电话', '周先生', '13800001005', 'SH-PD-02', '服务态度', '收银员接电话不理会顾客', '', '', ''],
  ]
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-ledger-'))
  const file = path.join(dir, '浦东片区2025年6月台账.csv')
  fs.writeFileSync(file, '\ufeff' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n')
  try {
    const page = await newPage(browser.context)
    await login(page, 'admin')
    await page.goto(BASE + '/#/imports')
    await page.locator('.import-page').waitFor({ timeout: 15000 })
    await pick(page, page.locator('[data-test=import-mapping-select]'), { text: '浦东片区月度台账' })
    await page.locator('[data-test=import-key]').filter({ hasText: '编号' }).waitFor()
    await page.locator('[data-test=import-input]').setInputFiles(file)
    await page.locator('[data-test=import-filename]').waitFor()
    await page.locator('[data-test=import-check]').click()
    await page.locator('[data-test=import-result][data-dry=yes]').waitFor({ timeout: 30000 })
    await page.locator('.import-page[data-busy=no]').waitFor()
    // four rows pass; the fifth's date (June 35th) is refused, named by its column
    assert.match(await text(page.locator('[data-test=import-result]')), /受理时间/)
    await shot(page, 'readme-import')
    assert.deepEqual(page.errors, [])
    await page.close()
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('partner systems: a customer app\'s webhook among the webhooks', async () => {
  const admin = await apiLogin('admin')
  const put = await apiCall('PUT', '/webhooks/customer-app', { token: admin, body: {
    unit: 'SH', url: 'https://app.example.com/redress/events', secret: 'a long random string for the app',
    format: 'json', channel: 'app', signed: true } })
  assert.equal(put.status, 200, JSON.stringify(put.data))
  const wecom = await apiCall('PUT', '/webhooks/pd-wecom', { token: admin, body: {
    unit: 'SH-PD', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo', secret: 'another long random string',
    format: 'wecom' } })
  assert.equal(wecom.status, 200, JSON.stringify(wecom.data))
  try {
    const page = await newPage(browser.context)
    await login(page, 'admin')
    await page.goto(BASE + '/#/admin/webhooks')
    const table = page.locator('[data-test=webhook-table]')
    await table.getByText('customer-app').waitFor({ timeout: 15000 })
    await table.getByText('pd-wecom').waitFor()
    await shot(page, 'readme-webhooks')
    assert.deepEqual(page.errors, [])
    await page.close()
  } finally {
    for (const name of ['customer-app', 'pd-wecom']) await apiCall('DELETE', '/webhooks/' + name, { token: admin })
  }
})

test('phone: dispatching a demo complaint in a full-screen sheet', async () => {
  const agent = await apiLogin('agent1')
  const r = await apiCall('GET', '/complaints?status=registered&limit=1', { token: agent })
  const c = r.data.items[0]
  assert.ok(c, 'the demo has a complaint to dispatch')
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await login(page, 'agent1')
  await page.goto(`${BASE}/#/complaints/${c.id}`)
  await page.locator('.detail-page[data-busy=no]').waitFor({ timeout: 15000 })
  await page.locator('[data-test=actions] [data-action=dispatch]').click()
  const dlg = page.locator('.action-dialog:visible')
  await dlg.waitFor()
  await page.evaluate(() => Promise.allSettled(document.getAnimations().map((a) => a.finished)))
  const b = await dlg.boundingBox()
  assert.ok(b.x <= 0.5 && b.width >= 359, `the sheet spans the screen: ${JSON.stringify(b)}`)
  await shot(page, 'readme-phone-dialog', { fullPage: false })
  assert.deepEqual(page.errors, [])
  await page.close()
})
