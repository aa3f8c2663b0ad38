import { createHash, randomUUID } from 'node:crypto';
import { constants, createWriteStream, mkdirSync, realpathSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { AirlockError } from '../errors.js';
import type {
  DirEntry, EntryStat, FileHandle, OpenOptions, StorageBackend, StorageKey, VersionedRecord,
} from './backend.js';
import { STAGING_FOLDER } from '../layout.js';
import { JoinedWrites } from './joined-writes.js';
import { fromFileSystemError, translated } from './local-errors.js';
import { checkedKey, joinKey } from './storage-key.js';


/**
 * Storage on one local folder. Every path is checked twice: the key must be plain, and the real
 * location of its parent folder must lie inside the root, so a symbolic link planted on disk
 * (clients cannot make one: SYMLINK is refused) never leads outside. Final components are opened
 * with O_NOFOLLOW and links found in listings are hidden.
 *
 * LIMITATION: `replaceRecord` compares and renames without a lock, so two processors on one
 * local folder could both take over one expired claim. Local storage serves one processor;
 * several processors share an S3 bucket, whose conditional writes close the gap. Fix: an flock
 * around compare-and-rename if several local processors are ever supported.
 */
export class LocalDiskStorage implements StorageBackend {
  readonly kind = 'local' as const;
  private readonly realRoot: string;

  constructor(root: string) {
    mkdirSync(root, { recursive: true });
    this.realRoot = realpathSync(root);
  }

  async stat(key: StorageKey): Promise<EntryStat | undefined> {
    const path = await this.pathOf(key);
    try {
      const found = await fs.lstat(path);
      return found.isSymbolicLink() ? undefined : toEntryStat(found);
    } catch (error) {
      const translatedError = fromFileSystemError(error);
      if (translatedError.code === 'NOT_FOUND') return undefined;
      throw translatedError;
    }
  }

  async *list(key: StorageKey): AsyncIterable<DirEntry> {
    const path = key === '' ? this.realRoot : await this.pathOf(key);
    const folder = await translated(fs.opendir(path, { bufferSize: 128 }));
    for await (const entry of folder) {
      if (entry.isSymbolicLink()) continue;
      const found = await fs.lstat(join(path, entry.name)).catch(() => undefined);
      if (found !== undefined) yield { name: entry.name, stat: toEntryStat(found) };
    }
  }

  async open(key: StorageKey, options: OpenOptions): Promise<FileHandle> {
    const path = await this.pathOf(key);
    const handle = await translated(fs.open(path, openFlags(options), 0o640));
    const opened = await translated(handle.stat());
    if (opened.isDirectory()) {
      await handle.close();
      throw new AirlockError('DENIED', 'is a folder');
    }
    return new LocalFileHandle(handle, options.write, options.append);
  }

  async mkdir(key: StorageKey): Promise<void> {
    await translated(fs.mkdir(await this.pathOf(key), { mode: 0o750 }));
  }

  async rmdir(key: StorageKey): Promise<void> {
    await translated(fs.rmdir(await this.pathOf(key)));
  }

  async remove(key: StorageKey): Promise<void> {
    const path = await this.pathOf(key);
    const found = await translated(fs.lstat(path));
    if (found.isDirectory()) throw new AirlockError('DENIED', 'is a folder');
    await translated(fs.unlink(path));
  }

  async rename(from: StorageKey, to: StorageKey, options: { overwrite: boolean }): Promise<void> {
    const [source, target] = [await this.pathOf(from), await this.pathOf(to)];
    await translated(fs.lstat(source));
    if (options.overwrite) {
      await translated(fs.rename(source, target));
      return;
    }
    // link() fails with EEXIST instead of replacing, which makes the no-overwrite rename atomic
    // for files; folders cannot be linked and take the check-then-rename path.
    const sourceStat = await translated(fs.lstat(source));
    if (sourceStat.isDirectory()) {
      if ((await this.stat(to)) !== undefined) throw new AirlockError('EXISTS', 'file already exists');
      await translated(fs.rename(source, target));
      return;
    }
    await translated(fs.link(source, target));
    await translated(fs.unlink(source));
  }

  async setTimes(key: StorageKey, atimeMs: number, mtimeMs: number): Promise<void> {
    await translated(fs.lutimes(await this.pathOf(key), atimeMs / 1000, mtimeMs / 1000));
  }

  createReadStream(key: StorageKey): Readable {
    const open = async (): Promise<fs.FileHandle> =>
      translated(fs.open(await this.pathOf(key), constants.O_RDONLY | constants.O_NOFOLLOW));
    async function* chunks(): AsyncGenerator<Buffer> {
      const handle = await open();
      try {
        for await (const chunk of handle.createReadStream({ autoClose: false, highWaterMark: 256 * 1024 })) {
          yield chunk as Buffer;
        }
      } catch (error) {
        throw fromFileSystemError(error);
      } finally {
        await handle.close();
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  async publish(key: StorageKey, body: Readable | Buffer): Promise<void> {
    const staged = await this.stagingPath();
    try {
      if (Buffer.isBuffer(body)) await translated(fs.writeFile(staged, body, { flag: 'wx', mode: 0o640 }));
      else await translated(pipeline(body, createWriteStream(staged, { flags: 'wx', mode: 0o640 })));
      await syncFile(staged);

      const target = await this.pathOf(key);
      await translated(fs.mkdir(dirname(target), { recursive: true }));
      // Rename is the commit point: the target is absent or whole, never half written.
      await translated(fs.rename(staged, target));
    } finally {
      await fs.rm(staged, { force: true });
    }
  }

  async createExclusive(key: StorageKey, body: Buffer): Promise<boolean> {
    const staged = await this.stagingPath();
    await translated(fs.writeFile(staged, body, { flag: 'wx', mode: 0o640 }));
    try {
      const target = await this.pathOf(key);
      await translated(fs.mkdir(dirname(target), { recursive: true }));
      await fs.link(staged, target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fromFileSystemError(error);
    } finally {
      await fs.rm(staged, { force: true });
    }
  }

  async readRecord(key: StorageKey): Promise<VersionedRecord | undefined> {
    try {
      const body = await fs.readFile(await this.pathOf(key), { flag: constants.O_RDONLY | constants.O_NOFOLLOW });
      return { body, version: createHash('sha256').update(body).digest('hex') };
    } catch (error) {
      const translatedError = fromFileSystemError(error);
      if (translatedError.code === 'NOT_FOUND') return undefined;
      throw translatedError;
    }
  }

  async replaceRecord(key: StorageKey, body: Buffer, version: string): Promise<boolean> {
    const current = await this.readRecord(key);
    if (current?.version !== version) return false;
    await this.publish(key, body);
    return true;
  }

  async *walk(prefix: StorageKey): AsyncIterable<{ key: StorageKey; stat: EntryStat }> {
    let entries: DirEntry[];
    try {
      entries = [];
      for await (const entry of this.list(prefix)) entries.push(entry);
    } catch (error) {
      if (error instanceof AirlockError && error.code === 'NOT_FOUND') return;
      throw error;
    }
    for (const entry of entries) {
      const key = joinKey(prefix, entry.name);
      if (entry.stat.isDirectory) yield* this.walk(key);
      else yield { key, stat: entry.stat };
    }
  }

  async close(): Promise<void> {}

  /** The absolute path of a key, after checking that its folder really lies under the root. */
  private async pathOf(key: StorageKey): Promise<string> {
    const path = join(this.realRoot, checkedKey(key));
    const parent = await realParent(dirname(path));
    if (parent !== this.realRoot && !parent.startsWith(this.realRoot + sep)) {
      throw new AirlockError('DENIED', 'path is not allowed');
    }
    return path;
  }

  private async stagingPath(): Promise<string> {
    const folder = join(this.realRoot, STAGING_FOLDER);
    await fs.mkdir(folder, { recursive: true });
    return join(folder, randomUUID());
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await translated(fs.open(path, 'r'));
  try {
    await translated(handle.sync());
  } finally {
    await handle.close();
  }
}

/** realpath of a folder, or of its nearest existing ancestor when it does not exist yet. */
async function realParent(folder: string): Promise<string> {
  try {
    return await fs.realpath(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fromFileSystemError(error);
    const up = dirname(folder);
    if (up === folder) throw fromFileSystemError(error);
    return join(await realParent(up), folder.slice(up.length + 1));
  }
}

function openFlags(options: OpenOptions): number {
  const access = options.read && options.write ? constants.O_RDWR : options.write ? constants.O_WRONLY : constants.O_RDONLY;
  let flags = access | constants.O_NOFOLLOW;
  if (options.create) flags |= constants.O_CREAT;
  if (options.truncate) flags |= constants.O_TRUNC;
  if (options.exclusive) flags |= constants.O_EXCL;
  if (options.append) flags |= constants.O_APPEND;
  return flags;
}

function toEntryStat(found: import('node:fs').Stats): EntryStat {
  return { isDirectory: found.isDirectory(), size: found.size, atimeMs: found.atimeMs, mtimeMs: found.mtimeMs };
}

/** File system writes one handle has under way; later ones queue and are joined (joined-writes.ts). */
const WRITES_IN_FLIGHT = 2;
/** Written bytes after which an upload starts syncing them in the background. */
const SYNC_AHEAD_BYTES = 64 * 1024 * 1024;

class LocalFileHandle implements FileHandle {
  private hasWritten = false;
  private unsyncedBytes = 0;
  /** The background datasync under way, if any; close and abort wait for it. */
  private syncAhead: Promise<void> | undefined;
  /** What a background datasync failed with: the kernel reports a write-back error only once. */
  private syncAheadError: unknown;

  private readonly writes: JoinedWrites;

  constructor(
    private readonly handle: fs.FileHandle,
    private readonly isWritable: boolean,
    isAppend: boolean,
  ) {
    this.writes = new JoinedWrites(handle, WRITES_IN_FLIGHT, { isAppend });
  }

  async read(offset: number, length: number, into?: Buffer): Promise<Buffer> {
    const buffer = into !== undefined && into.length >= length ? into : Buffer.allocUnsafe(length);
    const { bytesRead } = await translated(this.handle.read(buffer, 0, length, offset));
    return buffer.subarray(0, bytesRead);
  }

  async write(offset: number, data: Buffer): Promise<void> {
    await translated(this.writes.write(offset, data));
    this.hasWritten = true;
    this.unsyncedBytes += data.length;
    if (this.unsyncedBytes >= SYNC_AHEAD_BYTES && this.syncAhead === undefined) this.startSyncAhead();
  }

  /**
   * Starts flushing what is written so far while the upload goes on. Why: the kernel keeps a
   * large upload in memory until CLOSE's datasync, which then wrote it all out while the client
   * waited (seconds for a GiB); syncing as the upload proceeds leaves CLOSE only the tail.
   */
  private startSyncAhead(): void {
    this.unsyncedBytes = 0;
    this.syncAhead = this.handle.datasync().then(
      () => { this.syncAhead = undefined; },
      (error: unknown) => {
        this.syncAheadError ??= error;
        this.syncAhead = undefined;
      },
    );
  }

  // Size, times and truncation wait for the writes handed in before them, so that a queued
  // write can neither re-grow a truncated file nor move a modification time just set.
  async stat(): Promise<EntryStat> {
    await this.writes.idle();
    return toEntryStat(await translated(this.handle.stat()));
  }

  async setTimes(atimeMs: number, mtimeMs: number): Promise<void> {
    await this.writes.idle();
    await translated(this.handle.utimes(atimeMs / 1000, mtimeMs / 1000));
  }

  async truncate(size: number): Promise<void> {
    if (!this.isWritable) throw new AirlockError('DENIED', 'file is not open for writing');
    await this.writes.idle();
    await translated(this.handle.truncate(size));
    this.hasWritten = true;
  }

  async close(): Promise<void> {
    try {
      // CLOSE is the client's word that the upload is complete; answer it only once durable.
      await this.writes.idle();
      await this.syncAhead;
      if (this.syncAheadError !== undefined) throw fromFileSystemError(this.syncAheadError);
      if (this.hasWritten) await translated(this.handle.datasync());
    } finally {
      await this.handle.close();
    }
  }

  async abort(): Promise<void> {
    // Never close the descriptor under a write or datasync still using it.
    await this.writes.idle();
    await this.syncAhead;
    await this.handle.close();
  }
}
