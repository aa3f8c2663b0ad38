import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import type { S3StorageConfig } from '../../config/schema.js';

const run = promisify(execFile);
/** The repository's scripts, whether this file runs from test/ (tsx) or from dist/test/. */
const ABOVE_TEST = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPTS = join(ABOVE_TEST.replace(/\/dist\/?$/, '/'), 'scripts', 'radosgw');

export interface S3TestServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Stops the server if this helper started it; a shared server is left running. */
  stop(): Promise<void>;
}

/**
 * The radosgw that tests run against: the one named by AIRLOCK_TEST_S3_ENDPOINT (started once for
 * the whole test run), or else one started here for this test file. The credentials also go into
 * the environment, where the backend's default credential chain finds them.
 */
export async function startRadosgw(): Promise<S3TestServer> {
  const server = sharedServer() ?? (await startOwnServer());
  process.env.AWS_ACCESS_KEY_ID = server.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = server.secretAccessKey;
  return server;
}

function sharedServer(): S3TestServer | undefined {
  const endpoint = process.env.AIRLOCK_TEST_S3_ENDPOINT;
  if (endpoint === undefined || endpoint === '') return undefined;
  const accessKeyId = process.env.AIRLOCK_TEST_S3_ACCESS_KEY;
  const secretAccessKey = process.env.AIRLOCK_TEST_S3_SECRET_KEY;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new Error('AIRLOCK_TEST_S3_ENDPOINT needs AIRLOCK_TEST_S3_ACCESS_KEY and AIRLOCK_TEST_S3_SECRET_KEY');
  }
  return { endpoint, accessKeyId, secretAccessKey, stop: async () => {} };
}

async function startOwnServer(): Promise<S3TestServer> {
  const folder = await mkdtemp(join(tmpdir(), 'airlock-radosgw-'));
  const port = await freeLoopbackPort();
  const accessKeyId = `AIRLOCK${randomBytes(6).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  try {
    await run(join(SCRIPTS, 'start.sh'), [folder, String(port), accessKeyId, secretAccessKey]);
  } catch (error) {
    await run(join(SCRIPTS, 'stop.sh'), [folder]).catch(() => undefined);
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`, accessKeyId, secretAccessKey,
    stop: async () => { await run(join(SCRIPTS, 'stop.sh'), [folder, '--clean']); },
  };
}

/** A port the kernel just handed out on loopback; free unless someone takes it meanwhile. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no loopback port');
  return address.port;
}

export function testS3Client(server: S3TestServer): S3Client {
  return new S3Client({
    region: 'us-east-1', endpoint: server.endpoint, forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** A fresh bucket, so that every test starts from nothing and tests stay independent. */
export async function createTestBucket(server: S3TestServer): Promise<string> {
  const bucket = `airlock-test-${randomBytes(8).toString('hex')}`;
  const client = testS3Client(server);
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return bucket;
}

export function s3TestConfig(server: S3TestServer, bucket: string, overrides: Partial<S3StorageConfig> = {}): S3StorageConfig {
  return {
    type: 's3', bucket, prefix: 'airlock', region: 'us-east-1', endpoint: server.endpoint,
    forcePathStyle: true, checksums: 'WHEN_REQUIRED', partSizeBytes: 5 * 1024 * 1024, ...overrides,
  };
}
