// Mail intake in the UI: a message sent to a mailbox (a real IMAP server,
// Debian's dovecot started here on a free port, configured by an
// administrator and polled) is a draft on the Mail intake page; the agent
// opens it, finds the intake form filled from it (channel e-mail, the
// sender as the customer, the text as the description) beside the message,
// completes and confirms it, and the complaint is there with the message
// attached. A second message is discarded with a reason. In Chinese at a
// desk and in English on a phone.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import net from 'node:net'
import { BASE, launch, newPage, login, text, shot, apiCall, apiLogin, freshPhone, useLanguage } from './helpers.mjs'
import { startImap } from '../../tests/api/imap_server.mjs'

const DESK = { width: 1440, height: 900 }
const PHONE = { width: 360, height: 740 }
const run = Date.now().toString(36)
const USER = 'desk'
const PASSWORD = 'imap-e2e-secret'

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)) })
  })
}

let browser, imap, dir, port, admin
before(async () => {
  browser = await launch()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-e2e-imap-'))
  port = await freePort()
  imap = await startImap(port, dir, USER, PASSWORD)
  admin = await apiLogin('admin')
  const r = await apiCall('PUT', `/mailboxes/desk-${run}`, {
    token: admin, body: { unit: 'SH-CSC', url: `imap://127.0.0.1:${port}/INBOX`, user: USER, password: PASSWORD, enabled: false },
  })
  assert.equal(r.status, 200, JSON.stringify(r.data))
})
after(async () => {
  await apiCall('DELETE', `/mailboxes/desk-${run}`, { token: admin })
  await browser.close()
  await imap?.stop()
  fs.rmSync(dir, { recursive: true, force: true })
})

