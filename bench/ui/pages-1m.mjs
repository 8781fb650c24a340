// Every staff page of the router, as the role that uses it, against a
// running server (bench/ui/run-1m.sh starts one on a million complaints):
//   REDRESS_URL=http://127.0.0.1:8080 node bench/ui/pages-1m.mjs [-v] [name…]
// A load is a full navigation (a new document, the app's code from the
// browser's cache, the session from its cookie) at desk size, 1440×900.
// It is interactive when the page's content is shown (its selector) and no
// call to /api/ is pending, none having started for QUIET ms; the time is
// the later of the content's appearance and the last API call's end, from
// the navigation's start (the page's own clock). Each page is loaded once
// to warm the server, then BENCH_RUNS (default 5) times; the table gives
// the median, the maximum, the API calls of a load and the slowest of them.
// Exits 1 when a page's median is over BENCH_BUDGET_MS (default 1,000).
import { launch, newPage, login, apiLogin, apiCall, BASE } from '../../web/e2e/helpers.mjs'

const RUNS = Number(process.env.BENCH_RUNS || 5)
const BUDGET = Number(process.env.BENCH_BUDGET_MS || 1000)
const QUIET = 250
const verbose = process.argv.includes('-v')
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'))

// The complaints the detail pages open: the newest of an agent's open
// queue, and an appeal.
const agent = await apiLogin('agent1')
const queue = await apiCall('GET', '/complaints?limit=1', { token: agent })
const appeals = await apiCall('GET', '/complaints?kind=appeal&status=&limit=1', { token: agent })
const first = queue.data?.items?.[0]?.id
const appeal = appeals.data?.items?.[0]?.id
if (!first || !appeal) throw new Error('no complaint to open: ' + JSON.stringify([queue, appeals]).slice(0, 400))

// [name, role, hash path, selector of its content once loaded]
const pages = [
  ['workbench (intake)', 'agent1', '/workbench', '[data-test=new-intake], form'],
  ['complaints (default)', 'agent1', '/complaints', '.el-table__row, .el-table__empty-text'],
  ['complaints search 油品', 'agent1', '/complaints?q=' + encodeURIComponent('油品'), '[data-test=search-total]'],
  ['complaints (all statuses)', 'super1', '/complaints?status=', '.el-table__row, .el-table__empty-text'],
  ['my complaints', 'pd01', '/mine', '.el-table__row, .el-table__empty-text'],
  ['mail intake', 'agent1', '/mail', '[data-test=mail-table]'],
  ['complaint detail', 'agent1', '/complaints/' + first, '[data-test=detail-number]'],
  ['appeal detail', 'super1', '/complaints/' + appeal, '[data-test=detail-number]'],
  ['print order', 'agent1', '/print/' + first, '[data-test=print-title]'],
  ['supervisor board', 'super1', '/board', '[data-test=kpis]'],
  ['supervisor board (region)', 'pdmgr', '/board', '[data-test=kpis]'],
  ['reports centre', 'manager1', '/reports', '[data-test=report-tiles]'],
  ['penalty ledger', 'pdmgr', '/penalties', '[data-test=ledger-count]'],
  ['incidents', 'super1', '/incidents', '[data-test=incident-list]'],
  ['announcements/faults', 'super1', '/announcements', '[data-test=fault-list]'],
  ['customer data', 'super1', '/customers', '[data-test=customer-rights]'],
  ['audit log', 'auditor1', '/audit', '.el-table__row, .el-table__empty-text'],
  ['users', 'admin', '/admin/users', '[data-test=user-table] .el-table__row'],
  ['units', 'admin', '/admin/units', '[data-test=unit-table] .el-table__row'],
  ['config', 'admin', '/admin/config', '[data-section=time_limits] .el-table__row'],
  ['config versions', 'admin', '/admin/config/versions', '[data-test=config-versions]'],
  ['calendars', 'admin', '/admin/calendars', '[data-test=cal-select]'],
  ['tokens', 'admin', '/admin/tokens', '[data-test=token-table]'],
  ['webhooks', 'admin', '/admin/webhooks', '[data-test=webhook-table]'],
  ['mailboxes', 'admin', '/admin/mailboxes', '[data-test=mailbox-table]'],
  ['outbox', 'admin', '/admin/outbox', '[data-test=outbox-table] .el-table__row, [data-test=outbox-table] .el-table__empty-text'],
  ['imports', 'admin', '/imports', '[data-test=import-mapping], [data-test=import-no-mappings]'],
].filter(([name]) => !only.length || only.some((o) => name.includes(o)))

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }

