import type { Readable } from 'node:stream';

import { CLIENTS_FOLDER, clientKey, isTemporaryName } from '../core/layout.js';
import type {
  DirEntry, EntryStat, FileHandle, OpenOptions, StorageBackend, StorageKey, VersionedRecord,
} from '../core/storage/backend.js';
import type { OpenUploads } from './open-uploads.js';
import { refusal } from './refusal.js';

export type SuffixFor = (clientId: string) => string | undefined;

/**
 * Storage as the gateway's sessions see it: every handle that may change a file is counted in
 * `uploads` while it is open, and a marker is refused while the file it marks is open here.
 * Without this, a marker sent mid-upload lets the processor take the partial file and delete it,
 * and the rest of the upload is lost (SPEC: the processor never touches a file a client may
 * still be writing). Both orders are refused: a marker while its file is open, and the file
 * while its marker is open, so a marker can never be completed over an upload under way.
 */
export function guardMarkers(storage: StorageBackend, uploads: OpenUploads, suffixFor: SuffixFor): StorageBackend {
  return new MarkerGuardedStorage(storage, uploads, suffixFor);
}

/** The key of the upload a marker names, or undefined when `key` is not a marker. */
export function markedKeyOf(key: StorageKey, suffixFor: SuffixFor): StorageKey | undefined {
  const inbox = inboxNameOf(key, suffixFor);
  if (inbox === undefined || !inbox.name.endsWith(inbox.suffix)) return undefined;
  const markedName = inbox.name.slice(0, -inbox.suffix.length);
  // Temporary names are never processed, so their "markers" mark nothing (processor/marker.ts).
  if (markedName === '' || isTemporaryName(markedName)) return undefined;
  return clientKey(inbox.clientId, 'inbox', markedName);
}

/** The key of the marker that would complete the upload at `key`, if it could have one. */
export function markerKeyOf(key: StorageKey, suffixFor: SuffixFor): StorageKey | undefined {
  const inbox = inboxNameOf(key, suffixFor);
  if (inbox === undefined || isTemporaryName(inbox.name)) return undefined;
  return clientKey(inbox.clientId, 'inbox', `${inbox.name}${inbox.suffix}`);
}

/** A file directly in an inbox, with its client's marker suffix; markers live nowhere else. */
function inboxNameOf(key: StorageKey, suffixFor: SuffixFor): { clientId: string; name: string; suffix: string } | undefined {
  const parts = key.split('/');
  if (parts.length !== 4 || parts[0] !== CLIENTS_FOLDER || parts[2] !== 'inbox') return undefined;
  const [, clientId, , name] = parts as [string, string, string, string];
  const suffix = suffixFor(clientId);
  if (suffix === undefined || isTemporaryName(name)) return undefined;
  return { clientId, name, suffix };
}

class MarkerGuardedStorage implements StorageBackend {
  readonly kind: StorageBackend['kind'];

  constructor(
    private readonly storage: StorageBackend,
    private readonly uploads: OpenUploads,
    private readonly suffixFor: SuffixFor,
  ) {
    this.kind = storage.kind;
  }

  async open(key: StorageKey, options: OpenOptions): Promise<FileHandle> {
    const changesFile = options.write || options.create || options.truncate;
    if (!changesFile) return this.storage.open(key, options);

    // Checked and recorded before the first await, so two opens racing in this process
    // cannot both pass: whichever comes second sees the first.
    this.refuseWhileOtherHalfOpen(key);
    const end = this.uploads.begin(key);
    try {
      return endingWith(await this.storage.open(key, options), end);
    } catch (error) {
      end();
      throw error;
    }
  }

  async rename(from: StorageKey, to: StorageKey, options: { overwrite: boolean }): Promise<void> {
    this.refuseWhileOtherHalfOpen(to);
    await this.storage.rename(from, to, options);
  }

  private refuseWhileOtherHalfOpen(key: StorageKey): void {
    const markedKey = markedKeyOf(key, this.suffixFor);
    if (markedKey !== undefined && this.uploads.isOpen(markedKey)) {
      throw refusal('INTERNAL', 'the marked file is still open for writing: close it first');
    }
    const markerKey = markerKeyOf(key, this.suffixFor);
    if (markerKey !== undefined && this.uploads.isOpen(markerKey)) {
      throw refusal('INTERNAL', 'the marker of this file is open for writing: close it first');
    }
  }

  stat(key: StorageKey): Promise<EntryStat | undefined> { return this.storage.stat(key); }
  list(key: StorageKey): AsyncIterable<DirEntry> { return this.storage.list(key); }
  mkdir(key: StorageKey): Promise<void> { return this.storage.mkdir(key); }
  rmdir(key: StorageKey): Promise<void> { return this.storage.rmdir(key); }
  remove(key: StorageKey): Promise<void> { return this.storage.remove(key); }
  setTimes(key: StorageKey, atimeMs: number, mtimeMs: number): Promise<void> {
    return this.storage.setTimes(key, atimeMs, mtimeMs);
  }
  createReadStream(key: StorageKey): Readable { return this.storage.createReadStream(key); }
  publish(key: StorageKey, body: Readable | Buffer): Promise<void> { return this.storage.publish(key, body); }
  createExclusive(key: StorageKey, body: Buffer): Promise<boolean> { return this.storage.createExclusive(key, body); }
  readRecord(key: StorageKey): Promise<VersionedRecord | undefined> { return this.storage.readRecord(key); }
  replaceRecord(key: StorageKey, body: Buffer, version: string): Promise<boolean> {
    return this.storage.replaceRecord(key, body, version);
  }
  walk(prefix: StorageKey): AsyncIterable<{ key: StorageKey; stat: EntryStat }> { return this.storage.walk(prefix); }
  close(): Promise<void> { return this.storage.close(); }
}

/**
 * The handle, which stops counting as open once storage has the upload (CLOSE) or has dropped
 * it (abort), whether or not that succeeded: a failed close leaves nothing still being written.
 */
function endingWith(file: FileHandle, end: () => void): FileHandle {
  return {
    read: (offset, length, into) => file.read(offset, length, into),
    write: (offset, data) => file.write(offset, data),
    stat: () => file.stat(),
    setTimes: (atimeMs, mtimeMs) => file.setTimes(atimeMs, mtimeMs),
    truncate: (size) => file.truncate(size),
    close: () => file.close().finally(end),
    abort: () => file.abort().finally(end),
  };
}
