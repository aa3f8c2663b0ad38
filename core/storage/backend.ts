import type { Readable } from 'node:stream';

/**
 * Storage keys are relative POSIX paths such as `clients/acme/inbox/visits.csv`, the same on
 * local disk and under an S3 prefix. Callers build them from checked parts (see
 * `core/layout.ts`); backends still refuse any key that would leave their root.
 */
export type StorageKey = string;

export interface EntryStat {
  isDirectory: boolean;
  size: number;
  atimeMs: number;
  mtimeMs: number;
}

export interface DirEntry {
  name: string;
  stat: EntryStat;
}

/** The SFTP v3 open flags (draft-ietf-secsh-filexfer-02, 6.3), as booleans. */
export interface OpenOptions {
  read: boolean;
  write: boolean;
  append: boolean;
  create: boolean;
  truncate: boolean;
  exclusive: boolean;
}

export interface FileHandle {
  /**
   * Bytes at `offset`, fewer than asked near the end, an empty buffer at or past the end. A
   * backend may read into `into` (at least `length` bytes, the caller's to reuse) and return a
   * view of it, or ignore it and return a buffer of its own.
   */
  read(offset: number, length: number, into?: Buffer): Promise<Buffer>;
  /** Lands the bytes at `offset` like pwrite; with `append` the offset is ignored. */
  write(offset: number, data: Buffer): Promise<void>;
  stat(): Promise<EntryStat>;
  setTimes(atimeMs: number, mtimeMs: number): Promise<void>;
  truncate(size: number): Promise<void>;
  /** Resolves once the bytes are durable in storage; rejects if storage refused them. */
  close(): Promise<void>;
  /** The client went away mid-transfer: release resources, keep no half-made object. */
  abort(): Promise<void>;
}

/** A small record the processor reads and replaces conditionally (claims, leases). */
export interface VersionedRecord {
  body: Buffer;
  version: string;
}

export interface StorageBackend {
  readonly kind: 'local' | 's3';

  stat(key: StorageKey): Promise<EntryStat | undefined>;
  /** Entries of a folder, lazily; throws NOT_FOUND when the folder does not exist. */
  list(key: StorageKey): AsyncIterable<DirEntry>;
  open(key: StorageKey, options: OpenOptions): Promise<FileHandle>;
  mkdir(key: StorageKey): Promise<void>;
  /** Removes an empty folder; one that still has entries gives `NOT_EMPTY`. */
  rmdir(key: StorageKey): Promise<void>;
  remove(key: StorageKey): Promise<void>;
  /** Moves a file; with `overwrite` false an existing target gives `EXISTS`. */
  rename(from: StorageKey, to: StorageKey, options: { overwrite: boolean }): Promise<void>;
  setTimes(key: StorageKey, atimeMs: number, mtimeMs: number): Promise<void>;

  createReadStream(key: StorageKey): Readable;
  /** Writes a whole object so that readers see all of it or nothing. */
  publish(key: StorageKey, body: Readable | Buffer): Promise<void>;
  /** Creates a record only if the key is absent; false when it already existed. */
  createExclusive(key: StorageKey, body: Buffer): Promise<boolean>;
  readRecord(key: StorageKey): Promise<VersionedRecord | undefined>;
  /** Replaces a record only if it still has `version`; false when someone changed it first. */
  replaceRecord(key: StorageKey, body: Buffer, version: string): Promise<boolean>;
  /** Every key under a prefix, recursively, files only (used to scan for markers). */
  walk(prefix: StorageKey): AsyncIterable<{ key: StorageKey; stat: EntryStat }>;

  close(): Promise<void>;
}
