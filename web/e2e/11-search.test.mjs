// Search from the header: an agent finds a complaint taken in Chinese by a
// two-character word of its description and by the last four digits of the
// caller's phone; the list keeps the query in its URL, shows the total and
// highlights the word; the export buttons save the list. At phone width too.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { launch, newPage, login, shot, text, apiCall, apiLogin, freshPhone, BASE } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

// Two CJK characters at random: a word no other complaint of the run has.
const word = String.fromCodePoint(0x5000 + Math.floor(Math.random() * 0x3000)) +
  String.fromCodePoint(0x5000 + Math.floor(Math.random() * 0x3000))
const phone = freshPhone()
let made = null

test('setup: a complaint taken in Chinese', async () => {
  const token = await apiLogin('agent1')
  const r = await apiCall('POST', '/complaints', {
    token,
    body: {
      channel: 'phone', customer: { name: '赵女士', phone, class: 'ordinary' }, subject_unit: 'SH-PD-01',
      category: 'quality.fuel', place: '2号加油机', description: `加油后车辆抖动，怀疑${word}有问题，要求检测。`,
      demand: '要求检测并赔偿', level: 2,
    },
  })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  made = r.data
})

// The word as the index folds it (Traditional to Simplified: a random
// character may be a Traditional one), which the highlight marks.
async function folded() {
  const r = await apiCall('GET', `/complaints?q=${encodeURIComponent(word)}`, { token: await apiLogin('agent1') })
  return r.data.items[0].match.words[0]
}

async function searchFromHeader(page, q) {
  const box = page.locator('#header-q')
  await box.fill(q)
  await box.press('Enter')
  await page.waitForFunction((want) => decodeURIComponent(location.hash).includes(`q=${want}`), q, { timeout: 15000 })
  await page.locator('[data-test=search-total]').waitFor({ timeout: 15000 })
}

test('agent1 finds it by a two-character word and by the last four digits of the phone', async () => {
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  await searchFromHeader(page, word)
  const table = page.locator('[data-test=complaint-table]')
  await table.getByText(made.number).waitFor({ timeout: 15000 })
  assert.match(await text(page.locator('[data-test=search-total]')), /共找到 1 条/)
  assert.equal(await page.locator('[data-test=row-match] mark').first().innerText(), await folded(), 'the word is highlighted')
  await shot(page, 'search-word')
  // The query is in the URL: reloading shows the same search.
  await page.reload()
  await table.getByText(made.number).waitFor({ timeout: 15000 })

  // The export buttons save what the list shows, every page.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=list-export-csv]').click()])
  assert.equal(dl.suggestedFilename(), 'complaints.csv')
  const csv = fs.readFileSync(await dl.path(), 'utf8')
  assert.ok(csv.includes(made.number), 'the found complaint is in the file')
  assert.ok(!csv.includes(phone), 'its phone masked')

  await searchFromHeader(page, phone.slice(-4))
  await table.getByText(made.number).waitFor({ timeout: 15000 })
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('at phone width the search box is in the header and results are cards', async () => {
  const page = await newPage(browser.context, { width: 390, height: 844 })
  await login(page, 'agent1')
  await searchFromHeader(page, word)
  const card = page.locator('[data-test=complaint-card]', { hasText: made.number })
  await card.waitFor({ timeout: 15000 })
  assert.equal(await card.locator('[data-test=card-match] mark').first().innerText(), await folded())
  await shot(page, 'search-phone')
  assert.deepEqual(page.errors, [])
  await page.close()
})
