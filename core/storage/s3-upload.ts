import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand,
  GetObjectCommand, PutObjectCommand, UploadPartCommand, UploadPartCopyCommand,
  type CompletedPart, type S3Client,
} from '@aws-sdk/client-s3';

import { AirlockError } from '../errors.js';
import type { EntryStat, FileHandle, StorageKey } from './backend.js';
import { fromS3Error, s3Translated } from './s3-errors.js';
import { timesMetadata, type S3Location, type S3Settings } from './s3-location.js';
import { WriteAssembler } from './s3-write-order.js';

/** S3 refuses parts below 5 MiB, except the last one. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

export interface UploadTarget {
  client: S3Client;
  location: S3Location;
  settings: S3Settings;
  key: StorageKey;
  /** Size of the object being continued, when an existing file is opened without truncate. */
  baseSize?: number;
  append: boolean;
  /** Sets times on the finished object (a metadata copy), for times set after parts were sent. */
  setTimes(atimeMs: number, mtimeMs: number): Promise<void>;
  /** Called once when the upload is finished or abandoned, to leave the open-upload registry. */
  onSettled(): void;
}

interface Times {
  atimeMs: number;
  mtimeMs: number;
}

/**
 * A file open for writing, streamed into a multipart upload as the client writes. Requests are
 * applied one at a time in arrival order; a client that writes faster than parts are stored
 * waits for its WRITE replies, which keeps memory to a few parts per upload.
 */
