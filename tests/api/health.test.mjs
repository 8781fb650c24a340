// GET /api/v1/health tells a load balancer whether this node can serve:
// 200 while the database takes reads and writes; 503 with a JSON body
// naming what fails while writes fail (a full disk, a lost or read-only
// database) even though reads still work, and 200 again once writes work.
// Failing writes are stood in for by a trigger that refuses the health
// check's own write, installed and removed from outside the server.

import assert from 'node:assert/strict';
import { useServer, runSqlite, runPsql, sleep, describe } from './lib.mjs';

// No background merge of the search index: any write that commits vouches
// for the store, and the stand-in below refuses only the health check's own.
const srv = useServer({ env: { REDRESS_SEARCH_MERGE_INTERVAL: '0' } });

const FAIL_SQLITE = `
  CREATE TRIGGER health_fail_ins BEFORE INSERT ON health_probe BEGIN SELECT RAISE(ABORT, 'disk full'); END;
  CREATE TRIGGER health_fail_upd BEFORE UPDATE ON health_probe BEGIN SELECT RAISE(ABORT, 'disk full'); END;`;
const HEAL_SQLITE = 'DROP TRIGGER health_fail_ins; DROP TRIGGER health_fail_upd;';
const FAIL_PG = `
  CREATE FUNCTION health_fail() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$;
  CREATE TRIGGER health_fail BEFORE INSERT OR UPDATE ON health_probe FOR EACH ROW EXECUTE FUNCTION health_fail();`;
const HEAL_PG = 'DROP TRIGGER health_fail ON health_probe; DROP FUNCTION health_fail();';

const sql = (text) => (srv.isSqlite ? runSqlite(srv.dbPath, text) : runPsql(srv.dbUrl, text));

// Polls health until its status is `status` (the check may rely on a write
// that committed a moment ago); returns the answer.
async function healthBecomes(status) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const r = await srv.api('GET', '/health');
    if (r.status === status || Date.now() > deadline) return r;
    await sleep(200);
  }
}

srv.test('health is 200 with read and write ok while the database takes writes', async () => {
  const r = await srv.api('GET', '/health');
  assert.equal(r.status, 200, describe(r));
  assert.equal(r.json.status, 'ok');
  assert.equal(r.json.read, 'ok');
  assert.equal(r.json.write, 'ok');
});

srv.test('health is 503 naming the failing writes while reads still work, and 200 once writes work again', async () => {
  const token = await srv.login('agent1'); // signing in writes: before writes fail
  await sql(srv.isSqlite ? FAIL_SQLITE : FAIL_PG);
  try {
    const down = await healthBecomes(503);
    assert.equal(down.status, 503, `writes fail: ${describe(down)}`);
    assert.match(down.headers.get('content-type'), /application\/json/);
    assert.equal(down.json.status, 'unavailable');
    assert.equal(down.json.read, 'ok');
    assert.equal(down.json.write, 'failing');
    assert.match(down.json.message, /writes/);
    // Reads are still served meanwhile, and the node stays out.
    assert.equal((await srv.api('GET', '/units', { token })).status, 200);
    assert.equal((await srv.api('GET', '/health')).status, 503, 'it stays out while writes fail');
  } finally {
    await sql(srv.isSqlite ? HEAL_SQLITE : HEAL_PG);
  }
  const up = await healthBecomes(200);
  assert.equal(up.status, 200, `back once writes work: ${describe(up)}`);
});
