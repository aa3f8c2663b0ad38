// S3 benchmark: direct lib-storage upload throughput, the backend's own streamed upload, and the
// time of a 1 GiB rename (server-side copy), printed side by side from one run.
//
//   npx tsx scripts/bench-s3.ts [SIZE_MIB]
//
// Against AIRLOCK_BENCH_S3_ENDPOINT (with AIRLOCK_BENCH_S3_ACCESS_KEY / _SECRET_KEY) when set,
// else against a radosgw with bluestore started here on loopback and stopped afterwards.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import type { S3StorageConfig } from '../config/schema.js';
import { S3Storage } from '../core/storage/s3.js';

const run = promisify(execFile);
const MIB = 1024 * 1024;
const SCRIPTS = fileURLToPath(new URL('./radosgw/', import.meta.url));

interface Endpoint {
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** radosgw and OSD process ids, when started here, for their CPU time. */
  serverPids: number[];
  stop(): Promise<void>;
}

interface Figure {
  what: string;
  seconds: number;
  mibPerSecond?: number;
  clientCpuSeconds: number;
  serverCpuSeconds?: number;
}

async function main(): Promise<void> {
  const sizeMib = Number(process.argv[2] ?? 1024);
  const endpoint = await endpointToUse();
  try {
    process.env.AWS_ACCESS_KEY_ID = endpoint.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = endpoint.secretAccessKey;
    const bucket = `airlock-bench-${randomBytes(4).toString('hex')}`;
    const client = s3Client(endpoint);
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const config: S3StorageConfig = {
      type: 's3', bucket, prefix: 'bench', region: 'us-east-1', endpoint: endpoint.url,
      forcePathStyle: true, checksums: 'WHEN_REQUIRED', partSizeBytes: 8 * MIB,
    };
    const bytes = sizeMib * MIB;
    const figures: Figure[] = [];

    // A fresh bluestore OSD allocates as it first writes; warm it so that order does not decide.
    await new Upload({ client, params: { Bucket: bucket, Key: 'bench/warm-up.bin', Body: Readable.from(repeated(bytes / 2)) },
      partSize: 8 * MIB, queueSize: 4 }).done();

    figures.push(await measure(endpoint, `direct lib-storage upload, ${sizeMib} MiB, 8 MiB parts x4`, bytes, () =>
      new Upload({ client, params: { Bucket: bucket, Key: 'bench/direct.bin', Body: Readable.from(repeated(bytes)) },
        partSize: 8 * MIB, queueSize: 4 }).done()));

    const storage = new S3Storage(config);
    figures.push(await measure(endpoint, `S3Storage write handle, ${sizeMib} MiB, 64 x 256 KiB outstanding`, bytes, () =>
      writeThroughBackend(storage, 'backend.bin', bytes)));

    // radosgw shares the copied object's data instead of rewriting it, hence the default below.
    figures.push(await measure(endpoint, `rename ${sizeMib} MiB: one CopyObject (default)`, undefined, () =>
      storage.rename('direct.bin', 'renamed-once.bin', { overwrite: false })));

    const partsStorage = new S3Storage({ ...config, multipartCopyAboveBytes: 5 * MIB, copyPartSizeBytes: 128 * MIB });
    figures.push(await measure(endpoint, `rename ${sizeMib} MiB: UploadPartCopy, 128 MiB parts x8`, undefined, () =>
      partsStorage.rename('renamed-once.bin', 'renamed-parts.bin', { overwrite: false })));

    await Promise.all([storage.close(), partsStorage.close()]);
    client.destroy();
    print(figures, endpoint);
  } finally {
    await endpoint.stop();
  }
}

async function measure(endpoint: Endpoint, what: string, bytes: number | undefined, action: () => Promise<unknown>): Promise<Figure> {
  const serverBefore = await serverCpuSeconds(endpoint);
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await action();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const serverAfter = await serverCpuSeconds(endpoint);
  return {
    what, seconds,
    mibPerSecond: bytes === undefined ? undefined : bytes / MIB / seconds,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
    serverCpuSeconds: serverBefore === undefined || serverAfter === undefined ? undefined : serverAfter - serverBefore,
  };
}