export class S3UploadHandle implements FileHandle {
  private readonly assembler: WriteAssembler;
  private readonly parts: CompletedPart[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private queue: Promise<unknown> = Promise.resolve();
  private uploadId?: Promise<string>;
  private failure?: AirlockError;
  private baseSize: number | undefined;
  private hasChanged: boolean;
  private isOpen = true;
  private closing?: Promise<void>;
  private times?: Times;
  private timesSentWithUpload = false;
  private lastWriteMs = Date.now();

  constructor(private readonly target: UploadTarget) {
    const { partSizeBytes, reorderWindowBytes } = target.settings;
    this.assembler = new WriteAssembler(partSizeBytes, reorderWindowBytes, (number, body) => {
      this.track(this.uploadPart(number, body));
    });
    this.baseSize = target.baseSize;
    this.hasChanged = target.baseSize === undefined;
  }

  get size(): number {
    return this.baseSize ?? this.assembler.size;
  }

  read(): Promise<Buffer> {
    return Promise.reject(new AirlockError('UNSUPPORTED', 'reading a file while it is being uploaded is not supported'));
  }

  write(offset: number, data: Buffer): Promise<void> {
    return this.inOrder(async () => {
      await this.resolveBase(offset);
      this.assembler.write(this.target.append ? this.assembler.size : offset, data);
      this.hasChanged = true;
      this.lastWriteMs = Date.now();
      while (this.inFlight.size >= this.target.settings.uploadConcurrency) await Promise.race(this.inFlight);
    });
  }

  async stat(): Promise<EntryStat> {
    const mtimeMs = this.times?.mtimeMs ?? this.lastWriteMs;
    return { isDirectory: false, size: this.size, mtimeMs, atimeMs: this.times?.atimeMs ?? mtimeMs };
  }

  async setTimes(atimeMs: number, mtimeMs: number): Promise<void> {
    this.times = { atimeMs, mtimeMs };
  }

  truncate(size: number): Promise<void> {
    return this.inOrder(async () => {
      if (size === this.size) return;
      if (size === 0 && this.baseSize !== undefined) {
        this.baseSize = undefined;
      } else {
        await this.resolveBase(Math.min(size, this.size));
        this.assembler.truncate(size);
      }
      this.hasChanged = true;
    });
  }

  /** Resolves once the object is complete in S3; rejects, keeping nothing, if S3 refused it. */
  close(): Promise<void> {
    this.isOpen = false;
    this.closing ??= this.finishOnce();
    return this.closing;
  }

  /** The client went away: drop the parts; a file that existed keeps its old bytes. */
  abort(): Promise<void> {
    this.isOpen = false;
    this.failure ??= new AirlockError('BAD_REQUEST', 'upload abandoned');
    this.closing ??= this.discardOnce();
    return this.closing.catch(() => undefined);
  }

  private async finishOnce(): Promise<void> {
    try {
      await this.queue;
      if (this.failure !== undefined) throw this.failure;
      if (this.hasChanged) await this.finish();
      if (this.times !== undefined && !this.timesSentWithUpload) {
        await this.target.setTimes(this.times.atimeMs, this.times.mtimeMs);
      }
    } catch (error) {
      await this.discard();
      throw fromS3Error(error);
    } finally {
      this.target.onSettled();
    }
  }

  private async discardOnce(): Promise<void> {
    try {
      await this.queue;
      await this.discard();
    } finally {
      this.target.onSettled();
    }
  }

  /** Runs one request after the ones before it; a failed request fails the whole upload. */
  private inOrder(step: () => Promise<void>): Promise<void> {
    // Checked on arrival: requests sent before CLOSE still land, ones after it are refused.
    if (!this.isOpen) return Promise.reject(new AirlockError('BAD_REQUEST', 'file is closed'));
    const run = this.queue.then(async () => {
      if (this.failure !== undefined) throw this.failure;
      try {
        await step();
      } catch (error) {
        this.failure ??= fromS3Error(error);
        throw this.failure;
      }
      if (this.failure !== undefined) throw this.failure;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The first change to an existing file decides how its old bytes are kept: a write at or past
   * its end continues it (resume), with the old bytes copied server-side when S3 allows a part
   * that size, else read back; a write inside a small file reads it back and overwrites in place.
   */
  private async resolveBase(firstOffset: number): Promise<void> {
    const baseSize = this.baseSize;
    if (baseSize === undefined) return;
    const isResume = this.target.append || firstOffset >= baseSize;
    if (isResume && baseSize >= MIN_PART_BYTES) {
      this.copyBase(baseSize);
    } else if (baseSize <= this.target.settings.partSizeBytes) {
      this.assembler.write(0, await this.readBase(baseSize));
    } else {
      throw new AirlockError(
        'UNSUPPORTED',
        'rewriting part of a large existing file is not supported; upload it with truncate, or resume from its end',
      );
    }
    this.baseSize = undefined;
  }

  private copyBase(baseSize: number): void {
    const rangeBytes = Math.max(this.target.settings.copyPartSizeBytes, 2 * MIN_PART_BYTES);
    const count = Math.ceil(baseSize / rangeBytes);
    const source = this.target.location.copySource(this.target.location.objectKey(this.target.key));
    for (let index = 0; index < count; index++) {
      const start = Math.floor((baseSize * index) / count);
      const end = Math.floor((baseSize * (index + 1)) / count);
      this.track(this.copyPart(index + 1, source, start, end));
    }
    this.assembler.skipPrefix(baseSize, count);
  }

  private async readBase(baseSize: number): Promise<Buffer> {
    if (baseSize === 0) return Buffer.alloc(0);
    const { client, location, key } = this.target;
    const found = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.objectKey(key) }));
    const bytes = Buffer.from((await found.Body?.transformToByteArray()) ?? []);
    if (bytes.length !== baseSize) throw new AirlockError('INTERNAL', 'file changed while being reopened');
    return bytes;
  }

  private track(part: Promise<void>): void {
    const tracked = part.then(
      () => { this.inFlight.delete(tracked); },
      (error: unknown) => {
        this.failure ??= fromS3Error(error);
        this.inFlight.delete(tracked);
      },
    );
    this.inFlight.add(tracked);
  }

  private multipartUpload(): Promise<string> {
    this.uploadId ??= (async () => {
      const { client, location, key } = this.target;
      this.timesSentWithUpload = this.times !== undefined;
      const created = await client.send(new CreateMultipartUploadCommand({
        Bucket: location.bucket, Key: location.objectKey(key), Metadata: this.metadata(),
      }));
      if (created.UploadId === undefined) throw new AirlockError('INTERNAL', 'storage gave no upload id');
      return created.UploadId;
    })();
    return this.uploadId;
  }

  private async uploadPart(partNumber: number, body: Buffer): Promise<void> {
    const { client, location, key } = this.target;
    const uploadId = await this.multipartUpload();
    const stored = await client.send(new UploadPartCommand({
      Bucket: location.bucket, Key: location.objectKey(key), UploadId: uploadId,
      PartNumber: partNumber, Body: body, ContentLength: body.length,
    }));
    this.parts.push({ PartNumber: partNumber, ETag: stored.ETag });
  }

  private async copyPart(partNumber: number, source: string, start: number, end: number): Promise<void> {
    const { client, location, key } = this.target;
    const uploadId = await this.multipartUpload();
    const copied = await client.send(new UploadPartCopyCommand({
      Bucket: location.bucket, Key: location.objectKey(key), UploadId: uploadId, PartNumber: partNumber,
      CopySource: source, CopySourceRange: `bytes=${start}-${end - 1}`,
    }));
    this.parts.push({ PartNumber: partNumber, ETag: copied.CopyPartResult?.ETag });
  }

  private async finish(): Promise<void> {
    this.assembler.fillHoles();
    const tail = this.assembler.takeTail();
    const { client, location, key } = this.target;
    if (this.uploadId === undefined) {
      this.timesSentWithUpload = this.times !== undefined;
      await s3Translated(client.send(new PutObjectCommand({
        Bucket: location.bucket, Key: location.objectKey(key), Body: tail, ContentLength: tail.length,
        Metadata: this.metadata(),
      })));
      return;
    }
    if (tail.length > 0) this.track(this.uploadPart(this.assembler.nextPartNumber, tail));
    await this.settleParts();
    const parts = [...this.parts].sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    await client.send(new CompleteMultipartUploadCommand({
      Bucket: location.bucket, Key: location.objectKey(key), UploadId: await this.uploadId,
      MultipartUpload: { Parts: parts },
    }));
  }

  private async settleParts(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    if (this.failure !== undefined) throw this.failure;
  }

  /** Leaves no half-made object: parts already stored are dropped with the upload. */
  private async discard(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    if (this.uploadId === undefined) return;
    const { client, location, key } = this.target;
    // LIMITATION: if S3 cannot be reached here, the parts stay until the bucket's lifecycle rule
    // (AbortIncompleteMultipartUpload, see the README) removes them. They never become an
    // object. Fix: record the upload id and retry the abort at the next start.
    await this.uploadId
      .then((uploadId) => client.send(new AbortMultipartUploadCommand({
        Bucket: location.bucket, Key: location.objectKey(key), UploadId: uploadId,
      })))
      .catch(() => undefined);
  }

  private metadata(): Record<string, string> | undefined {
    return this.times === undefined ? undefined : timesMetadata(this.times.atimeMs, this.times.mtimeMs);
  }
}
