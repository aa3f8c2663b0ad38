import type { DirEntry, FileHandle, StorageKey } from '../../core/storage/backend.js';
import type { ClientPath } from '../client-path.js';
import { refusal } from '../refusal.js';

export interface OpenFile {
  kind: 'file';
  path: ClientPath;
  key: StorageKey;
  file: FileHandle;
  isWritable: boolean;
  isReadable: boolean;
  openedAtMs: number;
  bytesRead: number;
  bytesWritten: number;
  /** A WRITE or a truncate reached storage, so CLOSE completes an upload. */
  hasWritten: boolean;
  /** READs and WRITEs under way; CLOSE waits for them so no byte lands after it. */
  inFlight: Set<Promise<unknown>>;
}

export interface OpenFolder {
  kind: 'folder';
  path: ClientPath;
  entries: AsyncIterator<DirEntry>;
  hasSentDots: boolean;
  isDone: boolean;
  /** The READDIR before this one; folder reads are chained so batches never interleave. */
  previous: Promise<unknown>;
}

export type OpenEntry = OpenFile | OpenFolder;

/**
 * The handles of one SFTP session. A handle is 4 opaque bytes, never reused within a session,
 * so a stale handle from a closed file cannot reach a newer one. The count is bounded: an
 * OPEN or OPENDIR beyond the limit is refused instead of letting a client hold storage
 * resources without end.
 */
export class HandleTable {
  private readonly entries = new Map<string, OpenEntry>();
  private nextId = 1;
  private reserved = 0;

  constructor(readonly maxOpen: number) {}

  /** Claims room for one handle before storage is touched; release() if the open then fails. */
  reserve(): () => void {
    if (this.entries.size + this.reserved >= this.maxOpen) {
      throw refusal('NO_SPACE', 'too many open handles');
    }
    this.reserved += 1;
    let isReleased = false;
    return () => {
      if (!isReleased) this.reserved -= 1;
      isReleased = true;
    };
  }

  /** Adds an entry in a slot taken by reserve(); the reservation becomes the entry. */
  add(entry: OpenEntry, release: () => void): Buffer {
    release();
    const handle = Buffer.alloc(4);
    handle.writeUInt32BE(this.nextId, 0);
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    this.entries.set(handle.toString('hex'), entry);
    return handle;
  }

  file(handle: Buffer): OpenFile {
    const entry = this.entries.get(handle.toString('hex'));
    if (entry?.kind !== 'file') throw refusal('INTERNAL', 'invalid handle');
    return entry;
  }

  folder(handle: Buffer): OpenFolder {
    const entry = this.entries.get(handle.toString('hex'));
    if (entry?.kind !== 'folder') throw refusal('INTERNAL', 'invalid handle');
    return entry;
  }

  any(handle: Buffer): OpenEntry {
    const entry = this.entries.get(handle.toString('hex'));
    if (entry === undefined) throw refusal('INTERNAL', 'invalid handle');
    return entry;
  }

  /** Removes a handle at once, so no request that arrives after its CLOSE can use it. */
  take(handle: Buffer): OpenEntry {
    const entry = this.any(handle);
    this.entries.delete(handle.toString('hex'));
    return entry;
  }

  takeAll(): OpenEntry[] {
    const all = [...this.entries.values()];
    this.entries.clear();
    return all;
  }

  get size(): number {
    return this.entries.size;
  }
}
