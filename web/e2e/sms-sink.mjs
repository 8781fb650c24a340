// A stand-in SMS gateway for the browser tests: takes the server's signed
// POSTs ({id, to, text}) on 127.0.0.1:PORT, answers 200, and appends each
// message as a line of JSON to FILE, which the tests read (what a customer's
// phone received). `node sms-sink.mjs PORT FILE`; GET / answers when ready.
import http from 'node:http'
import fs from 'node:fs'

const [port, file] = process.argv.slice(2)
http.createServer((req, res) => {
  if (req.method !== 'POST') { res.end('ready'); return }
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    fs.appendFileSync(file, Buffer.concat(chunks).toString('utf8').replace(/\n/g, ' ') + '\n')
    res.end('{"ok":true}')
  })
}).listen(Number(port), '127.0.0.1')
// Stopped by the script that started it: a normal end, not a failure.
process.on('SIGTERM', () => process.exit(0))
