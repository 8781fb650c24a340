// The UI on a phone (issue #24): at 360 × 740 every dialog is a full-screen
// sheet whose ✕, 取消 and 提交 are on the screen without sideways scrolling,
// what one taps is at least 44 px each way, the revealed customer phone is a
// tel: link, and an unknown portal address stays on the portal. The same
// pages at 1440 × 900 keep their desk layout (a centred dialog).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, apiCall, apiLogin, freshPhone, chooseLanguage, BASE, shot } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const PHONE = { width: 360, height: 740 }
const DESK = { width: 1440, height: 900 }

async function registered(phone = freshPhone()) {
  const r = await apiCall('POST', '/complaints', {
    token: await apiLogin('agent1'),
    body: { channel: 'phone', customer: { name: '测试客户', phone }, subject_unit: 'SH-PD-01', category: 'service.attitude',
      description: '加油员态度生硬。' },
  })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  return { ...r.data, phone }
}

/** The box of the element, and whether it lies inside the viewport. */
async function box(loc) {
  const b = await loc.boundingBox()
  const vw = await loc.page().evaluate(() => window.innerWidth)
  const vh = await loc.page().evaluate(() => window.innerHeight)
  return { ...b, inside: b.x >= 0 && b.y >= 0 && b.x + b.width <= vw + 0.5 && b.y + b.height <= vh + 0.5 }
}

async function openDispatch(page, c) {
  await page.goto(`${BASE}/#/complaints/${c.id}`)
  await page.locator('.detail-page[data-busy=no]').waitFor({ timeout: 15000 })
  await page.locator('[data-test=actions] [data-action=dispatch]').click()
  const dlg = page.locator('.action-dialog:visible')
  await dlg.waitFor()
  await page.waitForTimeout(400) // the opening animation moves the sheet
  return dlg
}

