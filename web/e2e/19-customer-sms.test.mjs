// The customer hears back in their own channel: an agent takes a call at the
// workbench (zh, desk) and is told the acknowledgement goes to the customer
// by text message; the customer's phone receives the number and the
// tracking link (the browser tests' stand-in gateway writes what it gets to
// REDRESS_SMS_LOG), and opening that link on the phone (en, 360 px) shows
// the complaint once the phone number is given. The pack's quiet hours are
// moved away from now first, so the test does not depend on the hour.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { launch, newPage, login, shot, text, apiCall, apiLogin, freshPhone, useLanguage, handlingComplaint, saveIntake, BASE } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const phone = freshPhone()
let number = null
let sms = null

// HH:MM at Beijing time, minutes from now.
function beijing(minutes) {
  const d = new Date(Date.now() + (minutes + 480) * 60e3)
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
}

async function setQuietHours(hours) {
  const token = await apiLogin('admin')
  const v = (await apiCall('GET', '/config/versions', { token })).data.active
  const pack = (await apiCall('GET', `/config/versions/${v}`, { token })).data.pack
  pack.customer_messages.quiet_hours = hours
  const r = await apiCall('POST', '/config/versions', { token, body: { pack, reason: '调整免打扰时段' } })
  assert.equal(r.status, 201, JSON.stringify(r.data))
}

test('setup: quiet hours away from now', async () => {
  assert.ok(process.env.REDRESS_SMS_LOG, 'run by scripts/run-e2e.sh, which sets up the gateway')
  await setQuietHours({ from: beijing(120), to: beijing(180) })
})

test('agent1 takes a call and is told the customer gets the acknowledgement by text message (zh, 1440px)', async () => {
  const page = await newPage(browser.context, { width: 1440, height: 900 })
  await login(page, 'agent1')
  await page.getByRole('heading', { name: '受理工作台', level: 1 }).waitFor()
  await page.locator('#f-phone').fill(phone)
  await page.locator('#f-name').fill('周女士')
  await page.locator('#f-unit').click()
  await page.keyboard.type('世纪大道', { delay: 20 })
  await page.locator('.el-select-dropdown__item:visible', { hasText: '世纪大道' }).first().click()
  await page.locator('#f-category').click()
  await page.keyboard.type('服务态度', { delay: 20 })
  await page.locator('.el-cascader__suggestion-item:visible, .el-select-dropdown__item:visible', { hasText: '服务态度' }).first().click()
  await page.locator('#f-desc').fill('收银员多收了五元，要求退还。')
  number = await saveIntake(page)
  assert.equal(await text(page.locator('[data-test=customer-message]')), '受理回执将通过短信发给客户')
  await shot(page, 'workbench-customer-sms')

  // What the customer's phone received: the number and the link to follow it.
  for (let i = 0; i < 200 && !sms; i++) {
    const lines = fs.existsSync(process.env.REDRESS_SMS_LOG) ? fs.readFileSync(process.env.REDRESS_SMS_LOG, 'utf8').split('\n') : []
    sms = lines.filter(Boolean).map((l) => JSON.parse(l)).find((m) => m.to === phone)
    if (!sms) await page.waitForTimeout(100)
  }
  assert.ok(sms, 'the text message reached the gateway')
  assert.match(sms.text, new RegExp(`您的投诉已受理，编号${number}`))
  assert.ok(sms.text.includes(`${BASE}/#/portal/track?number=${number}`), sms.text)
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('the customer opens the link on their phone and sees the complaint (en, 360px)', async () => {
  const page = await newPage(browser.context, { width: 360, height: 740 })
  const link = sms.text.match(/https?:\/\/\S+/)[0]
  await page.goto(link)
  await useLanguage(page, 'en')
  assert.equal(await page.locator('#t-number').inputValue(), number, 'the number comes with the link')
  await page.locator('#t-phone').fill(phone)
  await page.locator('[data-test=track-submit]').click()
  await page.locator('[data-test=track-result]').waitFor({ timeout: 15000 })
  assert.match(await text(page.locator('[data-test=track-status]')), /Registered|Received/i)
  await shot(page, 'portal-from-sms')
  await useLanguage(page, 'zh')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('agent1 sends the revisit survey link; the customer answers it from the text message (360px)', async () => {
  const surveyPhone = freshPhone()
  const c = await handlingComplaint({ customer: { name: '郑先生', phone: surveyPhone }, description: '找零少了十元。' })
  for (const [user, action, body] of [
    ['pd01', 'resolve', { resolution_type: 'solution', resolution: '核对监控后补齐找零并道歉', nature: 'valid' }],
    ['agent1', 'reply', { method: 'phone', content: '已电话告知处理结果', reaction: 'accepts' }],
  ]) {
    const r = await apiCall('POST', `/complaints/${c.id}/actions/${action}`, { token: await apiLogin(user), body })
    assert.equal(r.status, 200, JSON.stringify(r.data))
  }
  const desk = await newPage(browser.context, { width: 1440, height: 900 })
  await login(desk, 'agent1')
  await desk.goto(`${BASE}/#/complaints/${c.id}`)
  await desk.locator('.detail-page[data-busy=no]').waitFor()
  await desk.locator('[data-test=survey-send]').click()
  assert.equal(await text(desk.locator('[data-test=survey-sent]')), '回访链接将通过短信发给客户')
  await shot(desk, 'survey-link-sent')
  assert.deepEqual(desk.errors, [])
  await desk.close()

  let msg = null
  for (let i = 0; i < 200 && !msg; i++) {
    msg = fs.readFileSync(process.env.REDRESS_SMS_LOG, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
      .find((m) => m.to === surveyPhone && m.text.includes('/#/survey/'))
    if (!msg) await new Promise((r) => setTimeout(r, 100))
  }
  assert.ok(msg, 'the survey link reached the customer\'s phone')
  const cust = await newPage(browser.context, { width: 360, height: 740 })
  await browser.context.clearCookies()
  await cust.goto(msg.text.match(/https?:\/\/\S+/)[0])
  await cust.locator('[data-test=survey-page] [data-question]').first().waitFor()
  assert.match(await text(cust.locator('[data-test=survey-page]')), new RegExp(c.number))
  assert.deepEqual(cust.errors, [])
  await cust.close()
})

test('inside the quiet hours the agent is told when it goes', async () => {
  await setQuietHours({ from: beijing(-60), to: beijing(60) })
  const r = await apiCall('POST', '/complaints', {
    token: await apiLogin('agent1'),
    body: {
      channel: 'phone', customer: { name: '吴先生', phone: freshPhone(), class: 'ordinary' }, subject_unit: 'SH-PD-01',
      category: 'service.attitude', description: '夜间来电：便利店收银员态度差。', level: 3,
    },
  })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  assert.equal(r.data.customer_messages.length, 1)
  assert.equal(r.data.customer_messages[0].channel, 'sms')
  assert.ok(Date.parse(r.data.customer_messages[0].at) > Date.now() + 50 * 60e3, 'after the quiet hours')
  await setQuietHours({ from: '21:00', to: '08:00' })
})
