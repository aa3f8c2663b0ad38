import type { FileHandle } from 'node:fs/promises';

interface QueuedWrite {
  offset: number;
  data: Buffer;
  settle(error?: unknown): void;
}

interface ByteRange {
  start: number;
  end: number;
}

/** Largest number of writes joined into one pwritev (far below IOV_MAX). */
const MAX_JOINED = 32;

/**
 * Hands one file's writes to the file system at most `maxInFlight` at a time, and joins writes
 * that queued meanwhile, when each starts where the previous one ends, into one pwritev.
 *
 * Why: a pipelining client keeps dozens of WRITEs outstanding, and each went to libuv's thread
 * pool on its own: one hand-over, one wake-up and one promise per 255 KiB, with the threads
 * competing with the cipher for the same two cores. Joined, a burst of WRITEs costs one system
 * call. Each write's promise still settles only once its own bytes were written (or failed).
 *
 * A file opened with O_APPEND (`isAppend`) takes one write at a time: the kernel ignores the
 * position and puts each write at the end of the file as it is when the write runs, so two in
 * flight would land in whichever order the thread pool ran them, swapping whole requests. One
 * at a time, they land in the order they were handed in, which is SFTP's request order.
 */
export class JoinedWrites {
  private readonly queue: QueuedWrite[] = [];
  private readonly running = new Set<ByteRange>();
  private inFlight = 0;
  private whenIdle: (() => void)[] = [];

  private readonly maxInFlight: number;
  private readonly isAppend: boolean;

  constructor(
    private readonly handle: FileHandle,
    maxInFlight: number,
    options: { isAppend: boolean } = { isAppend: false },
  ) {
    this.isAppend = options.isAppend;
    this.maxInFlight = options.isAppend ? 1 : maxInFlight;
  }

  write(offset: number, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (error?: unknown): void => (error === undefined ? resolve() : reject(error));
      this.queue.push({ offset, data, settle });
      this.pump();
    });
  }

  /** Resolves once every write handed in so far has settled. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.whenIdle.push(resolve));
  }

  /**
   * Starts queued writes while there is room. A write that overlaps one still running waits for
   * it: two at once over the same bytes would land in whichever order the thread pool ran them,
   * and the later request must win, as it would on a server that answers in order.
   */
  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const run = this.takeRun();
      const range = rangeOf(run);
      if (this.overlapsRunning(range)) {
        this.queue.unshift(...run);
        return;
      }
      this.inFlight += 1;
      this.running.add(range);
      void this.writeRun(run).then(() => {
        this.inFlight -= 1;
        this.running.delete(range);
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0) this.wakeIdle();
      });
    }
  }

  private overlapsRunning(range: ByteRange): boolean {
    for (const other of this.running) {
      if (range.start < other.end && other.start < range.end) return true;
    }
    return false;
  }

  /**
   * The oldest queued write and those right behind it that continue where it ends; in append
   * mode, whose positions the kernel ignores, simply those right behind it.
   */
  private takeRun(): QueuedWrite[] {
    const run = [this.queue.shift() as QueuedWrite];
    let end = run[0]!.offset + run[0]!.data.length;
    const joins = (next: QueuedWrite | undefined): boolean =>
      next !== undefined && (this.isAppend || next.offset === end);
    while (run.length < MAX_JOINED && joins(this.queue[0])) {
      const next = this.queue.shift() as QueuedWrite;
      run.push(next);
      end += next.data.length;
    }
    return run;
  }

  private async writeRun(run: QueuedWrite[]): Promise<void> {
    let failure: unknown;
    try {
      await writeAll(this.handle, run.map((queued) => queued.data), run[0]!.offset);
    } catch (error) {
      failure = error ?? new Error('write failed');
    }
    for (const queued of run) queued.settle(failure);
  }

  private wakeIdle(): void {
    const waiting = this.whenIdle;
    this.whenIdle = [];
    for (const wake of waiting) wake();
  }
}

/** The bytes a run covers. Append-mode runs go one at a time, so their positions never matter. */
function rangeOf(run: readonly QueuedWrite[]): ByteRange {
  const start = run[0]!.offset;
  return { start, end: start + run.reduce((sum, queued) => sum + queued.data.length, 0) };
}

async function writeAll(handle: FileHandle, buffers: Buffer[], offset: number): Promise<void> {
  const total = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
  const first = buffers[0] as Buffer;
  const { bytesWritten } = buffers.length === 1
    ? await handle.write(first, 0, first.length, offset)
    : await handle.writev(buffers, offset);
  if (bytesWritten === total) return;

  // A short write is rare on a regular file (a full disk, a signal); finish the rest plainly.
  const rest = Buffer.concat(buffers).subarray(bytesWritten);
  for (let written = 0; written < rest.length; ) {
    const result = await handle.write(rest, written, rest.length - written, offset + bytesWritten + written);
    written += result.bytesWritten;
  }
}
