import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { CLIENT_ID, runCommand, type CommandResult } from '../support/gateway-harness.js';
import { sha256, type CompatBackend, type CompatTarget } from './compat-backends.js';

const MIB = 1024 * 1024;
const KEPT_MTIME_S = 1614834367;

/** rclone, lftp and curl (libssh2) against one backend. */
export function describeToolClients(backend: CompatBackend): void {
  describe(`rclone, lftp and curl on ${backend.name}`, () => {
    let target: CompatTarget;
    before(async () => {
      target = await backend.start();
    });
    after(async () => {
      await target.close();
    });

    const localFolder = async (name: string, files: Record<string, Buffer>): Promise<string> => {
      const folder = join(target.harness.dir, name);
      await mkdir(folder, { recursive: true });
      for (const [file, bytes] of Object.entries(files)) {
        await writeFile(join(folder, file), bytes);
        await utimes(join(folder, file), KEPT_MTIME_S, KEPT_MTIME_S);
      }
      return folder;
    };

    it('rclone copy and sync land the bytes with their times, and a second sync copies nothing', async () => {
      const files = {
        'a.csv': randomBytes(3 * MIB + 1), 'b.csv': randomBytes(1000), 'c.csv': Buffer.alloc(0),
      };
      const folder = await localFolder('rclone-src', files);

      const copied = await rclone(target, ['copy', folder, ':sftp:inbox/rclone-copy']);
      const synced = await rclone(target, ['sync', folder, ':sftp:inbox/rclone-sync']);
      const again = await rclone(target, ['sync', folder, ':sftp:inbox/rclone-sync']);

      for (const result of [copied, synced, again]) assert.equal(result.code, 0, result.stderr);
      for (const [name, bytes] of Object.entries(files)) {
        for (const place of ['rclone-copy', 'rclone-sync']) {
          assert.equal(await target.landedSha256(`inbox/${place}/${name}`), sha256(bytes));
          assert.equal((await target.landedStat(`inbox/${place}/${name}`))?.mtimeMs, KEPT_MTIME_S * 1000);
        }
      }
      assert.equal(transfersIn(synced.stderr), 3);
      assert.equal(transfersIn(again.stderr), 0);
    });

    it('rclone leaves no temporary name behind, and its exec probes are refused', async () => {
      const folder = await localFolder('rclone-partial', { 'visits.csv': randomBytes(2 * MIB) });
      const result = await rclone(target, ['copy', folder, ':sftp:inbox/rclone-partial']);

      assert.equal(result.code, 0, result.stderr);
      const entries = target.harness.logEntries();
      const refusedExecs = entries.filter(
        (entry) => entry.message === 'request refused' && entry.request === 'exec',
      );
      assert.ok(refusedExecs.length > 0, 'rclone probed with exec');
      // rclone 1.63 and later upload to NAME.XXXX.partial and rename; Debian 12's 1.60 writes
      // NAME directly. Either way nothing temporary may stay behind.
      const opened = entries
        .filter((entry) => entry.message === 'file opened')
        .map((entry) => String(entry.path))
        .filter((path) => path.startsWith('inbox/rclone-partial/'));
      for (const path of opened) assert.match(path, /^inbox\/rclone-partial\/visits\.csv(\.\w+\.partial)?$/);
      for (const path of opened.filter((name) => name.endsWith('.partial'))) {
        assert.equal(await target.landedStat(path), undefined);
      }
      assert.ok((await target.landedStat('inbox/rclone-partial/visits.csv')) !== undefined);
    });

    it('lftp put, mirror -R and a 4-way pget land and return the same bytes', async () => {
      const bytes = randomBytes(4 * MIB + 12345);
      const files = { 'one.csv': randomBytes(200_000), 'two.csv': randomBytes(10) };
      const folder = await localFolder('lftp-mirror', files);
      const single = join(target.harness.dir, 'lftp.bin');
      await writeFile(single, bytes);
      const copy = join(target.harness.dir, 'lftp.copy');

      const result = await lftp(target, [
        `put ${single} -o inbox/lftp.bin`, `mirror -R ${folder} inbox/lftp-mirror`,
        `pget -n 4 inbox/lftp.bin -o ${copy}`,
      ]);

      assert.equal(result.code, 0, result.stderr);
      assert.equal(await target.landedSha256('inbox/lftp.bin'), sha256(bytes));
      assert.equal(sha256(await readFile(copy)), sha256(bytes));
      for (const [name, body] of Object.entries(files)) {
        assert.equal(await target.landedSha256(`inbox/lftp-mirror/${name}`), sha256(body));
      }
    });

    it('curl lists sftp among its protocols, uploads with --ftp-create-dirs and downloads', async () => {
      const bytes = randomBytes(MIB + 7);
      const local = join(target.harness.dir, 'curl.bin');
      await writeFile(local, bytes);
      const copy = join(target.harness.dir, 'curl.copy');

      const version = await runCommand('curl', ['-V']);
      const upload = await curl(target, ['--ftp-create-dirs', '-T', local, 'inbox/curl/deep/curl.bin']);
      const download = await curl(target, ['-o', copy, 'inbox/curl/deep/curl.bin']);

      assert.match(version.stdout, /^Protocols:.* sftp( |$)/m);
      assert.equal(upload.code, 0, upload.stderr);
      assert.equal(download.code, 0, download.stderr);
      assert.equal(await target.landedSha256('inbox/curl/deep/curl.bin'), sha256(bytes));
      assert.equal(sha256(await readFile(copy)), sha256(bytes));
    });

    it('curl exits with its upload error code when the outbox refuses', async () => {
      const local = join(target.harness.dir, 'curl-refused.txt');
      await writeFile(local, 'x');

      const result = await curl(target, ['-T', local, 'outbox/curl-refused.txt']);

      // 9: remote access denied (CURLE_REMOTE_ACCESS_DENIED).
      assert.equal(result.code, 9, result.stderr);
      assert.equal(await target.landedStat('outbox/curl-refused.txt'), undefined);
    });
  });
}

