// Migration 013 on a database of an older version: the reopens, escalations,
// supervisions and last revisit result that the reports count are filled from each
// complaint's data, on SQLite and on PostgreSQL, and the database verifies.
// An edit of one of those columns is named by verify.
// (The older schema is made by taking the columns away again and forgetting
// the migration, so the upgrade runs on data of every kind the demo writes.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, runSqlite, runPsql, isPgUrl, pgCreateDatabase, pgDatabaseUrl, pgDropDatabase, DEMO_PASSWORD } from './lib.mjs';

const admin = process.env.REDRESS_TEST_DB_URL;
const pg = isPgUrl(admin);

test(`an upgraded ${pg ? 'PostgreSQL' : 'SQLite'} database counts what its complaints' data says`, { timeout: 300e3 }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-upgrade-'));
  const name = pg ? await pgCreateDatabase(admin) : null;
  const url = pg ? pgDatabaseUrl(admin, name) : `sqlite:${path.join(tmp, 't.db')}`;
  const env = { REDRESS_KEY_FILE: path.join(tmp, 'k.key') };
  const sql = (q) => (pg ? runPsql(url, q) : runSqlite(url.slice('sqlite:'.length), q));
  try {
    const demo = await runCli(['demo', '--db', url, '--no-serve', '--demo-password', DEMO_PASSWORD], { env, timeoutMs: 120e3 });
    assert.equal(demo.code, 0, demo.stderr);
    const count = `SELECT COUNT(*), SUM(CASE WHEN reopens > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN escalations > 0 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN revisit <> '' THEN 1 ELSE 0 END), SUM(supervisions) FROM complaints`;
    const before = (await sql(count)).trim();
    const [, reopened, escalated, revisited] = before.split('|').map(Number);
    assert.ok(reopened > 0 && escalated > 0 && revisited > 0, `the demo has each: ${before}`);
    await sql(pg ? 'ALTER TABLE complaints DROP COLUMN reopens, DROP COLUMN escalations, DROP COLUMN revisit, DROP COLUMN supervisions; DELETE FROM schema_version WHERE version = 13'
      : 'DROP INDEX complaints_report; ALTER TABLE complaints DROP COLUMN reopens; ALTER TABLE complaints DROP COLUMN escalations; ALTER TABLE complaints DROP COLUMN revisit; ALTER TABLE complaints DROP COLUMN supervisions; DELETE FROM schema_version WHERE version = 13');
    const m = await runCli(['migrate', '--db', url], { env });
    assert.equal(m.code, 0, m.stderr);
    assert.equal((await sql(count)).trim(), before, 'the same counts after the upgrade');
    const v = await runCli(['verify', '--db', url], { env, timeoutMs: 120e3 });
    assert.equal(v.code, 0, v.stdout + v.stderr);
    // The columns are derived data: an edit of one is named by verify.
    await sql("UPDATE complaints SET reopens = reopens + 1 WHERE id = (SELECT MIN(id) FROM complaints)");
    const edited = await runCli(['verify', '--db', url], { env, timeoutMs: 120e3 });
    assert.equal(edited.code, 1, edited.stdout + edited.stderr);
    assert.match(edited.stdout + edited.stderr, /the reports' column "reopens" differs from its events/);
  } finally {
    if (pg) await pgDropDatabase(admin, name);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
