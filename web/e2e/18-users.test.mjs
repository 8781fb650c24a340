// Changing a user on the users page: an administrator renames a user and
// changes their roles and home unit in the edit dialog, is told first that
// the user will be signed out, and sees the change in the list; the user's
// open session has ended. A refusal of the API (an administrator taking away
// their own admin role) is shown beside its field and changes nothing. In
// Chinese at a desk and in English on a phone.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, text, shot, apiCall, apiLogin, useLanguage } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const DESK = { width: 1366, height: 860 }
const PHONE = { width: 360, height: 740 }
const PW = 'Kx7#pl2!vQ9m'
const run = Date.now().toString(36)
const box = (page) => page.locator('.el-message-box:visible')
const dialog = (page) => page.locator('.el-dialog:visible')

/** Clicks the options labelled labels of the open dropdown of select (a multiple select: each toggles). */
async function toggle(page, select, labels) {
  await select.click()
  for (const label of labels) {
    const opt = page.locator('.el-select-dropdown__item:visible').getByText(label, { exact: true })
    await opt.click()
  }
  await dialog(page).locator('.el-dialog__title').click() // closes the dropdown, not the dialog
}

async function userNow(id) {
  return (await apiCall('GET', '/users', { token: await apiLogin('admin') })).data.items.find((u) => u.id === id)
}

for (const v of [
  { lang: 'zh', size: DESK, supervisor: '主管', handler: '处理人', ok: '确定', saved: '已保存', ask: /将立即失效/ },
  { lang: 'en', size: PHONE, supervisor: 'Supervisor', handler: 'Handler', ok: 'OK', saved: 'Saved', ask: /signed out at once/ },
]) {
  test(`an administrator renames a user and changes their roles and unit (${v.lang}, ${v.size.width}px)`, async () => {
    const username = `ue${v.lang}${run}`
    const made = await apiCall('POST', '/users', { token: await apiLogin('admin'), body: {
      username, name: '编辑测试员', password: PW, roles: ['handler'], unit: 'SH-PD-01' } })
    assert.equal(made.status, 201, JSON.stringify(made.data))
    const session = await apiLogin(username, PW)

    const page = await newPage(browser.context, v.size)
    await login(page, 'admin')
    await page.goto(BASE + '/#/admin/users')
    await useLanguage(page, v.lang)
    await page.locator(`[data-test="edit-${username}"]`).click()
    await dialog(page).waitFor()
    assert.ok((await text(dialog(page).locator('.el-dialog__title'))).includes(username))
    const newName = v.lang === 'zh' ? '张晓明' : 'Zhang Xiaoming'
    await page.locator('#ue-name').fill(newName)
    await toggle(page, page.locator('[data-test=ue-roles]'), [v.supervisor, v.handler])
    const unitSelect = page.locator('[data-test=ue-unit]')
    await unitSelect.click()
    await page.keyboard.type('SH-PD-02')
    const opt = page.locator('.el-select-dropdown__item:visible', { hasText: 'SH-PD-02' }).first()
    await opt.click()
    await opt.waitFor({ state: 'hidden' })
    await page.locator('[data-test=ue-hint]').waitFor() // the dialog says the user will be signed out
    await page.locator('[data-test=ue-save]').click()
    await box(page).waitFor()
    assert.match(await text(box(page)), v.ask)
    await shot(page, `admin-user-edit-${v.lang}`)
    await box(page).getByRole('button', { name: v.ok }).click()
    await page.locator('.el-message', { hasText: v.saved }).last().waitFor()
    await dialog(page).waitFor({ state: 'hidden' })

    const row = page.locator('[data-test=user-table] tr', { hasText: username })
    await row.getByText(newName).waitFor()
    await row.getByText(v.supervisor, { exact: true }).waitFor()
    assert.equal(await row.getByText(v.handler, { exact: true }).count(), 0)
    const now = await userNow(made.data.id)
    assert.equal(now.name, newName)
    assert.deepEqual(now.roles, ['supervisor'])
    assert.equal(now.unit.code, 'SH-PD-02')
    assert.ok((await text(row)).includes(v.lang === 'zh' ? now.unit.name : now.unit.name_en || now.unit.name))
    assert.equal((await apiCall('GET', '/auth/me', { token: session })).status, 401, 'the user was signed out')
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}

test('the API\'s refusal is shown beside its field: an administrator keeps their own admin role', async () => {
  const page = await newPage(browser.context, DESK)
  await login(page, 'admin')
  await page.goto(BASE + '/#/admin/users')
  await useLanguage(page, 'zh')
  await page.locator('[data-test="edit-admin"]').click()
  await dialog(page).waitFor()
  await toggle(page, page.locator('[data-test=ue-roles]'), ['管理员', '质检'])
  await page.locator('[data-test=ue-save]').click()
  await box(page).getByRole('button', { name: '确定' }).click()
  const err = dialog(page).locator('.el-form-item', { has: page.locator('#ue-roles') }).locator('.el-form-item__error')
  await err.waitFor()
  assert.match(await text(err), /不能移除自己的管理员角色/)
  await page.locator('#ue-name').fill('')
  await page.locator('[data-test=ue-save]').click()
  await dialog(page).locator('.el-form-item', { has: page.locator('#ue-name') }).locator('.el-form-item__error').waitFor()
  const me = await userNow((await apiCall('GET', '/auth/me', { token: await apiLogin('admin') })).data.id)
  assert.ok(me.roles.includes('admin'), 'nothing changed')
  assert.ok(!me.roles.includes('auditor'))
  assert.deepEqual(page.errors, [])
  await page.close()
})
