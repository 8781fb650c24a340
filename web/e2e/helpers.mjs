// Shared set-up for the browser tests: Debian's chromium via playwright-core.
import { before, after } from 'node:test'
import { chromium } from 'playwright-core'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const BASE = (process.env.REDRESS_URL || 'http://127.0.0.1:8093').replace(/\/+$/, '')
export const PASSWORD = process.env.REDRESS_DEMO_PASSWORD || 'redress-demo'
const here = path.dirname(fileURLToPath(import.meta.url))
export const SHOTS = process.env.REDRESS_SCREENSHOTS || path.join(here, '..', '..', 'docs', 'screenshots')

export async function launch() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1366, height: 860 },
  })
  const close = async () => {
    await context.close().catch(() => {})
    fs.rmSync(userDataDir, { recursive: true, force: true })
  }
  return { context, close }
}

/** A fresh page; collects page errors and CSP violations so tests can assert none happened. */
export async function newPage(context, { width = 1366, height = 860 } = {}) {
  const page = await context.newPage()
  await page.setViewportSize({ width, height })
  page.errors = []
  page.on('pageerror', (e) => page.errors.push(String(e)))
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) page.errors.push(m.text())
  })
  return page
}

export async function login(page, username, password = PASSWORD) {
  await page.goto(BASE + '/#/login')
  await page.evaluate(() => { sessionStorage.clear() })
  await page.goto(BASE + '/#/login')
  await page.locator('#login-username').fill(username)
  await page.locator('#login-password').fill(password)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForFunction(() => !location.hash.startsWith('#/login'), null, { timeout: 15000 })
  await page.locator('.el-main .page').first().waitFor({ timeout: 15000 })
}

/** A screenshot into SHOTS; fullPage: false keeps to the window (a long table). */
export async function shot(page, name, { fullPage = true } = {}) {
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.waitForTimeout(300)
  await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage })
}

/** A page laid out on a phone: nothing wider than the 360-pixel screen, its screenshot taken, no script error. */
export async function fitsPhone(page, name) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  if (width > 360) throw new Error(`fits a phone: ${width}`)
  await shot(page, name)
  if (page.errors.length) throw new Error(`script errors: ${JSON.stringify(page.errors)}`)
}

/** Text of the element, whitespace collapsed. */
export async function text(loc) {
  return (await loc.innerText()).replace(/\s+/g, ' ').trim()
}

