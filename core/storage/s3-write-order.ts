import { AirlockError } from '../errors.js';

interface PendingWrite {
  offset: number;
  data: Buffer;
}

/** Receives each full part, numbered from 1 in file order, exactly once. */
export type PartSink = (partNumber: number, body: Buffer) => void;

const FIRST_BUFFER_BYTES = 256 * 1024;

/**
 * Turns pwrite-style WRITE requests into the in-order parts a multipart upload needs.
 *
 * Bytes from `sentBytes` to `contiguousEnd` sit in the current part and may still be rewritten;
 * writes past `contiguousEnd` wait in a bounded reorder buffer until the gap before them is
 * filled. SFTP clients keep many WRITEs outstanding and their replies may land in any order, so
 * a write a little ahead is normal. A write behind bytes already sent, or too far ahead, cannot
 * be honoured without holding the whole file, so it is refused rather than stored wrongly.
 */
export class WriteAssembler {
  private part: Buffer = Buffer.alloc(0);
  private partBytes = 0;
  private pending: PendingWrite[] = [];
  private pendingBytes = 0;
  sentBytes = 0;
  nextPartNumber = 1;

  constructor(
    private readonly partSizeBytes: number,
    private readonly windowBytes: number,
    private readonly sink: PartSink,
  ) {}

  get contiguousEnd(): number {
    return this.sentBytes + this.partBytes;
  }

  /** The file's size as written so far, holes included. */
  get size(): number {
    const last = this.pending[this.pending.length - 1];
    return last === undefined ? this.contiguousEnd : last.offset + last.data.length;
  }

  get bufferedBytes(): number {
    return this.partBytes + this.pendingBytes;
  }

  /** Parts already stored elsewhere (a server-side copy of the file being resumed). */
  skipPrefix(bytes: number, partCount: number): void {
    this.sentBytes = bytes;
    this.nextPartNumber = partCount + 1;
  }

  write(offset: number, data: Buffer): void {
    const end = offset + data.length;
    if (offset < this.sentBytes) {
      throw new AirlockError('UNSUPPORTED', 'cannot rewrite bytes already sent to storage; upload the file again');
    }
    if (offset > this.contiguousEnd) {
      this.holdAhead(offset, data);
      return;
    }
    const overlap = Math.min(end, this.contiguousEnd) - offset;
    if (overlap > 0) data.copy(this.part, offset - this.sentBytes, 0, overlap);
    if (end > this.contiguousEnd) {
      this.carve(this.contiguousEnd, end);
      this.append(data.subarray(overlap));
      this.drain();
    }
  }

  /** Holes left between writes read as zeros, as after pwrite past the end of a file. */
  fillHoles(): void {
    for (let next = this.pending[0]; next !== undefined; next = this.pending[0]) {
      this.append(Buffer.alloc(next.offset - this.contiguousEnd));
      this.drain();
    }
  }

  truncate(size: number): void {
    if (size >= this.size) {
      if (size - this.contiguousEnd > this.windowBytes) {
        throw new AirlockError('UNSUPPORTED', 'cannot extend a file this far while it is being uploaded');
      }
      this.fillHoles();
      this.append(Buffer.alloc(size - this.contiguousEnd));
      return;
    }
    if (size < this.sentBytes) {
      throw new AirlockError('UNSUPPORTED', 'cannot truncate below bytes already sent to storage');
    }
    this.carve(size, Number.MAX_SAFE_INTEGER);
    this.partBytes = Math.min(this.partBytes, size - this.sentBytes);
  }

  /** The last, possibly short, part; the assembler is spent afterwards. */
  takeTail(): Buffer {
    const tail = this.part.subarray(0, this.partBytes);
    this.sentBytes += this.partBytes;
    this.part = Buffer.alloc(0);
    this.partBytes = 0;
    return tail;
  }

  private holdAhead(offset: number, data: Buffer): void {
    const end = offset + data.length;
    if (end - this.contiguousEnd > this.windowBytes) {
      throw new AirlockError(
        'UNSUPPORTED',
        'write lands too far beyond the bytes received so far; upload sequentially or with fewer outstanding requests',
      );
    }
    this.carve(offset, end);
    // Copied: the caller's buffer may be reused once its WRITE is answered.
    const entry = { offset, data: Buffer.from(data) };
    const at = this.pending.findIndex((other) => other.offset > offset);
    this.pending.splice(at === -1 ? this.pending.length : at, 0, entry);
    this.pendingBytes += data.length;
  }

  /** Removes [start, end) from the reorder buffer: a later write wins over an earlier one. */
  private carve(start: number, end: number): void {
    const kept: PendingWrite[] = [];
    for (const entry of this.pending) {
      const entryEnd = entry.offset + entry.data.length;
      if (entryEnd <= start || entry.offset >= end) {
        kept.push(entry);
        continue;
      }
      if (entry.offset < start) kept.push({ offset: entry.offset, data: entry.data.subarray(0, start - entry.offset) });
      if (entryEnd > end) kept.push({ offset: end, data: entry.data.subarray(end - entry.offset) });
    }
    this.pending = kept;
    this.pendingBytes = kept.reduce((sum, entry) => sum + entry.data.length, 0);
  }

  private drain(): void {
    for (let next = this.pending[0]; next?.offset === this.contiguousEnd; next = this.pending[0]) {
      this.pending.shift();
      this.pendingBytes -= next.data.length;
      this.append(next.data);
    }
  }

  private append(data: Buffer): void {
    let done = 0;
    while (done < data.length) {
      const room = this.partSizeBytes - this.partBytes;
      const count = Math.min(room, data.length - done);
      this.reserve(this.partBytes + count);
      data.copy(this.part, this.partBytes, done, done + count);
      this.partBytes += count;
      done += count;
      if (this.partBytes === this.partSizeBytes) this.sendPart();
    }
  }

  /** Grows the current part as it fills, so that a small file never costs a whole part. */
  private reserve(bytes: number): void {
    if (bytes <= this.part.length) return;
    let capacity = Math.max(this.part.length, FIRST_BUFFER_BYTES);
    while (capacity < bytes) capacity *= 2;
    const grown = Buffer.allocUnsafe(Math.min(capacity, this.partSizeBytes));
    this.part.copy(grown, 0, 0, this.partBytes);
    this.part = grown;
  }

  private sendPart(): void {
    const body = this.part;
    this.sentBytes += this.partBytes;
    this.part = Buffer.alloc(0);
    this.partBytes = 0;
    this.sink(this.nextPartNumber++, body);
  }
}
