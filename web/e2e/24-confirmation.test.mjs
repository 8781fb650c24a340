// The customer's confirmation of the record (seed 001 受理环节注意事项: 营业厅、面访客服
// 中心和客户经理等不具备录音条件的,填写完投诉记录后要请客户签字确认). The administrator
// gives the demo pack the rule for walk-in complaints (a new configuration
// version, rolled back afterwards). At the desk in Chinese the agent sees the
// record awaiting confirmation and makes a link; the customer opens it on a
// phone, disputes the record and says why; the agent records the signature on
// the corrected sheet. A second customer confirms from a phone in English.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, shot, text, apiCall, apiLogin, freshPhone, packVersion, useLanguage } from './helpers.mjs'

let browser
let restore
before(async () => {
  browser = await launch()
  restore = await packVersion('现场来访投诉须客户签字确认记录', (pack) => {
    pack.closing.confirmation = { record: { channels: ['walk_in'] } }
  })
})
after(async () => {
  await restore()
  await browser.close()
})

async function walkIn(description) {
  const r = await apiCall('POST', '/complaints', { token: await apiLogin('agent1'), body: {
    channel: 'walk_in', customer: { name: '上官先生', phone: freshPhone() }, subject_unit: 'SH-PD-01',
    category: 'service.attitude', place: '世纪大道站便利店', description } })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  return r.data
}

test('a walk-in record is disputed on the customer\'s phone, then signed at the counter (中文)', async () => {
  const c = await walkIn('收银员找零时态度恶劣，并少找十元。')
  const desk = await newPage(browser.context, { width: 1440, height: 900 })
  const phone = await newPage(browser.context, { width: 360, height: 740 })
  try {
    await login(desk, 'agent1')
    await desk.goto(`${BASE}/#/complaints/${c.id}`)
    await desk.locator('.detail-page[data-busy=no]').waitFor()
    const card = desk.locator('[data-test=confirmations]')
    await card.locator('[data-confirm=record][data-answer=pending]').waitFor()
    assert.match(await text(card), /待客户确认/)
    await desk.locator('[data-test=confirm-link]').click()
    const box = desk.locator('[data-test=survey-link-box][data-kind=confirm]')
    await box.waitFor()
    const url = await box.locator('input[data-test=survey-url], [data-test=survey-url] input').first().inputValue()
    assert.match(url, /#\/confirm\/rd_k_/)

    // The customer reads what was written down, and says what is wrong.
    await phone.goto(url.replace(/^https?:\/\/[^/]+/, BASE))
    await phone.locator('[data-test=confirm-what][data-what=record]').waitFor()
    assert.match(await text(phone.locator('[data-test=confirm-description]')), /少找十元/)
    await phone.locator('[data-test=confirm-no]').click()
    await phone.locator('[data-test=confirm-dispute]').click()
    await phone.locator('[role=alert]', { hasText: '请写明您的异议' }).waitFor()
    await phone.locator('textarea[data-test=confirm-note], [data-test=confirm-note] textarea').first().fill('少找的是二十元，不是十元')
    await phone.locator('[data-test=confirm-dispute]').click()
    await phone.locator('[data-test=confirm-done]', { hasText: '已收到您的异议' }).waitFor()
    const width = await phone.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= 360, `fits a phone: ${width}`)
    await shot(phone, 'confirm-disputed-phone')

    // The agent sees the dispute, and records the customer's signature on the corrected sheet.
    await desk.reload()
    await desk.locator('[data-test=confirmations] [data-confirm=record][data-answer=disputed]').waitFor()
    assert.match(await text(desk.locator('[data-test=confirmations]')), /二十元/)
    // the one thing awaiting is chosen already
    await desk.locator('[data-test=actions] [data-action=confirm]').click()
    const dlg = desk.locator('.action-dialog:visible')
    await dlg.waitFor()
    // the one thing awaiting (the record) is chosen already
    assert.match(await text(dlg.locator('[data-field=what]')), /投诉记录/)
    await dlg.locator('.el-dialog__title').click()
    // chosen from the keyboard, as an agent at the counter would: type, Enter
    for (const [field, label] of [['verdict', '确认无误'], ['method', '签字确认']]) {
      await dlg.locator(`[data-field=${field}] input`).first().click()
      await desk.keyboard.type(label)
      await desk.keyboard.press('Enter')
      await dlg.locator(`[data-field=${field}] .el-select__selected-item`, { hasText: label }).first().waitFor()
    }
    await dlg.locator('textarea[data-field=note], [data-field=note] textarea').first().fill('已更正为少找二十元，客户在记录单上签字')
    await dlg.locator('[data-test=action-submit]').click()
    await dlg.waitFor({ state: 'hidden' })
    await desk.locator('[data-test=confirmations] [data-confirm=record][data-answer=confirmed]').waitFor()
    assert.match(await text(desk.locator('[data-test=confirmations]')), /已确认.*签字确认/s)
    assert.equal(await desk.locator('[data-test=confirm-link]').count(), 0, 'nothing awaits now')
    await shot(desk, 'confirm-signed-desk')
    assert.deepEqual(desk.errors, [])
    assert.deepEqual(phone.errors, [])
  } finally {
    await desk.close()
    await phone.close()
  }
})

test('a customer confirms the record from a phone in English (360×740)', async () => {
  const c = await walkIn('加油员未按要求开具发票。')
  const r = await apiCall('POST', `/complaints/${c.id}/confirmation-link`, { token: await apiLogin('agent1'), body: {} })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  const phone = await newPage(browser.context, { width: 360, height: 740 })
  try {
    await phone.goto(r.data.url.replace(/^https?:\/\/[^/]+/, BASE))
    await phone.locator('[data-test=confirm-page]').waitFor()
    await useLanguage(phone, 'en')
    await phone.locator('[data-test=confirm-what]').waitFor()
    assert.match(await text(phone.locator('[data-test=confirm-page]')), /This is what we wrote down/)
    const yes = phone.locator('[data-test=confirm-yes]')
    const box = await yes.boundingBox()
    assert.ok(box && box.height >= 44 && box.x + box.width <= 360, `a thumb-sized button on the screen: ${JSON.stringify(box)}`)
    await yes.click()
    await phone.locator('[data-test=confirm-done]', { hasText: 'Thank you for confirming' }).waitFor()
    const after = (await apiCall('GET', `/complaints/${c.id}`, { token: await apiLogin('agent1') })).data
    assert.equal(after.confirmations.record.verdict, 'confirmed')
    assert.equal(after.confirmations.record.method, 'portal')
    // The link is used up.
    await phone.reload()
    await phone.locator('[data-test=confirm-gone]').waitFor()
    await shot(phone, 'confirm-en-phone')
    assert.deepEqual(phone.errors, [])
  } finally {
    await phone.close()
  }
})
