// Sessions in the browser: the session is an HttpOnly cookie the page's
// script cannot read, nothing secret is kept in web storage, a reload keeps
// the user signed in (the CSRF token comes back from /auth/me) and sign-out
// ends the session on the server. A user who must change the password is
// taken to the change-password page and nowhere else until it is done.
// Auditors read the audit log and filter it, and export the newest
// checkpoint of the complaint log.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { launch, newPage, login, shot, apiCall, apiLogin, BASE, pick } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

async function sessionCookie() {
  const cookies = await browser.context.cookies(BASE)
  return cookies.find((c) => c.name === 'redress_session')
}

test('sign-in sets an HttpOnly SameSite=Strict cookie; no token in web storage; reload and sign-out work', async () => {
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  const c = await sessionCookie()
  assert.ok(c, 'a session cookie')
  assert.equal(c.httpOnly, true)
  assert.equal(c.sameSite, 'Strict')
  const visible = await page.evaluate(() => ({
    cookie: document.cookie,
    storage: JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }),
  }))
  assert.ok(!visible.cookie.includes('redress_session'), 'script cannot read the session cookie')
  assert.ok(!visible.storage.includes('rd_s_'), `no session secret in web storage: ${visible.storage}`)
  assert.ok(!visible.storage.includes(c.value))

  // A reload keeps the session; a change (sign-out, a POST) still carries the CSRF token.
  await page.evaluate(() => sessionStorage.clear())
  await page.reload()
  await page.locator('.el-main .page').first().waitFor({ timeout: 15000 })
  assert.ok(!page.url().includes('#/login'), `still signed in after a reload: ${page.url()}`)
  await page.locator('[data-test=user-menu]').click()
  await page.locator('[data-test=menu-logout]').click()
  await page.waitForFunction(() => location.hash.startsWith('#/login'), null, { timeout: 15000 })
  const after = await apiCall('GET', '/auth/me', { headers: { cookie: `redress_session=${c.value}` } })
  assert.equal(after.status, 401, 'the server ended the session')
  assert.deepEqual(page.errors, [])
})

test('a new user made by the administrator must change the password first, on a page of its own', async () => {
  const username = `first${Date.now() % 1e6}`
  const adminPage = await newPage(browser.context)
  await login(adminPage, 'admin')
  await adminPage.locator('[data-test="menu-/admin/users"]').click()
  await adminPage.locator('[data-test=add-user]').click()
  await adminPage.locator('#nu-username').fill(username)
  await adminPage.locator('#nu-name').fill('新座席')
  await adminPage.locator('#nu-password').fill('initial-pass-1')
  await adminPage.locator('#nu-unit').click()
  await adminPage.keyboard.type('SH-CSC', { delay: 20 })
  await adminPage.waitForTimeout(200)
  await adminPage.keyboard.press('Enter')
  assert.ok(await adminPage.locator('[data-test=nu-must-change] input').isChecked(), 'ticked by default')
  await adminPage.getByRole('dialog').getByRole('button', { name: '保存' }).click()
  await adminPage.locator('[data-test=user-table]').getByText(username).waitFor()
  const users = await apiCall('GET', '/users', { token: await apiLogin('admin') })
  assert.equal(users.data.items.find((u) => u.username === username).must_change_password, true)
  await adminPage.close()

  const page = await newPage(browser.context)
  await page.goto(BASE + '/#/login')
  await page.locator('#login-username').fill(username)
  await page.locator('#login-password').fill('initial-pass-1')
  await page.locator('[data-test=login-submit]').click()
  await page.waitForFunction(() => location.hash.startsWith('#/password'), null, { timeout: 15000 })
  await page.locator('[data-test=password-form]').waitFor()
  await shot(page, 'forced-password-change')
  // Nowhere else to go.
  await page.goto(BASE + '/#/complaints')
  await page.waitForFunction(() => location.hash.startsWith('#/password'), null, { timeout: 15000 })
  await page.locator('#pw-old').fill('initial-pass-1')
  await page.locator('#pw-new').fill('my-own-pass-2')
  await page.locator('#pw-new2').fill('my-own-pass-2')
  await page.locator('[data-test=password-submit]').click()
  await page.waitForFunction(() => location.hash.startsWith('#/workbench'), null, { timeout: 15000 })
  await page.locator('.el-main .page').first().waitFor()
  const again = await apiCall('POST', '/auth/login', { body: { username, password: 'my-own-pass-2' } })
  assert.equal(again.status, 200)
  assert.equal(again.data.user.must_change_password, false)
  assert.deepEqual(page.errors, [])
})

