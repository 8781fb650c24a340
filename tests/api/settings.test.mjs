// Settings that decide how the store is reached are checked before anything
// is opened: a value out of range stops the command with a message naming
// the setting, from the flag and from the environment alike.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from './lib.mjs';

test('--db-connect-timeout in range is taken', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-settings-'));
  try {
    const r = await runCli(['migrate', '--db', `sqlite:${dir}/s.db`, '--db-connect-timeout', '30']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /schema version \d+/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const [name, bad] of [['db-connect-timeout', '0'], ['db-connect-timeout', '301'], ['db-connect-timeout', 'soon'],
  ['db-pool', '0']]) {
  test(`--${name} ${bad} is refused, naming the setting`, async () => {
    const r = await runCli(['verify', '--db', 'sqlite:/nonexistent/redress.db', `--${name}`, bad]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`--${name}: expected`));
  });
}

test('REDRESS_DB_CONNECT_TIMEOUT is checked like the flag', async () => {
  const r = await runCli(['verify', '--db', 'sqlite:/nonexistent/redress.db'], { env: { REDRESS_DB_CONNECT_TIMEOUT: '-3' } });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /--db-connect-timeout: expected/);
});
