import { isAirlockError } from './errors.js';
import { CLIENT_FOLDERS, CLIENTS_FOLDER, clientKey, clientRootKey } from './layout.js';
import type { StorageBackend } from './storage/backend.js';

/** Makes `clients/CLIENT/inbox` and `.../outbox` for each client; existing folders are fine. */
export async function ensureClientFolders(storage: StorageBackend, clientIds: readonly string[]): Promise<void> {
  await mkdirIfMissing(storage, CLIENTS_FOLDER);
  for (const clientId of clientIds) {
    await mkdirIfMissing(storage, clientRootKey(clientId));
    for (const folder of CLIENT_FOLDERS) await mkdirIfMissing(storage, clientKey(clientId, folder));
  }
}

async function mkdirIfMissing(storage: StorageBackend, key: string): Promise<void> {
  try {
    await storage.mkdir(key);
  } catch (error) {
    if (!isAirlockError(error, 'EXISTS')) throw error;
  }
}
