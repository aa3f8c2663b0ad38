import { createHash } from 'node:crypto';

import type { EntryStat, StorageBackend } from '../../core/storage/backend.js';
import { S3Storage } from '../../core/storage/s3.js';
import { sha256OfStored } from '../../core/storage/stored-sha256.js';
import { CLIENT_ID, GatewayHarness } from '../support/gateway-harness.js';
import { createTestBucket, s3TestConfig, startRadosgw, type S3TestServer } from '../support/radosgw.js';

/** A gateway in-process on one storage backend, and a look at what landed in that storage. */
export interface CompatTarget {
  harness: GatewayHarness;
  /** SHA-256 (hex) of a client path's bytes as storage holds them; undefined when absent. */
  landedSha256(clientPath: string): Promise<string | undefined>;
  /** Storage's own record of a client path (size, times); undefined when absent. */
  landedStat(clientPath: string): Promise<EntryStat | undefined>;
  close(): Promise<void>;
}

export interface CompatBackend {
  name: string;
  start(): Promise<CompatTarget>;
}

export const LOCAL_DISK: CompatBackend = {
  name: 'local disk',
  start: async () => {
    let storage: StorageBackend | undefined;
    const harness = await GatewayHarness.start({ wrapStorage: (local) => (storage = local) });
    return targetOn(harness, storage!, async () => {});
  },
};

/** S3 on the shared radosgw (AIRLOCK_TEST_S3_*), or one started for this file; a fresh bucket. */
export const S3_ON_RADOSGW: CompatBackend = {
  name: 'S3 on radosgw',
  start: async () => {
    const server: S3TestServer = await startRadosgw();
    const storage = new S3Storage(s3TestConfig(server, await createTestBucket(server)));
    const harness = await GatewayHarness.start({ wrapStorage: () => storage });
    return targetOn(harness, storage, async () => {
      await storage.close();
      await server.stop();
    });
  },
};

function targetOn(harness: GatewayHarness, storage: StorageBackend, stop: () => Promise<void>): CompatTarget {
  const keyOf = (clientPath: string): string => `clients/${CLIENT_ID}/${clientPath}`;
  return {
    harness,
    landedSha256: async (clientPath) => {
      if ((await storage.stat(keyOf(clientPath))) === undefined) return undefined;
      return sha256OfStored(storage, keyOf(clientPath));
    },
    landedStat: (clientPath) => storage.stat(keyOf(clientPath)),
    close: async () => {
      await harness.close();
      await stop();
    },
  };
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
