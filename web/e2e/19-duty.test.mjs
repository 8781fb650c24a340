// The on-duty roster (值班表) in the browser: an administrator opens the
// Pudong region's roster on the units page, adds a shift for the region's
// supervisor, and saves it; the roster comes back from the server, and an
// overlapping second shift is refused naming its field.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, text, apiCall, apiLogin, shot, fillDateTime, choose } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const at = (dialog, id) => dialog.locator(`#${id}`)

test('an administrator keeps the region\'s on-duty roster on the units page', async () => {
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'admin')
  await page.goto(`${BASE}/#/admin/units`)
  await page.locator('[data-test=duty-SH-PD]').click()
  const dialog = page.locator('.el-dialog:visible')
  await dialog.waitFor()
  await dialog.locator('[data-test=duty-add]').click()
  await choose(page, dialog.locator('[data-test=duty-user-0]'), 'pdmgr', 'pdmgr')
  await fillDateTime(page, at(dialog, 'duty-from-0'), '2030-01-07 17:30')
  await fillDateTime(page, at(dialog, 'duty-to-0'), '2030-01-08 08:30')
  await dialog.locator('[data-test=duty-save]').click()
  const admin = await apiLogin('admin')
  let r
  for (let i = 0; i < 50; i++) {
    r = await apiCall('GET', '/units/SH-PD/duty', { token: admin })
    if (r.data.entries?.length) break
    await new Promise((res) => setTimeout(res, 200))
  }
  assert.equal(r.data.entries.length, 1, JSON.stringify(r.data))
  assert.equal(r.data.entries[0].user.username, 'pdmgr')
  assert.equal(Date.parse(r.data.entries[0].from), Date.parse('2030-01-07T17:30:00+08:00'))
  assert.equal(Date.parse(r.data.entries[0].to), Date.parse('2030-01-08T08:30:00+08:00'))

  // A second shift that overlaps the first: refused, naming it.
  await dialog.locator('[data-test=duty-add]').click()
  await fillDateTime(page, at(dialog, 'duty-from-1'), '2030-01-08 08:00')
  await fillDateTime(page, at(dialog, 'duty-to-1'), '2030-01-08 09:30')
  await dialog.locator('[data-test=duty-save]').click()
  await dialog.locator('[data-test=duty-error]').waitFor({ timeout: 10000 })
  assert.match(await text(dialog.locator('[data-test=duty-error]')), /entries\[1\]\.from/)
  await shot(page, 'duty-roster-desk')
  assert.deepEqual(page.errors, [])
  await apiCall('PUT', '/units/SH-PD/duty', { token: admin, body: { entries: [] } })
  await page.close()
})
