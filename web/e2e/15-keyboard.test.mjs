// The keyboard (issue #24): '?' lists the shortcuts, '/' goes to the search
// box, Alt+N to a new complaint, Ctrl+Enter submits the open dialog, Esc
// closes every dialog, and Tab walks the intake form in reading order — at
// 1440 × 900 and 360 × 740, in Chinese and English.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, apiCall, apiLogin, freshPhone, chooseLanguage, typeAhead, statusText, BASE } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const activeId = (page) => page.evaluate(() => document.activeElement?.id || '')

for (const size of [{ width: 1440, height: 900 }, { width: 360, height: 740 }]) {
  test(`${size.width} px: ? lists the shortcuts, Esc closes; / focuses the search; Alt+N opens the intake`, async () => {
    const page = await newPage(browser.context, size)
    await login(page, 'agent1')
    await page.goto(BASE + '/#/complaints')
    await page.locator('.el-main .page').first().waitFor()
    await page.locator('body').click({ position: { x: 5, y: 300 } }).catch(() => {})
    await page.keyboard.press('?')
    const help = page.locator('.shortcut-help:visible')
    await help.waitFor()
    const txt = await help.innerText()
    for (const k of ['Alt', '/', 'Ctrl', 'Enter', 'Esc', '?']) assert.ok(txt.includes(k), `${k} in the help: ${txt}`)
    assert.match(txt, /新建投诉/)
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'hidden' })

    await page.keyboard.press('/')
    assert.equal(await activeId(page), 'header-q')
    await page.keyboard.type('a/b')
    assert.equal(await page.locator('#header-q').inputValue(), 'a/b', "'/' is typed inside a field")
    await page.locator('#header-q').fill('')

    await page.keyboard.press('Alt+KeyN')
    await page.waitForFunction(() => location.hash === '#/workbench')
    await page.waitForFunction(() => !!document.activeElement?.closest('.workbench'))
    const focused = await page.evaluate(() => document.activeElement.closest('.el-form-item')?.querySelector('label')?.innerText || '')
    assert.ok(focused, 'the focus is in the intake form’s first field')

    await chooseLanguage(page, 'English')
    await page.locator('body').click({ position: { x: 5, y: 300 } }).catch(() => {})
    await page.keyboard.press('?')
    await help.waitFor()
    assert.match(await help.innerText(), /New complaint/)
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'hidden' })
    await chooseLanguage(page, '中文')
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}

test('Ctrl+Enter submits the action dialog; Esc closes the action and password dialogs', async () => {
  const r = await apiCall('POST', '/complaints', {
    token: await apiLogin('agent1'),
    body: { channel: 'phone', customer: { name: '键盘', phone: freshPhone() }, subject_unit: 'SH-PD-01', category: 'service.attitude', description: '键盘测试' },
  })
  assert.equal(r.status, 201)
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'agent1')
  await page.goto(`${BASE}/#/complaints/${r.data.id}`)
  await page.locator('.detail-page[data-busy=no]').waitFor({ timeout: 15000 })
  const before = await statusText(page)
  const open = async () => {
    await page.locator('[data-test=actions] [data-action=dispatch]').click()
    const dlg = page.locator('.action-dialog:visible')
    await dlg.waitFor()
    return dlg
  }
  let dlg = await open()
  await page.keyboard.press('Escape')
  await dlg.waitFor({ state: 'hidden' })

  dlg = await open()
  await typeAhead(page, dlg.locator('[data-field=unit]').first(), 'SH-PD-01')
  await dlg.locator('textarea').first().click()
  await page.keyboard.press('Control+Enter')
  await dlg.waitFor({ state: 'hidden', timeout: 15000 })
  await page.locator('.detail-page[data-busy=no]').waitFor({ timeout: 15000 })
  assert.notEqual(await statusText(page), before, 'dispatched by Ctrl+Enter')

  await page.locator('[data-test=user-menu]').click()
  await page.locator('[data-test=menu-password]').click()
  const pw = page.locator('.el-dialog:visible').last()
  await pw.waitFor()
  await page.keyboard.press('Escape')
  await pw.waitFor({ state: 'hidden' })
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('Tab walks the intake form in reading order', async () => {
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'agent1')
  await page.goto(BASE + '/#/workbench')
  const first = page.locator('.workbench form input:not([type=hidden])').first()
  await first.waitFor()
  await first.focus()
  const seen = []
  for (let i = 0; i < 14; i++) {
    seen.push(await page.evaluate(() => {
      const el = document.activeElement
      const r = el.getBoundingClientRect()
      return { y: Math.round(r.top + window.scrollY), x: Math.round(r.left), label: el.closest('.el-form-item')?.querySelector('.el-form-item__label')?.innerText || el.tagName }
    }))
    await page.keyboard.press('Tab')
    // an open pick list would take the next Tab; close it
    await page.keyboard.press('Escape').catch(() => {})
  }
  for (let i = 1; i < seen.length; i++) {
    const a = seen[i - 1]
    const b = seen[i]
    const later = b.y > a.y + 4 || (Math.abs(b.y - a.y) <= 4 && b.x >= a.x)
    assert.ok(later, `focus went back from ${a.label} (${a.x},${a.y}) to ${b.label} (${b.x},${b.y}): ${seen.map((s) => s.label).join(' → ')}`)
  }
  await page.close()
})
