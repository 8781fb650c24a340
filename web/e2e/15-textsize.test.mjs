// The larger-text setting of the user menu (issue #24): the text of the
// pages and of their controls grows, the choice outlives a reload, and it
// goes back to normal — at both sizes.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, login, BASE } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const fontOf = (page, sel) => page.locator(sel).first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize))

async function choose(page, size) {
  await page.locator('[data-test=user-menu]').click()
  await page.locator(`[data-test=menu-text-${size}]:visible`).click()
}

for (const vp of [{ width: 1440, height: 900 }, { width: 360, height: 740 }]) {
  test(`${vp.width} px: 大字号 enlarges text and controls, kept after a reload`, async () => {
    const page = await newPage(browser.context, vp)
    await login(page, 'agent1')
    await page.evaluate(() => localStorage.removeItem('redress.textSize'))
    await page.goto(BASE + '/#/workbench')
    await page.reload()
    const input = '.workbench .el-input__inner'
    await page.locator(input).first().waitFor()
    const base = await fontOf(page, input)
    const baseH = await page.locator('.workbench .el-input__wrapper').first().evaluate((e) => e.getBoundingClientRect().height)
    const baseTitle = await fontOf(page, '.page-title h1')

    await choose(page, 'larger')
    assert.equal(await page.evaluate(() => document.documentElement.dataset.textSize), 'larger')
    const big = await fontOf(page, input)
    assert.ok(big >= base * 1.25, `input text ${base}px → ${big}px`)
    const bigH = await page.locator('.workbench .el-input__wrapper').first().evaluate((e) => e.getBoundingClientRect().height)
    assert.ok(bigH > baseH, `the field grows with it: ${baseH} → ${bigH}`)
    assert.ok(await fontOf(page, '.page-title h1') >= baseTitle, 'headings do not shrink')

    await page.reload()
    await page.locator(input).first().waitFor()
    assert.equal(await fontOf(page, input), big, 'kept after a reload')
    await page.locator('[data-test=user-menu]').click()
    assert.equal(await page.locator('[data-test=menu-text-larger]:visible').getAttribute('data-current'), 'yes')
    await page.keyboard.press('Escape')
    await page.locator('[data-test=menu-text-larger]').waitFor({ state: 'hidden' })

    await choose(page, 'normal')
    assert.equal(await fontOf(page, input), base, 'back to normal')
    if (vp.width <= 600) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`)
    }
    assert.deepEqual(page.errors, [])
    await page.close()
  })
}
