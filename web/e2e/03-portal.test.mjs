// A customer on a phone submits a complaint on the public portal and tracks it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, shot, text, freshPhone, apiCall, apiLogin, BASE } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const phone = freshPhone()
let number = null

test('a customer submits a complaint from a 360 px phone', async () => {
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await page.goto(BASE + '/#/portal')
  await page.getByText('您的意见我们会认真对待').waitFor()
  await page.getByLabel('您的称呼').fill('黄女士')
  await page.getByLabel('手机号码').fill(phone)
  // the station and the category come from GET /portal/options: type-ahead pick lists, no codes to type
  const unitSelect = page.locator('[data-test=p-unit]')
  await unitSelect.click()
  const stations = page.locator('.portal-unit-popper:visible').first()
  await stations.waitFor()
  const listed = await text(stations)
  assert.ok(listed.includes('加油站') && listed.includes('浦东张江高科加油站'), listed)
  assert.ok(!/SH-PD-02/.test(listed), 'names, not codes')
  await page.keyboard.type('张江', { delay: 20 })
  await page.waitForTimeout(200)
  assert.equal(await stations.locator('.el-select-dropdown__item:visible').count(), 1, 'the type-ahead narrows the list')
  await page.keyboard.press('Enter')
  assert.match(await text(unitSelect), /浦东张江高科加油站/)
  const catSelect = page.locator('[data-test=p-category]')
  await catSelect.click()
  await page.keyboard.type('发票', { delay: 20 })
  await page.waitForTimeout(200)
  await page.keyboard.press('Enter')
  assert.match(await text(catSelect), /财务 \/ 发票/)
  await page.getByLabel('发生了什么').fill('昨晚加油后要求开发票，收银员说系统故障让我改天再来。')
  await page.getByLabel('您希望我们怎么做（可不填）').fill('请尽快补开发票')
  // nothing overflows sideways on a small phone
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`)
  await shot(page, 'portal-submit')
  await page.locator('[data-test=portal-submit]').click()
  const done = page.locator('[data-test=portal-submitted]')
  await done.waitFor({ timeout: 15000 })
  number = (await page.locator('[data-test=portal-number]').innerText()).trim()
  assert.match(number, /^TS\d{8}-\d+$/)
  assert.match(await text(done), /提交成功/)
  await shot(page, 'portal-submitted')
  assert.deepEqual(page.errors, [])
  await page.close()
  // what the pick lists chose reached the record
  const r = await apiCall('GET', `/complaints/${number}`, { token: await apiLogin('super1') })
  assert.equal(r.status, 200)
  assert.equal(r.data.subject_unit.code, 'SH-PD-02')
  assert.equal(r.data.category.code, 'finance.invoice')
  assert.equal(r.data.channel, 'website')
})

test('the customer tracks it with number and phone; a wrong phone reveals nothing', async () => {
  assert.ok(number)
  const page = await newPage(browser.context, { width: 360, height: 740 })
  await page.goto(BASE + '/#/portal/track')
  await page.getByLabel('投诉编号').fill(number)
  await page.getByLabel('手机号码').fill('13000000000')
  await page.locator('[data-test=track-submit]').click()
  await page.locator('[data-test=track-error]').filter({ hasText: '没有找到这条投诉' }).waitFor()

  await page.getByLabel('手机号码').fill(phone)
  await page.locator('[data-test=track-submit]').click()
  const res = page.locator('[data-test=track-result]')
  await res.waitFor({ timeout: 10000 })
  const s = await text(res)
  assert.ok(s.includes(number), s)
  assert.match(await text(page.locator('[data-test=track-status]')), /已登记|已受理|受理/)
  assert.match(s, /处理进度/)
  assert.match(s, /我们正在处理/)
  assert.ok(!/agent1|陈晓燕/.test(s), 'no staff names on the portal')
  await shot(page, 'portal-track')
  assert.deepEqual(page.errors, [])
  await page.close()
})
