// The weight of the public portal's first load (issue #24's budget: at most
// 300 KB compressed) and, for comparison, of the staff sign-in page:
//   REDRESS_URL=http://127.0.0.1:8080 node bench/ui/portal-weight.mjs
// against a running `redress demo`; prints one line per page and the files
// of each with -v. The numbers go into bench/RESULTS.md.
import { launch, newPage, BASE } from '../../web/e2e/helpers.mjs'
import { pageWeight } from '../../web/e2e/weight.mjs'

const verbose = process.argv.includes('-v')
const pages = [
  ['portal', '/#/portal', '[data-test=portal-form]'],
  ['portal track', '/#/portal/track', '[data-test=track-form]'],
  ['staff login', '/#/login', '#login-username'],
]
for (const [name, hash, sel] of pages) {
  // a fresh browser for each page: nothing cached, a first visit
  const { context, close } = await launch()
  try {
    const page = await newPage(context, { width: 360, height: 740 })
    const w = await pageWeight(page, BASE + hash, () => page.locator(sel).waitFor())
    const kb = (n) => `${n} B (${(n / 1024).toFixed(1)} KiB)`
    console.log(`${name.padEnd(14)} files ${String(w.files.length).padStart(3)}  unpacked ${kb(w.raw).padStart(22)}  sent ${kb(w.wire).padStart(21)}  gzip -6 ${kb(w.gzip).padStart(21)}`)
    if (verbose) for (const f of w.files) console.log(`    ${f.path.padEnd(48)} ${String(f.raw).padStart(8)} ${String(f.wire).padStart(8)} ${String(f.gzip).padStart(8)}`)
  } finally {
    await close()
  }
}
