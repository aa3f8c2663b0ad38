import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { CLIENT_ID, runCommand, type CommandResult } from '../support/gateway-harness.js';
import { sha256, type CompatBackend, type CompatTarget } from './compat-backends.js';

const MIB = 1024 * 1024;
/** 2021-03-04 05:06:07 UTC: a time no upload made today could have by accident. */
const KEPT_MTIME_S = 1614834367;

/** OpenSSH's `sftp -b` and `scp` (SFTP mode, OpenSSH 9's default) against one backend. */
export function describeOpenSshClients(backend: CompatBackend): void {
  describe(`OpenSSH sftp and scp on ${backend.name}`, () => {
    let target: CompatTarget;
    before(async () => {
      target = await backend.start();
    });
    after(async () => {
      await target.close();
    });

    const localFile = async (name: string, bytes: Buffer): Promise<string> => {
      const path = join(target.harness.dir, name);
      await writeFile(path, bytes);
      return path;
    };

    it('put lands the exact bytes and get brings them back', async () => {
      const bytes = randomBytes(3 * MIB + 17);
      const local = await localFile('put.bin', bytes);
      const copy = join(target.harness.dir, 'put.copy');

      const result = await target.harness.sftpBatch([
        `put ${local} inbox/put.bin`, `get inbox/put.bin ${copy}`,
      ]);

      assert.equal(result.code, 0, result.stderr);
      assert.equal(await target.landedSha256('inbox/put.bin'), sha256(bytes));
      assert.equal(sha256(await readFile(copy)), sha256(bytes));
    });

    it('put -p keeps the modification time, and ls -l and get -p report it back', async () => {
      const local = await localFile('kept.csv', Buffer.from('id,visit\n1,2021-03-04\n'));
      await utimes(local, KEPT_MTIME_S, KEPT_MTIME_S);
      const copy = join(target.harness.dir, 'kept.copy');

      const result = await target.harness.sftpBatch([
        `put -p ${local} inbox/kept.csv`, 'ls -l inbox/kept.csv', `get -p inbox/kept.csv ${copy}`,
      ]);

      assert.equal(result.code, 0, result.stderr);
      assert.equal((await target.landedStat('inbox/kept.csv'))?.mtimeMs, KEPT_MTIME_S * 1000);
      assert.match(result.stdout, /Mar {2}4 {2}2021 inbox\/kept\.csv/);
      assert.equal((await stat(copy)).mtimeMs, KEPT_MTIME_S * 1000);
    });

    it('reput resumes a partial upload from its end', async () => {
      const bytes = randomBytes(2 * MIB + 333);
      const partial = await localFile('resume.part', bytes.subarray(0, MIB + 5));
      const whole = await localFile('resume.bin', bytes);

      const first = await target.harness.sftpBatch([`put ${partial} inbox/resume.bin`]);
      const resumed = await target.harness.sftpBatch([`reput ${whole} inbox/resume.bin`]);

      assert.equal(first.code, 0, first.stderr);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(await target.landedSha256('inbox/resume.bin'), sha256(bytes));
    });

    it('reget resumes a partial download from its end', async () => {
      const bytes = randomBytes(2 * MIB + 999);
      const local = await localFile('reget.bin', bytes);
      const copy = await localFile('reget.copy', bytes.subarray(0, 700_000));

      const upload = await target.harness.sftpBatch([`put ${local} inbox/reget.bin`]);
      const resumed = await target.harness.sftpBatch([`reget inbox/reget.bin ${copy}`]);

      assert.equal(upload.code, 0, upload.stderr);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(sha256(await readFile(copy)), sha256(bytes));
    });

    it('makes a folder, renames into it, lists it long, reports space, removes both', async () => {
      const local = await localFile('moved.csv', Buffer.from('a,b\n1,2\n'));

      const result = await target.harness.sftpBatch([
        'mkdir inbox/staging', `put ${local} inbox/staging.tmp`,
        'rename inbox/staging.tmp inbox/staging/moved.csv',
        'ls -l inbox/staging', 'df inbox', 'rm inbox/staging/moved.csv', 'rmdir inbox/staging',
      ]);

      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^-rw-\S* +\d+ +\S+ +\S+ +8 +\w{3} +\d+ +[\d:]+ +moved\.csv$/m);
      assert.match(result.stdout, /Size +Used +Avail/);
      assert.equal(await target.landedStat('inbox/staging.tmp'), undefined);
      assert.equal(await target.landedStat('inbox/staging/moved.csv'), undefined);
      assert.equal(await target.landedStat('inbox/staging'), undefined);
    });

    it('exits 1 and stops at a refused line; a "-" line goes on and exits 0', async () => {
      const local = await localFile('note.txt', Buffer.from('note\n'));

      const stopped = await target.harness.sftpBatch([
        `put ${local} outbox/note.txt`, `put ${local} inbox/after-stop.txt`,
      ]);
      const continued = await target.harness.sftpBatch([
        '-rm inbox/never-there.txt', `-put ${local} outbox/note.txt`, `put ${local} inbox/went-on.txt`,
      ]);

      assert.equal(stopped.code, 1);
      assert.equal(await target.landedStat('inbox/after-stop.txt'), undefined);
      assert.equal(continued.code, 0, continued.stderr);
      assert.equal(await target.landedSha256('inbox/went-on.txt'), sha256(Buffer.from('note\n')));
    });

    it('scp uploads, rewrites a longer file in place to the shorter size, and downloads', async () => {
      const long = randomBytes(MIB + 100);
      const short = randomBytes(4000);
      const copy = join(target.harness.dir, 'scp.copy');

      const first = await scp(target, [await localFile('scp-long.bin', long), remote('inbox/scp.bin')]);
      const second = await scp(target, [await localFile('scp-short.bin', short), remote('inbox/scp.bin')]);
      const back = await scp(target, [remote('inbox/scp.bin'), copy]);

      for (const result of [first, second, back]) assert.equal(result.code, 0, result.stderr);
      assert.equal(await target.landedSha256('inbox/scp.bin'), sha256(short));
      assert.equal(sha256(await readFile(copy)), sha256(short));
    });

    it('scp -p keeps the modification time; scp into the outbox exits 1', async () => {
      const local = await localFile('scp-kept.csv', Buffer.from('x\n'));
      await utimes(local, KEPT_MTIME_S, KEPT_MTIME_S);

      const kept = await scp(target, ['-p', local, remote('inbox/scp-kept.csv')]);
      const refused = await scp(target, [local, remote('outbox/scp-kept.csv')]);

      assert.equal(kept.code, 0, kept.stderr);
      assert.equal((await target.landedStat('inbox/scp-kept.csv'))?.mtimeMs, KEPT_MTIME_S * 1000);
      assert.equal(refused.code, 1);
      assert.equal(await target.landedStat('outbox/scp-kept.csv'), undefined);
    });
  });
}

function remote(clientPath: string): string {
  return `${CLIENT_ID}@127.0.0.1:${clientPath}`;
}

/** OpenSSH scp (SFTP protocol, the default since OpenSSH 9.0) as client acme, host key pinned. */
function scp(target: CompatTarget, args: string[]): Promise<CommandResult> {
  const { harness } = target;
  return runCommand('scp', [
    '-F', '/dev/null', '-q', '-P', String(harness.port), '-i', harness.keyFile, '-o', 'IdentitiesOnly=yes',
    '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${harness.knownHostsFile}`, '-o', 'GlobalKnownHostsFile=/dev/null', ...args,
  ]);
}
