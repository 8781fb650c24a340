// Holds N live streams (GET /api/v1/events/stream) open on a server until
// it is killed, as N open pages would: signs in once as USER (the sign-in
// rate limit forbids a session each) and reads every event. Prints "READY n" once all are open, then
// every 5 s "EVENTS total" (complaint and notification events received).
//   node bench/live/streams.mjs PORT N [USER]
const [port, n = '100', user = 'super1'] = process.argv.slice(2)
const base = `http://127.0.0.1:${port}/api/v1`
let events = 0

async function login() {
  const r = await fetch(base + '/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: 'redress-demo' }) })
  if (r.status !== 200) throw new Error(`login: ${r.status} ${await r.text()}`)
  return (await r.json()).token
}

async function open(token) {
  const res = await fetch(base + '/events/stream', { headers: { authorization: `Bearer ${token}` } })
  if (res.status !== 200) throw new Error(`stream: ${res.status} ${await res.text()}`)
  const reader = res.body.getReader()
  const dec = new TextDecoder()
  let ready
  const opened = new Promise((r) => { ready = r })
  ;(async () => {
    let buf = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buf += dec.decode(value, { stream: true })
      let at
      while ((at = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, at)
        buf = buf.slice(at + 2)
        if (block.includes('event: ready')) ready()
        else if (/event: (complaint|notification)/.test(block)) events++
      }
    }
  })()
  return opened
}

const token = await login()
for (let i = 0; i < Number(n); i++) await open(token)
console.log(`READY ${n}`)
setInterval(() => console.log(`EVENTS ${events}`), 5000)
