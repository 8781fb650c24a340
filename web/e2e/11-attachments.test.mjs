// Evidence on a 360 px phone: files uploaded from the complaint page (with
// their progress), an image shown as a thumbnail served by the API, the
// upload in the history, a file removed with a reason; then the printable
// work order and case report, with the evidence listed, room for
// signatures and no navigation.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, shot, text, BASE, apiCall, apiLogin, freshPhone } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

// A 2×2 red PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a7300000010' +
  '49444154789c63f8cfc000440c100a001fee03fd8b5f14d40000000049454e44ae426082', 'hex')
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')

test('360 px: upload photos and a letter, see the thumbnail, remove one with a reason, print the work order', async () => {
  const token = await apiLogin('agent1')
  const made = await apiCall('POST', '/complaints', {
    token,
    body: { channel: 'phone', customer: { name: '赵女士', phone: freshPhone(), class: 'ordinary' }, subject_unit: 'SH-PD-01',
      category: 'service.attitude', description: '收银员多收了钱，有小票为证。', demand: '退还多收款项', level: 3 },
  })
  assert.equal(made.status, 201, JSON.stringify(made.data))
  const id = made.data.id

  const page = await newPage(browser.context, { width: 360, height: 760 })
  await login(page, 'agent1')
  await page.goto(`${BASE}/#/complaints/${id}`)
  const panel = page.locator('[data-test=attachments]')
  await panel.waitFor()
  // On a phone the camera is offered beside the file picker.
  await panel.locator('[data-test=attach-photo]').waitFor()
  assert.equal(await panel.locator('[data-test=attach-camera]').getAttribute('accept'), 'image/*')
  assert.equal(await panel.locator('[data-test=attach-camera]').getAttribute('capture'), 'environment')

  await panel.locator('[data-test=attach-input]').setInputFiles([
    { name: '小票.png', mimeType: 'image/png', buffer: PNG },
    { name: '投诉信.pdf', mimeType: 'application/pdf', buffer: PDF },
  ])
  await panel.locator('[data-file="小票.png"]').waitFor({ timeout: 15000 })
  await panel.locator('[data-file="投诉信.pdf"]').waitFor({ timeout: 15000 })
  // The thumbnail is the image itself, served by the API to the signed-in page.
  const thumb = panel.locator('[data-file="小票.png"] [data-test=attach-thumb]')
  await thumb.scrollIntoViewIfNeeded() // thumbnails load lazily, when they come into view
  await page.waitForFunction((el) => el.complete && el.naturalWidth === 2, await thumb.elementHandle(), { timeout: 10000 })
  // The uploads are steps of the history.
  await page.locator('[data-test=timeline] [data-event=attach]').first().waitFor({ timeout: 10000 })
  assert.equal(await page.locator('[data-test=timeline] [data-event=attach]').count(), 2)
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`)
  await shot(page, 'attachments-mobile')

  // Remove the letter, with a reason.
  await panel.locator('[data-file="投诉信.pdf"] [data-test=attach-remove]').click()
  const box = page.locator('.el-message-box')
  await box.locator('input').fill('上传错了文件')
  await box.locator('.el-button--primary').click()
  await panel.locator('[data-file="投诉信.pdf"] [data-test=attach-removed]').waitFor({ timeout: 10000 })
  assert.match(await text(panel.locator('[data-file="投诉信.pdf"] [data-test=attach-removed]')), /上传错了文件/)
  await page.locator('[data-test=timeline] [data-event=detach]').waitFor({ timeout: 10000 })
  assert.deepEqual(page.errors, [])

  // The printable work order: the record, the evidence, signatures, no navigation.
  await page.locator('[data-test=print-order]').click()
  await page.locator('[data-test=print-title]').waitFor()
  assert.equal(await text(page.locator('[data-test=print-title]')), '投诉工单')
  assert.match(await text(page.locator('[data-test=print-attachments]')), /小票\.png/)
  assert.match(await text(page.locator('[data-test=print-signatures]')), /经办人.*审核人.*负责人/)
  assert.equal(await page.locator('nav').count(), 0, 'no navigation on the printed page')
  await page.emulateMedia({ media: 'print' })
  assert.equal(await page.locator('.no-print').first().isVisible(), false, 'the buttons are not printed')
  await page.emulateMedia({ media: 'screen' })
  await page.locator('[data-test=print-kind]').getByText('结案报告').click()
  await page.waitForFunction(() => document.querySelector('[data-test=print-title]')?.innerText === '结案报告')
  assert.deepEqual(page.errors, [])
  await page.close()
})

test('files chosen on the intake form are attached to the complaint it saves', async () => {
  const page = await newPage(browser.context)
  await login(page, 'agent1')
  await page.locator('#f-phone').fill(freshPhone())
  await page.locator('#f-name').fill('钱先生')
  await page.locator('#f-unit').click()
  await page.keyboard.type('SH-PD-02', { delay: 20 })
  await page.waitForTimeout(200)
  await page.keyboard.press('Enter')
  await page.locator('#f-category').click()
  await page.keyboard.type('加油效率', { delay: 20 })
  await page.waitForTimeout(200)
  await page.keyboard.press('Enter')
  await page.locator('#f-desc').fill('排队太久，附上小票照片。')
  await page.locator('[data-test=intake-files]').setInputFiles([{ name: '排队小票.png', mimeType: 'image/png', buffer: PNG }])
  assert.match(await text(page.locator('[data-test=intake-files-list]')), /排队小票\.png/)
  await page.keyboard.press('Control+Enter')
  await page.locator('[data-test=confirm-save]').click()
  const result = page.locator('[data-test=intake-result]')
  await result.waitFor({ timeout: 15000 })
  const number = (await text(result)).match(/TS\d{8}-\d+/)[0]
  const token = await apiLogin('agent1')
  const files = await apiCall('GET', `/complaints/${number}/attachments`, { token })
  assert.equal(files.status, 200)
  assert.deepEqual(files.data.items.map((f) => [f.name, f.type]), [['排队小票.png', 'image/png']])
  assert.deepEqual(page.errors, [])
  await page.close()
})
