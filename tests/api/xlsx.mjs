// Reads back the XLSX files Redress exports, as a spreadsheet user would see
// them: each sheet's name and its rows of cells (strings as strings, numbers
// as numbers), with the column widths, the frozen header and the number
// formats. Only what the tests check; a zip is read through its central
// directory with node's zlib.
import zlib from 'node:zlib';

// The members of a zip: Map name → Buffer.
export function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd > 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd <= 0) throw new Error('not a zip file');
  const files = new Map();
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = buf.readUInt16LE(eocd + 10); n > 0; n--) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('a broken central directory');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28), xlen = buf.readUInt16LE(p + 30), clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nlen).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + csize);
    files.set(name, method === 0 ? Buffer.from(data) : zlib.inflateRawSync(data));
    p += 46 + nlen + xlen + clen;
  }
  return files;
}

const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&apos;/g, "'").replace(/&amp;/g, '&');

// Column letters → 0-based index: A → 0, AA → 26.
function colIndex(ref) {
  let n = 0;
  for (const ch of ref.match(/^[A-Z]+/)[0]) n = n * 26 + ch.charCodeAt(0) - 64;
  return n - 1;
}

// { sheets: [{ name, rows: [[cell…]…], widths: [w…], frozen: bool, formats: [[code|null…]…] }] }
export function readXlsx(buf) {
  const files = unzip(Buffer.from(buf));
  const text = (name) => files.has(name) ? files.get(name).toString('utf8') : '';
  const shared = [...text('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)]
    .map((m) => unescape([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
  const styles = text('xl/styles.xml');
  const numFmts = new Map([...styles.matchAll(/<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/g)]
    .map((m) => [Number(m[1]), unescape(m[2])]));
  const xfs = [...(styles.match(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/) || ['', ''])[1].matchAll(/<xf [^>]*?numFmtId="(\d+)"/g)]
    .map((m) => numFmts.get(Number(m[1])) || null);
  const names = [...text('xl/workbook.xml').matchAll(/<sheet name="([^"]*)"/g)].map((m) => unescape(m[1]));
  const sheets = names.map((name, i) => {
    const xml = text(`xl/worksheets/sheet${i + 1}.xml`);
    const rows = [], formats = [];
    for (const r of xml.matchAll(/<row r="(\d+)"[^>]*>([\s\S]*?)<\/row>/g)) {
      const row = [], fmt = [];
      for (const c of r[2].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const k = colIndex(c[1]);
        const type = (c[2].match(/t="(\w+)"/) || [])[1];
        const style = Number((c[2].match(/s="(\d+)"/) || [0, 0])[1]);
        const body = c[3] || '';
        let v = null;
        if (type === 'inlineStr') v = unescape([...body.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join(''));
        else if (type === 's') v = shared[Number(body.match(/<v>(\d+)<\/v>/)[1])];
        else if (/<v>/.test(body)) v = Number(body.match(/<v>([^<]*)<\/v>/)[1]);
        if (/<f>/.test(body)) v = { formula: unescape(body.match(/<f>([\s\S]*?)<\/f>/)[1]) };
        row[k] = v;
        fmt[k] = xfs[style] || null;
      }
      rows[Number(r[1]) - 1] = row;
      formats[Number(r[1]) - 1] = fmt;
    }
    const widths = [];
    for (const m of xml.matchAll(/<col min="(\d+)" max="(\d+)" width="([\d.]+)"/g)) {
      for (let k = Number(m[1]); k <= Number(m[2]); k++) widths[k - 1] = Number(m[3]);
    }
    return { name, rows, formats, widths, frozen: /state="frozen"/.test(xml) };
  });
  return { sheets };
}

// The bytes of a GET as `username` (fetch would decode them as text).
export async function getBytes(srv, username, p) {
  const token = await srv.login(username);
  const r = await fetch(srv.url(`/api/v1${p}`), { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}
