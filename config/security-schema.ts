import { isIP } from 'node:net';

import ssh2 from 'ssh2';
import { z } from 'zod';

/** `ADDRESS` or `ADDRESS/PREFIX`, IPv4 or IPv6, as the allow lists take them. */
export function isCidr(text: string): boolean {
  const [address, prefix, ...extra] = text.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** One OpenSSH `authorized_keys` line holding a public key, as ssh2 reads it. */
export function isPublicKeyLine(line: string): boolean {
  const parsed = ssh2.utils.parseKey(line.trim());
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return key !== undefined && !(key instanceof Error) && !key.isPrivateKey();
}

export const publicKeyLineSchema = z
  .string()
  .refine(isPublicKeyLine, 'expected one OpenSSH public key line ("ssh-ed25519 AAAA… comment")');

export const cidrSchema = z
  .string()
  .refine(isCidr, 'expected an IPv4 or IPv6 address, optionally with /PREFIX, such as 192.0.2.0/24');

/**
 * Algorithms an operator may enable. Everything here passes ssh-audit without a failure: no
 * SHA-1, no CBC, no NIST curves (ssh-audit fails them as possibly weakened), no Diffie-Hellman
 * group below 2048 bits. The non-ETM MACs draw an ssh-audit warning and are on by default only
 * for older clients (paramiko before 3.3) that lack the ETM ones; the AEAD ciphers listed first
 * need no MAC at all.
 */
export const SUPPORTED_ALGORITHMS = {
  kex: [
    'curve25519-sha256', 'curve25519-sha256@libssh.org', 'diffie-hellman-group16-sha512',
    'diffie-hellman-group18-sha512', 'diffie-hellman-group14-sha256',
  ],
  serverHostKey: ['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256'],
  cipher: [
    'chacha20-poly1305@openssh.com', 'aes256-gcm@openssh.com', 'aes128-gcm@openssh.com',
    'aes256-ctr', 'aes192-ctr', 'aes128-ctr',
  ],
  mac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512'],
} as const;

type Family = keyof typeof SUPPORTED_ALGORITHMS;

/**
 * Enabled unless configured otherwise. RSA host keys are off: ssh2 1.17 cannot offer an RSA
 * key without also offering SHA-1 `ssh-rsa` (gateway.ts), which ssh-audit fails.
 */
const DEFAULT_ALGORITHMS: Record<Family, readonly string[]> = {
  ...SUPPORTED_ALGORITHMS,
  serverHostKey: ['ssh-ed25519'],
};

function listOf<F extends Family>(family: F) {
  const names = SUPPORTED_ALGORITHMS[family] as readonly string[];
  return z
    .array(z.string().refine((name) => names.includes(name), {
      message: `expected one of: ${names.join(', ')}`,
    }))
    .min(1)
    .refine((list) => new Set(list).size === list.length, 'an algorithm is listed twice')
    .default([...DEFAULT_ALGORITHMS[family]]);
}

/**
 * The SSH algorithms offered, in order of preference. Defaults are every supported one but the
 * RSA host key; an operator may narrow or reorder a list, never add an algorithm outside it.
 */
export const algorithmsSchema = z
  .object({
    kex: listOf('kex'),
    serverHostKey: listOf('serverHostKey'),
    cipher: listOf('cipher'),
    mac: listOf('mac'),
  })
  .strict();
