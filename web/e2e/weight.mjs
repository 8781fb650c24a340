// What a page costs to load: every response the page fetched while it came
// up (the document, scripts, styles, fonts, images; not the API's JSON),
// with its size unpacked (raw), as it went over the wire (wire: the
// server sends a file's gzip, made at build, to a browser that takes it),
// and as gzip level 6 would send it (gzip: what `gzip` and most reverse
// proxies make of each body, the same bytes on every run).
import zlib from 'node:zlib'

export async function pageWeight(page, url, ready) {
  const seen = []
  const onResponse = async (res) => {
    const u = new URL(res.url())
    if (u.pathname.startsWith('/api/')) return
    const p = res.body().then((b) => ({
      path: u.pathname, type: res.request().resourceType(), raw: b.length,
      gzip: zlib.gzipSync(b, { level: 6 }).length,
      encoding: res.headers()['content-encoding'] || '',
      wire: res.headers()['content-encoding'] ? Number(res.headers()['content-length']) : b.length,
    }), () => null)
    seen.push(p)
  }
  page.on('response', onResponse)
  await page.goto(url, { waitUntil: 'networkidle' })
  if (ready) await ready()
  page.off('response', onResponse)
  const files = (await Promise.all(seen)).filter(Boolean)
  const sum = (k) => files.reduce((n, f) => n + f[k], 0)
  return { files, raw: sum('raw'), wire: sum('wire'), gzip: sum('gzip') }
}