test('360 px: an action dialog is a full-screen sheet, ✕ 取消 提交 on screen', async () => {
  const c = await registered()
  const page = await newPage(browser.context, PHONE)
  await login(page, 'agent1')
  const dlg = await openDispatch(page, c)
  const sheet = await box(dlg)
  assert.ok(sheet.x <= 0.5 && sheet.width >= 359, `sheet spans the screen: ${JSON.stringify(sheet)}`)
  for (const [name, loc] of [
    ['✕', dlg.locator('.el-dialog__headerbtn')],
    ['取消', dlg.locator('.el-dialog__footer .el-button').first()],
    ['提交', dlg.locator('[data-test=action-submit]')],
  ]) {
    const b = await box(loc)
    assert.ok(b.inside, `${name} on screen: ${JSON.stringify(b)}`)
    assert.ok(b.width >= 44 && b.height >= 44, `${name} is ${b.width}×${b.height}`)
  }
  const overflow = await page.evaluate(() => Math.max(...[...document.querySelectorAll('.el-overlay-dialog, .el-dialog, html')]
    .map((e) => e.scrollWidth - e.clientWidth)))
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`)
  await shot(page, 'phone-action-dialog')
  // 取消 closes it
  await dlg.locator('.el-dialog__footer .el-button').first().click()
  await dlg.waitFor({ state: 'hidden' })

  // another kind of dialog (the user menu's 修改密码) is a sheet too
  await page.locator('[data-test=user-menu]').click()
  await page.locator('[data-test=menu-password]').click()
  const pw = page.locator('.el-dialog:visible').last()
  await pw.waitFor()
  await page.waitForTimeout(400)
  const pb = await box(pw)
  assert.ok(pb.x <= 0.5 && pb.width >= 359, `password dialog spans the screen: ${JSON.stringify(pb)}`)
  assert.ok((await box(pw.locator('.el-dialog__footer .el-button').last())).inside, 'its buttons on screen')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('1440 px: the same dialog stays a centred 560 px box', async () => {
  const c = await registered()
  const page = await newPage(browser.context, DESK)
  await login(page, 'agent1')
  const dlg = await openDispatch(page, c)
  const b = await box(dlg.locator('.el-dialog').or(dlg).first())
  assert.ok(Math.abs(b.width - 560) < 2 && b.x > 300, `a centred box: ${JSON.stringify(b)}`)
  const submit = await box(dlg.locator('[data-test=action-submit]'))
  assert.ok(submit.height < 44, 'desk-sized buttons at a desk')
  await page.close()
})

test('360 px: 显示 is a 44 px target and the revealed phone is a tel: link', async () => {
  const c = await registered()
  const page = await newPage(browser.context, PHONE)
  await login(page, 'agent1')
  await page.goto(`${BASE}/#/complaints/${c.id}`)
  const show = page.locator('[data-test=pii-show]')
  await show.waitFor()
  const b = await box(show)
  assert.ok(b.width >= 44 && b.height >= 44, `显示 is ${b.width}×${b.height}`)
  assert.equal(await page.locator('[data-test=customer-tel]').count(), 0, 'no link while masked')
  await show.click()
  await page.locator('[data-test=pii-shown]').waitFor()
  const tel = page.locator('[data-test=customer-tel]')
  assert.equal(await tel.getAttribute('href'), 'tel:' + c.phone)
  assert.equal((await tel.innerText()).trim(), c.phone)
  const tb = await box(tel)
  assert.ok(tb.height >= 44, `the tel: link is ${tb.height}px high`)
  await page.locator('[data-test=pii-hide]').click()
  await page.locator('[data-test=pii-show]').waitFor()
  assert.equal(await tel.count(), 0, 'masked again, no link')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('the portal: 工作人员登录 is a 44 px target on a phone', async () => {
  const page = await newPage(browser.context, PHONE)
  await page.goto(BASE + '/#/portal')
  const link = page.locator('[data-test=staff-login]')
  await link.waitFor()
  const b = await box(link.or(link).first())
  assert.ok(b.width >= 44 && b.height >= 44, `工作人员登录 is ${b.width}×${b.height}`)
  await page.close()
})

for (const size of [PHONE, DESK]) {
  test(`${size.width} px: an unknown portal address shows the portal's not-found page, zh-CN and en`, async () => {
    const page = await newPage(browser.context, size)
    for (const hash of ['/#/survey', '/#/portal/whatever', '/#/portal/track/x/y']) {
      await page.goto(BASE + hash)
      const missing = page.locator('[data-test=portal-missing]')
      await missing.waitFor({ timeout: 10000 })
      assert.match(await missing.innerText(), /没有这个页面/)
      assert.equal(await page.locator('#login-username').count(), 0, `${hash}: no staff sign-in`)
    }
    await chooseLanguage(page, 'English')
    assert.match(await page.locator('[data-test=portal-missing]').innerText(), /Page not found/)
    await page.locator('[data-test=missing-track]').click()
    await page.locator('[data-test=track-form]').waitFor()
    await chooseLanguage(page, '中文')
    // a staff address still leads into the staff app (its sign-in, or its home when signed in)
    await page.goto(BASE + '/#/nowhere')
    await page.locator('#login-username').or(page.locator('.el-main')).first().waitFor()
    assert.equal(await page.locator('[data-test=portal-missing]').count(), 0)
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}

test('360 px: a long display name is cut short in the header, never widening the page', async () => {
  const username = 'ln' + String(Date.now()).slice(-7)
  const password = 'Long-name-2026'
  const u = await apiCall('POST', '/users', { token: await apiLogin('admin'),
    body: { username, name: '积分服务商客服中心值班主管', password, roles: ['agent'], unit: 'SH-CSC' } })
  assert.equal(u.status, 201, JSON.stringify(u.data))
  const page = await newPage(browser.context, PHONE)
  await login(page, username, password)
  await page.locator('[data-test=user-menu]').waitFor()
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 360, `fits a phone: ${width}`)
  // the whole name is still there for whoever hovers or reads it aloud
  assert.equal(await page.locator('[data-test=user-menu] .user-name').getAttribute('title'), '积分服务商客服中心值班主管')
  await shot(page, 'phone-long-name')
  await page.close()
})
