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

// The codes of SH-PD and every unit below it, sorted, from the whole tree —
// other browser tests may have added stations to the region meanwhile.
async function region() {
  const r = await apiCall('GET', '/units', { token: await apiLogin('admin') })
  const byId = new Map(r.data.items.map((u) => [u.id, u]))
  const within = (u) => u && (u.code === 'SH-PD' || within(byId.get(u.parent)))
  return r.data.items.filter(within).map((u) => u.code).sort()
}

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
  const expected = await region()
  assert.ok(['SH-PD', 'SH-PD-01', 'SH-PD-02', 'SH-PD-03'].every((c) => expected.includes(c)))
  assert.deepEqual([...units].sort(), expected)
  await page.getByRole('dialog').getByRole('button', { name: '取消' }).click()

  await page.goto(BASE + '/#/admin/tokens')
  await page.locator('[data-test=add-token]').click()
  const tokenUnits = await offered(page, '#tk-unit')
  assert.deepEqual([...tokenUnits].sort(), expected)
  assert.deepEqual(page.errors, [])
  await page.close()
})
