// 台账导入 in the browser: a supervisor picks a saved mapping (saved here
// through the API), uploads a station's CSV ledger with good rows and bad
// ones, checks it — the refused rows by row and column, paginated, and
// downloaded as CSV — then imports it: the counts are shown and the
// imported complaints are found in the complaint list. At a desk and on a
// phone, in Chinese and English; a file dropped on the page, an import
// without a check asks first, and the API's refusal is shown; a mapping
// saved from the page, the member the server refuses named.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BASE, launch, newPage, login, shot, text, apiCall, apiLogin, chooseLanguage, pick } from './helpers.mjs'

const MAPPING_NAME = 'e2e-加油站台账'
const MAPPING = {
  key: '编号',
  fields: {
    received_at: '受理时间', channel: '渠道', 'customer.name': '客户姓名', 'customer.phone': '联系电话',
    subject_unit: '被投诉单位', category: '投诉类别', description: '投诉内容', closed_at: '结案时间', nature: '性质', on_time: '是否及时',
  },
  values: {
    channel: { 电话: 'phone', 来信: 'letter' },
    category: { 服务态度: 'service.attitude', 服务过失: 'service.fault' },
    nature: { 有效: 'valid', 无效: 'invalid' },
  },
  defaults: { 'customer.class': 'ordinary' },
  formats: { received_at: '%Y/%m/%d %H:%M', closed_at: '%Y-%m-%d %H:%M' },
}
const HEADER = ['编号', '受理时间', '渠道', '客户姓名', '联系电话', '被投诉单位', '投诉类别', '投诉内容', '结案时间', '性质', '是否及时']
// The ways a row goes wrong, each with the column the page must name.
const FAULTS = [
  ['受理时间', (c) => { c[1] = '2025/13/45 10:00' }],
  ['渠道', (c) => { c[2] = '信鸽' }],
  ['被投诉单位', (c) => { c[5] = 'NO-SUCH-UNIT' }],
]

