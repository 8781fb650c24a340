// An IMAP server for the e-mail intake's tests (Debian dovecot-imapd):
// started on 127.0.0.1:PORT with a temporary configuration in DIR (its
// run and state directories, a maildir, a passwd-file with one user), in
// the foreground as an unprivileged user, and stopped by the test. Dovecot
// refuses to run its login processes as root: when the tests run as root,
// every process of it runs as nobody, which then owns the maildir.
// Messages arrive by APPEND (curl's IMAP upload), as a mail server
// delivering them would put them there.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { greets } from './lib.mjs';

function account() {
  if (process.getuid() !== 0) {
    const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
    return { user: os.userInfo().username, group, uid: process.getuid(), gid: process.getgid() };
  }
  const id = (flag) => execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim();
  return { user: 'nobody', group: id('-gn'), uid: Number(id('-u')), gid: Number(id('-g')) };
}

async function until(pred, what, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Starts dovecot; resolves to { append(raw), stop() } once it greets.
export async function startImap(port, dir, user, password) {
  const a = account();
  fs.mkdirSync(path.join(dir, 'home'), { recursive: true });
  fs.chmodSync(dir, 0o755);
  fs.chownSync(path.join(dir, 'home'), a.uid, a.gid);
  fs.writeFileSync(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}\n`);
  fs.writeFileSync(path.join(dir, 'dovecot.conf'), `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
instance_name = redress-test-${port}
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${a.uid} gid=${a.gid} home=${dir}/home/%u
}
mail_location = maildir:~/Maildir
default_internal_user = ${a.user}
default_internal_group = ${a.group}
default_login_user = ${a.user}
first_valid_uid = 0
service imap-login {
  chroot =
  inet_listener imap {
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`);
  const child = spawn('/usr/sbin/dovecot', ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: ['ignore', 'inherit', 'inherit'] });
  await until(() => greets(port, '* OK'), 'dovecot to greet');
  let n = 0;
  return {
    append(raw) {
      n += 1;
      const file = path.join(dir, `append-${n}.eml`);
      fs.writeFileSync(file, raw);
      execFileSync('curl', ['-sS', '--fail', '-u', `${user}:${password}`, `imap://127.0.0.1:${port}/INBOX`, '-T', file]);
      fs.rmSync(file);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
