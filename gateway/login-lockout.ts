/**
 * Counts failed logins per remote address and per client name. Past the limit, logins from
 * that address or for that name are refused until the lockout ends, even with the right
 * password, which stops online guessing at a few tries per lockout period.
 *
 * LIMITATION: counts live in this process only, so several gateways share no counts and a
 * restart clears them. Acceptable for the embedded single-gateway default; fix: keep the
 * counts in storage records beside the claims.
 */
export class LoginLockout {
  private readonly failures = new Map<string, { count: number; sinceMs: number }>();

  constructor(
    private readonly maxFailures: number,
    private readonly lockoutMs: number,
  ) {}

  isLocked(address: string, clientName: string, nowMs = Date.now()): boolean {
    return [`address:${address}`, `client:${clientName}`].some((key) => {
      const record = this.failures.get(key);
      if (record === undefined) return false;
      if (nowMs - record.sinceMs > this.lockoutMs) {
        this.failures.delete(key);
        return false;
      }
      return record.count >= this.maxFailures;
    });
  }

  recordFailure(address: string, clientName: string, nowMs = Date.now()): void {
    for (const key of [`address:${address}`, `client:${clientName}`]) {
      const record = this.failures.get(key);
      const isFresh = record !== undefined && nowMs - record.sinceMs <= this.lockoutMs;
      const next = isFresh ? { count: record.count + 1, sinceMs: record.sinceMs } : { count: 1, sinceMs: nowMs };
      this.failures.set(key, next);
    }
    this.forgetOldest();
  }

  recordSuccess(address: string, clientName: string): void {
    this.failures.delete(`address:${address}`);
    this.failures.delete(`client:${clientName}`);
  }

  /** Bounds memory under a flood of made-up names: the oldest records go first. */
  private forgetOldest(): void {
    const maxRecords = 100_000;
    for (const key of this.failures.keys()) {
      if (this.failures.size <= maxRecords) break;
      this.failures.delete(key);
    }
  }
}
