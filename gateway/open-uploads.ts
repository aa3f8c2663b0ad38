import type { StorageKey } from '../core/storage/backend.js';

/**
 * The storage keys that some session of this gateway holds open for writing, counted, since
 * several handles (segmented clients, two sessions) may write one file at once. Shared by all
 * sessions of one gateway, so that a marker sent on one connection sees an upload still under
 * way on another.
 *
 * LIMITATION: only this gateway process is seen. A file written through one gateway and marked
 * through another (several gateways on one S3 bucket) is not detected, and the processor may
 * still take a partial upload there. Fix: an open-upload record in storage, with a lease that
 * the writing gateway renews while the handle is open, checked before a marker is accepted.
 */
export class OpenUploads {
  private readonly writers = new Map<StorageKey, number>();

  /** Records one writer of `key`; the returned function ends it (a second call does nothing). */
  begin(key: StorageKey): () => void {
    this.writers.set(key, (this.writers.get(key) ?? 0) + 1);
    let isEnded = false;
    return () => {
      if (isEnded) return;
      isEnded = true;
      const left = (this.writers.get(key) ?? 1) - 1;
      if (left === 0) this.writers.delete(key);
      else this.writers.set(key, left);
    };
  }

  isOpen(key: StorageKey): boolean {
    return this.writers.has(key);
  }
}
