// The conditions of the authority in the browser (seed 001, 2.5 授权使用的规范性:
// 结合客户的在网时间、平均消费水平…确定授权使用的条件). The administrator gives the
// demo pack a condition (a year on the network and 100 yuan a month: the
// agent may grant 150 yuan instead of 50; a new configuration version, rolled
// back afterwards). At the desk in Chinese the agent takes both figures from
// the CRM behind the customer fold, the work order shows them, and the
// compensation form tells the agent the authority for this customer; on a
// phone in English the figures are corrected through the record's correction.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, shot, text, act, typeAhead, saveIntake, apiCall, apiLogin, freshPhone, packVersion, useLanguage } from './helpers.mjs'

let browser
let restore
let id = null
before(async () => {
  browser = await launch()
  restore = await packVersion('在网满一年且月均消费百元以上的客户提高一线授权', (pack) => {
    pack.authorization.conditions = [{ name: '在网满1年且月均消费100元以上', name_en: 'A year on the network and 100 yuan a month',
      when: { tenure_months: 12, monthly_spend: 100 }, limits: { agent: 150 } }]
  })
})
after(async () => {
  await restore()
  await browser.close()
})

test('the agent takes the figures at intake and grants within this customer\'s authority (1440×900, 中文)', async () => {
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  try {
    await login(page, 'agent1')
    await page.getByRole('heading', { name: '受理工作台', level: 1 }).waitFor()
    await page.locator('#f-phone').fill(freshPhone())
    await page.locator('#f-name').fill('欧阳女士')
    await page.locator('[data-test=more-customer] .el-collapse-item__header').click()
    await page.locator('#f-cust-tenure_months').fill('30')
    await page.locator('#f-cust-monthly_spend').fill('180')
    await typeAhead(page, page.locator('#f-unit'), 'SH-PD-01')
    await typeAhead(page, page.locator('#f-category'), '服务过失')
    await page.locator('#f-desc').fill('加油卡积分被重复扣减，客户要求补回并致歉。')
    const number = await saveIntake(page)
    const token = await apiLogin('agent1')
    const c = (await apiCall('GET', `/complaints/${number}`, { token })).data
    id = c.id
    assert.equal(c.customer.tenure_months, 30)
    assert.equal(c.customer.monthly_spend, 180)
    const d = await apiCall('POST', `/complaints/${id}/actions/dispatch`, { token, body: { unit: 'SH-PD-01' } })
    assert.equal(d.status, 200, JSON.stringify(d.data))

    await page.goto(`${BASE}/#/complaints/${id}`)
    await page.locator('.detail-page[data-busy=no]').waitFor()
    assert.equal(await text(page.locator('[data-test=detail-cust-tenure_months]')), '30')
    assert.equal(await text(page.locator('[data-test=detail-cust-monthly_spend]')), '180')
    // The compensation form names this customer's authority: 150, not the general 50.
    await page.locator('[data-test=actions] [data-action=compensate]').click()
    const dlg = page.locator('.action-dialog:visible')
    await dlg.waitFor()
    assert.match(await text(dlg), /本人对该客户授权 150\.00 元以内/)
    await dlg.locator('.el-dialog__headerbtn').click()
    await dlg.waitFor({ state: 'hidden' })
    await act(page, 'compensate', { kind: { value: 'voucher' }, amount: '120', reason: '积分重复扣减，赠送洗车券致歉' })
    const after = (await apiCall('GET', `/complaints/${id}`, { token })).data
    assert.equal(after.compensations.at(-1).status, 'granted')
    assert.deepEqual(after.compensations.at(-1).conditions, ['在网满1年且月均消费100元以上'])
    await shot(page, 'authority-desk')
    assert.deepEqual(page.errors, [])
  } finally {
    await page.close()
  }
})

test('on a phone in English the figures are corrected with the record (360×740)', async () => {
  assert.ok(id, 'the complaint was taken')
  const page = await newPage(browser.context, { width: 360, height: 740 })
  try {
    await login(page, 'agent1')
    await useLanguage(page, 'en')
    await page.goto(`${BASE}/#/complaints/${id}`)
    await page.locator('.detail-page[data-busy=no]').waitFor()
    await act(page, 'correct', { monthly_spend: '90', reason: 'The CRM shows 90 yuan a month.' })
    await page.locator('[data-test=detail-cust-monthly_spend]').filter({ hasText: /^90$/ }).waitFor()
    await page.locator('.ev-payload', { hasText: /Monthly spending \(yuan\)[^]*180[^]*90/ }).first().waitFor()
    // Below the condition now: the general authority again.
    await page.locator('[data-test=actions] [data-action=compensate]').click()
    const dlg = page.locator('.action-dialog:visible')
    await dlg.waitFor()
    assert.match(await text(dlg), /for this customer you may grant up to 50\.00/)
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= 360, `fits a phone: ${width}`)
    await shot(page, 'authority-phone')
    assert.deepEqual(page.errors, [])
  } finally {
    await page.close()
  }
})
