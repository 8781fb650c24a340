// Customer data in the UI: masked everywhere by default; 显示/Show for those
// who may see it in clear (an audited request); the customer-data screen
// where an authorised user finds a customer by phone and exports, corrects
// and erases what is held about them — in Chinese and in English.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, text, apiCall, apiLogin, freshPhone, shot, chooseLanguage } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

async function complaintOf(phone, name) {
  const token = await apiLogin('agent1')
  const r = await apiCall('POST', '/complaints', {
    token,
    body: {
      channel: 'phone', customer: { name, phone, class: 'ordinary' }, subject_unit: 'SH-PD-01', category: 'service.attitude',
      description: `${name}反映加油员态度差，回电 ${phone}`, level: 3,
    },
  })
  assert.equal(r.status, 201, JSON.stringify(r.data))
  return r.data
}

const masked = (p) => `${p.slice(0, 3)}****${p.slice(-4)}`

test('customer data is masked; 显示 shows it in clear and the view is audited', async () => {
  const phone = freshPhone()
  const name = `欧阳${phone.slice(-3)}`
  const c = await complaintOf(phone, name)
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  await page.goto(`${page.url().split('#')[0]}#/complaints/${c.id}`)
  const record = page.locator('[data-test=record]')
  await record.waitFor()
  let shown = await text(record)
  assert.ok(shown.includes(masked(phone)), `masked phone: ${shown}`)
  assert.ok(!shown.includes(phone) && !shown.includes(name), 'nothing in clear before asking')
  assert.ok((await text(page.locator('[data-test=pii-bar]'))).includes('客户信息已脱敏显示'))
  await page.locator('[data-test=pii-show]').click()
  await page.locator('[data-test=pii-shown]').waitFor()
  shown = await text(record)
  assert.ok(shown.includes(phone) && shown.includes(name), `in clear after 显示: ${shown}`)
  await shot(page, 'customer-data-shown')
  await page.locator('[data-test=pii-hide]').click()
  await page.locator('[data-test=pii-show]').waitFor()
  assert.ok(!(await text(record)).includes(phone), 'hidden again')
  // The audit log has the view: who looked at whose data, when.
  const audit = await apiCall('GET', `/audit?action=pii_view&subject=complaint:${c.id}`, { token: await apiLogin('auditor1') })
  assert.equal(audit.status, 200)
  assert.equal(audit.data.items.length, 1)
  assert.equal(audit.data.items[0].actor.username, 'agent1')

  // A manager has no 显示 (no permission by default), in English too.
  const mp = await newPage(browser.context)
  await login(mp, 'manager1')
  await chooseLanguage(mp, 'English')
  await mp.goto(`${mp.url().split('#')[0]}#/complaints/${c.id}`)
  await mp.locator('[data-test=record]').waitFor()
  assert.ok((await text(mp.locator('[data-test=pii-bar]'))).includes('Customer data is shown masked'))
  assert.equal(await mp.locator('[data-test=pii-show]').count(), 0)
  assert.equal(await mp.locator('[data-test="menu-/customers"]').count(), 0, 'no customer-data screen without the permission')
  await chooseLanguage(mp, '中文')
  assert.deepEqual([...page.errors, ...mp.errors], [])
  await page.close()
  await mp.close()
})

test('the customer-data screen: find by phone, export, correct, erase (zh-CN)', async () => {
  const phone = freshPhone()
  const name = `司马${phone.slice(-3)}`
  const c = await complaintOf(phone, name)
  const page = await newPage(browser.context)
  await login(page, 'super1')
  await page.locator('[data-test="menu-/customers"]').click()
  await page.getByRole('heading', { name: '客户信息管理', level: 1 }).waitFor()
  await page.locator('#cr-phone').fill(phone)
  await page.locator('[data-test=cr-find]').click()
  await page.locator('[data-test=cr-table]').waitFor()
  assert.match(await text(page.locator('[data-test=cr-count]')), /找到 1 件工单/)
  const row = await text(page.locator('[data-test=cr-table] .el-table__row').first())
  assert.ok(row.includes(c.number) && row.includes(masked(phone)) && !row.includes(name), row)
  await shot(page, 'customer-rights')

  const download = page.waitForEvent('download')
  await page.locator('[data-test=cr-export]').click()
  const file = await (await download).path()
  const exported = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8'))
  assert.equal(exported.complaints[0].complaint.customer.name, name, 'the export is in clear')

  await page.locator('[data-test=cr-correct]').click()
  await page.locator('#cr-f-name').fill('司马更正')
  await page.locator('[data-test=cr-correct-save]').click()
  await page.getByText('已更正 1 件工单').waitFor()
  const clear = await apiCall('POST', `/complaints/${c.id}/pii`, { token: await apiLogin('super1'), body: {} })
  assert.equal(clear.data.complaint.customer.name, '司马更正')

  await page.locator('[data-test=cr-erase]').click()
  await page.locator('.el-message-box').waitFor()
  assert.match(await text(page.locator('.el-message-box')), /无法恢复/)
  await page.locator('.el-message-box .el-button--primary').click()
  await page.getByText('已匿名化 1 件工单').waitFor()
  assert.match(await text(page.locator('[data-test=cr-count]')), /没有找到/)
  const after = await apiCall('GET', `/complaints/${c.id}`, { token: await apiLogin('super1') })
  assert.equal(after.data.customer.name, '***')
  assert.equal(after.data.anonymised, true)
  assert.equal(after.data.category.code, 'service.attitude', 'what the statistics count stays')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('the customer-data screen in English; agents may export but not erase', async () => {
  const phone = freshPhone()
  await complaintOf(phone, `Li ${phone.slice(-3)}`)
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  await chooseLanguage(page, 'English')
  await page.locator('[data-test="menu-/customers"]').click()
  await page.getByRole('heading', { name: 'Customer data', level: 1 }).waitFor()
  assert.ok((await text(page.locator('[data-test=customer-rights]'))).includes('Find a customer by phone'))
  await page.locator('#cr-phone').fill('12')
  await page.locator('[data-test=cr-find]').click()
  await page.getByText('phone:').first().waitFor()
  await page.locator('#cr-phone').fill(phone)
  await page.locator('[data-test=cr-find]').click()
  await page.locator('[data-test=cr-table]').waitFor()
  assert.match(await text(page.locator('[data-test=cr-count]')), /1 complaints found/)
  assert.ok(await page.locator('[data-test=cr-export]').isEnabled())
  assert.ok(await page.locator('[data-test=cr-erase]').isDisabled(), 'agents do not erase')
  await chooseLanguage(page, '中文')
  assert.deepEqual(page.errors, [])
  await page.close()
})
