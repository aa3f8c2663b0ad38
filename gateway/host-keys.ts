import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import ssh2 from 'ssh2';

const { utils } = ssh2;

export interface HostKey {
  /** The private key in OpenSSH format, as ssh2's Server takes it. */
  privateKey: Buffer;
  /** `SHA256:…`, as `ssh-keygen -l` prints it. */
  fingerprint: string;
  /** The public key as one `known_hosts` / `authorized_keys` style line without a comment. */
  publicLine: string;
}

const KEY_FILES = [
  { type: 'ed25519' as const, file: 'ssh_host_ed25519_key', bits: undefined },
  { type: 'rsa' as const, file: 'ssh_host_rsa_key', bits: 3072 },
];

/**
 * The gateway's host keys, made on first start and kept in `<dataDir>/host-keys/` (mode 0600),
 * so that clients that pinned the key on first contact keep trusting a restarted gateway.
 */
export function loadOrCreateHostKeys(dataDir: string): HostKey[] {
  const folder = join(dataDir, 'host-keys');
  mkdirSync(folder, { recursive: true, mode: 0o700 });

  return KEY_FILES.map(({ type, file, bits }) => {
    const path = join(folder, file);
    if (!existsSync(path)) {
      const made = generateReadableKeyPair(type, bits);
      writeFileSync(path, made.private, { mode: 0o600, flag: 'wx' });
      writeFileSync(`${path}.pub`, `${made.public}\n`, { mode: 0o644 });
    }
    chmodSync(path, 0o600);
    return describeHostKey(readFileSync(path));
  });
}

const MAX_KEY_ATTEMPTS = 20;

/**
 * A new key pair that ssh2 itself can read back. ssh2 1.17's generateKeyPairSync('ed25519')
 * writes, about once in a hundred keys, an OpenSSH private key that its own parseKey rejects as
 * malformed; keeping such a key would stop every later start. Each new key is therefore read
 * back before it is kept, and a rejected one is simply made again.
 */
export function generateReadableKeyPair(type: 'ed25519' | 'rsa', bits: number | undefined): { private: string; public: string } {
  for (let attempt = 1; attempt <= MAX_KEY_ATTEMPTS; attempt += 1) {
    const made = utils.generateKeyPairSync(type, bits === undefined ? {} : { bits });
    if (!(utils.parseKey(made.private) instanceof Error)) return made;
  }
  throw new Error(`no readable ${type} host key after ${MAX_KEY_ATTEMPTS} attempts`);
}

function describeHostKey(privateKey: Buffer): HostKey {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error || Array.isArray(parsed)) throw new Error('a host key file cannot be read');

  const blob = parsed.getPublicSSH();
  const digest = createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
  return { privateKey, fingerprint: `SHA256:${digest}`, publicLine: `${parsed.type} ${blob.toString('base64')}` };
}
