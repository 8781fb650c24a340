// An administrator of one region administers that region only, and the
// pages say so: the user list holds its people, and the unit pickers of
// the user and token forms offer only its units.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, apiCall, apiLogin, BASE, PASSWORD } from './helpers.mjs'

let browser
const username = `pdadm${Date.now() % 1e6}`
before(async () => {
  browser = await launch()
  const r = await apiCall('POST', '/users', { token: await apiLogin('admin'),
    body: { username, name: '浦东管理员', password: PASSWORD, roles: ['admin'], unit: 'SH-PD' } })
  assert.equal(r.status, 201, JSON.stringify(r.data))
})
after(async () => { await browser.close() })

// The unit codes a picker offers once opened.
async function offered(page, input) {
  await page.locator(input).click()
  const items = page.locator('.el-select-dropdown__item:visible .code')
  await items.first().waitFor()
  const codes = await items.allInnerTexts()
  await page.keyboard.press('Escape')
  return codes
}

test('a regional administrator sees the region\'s users and picks only its units', async () => {
  const page = await newPage(browser.context)
  await login(page, username)
  await page.goto(BASE + '/#/admin/users')
  const table = page.locator('[data-test=user-table] .el-table__body')
  await table.getByText('pd01', { exact: true }).waitFor({ timeout: 15000 })
  const listed = await table.innerText()
  assert.ok(!listed.includes('mh01') && !listed.includes('agent1'), 'no one outside the region')

  await page.locator('[data-test=add-user]').click()
  const units = await offered(page, '#nu-unit')
  assert.deepEqual([...units].sort(), ['SH-PD', 'SH-PD-01', 'SH-PD-02', 'SH-PD-03'])
  await page.getByRole('dialog').getByRole('button', { name: '取消' }).click()

  await page.goto(BASE + '/#/admin/tokens')
  await page.locator('[data-test=add-token]').click()
  const tokenUnits = await offered(page, '#tk-unit')
  assert.deepEqual([...tokenUnits].sort(), ['SH-PD', 'SH-PD-01', 'SH-PD-02', 'SH-PD-03'])
  assert.deepEqual(page.errors, [])
  await page.close()
})
