import { AirlockError } from '../core/errors.js';
import { CLIENTS_FOLDER, CLIENT_FOLDERS, clientKey, clientRootKey } from '../core/layout.js';
import type { DirEntry, EntryStat, StorageBackend, StorageKey } from '../core/storage/backend.js';
import { MAX_NAME_BYTES, placeOf, type ClientPath, type Place } from './client-path.js';
import { checkAccess, type Operation } from './permissions.js';
import { refusal } from './refusal.js';

/** A path that passed the permission table, with its storage key. */
export interface CheckedPath {
  path: ClientPath;
  place: Place;
  /** undefined for `/` itself, which is not a storage folder of its own. */
  key: StorageKey | undefined;
}

/**
 * One client's view of storage: `/` holds exactly `inbox/` and `outbox/`, and every path is
 * checked against the permission table before it becomes a storage key.
 */
export class ClientView {
  constructor(
    readonly clientId: string,
    private readonly storage: StorageBackend,
  ) {}

  /** Makes `inbox/` and `outbox/` when they are missing, so a first login finds both. */
  async ensureFolders(): Promise<void> {
    for (const folder of CLIENT_FOLDERS) {
      const key = clientKey(this.clientId, folder);
      if ((await this.storage.stat(key)) !== undefined) continue;
      // Storage mkdir makes one level; S3 has no folders and treats these as no-ops.
      for (const level of [CLIENTS_FOLDER, clientRootKey(this.clientId), key]) {
        await this.storage.mkdir(level).catch(ignoreExists);
      }
    }
  }

  check(operation: Operation, path: ClientPath): CheckedPath {
    const place = placeOf(path);
    checkAccess(operation, place);
    if (CREATING.has(operation) && place.kind === 'inside' && place.folder === 'inbox') checkNameRoom(place.rest);
    return { path, place, key: keyOf(this.clientId, place) };
  }

  async stat(checked: CheckedPath): Promise<EntryStat> {
    const key = checked.key ?? clientRootKey(this.clientId);
    const found = await this.storage.stat(key);
    if (found === undefined) throw refusal('NOT_FOUND', 'no such file or folder');
    return found;
  }

  /** Entries of a folder; `/` lists exactly the two client folders. */
  async *list(checked: CheckedPath): AsyncIterable<DirEntry> {
    if (checked.key === undefined) {
      for (const folder of CLIENT_FOLDERS) {
        const found = await this.storage.stat(clientKey(this.clientId, folder));
        if (found !== undefined) yield { name: folder, stat: found };
      }
      return;
    }
    yield* this.storage.list(checked.key);
  }
}

const CREATING: ReadonlySet<Operation> = new Set<Operation>(['write', 'rename', 'mkdir']);

/**
 * A name made in the inbox leaves room for what the processor derives from it:
 * `STEM.deid.EXT.report.json` is 17 bytes longer, and file systems and this gateway stop at 255.
 */
export const MAX_INBOX_NAME_BYTES = MAX_NAME_BYTES - '.deid'.length - '.report.json'.length;

function checkNameRoom(rest: string): void {
  const name = rest.slice(rest.lastIndexOf('/') + 1);
  if (Buffer.byteLength(name) > MAX_INBOX_NAME_BYTES) {
    throw refusal('DENIED', `names in the inbox are limited to ${MAX_INBOX_NAME_BYTES} bytes`);
  }
}

function keyOf(clientId: string, place: Place): StorageKey | undefined {
  switch (place.kind) {
    case 'root':
      return undefined;
    case 'folder':
      return clientKey(clientId, place.folder);
    case 'inside':
      return clientKey(clientId, place.folder, place.rest);
    case 'unknown':
      // The permission table refuses every operation on an unknown top-level name.
      throw refusal('NOT_FOUND', 'no such file or folder');
  }
}

function ignoreExists(error: unknown): void {
  if (error instanceof AirlockError && error.code === 'EXISTS') return;
  throw error;
}
