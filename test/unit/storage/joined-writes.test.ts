import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { JoinedWrites } from '../../../core/storage/joined-writes.js';

describe('joined writes', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'airlock-joined-'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('lands queued, shuffled and contiguous writes each at its offset', async () => {
    const path = join(folder, 'shuffled.bin');
    const body = randomBytes(64 * 4096 + 100);
    const handle = await open(path, 'w+');
    const writes = new JoinedWrites(handle, 2);
    const offsets = Array.from({ length: 65 }, (_, index) => index * 4096);
    const order = [...offsets.slice(0, 40), ...offsets.slice(40).reverse()];

    await Promise.all(order.map((offset) => writes.write(offset, body.subarray(offset, offset + 4096))));
    await writes.idle();
    await handle.close();

    assert.deepEqual(await readFile(path), body);
  });

  it('lets a later write over the same bytes win, even when the earlier one finishes last', async () => {
    // A stand-in file whose first write is slow: with both in flight the earlier write would
    // land last and the later request would lose.
    const content = Buffer.alloc(8, 0x2e);
    let isFirst = true;
    const slowFirst = {
      async write(data: Buffer, from: number, length: number, position: number) {
        if (isFirst) {
          isFirst = false;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        data.copy(content, position, from, from + length);
        return { bytesWritten: length, buffer: data };
      },
    } as unknown as import('node:fs/promises').FileHandle;
    const writes = new JoinedWrites(slowFirst, 2);

    await Promise.all([writes.write(0, Buffer.from('AAAAAAAA')), writes.write(4, Buffer.from('BBBB'))]);
    await writes.idle();

    assert.equal(content.toString('latin1'), 'AAAABBBB');
  });

  it('rejects every write of a run the file system refused, and stays usable', async () => {
    const path = join(folder, 'read-only.bin');
    await (await open(path, 'w')).close();
    const handle = await open(path, 'r');
    const writes = new JoinedWrites(handle, 1);

    const results = await Promise.allSettled([0, 10, 20].map((offset) => writes.write(offset, Buffer.alloc(10))));
    await writes.idle();
    await handle.close();

    assert.deepEqual(results.map((result) => result.status), ['rejected', 'rejected', 'rejected']);
    for (const result of results) assert.equal((result as PromiseRejectedResult).reason.code, 'EBADF');
  });
});
