import { createHash, type Hash } from 'node:crypto';

import type { FileHandle, OpenOptions, StorageBackend, StorageKey } from '../core/storage/backend.js';
import { sha256OfStored } from '../core/storage/stored-sha256.js';

/** Out-of-order bytes held for the running hash, per upload, before it gives up on them. */
export const DIGEST_REORDER_WINDOW_BYTES = 8 * 1024 * 1024;

/**
 * The SHA-256 of an upload for the audit log, computed as WRITEs arrive without holding the
 * file: bytes at the running end go straight into the hash; a WRITE ahead of it (pipelining
 * clients send several at once) is held until the gap fills, up to a window of
 * DIGEST_REORDER_WINDOW_BYTES. Anything the running hash cannot follow (a window overflow, a
 * rewrite of earlier bytes, a truncate, append mode, a file that did not start empty) marks it
 * lost, and the digest is then read back from storage at CLOSE: exact, at the cost of reading
 * the file once more.
 */
export class UploadDigest {
  private readonly hash: Hash = createHash('sha256');
  private readonly ahead = new Map<number, Buffer>();
  private aheadBytes = 0;
  private nextOffset = 0;
  isLost: boolean;

  constructor(startsEmpty: boolean) {
    this.isLost = !startsEmpty;
  }

  add(offset: number, bytes: Buffer): void {
    if (this.isLost || bytes.length === 0) return;
    if (offset < this.nextOffset) return this.lose();
    if (offset > this.nextOffset) return this.holdAhead(offset, bytes);

    this.hash.update(bytes);
    this.nextOffset += bytes.length;
    for (let next = this.ahead.get(this.nextOffset); next !== undefined; next = this.ahead.get(this.nextOffset)) {
      this.ahead.delete(this.nextOffset);
      this.aheadBytes -= next.length;
      this.hash.update(next);
      this.nextOffset += next.length;
    }
  }

  /** Emptying a file nothing was written to yet keeps the hash; any other size loses it. */
  truncate(size: number): void {
    if (size !== 0 || this.nextOffset > 0 || this.ahead.size > 0) this.lose();
  }

  lose(): void {
    this.isLost = true;
    this.ahead.clear();
    this.aheadBytes = 0;
  }

  /** The hex digest, or undefined when the running hash lost track (or bytes never came). */
  finish(): string | undefined {
    if (this.isLost || this.ahead.size > 0) return undefined;
    return this.hash.digest('hex');
  }

  private holdAhead(offset: number, bytes: Buffer): void {
    const isOverWindow = this.aheadBytes + bytes.length > DIGEST_REORDER_WINDOW_BYTES;
    if (isOverWindow || this.ahead.has(offset)) return this.lose();
    this.ahead.set(offset, bytes);
    this.aheadBytes += bytes.length;
  }
}

const digests = new WeakMap<FileHandle, UploadDigest>();

/**
 * Wraps a writable storage handle so its writes feed an UploadDigest. Bytes are hashed as the
 * WRITE reaches storage; a WRITE that storage then refuses fails the upload, and a retry of the
 * same offset makes the digest fall back to reading back.
 */
export function withUploadDigest(file: FileHandle, options: OpenOptions): FileHandle {
  if (!options.write) return file;
  const startsEmpty = !options.append && (options.truncate || (options.create && options.exclusive));
  const digest = new UploadDigest(startsEmpty);
  const wrapped: FileHandle = Object.assign(Object.create(file) as FileHandle, {
    write(offset: number, data: Buffer): Promise<void> {
      digest.add(offset, data);
      return file.write(offset, data);
    },
    truncate(size: number): Promise<void> {
      digest.truncate(size);
      return file.truncate(size);
    },
  });
  digests.set(wrapped, digest);
  return wrapped;
}

/** The SHA-256 of a closed upload: the running one when it held, else read back from storage. */
export async function uploadSha256(
  file: FileHandle, storage: StorageBackend, key: StorageKey,
): Promise<{ sha256: string; isReadBack: boolean }> {
  const running = digests.get(file)?.finish();
  if (running !== undefined) return { sha256: running, isReadBack: false };
  return { sha256: await sha256OfStored(storage, key), isReadBack: true };
}
