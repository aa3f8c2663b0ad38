import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';

import { DIGEST_REORDER_WINDOW_BYTES } from '../../gateway/upload-digest.js';
import { FXP, type RawSftp, statusCode } from '../support/raw-sftp.js';
import { KEY_CLIENT, SecurityHarness } from '../support/security-harness.js';

const PFLAG = { READ: 1, WRITE: 2, CREAT: 8, TRUNC: 16 };
const NEW_FILE = PFLAG.WRITE | PFLAG.CREAT | PFLAG.TRUNC;
const CHUNK = 32 * 1024;

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Sends every WRITE of `bytes` in the given chunk order without waiting, then CLOSE. */
async function upload(sftp: RawSftp, path: string, bytes: Buffer, order: number[], pflags = NEW_FILE): Promise<void> {
  const handle = await sftp.openHandle(path, pflags);
  const ids = order.map((index) => sftp.send(FXP.WRITE, handle, { u64: index * CHUNK }, bytes.subarray(index * CHUNK, (index + 1) * CHUNK)));
  const close = await sftp.request(FXP.CLOSE, handle);
  assert.equal(statusCode(close), 0);
  for (const id of ids) assert.equal(statusCode(sftp.replies.find((reply) => reply.id === id) as never), 0);
}

function chunkCount(bytes: Buffer): number {
  return Math.ceil(bytes.length / CHUNK);
}

describe('the audit log', () => {
  let harness: SecurityHarness;
  let sftp: RawSftp;

  before(async () => {
    harness = await SecurityHarness.start();
    sftp = await harness.rawSftp();
  });
  after(async () => {
    await sftp.close();
    await harness.close();
  });

  const completedUpload = (path: string): Record<string, unknown> | undefined =>
    harness.logged('upload completed').filter((entry) => entry.path === path).at(-1);

  it('logs the SHA-256 and size of an upload sent in order, equal to the stored file', async () => {
    const bytes = randomBytes(10 * CHUNK + 123);
    await upload(sftp, '/inbox/in-order.csv', bytes, [...Array(chunkCount(bytes)).keys()]);

    const onDisk = await readFile(harness.diskPath('inbox/in-order.csv'));
    const event = completedUpload('inbox/in-order.csv');
    assert.equal(event?.sha256, sha256(onDisk));
    assert.equal(event?.sha256, sha256(bytes));
    assert.equal(event?.bytes, bytes.length);
    assert.equal(event?.client, KEY_CLIENT);
    assert.equal(event?.remoteAddress, '127.0.0.1');
    assert.equal(typeof event?.durationMs, 'number');
  });

  it('follows writes that arrive out of order within its window', async () => {
    const bytes = randomBytes(8 * CHUNK);
    await upload(sftp, '/inbox/shuffled.csv', bytes, [1, 0, 3, 2, 7, 5, 6, 4]);

    assert.equal(completedUpload('inbox/shuffled.csv')?.sha256, sha256(bytes));
    assert.ok(!harness.logLines.some((line) => line.includes('read back') && line.includes('shuffled')));
  });

  it('reads the file back when out-of-order writes overflow its window', async () => {
    const count = DIGEST_REORDER_WINDOW_BYTES / CHUNK + 8;
    const bytes = randomBytes(count * CHUNK);
    await upload(sftp, '/inbox/reversed.csv', bytes, [...Array(count).keys()].reverse());

    assert.equal(completedUpload('inbox/reversed.csv')?.sha256, sha256(bytes));
    assert.ok(harness.logged('upload digest read back from storage').some((entry) => entry.path === 'inbox/reversed.csv'));
  });

  it('reads the file back for a resumed upload that did not start empty', async () => {
    const first = randomBytes(3 * CHUNK);
    await writeFile(harness.diskPath('inbox/resumed.csv'), first.subarray(0, CHUNK));
    await upload(sftp, '/inbox/resumed.csv', first, [1, 2], PFLAG.WRITE);

    assert.equal(completedUpload('inbox/resumed.csv')?.sha256, sha256(first));
  });

  it('logs download, rename, folder, delete and refusal events with the client-relative path', async () => {
    const handle = await sftp.openHandle('/inbox/in-order.csv', PFLAG.READ);
    await sftp.request(FXP.READ, handle, { u64: 0 }, { u32: 1000 });
    await sftp.request(FXP.CLOSE, handle);
    await sftp.request(FXP.RENAME, '/inbox/shuffled.csv', '/inbox/renamed.csv');
    await sftp.request(FXP.MKDIR, '/inbox/sub', { u32: 0 });
    await sftp.request(FXP.RMDIR, '/inbox/sub');
    await sftp.request(FXP.REMOVE, '/inbox/renamed.csv');
    const refused = await sftp.request(FXP.OPEN, '/outbox/x.csv', { u32: NEW_FILE }, { u32: 0 });
    assert.equal(statusCode(refused), 3);

    const pick = (message: string): unknown[] => harness.logged(message).map((entry) => entry.path);
    assert.ok(harness.logged('download completed').some((entry) => entry.path === 'inbox/in-order.csv' && entry.bytes === 1000));
    assert.deepEqual(harness.logged('file renamed').map((entry) => [entry.fromPath, entry.path]), [['inbox/shuffled.csv', 'inbox/renamed.csv']]);
    assert.deepEqual(pick('folder made'), ['inbox/sub']);
    assert.deepEqual(pick('folder removed'), ['inbox/sub']);
    assert.deepEqual(pick('file deleted'), ['inbox/renamed.csv']);
    assert.ok(harness.logged('request refused').some((entry) => entry.path === '/outbox/x.csv' && entry.code === 'DENIED'));
    for (const entry of harness.logEntries().filter((item) => item.path !== undefined)) {
      assert.equal(entry.client, KEY_CLIENT);
      assert.equal(entry.remoteAddress, '127.0.0.1');
    }
  });

  it('never logs file contents', async () => {
    const marker = `CANARY-${randomBytes(8).toString('hex')}`;
    await upload(sftp, '/inbox/canary.csv', Buffer.from(`name\n${marker}\n`), [0]);
    assert.ok(harness.logLines.every((line) => !line.includes(marker)));
  });
});
