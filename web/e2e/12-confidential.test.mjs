// Confidentiality toward the complained-about (001: 为投诉者保密): the station's
// handler sees its customer only after stating why (the gas-station pack
// allows the handler, who contacts the customer); the view is audited.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, text, handlingComplaint, freshPhone } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

test('the station\'s handler states a reason before seeing who complained about the station', async () => {
  const phone = freshPhone()
  const c = await handlingComplaint({ customer: { name: '保密测试', phone } })
  const page = await newPage(browser.context, { width: 390, height: 844 })
  await login(page, 'pd01')
  await page.goto(`${BASE}/#/complaints/${c.id}`)
  await page.locator('.detail-page[data-busy=no]').waitFor()
  assert.ok(!(await text(page.locator('[data-test=record]'))).includes(phone), 'masked at first')
  await page.locator('[data-test=pii-show]').click()
  const box = page.locator('.el-message-box:visible')
  await box.waitFor()
  assert.match(await text(box), /被投诉单位查看投诉人信息须说明原因/)
  await box.locator('input').fill('联系客户三方取样')
  await box.locator('.el-button--primary').click()
  await page.locator('[data-test=pii-shown]').waitFor()
  assert.ok((await text(page.locator('[data-test=record]'))).includes(phone), 'in clear after the reason')
  assert.deepEqual(page.errors, [])
  await page.close()
})
