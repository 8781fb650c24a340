// Each demo role signs in and lands on the screen made for them.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, shot, text, BASE } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

test('login page explains itself and rejects a wrong password', async () => {
  const page = await newPage(browser.context)
  await page.goto(BASE + '/#/login')
  await page.getByRole('heading', { name: 'Redress 投诉工单系统' }).waitFor()
  assert.equal(await page.getByLabel('用户名').count(), 1)
  assert.equal(await page.getByLabel('密码', { exact: true }).count(), 1)
  await shot(page, 'login')
  await page.locator('#login-username').fill('agent1')
  await page.locator('#login-password').fill('wrong-password')
  await page.locator('[data-test=login-submit]').click()
  await page.getByRole('alert').filter({ hasText: '用户名或密码不正确' }).waitFor()
  assert.match(page.url(), /#\/login/)
  assert.deepEqual(page.errors, [])
  await page.close()
})

const homes = [
  { user: 'agent1', heading: '受理工作台', hash: '#/workbench', menu: ['受理工作台', '我的工单', '工单列表'] },
  { user: 'super1', heading: '主管看板', hash: '#/board', menu: ['受理工作台', '主管看板', '用户', '工作日历'] },
  { user: 'pd01', heading: '我的工单', hash: '#/mine', menu: ['我的工单', '工单列表'] },
  { user: 'manager1', heading: '主管看板', hash: '#/board', menu: ['主管看板'] },
  { user: 'auditor1', heading: '工单列表', hash: '#/complaints', menu: ['工单列表'] },
  { user: 'admin', heading: '组织单位', hash: '#/admin/units', menu: ['组织单位', '用户', '工作日历', '配置'] },
]

for (const h of homes) {
  test(`${h.user} lands on ${h.heading}`, async () => {
    const page = await newPage(browser.context)
    await login(page, h.user)
    await page.getByRole('heading', { name: h.heading, level: 1 }).waitFor()
    assert.ok(page.url().endsWith(h.hash), `${h.user} is at ${page.url()}`)
    const menu = await text(page.locator('.aside'))
    for (const m of h.menu) assert.ok(menu.includes(m), `menu of ${h.user} has ${m}: ${menu}`)
    // the header names the user and their unit
    const who = await text(page.locator('[data-test=user-menu]'))
    assert.ok(who.length > 1, 'user shown in header')
    if (h.user === 'agent1') {
      assert.ok(!menu.includes('主管看板'), 'agents have no supervisor board')
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-phone', 'the phone field has the focus')
      await shot(page, 'workbench')
    }
    if (h.user === 'super1') {
      await page.locator('[data-test=kpi-open]').filter({ hasText: /\d/ }).waitFor()
      await page.locator('[data-test=chart-days] canvas').waitFor()
      await page.locator('[data-test=chart-status] canvas').waitFor()
      assert.match(await text(page.locator('[data-test=queue]')), /待派单队列/)
      await page.waitForTimeout(600)
      await shot(page, 'supervisor-board')
    }
    if (h.user === 'pd01') {
      await page.locator('[data-test=complaint-table]').waitFor()
      await shot(page, 'my-work-orders')
    }
    if (h.user === 'admin') {
      const units = await text(page.locator('[data-test=unit-table]'))
      assert.ok(units.includes('SH-PD-01'), 'unit tree lists the stations')
      await shot(page, 'admin-units')
      await page.locator('[data-test="menu-/admin/users"]').click()
      await page.getByRole('heading', { name: '用户', level: 1 }).waitFor()
      await page.locator('[data-test=user-table]').getByText('agent1', { exact: true }).waitFor()
      const users = await text(page.locator('[data-test=user-table]'))
      for (const u of ['agent1', 'super1', 'pd01', 'manager1', 'auditor1']) assert.ok(users.includes(u), `users list has ${u}`)
      assert.ok(users.includes('座席员') && users.includes('处理人'), 'roles shown in Chinese')
      await shot(page, 'admin-users')
      await page.locator('[data-test="menu-/admin/config"]').click()
      await page.getByRole('heading', { name: '配置', level: 1 }).waitFor()
      const cfg = await text(page.locator('.page'))
      assert.ok(cfg.includes('受理渠道') && cfg.includes('时限'), 'config shows channels and time limits')
      await shot(page, 'admin-config')
    }
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}

test('admin adds a unit and a user', async () => {
  const page = await newPage(browser.context)
  await login(page, 'admin')
  const code = 'E2E-' + String(Date.now()).slice(-6)
  await page.locator('[data-test=add-unit]').click()
  await page.locator('#u-code').fill(code)
  await page.locator('#u-name').fill('测试加油站' + code.slice(-3))
  await page.locator('#u-parent').click()
  await page.keyboard.type('SH-PD', { delay: 20 })
  await page.waitForTimeout(200)
  await page.keyboard.press('Enter')
  await page.getByRole('dialog').getByRole('button', { name: '保存' }).click()
  await page.locator('[data-test=unit-table]').getByText(code).waitFor()

  await page.locator('[data-test="menu-/admin/users"]').click()
  await page.locator('[data-test=add-user]').click()
  const username = 'e2e' + String(Date.now()).slice(-6)
  await page.locator('#nu-username').fill(username)
  await page.locator('#nu-name').fill('测试用户')
  await page.locator('#nu-password').fill('Redress-e2e-2026')
  await page.locator('#nu-unit').click()
  await page.keyboard.type(code, { delay: 20 })
  await page.waitForTimeout(200)
  await page.keyboard.press('Enter')
  await page.getByRole('dialog').getByRole('button', { name: '保存' }).click()
  await page.locator('[data-test=user-table]').getByText(username).waitFor()
  assert.deepEqual(page.errors, [])
  await page.close()
})
