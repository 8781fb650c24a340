// The language switch changes every label, Element Plus's own texts, and is remembered.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, text, BASE, chooseLanguage } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

test('switching to English relabels the back office and it is remembered', async () => {
  const page = await newPage(browser.context)
  await login(page, 'super1')
  await page.getByRole('heading', { name: '主管看板', level: 1 }).waitFor()
  await chooseLanguage(page, 'English')
  await page.getByRole('heading', { name: 'Supervisor board', level: 1 }).waitFor()
  const menu = await text(page.locator('.aside'))
  for (const s of ['Intake workbench', 'Supervisor board', 'My work orders', 'Work orders']) assert.ok(menu.includes(s), menu)
  assert.ok(!/主管看板|工单列表/.test(menu), 'no Chinese left in the menu')
  assert.equal(await page.evaluate(() => localStorage.getItem('redress.lang')), 'en')
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en')
  assert.match(await text(page.locator('[data-test=kpis]')), /Overdue/)

  // the work-order list: headers, status tags from the config, Element Plus texts
  await page.locator('[data-test="menu-/complaints"]').click()
  await page.getByRole('heading', { name: 'Work orders', level: 1 }).waitFor()
  const table = page.locator('[data-test=complaint-table]')
  await table.locator('.el-table__row').first().waitFor()
  const head = await text(table.locator('.el-table__header'))
  for (const s of ['Number', 'Status', 'Category', 'Stage deadline']) assert.ok(head.includes(s), head)
  const tags = await text(table.locator('.status-tag').first())
  assert.match(tags, /^[A-Za-z ]+$/, `status tag in English: ${tags}`)

  // a reload keeps English; Element Plus's date picker speaks English too
  await page.reload()
  await page.locator('[data-test="menu-/workbench"]').click()
  await page.getByRole('heading', { name: 'Intake workbench', level: 1 }).waitFor()
  assert.equal(await page.getByLabel('Phone').count(), 1)
  await page.locator('#f-occurred').click()
  await page.locator('.el-picker-panel:visible').getByText('Now').first().waitFor()
  await page.keyboard.press('Escape')

  await chooseLanguage(page, '中文')
  await page.getByRole('heading', { name: '受理工作台', level: 1 }).waitFor()
  assert.equal(await page.evaluate(() => localStorage.getItem('redress.lang')), 'zh-CN')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('the login page and the portal switch language too', async () => {
  const page = await newPage(browser.context)
  await page.goto(BASE + '/#/login')
  await chooseLanguage(page, 'English')
  await page.getByRole('button', { name: 'Sign in' }).waitFor()
  assert.equal(await page.getByLabel('Username').count(), 1)
  await page.goto(BASE + '/#/portal')
  await page.getByText('Make a complaint').first().waitFor()
  assert.equal(await page.getByLabel('Mobile number').count(), 1)
  await chooseLanguage(page, '中文')
  await page.getByText('我要投诉').first().waitFor()
  await page.close()
})
