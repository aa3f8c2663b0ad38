import { MAX_TRANSFER_BYTES } from './sftp-context.js';

/**
 * Buffers for READ replies, shared by every session of the process and reused once their bytes
 * have left. Why: a download read into a fresh 255 KiB buffer per request, and that churn of
 * large buffers made V8 run a full garbage collection every few hundred milliseconds (its
 * external-memory pressure trigger); reusing them halves what a download allocates.
 *
 * A buffer is given back only when nothing can still refer to it: after its DATA reply went
 * whole into SSH channel packets (which copy it), or when the read that took it failed or the
 * backend returned a buffer of its own. One never given back is simply collected.
 */
export class ReadBufferPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly maxPooled: number) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(MAX_TRANSFER_BYTES);
  }

  give(buffer: Buffer): void {
    if (this.free.length < this.maxPooled) this.free.push(buffer);
  }
}

/** 64 buffers (16 MiB) at most: enough for OpenSSH's 64 outstanding reads of one download. */
export const readBuffers = new ReadBufferPool(64);
