import { AddressList, plainAddress } from './address-list.js';

export interface BanRules {
  /** Failed logins for one client name before the name is banned. */
  clientFailures: number;
  /** Failed logins from one address before the address is banned. */
  addressFailures: number;
  /** Length of a first ban; each later ban of the same name or address doubles it. */
  firstBanMs: number;
  maxBanMs: number;
  /** Addresses whose failures are never counted towards a ban. */
  neverBan: readonly string[];
}

/** A ban just imposed, for the log line that announces it. */
export interface Ban {
  kind: 'address' | 'client';
  /** The banned address, or the banned client name. */
  subject: string;
  durationMs: number;
  /** How many times this subject has been banned, this one included. */
  banCount: number;
}

interface Record {
  failures: number;
  lastFailureMs: number;
  banCount: number;
  bannedUntilMs: number;
}

const MAX_RECORDS = 100_000;

/**
 * Scores failed logins per remote address and per client name. A subject over its threshold is
 * banned for `firstBanMs`, doubling with each later ban up to `maxBanMs`; during a ban its logins
 * are refused even with the right password, which holds online guessing to a few tries per
 * ban period. Failures older than a first ban period no longer count.
 *
 * LIMITATION: scores live in this process only, so several gateways share none and a restart
 * clears them. Acceptable for the single-gateway default; fix: keep them in storage records
 * beside the job claims.
 */
export class LoginLockout {
  private readonly records = new Map<string, Record>();
  private readonly neverBan: AddressList;

  constructor(private readonly rules: BanRules) {
    this.neverBan = new AddressList(rules.neverBan);
  }

  isAddressBanned(address: string, nowMs = Date.now()): boolean {
    return this.isBanned(`address:${plainAddress(address)}`, nowMs);
  }

  isClientBanned(clientName: string, nowMs = Date.now()): boolean {
    return this.isBanned(`client:${clientName}`, nowMs);
  }

  isNeverBanned(address: string): boolean {
    return this.neverBan.has(address);
  }

  /** Counts one failure; returns the bans it caused (none, the address, the name or both). */
  recordFailure(address: string, clientName: string, nowMs = Date.now()): Ban[] {
    const bans: Ban[] = [];
    const subjects = [
      { kind: 'client' as const, subject: clientName, threshold: this.rules.clientFailures },
      ...(this.neverBan.has(address) ? [] : [
        { kind: 'address' as const, subject: plainAddress(address), threshold: this.rules.addressFailures },
      ]),
    ];
    for (const { kind, subject, threshold } of subjects) {
      const ban = this.countFailure(kind, subject, threshold, nowMs);
      if (ban !== undefined) bans.push(ban);
    }
    this.forgetOldest();
    return bans;
  }

  /** A success clears the failure counts, not the ban history that makes later bans longer. */
  recordSuccess(address: string, clientName: string): void {
    for (const key of [`address:${plainAddress(address)}`, `client:${clientName}`]) {
      const record = this.records.get(key);
      if (record !== undefined) record.failures = 0;
    }
  }

  private isBanned(key: string, nowMs: number): boolean {
    const record = this.records.get(key);
    return record !== undefined && nowMs < record.bannedUntilMs;
  }

  private countFailure(
    kind: Ban['kind'], subject: string, threshold: number, nowMs: number,
  ): Ban | undefined {
    const key = `${kind}:${subject}`;
    const record = this.freshRecord(key, nowMs);
    record.failures += 1;
    record.lastFailureMs = nowMs;
    if (record.failures < threshold || nowMs < record.bannedUntilMs) return undefined;

    record.banCount += 1;
    record.failures = 0;
    const durationMs = Math.min(this.rules.firstBanMs * 2 ** (record.banCount - 1), this.rules.maxBanMs);
    record.bannedUntilMs = nowMs + durationMs;
    return { kind, subject, durationMs, banCount: record.banCount };
  }

  /** The subject's record with stale failures dropped, and its ban history once long quiet. */
  private freshRecord(key: string, nowMs: number): Record {
    const record = this.records.get(key) ?? { failures: 0, lastFailureMs: nowMs, banCount: 0, bannedUntilMs: 0 };
    const quietMs = nowMs - Math.max(record.lastFailureMs, record.bannedUntilMs);
    if (quietMs > this.rules.firstBanMs) record.failures = 0;
    if (quietMs > this.rules.maxBanMs) record.banCount = 0;
    // Re-inserted, so the map's order is least recently failed first for forgetOldest().
    this.records.delete(key);
    this.records.set(key, record);
    return record;
  }

  /** Bounds memory under a flood of made-up names: the longest-quiet records go first. */
  private forgetOldest(): void {
    for (const key of this.records.keys()) {
      if (this.records.size <= MAX_RECORDS) break;
      this.records.delete(key);
    }
  }
}