/** One full load of hash on page; its interactive time and API calls. */
async function load(page, hash, selector) {
  let pending = 0
  let lastChange = Date.now()
  const isApi = (r) => r.url().includes('/api/')
  const up = (r) => { if (isApi(r)) { pending++; lastChange = Date.now() } }
  const down = (r) => { if (isApi(r)) { pending--; lastChange = Date.now() } }
  page.on('request', up)
  page.on('requestfinished', down)
  page.on('requestfailed', down)
  try {
    await page.goto('about:blank')
    pending = 0
    await page.goto(BASE + '/#' + hash, { waitUntil: 'commit' })
    await page.locator(selector).first().waitFor({ timeout: 30000 })
    const shown = await page.evaluate(() => performance.now())
    const deadline = Date.now() + 30000
    while (pending > 0 || Date.now() - lastChange < QUIET) {
      if (Date.now() > deadline) throw new Error(`${hash}: API calls still pending`)
      await new Promise((r) => setTimeout(r, 20))
    }
    const api = await page.evaluate(() => performance.getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/'))
      .map((e) => ({ path: e.name.replace(/^.*\/api\/v1/, ''), start: e.startTime, end: e.responseEnd, ms: e.duration })))
    if (page.url().includes('#/login')) throw new Error(`${hash}: sent to the sign-in page`)
    const ends = api.map((a) => a.end)
    return { ms: Math.max(shown, ...ends), api }
  } finally {
    page.off('request', up)
    page.off('requestfinished', down)
    page.off('requestfailed', down)
  }
}

const rows = []
let failed = false
const byRole = new Map()
for (const p of pages) { if (!byRole.has(p[1])) byRole.set(p[1], []); byRole.get(p[1]).push(p) }
for (const [role, list] of byRole) {
  const { context, close } = await launch()
  try {
    const page = await newPage(context, { width: 1440, height: 900 })
    await login(page, role)
    for (const [name, , hash, selector] of list) {
      await load(page, hash, selector) // warm the server and the browser's cache
      const runs = []
      for (let i = 0; i < RUNS; i++) runs.push(await load(page, hash, selector))
      const ms = runs.map((r) => r.ms)
      const last = runs[runs.length - 1].api
      const slowest = last.reduce((a, b) => (b.ms > (a?.ms ?? -1) ? b : a), null)
      const row = { name, role, median: median(ms), max: Math.max(...ms), calls: last.length, slowest }
      rows.push(row)
      if (row.median > BUDGET) failed = true
      if (verbose) for (const a of last) console.log(`    ${name}: ${a.path} ${a.ms.toFixed(0)} ms`)
      if (page.errors.length) console.log(`    ${name}: page errors ${page.errors.join(' | ')}`)
    }
  } finally {
    await close()
  }
}
const w = [28, 9, 10, 8, 5]
console.log(['page'.padEnd(w[0]), 'role'.padEnd(w[1]), 'median ms'.padStart(w[2]), 'max ms'.padStart(w[3]),
  'API'.padStart(w[4]), '  slowest API call'].join(' '))
for (const r of rows) {
  const s = r.slowest ? `${r.slowest.ms.toFixed(0)} ms ${r.slowest.path}` : '-'
  console.log([r.name.padEnd(w[0]), r.role.padEnd(w[1]), r.median.toFixed(0).padStart(w[2]), r.max.toFixed(0).padStart(w[3]),
    String(r.calls).padStart(w[4]), '  ' + s].join(' ') + (r.median > BUDGET ? '  OVER' : ''))
}
process.exit(failed ? 1 : 0)
