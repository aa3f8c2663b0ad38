import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LocalDiskStorage } from '../../../core/storage/local-disk.js';
import { describeBackendContract } from './backend-contract.js';

describeBackendContract('local disk', async () => {
  const root = await mkdtemp(join(tmpdir(), 'airlock-local-'));
  return { backend: new LocalDiskStorage(root), dispose: () => rm(root, { recursive: true, force: true }) };
});
