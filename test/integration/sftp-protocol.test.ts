import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';

import { AirlockError } from '../../core/errors.js';
import type { FileHandle, StorageBackend } from '../../core/storage/backend.js';
import { GatewayHarness } from '../support/gateway-harness.js';
import { FXP, handleOf, RawSftp, statusCode, u32, type RawReply } from '../support/raw-sftp.js';

const STATUS = { OK: 0, EOF: 1, NO_SUCH_FILE: 2, PERMISSION_DENIED: 3, FAILURE: 4, BAD_MESSAGE: 5, OP_UNSUPPORTED: 8 };
const PFLAG = { READ: 1, WRITE: 2, APPEND: 4, CREAT: 8, TRUNC: 16, EXCL: 32 };
const NEW_FILE = PFLAG.WRITE | PFLAG.CREAT | PFLAG.TRUNC;
const NO_ATTRS = { u32: 0 };

/** Storage that records aborts and fails the close of any file named `fail-close*`. */
function watchedStorage(aborted: string[]): (storage: StorageBackend) => StorageBackend {
  return (storage) => Object.assign(Object.create(storage) as StorageBackend, {
    async open(key: string, options: Parameters<StorageBackend['open']>[1]): Promise<FileHandle> {
      const file = await storage.open(key, options);
      return Object.assign(Object.create(file) as FileHandle, {
        close: key.includes('fail-close')
          ? async () => {
            await file.abort();
            throw new AirlockError('INTERNAL', 'storage refused the object');
          }
          : () => file.close(),
        abort: async () => {
          aborted.push(key);
          await file.abort();
        },
      });
    },
  });
}

