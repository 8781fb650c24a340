// Partner systems in the UI: an administrator registers another system as a
// webhook with a channel (a URL the API refuses is named beside its field),
// makes a token for it on the Tokens page (the secret shown once, and it
// works: a signed intake on the partner's channel), and removes a webhook
// after confirming. An agent records a complaint with another system's
// reference (来源编号); the same reference again creates nothing and the
// page names the complaint that holds it, whose detail shows the reference.
// In Chinese at a desk and in English on a phone.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { BASE, launch, newPage, login, text, shot, apiCall, apiLogin, freshPhone, pick, useLanguage, choose } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const DESK = { width: 1366, height: 860 }
const PHONE = { width: 360, height: 740 }
const run = Date.now().toString(36)

/** A signed intake by a partner's token: the body as sent, its timestamp and HMAC-SHA256 (docs/api.md "Partner systems"). */
async function partnerIntake(token, secret, body) {
  const raw = JSON.stringify(body)
  const ts = String(Math.floor(Date.now() / 1000))
  const sig = crypto.createHmac('sha256', secret).update(ts + '.' + raw).digest('hex')
  const res = await fetch(BASE + '/api/v1/complaints', {
    method: 'POST', body: raw,
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token,
      'X-Redress-Timestamp': ts, 'X-Redress-Signature': 'sha256=' + sig },
  })
  return { status: res.status, data: await res.json() }
}

