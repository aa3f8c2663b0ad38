import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';

import fc from 'fast-check';

import { FXP, handleOf, type RawReply, type RawSftp } from '../support/raw-sftp.js';
import { OTHER_CLIENT, SecurityHarness } from '../support/security-harness.js';

const CANARY_TEXT = 'CANARY-5f1c0e7d-outside-the-client-folder';
const NEW_FILE = 2 | 8 | 16;
const RUNS = 600;

interface Snapshot { [path: string]: string }

/** Every entry under `root`: kind, size, mtime and, for files, contents; links with their target. */
async function snapshot(root: string, skip: (path: string) => boolean): Promise<Snapshot> {
  const found: Snapshot = {};
  const walk = async (folder: string): Promise<void> => {
    for (const name of await readdir(folder)) {
      const path = join(folder, name);
      const key = relative(root, path);
      if (skip(key)) continue;
      const stat = await lstat(path);
      if (stat.isSymbolicLink()) found[key] = `link ${await readlink(path)}`;
      else if (stat.isDirectory()) {
        found[key] = `folder ${stat.mtimeMs}`;
        await walk(path);
      } else found[key] = `file ${stat.size} ${stat.mtimeMs} ${(await readFile(path)).toString('base64')}`;
    }
  };
  await walk(root);
  return found;
}

/** Path pieces an attacker would try: escapes, encodings, other separators, NULs, long names. */
const piece = fc.oneof(
  fc.constantFrom(
    '..', '.', '', 'inbox', 'outbox', 'link-out', 'link-file', 'link-up', 'canary', 'secret.txt',
    'clients', OTHER_CLIENT, 'storage', 'data', '.airlock', '%2e%2e', '%2f', '..%2f..', '..\\..',
    '\\', 'a\u0000b', '\u0000', '\u2215..', '\uff0e\uff0e', '\uff0f', 'x'.repeat(300), '...', ' ..', '.. ',
  ),
  fc.string({ maxLength: 12 }),
);
const separator = fc.constantFrom('/', '//', '\\', '/./', '/../');
const textPath = fc.tuple(fc.boolean(), fc.array(fc.tuple(piece, separator), { maxLength: 7 }))
  .map(([isAbsolute, parts]) => `${isAbsolute ? '/' : ''}${parts.map(([name, sep]) => name + sep).join('')}`);
/** Some paths as raw bytes: invalid UTF-8, overlong encodings of "/" and ".". */
const rawPath = fc.tuple(textPath, fc.constantFrom([0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xc0, 0xae], [0xff], [0x2e, 0x2e, 0x00]))
  .map(([path, bytes]) => Buffer.concat([Buffer.from(path), Buffer.from(bytes), Buffer.from('/canary')]));
const anyPath = fc.oneof({ weight: 4, arbitrary: textPath.map((path) => Buffer.from(path)) }, { weight: 1, arbitrary: rawPath });

const request = fc.oneof(
  fc.record({ kind: fc.constantFrom('OPEN-READ', 'OPEN-WRITE', 'OPENDIR', 'STAT', 'LSTAT', 'SETSTAT', 'MKDIR', 'RMDIR', 'REMOVE', 'REALPATH', 'READLINK'), path: anyPath }),
  fc.record({ kind: fc.constantFrom('RENAME', 'POSIX-RENAME', 'SYMLINK'), path: anyPath, other: anyPath }),
);
type Request = { kind: string; path: Buffer; other?: Buffer };