/** Calls the API directly (setup and cross-checks). */
export async function apiCall(method, p, { token, body, headers } = {}) {
  const res = await fetch(BASE + '/api/v1' + p, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}), ...(headers || {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  const t = await res.text()
  let data = null
  try { data = t ? JSON.parse(t) : null } catch { data = t }
  return { status: res.status, data }
}
export async function apiLogin(username, password = PASSWORD) {
  const r = await apiCall('POST', '/auth/login', { body: { username, password } })
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.data)}`)
  return r.data.token
}

/** A phone number unlikely to exist yet. */
export function freshPhone() {
  return '139' + String(Date.now() % 1e8).padStart(8, '0')
}

/** An appeal (a complaint through the regulator's channel) taken by agent1 about unit, received at receivedAt; its JSON. */
export async function appealComplaint({ unit, receivedAt, description }) {
  const token = await apiLogin('agent1')
  const c = await apiCall('POST', '/complaints', { token, body: {
    channel: 'regulator', appeal_source: '12315', received_at: receivedAt,
    customer: { name: '申诉人', phone: freshPhone() }, subject_unit: unit, category: 'service.attitude', description } })
  if (c.status !== 201) throw new Error(`appeal intake: ${c.status} ${JSON.stringify(c.data)}`)
  return c.data
}

/** Picks an option of an Element Plus select (by data-value or visible text). */
export async function pick(page, select, { value, text: label }) {
  await select.click()
  await page.waitForTimeout(150)
  const opts = page.locator('.el-select-dropdown__item:visible')
  const opt = value != null ? opts.and(page.locator(`[data-value="${value}"]`)) : opts.filter({ hasText: label })
  // the dropdown opened last is appended last to the body
  const chosen = opt.last()
  // A single select closes its dropdown once the option is taken; a click
  // that lands while the dropdown is still opening can be lost, leaving it
  // open over the next field. Wait for it to close; click again if it did not.
  for (let i = 0; i < 3; i++) {
    await chosen.click()
    if (await chosen.waitFor({ state: 'hidden', timeout: 1500 }).then(() => true, () => false)) return
  }
}

/** Types a date-time ("YYYY-MM-DD HH:mm") into an Element Plus date picker and commits it. */
export async function fillDateTime(page, input, value) {
  await input.click()
  await input.fill(value)
  await input.press('Enter')
  await page.waitForTimeout(150)
}

/** Types query into a filterable select and clicks the first option showing label (text or RegExp). */
export async function choose(page, select, query, label) {
  await select.click()
  await page.keyboard.type(query)
  const opt = page.locator('.el-select-dropdown__item:visible', { hasText: label }).first()
  await opt.waitFor()
  await opt.click()
  await opt.waitFor({ state: 'hidden' })
}

/** Types into a filterable select and takes the first match with Enter. */
export async function typeAhead(page, select, query) {
  await select.click()
  await page.keyboard.type(query, { delay: 20 })
  await page.waitForTimeout(250)
  await page.keyboard.press('Enter')
}

/**
 * Takes a workflow action on the open complaint detail page through its
 * generated form. fields: { name: { value } | { unit } | 'text' }.
 */
export async function act(page, action, fields = {}) {
  // wait until the page has finished reloading after the previous step
  await page.locator('.detail-page[data-busy=no]').waitFor({ timeout: 15000 })
  const btn = page.locator(`[data-test=actions] [data-action="${action}"]`)
  await btn.waitFor({ timeout: 10000 })
  const before = await page.locator('[data-test=detail-status]').innerText()
  await btn.click()
  const dlg = page.locator(`.action-dialog:visible`)
  await dlg.waitFor()
  for (const [name, v] of Object.entries(fields)) {
    const el = dlg.locator(`[data-field="${name}"]`).first()
    if (typeof v === 'string') {
      // Element Plus puts the attribute on the native input / textarea itself
      const tag = await el.evaluate((n) => n.tagName)
      await (tag === 'INPUT' || tag === 'TEXTAREA' ? el : el.locator('input, textarea').first()).fill(v)
    } else if (v.datetime) {
      await fillDateTime(page, el.locator('input').first(), v.datetime)
    } else if (v.unit) {
      await typeAhead(page, el, v.unit)
    } else if (v.value != null) {
      await pick(page, el, { value: v.value })
    }
  }
  await dlg.locator('[data-test=action-submit]').click()
  await dlg.waitFor({ state: 'hidden', timeout: 15000 })
  await page.locator('.detail-page[data-busy=no]').waitFor({ timeout: 15000 })
  return before
}

/** Saves the filled workbench form: Ctrl+Enter, the read-back, save; returns the number given. */
export async function saveIntake(page) {
  await page.keyboard.press('Control+Enter')
  await page.locator('[data-test=readback]').waitFor()
  await page.locator('[data-test=confirm-save]').click()
  const result = page.locator('[data-test=intake-result]')
  await result.waitFor({ timeout: 15000 })
  return (await text(result)).match(/TS\d{8}-\d+/)[0]
}

export async function statusText(page) {
  return (await page.locator('[data-test=detail-status]').innerText()).trim()
}

/** A work order in handling: taken by agent1, dispatched to `unit`, accepted by `handler`. */
export async function handlingComplaint({ unit = 'SH-PD-01', handler = 'pd01', description = '加油员态度生硬，拒绝解释价格。', ...extra } = {}) {
  const agent = await apiLogin('agent1')
  const c = await apiCall('POST', '/complaints', { token: agent, body: {
    channel: 'phone', customer: { name: '测试客户', phone: freshPhone() }, subject_unit: unit,
    category: 'service.attitude', description, ...extra } })
  if (c.status !== 201) throw new Error('intake: ' + JSON.stringify(c.data))
  const d = await apiCall('POST', `/complaints/${c.data.id}/actions/dispatch`, { token: agent, body: { unit } })
  if (d.status !== 200) throw new Error('dispatch: ' + JSON.stringify(d.data))
  if (handler) {
    const a = await apiCall('POST', `/complaints/${c.data.id}/actions/accept`, { token: await apiLogin(handler), body: {} })
    if (a.status !== 200) throw new Error('accept: ' + JSON.stringify(a.data))
    return a.data
  }
  return d.data
}

/** An instant as RFC 3339 in +08:00, the organisation's zone. */
export function cst(ms) {
  const d = new Date(ms + 8 * 3600 * 1000)
  return d.toISOString().slice(0, 19) + '+08:00'
}

/**
 * The database of the server under test, for `redress sweep`: REDRESS_DB,
 * else read from the command line of the redress process listening on the
 * port of REDRESS_URL (scripts/run-e2e.sh starts it with a fresh database in
 * a temporary directory and does not export the path). Null when unknown.
 */
export function serverDatabase() {
  if (process.env.REDRESS_DB) return process.env.REDRESS_DB
  const port = new URL(BASE).port
  let pids = []
  try { pids = fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x)) } catch { return null }
  for (const pid of pids) {
    let args
    try { args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') } catch { continue }
    if (!args.length || !/(^|\/)redress$/.test(args[0])) continue
    const opt = (name) => {
      const i = args.indexOf(name)
      if (i >= 0) return args[i + 1]
      const eq = args.find((a) => a.startsWith(name + '='))
      return eq ? eq.slice(name.length + 1) : null
    }
    let env = {}
    try {
      env = Object.fromEntries(fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]))
    } catch { /* not ours to read */ }
    const listen = opt('--listen') || env.REDRESS_LISTEN || '127.0.0.1:8080'
    if (!listen.endsWith(':' + port)) continue
    let db = opt('--db') || env.REDRESS_DB || 'sqlite:data/redress.db'
    const m = /^sqlite:(.*)$/.exec(db)
    if (m && !path.isAbsolute(m[1])) {
      try { db = 'sqlite:' + path.join(fs.readlinkSync(`/proc/${pid}/cwd`), m[1]) } catch { return null }
    }
    return db
  }
  return null
}
/** The redress binary that runs the sweeper. */
export const REDRESS_BIN = process.env.REDRESS_BIN || path.join(here, '..', '..', 'build', 'redress')

/** Picks a language in the header's switch ("English", "中文"). */
export async function chooseLanguage(page, label) {
  await page.locator('[data-test=lang-switch]').first().click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: label }).click()
}

/** Sets the page's language to lang ('zh' or 'en') unless it is already; the choice outlives the page. */
export async function useLanguage(page, lang) {
  const want = lang === 'en' ? 'en' : 'zh-CN'
  if ((await page.evaluate(() => document.documentElement.lang)) === want) return
  await chooseLanguage(page, lang === 'en' ? 'English' : '中文')
  await page.waitForFunction((l) => document.documentElement.lang === l, want)
}

/** A new page of size {width, height}, signed in as username, in lang ('zh' or 'en'), at the app's hash path. */
export async function pageAs(browser, username, size, lang, hashPath) {
  const page = await newPage(browser.context, size)
  await login(page, username)
  await useLanguage(page, lang)
  await page.goto(`${BASE}/#${hashPath}`)
  return page
}

