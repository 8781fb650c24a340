// Slow and idle clients for bench/slowloris.sh: opens N connections to
// 127.0.0.1:PORT from one local address (another of 127.0.0.0/8, so that the
// clients measured from 127.0.0.1 are "other clients" to the server). Half
// send nothing; half send a request line and then one header line every
// DRIP seconds, never finishing (a slowloris). A connection the server
// closes — refused over a limit, or at a deadline — is opened again after
// AGAIN seconds (0: never), so the pressure stays. Prints "ready" once every
// connection has been tried, then a status line every 5 s:
//   open=… opened=… closed_by_server=…
//
//   node bench/slowloris.mjs PORT N [LOCAL_ADDRESS=127.0.0.2] [DRIP=15] [AGAIN=1]

import net from 'node:net';

const [port, n, local = '127.0.0.2', drip = '15', again = '1'] = process.argv.slice(2);
const N = Number(n);
const DRIP_MS = Number(drip) * 1000;
let open = 0;
let opened = 0;
let closedByServer = 0;
let stopping = false;

function client(i) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: Number(port), localAddress: local });
    let timer = null;
    let up = false;
    s.on('connect', () => {
      up = true;
      open++;
      opened++;
      if (i % 2) {
        s.write(`GET /api/v1/health HTTP/1.1\r\nHost: bench\r\n`);
        timer = setInterval(() => s.write(`X-Slow-${i}: ${Date.now()}\r\n`), DRIP_MS);
      }
      resolve();
    });
    s.on('error', () => { /* refused or reset: 'close' follows */ });
    s.on('close', () => {
      clearInterval(timer);
      if (up) { open--; closedByServer++; }
      resolve();
      if (!stopping && Number(again) > 0) setTimeout(() => client(i), Number(again) * 1000);
    });
  });
}

// Connect in waves, so that the listen queue never overflows.
for (let i = 0; i < N; i += 500) {
  await Promise.all(Array.from({ length: Math.min(500, N - i) }, (_, k) => client(i + k)));
}
console.log(`ready open=${open} opened=${opened} closed_by_server=${closedByServer}`);
setInterval(() => console.log(`open=${open} opened=${opened} closed_by_server=${closedByServer}`), 5000);
process.on('SIGTERM', () => { stopping = true; process.exit(0); });