let browser
let dir
before(async () => {
  browser = await launch()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-ledger-'))
  const r = await apiCall('PUT', '/import-mappings/' + encodeURIComponent(MAPPING_NAME), { token: await apiLogin('admin'), body: MAPPING })
  if (r.status !== 200) throw new Error('mapping: ' + JSON.stringify(r.data))
})
after(async () => {
  await browser.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const csvCell = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)
/**
 * A ledger of `good` rows and `bad` broken ones (every fourth row from the
 * second, then the rest at the end), its keys and a word in every
 * description unique to this run, written as CSV with a BOM. Returns the
 * file and the refused rows as {row, column} (the header is row 1).
 */
function ledger(tag, { good, bad }) {
  const run = tag + Date.now().toString(36)
  const rows = []
  const refused = []
  for (let i = 0; i < good + bad; i++) {
    const day = String(1 + (i % 27)).padStart(2, '0')
    const closed = i % 2 === 0
    const cells = [`${run}-${String(i + 1).padStart(3, '0')}`, `2025/06/${day} 09:30`, i % 3 ? '电话' : '来信', `客户${i + 1}`,
      `1380000${String(i).padStart(4, '0')}`, 'SH-PD-01', i % 2 ? '服务过失' : '服务态度', `台账 ${run} 第${i + 1}条：加油员态度生硬, "要求道歉"`,
      closed ? `2025-06-${day} 17:00` : '', closed ? '有效' : '', closed ? '是' : '']
    const broken = refused.length < bad && (i % 4 === 1 || good + bad - i <= bad - refused.length)
    if (broken) {
      const [column, spoil] = FAULTS[refused.length % FAULTS.length]
      spoil(cells)
      refused.push({ row: i + 2, column })
    }
    rows.push(cells)
  }
  const file = path.join(dir, `${run}.csv`)
  fs.writeFileSync(file, '\ufeff' + [HEADER, ...rows].map((cs) => cs.map(csvCell).join(',')).join('\r\n') + '\r\n')
  return { file, name: `${run}.csv`, run, refused, good }
}

async function openPage(page, narrow) {
  if (narrow) {
    await page.locator('.burger').click()
    await page.locator('.menu-drawer [data-test="menu-/imports"]').click()
  } else {
    await page.locator('[data-test="menu-/imports"]').click()
  }
  await page.locator('.import-page').waitFor()
}

async function chooseMapping(page) {
  await pick(page, page.locator('[data-test=import-mapping-select]'), { text: MAPPING_NAME })
  await page.locator('[data-test=import-key]').filter({ hasText: '编号' }).waitFor()
}

/** Runs the check or the import and waits for its result. */
async function run(page, button, dry) {
  await page.locator(`[data-test=${button}]`).click()
  await page.locator(`[data-test=import-result][data-dry=${dry ? 'yes' : 'no'}]`).waitFor({ timeout: 30000 })
  await page.locator('.import-page[data-busy=no]').waitFor()
}

/** The rows of the problem table as [row, column] pairs, page by page. */
async function listedProblems(page) {
  const out = []
  const pager = page.locator('[data-test=import-pager]')
  const pages = (await pager.count()) ? Number(await pager.locator('.number').last().innerText()) : 1
  for (let p = 1; p <= pages; p++) {
    if (p > 1) {
      await pager.locator('.btn-next').click()
      await pager.locator('.number.is-active').filter({ hasText: String(p) }).waitFor()
    }
    for (const tr of await page.locator('[data-test=import-problems] .el-table__body tr').all()) {
      const cells = await tr.locator('td').allInnerTexts()
      out.push([Number(cells[0].trim()), cells[1].trim()])
    }
  }
  return out
}

async function counts(page) {
  const n = async (k) => Number(await text(page.locator(`[data-test=import-${k}]`)))
  return { rows: await n('rows'), imported: await n('imported'), skipped: await n('skipped'), failed: await n('failed') }
}

/** The complaint list, searched by the run's word: as many as were imported, in every status. */
async function findInList(page, l, narrow) {
  await page.locator('#header-q').fill(l.run)
  await page.locator('#header-q').press('Enter')
  await page.locator('.list-page').waitFor()
  const api = await apiCall('GET', '/complaints?q=' + encodeURIComponent(l.run) + '&limit=100', { token: await apiLogin('super1') })
  assert.equal(api.data.items.length, l.good, 'the API finds every imported complaint')
  const rows = page.locator(narrow ? '[data-test=complaint-card]' : '[data-test=complaint-table] a.num')
  await rows.nth(l.good - 1).waitFor()
  assert.equal(await rows.count(), l.good)
  const shown = await rows.allInnerTexts()
  for (const c of api.data.items) assert.ok(shown.some((s) => s.includes(c.number)), `${c.number} is listed`)
}

for (const v of [
  { lang: 'zh-CN', size: 'desk', width: 1366, height: 860, good: 7, bad: 23 },
  { lang: 'en', size: 'phone', width: 360, height: 740, good: 5, bad: 4 },
]) {
  test(`${v.lang}, ${v.size}: the check lists the refused rows and downloads them; the import counts; the list finds them`, async () => {
    const l = ledger(v.size === 'desk' ? 'TZD' : 'TZP', v)
    const narrow = v.width < 768
    const page = await newPage(browser.context, { width: v.width, height: v.height })
    await login(page, 'super1')
    // the language stays from one test to the next: each says its own
    await chooseLanguage(page, v.lang === 'en' ? 'English' : '中文')
    await openPage(page, narrow)
    const h1 = await text(page.locator('h1'))
    assert.equal(h1, v.lang === 'en' ? 'Ledger import' : '台账导入')
    await chooseMapping(page)
    const cols = await text(page.locator('[data-test=import-columns]'))
    for (const c of ['受理时间', '被投诉单位', '结案时间']) assert.ok(cols.includes(c), `the mapping's columns are shown: ${cols}`)
    await page.locator('[data-test=import-columns] summary').click()
    assert.deepEqual(JSON.parse(await page.locator('[data-test=import-json]').innerText()), MAPPING)

    await page.locator('[data-test=import-input]').setInputFiles(l.file)
    await page.locator('[data-test=import-filename]').filter({ hasText: l.name }).waitFor()
    await run(page, 'import-check', true)
    assert.deepEqual(await counts(page), { rows: l.good + v.bad, imported: l.good, skipped: 0, failed: v.bad })
    assert.equal(await page.locator('[data-test=import-progress] [role=progressbar]').getAttribute('aria-valuenow'), '100', 'the bar is full')
    assert.equal(await page.locator('[data-test=import-checked]').count(), 1, 'the file is marked as checked')
    if (narrow) {
      const wide = await page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(wide <= v.width + 1, `no sideways scrolling: ${wide}`)
    }
    await shot(page, `import-check-${v.size}`)
    const listed = await listedProblems(page)
    assert.deepEqual(listed, l.refused.map((p) => [p.row, p.column]), 'every refused row, by row and column')
    assert.ok(v.bad <= 20 || (await page.locator('[data-test=import-pager]').count()) === 1, 'more than a page is paginated')

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=import-download]').click()])
    assert.equal(download.suggestedFilename(), `${l.run}-problems.csv`)
    const csv = fs.readFileSync(await download.path(), 'utf8')
    assert.ok(csv.startsWith('\ufeff行 row,列 column,原因 reason\r\n'), csv.slice(0, 60))
    const lines = csv.slice(1).trim().split('\r\n').slice(1)
    assert.equal(lines.length, v.bad)
    assert.deepEqual(lines.map((s) => s.split(',').slice(0, 2)), l.refused.map((p) => [String(p.row), p.column]))
    const none = await apiCall('GET', '/complaints?q=' + encodeURIComponent(l.run), { token: await apiLogin('super1') })
    assert.equal(none.data.items.length, 0, 'a check stores nothing')

    // Checked: the import goes without asking.
    await run(page, 'import-go', false)
    assert.deepEqual(await counts(page), { rows: l.good + v.bad, imported: l.good, skipped: 0, failed: v.bad })
    assert.match(await text(page.locator('[data-test=import-summary]')),
      v.lang === 'en' ? new RegExp(`${l.good} imported`) : new RegExp(`已导入 ${l.good} 行`))
    await shot(page, `import-done-${v.size}`)

    await findInList(page, l, narrow)
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}

test('zh-CN, phone: a file without the mapping\'s columns is refused, naming the column; agents have no import page', async () => {
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await login(page, 'super1')
  await chooseLanguage(page, '中文')
  await openPage(page, true)
  await chooseMapping(page)
  const file = path.join(dir, 'wrong-header.csv')
  fs.writeFileSync(file, '序号,日期\r\n1,2025/06/01\r\n')
  await page.locator('[data-test=import-input]').setInputFiles(file)
  await page.locator('[data-test=import-check]').click()
  const err = page.locator('[data-test=import-error]')
  await err.waitFor()
  const msg = await text(err)
  assert.match(msg, /检查失败/)
  assert.match(msg, /出错的项：编号/)
  assert.equal(await page.locator('[data-test=import-result]').count(), 0)
  assert.deepEqual(page.errors, [])
  await page.close()

  const agent = await newPage(browser.context, { width: 360, height: 740 })
  await login(agent, 'agent1')
  await agent.goto(BASE + '/#/imports')
  await agent.waitForFunction(() => !location.hash.startsWith('#/imports'))
  await agent.locator('.burger').click()
  await agent.locator('[data-test="menu-/complaints"]').waitFor()
  assert.equal(await agent.locator('[data-test="menu-/imports"]').count(), 0, 'no menu entry for an agent')
  await agent.close()
})

test('en, desk: a dropped file; importing it unchecked asks first, then imports', async () => {
  const l = ledger('TZX', { good: 3, bad: 1 })
  const page = await newPage(browser.context, { width: 1366, height: 860 })
  await login(page, 'super1')
  await chooseLanguage(page, 'English')
  await openPage(page, false)
  await chooseMapping(page)
  // a drop of the file on the file card, as a file manager does it
  const bytes = fs.readFileSync(l.file).toString('base64')
  await page.locator('[data-test=import-file]').evaluate((el, { name, bytes }) => {
    const dt = new DataTransfer()
    dt.items.add(new File([Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0))], name, { type: 'text/csv' }))
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }))
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
  }, { name: l.name, bytes })
  await page.locator('[data-test=import-filename]').filter({ hasText: l.name }).waitFor()
  assert.equal(await page.locator('[data-test=import-checked]').count(), 0)

  await page.locator('[data-test=import-go]').click()
  const box = page.locator('.el-message-box:visible')
  await box.waitFor()
  assert.match(await text(box), /has not been checked/)
  await box.getByRole('button', { name: 'Cancel' }).click()
  await box.waitFor({ state: 'hidden' })
  assert.equal(await page.locator('[data-test=import-result]').count(), 0, 'cancelled: nothing ran')

  await page.locator('[data-test=import-go]').click()
  await box.waitFor()
  await box.getByRole('button', { name: 'Import now' }).click()
  await page.locator('[data-test=import-result][data-dry=no]').waitFor({ timeout: 30000 })
  assert.deepEqual(await counts(page), { rows: 4, imported: 3, skipped: 0, failed: 1 })
  assert.match(await text(page.locator('[data-test=import-summary]')), /Import done: of 4 rows, 3 imported, 0 skipped, 1 refused/)

  // The same file again adds nothing: every key was imported before.
  await page.locator('[data-test=import-check]').click()
  await page.locator('[data-test=import-result][data-dry=yes]').waitFor({ timeout: 30000 })
  assert.deepEqual(await counts(page), { rows: 4, imported: 0, skipped: 3, failed: 1 })
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('zh-CN, desk: a mapping saved from the page — the member the server refuses is named; the saved one is chosen', async () => {
  const name = 'e2e-映射-' + Date.now().toString(36)
  const page = await newPage(browser.context, { width: 1366, height: 860 })
  await login(page, 'super1')
  await chooseLanguage(page, '中文')
  await openPage(page, false)
  await page.locator('[data-test=mapping-new]').click()
  const dlg = page.locator('.mapping-editor:visible')
  await dlg.waitFor()
  const example = JSON.parse(await dlg.locator('[data-test=mapping-json]').inputValue())
  assert.equal(example.key, '编号', 'a new mapping starts from the documented example')
  await dlg.locator('[data-test=mapping-name]').fill(name)
  const wrong = { ...MAPPING, fields: { ...MAPPING.fields, 'customer.nmae': '客户姓名' } }
  await dlg.locator('[data-test=mapping-json]').fill(JSON.stringify(wrong, null, 2))
  await dlg.locator('[data-test=mapping-save]').click()
  await dlg.locator('.el-form-item__error').filter({ hasText: 'fields.customer.nmae' }).waitFor()
  await dlg.locator('[data-test=mapping-json]').fill('{"key": ')
  await dlg.locator('[data-test=mapping-save]').click()
  await dlg.locator('.el-form-item__error').filter({ hasText: '不是有效的 JSON' }).waitFor()

  await dlg.locator('[data-test=mapping-json]').fill(JSON.stringify(MAPPING, null, 2))
  await dlg.locator('[data-test=mapping-save]').click()
  await dlg.waitFor({ state: 'hidden' })
  await page.locator('[data-test=import-mapping-select]').filter({ hasText: name }).waitFor()
  await page.locator('[data-test=import-key]').filter({ hasText: '编号' }).waitFor()
  const saved = await apiCall('GET', '/import-mappings/' + encodeURIComponent(name), { token: await apiLogin('admin') })
  assert.equal(saved.status, 200)
  assert.deepEqual(saved.data.mapping, MAPPING)

  // Editing starts from the chosen one, under its name.
  await page.locator('[data-test=mapping-edit]').click()
  await dlg.waitFor()
  assert.equal(await dlg.locator('[data-test=mapping-name]').inputValue(), name)
  assert.deepEqual(JSON.parse(await dlg.locator('[data-test=mapping-json]').inputValue()), MAPPING)
  await dlg.getByRole('button', { name: '取消' }).click()
  await dlg.waitFor({ state: 'hidden' })
  assert.deepEqual(page.errors, [])
  await page.close()
})