/**
 * Ends a page's test: it fits its viewport's width, is shot as name, saw no
 * script errors; the language goes back to lang when given; then it closes.
 */
export async function finishPage(page, name, { lang } = {}) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  const viewport = page.viewportSize().width
  if (width > viewport) throw new Error(`${name}: ${width} px wide in a ${viewport} px viewport`)
  await shot(page, name)
  if (page.errors.length) throw new Error(`${name}: script errors ${JSON.stringify(page.errors)}`)
  if (lang) await useLanguage(page, lang)
  await page.close()
}

/**
 * The file's browser and a configuration version of its own (packVersion
 * with reason and change), set up before its tests and rolled back after
 * them. Returns {browser}, filled in before the first test.
 */
export function withPackVersion(reason, change) {
  const env = {}
  before(async () => {
    env.browser = await launch()
    env.restore = await packVersion(reason, change)
  })
  after(async () => {
    await env.restore()
    await env.browser.close()
  })
  return env
}

/**
 * Activates a new configuration version: the active pack as change(pack)
 * leaves it, saved as the administrator with reason. Returns a function
 * that activates the version active before again (for after()).
 */
export async function packVersion(reason, change) {
  const token = await apiLogin('admin')
  const restore = (await apiCall('GET', '/config/versions', { token })).data.active
  const pack = (await apiCall('GET', `/config/versions/${restore}`, { token })).data.pack
  change(pack)
  const r = await apiCall('POST', '/config/versions', { token, body: { reason, pack } })
  if (r.status !== 201) throw new Error(`new configuration version: ${r.status} ${JSON.stringify(r.data)}`)
  return () => apiCall('POST', `/config/versions/${restore}/activate`, { token, body: { reason: '恢复' } })
}
