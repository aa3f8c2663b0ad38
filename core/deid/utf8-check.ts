import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';

import { AirlockError } from '../errors.js';

/**
 * Passes bytes through unchanged and fails the job on the first invalid UTF-8 sequence, instead
 * of letting the decoder turn it silently into U+FFFD. A multi-byte character split between
 * chunks is held back until its remaining bytes arrive.
 */
export class Utf8Check extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  private lineCount = 1;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const bytes = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const cut = completeLength(bytes);
    const whole = bytes.subarray(0, cut);
    this.carry = Buffer.from(bytes.subarray(cut));
    if (!isUtf8(whole)) return callback(this.failure(whole));
    this.lineCount += countLineFeeds(whole);
    callback(null, whole);
  }

  override _flush(callback: TransformCallback): void {
    if (this.carry.length > 0) return callback(this.failure(this.carry));
    callback();
  }

  private failure(bytes: Buffer): AirlockError {
    const validPrefix = new TextDecoder('utf-8', { fatal: false }).decode(bytes).indexOf('\uFFFD');
    const line = this.lineCount + countLineFeeds(bytes.subarray(0, Math.max(0, validPrefix)));
    return new AirlockError('BAD_ENCODING', 'the file is not valid UTF-8; declare its encoding in the profile', { line });
  }
}

/** Bytes up to the last character that is complete in this buffer. */
function completeLength(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back] as number;
    if ((byte & 0xc0) !== 0x80) {
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      return needed > back ? bytes.length - back : bytes.length;
    }
  }
  return bytes.length;
}

function countLineFeeds(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) count += 1;
  return count;
}
