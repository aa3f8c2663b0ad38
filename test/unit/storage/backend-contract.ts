import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';

import { isAirlockError, type ErrorCode } from '../../../core/errors.js';
import type { OpenOptions, StorageBackend, StorageKey } from '../../../core/storage/backend.js';

export interface ContractTarget {
  backend: StorageBackend;
  /** Releases whatever the factory made (folders, buckets, clients). */
  dispose(): Promise<void>;
}

const NO_FLAGS: OpenOptions = { read: false, write: false, append: false, create: false, truncate: false, exclusive: false };
export const FOR_READ: OpenOptions = { ...NO_FLAGS, read: true };
export const FOR_NEW_FILE: OpenOptions = { ...NO_FLAGS, write: true, create: true, truncate: true };

export async function writeFile(backend: StorageBackend, key: StorageKey, body: Buffer | string): Promise<void> {
  const handle = await backend.open(key, FOR_NEW_FILE);
  await handle.write(0, Buffer.from(body));
  await handle.close();
}

export async function readAll(backend: StorageBackend, key: StorageKey): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of backend.createReadStream(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function names(backend: StorageBackend, key: StorageKey): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of backend.list(key)) found.push(entry.name);
  return found.sort();
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of items) found.push(item);
  return found;
}

export async function rejectsWith(operation: Promise<unknown> | (() => Promise<unknown>), code: ErrorCode): Promise<void> {
  await assert.rejects(operation, (error: unknown) => {
    assert.ok(isAirlockError(error), `expected an AirlockError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

/** Writes `body` in `chunkBytes` pieces, all outstanding at once, in a shuffled order. */
export async function writeShuffled(backend: StorageBackend, key: StorageKey, body: Buffer, chunkBytes: number): Promise<void> {
  const offsets = Array.from({ length: Math.ceil(body.length / chunkBytes) }, (_, index) => index * chunkBytes);
  for (let index = offsets.length - 1; index > 0; index--) {
    const other = (index * 7919 + 13) % (index + 1);
    [offsets[index], offsets[other]] = [offsets[other]!, offsets[index]!];
  }
  const handle = await backend.open(key, FOR_NEW_FILE);
  await Promise.all(offsets.map((offset) => handle.write(offset, body.subarray(offset, offset + chunkBytes))));
  await handle.close();
}

/**
 * The behaviour every storage backend owes the gateway and the processor, checked the same way
 * against each. `makeTarget` gives an empty storage for every test.
 */
export function describeBackendContract(name: string, makeTarget: () => Promise<ContractTarget>): void {
  describe(`${name} storage contract`, () => {
    let target: ContractTarget;
    let storage: StorageBackend;
    beforeEach(async () => {
      target = await makeTarget();
      storage = target.backend;
    });
    afterEach(async () => {
      await target.backend.close();
      await target.dispose();
    });

    describe('stat and list', () => {
      it('answers undefined for a missing key and the size of a file', async () => {
        assert.equal(await storage.stat('missing.csv'), undefined);
        await writeFile(storage, 'visits.csv', 'id,zip\n1,02139\n');
        const found = await storage.stat('visits.csv');
        assert.equal(found?.isDirectory, false);
        assert.equal(found?.size, 15);
      });

      it('lists files and sub-folders of a folder, and reports folders as folders', async () => {
        await storage.mkdir('inbox');
        await storage.mkdir('inbox/batch');
        await writeFile(storage, 'inbox/a.csv', 'a');
        await writeFile(storage, 'inbox/batch/b.csv', 'bb');

        assert.deepEqual(await names(storage, 'inbox'), ['a.csv', 'batch']);
        const entries = new Map<string, boolean>();
        for await (const entry of storage.list('inbox')) entries.set(entry.name, entry.stat.isDirectory);
        assert.deepEqual([...entries].sort(), [['a.csv', false], ['batch', true]]);
        assert.equal((await storage.stat('inbox/batch'))?.isDirectory, true);
      });

      it('lists an empty folder as empty and a missing one as NOT_FOUND', async () => {
        await storage.mkdir('empty');
        assert.deepEqual(await names(storage, 'empty'), []);
        await rejectsWith(names(storage, 'nowhere'), 'NOT_FOUND');
      });
    });

    describe('open flags', () => {
      it('refuses to open a missing file without create', async () => {
        await rejectsWith(storage.open('missing.csv', FOR_READ), 'NOT_FOUND');
        await rejectsWith(storage.open('missing.csv', { ...NO_FLAGS, write: true }), 'NOT_FOUND');
      });

      it('refuses an exclusive create of an existing file', async () => {
        await writeFile(storage, 'taken.csv', 'x');
        await rejectsWith(storage.open('taken.csv', { ...FOR_NEW_FILE, exclusive: true }), 'EXISTS');
      });

      it('replaces the whole file when opened with truncate', async () => {
        await writeFile(storage, 'report.csv', 'a long first version');
        await writeFile(storage, 'report.csv', 'short');
        assert.equal((await readAll(storage, 'report.csv')).toString(), 'short');
      });

      it('keeps existing bytes when opened without truncate and overwrites only what is written', async () => {
        await writeFile(storage, 'draft.csv', 'abcdef');
        const handle = await storage.open('draft.csv', { ...NO_FLAGS, write: true });
        await handle.write(2, Buffer.from('XY'));
        await handle.close();
        assert.equal((await readAll(storage, 'draft.csv')).toString(), 'abXYef');
      });

      it('continues a file from its end when a client resumes an upload', async () => {
        await writeFile(storage, 'resume.csv', 'hello ');
        const handle = await storage.open('resume.csv', { ...NO_FLAGS, write: true, create: true });
        await handle.write(6, Buffer.from('world'));
        await handle.close();
        assert.equal((await readAll(storage, 'resume.csv')).toString(), 'hello world');
      });

      it('appends at the end whatever offset an append write names', async () => {
        await writeFile(storage, 'log.csv', 'one\n');
        const handle = await storage.open('log.csv', { ...NO_FLAGS, write: true, append: true });
        await handle.write(0, Buffer.from('two\n'));
        await handle.write(0, Buffer.from('three\n'));
        await handle.close();
        assert.equal((await readAll(storage, 'log.csv')).toString(), 'one\ntwo\nthree\n');
      });

      it('creates an empty file when a new file is closed without writes', async () => {
        const handle = await storage.open('empty.csv', FOR_NEW_FILE);
        await handle.close();
        assert.equal((await storage.stat('empty.csv'))?.size, 0);
      });

      it('refuses to open a folder as a file', async () => {
        await storage.mkdir('inbox');
        await rejectsWith(storage.open('inbox', FOR_READ), 'DENIED');
      });
    });

    describe('writes and reads at offsets', () => {
      it('lands each write at its offset, like pwrite', async () => {
        const handle = await storage.open('parts.csv', FOR_NEW_FILE);
        await handle.write(5, Buffer.from('world'));
        await handle.write(0, Buffer.from('hello'));
        await handle.write(3, Buffer.from('LO'));
        await handle.close();
        assert.equal((await readAll(storage, 'parts.csv')).toString(), 'helLOworld');
      });

      it('keeps the exact bytes of many outstanding writes that arrive out of order', async () => {
        const body = randomBytes(2 * 1024 * 1024 + 123);
        await writeShuffled(storage, 'pipelined.bin', body, 32 * 1024);
        assert.ok((await readAll(storage, 'pipelined.bin')).equals(body));
      });

      it('lands writes sent before CLOSE even when CLOSE comes before their replies', async () => {
        const body = randomBytes(256 * 1024);
        const handle = await storage.open('eager.bin', FOR_NEW_FILE);
        const writes = [0, 1, 2, 3].map((index) => handle.write(index * 65536, body.subarray(index * 65536, (index + 1) * 65536)));
        await handle.close();
        await Promise.all(writes);
        assert.ok((await readAll(storage, 'eager.bin')).equals(body));
      });

      it('reads at any offset, short near the end and empty past it', async () => {
        const body = randomBytes(3000);
        await writeFile(storage, 'sample.bin', body);
        const handle = await storage.open('sample.bin', FOR_READ);
        assert.ok((await handle.read(1000, 500)).equals(body.subarray(1000, 1500)));
        assert.ok((await handle.read(2900, 500)).equals(body.subarray(2900)));
        assert.equal((await handle.read(3000, 10)).length, 0);
        assert.equal((await handle.read(5000, 10)).length, 0);
        assert.equal((await handle.stat()).size, 3000);
        await handle.close();
      });

      it('serves concurrent reads in any order', async () => {
        const body = randomBytes(300 * 1024);
        await writeFile(storage, 'random.bin', body);
        const handle = await storage.open('random.bin', FOR_READ);
        const offsets = [250, 10, 120, 0, 299, 64].map((kib) => kib * 1024);
        const pieces = await Promise.all(offsets.map((offset) => handle.read(offset, 4096)));
        pieces.forEach((piece, index) => assert.ok(piece.equals(body.subarray(offsets[index], offsets[index]! + 4096))));
        await handle.close();
      });
    });

    describe('folders, removal and rename', () => {
      it('makes and removes an empty folder, and refuses a second mkdir', async () => {
        await storage.mkdir('batch');
        assert.equal((await storage.stat('batch'))?.isDirectory, true);
        await rejectsWith(storage.mkdir('batch'), 'EXISTS');
        await storage.rmdir('batch');
        assert.equal(await storage.stat('batch'), undefined);
        await rejectsWith(storage.rmdir('batch'), 'NOT_FOUND');
      });

      it('refuses to remove a folder that still has files', async () => {
        await storage.mkdir('batch');
        await writeFile(storage, 'batch/a.csv', 'a');
        await rejectsWith(storage.rmdir('batch'), 'NOT_EMPTY');
      });

      it('removes a file, keeps its folder, and answers NOT_FOUND for a missing one', async () => {
        await storage.mkdir('inbox');
        await writeFile(storage, 'inbox/a.csv', 'a');
        await storage.remove('inbox/a.csv');
        assert.equal(await storage.stat('inbox/a.csv'), undefined);
        assert.equal((await storage.stat('inbox'))?.isDirectory, true);
        await rejectsWith(storage.remove('inbox/a.csv'), 'NOT_FOUND');
      });

      it('renames a file with its bytes', async () => {
        await writeFile(storage, 'upload.filepart', 'complete');
        await storage.rename('upload.filepart', 'upload.csv', { overwrite: false });
        assert.equal(await storage.stat('upload.filepart'), undefined);
        assert.equal((await readAll(storage, 'upload.csv')).toString(), 'complete');
      });

      it('refuses to rename onto an existing file without overwrite, and replaces it with', async () => {
        await writeFile(storage, 'new.csv', 'new');
        await writeFile(storage, 'old.csv', 'old');
        await rejectsWith(storage.rename('new.csv', 'old.csv', { overwrite: false }), 'EXISTS');
        assert.equal((await readAll(storage, 'old.csv')).toString(), 'old');
        await storage.rename('new.csv', 'old.csv', { overwrite: true });
        assert.equal((await readAll(storage, 'old.csv')).toString(), 'new');
        assert.equal(await storage.stat('new.csv'), undefined);
      });

      it('answers NOT_FOUND when renaming a missing file', async () => {
        await rejectsWith(storage.rename('missing.csv', 'other.csv', { overwrite: true }), 'NOT_FOUND');
      });

      it('renames a folder with everything in it', async () => {
        await storage.mkdir('batch');
        await writeFile(storage, 'batch/a.csv', 'a');
        await storage.rename('batch', 'done', { overwrite: false });
        assert.equal(await storage.stat('batch'), undefined);
        assert.equal((await readAll(storage, 'done/a.csv')).toString(), 'a');
      });
    });

    describe('times', () => {
      it('keeps times a client sets and reports them in stat and in listings', async () => {
        await storage.mkdir('inbox');
        await writeFile(storage, 'inbox/visits.csv', 'x');
        await storage.setTimes('inbox/visits.csv', 1_600_000_000_000, 1_500_000_000_000);

        const found = await storage.stat('inbox/visits.csv');
        assert.equal(found?.mtimeMs, 1_500_000_000_000);
        assert.equal(found?.atimeMs, 1_600_000_000_000);
        const [entry] = await collect(storage.list('inbox'));
        assert.equal(entry?.stat.mtimeMs, 1_500_000_000_000);
        assert.equal((await readAll(storage, 'inbox/visits.csv')).toString(), 'x');
      });

      it('keeps times set on an open upload once it is closed', async () => {
        const handle = await storage.open('timed.csv', FOR_NEW_FILE);
        await handle.write(0, Buffer.from('abc'));
        await handle.setTimes(1_400_000_000_000, 1_300_000_000_000);
        await handle.close();
        assert.equal((await storage.stat('timed.csv'))?.mtimeMs, 1_300_000_000_000);
      });
    });

    describe('published results and records', () => {
      it('publishes a whole stream, and leaves nothing when the stream fails midway', async () => {
        const body = randomBytes(200 * 1024);
        await storage.publish('result.csv', Readable.from([body.subarray(0, 100), body.subarray(100)]));
        assert.ok((await readAll(storage, 'result.csv')).equals(body));

        async function* failing(): AsyncGenerator<Buffer> {
          yield body;
          throw new Error('source failed');
        }
        await assert.rejects(storage.publish('broken.csv', Readable.from(failing())));
        assert.equal(await storage.stat('broken.csv'), undefined);
      });

      it('creates a record once: a second create is refused', async () => {
        assert.equal(await storage.createExclusive('claim.json', Buffer.from('first')), true);
        assert.equal(await storage.createExclusive('claim.json', Buffer.from('second')), false);
        assert.equal((await storage.readRecord('claim.json'))?.body.toString(), 'first');
      });

      it('gives exactly one winner among ten concurrent creates', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 10 }, (_, index) => storage.createExclusive('race.json', Buffer.from(String(index)))),
        );
        assert.equal(outcomes.filter(Boolean).length, 1);
      });

      it('replaces a record only while it still has the version read', async () => {
        assert.equal(await storage.readRecord('lease.json'), undefined);
        await storage.createExclusive('lease.json', Buffer.from('v1'));
        const first = await storage.readRecord('lease.json');
        assert.ok(first !== undefined);
        assert.equal(await storage.replaceRecord('lease.json', Buffer.from('v2'), first.version), true);
        assert.equal(await storage.replaceRecord('lease.json', Buffer.from('v3'), first.version), false);
        assert.equal((await storage.readRecord('lease.json'))?.body.toString(), 'v2');
      });
    });

    describe('walk', () => {
      it('yields every file under a prefix, recursively, and nothing for a missing prefix', async () => {
        await storage.mkdir('clients');
        await storage.mkdir('clients/acme');
        await storage.mkdir('clients/acme/empty');
        await writeFile(storage, 'clients/acme/a.csv', 'a');
        await storage.mkdir('clients/acme/batch');
        await writeFile(storage, 'clients/acme/batch/b.csv.done', '');
        await writeFile(storage, 'other.csv', 'o');

        const walked = new Map<string, number>();
        for await (const found of storage.walk('clients')) walked.set(found.key, found.stat.size);
        assert.deepEqual([...walked].sort(), [['clients/acme/a.csv', 1], ['clients/acme/batch/b.csv.done', 0]]);
        assert.deepEqual(await collect(storage.walk('nowhere')), []);
      });
    });

    describe('names with special characters', () => {
      const specialNames = ["a+b=c&d.csv", "o'brien notes.csv", 'résumé 日本.csv', '100% (final).csv'];
      for (const specialName of specialNames) {
        it(`stores, lists, renames and reads "${specialName}"`, async () => {
          await storage.mkdir('inbox');
          await writeFile(storage, `inbox/${specialName}`, specialName);
          assert.deepEqual(await names(storage, 'inbox'), [specialName]);
          await storage.rename(`inbox/${specialName}`, `inbox/moved ${specialName}`, { overwrite: false });
          assert.equal((await readAll(storage, `inbox/moved ${specialName}`)).toString(), specialName);
          await storage.setTimes(`inbox/moved ${specialName}`, 1_000_000_000_000, 1_000_000_000_000);
          assert.equal((await storage.stat(`inbox/moved ${specialName}`))?.mtimeMs, 1_000_000_000_000);
        });
      }
    });

    it('reports NOT_FOUND when streaming a missing file', async () => {
      await rejectsWith(readAll(storage, 'missing.csv'), 'NOT_FOUND');
    });
  });
}
