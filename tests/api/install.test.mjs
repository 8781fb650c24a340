// One file is the product: the binary carries the policy packs and the
// demo's data, so `init` and `demo` work from any directory; a directory
// given with --packs still overrides them; and an init that is refused
// (an unknown or invalid pack, a weak password) leaves nothing behind.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BIN, REPO_ROOT } from './lib.mjs';

// Runs the binary in a fresh directory outside the source tree, with no key
// file setting (it then goes beside the database).
function inScratch(fn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redress-install-'));
  const env = { ...process.env };
  delete env.REDRESS_KEY_FILE;
  delete env.REDRESS_PACKS;
  const run = (args) => spawnSync(BIN, args, { cwd: dir, env, encoding: 'utf8', timeout: 120000 });
  try {
    return fn(dir, run);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('init with a built-in pack, outside the source tree', () => inScratch((dir, run) => {
  const r = run(['init', '--pack', 'telecom', '--db', `sqlite:${dir}/t.db`, '--admin-password', 'Telecom-boss-2026']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /initialised with pack/);
  assert.ok(fs.existsSync(path.join(dir, 't.db')));
}));

test('demo outside the source tree', () => inScratch((dir, run) => {
  const r = run(['demo', '--db', `sqlite:${dir}/d.db`, '--no-serve', '--demo-password', 'redress-demo']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /agent1/);
}));

test('a refused init leaves no database and no key file', () => inScratch((dir, run) => {
  let r = run(['init', '--pack', 'no-such-pack', '--db', `sqlite:${dir}/x.db`, '--admin-password', 'Str0ng-enough-pass']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /built-in packs: .*gas-station/);
  fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ name: 'bad', units: 'none' }));
  r = run(['init', '--pack', `${dir}/bad.json`, '--db', `sqlite:${dir}/x.db`, '--admin-password', 'Str0ng-enough-pass']);
  assert.notEqual(r.status, 0);
  r = run(['init', '--pack', 'gas-station', '--db', `sqlite:${dir}/x.db`, '--admin-password', '12345678']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--admin-password/);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f !== 'bad.json'), []);
}));

test('--packs DIR overrides the built-in packs', () => inScratch((dir, run) => {
  fs.mkdirSync(path.join(dir, 'mine'));
  let r = run(['init', '--pack', 'telecom', '--packs', `${dir}/mine`, '--db', `sqlite:${dir}/p.db`,
    '--admin-password', 'Str0ng-enough-pass']);
  assert.notEqual(r.status, 0, 'not in the given directory');
  assert.match(r.stderr, /mine\/telecom\.json/);
  fs.copyFileSync(path.join(REPO_ROOT, 'packs', 'telecom.json'), path.join(dir, 'mine', 'telecom.json'));
  r = run(['init', '--pack', 'telecom', '--packs', `${dir}/mine`, '--db', `sqlite:${dir}/p.db`,
    '--admin-password', 'Str0ng-enough-pass']);
  assert.equal(r.status, 0, r.stderr);
}));

test('restore puts a backup back, its old log gone, and refuses what is not one', () => inScratch((dir, run) => {
  const db = `sqlite:${dir}/live.db`;
  let r = run(['demo', '--db', db, '--no-serve', '--demo-password', 'redress-demo']);
  assert.equal(r.status, 0, r.stderr);
  r = run(['backup', '--db', db, `${dir}/b.db`]);
  assert.equal(r.status, 0, r.stderr);
  r = run(['user', 'add', 'later1', '--name', '备份后', '--roles', 'agent', '--unit', 'SH-CSC',
    '--password', 'Later-user-pass-7', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  fs.writeFileSync(`${dir}/live.db-wal`, 'a log that must not be replayed onto the restored file');

  r = run(['restore', `${dir}/b.db`, '--db', db]);
  assert.notEqual(r.status, 0, 'an existing database needs --force');
  assert.match(r.stderr, /--force/);
  r = run(['restore', `${dir}/b.db`, '--db', db, '--force']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!fs.existsSync(`${dir}/live.db-wal`));
  assert.equal(fs.statSync(`${dir}/live.db`).mode & 0o777, 0o600);
  r = run(['user', 'list', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /later1/, 'the user added after the backup is gone');
  assert.match(r.stdout, /agent1/);
  r = run(['verify', '--db', db]);
  assert.equal(r.status, 0, r.stdout + r.stderr);

  fs.writeFileSync(`${dir}/junk.db`, 'not a database at all');
  r = run(['restore', `${dir}/junk.db`, '--db', `sqlite:${dir}/new.db`]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /not a sound SQLite database/);
  assert.ok(!fs.existsSync(`${dir}/new.db`) && !fs.existsSync(`${dir}/new.db.restoring`));
}));
