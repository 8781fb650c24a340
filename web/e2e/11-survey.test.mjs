// Hearing back from the customer in the browser: the agent's revisit form
// asks the survey's questions in order; a survey link made on the complaint
// page is answered by the customer on a 360 px phone without signing in,
// once; the answers show on the complaint; after a dissatisfied revisit a
// supervisor closes without agreement.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, newPage, login, shot, text, apiCall, apiLogin, handlingComplaint, act } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

async function walkToReplied() {
  const c = await handlingComplaint({ description: '加油员收款时态度冷淡，找零有误。' })
  const pd01 = await apiLogin('pd01')
  const agent = await apiLogin('agent1')
  for (const [token, action, body] of [
    [pd01, 'resolve', { resolution_type: 'solution', resolution: '核对监控后补齐找零并道歉', nature: 'valid' }],
    [agent, 'reply', { method: 'phone', content: '已电话告知处理结果', reaction: 'accepts' }],
  ]) {
    const r = await apiCall('POST', `/complaints/${c.id}/actions/${action}`, { token, body })
    if (r.status !== 200) throw new Error(`${action}: ${JSON.stringify(r.data)}`)
  }
  return c
}

test('the agent reads the survey out on the phone: stars per question, the answers on the complaint', async () => {
  const c = await walkToReplied()
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  await page.goto(`${BASE}/#/complaints/${c.id}`)
  await page.locator('.detail-page[data-busy=no]').waitFor()
  await page.locator('[data-test=actions] [data-action=revisit]').click()
  const dlg = page.locator('.action-dialog:visible')
  await dlg.waitFor()
  const questions = dlg.locator('[data-field=answers] [data-question]')
  assert.deepEqual(await questions.evaluateAll((qs) => qs.map((q) => q.dataset.question)).then((x) => x.slice(0, 3)),
    ['result', 'process', 'staff'], 'the questions in the pack\'s order')
  assert.match(await text(questions.first()), /处理结果是否满意/)
  // four stars for the result, five for the staff, with the customer's words
  await questions.nth(0).locator('.el-rate__item').nth(3).click()
  await questions.nth(2).locator('.el-rate__item').nth(4).click()
  await questions.nth(2).locator('[data-test=survey-words]').fill('站长很耐心')
  await shot(page, 'survey-revisit-form')
  await dlg.locator('[data-field=method]').click()
  await page.locator('.el-select-dropdown:visible [data-value=phone]').click()
  await dlg.locator('[data-field=result]').click()
  await page.locator('.el-select-dropdown:visible [data-value=satisfied]').click()
  await dlg.locator('[data-test=action-submit]').click()
  await dlg.waitFor({ state: 'hidden', timeout: 15000 })
  await page.locator('.detail-page[data-busy=no]').waitFor()
  const block = page.locator('[data-block=revisit]')
  await block.waitFor()
  const shown = await text(block)
  assert.match(shown, /处理结果是否满意？ ★★★★☆ 满意/, shown)
  assert.match(shown, /工作人员的服务是否满意？ ★★★★★ 很满意/, shown)
  assert.match(await text(page.locator('[data-block=reply]')), /认可/, 'the customer\'s reaction at the reply')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('a survey link answered on a 360 px phone, once, without signing in; a supervisor then closes without agreement', async () => {
  const c = await walkToReplied()
  const desk = await newPage(browser.context)
  await login(desk, 'agent1')
  await desk.goto(`${BASE}/#/complaints/${c.id}`)
  await desk.locator('.detail-page[data-busy=no]').waitFor()
  await desk.locator('[data-test=survey-link]').click()
  const url = await desk.locator('[data-test=survey-url]').inputValue()
  assert.match(url, /\/#\/survey\/rd_v_/)
  await desk.close()

  // The customer's phone: no session (the browser's cookies cleared).
  const cust = await newPage(browser.context, { width: 360, height: 740 })
  await browser.context.clearCookies()
  await cust.goto(BASE + '/#/survey/' + url.split('/#/survey/')[1])
  await cust.locator('[data-test=survey-page] [data-question]').first().waitFor()
  assert.match(await text(cust.locator('[data-test=survey-page]')), new RegExp(c.number))
  const width = await cust.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 360, `no sideways scrolling at 360 px: ${width}`)
  await cust.locator('[data-test=survey-submit]').click()
  await cust.locator('.el-alert--error').waitFor() // nothing scored yet
  const qs = cust.locator('[data-test=survey-page] [data-question]')
  await qs.nth(0).locator('.el-rate__item').nth(1).click() // two stars: dissatisfied
  await qs.nth(1).locator('.el-rate__item').nth(2).click()
  await cust.locator('[data-test=survey-remarks]').fill('找零问题处理得太慢')
  await shot(cust, 'survey-portal-phone')
  await cust.locator('[data-test=survey-submit]').click()
  await cust.locator('[data-test=survey-done]').waitFor()
  await cust.reload()
  await cust.locator('[data-test=survey-gone]').waitFor()
  assert.deepEqual(cust.errors, [])
  await cust.close()

  const sup = await newPage(browser.context)
  await login(sup, 'super1')
  await sup.goto(`${BASE}/#/complaints/${c.id}`)
  await sup.locator('.detail-page[data-busy=no]').waitFor()
  const revisit = await text(sup.locator('[data-block=revisit]'))
  assert.match(revisit, /客户自助问卷/, revisit)
  assert.match(revisit, /不满意/, revisit)
  assert.match(revisit, /需跟进/, revisit)
  await act(sup, 'close_unaccepted', {
    cause: '高峰时段找零核对不及时', responsibility: { value: 'company' }, responsible_unit: { unit: 'SH-PD-01' },
    responsible_person: '收银员 王芳', corrective_action: '收银员重新培训找零流程',
    explanation: '已向客户说明找零差额已补齐并致歉，公司不另行赔偿；客户仍不认可',
  })
  assert.equal((await text(sup.locator('[data-test=detail-status]'))), '已结案')
  assert.match(await text(sup.locator('[data-block=closing]')), /不认可结案\s*是/)
  assert.deepEqual(sup.errors, [])
  await sup.close()
})
