import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';

import { AirlockError } from '../errors.js';
import type { EntryStat, FileHandle, StorageKey } from './backend.js';
import { fromS3Error } from './s3-errors.js';
import type { S3Location, S3Settings } from './s3-location.js';

export interface DownloadSource {
  client: S3Client;
  location: S3Location;
  settings: S3Settings;
  key: StorageKey;
  stat: EntryStat;
  setTimes(atimeMs: number, mtimeMs: number): Promise<void>;
}

/**
 * A file open for reading, served from ranged GETs of fixed blocks. Concurrent READs of one
 * block share its GET; a reader moving forward gets the next blocks fetched ahead, so that a
 * client's many outstanding READs find their bytes already on the way. Any order still works:
 * a block not cached is fetched when asked for.
 */
export class S3DownloadHandle implements FileHandle {
  private readonly blocks = new Map<number, Promise<Buffer>>();
  private readonly blockBytes: number;
  private readonly aheadBlocks: number;
  private readonly maxBlocks: number;
  private lastBlock = -1;
  private times: { atimeMs: number; mtimeMs: number };

  constructor(private readonly source: DownloadSource) {
    this.blockBytes = source.settings.readBlockBytes;
    this.aheadBlocks = Math.ceil(source.settings.readAheadBytes / this.blockBytes);
    this.maxBlocks = 2 * this.aheadBlocks + 4;
    this.times = { atimeMs: source.stat.atimeMs, mtimeMs: source.stat.mtimeMs };
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const size = this.source.stat.size;
    const end = Math.min(offset + length, size);
    if (offset >= end) return Buffer.alloc(0);

    const first = Math.floor(offset / this.blockBytes);
    const last = Math.floor((end - 1) / this.blockBytes);
    const isSequential = first === this.lastBlock || first === this.lastBlock + 1;
    this.lastBlock = last;
    if (isSequential) this.fetchAhead(last);

    const pieces: Buffer[] = [];
    for (let index = first; index <= last; index++) pieces.push(await this.block(index));
    const joined = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    const start = offset - first * this.blockBytes;
    // Copied out so that a cached block is never handed to a caller who may keep it.
    return Buffer.from(joined.subarray(start, start + (end - offset)));
  }

  write(): Promise<void> {
    return Promise.reject(new AirlockError('DENIED', 'file is not open for writing'));
  }

  async stat(): Promise<EntryStat> {
    return { ...this.source.stat, ...this.times };
  }

  async setTimes(atimeMs: number, mtimeMs: number): Promise<void> {
    await this.source.setTimes(atimeMs, mtimeMs);
    this.times = { atimeMs, mtimeMs };
  }

  truncate(): Promise<void> {
    return Promise.reject(new AirlockError('DENIED', 'file is not open for writing'));
  }

  async close(): Promise<void> {
    this.blocks.clear();
  }

  async abort(): Promise<void> {
    this.blocks.clear();
  }

  private fetchAhead(fromBlock: number): void {
    const lastBlockOfFile = Math.floor(Math.max(this.source.stat.size - 1, 0) / this.blockBytes);
    const until = Math.min(fromBlock + this.aheadBlocks, lastBlockOfFile);
    for (let index = fromBlock + 1; index <= until; index++) {
      // A failed read-ahead is only reported if the client then asks for those bytes.
      this.block(index).catch(() => undefined);
    }
  }

  private block(index: number): Promise<Buffer> {
    const cached = this.blocks.get(index);
    if (cached !== undefined) {
      this.blocks.delete(index);
      this.blocks.set(index, cached);
      return cached;
    }
    const fetched = this.fetch(index);
    fetched.catch(() => this.blocks.delete(index));
    this.blocks.set(index, fetched);
    this.evict();
    return fetched;
  }

  /** Drops the least recently used blocks, so that memory stays at a few blocks per reader. */
  private evict(): void {
    for (const index of this.blocks.keys()) {
      if (this.blocks.size <= this.maxBlocks) return;
      this.blocks.delete(index);
    }
  }

  private async fetch(index: number): Promise<Buffer> {
    const { client, location, key, stat } = this.source;
    const start = index * this.blockBytes;
    const end = Math.min(start + this.blockBytes, stat.size) - 1;
    try {
      // LIMITATION: the GETs are not pinned to the ETag seen at open, so a file replaced while
      // a client reads it could mix old and new bytes. Inbox files are replaced only by their
      // own uploader, and results are published once. Fix: If-Match with the ETag on each GET.
      const found = await client.send(new GetObjectCommand({
        Bucket: location.bucket, Key: location.objectKey(key), Range: `bytes=${start}-${end}`,
      }));
      return Buffer.from((await found.Body?.transformToByteArray()) ?? []);
    } catch (error) {
      throw fromS3Error(error);
    }
  }
}
