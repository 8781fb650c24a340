// The customer's other details (seed 004: 投訴人的緊急聯繫人信息, and the
// address, plate and card number): taken at the workbench behind a fold,
// shown masked on the complaint page, and corrected there when they were
// taken down wrongly (更正客户信息, with the reason) — at the desk in Chinese
// and on a phone in English.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, shot, text, typeAhead, saveIntake, apiCall, apiLogin, freshPhone, useLanguage } from './helpers.mjs'

let browser
let id = null
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

test('the workbench takes the plate and the emergency contact; the complaint page corrects the plate (1440×900, 中文)', async () => {
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'agent1')
  await page.getByRole('heading', { name: '受理工作台', level: 1 }).waitFor()
  await page.locator('#f-phone').fill(freshPhone())
  await page.locator('#f-name').fill('司马先生')
  await page.locator('[data-test=more-customer] .el-collapse-item__header').click()
  await page.locator('#f-cust-plate').fill('沪B54321')
  await page.locator('#f-cust-emergency_contact').fill('司马太太 13912340000')
  await typeAhead(page, page.locator('#f-unit'), 'SH-PD-01')
  await typeAhead(page, page.locator('#f-category'), '服务过失')
  await page.locator('#f-desc').fill('加油卡被多扣款，客户出差，请联系紧急联系人。')
  const number = await saveIntake(page)
  const token = await apiLogin('agent1')
  const c = (await apiCall('GET', `/complaints/${number}`, { token })).data
  id = c.id
  assert.equal(c.customer.plate, '沪B***')
  assert.equal(c.customer.emergency_contact, '司***')

  await page.goto(`${BASE}/#/complaints/${id}`)
  await page.locator('[data-test=detail-cust-plate]').filter({ hasText: '沪B***' }).waitFor()
  assert.equal(await text(page.locator('[data-test=detail-cust-emergency_contact]')), '司***')
  await page.locator('[data-test=cust-correct]').click()
  const dlg = page.locator('[data-test=cust-fix-dialog]')
  await dlg.locator('[data-field=cust-plate]').fill('沪B54312')
  // No reason: the dialog says so and nothing is sent.
  await dlg.locator('[data-test=cust-fix-save]').click()
  await dlg.locator('.el-form-item__error', { hasText: '请填写更正原因' }).waitFor()
  await dlg.locator('[data-field=cust-reason] textarea, textarea[data-field=cust-reason]').first().fill('车牌号登记时输错两位')
  await dlg.locator('[data-test=cust-fix-save]').click()
  await dlg.waitFor({ state: 'hidden' })
  await page.locator('.detail-page[data-busy=no]').waitFor()
  await page.locator('[data-test=pii-show]').click()
  await page.locator('[data-test=pii-shown]').waitFor()
  assert.equal(await text(page.locator('[data-test=detail-cust-plate]')), '沪B54312')
  assert.equal(await text(page.locator('[data-test=detail-cust-emergency_contact]')), '司马太太 13912340000')
  await page.locator('.ev-payload', { hasText: '车牌号登记时输错两位' }).waitFor()
  await shot(page, 'customer-details-corrected')
  assert.deepEqual(page.errors, [])
  await page.close()

  // The unit complained about may not correct the record.
  const station = await newPage(browser.context, { width: 1440, height: 900 })
  await apiCall('POST', `/complaints/${id}/actions/dispatch`, { token, body: { unit: 'SH-PD-01' } })
  await login(station, 'pd01')
  await station.goto(`${BASE}/#/complaints/${id}`)
  await station.locator('.detail-page[data-busy=no]').waitFor()
  assert.equal(await station.locator('[data-test=cust-correct]').count(), 0)
  await station.close()
})

test('on a phone in English the correction is a full-screen sheet (360×740)', async () => {
  assert.ok(id, 'the complaint was taken')
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await login(page, 'agent1')
  await useLanguage(page, 'en')
  await page.goto(`${BASE}/#/complaints/${id}`)
  await page.locator('[data-test=cust-correct]').click()
  const dlg = page.locator('[data-test=cust-fix-dialog]')
  await dlg.locator('[data-field=cust-emergency_contact]').fill('Ms Sima 13912341111')
  await dlg.locator('textarea[data-field=cust-reason], [data-field=cust-reason] textarea').first().fill('The customer gave a new emergency number.')
  const save = dlg.locator('[data-test=cust-fix-save]')
  const box = await save.boundingBox()
  assert.ok(box && box.x >= 0 && box.x + box.width <= 360 && box.y + box.height <= 740, `Save is on the screen: ${JSON.stringify(box)}`)
  await save.click()
  await dlg.waitFor({ state: 'hidden' })
  await page.locator('.el-message', { hasText: 'Customer details corrected' }).waitFor()
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 360, `fits a phone: ${width}`)
  await shot(page, 'customer-details-phone')
  assert.deepEqual(page.errors, [])
  await useLanguage(page, 'zh')
  await page.close()
})
