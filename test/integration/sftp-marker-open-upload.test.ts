import assert from 'node:assert/strict';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { GatewayHarness } from '../support/gateway-harness.js';
import { FXP, RawSftp, statusCode, type RawReply } from '../support/raw-sftp.js';

const STATUS = { OK: 0, FAILURE: 4 };
const PFLAG = { READ: 1, WRITE: 2, CREAT: 8, TRUNC: 16 };
const NEW_FILE = PFLAG.WRITE | PFLAG.CREAT | PFLAG.TRUNC;
const NO_ATTRS = { u32: 0 };
const HEADER = 'member_id,last_name,birth_date,zip\n';
const ROW = 'M-0001,Example,1970-01-01,02139\n';

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** The replies to request `id`, after a later request has been answered (replies keep order). */
async function repliesTo(sftp: RawSftp, id: number): Promise<RawReply[]> {
  await sftp.request(FXP.REALPATH, '/');
  return sftp.replies.filter((reply) => reply.id === id);
}

async function onlyStatus(sftp: RawSftp, id: number): Promise<number | undefined> {
  const replies = await repliesTo(sftp, id);
  assert.equal(replies.length, 1, 'exactly one reply');
  return statusCode(replies[0] as RawReply);
}

// Regression: a marker sent while its file was still being written let the processor take the
// partial file (0 rows) and delete it; the client's CLOSE then "completed" a file that was gone.
describe('a marker for a file still open for writing', () => {
  let harness: GatewayHarness;
  let writer: RawSftp;
  let marker: RawSftp;

  before(async () => {
    harness = await GatewayHarness.start();
    writer = await RawSftp.connect(harness);
    marker = await RawSftp.connect(harness);
  });
  after(async () => {
    await writer.close();
    await marker.close();
    await harness.close();
  });

  it('is refused with FAILURE, and the upload keeps all its bytes and takes its marker after CLOSE', async () => {
    const upload = await writer.openHandle('/inbox/wip.csv', NEW_FILE);
    assert.equal(statusCode(await writer.request(FXP.WRITE, upload, { u64: 0 }, HEADER)), STATUS.OK);

    const early = writer.send(FXP.OPEN, '/inbox/wip.csv.done', { u32: NEW_FILE }, NO_ATTRS);
    assert.equal(await onlyStatus(writer, early), STATUS.FAILURE);
    assert.equal(await exists(harness.diskPath('inbox/wip.csv.done')), false);
    assert.deepEqual(harness.inboxEvents.filter((event) => event.path === 'inbox/wip.csv.done'), []);

    const rowWrite = await writer.request(FXP.WRITE, upload, { u64: HEADER.length }, ROW);
    assert.equal(statusCode(rowWrite), STATUS.OK);
    assert.equal(statusCode(await writer.request(FXP.CLOSE, upload)), STATUS.OK);
    assert.equal(await readFile(harness.diskPath('inbox/wip.csv'), 'utf8'), HEADER + ROW);

    const markerHandle = await writer.openHandle('/inbox/wip.csv.done', NEW_FILE);
    assert.equal(statusCode(await writer.request(FXP.CLOSE, markerHandle)), STATUS.OK);
    assert.equal(await exists(harness.diskPath('inbox/wip.csv.done')), true);
    assert.ok(harness.inboxEvents.some((event) => event.path === 'inbox/wip.csv.done'));
  });

  it('is refused on another connection, by OPEN, RENAME and posix-rename alike', async () => {
    await writeFile(harness.diskPath('inbox/staged-marker'), '');
    const upload = await writer.openHandle('/inbox/shared.csv', NEW_FILE);

    const refused = {
      OPEN: marker.send(FXP.OPEN, '/inbox/shared.csv.done', { u32: NEW_FILE }, NO_ATTRS),
      'OPEN without WRITE': marker.send(FXP.OPEN, '/inbox/shared.csv.done', { u32: PFLAG.READ | PFLAG.CREAT }, NO_ATTRS),
      RENAME: marker.send(FXP.RENAME, '/inbox/staged-marker', '/inbox/shared.csv.done'),
      'posix-rename': marker.send(FXP.EXTENDED, 'posix-rename@openssh.com', '/inbox/staged-marker', '/inbox/shared.csv.done'),
    };
    for (const [request, id] of Object.entries(refused)) {
      assert.equal(await onlyStatus(marker, id), STATUS.FAILURE, request);
    }
    assert.equal(await exists(harness.diskPath('inbox/shared.csv.done')), false);
    assert.equal(await exists(harness.diskPath('inbox/staged-marker')), true);

    assert.equal(statusCode(await writer.request(FXP.CLOSE, upload)), STATUS.OK);
    const rename = marker.send(FXP.RENAME, '/inbox/staged-marker', '/inbox/shared.csv.done');
    assert.equal(await onlyStatus(marker, rename), STATUS.OK);
    assert.ok(harness.inboxEvents.some((event) => event.path === 'inbox/shared.csv.done'));
  });

  it('refuses the file while its marker is open, so neither order completes a marker mid-upload', async () => {
    const markerHandle = await marker.openHandle('/inbox/late.csv.done', NEW_FILE);

    const upload = writer.send(FXP.OPEN, '/inbox/late.csv', { u32: NEW_FILE }, NO_ATTRS);
    assert.equal(await onlyStatus(writer, upload), STATUS.FAILURE);
    assert.equal(statusCode(await marker.request(FXP.CLOSE, markerHandle)), STATUS.OK);
  });

  it('leaves temporary names and files in sub-folders free: nothing marks them', async () => {
    await writer.request(FXP.MKDIR, '/inbox/sub', NO_ATTRS);
    const cases = [['/inbox/big.csv.filepart', '/inbox/big.csv.filepart.done'], ['/inbox/sub/a.csv', '/inbox/sub/a.csv.done']];
    for (const [dataPath, markerPath] of cases) {
      const upload = await writer.openHandle(dataPath as string, NEW_FILE);
      const markerHandle = await marker.openHandle(markerPath as string, NEW_FILE);
      assert.equal(statusCode(await marker.request(FXP.CLOSE, markerHandle)), STATUS.OK);
      assert.equal(statusCode(await writer.request(FXP.CLOSE, upload)), STATUS.OK);
    }
  });

  it('stops an `sftp -b` script at the marker line', async () => {
    const upload = await writer.openHandle('/inbox/batch.csv', NEW_FILE);
    const emptyFile = join(harness.dir, 'empty-marker');
    await writeFile(emptyFile, '');

    const result = await harness.sftpBatch([`put ${emptyFile} inbox/batch.csv.done`, `put ${emptyFile} inbox/after-marker`]);
    assert.notEqual(result.code, 0);
    assert.equal(await exists(harness.diskPath('inbox/after-marker')), false);

    assert.equal(statusCode(await writer.request(FXP.CLOSE, upload)), STATUS.OK);
    const retried = await harness.sftpBatch([`put ${emptyFile} inbox/batch.csv.done`]);
    assert.equal(retried.code, 0, retried.stderr);
  });
});