test('an auditor reads the audit log and filters it by event and user', async () => {
  // Something to find: a failed sign-in of pd01.
  const bad = await apiCall('POST', '/auth/login', { body: { username: 'pd01', password: 'not-his-password' } })
  assert.equal(bad.status, 401)
  const page = await newPage(browser.context)
  await login(page, 'auditor1')
  await page.locator('[data-test="menu-/audit"]').click()
  await page.getByRole('heading', { name: '审计日志', level: 1 }).waitFor()
  const rows = page.locator('[data-test=audit-table] .el-table__body tr')
  await rows.first().waitFor()
  assert.ok(await rows.count() >= 2)
  await pick(page, page.locator('[data-test=audit-action]'), { value: 'login_failed' })
  await page.locator('[data-test=audit-search]').click()
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('[data-test=audit-table] .el-table__body tr td:nth-child(4)')]
    return cells.length > 0 && cells.every((td) => td.innerText.includes('登录失败'))
  }, null, { timeout: 15000 })
  const detail = await page.locator('[data-test=audit-table] .el-table__body').innerText()
  assert.match(detail, /pd01/)
  assert.ok(!detail.includes('not-his-password'), 'no password in the log')
  await page.locator('#audit-user').fill('auditor1')
  await pick(page, page.locator('[data-test=audit-action]'), { value: 'login' })
  await page.locator('[data-test=audit-search]').click()
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-test=audit-table] .el-table__body tr')]
    return rows.length > 0 && rows.every((tr) => tr.innerText.includes('auditor1'))
  }, null, { timeout: 15000 })
  await shot(page, 'audit-log')

  // The same page in English (then back, the choice is remembered).
  const chooseLanguage = async (label) => {
    await page.locator('[data-test=lang-switch]').first().click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: label }).click()
  }
  await chooseLanguage('English')
  await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor()
  const table = await page.locator('[data-test=audit-table]').innerText()
  assert.match(table, /Sign-in/)
  assert.match(table, /Event/)
  assert.ok(!/登录|事件/.test(table), 'no Chinese left in the table')
  await chooseLanguage('中文')
  await page.getByRole('heading', { name: '审计日志', level: 1 }).waitFor()
  assert.deepEqual(page.errors, [])
})

test('an auditor exports the newest checkpoint of the complaint log from the audit page', async () => {
  const page = await newPage(browser.context)
  await login(page, 'auditor1')
  await page.locator('[data-test="menu-/audit"]').click()
  await page.getByRole('heading', { name: '审计日志', level: 1 }).waitFor()
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-test=audit-checkpoint]').click(),
  ])
  assert.match(download.suggestedFilename(), /^redress-checkpoint-\d+\.json$/)
  const cp = JSON.parse(fs.readFileSync(await download.path(), 'utf8'))
  const newest = await apiCall('GET', '/checkpoints?limit=1', { token: await apiLogin('auditor1') })
  assert.equal(newest.status, 200)
  assert.deepEqual(cp, newest.data.items[0], 'the file is what `redress verify --against` reads')
  assert.deepEqual(page.errors, [])
})

test('the audit page is not offered to agents and the route sends them home', async () => {
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  assert.equal(await page.locator('[data-test="menu-/audit"]').count(), 0)
  await page.goto(BASE + '/#/audit')
  await page.waitForFunction(() => !location.hash.startsWith('#/audit'), null, { timeout: 15000 })
})

test('an administrator makes an API token limited to a role, sees the secret once, and revokes it', async () => {
  const page = await newPage(browser.context)
  await login(page, 'admin')
  await page.locator('[data-test="menu-/admin/tokens"]').click()
  await page.getByRole('heading', { name: 'API 令牌', level: 1 }).waitFor()
  const name = `crm-${Date.now() % 1e6}`
  await page.locator('[data-test=add-token]').click()
  await page.locator('#tk-name').fill(name)
  await pick(page, page.locator('#tk-user'), { text: '(agent1)' })
  await pick(page, page.locator('[data-test=tk-roles]'), { text: '座席员' })
  await page.locator('.el-dialog__title:visible').filter({ hasText: '新建 API 令牌' }).click()
  await page.locator('[data-test=token-save]').click()
  const secretBox = page.locator('input[data-test=token-secret]')
  await secretBox.waitFor()
  const secret = await secretBox.inputValue()
  assert.match(secret, /^rd_t_/)
  const me = await apiCall('GET', '/auth/me', { token: secret })
  assert.equal(me.status, 200)
  assert.deepEqual(me.data.roles, ['agent'])
  await page.getByRole('button', { name: '已复制' }).click()
  const row = page.locator('[data-test=token-table] .el-table__body tr').filter({ hasText: name })
  await row.waitFor()
  assert.ok(!(await page.locator('[data-test=token-table]').innerText()).includes(secret.slice(5)), 'the list never shows the secret')
  await page.locator(`[data-test="revoke-${name}"]`).click()
  await page.locator('.el-message-box__btns .el-button--primary').click()
  await row.waitFor({ state: 'detached' })
  assert.equal((await apiCall('GET', '/auth/me', { token: secret })).status, 401)
  assert.deepEqual(page.errors, [])
})