/** Sends one request and, when it yields a handle, reads through it and closes it. */
async function attack(sftp: RawSftp, { kind, path, other }: Request): Promise<RawReply[]> {
  const to = other ?? Buffer.from('/inbox/x');
  const sent: Record<string, () => number> = {
    'OPEN-READ': () => sftp.send(FXP.OPEN, path, { u32: 1 }, { u32: 0 }),
    'OPEN-WRITE': () => sftp.send(FXP.OPEN, path, { u32: NEW_FILE }, { u32: 0 }),
    OPENDIR: () => sftp.send(FXP.OPENDIR, path),
    STAT: () => sftp.send(FXP.STAT, path),
    LSTAT: () => sftp.send(FXP.LSTAT, path),
    SETSTAT: () => sftp.send(FXP.SETSTAT, path, { u32: 0x1 }, { u64: 0 }),
    MKDIR: () => sftp.send(FXP.MKDIR, path, { u32: 0 }),
    RMDIR: () => sftp.send(FXP.RMDIR, path),
    REMOVE: () => sftp.send(FXP.REMOVE, path),
    REALPATH: () => sftp.send(FXP.REALPATH, path),
    READLINK: () => sftp.send(FXP.READLINK, path),
    RENAME: () => sftp.send(FXP.RENAME, path, to),
    'POSIX-RENAME': () => sftp.send(FXP.EXTENDED, 'posix-rename@openssh.com', path, to),
    SYMLINK: () => sftp.send(FXP.SYMLINK, path, to),
  };
  const id = (sent[kind] as () => number)();
  const reply = await sftp.request(FXP.REALPATH, '/').then(() => sftp.replies.filter((item) => item.id === id));
  const followUps: RawReply[] = [];
  if (reply.length === 1 && reply[0]?.type === FXP.HANDLE) {
    const handle = handleOf(reply[0]);
    followUps.push(kind === 'OPENDIR'
      ? await sftp.request(FXP.READDIR, handle)
      : await sftp.request(FXP.READ, handle, { u64: 0 }, { u32: 4096 }));
    followUps.push(await sftp.request(FXP.CLOSE, handle));
  }
  return [...reply, ...followUps];
}

describe('path safety under random paths', () => {
  let harness: SecurityHarness;
  let sftp: RawSftp;
  let outsideBefore: Snapshot;
  const isOwnFolder = (path: string): boolean => path === join('storage', 'clients', 'acme') || path.startsWith(join('storage', 'clients', 'acme', ''));

  before(async () => {
    harness = await SecurityHarness.start();
    sftp = await harness.rawSftp();
    const canary = join(harness.dir, 'canary');
    await mkdir(canary);
    await writeFile(join(canary, 'secret.txt'), CANARY_TEXT);
    await writeFile(join(harness.storageRoot, 'canary.txt'), CANARY_TEXT);
    await mkdir(harness.diskPath('inbox', OTHER_CLIENT), { recursive: true });
    await writeFile(harness.diskPath('inbox/secret.txt', OTHER_CLIENT), CANARY_TEXT);
    await symlink(canary, harness.diskPath('inbox/link-out'));
    await symlink(harness.diskPath('inbox/secret.txt', OTHER_CLIENT), harness.diskPath('inbox/link-file'));
    await symlink('../..', harness.diskPath('inbox/link-up'));
    await writeFile(harness.diskPath('inbox/own.csv'), 'a,b\n1,2\n');
    outsideBefore = await snapshot(harness.dir, (path) => isOwnFolder(path) || path === 'client_key' || path.startsWith('data/storage/clients/acme'));
  });
  after(async () => {
    await sftp.close();
    await harness.close();
  });

  it('watches the canaries it means to (the snapshot is not empty)', () => {
    assert.ok(outsideBefore['canary/secret.txt']?.startsWith('file '));
    assert.ok(outsideBefore['data/storage/canary.txt']?.startsWith('file '));
    assert.ok(outsideBefore[`data/storage/clients/${OTHER_CLIENT}/inbox/secret.txt`]?.startsWith('file '));
  });

  it('answers each request once and never creates, reads, changes or lists anything outside the client folder', async () => {
    await fc.assert(fc.asyncProperty(request, async (sent) => {
      const replies = await attack(sftp, sent);
      assert.ok(replies.length >= 1 && replies.length <= 3);
      assert.equal(replies.filter((reply) => reply.id === replies[0]?.id).length, 1, 'exactly one reply per request');
      for (const reply of replies) {
        assert.ok(!reply.body.includes(CANARY_TEXT), `${sent.kind} returned canary bytes`);
        const isListing = reply.type === FXP.NAME && sent.kind === 'OPENDIR';
        if (isListing) assert.ok(!reply.body.includes('secret.txt'), 'a listing showed a file outside the client folder');
      }
    }), { numRuns: RUNS, seed: Number(process.env.AIRLOCK_FUZZ_SEED ?? 20240601) });

    const outsideAfter = await snapshot(harness.dir, (path) => isOwnFolder(path) || path === 'client_key' || path.startsWith('data/storage/clients/acme'));
    assert.deepEqual(outsideAfter, outsideBefore);
    assert.equal(await readlink(harness.diskPath('inbox/link-out')), join(harness.dir, 'canary'));
  });
});