const b64word = (s) => `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`
function message(from, subject, body, id) {
  return [`From: ${from}`, 'To: service@example.com', `Subject: ${b64word(subject)}`, `Message-ID: <${id}@example.com>`,
    'Date: Mon, 07 Dec 2026 09:30:00 +0800', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', '', body, ''].join('\r\n')
}

/** Sends the messages to the mailbox and has the server read it; their draft ids by sender address. */
async function deliver(...msgs) {
  for (const m of msgs) imap.append(m)
  const r = await apiCall('POST', `/mailboxes/desk-${run}/actions/poll`, { token: admin })
  assert.equal(r.status, 200, JSON.stringify(r.data))
  assert.equal(r.data.pending, msgs.length, JSON.stringify(r.data))
}

for (const v of [
  { lang: 'zh', size: DESK, category: '态度', menu: true, confirmed: '已受理', discarded: '已作废', reason: '广告邮件' },
  { lang: 'en', size: PHONE, category: 'ttitude', menu: false, confirmed: 'Taken in', discarded: 'Discarded', reason: 'advertising' },
]) {
  test(`an agent confirms an e-mail as a complaint and discards another (${v.lang}, ${v.size.width}px)`, async () => {
    const who = `${v.lang}-${run}@example.com`
    const spam = `spam-${v.lang}-${run}@example.com`
    const desc = `在加油站排队时加油员态度恶劣（${v.lang}-${run}）。`
    await deliver(message(`Chen Jing <${who}>`, `投诉加油员 ${v.lang}`, desc, `c-${v.lang}-${run}`),
      message(spam, '优惠活动', '点击领取优惠券', `s-${v.lang}-${run}`))

    const page = await newPage(browser.context, v.size)
    await login(page, 'agent1')
    await useLanguage(page, v.lang)
    if (v.menu) await page.locator('[data-test="menu-/mail"]').click()
    else await page.goto(BASE + '/#/mail')
    const table = page.locator('[data-test=mail-table]')
    await table.waitFor()
    // The list is masked: the sender's address is not shown in clear.
    const row = table.locator('.el-table__body tr', { hasText: `投诉加油员 ${v.lang}` })
    await row.waitFor()
    assert.ok(!(await text(row)).includes(who), 'the list masks the sender')
    await shot(page, `mail-queue-${v.lang}`)
    await row.locator('[data-test^=open-]').click()

    // The form is filled from the message, shown beside it.
    const msg = page.locator('[data-test=mail-message]')
    await msg.waitFor()
    assert.match(await text(page.locator('[data-test=mail-text]')), new RegExp(run))
    assert.equal(await page.locator('#f-email').inputValue(), who)
    assert.equal(await page.locator('#f-name').inputValue(), 'Chen Jing')
    assert.match(await page.locator('#f-desc').inputValue(), new RegExp(run))
    await shot(page, `mail-intake-form-${v.lang}`)
    await page.locator('#f-phone').fill(freshPhone())
    await page.locator('#f-unit').click()
    await page.keyboard.type('SH-PD-01', { delay: 20 })
    await page.waitForTimeout(200)
    await page.keyboard.press('Enter')
    await page.locator('#f-category').click()
    await page.keyboard.type(v.category, { delay: 20 })
    await page.waitForTimeout(200)
    await page.keyboard.press('Enter')
    await page.locator('#f-desc').click()
    await page.keyboard.press('Control+Enter')
    await page.locator('[data-test=confirm-save]').click()
    const result = page.locator('[data-test=intake-result]')
    await result.waitFor({ timeout: 15000 })
    const m = /[A-Z]{1,8}\d{8}-\d{4}/.exec(await text(result))
    assert.ok(m, 'the number is shown')

    // The complaint: on channel e-mail, the message kept as an attachment.
    await page.locator('[data-test=open-saved]').click()
    await page.waitForURL(/#\/complaints\/\d+/)
    const id = /complaints\/(\d+)/.exec(page.url())[1]
    const token = await apiLogin('agent1')
    const c = await apiCall('GET', `/complaints/${id}`, { token })
    assert.equal(c.data.channel, 'email')
    const files = await apiCall('GET', `/complaints/${id}/attachments`, { token })
    assert.deepEqual(files.data.items.map((f) => f.name), ['message.eml'])

    // The other message is discarded with a reason; it stays listed as discarded.
    if (v.menu) await page.locator('[data-test="menu-/mail"]').click()
    else await page.goto(BASE + '/#/mail')
    const spamRow = page.locator('[data-test=mail-table] .el-table__body tr', { hasText: '优惠活动' }).first()
    await spamRow.waitFor()
    await spamRow.locator('[data-test^=discard-]').click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    await box.locator('input').fill(v.reason)
    await box.locator('.el-button--primary').click()
    await spamRow.waitFor({ state: 'detached' })
    await page.locator('.el-tabs__item', { hasText: v.discarded }).click()
    await page.locator('[data-test=mail-table] .el-table__body tr', { hasText: v.reason }).first().waitFor()
    await page.locator('.el-tabs__item', { hasText: v.confirmed }).click()
    await page.locator('[data-test=mail-table] .el-table__body tr', { hasText: m[0] }).waitFor()
    await shot(page, `mail-confirmed-${v.lang}`)
    await page.close()
  })
}

test('an administrator sees the mailbox with its unit and reads it now (zh, 1440px)', async () => {
  const page = await newPage(browser.context, DESK)
  await login(page, 'admin')
  await useLanguage(page, 'zh')
  await page.locator('[data-test="menu-/admin/mailboxes"]').click()
  const row = page.locator('[data-test=mailbox-table] .el-table__body tr', { hasText: `desk-${run}` })
  await row.waitFor()
  assert.match(await text(row), /客户服务中心/)
  assert.ok(!(await text(row)).includes(PASSWORD), 'the password is never shown')
  imap.append(message(`late-${run}@example.com`, '迟到的邮件', '晚到的一封投诉', `late-${run}`))
  await row.locator(`[data-test="poll-desk-${run}"]`).click()
  await page.locator('.el-message--success', { hasText: '读取 1 封' }).waitFor()
  await shot(page, 'mailboxes-admin-zh')
  await page.close()
})
