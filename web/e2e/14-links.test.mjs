// Linking complaints on the complaint page: the agent names the other
// complaint by its number; both pages show the link, each its own way.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, text, handlingComplaint, pick } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

test('an agent marks a complaint as a duplicate of another; the other shows it', async () => {
  const a = await handlingComplaint({ handler: null })
  const b = await handlingComplaint({ handler: null })
  const page = await newPage(browser.context, { width: 390, height: 844 })
  await login(page, 'agent1')
  await page.goto(`${BASE}/#/complaints/${a.id}`)
  await page.locator('.detail-page[data-busy=no]').waitFor()
  await page.locator('[data-test=link-to]').fill(b.number)
  await pick(page, page.locator('[data-test=link-kind]'), { value: 'duplicate' })
  await page.locator('[data-test=link-add]').click()
  await page.locator('[data-block=links] [data-link=duplicate]').waitFor()
  assert.match(await text(page.locator('[data-block=links]')), new RegExp(`重复（以对方为主） ${b.number}`))
  await page.locator('[data-block=links] a', { hasText: b.number }).click()
  await page.locator('[data-block=links] [data-link=duplicated_by]').waitFor()
  assert.match(await text(page.locator('[data-block=links]')), new RegExp(a.number))
  assert.deepEqual(page.errors, [])
  await page.close()
})