describe('SFTP requests at the packet level', () => {
  let harness: GatewayHarness;
  let sftp: RawSftp;
  const aborted: string[] = [];
  let isListenerDone = false;

  before(async () => {
    harness = await GatewayHarness.start({
      config: { limits: { openHandlesPerSession: 4, clientSpaceBytes: 100_000 * 4096 } },
      wrapStorage: watchedStorage(aborted),
      onInboxChange: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        isListenerDone = true;
      },
    });
    sftp = await RawSftp.connect(harness);
  });
  after(async () => {
    await sftp.close();
    await harness.close();
  });

  it('answers every request exactly once, in request order', async () => {
    const requests: [string, () => number, number][] = [
      ['REALPATH .', () => sftp.send(FXP.REALPATH, '.'), FXP.NAME],
      ['STAT /', () => sftp.send(FXP.STAT, '/'), FXP.ATTRS],
      ['LSTAT /inbox', () => sftp.send(FXP.LSTAT, '/inbox'), FXP.ATTRS],
      ['STAT missing', () => sftp.send(FXP.STAT, '/inbox/missing'), STATUS.NO_SUCH_FILE],
      ['STAT outside', () => sftp.send(FXP.STAT, '/etc/passwd'), STATUS.NO_SUCH_FILE],
      ['STAT backslash', () => sftp.send(FXP.STAT, '/inbox\\..\\x'), STATUS.PERMISSION_DENIED],
      ['OPEN outbox for writing', () => sftp.send(FXP.OPEN, '/outbox/x', { u32: NEW_FILE }, NO_ATTRS), STATUS.PERMISSION_DENIED],
      ['OPEN at the root', () => sftp.send(FXP.OPEN, '/x', { u32: NEW_FILE }, NO_ATTRS), STATUS.PERMISSION_DENIED],
      ['MKDIR at the root', () => sftp.send(FXP.MKDIR, '/x', NO_ATTRS), STATUS.PERMISSION_DENIED],
      ['MKDIR in outbox', () => sftp.send(FXP.MKDIR, '/outbox/x', NO_ATTRS), STATUS.PERMISSION_DENIED],
      ['REMOVE inbox', () => sftp.send(FXP.REMOVE, '/inbox'), STATUS.PERMISSION_DENIED],
      ['RMDIR missing', () => sftp.send(FXP.RMDIR, '/inbox/none'), STATUS.NO_SUCH_FILE],
      ['RENAME into outbox', () => sftp.send(FXP.RENAME, '/inbox/a', '/outbox/a'), STATUS.PERMISSION_DENIED],
      ['READLINK', () => sftp.send(FXP.READLINK, '/inbox/a'), STATUS.OP_UNSUPPORTED],
      ['SYMLINK', () => sftp.send(FXP.SYMLINK, '/inbox/a', '/inbox/b'), STATUS.OP_UNSUPPORTED],
      ['hardlink@openssh.com', () => sftp.send(FXP.EXTENDED, 'hardlink@openssh.com', u32(0), u32(0)), STATUS.OP_UNSUPPORTED],
      ['unknown extension', () => sftp.send(FXP.EXTENDED, 'nonsense@example.com'), STATUS.OP_UNSUPPORTED],
      ['CLOSE of an unknown handle', () => sftp.send(FXP.CLOSE, 'nope'), STATUS.FAILURE],
      ['READ of an unknown handle', () => sftp.send(FXP.READ, 'nope', { u64: 0 }, { u32: 10 }), STATUS.FAILURE],
      ['WRITE of an unknown handle', () => sftp.send(FXP.WRITE, 'nope', { u64: 0 }, 'x'), STATUS.FAILURE],
      ['READDIR of an unknown handle', () => sftp.send(FXP.READDIR, 'nope'), STATUS.FAILURE],
      ['OPENDIR of a missing folder', () => sftp.send(FXP.OPENDIR, '/inbox/none'), STATUS.NO_SUCH_FILE],
      ['limits@openssh.com', () => sftp.send(FXP.EXTENDED, 'limits@openssh.com'), FXP.EXTENDED_REPLY],
    ];
    const start = sftp.replies.length;
    const ids = requests.map(([, send]) => send());
    // Replies leave in request order, so any second reply would arrive before this one's.
    const fence = await sftp.request(FXP.REALPATH, '/');

    const replies = sftp.replies.slice(start);
    assert.deepEqual(replies.map((reply) => reply.id), [...ids, fence.id]);
    requests.forEach(([name, , expected], index) => {
      const reply = replies[index] as RawReply;
      const outcome = reply.type === FXP.STATUS ? statusCode(reply) : reply.type;
      assert.equal(outcome, expected, name);
    });
  });

  it('honours TRUNC, CREAT, EXCL and APPEND, and keeps the bytes without TRUNC', async () => {
    await writeFile(harness.diskPath('inbox/flags.txt'), 'hello');

    const exclusive = await sftp.request(FXP.OPEN, '/inbox/flags.txt', { u32: NEW_FILE | PFLAG.EXCL }, NO_ATTRS);
    const missing = await sftp.request(FXP.OPEN, '/inbox/absent.txt', { u32: PFLAG.WRITE }, NO_ATTRS);
    assert.equal(statusCode(exclusive), STATUS.FAILURE);
    assert.equal(statusCode(missing), STATUS.NO_SUCH_FILE);

    const keep = await sftp.openHandle('/inbox/flags.txt', PFLAG.WRITE);
    assert.equal(statusCode(await sftp.request(FXP.WRITE, keep, { u64: 0 }, 'AB')), STATUS.OK);
    assert.equal(statusCode(await sftp.request(FXP.CLOSE, keep)), STATUS.OK);
    assert.equal(await readFile(harness.diskPath('inbox/flags.txt'), 'utf8'), 'ABllo');

    const append = await sftp.openHandle('/inbox/flags.txt', PFLAG.WRITE | PFLAG.APPEND);
    await sftp.request(FXP.WRITE, append, { u64: 0 }, '!');
    await sftp.request(FXP.CLOSE, append);
    assert.equal(await readFile(harness.diskPath('inbox/flags.txt'), 'utf8'), 'ABllo!');

    const truncate = await sftp.openHandle('/inbox/flags.txt', NEW_FILE);
    await sftp.request(FXP.CLOSE, truncate);
    assert.equal(await readFile(harness.diskPath('inbox/flags.txt'), 'utf8'), '');
  });

  it('reads at offsets and gives EOF only at or past the end', async () => {
    await writeFile(harness.diskPath('inbox/ten.txt'), '0123456789');
    const handle = await sftp.openHandle('/inbox/ten.txt', PFLAG.READ);

    const middle = await sftp.request(FXP.READ, handle, { u64: 5 }, { u32: 100 });
    const atEnd = await sftp.request(FXP.READ, handle, { u64: 10 }, { u32: 1 });
    const pastEnd = await sftp.request(FXP.READ, handle, { u64: 1000 }, { u32: 1 });
    const writeOnReadHandle = await sftp.request(FXP.WRITE, handle, { u64: 0 }, 'x');
    await sftp.request(FXP.CLOSE, handle);

    assert.equal(middle.type, FXP.DATA);
    assert.equal(handleOf(middle).toString(), '56789');
    assert.equal(statusCode(atEnd), STATUS.EOF);
    assert.equal(statusCode(pastEnd), STATUS.EOF);
    assert.equal(statusCode(writeOnReadHandle), STATUS.PERMISSION_DENIED);
  });

  it('lists a large folder in batches with . and .., then EOF', async () => {
    await mkdir(harness.diskPath('inbox/many'));
    await Promise.all(Array.from({ length: 250 }, (_, index) => writeFile(harness.diskPath(`inbox/many/f${index}.csv`), 'x')));
    const handle = handleOf(await sftp.request(FXP.OPENDIR, '/inbox/many'));

    const counts: number[] = [];
    for (;;) {
      const reply = await sftp.request(FXP.READDIR, handle);
      if (reply.type !== FXP.NAME) {
        assert.equal(statusCode(reply), STATUS.EOF);
        break;
      }
      counts.push(reply.body.readUInt32BE(0));
    }
    await sftp.request(FXP.CLOSE, handle);

    assert.equal(counts.reduce((sum, count) => sum + count, 0), 252);
    assert.ok(counts.every((count) => count <= 102), `batches ${counts.join(',')}`);
    assert.ok(counts.length >= 3);
  });

  it('truncates on SETSTAT size and reports FSETSTAT times back', async () => {
    await writeFile(harness.diskPath('inbox/sized.txt'), '0123456789');
    const size = { u32: 0x1 };
    const times = { u32: 0x8 };

    const truncated = await sftp.request(FXP.SETSTAT, '/inbox/sized.txt', size, { u64: 4 });
    const handle = await sftp.openHandle('/inbox/sized.txt', PFLAG.READ | PFLAG.WRITE);
    const timesSet = await sftp.request(FXP.FSETSTAT, handle, times, { u32: 1_500_000_000 }, { u32: 1_600_000_000 });
    const stat = await sftp.request(FXP.FSTAT, handle);
    await sftp.request(FXP.CLOSE, handle);

    assert.equal(statusCode(truncated), STATUS.OK);
    assert.equal(statusCode(timesSet), STATUS.OK);
    assert.equal(await readFile(harness.diskPath('inbox/sized.txt'), 'utf8'), '0123');
    const flags = stat.body.readUInt32BE(0);
    assert.equal(flags & 0x1, 0x1);
    assert.equal(Number(stat.body.readBigUInt64BE(4)), 4);
    // size (8), permissions (4), then atime and mtime.
    assert.equal(stat.body.readUInt32BE(4 + 8 + 4), 1_500_000_000);
    assert.equal(stat.body.readUInt32BE(4 + 8 + 4 + 4), 1_600_000_000);
  });

  it('refuses an existing target on RENAME but replaces it on posix-rename', async () => {
    await writeFile(harness.diskPath('inbox/from.txt'), 'new');
    await writeFile(harness.diskPath('inbox/to.txt'), 'old');

    const plain = await sftp.request(FXP.RENAME, '/inbox/from.txt', '/inbox/to.txt');
    const posix = await sftp.request(FXP.EXTENDED, 'posix-rename@openssh.com', '/inbox/from.txt', '/inbox/to.txt');

    assert.equal(statusCode(plain), STATUS.FAILURE);
    assert.equal(statusCode(posix), STATUS.OK);
    assert.equal(await readFile(harness.diskPath('inbox/to.txt'), 'utf8'), 'new');
  });

  it('answers statvfs@openssh.com with the client\'s own space, less what its folders hold', async () => {
    const blocksOf = async (): Promise<number[]> => {
      const reply = await sftp.request(FXP.EXTENDED, 'statvfs@openssh.com', '/inbox');
      assert.equal(reply.type, FXP.EXTENDED_REPLY);
      return [0, 8, 16, 24].map((at) => Number(reply.body.readBigUInt64BE(at)));
    };
    const [blockBytes, , totalBlocks, freeBefore] = await blocksOf();
    await writeFile(harness.diskPath('inbox/space.bin'), Buffer.alloc(3 * 4096 + 1));
    const [, , , freeAfter] = await blocksOf();

    assert.deepEqual([blockBytes, totalBlocks], [4096, 100_000]);
    assert.ok(freeBefore! < 100_000, "what the folders already hold counts");
    assert.equal(freeBefore! - freeAfter!, 4);
  });

  it('answers limits@openssh.com with the limits it enforces', async () => {
    const reply = await sftp.request(FXP.EXTENDED, 'limits@openssh.com');
    const values = [0, 8, 16, 24].map((at) => Number(reply.body.readBigUInt64BE(at)));
    assert.deepEqual(values, [262144, 261120, 261120, 4]);
    assert.deepEqual(Object.keys(sftp.extensions).sort(), [
      'fsync@openssh.com', 'limits@openssh.com', 'posix-rename@openssh.com', 'statvfs@openssh.com',
    ]);
  });

  it('refuses an OPEN beyond the handle limit and accepts one after a CLOSE', async () => {
    await writeFile(harness.diskPath('inbox/shared.txt'), 'x');
    const handles = [];
    for (let index = 0; index < 4; index += 1) handles.push(await sftp.openHandle('/inbox/shared.txt', PFLAG.READ));

    const refused = await sftp.request(FXP.OPEN, '/inbox/shared.txt', { u32: PFLAG.READ }, NO_ATTRS);
    await sftp.request(FXP.CLOSE, handles.pop() as Buffer);
    const accepted = await sftp.request(FXP.OPEN, '/inbox/shared.txt', { u32: PFLAG.READ }, NO_ATTRS);
    handles.push(handleOf(accepted));
    for (const handle of handles) await sftp.request(FXP.CLOSE, handle);

    assert.equal(statusCode(refused), STATUS.FAILURE);
    assert.equal(accepted.type, FXP.HANDLE);
  });

  it('answers CLOSE only after the inbox listener finished, and FAILURE when storage refuses the close', async () => {
    const handle = await sftp.openHandle('/inbox/done.txt', NEW_FILE);
    isListenerDone = false;
    const closed = await sftp.request(FXP.CLOSE, handle);
    assert.equal(statusCode(closed), STATUS.OK);
    assert.equal(isListenerDone, true);

    const failing = await sftp.openHandle('/inbox/fail-close.txt', NEW_FILE);
    await sftp.request(FXP.WRITE, failing, { u64: 0 }, 'data');
    assert.equal(statusCode(await sftp.request(FXP.CLOSE, failing)), STATUS.FAILURE);
  });

  it('aborts an open upload when the connection drops', async () => {
    const dropping = await RawSftp.connect(harness);
    const handle = await dropping.openHandle('/inbox/dropped.bin', NEW_FILE);
    await dropping.request(FXP.WRITE, handle, { u64: 0 }, Buffer.alloc(1000));

    dropping.drop();
    for (let tries = 0; tries < 200 && !aborted.some((key) => key.endsWith('dropped.bin')); tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.ok(aborted.some((key) => key.endsWith('inbox/dropped.bin')));
  });
});
