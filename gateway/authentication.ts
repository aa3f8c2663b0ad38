import { timingSafeEqual } from 'node:crypto';

import ssh2, { type AuthContext, type ParsedKey } from 'ssh2';

import type { ClientConfig, LimitsConfig, SecurityConfig } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import { bounded, type Logger } from '../core/log.js';
import { dummyPasswordHash, verifyPassword } from '../core/password.js';
import { AddressList } from './address-list.js';
import { LoginLockout, type Ban } from './login-lockout.js';

const OFFERED_METHODS: AuthContext['method'][] = ['publickey', 'password'];

interface KnownClient {
  config: ClientConfig;
  keys: ParsedKey[];
  /** undefined when the client may log in from anywhere. */
  allowFrom: AddressList | undefined;
}

/**
 * Decides logins. A wrong password and an unknown client get the same answer after the same
 * work (a check against a dummy hash), so neither the reply nor its timing tells which names
 * exist. Public keys come from the client's `authorized_keys` lines; a signature, when the
 * client sends one, is verified against the stored key, never against the key it offered.
 */
export class Authenticator {
  private readonly clients = new Map<string, KnownClient>();
  readonly lockout: LoginLockout;

  /** Throws ConfigError naming every public key line that cannot be read. */
  constructor(
    configFile: string, clients: readonly ClientConfig[], limits: LimitsConfig,
    security: SecurityConfig, private readonly log: Logger,
  ) {
    const problems: string[] = [];
    clients.forEach((config, index) => {
      const keys = parseKeys(config, `clients.${index}`, problems);
      const allowFrom = config.allowFrom === undefined ? undefined : new AddressList(config.allowFrom);
      this.clients.set(config.id, { config, keys, allowFrom });
    });
    if (problems.length > 0) throw new ConfigError(configFile, problems);
    this.lockout = new LoginLockout({
      clientFailures: limits.loginFailuresBeforeLockout, addressFailures: security.addressFailuresBeforeBan,
      firstBanMs: limits.lockoutMs, maxBanMs: security.maxBanMs, neverBan: security.neverBan,
    });
    void dummyPasswordHash();
  }

  /** Answers one authentication attempt; `onLogin` hears of the client before ssh2 does. */
  async decide(
  context: AuthContext, remoteAddress: string, onLogin: (client: ClientConfig) => void,
): Promise<void> {
    const known = this.clients.get(context.username);
    const fields = { client: bounded(context.username, 64), remoteAddress, method: context.method };

    if (context.method !== 'password' && context.method !== 'publickey') {
      context.reject(OFFERED_METHODS);
      return;
    }
    const isBanned = this.lockout.isAddressBanned(remoteAddress) || this.lockout.isClientBanned(context.username);
    if (isBanned) {
      this.log.warn('login refused during lockout', fields);
      context.reject(OFFERED_METHODS);
      return;
    }

    // A client outside its allow list gets the same work and answer as a wrong password.
    const isAllowedHere = known?.allowFrom?.has(remoteAddress) ?? true;
    const checked = context.method === 'password'
      ? await checkPassword(known, context.password)
      : checkPublicKey(known, context);
    const outcome = isAllowedHere ? checked : refusedOutside(checked);
    if (!isAllowedHere && checked !== 'key-unknown') {
      this.log.warn('login refused from outside the allow list', fields);
    }
    if (outcome === 'key-acceptable') {
      context.accept();
      return;
    }
    if (outcome === 'accepted' && known !== undefined) {
      this.lockout.recordSuccess(remoteAddress, context.username);
      this.log.info('login succeeded', fields);
      onLogin(known.config);
      context.accept();
      return;
    }
    if (outcome === 'failed') {
      const bans = this.lockout.recordFailure(remoteAddress, context.username);
      this.log.info('login failed', fields);
      for (const ban of bans) this.logBan(ban, fields);
    }
    context.reject(OFFERED_METHODS);
    return;
  }

  private logBan(ban: Ban, fields: { client: string; remoteAddress: string }): void {
    this.log.warn('login ban imposed', {
      ...fields, bannedKind: ban.kind, durationMs: ban.durationMs, banCount: ban.banCount,
    });
  }
}

/** Outside its allow list a right password or signature counts as a wrong one. */
function refusedOutside(outcome: Outcome): Outcome {
  if (outcome === 'accepted') return 'failed';
  if (outcome === 'key-acceptable') return 'key-unknown';
  return outcome;
}

type Outcome = 'accepted' | 'failed' | 'key-acceptable' | 'key-unknown';

async function checkPassword(known: KnownClient | undefined, password: string): Promise<Outcome> {
  const stored = known?.config.password;
  const isMatch = await verifyPassword(password, stored ?? (await dummyPasswordHash()));
  return isMatch && stored !== undefined ? 'accepted' : 'failed';
}

/**
 * Without a signature the client only asks whether a key would do (RFC 4252, 7): the answer is
 * yes or no, and a "no" is not a failed login, or a client holding several keys would lock
 * itself out. With a signature, it must verify against the stored key.
 */
function checkPublicKey(
  known: KnownClient | undefined, context: AuthContext & { method: 'publickey' },
): Outcome {
  const stored = known?.keys.find((key) => isSameKey(key, context.key.data));
  if (stored === undefined) return 'key-unknown';
  if (context.signature === undefined || context.blob === undefined) return 'key-acceptable';

  const isValid = stored.verify(context.blob, context.signature, context.hashAlgo) === true;
  return isValid ? 'accepted' : 'failed';
}

function isSameKey(stored: ParsedKey, offered: Buffer): boolean {
  const storedBlob = stored.getPublicSSH();
  return storedBlob.length === offered.length && timingSafeEqual(storedBlob, offered);
}

function parseKeys(config: ClientConfig, where: string, problems: string[]): ParsedKey[] {
  return config.publicKeys.flatMap((line, index) => {
    const parsed = ssh2.utils.parseKey(line.trim());
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key === undefined || key instanceof Error || key.isPrivateKey()) {
      problems.push(`${where}.publicKeys.${index}: expected one OpenSSH public key line ("ssh-ed25519 AAAA… comment")`);
      return [];
    }
    return [key];
  });
}
