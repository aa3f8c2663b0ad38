import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { OpenOptions, StorageBackend } from '../../core/storage/backend.js';
import { GatewayHarness } from '../support/gateway-harness.js';

/** Large enough to cross the 64 MiB background sync of local storage. */
const UPLOAD_BYTES = 80_000_000;
const PARTIAL_BYTES = 4_000_000;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('OpenSSH reput of a partial upload', () => {
  let harness: GatewayHarness;
  const openedForWrite: OpenOptions[] = [];

  before(async () => {
    harness = await GatewayHarness.start({ wrapStorage: (storage) => watchOpens(storage, openedForWrite) });
  });
  after(async () => {
    await harness.close();
  });

  // Regression: reput of an 80 MB file ended with sftp exit 0 and "upload completed", but the
  // stored file held spans of the source at the wrong offsets.
  it('stores the same bytes as the source after put of a part and reput of the whole', async () => {
    const source = randomBytes(UPLOAD_BYTES);
    const sourcePath = join(harness.dir, 'visits.csv');
    const partPath = join(harness.dir, 'visits-part.csv');
    await writeFile(sourcePath, source);
    await writeFile(partPath, source.subarray(0, PARTIAL_BYTES));

    const result = await harness.sftpBatch([
      `put ${partPath} inbox/visits.csv`,
      `reput ${sourcePath} inbox/visits.csv`,
    ]);

    assert.equal(result.code, 0, result.stderr);
    const stored = await readFile(harness.diskPath('inbox/visits.csv'));
    assert.equal(stored.length, source.length);
    assert.equal(sha256(stored), sha256(source));
    assert.equal(openedForWrite.at(-1)?.append, true, 'reput resumes in append mode');
  });
});

function watchOpens(storage: StorageBackend, opened: OpenOptions[]): StorageBackend {
  return Object.assign(Object.create(storage) as StorageBackend, {
    open(key: string, options: OpenOptions) {
      if (options.write) opened.push(options);
      return storage.open(key, options);
    },
  });
}