/** Debian's rclone with an on-the-fly sftp remote: key login, host key pinned, no config file. */
function rclone(target: CompatTarget, args: string[]): Promise<CommandResult> {
  const { harness } = target;
  const environment = {
    RCLONE_SFTP_HOST: '127.0.0.1', RCLONE_SFTP_PORT: String(harness.port), RCLONE_SFTP_USER: CLIENT_ID,
    RCLONE_SFTP_KEY_FILE: harness.keyFile, RCLONE_SFTP_KNOWN_HOSTS_FILE: harness.knownHostsFile,
  };
  return runWithEnvironment('rclone', ['--config', '/dev/null', '-v', '--stats', '0', ...args], environment);
}

/** How many files an rclone run reports having copied (its "Copied (new|replaced...)" lines). */
function transfersIn(stderr: string): number {
  return stderr.split('\n').filter((line) => /: Copied \(/.test(line)).length;
}

function lftp(target: CompatTarget, commands: string[]): Promise<CommandResult> {
  const { harness } = target;
  const ssh = [
    'ssh -a -x -F /dev/null', `-i ${harness.keyFile}`, '-o IdentitiesOnly=yes', '-o BatchMode=yes',
    '-o StrictHostKeyChecking=yes', `-o UserKnownHostsFile=${harness.knownHostsFile}`,
  ].join(' ');
  const script = [
    'set cmd:fail-exit yes', 'set net:max-retries 1', `set sftp:connect-program "${ssh}"`,
    `open -u ${CLIENT_ID}, -p ${harness.port} sftp://127.0.0.1`, ...commands, 'bye',
  ].join('; ');
  return runCommand('lftp', ['-c', script]);
}

/** curl (libssh2) with key login; the host key pinned by its SHA-256, as `--hostpubsha256` takes it. */
function curl(target: CompatTarget, args: string[]): Promise<CommandResult> {
  const { harness } = target;
  const url = `sftp://127.0.0.1:${harness.port}/${args.pop() ?? ''}`;
  const pinned = harness.gateway.hostKeyFingerprints.map((print) => print.replace(/^SHA256:/, ''));
  return runCommand('curl', [
    '-sS', '--key', harness.keyFile, '--pubkey', `${harness.keyFile}.pub`, '-u', `${CLIENT_ID}:`,
    '--hostpubsha256', pinned[0] ?? '', ...args, url,
  ]);
}

function runWithEnvironment(
  command: string, args: string[], extra: Record<string, string>,
): Promise<CommandResult> {
  // spawn() copies the environment at once, so the keys can go again right after.
  Object.assign(process.env, extra);
  try {
    return runCommand(command, args);
  } finally {
    for (const key of Object.keys(extra)) delete process.env[key];
  }
}
