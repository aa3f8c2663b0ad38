import { createHash } from 'node:crypto';

import type { StorageBackend, StorageKey } from './backend.js';

const READ_BLOCK_BYTES = 1024 * 1024;
const READ_ONLY = { read: true, write: false, append: false, create: false, truncate: false, exclusive: false };

/** The SHA-256 of an object as storage holds it, read in blocks so that memory stays flat. */
export async function sha256OfStored(storage: StorageBackend, key: StorageKey): Promise<string> {
  const hash = createHash('sha256');
  const file = await storage.open(key, READ_ONLY);
  try {
    for (let offset = 0; ; ) {
      const block = await file.read(offset, READ_BLOCK_BYTES);
      if (block.length === 0) break;
      hash.update(block);
      offset += block.length;
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}