for (const v of [
  { lang: 'zh', size: DESK, name: `app-${run}`, channel: 'app', channelLabel: '手机App', signed: true, yes: '是', menu: true },
  { lang: 'en', size: PHONE, name: `web-${run}`, channel: 'website', channelLabel: 'Website', signed: false, yes: 'Yes', menu: false },
]) {
  test(`an administrator registers a partner system and makes its token (${v.lang}, ${v.size.width}px)`, async () => {
    const secret = `partner-secret-${run}-${v.lang}`
    const page = await newPage(browser.context, v.size)
    await login(page, 'admin')
    await useLanguage(page, v.lang)
    // at a desk through the side menu; on a phone by its address (the menu is a drawer there)
    if (v.menu) await page.locator('[data-test="menu-/admin/webhooks"]').click()
    else await page.goto(BASE + '/#/admin/webhooks')
    await page.locator('[data-test=webhook-table]').waitFor()

    await page.locator('[data-test=add-webhook]').click()
    const dlg = page.locator('.webhook-dialog')
    await dlg.waitFor()
    await page.locator('#wh-name').fill(v.name)
    await choose(page, page.locator('#wh-unit'), 'SH-PD-01', 'SH-PD-01')
    await page.locator('#wh-url').fill('http:///callback') // a host left out: the server refuses it, naming url
    await page.locator('#wh-secret').fill(secret)
    assert.equal(await page.locator('#wh-channel').count(), 0, 'the channel is asked for a partner system only')
    await page.locator('[data-test=wh-partner]').click()
    await pick(page, page.locator('#wh-channel'), { value: v.channel })
    if (v.signed) await page.locator('[data-test=wh-signed]').click()
    assert.equal(await page.locator('#wh-format').isDisabled(), true, 'a partner\'s format is json')
    await dlg.locator('[data-test=webhook-save]').click()
    const urlError = dlg.locator('.el-form-item.is-error', { has: page.locator('#wh-url') }).locator('.el-form-item__error')
    await urlError.waitFor()
    await shot(page, `partner-webhook-form-${v.lang}`)
    assert.match(await text(urlError), /http:\/\/|https:\/\//, 'the API\'s message, beside the field it names')
    await page.locator('#wh-url').fill('http://127.0.0.1:9/redress/callback')
    await dlg.locator('[data-test=webhook-save]').click()
    await dlg.waitFor({ state: 'hidden' })
    const row = page.locator('[data-test=webhook-table] .el-table__body tr', { hasText: v.name })
    await row.waitFor()
    assert.equal(await text(page.locator(`[data-test=channel-${v.name}]`)), v.channelLabel)
    await shot(page, `partner-webhooks-${v.lang}`)
    if (v.signed) assert.match(await text(row), new RegExp(v.yes))
    const admin = await apiLogin('admin')
    const hook = (await apiCall('GET', '/webhooks', { token: admin })).data.items.find((w) => w.name === v.name)
    assert.equal(hook.channel, v.channel)
    assert.equal(hook.signed, v.signed)
    assert.equal(hook.format, 'json')
    assert.equal(hook.unit.code, 'SH-PD-01')
    assert.ok(!('secret' in hook) && !(await text(page.locator('[data-test=webhook-table]'))).includes(secret), 'the secret is never shown')
    // replacing it: the name is its key, the secret is not shown back, the partner's settings come back as they were
    await page.locator(`[data-test=edit-${v.name}]`).click()
    await dlg.waitFor()
    assert.equal(await page.locator('#wh-name').isDisabled(), true)
    assert.equal(await page.locator('#wh-secret').inputValue(), '')
    assert.equal(await page.locator('#wh-channel').count(), 1)
    // saved with the secret left empty: it keeps its own (the signed intake below still passes)
    await page.locator('#wh-url').fill('http://127.0.0.1:9/redress/callback2')
    await dlg.locator('[data-test=webhook-save]').click()
    await dlg.waitFor({ state: 'hidden' })
    const kept = (await apiCall('GET', '/webhooks', { token: admin })).data.items.find((w) => w.name === v.name)
    assert.equal(kept.url, 'http://127.0.0.1:9/redress/callback2')

    // its token, made on the Tokens page
    await page.goto(BASE + '/#/admin/tokens')
    await page.locator('[data-test=token-table]').waitFor()
    await page.locator('[data-test=add-token]').click()
    const tokenName = `${v.name} backend`
    await page.locator('#tk-name').fill(tokenName)
    await pick(page, page.locator('#tk-user'), { text: '(agent1)' })
    await pick(page, page.locator('[data-test=tk-partner]'), { value: v.name })
    await page.locator('[data-test=tk-partner-hint]').waitFor()
    await shot(page, `partner-token-form-${v.lang}`)
    assert.match(await text(page.locator('[data-test=tk-partner-hint]')), new RegExp(v.channelLabel))
    await page.locator('[data-test=token-save]').click()
    const secretBox = page.locator('input[data-test=token-secret]')
    await secretBox.waitFor()
    const token = await secretBox.inputValue()
    assert.match(token, /^rd_t_/)
    await page.locator('[data-test=token-secret-done]').click()
    await secretBox.waitFor({ state: 'hidden' })
    await page.locator(`[data-test="partner-${tokenName}"]`).waitFor()
    assert.equal(await text(page.locator(`[data-test="partner-${tokenName}"]`)), v.name)
    assert.ok(!(await text(page.locator('[data-test=token-table]'))).includes(token.slice(5)), 'the list never shows the secret')

    // the token works: a signed intake lands on the partner's channel, once per reference
    const ref = `P-${run}-${v.lang}`
    const body = { external_ref: ref, customer: { name: '王先生', phone: freshPhone() }, subject_unit: 'SH-PD-01',
      category: 'service.attitude', description: '加油员态度恶劣。' }
    const first = await partnerIntake(token, secret, body)
    assert.equal(first.status, 201, JSON.stringify(first.data))
    assert.equal(first.data.partner, v.name)
    assert.equal(first.data.external_ref, ref)
    const again = await partnerIntake(token, secret, body)
    assert.equal(again.status, 200, JSON.stringify(again.data))
    assert.equal(again.data.duplicate, true)
    assert.equal(again.data.number, first.data.number)

    // the complaint it sent shows its reference and partner
    await page.goto(`${BASE}/#/complaints/${first.data.number}`)
    await page.locator('.detail-page[data-busy=no]').waitFor()
    assert.equal(await text(page.locator('[data-test=detail-external-ref]')), ref)
    assert.equal(await text(page.locator('[data-test=detail-partner]')), v.name)
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}

test('an administrator deletes a webhook after confirming', async () => {
  const admin = await apiLogin('admin')
  const name = `pd-wecom-${run}`
  const put = await apiCall('PUT', `/webhooks/${name}`, { token: admin, body: {
    unit: 'SH-PD', url: 'http://127.0.0.1:9/robot', secret: 'a long random string', format: 'wecom' } })
  assert.equal(put.status, 200, JSON.stringify(put.data))
  const page = await newPage(browser.context, DESK)
  await login(page, 'admin')
  await useLanguage(page, 'zh')
  await page.goto(BASE + '/#/admin/webhooks')
  const row = page.locator('[data-test=webhook-table] .el-table__body tr', { hasText: name })
  await row.waitFor()
  assert.match(await text(row), /企业微信/)
  assert.match(await text(row), /—/, 'no channel: not a partner')
  await page.locator(`[data-test=delete-${name}]`).click()
  const box = page.locator('.el-message-box')
  await box.waitFor()
  assert.match(await text(box), new RegExp(name))
  const answered = page.waitForResponse((res) => res.url().endsWith(`/webhooks/${name}`) && res.request().method() === 'DELETE')
  await box.getByRole('button', { name: /OK|确定/ }).click()
  assert.equal((await answered).status(), 204)
  await row.waitFor({ state: 'detached' })
  const left = (await apiCall('GET', '/webhooks', { token: admin })).data.items.map((w) => w.name)
  assert.ok(!left.includes(name))
  assert.deepEqual(page.errors, [])
  await page.close()
})

/** Fills the intake form with a call that carries another system's reference, reads it back and saves it. */
async function intake(page, ref) {
  await page.locator('#f-phone').fill(freshPhone())
  await page.locator('#f-name').fill('李女士')
  await page.locator('#f-external-ref').fill(ref)
  await choose(page, page.locator('#f-unit'), 'SH-PD-01', 'SH-PD-01')
  await choose(page, page.locator('#f-category'), 'service.attitude', /服务态度|Staff attitude/)
  await page.locator('#f-desc').fill('12345 热线转来：加油员拒开发票。')
  await page.locator('[data-test=to-confirm]').click()
  const summary = page.locator('[data-test=confirm-summary]')
  await summary.waitFor()
  assert.ok((await text(summary)).includes(ref), 'the read-back shows the reference')
  await page.locator('[data-test=confirm-save]').click()
  const result = page.locator('[data-test=intake-result]')
  await result.waitFor()
  return result
}

for (const v of [
  { lang: 'zh', size: DESK, already: '已登记为工单', created: '工单已保存' },
  { lang: 'en', size: PHONE, already: 'already registered as complaint', created: 'saved' },
]) {
  test(`an agent records another system's reference; the same reference again names the first complaint (${v.lang}, ${v.size.width}px)`, async () => {
    const ref = `12345-${run}-${v.lang}`
    const page = await newPage(browser.context, v.size)
    await login(page, 'agent1')
    await useLanguage(page, v.lang)
    await page.locator('[data-test=intake-form]').waitFor()

    const first = await intake(page, ref)
    assert.equal(await page.locator('[data-test=intake-duplicate]').count(), 0)
    const number = (await text(first)).match(/TS\d{8}-\d+/)[0]
    const got = (await apiCall('GET', `/complaints/${number}`, { token: await apiLogin('agent1') })).data
    assert.equal(got.external_ref, ref)

    await page.locator('[data-test=new-intake]').click()
    await page.locator('[data-test=intake-form]').waitFor()
    const second = await intake(page, ref)
    const dup = page.locator('[data-test=intake-duplicate]')
    await dup.waitFor()
    const said = await text(second)
    assert.ok(said.includes(v.already) && said.includes(number) && said.includes(ref), said)
    assert.ok(!said.includes(v.created), `not "created": ${said}`)
    await shot(page, `partner-intake-duplicate-${v.lang}`)
    // nothing new was taken in: the reference finds one complaint
    const found = (await apiCall('GET', `/complaints?q=${encodeURIComponent(ref)}`, { token: await apiLogin('agent1') })).data.items
    assert.deepEqual(found.map((c) => c.number), [number])

    // the message links the complaint that holds the reference; its detail shows it
    await page.locator('[data-test=duplicate-link]').click()
    await page.locator('.detail-page[data-busy=no]').waitFor()
    assert.equal(await text(page.locator('[data-test=detail-number]')), number)
    assert.equal(await text(page.locator('[data-test=detail-external-ref]')), ref)
    assert.equal(await page.locator('[data-test=detail-partner]').count(), 0, 'taken by an agent: no partner')
    await shot(page, `partner-detail-${v.lang}`)
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}