/** The same 8 MiB of random bytes over and over: cheap to make, not compressible. */
async function* repeated(bytes: number): AsyncGenerator<Buffer> {
  const block = randomBytes(8 * MIB);
  for (let sent = 0; sent < bytes; sent += block.length) yield block.subarray(0, Math.min(block.length, bytes - sent));
}

/** Writes like a pipelining SFTP client: many 256 KiB WRITEs outstanding, each answered in turn. */
async function writeThroughBackend(storage: S3Storage, key: string, bytes: number): Promise<void> {
  const chunkBytes = 256 * 1024;
  const block = randomBytes(8 * MIB);
  const handle = await storage.open(key, { read: false, write: true, append: false, create: true, truncate: true, exclusive: false });
  const outstanding = new Set<Promise<void>>();
  for (let offset = 0; offset < bytes; offset += chunkBytes) {
    const chunk = block.subarray(offset % block.length, (offset % block.length) + chunkBytes);
    const write: Promise<void> = handle.write(offset, chunk).finally(() => outstanding.delete(write));
    outstanding.add(write);
    if (outstanding.size >= 64) await Promise.race(outstanding);
  }
  await Promise.all(outstanding);
  await handle.close();
}

function print(figures: Figure[], endpoint: Endpoint): void {
  console.log(`S3 endpoint ${endpoint.url}${endpoint.serverPids.length > 0 ? ' (radosgw + bluestore OSD started here)' : ''}`);
  console.log(['what'.padEnd(58), 'seconds'.padStart(8), 'MiB/s'.padStart(8), 'client CPU s'.padStart(13), 'server CPU s'.padStart(13)].join(' '));
  for (const figure of figures) {
    console.log([
      figure.what.padEnd(58), figure.seconds.toFixed(2).padStart(8),
      (figure.mibPerSecond?.toFixed(1) ?? '-').padStart(8), figure.clientCpuSeconds.toFixed(2).padStart(13),
      (figure.serverCpuSeconds?.toFixed(2) ?? '-').padStart(13),
    ].join(' '));
  }
}

function s3Client(endpoint: Endpoint): S3Client {
  return new S3Client({
    region: 'us-east-1', endpoint: endpoint.url, forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function endpointToUse(): Promise<Endpoint> {
  const url = process.env.AIRLOCK_BENCH_S3_ENDPOINT;
  if (url !== undefined && url !== '') {
    return {
      url, serverPids: [], stop: async () => {},
      accessKeyId: process.env.AIRLOCK_BENCH_S3_ACCESS_KEY ?? '', secretAccessKey: process.env.AIRLOCK_BENCH_S3_SECRET_KEY ?? '',
    };
  }
  const folder = await mkdtemp(join(tmpdir(), 'airlock-bench-radosgw-'));
  const port = await freeLoopbackPort();
  const accessKeyId = `BENCH${randomBytes(6).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const env = { ...process.env, RADOSGW_OBJECTSTORE: 'bluestore', RADOSGW_STORE_BYTES: String(8 * 1024 * MIB) };
  const stop = async (): Promise<void> => { await run(join(SCRIPTS, 'stop.sh'), [folder, '--clean']); };
  try {
    await run(join(SCRIPTS, 'start.sh'), [folder, String(port), accessKeyId, secretAccessKey], { env });
  } catch (error) {
    await stop();
    throw error;
  }
  const serverPids = await Promise.all(['client.rgw', 'osd.0'].map(async (name) =>
    Number((await readFile(join(folder, 'run', `${name}.pid`), 'utf8')).trim())));
  return { url: `http://127.0.0.1:${port}`, accessKeyId, secretAccessKey, serverPids, stop };
}

async function serverCpuSeconds(endpoint: Endpoint): Promise<number | undefined> {
  if (endpoint.serverPids.length === 0) return undefined;
  const ticks = await Promise.all(endpoint.serverPids.map(async (pid) => {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  }));
  return ticks.reduce((sum, value) => sum + value, 0) / 100;
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no loopback port');
  return address.port;
}

await main();
