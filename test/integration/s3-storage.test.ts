import { PutObjectCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { S3StorageConfig } from '../../config/schema.js';
import type { OpenOptions } from '../../core/storage/backend.js';
import { S3Storage } from '../../core/storage/s3.js';
import {
  createTestBucket, freeLoopbackPort, s3TestConfig, startRadosgw, testS3Client, type S3TestServer,
} from '../support/radosgw.js';
import {
  FOR_NEW_FILE, collect, describeBackendContract, readAll, rejectsWith, writeShuffled,
} from '../unit/storage/backend-contract.js';

const MIB = 1024 * 1024;
let server: S3TestServer;

before(async () => {
  server = await startRadosgw();
});
after(async () => {
  await server.stop();
});

async function freshStorage(overrides: Partial<S3StorageConfig> = {}): Promise<S3Storage> {
  return new S3Storage(s3TestConfig(server, await createTestBucket(server), overrides));
}

describeBackendContract('S3 on radosgw', async () => ({ backend: await freshStorage(), dispose: async () => {} }));

describe('S3 storage', () => {
  it('lists a folder of 5,000 files completely', async () => {
    const storage = await freshStorage({ listTimes: 'lastModified' });
    const config = s3TestConfig(server, '');
    const client = testS3Client(server);
    const bucket = (storage as unknown as { location: { bucket: string } }).location.bucket;
    const expected = Array.from({ length: 5000 }, (_, index) => `row-${String(index).padStart(5, '0')}.csv`);
    for (let start = 0; start < expected.length; start += 100) {
      await Promise.all(expected.slice(start, start + 100).map((name) =>
        client.send(new PutObjectCommand({ Bucket: bucket, Key: `${config.prefix}/bulk/${name}`, Body: name }))));
    }
    client.destroy();

    const listed = (await collect(storage.list('bulk'))).map((entry) => entry.name).sort();
    assert.deepEqual(listed, expected);
    assert.equal((await collect(storage.walk('bulk'))).length, 5000);
    await storage.close();
  });

  it('stores the exact bytes of a large upload written out of order over several parts', async () => {
    const storage = await freshStorage();
    const body = randomBytes(23 * MIB + 4321);
    await writeShuffled(storage, 'large.bin', body, 256 * 1024);
    assert.ok((await readAll(storage, 'large.bin')).equals(body));

    const handle = await storage.open('large.bin', { ...FOR_NEW_FILE, truncate: false, create: false });
    await handle.close();
    assert.equal((await storage.stat('large.bin'))?.size, body.length);
    await storage.close();
  });

  it('refuses with a clean error a write far beyond the bytes received, and stores nothing', async () => {
    const storage = await freshStorage({ reorderWindowBytes: MIB });
    const handle = await storage.open('gappy.bin', FOR_NEW_FILE);
    await handle.write(0, randomBytes(1024));
    await rejectsWith(handle.write(64 * MIB, randomBytes(1024)), 'UNSUPPORTED');
    await rejectsWith(handle.write(1024, randomBytes(1024)), 'UNSUPPORTED');
    await rejectsWith(handle.close(), 'UNSUPPORTED');
    assert.equal(await storage.stat('gappy.bin'), undefined);
    await storage.close();
  });

  it('refuses a rewrite of bytes already sent to storage, and stores nothing', async () => {
    const storage = await freshStorage();
    const handle = await storage.open('rewrite.bin', FOR_NEW_FILE);
    await handle.write(0, randomBytes(6 * MIB));
    await rejectsWith(handle.write(0, randomBytes(1024)), 'UNSUPPORTED');
    await rejectsWith(handle.close(), 'UNSUPPORTED');
    assert.equal(await storage.stat('rewrite.bin'), undefined);
    await storage.close();
  });

  it('answers the current size of a file while it is being uploaded, and refuses to read it', async () => {
    const storage = await freshStorage();
    const handle = await storage.open('growing.bin', FOR_NEW_FILE);
    await handle.write(0, randomBytes(7 * MIB));
    assert.equal((await storage.stat('growing.bin'))?.size, 7 * MIB);
    assert.deepEqual((await collect(storage.list(''))).map((entry) => [entry.name, entry.stat.size]), [['growing.bin', 7 * MIB]]);
    await rejectsWith(handle.read(0, 10), 'UNSUPPORTED');
    await handle.close();
    assert.equal((await storage.stat('growing.bin'))?.size, 7 * MIB);
    await storage.close();
  });

  it('keeps the old file and no parts when an upload is aborted', async () => {
    const storage = await freshStorage();
    const handle = await storage.open('kept.bin', FOR_NEW_FILE);
    await handle.write(0, Buffer.from('old'));
    await handle.close();
    const replacing = await storage.open('kept.bin', FOR_NEW_FILE);
    await replacing.write(0, randomBytes(6 * MIB));
    await replacing.abort();
    assert.equal((await readAll(storage, 'kept.bin')).toString(), 'old');
    await storage.close();
  });

  it('resumes a large upload from its end with a server-side copy of what is stored', async () => {
    const storage = await freshStorage();
    const body = randomBytes(13 * MIB + 17);
    const first = await storage.open('resumed.bin', FOR_NEW_FILE);
    await first.write(0, body.subarray(0, 6 * MIB));
    await first.close();

    const resume: OpenOptions = { read: false, write: true, append: false, create: true, truncate: false, exclusive: false };
    const second = await storage.open('resumed.bin', resume);
    await writeAt(second, 6 * MIB, body.subarray(6 * MIB));
    await second.close();
    assert.ok((await readAll(storage, 'resumed.bin')).equals(body));
    await storage.close();
  });

  it('copies a large file in parallel parts when renaming, keeping bytes and times', async () => {
    const storage = await freshStorage({ multipartCopyAboveBytes: 5 * MIB, copyPartSizeBytes: 5 * MIB });
    const body = randomBytes(27 * MIB + 5);
    await writeShuffled(storage, 'big.bin', body, 1 * MIB);
    await storage.setTimes('big.bin', 1_200_000_000_000, 1_100_000_000_000);
    await storage.rename('big.bin', 'moved.bin', { overwrite: false });
    assert.equal(await storage.stat('big.bin'), undefined);
    assert.equal((await storage.stat('moved.bin'))?.mtimeMs, 1_100_000_000_000);
    assert.ok((await readAll(storage, 'moved.bin')).equals(body));
    await storage.close();
  });

  it('reads a large file with read-ahead in any order', async () => {
    const storage = await freshStorage({ readBlockBytes: 256 * 1024, readAheadBytes: MIB });
    const body = randomBytes(9 * MIB);
    await storage.publish('download.bin', body);
    const handle = await storage.open('download.bin', { ...FOR_NEW_FILE, read: true, write: false, create: false, truncate: false });
    const offsets = Array.from({ length: 72 }, (_, index) => index * 128 * 1024);
    const pieces = await Promise.all([...offsets].reverse().map((offset) => handle.read(offset, 128 * 1024)));
    assert.ok(Buffer.concat(pieces.reverse()).equals(body));
    await handle.close();
    await storage.close();
  });

  it('answers INTERNAL quickly when the endpoint cannot be reached', async () => {
    const closedPort = await freeLoopbackPort();
    const storage = new S3Storage(s3TestConfig(server, 'airlock-unreachable', {
      endpoint: `http://127.0.0.1:${closedPort}`, maxAttempts: 1,
    }));
    await rejectsWith(storage.stat('anything.csv'), 'INTERNAL');
    await rejectsWith(storage.createExclusive('claim.json', Buffer.from('x')), 'INTERNAL');
    await storage.close();
  });

  it('answers DENIED when the credentials are refused', async () => {
    const bucket = await createTestBucket(server);
    const saved = process.env.AWS_SECRET_ACCESS_KEY;
    // The default credential chain reads the environment at the first request.
    process.env.AWS_SECRET_ACCESS_KEY = 'not-the-secret';
    const refused = new S3Storage(s3TestConfig(server, bucket));
    try {
      await rejectsWith(refused.stat('anything.csv'), 'DENIED');
    } finally {
      process.env.AWS_SECRET_ACCESS_KEY = saved;
      await refused.close();
    }
  });
});

async function writeAt(handle: { write(offset: number, data: Buffer): Promise<void> }, start: number, body: Buffer): Promise<void> {
  for (let done = 0; done < body.length; done += 256 * 1024) {
    await handle.write(start + done, body.subarray(done, done + 256 * 1024));
  }
}
