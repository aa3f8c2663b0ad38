import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { FileHandle as NodeFileHandle } from 'node:fs/promises';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { OpenOptions } from '../../../core/storage/backend.js';
import { JoinedWrites } from '../../../core/storage/joined-writes.js';
import { LocalDiskStorage } from '../../../core/storage/local-disk.js';

/** What OpenSSH's sftp puts in one WRITE, and how many it keeps outstanding (sftp -R). */
const REQUEST_BYTES = 261_120;
const OUTSTANDING = 64;
/** The size of the earlier, interrupted upload that reput resumes after. */
const PARTIAL_BYTES = 4_000_000;
/** reput opens the stored part with WRITE|CREAT|APPEND and no TRUNC (OpenSSH sftp-client.c). */
const RESUME: OpenOptions = { read: false, write: true, append: true, create: true, truncate: false, exclusive: false };

interface Write {
  offset: number;
  data: Buffer;
}

/** The WRITEs of a reput: one request after another from the end of the part, to the end. */
function resumeWrites(source: Buffer): Write[] {
  const writes: Write[] = [];
  for (let offset = PARTIAL_BYTES; offset < source.length; offset += REQUEST_BYTES) {
    writes.push({ offset, data: source.subarray(offset, offset + REQUEST_BYTES) });
  }
  return writes;
}

/**
 * Sends writes the way a pipelining client does: up to OUTSTANDING at once, the next one as
 * soon as any acknowledgement comes back, each handed to storage in the order it arrived.
 */
async function pipeline(writes: Write[], write: (offset: number, data: Buffer) => Promise<void>): Promise<void> {
  let next = 0;
  const sendMore = async (): Promise<void> => {
    while (next < writes.length) {
      const { offset, data } = writes[next++]!;
      await write(offset, data);
    }
  };
  await Promise.all(Array.from({ length: OUTSTANDING }, sendMore));
}

/**
 * A file opened with O_APPEND as the kernel treats it: a write lands at the end of the file as
 * it is when the write runs, whatever position it names. The test decides when each write
 * runs, which makes the thread pool's race between two writes in flight repeatable.
 */
class AppendOnlyFile {
  bytes: Buffer;
  readonly waiting: (() => void)[] = [];
  mostInFlight = 0;

  constructor(start: Buffer) {
    this.bytes = start;
  }

  handle(): NodeFileHandle {
    const append = (buffers: Buffer[]): Promise<{ bytesWritten: number }> => new Promise((resolve) => {
      this.waiting.push(() => {
        this.bytes = Buffer.concat([this.bytes, ...buffers]);
        resolve({ bytesWritten: buffers.reduce((sum, buffer) => sum + buffer.length, 0) });
      });
      this.mostInFlight = Math.max(this.mostInFlight, this.waiting.length);
    });
    return {
      write: (buffer: Buffer, start: number, length: number) => append([buffer.subarray(start, start + length)]),
      writev: (buffers: Buffer[]) => append(buffers),
    } as unknown as NodeFileHandle;
  }

  /** Runs the most recent write first, as a thread that wins the race to the inode would. */
  async runNewestFirst(isDone: () => boolean): Promise<void> {
    while (!isDone()) {
      await new Promise((resolve) => setImmediate(resolve));
      this.waiting.pop()?.();
    }
  }
}

describe('a resumed upload (reput) in append mode', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'airlock-resume-'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  // Regression: OpenSSH reput of an 80 MB file was stored with whole requests swapped, because
  // two joined writes were in flight at once and O_APPEND placed them in the order they ran.
  it('lands pipelined append writes in the order they arrived, whichever write runs first', async () => {
    const source = randomBytes(PARTIAL_BYTES + 40 * REQUEST_BYTES + 1234);
    const file = new AppendOnlyFile(Buffer.from(source.subarray(0, PARTIAL_BYTES)));
    const writes = new JoinedWrites(file.handle(), 2, { isAppend: true });
    let isDone = false;

    const draining = file.runNewestFirst(() => isDone);
    await pipeline(resumeWrites(source), (offset, data) => writes.write(offset, data));
    await writes.idle();
    isDone = true;
    await draining;

    assert.equal(file.mostInFlight, 1);
    assert.ok(file.bytes.equals(source), 'the stored bytes differ from the source');
  });

  // On real files the race shows in some runs only, so the reput is replayed a few times.
  it('stores a reput across the 64 MiB background sync with the bytes of the source', async () => {
    const source = randomBytes(80_000_000);
    const storage = new LocalDiskStorage(folder);

    for (let round = 1; round <= 4; round += 1) {
      const name = `visits-${round}.csv`;
      await writeFile(join(folder, name), source.subarray(0, PARTIAL_BYTES));
      const handle = await storage.open(name, RESUME);
      await pipeline(resumeWrites(source), (offset, data) => handle.write(offset, data));
      await handle.close();

      const stored = await readFile(join(folder, name));
      assert.equal(stored.length, source.length);
      assert.ok(stored.equals(source), `round ${round}: the stored bytes differ from the source`);
      await rm(join(folder, name));
    }
  });
});
