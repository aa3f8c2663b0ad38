import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

import { AirlockError } from '../core/errors.js';

/**
 * Passes bytes through while hashing and counting them. With an expected digest, the end of the
 * stream fails when the digest differs, before any consumer sees the end: a checksum mismatch
 * therefore aborts the publish that reads downstream, and no result appears.
 */
export class DigestStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private digestHex: string | undefined;
  bytes = 0;

  constructor(private readonly expectedHex?: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.digestHex = this.hash.digest('hex');
    const isMismatch = this.expectedHex !== undefined && this.expectedHex !== this.digestHex;
    done(isMismatch ? new AirlockError('CHECKSUM_MISMATCH', 'the upload does not match the SHA-256 in its marker') : null);
  }

  get sha256(): string {
    if (this.digestHex === undefined) throw new Error('digest read before the stream ended');
    return this.digestHex;
  }
}

/** Reads a small object whole, refusing more than `maxBytes`. */
export async function readSmall(source: AsyncIterable<Buffer>, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
