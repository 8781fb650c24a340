// What a page costs to load: every response the page fetched while it came
// up (the document, scripts, styles, fonts, images; not the API's JSON),
// with its size as sent and as gzip would send it. The server sends the UI
// uncompressed, so the compressed size is gzip's (level 6, what `gzip` and
// most reverse proxies use) of each body: the same bytes on every run.
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
    }), () => null)
    seen.push(p)
  }
  page.on('response', onResponse)
  await page.goto(url, { waitUntil: 'networkidle' })
  if (ready) await ready()
  page.off('response', onResponse)
  const files = (await Promise.all(seen)).filter(Boolean)
  const sum = (k) => files.reduce((n, f) => n + f[k], 0)
  return { files, raw: sum('raw'), gzip: sum('gzip') }
}
