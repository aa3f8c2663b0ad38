/**
 * Counts what is open per key (a remote address, a client id) and refuses past a limit. Each
 * successful `tryTake` returns its release, which is safe to call more than once.
 */
export class ConcurrencyLimit {
  private readonly counts = new Map<string, number>();

  constructor(readonly max: number) {}

  tryTake(key: string): (() => void) | undefined {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.max) return undefined;
    this.counts.set(key, count + 1);

    let isReleased = false;
    return () => {
      if (isReleased) return;
      isReleased = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left <= 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }

  countOf(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}
