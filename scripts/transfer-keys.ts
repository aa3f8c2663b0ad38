import { createHash } from 'node:crypto';

import type { SshPublicKey } from '@aws-sdk/client-transfer';

/** The key types Transfer Family accepts (ImportSshPublicKey). */
const TRANSFER_KEY_TYPES = new Set([
  'ssh-rsa',
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
]);

/** One public key in OpenSSH's one-line form, reduced to what identifies it. */
export interface PublicKey {
  readonly type: string;
  readonly base64: string;
  /** What is sent to Transfer Family: type, body and comment, single-spaced. */
  readonly line: string;
}

export type KeyReading = { key: PublicKey } | { problem: string };

/**
 * Reads `TYPE BASE64 [COMMENT]`. The comment is not part of the key's identity: the same key
 * with another comment is the same key, so a changed comment never causes a delete and import.
 */
export function readPublicKey(text: string): KeyReading {
  const [type = '', base64 = '', ...comment] = text.trim().split(/\s+/);
  const isBase64 = /^[A-Za-z0-9+/]+={0,2}$/.test(base64);
  if (!isBase64) return { problem: 'not a public key in OpenSSH form' };
  if (!TRANSFER_KEY_TYPES.has(type)) {
    return { problem: `key type ${type} is not accepted by Transfer Family` };
  }

  const embeddedType = readEmbeddedType(Buffer.from(base64, 'base64'));
  if (embeddedType !== type) return { problem: 'the key body does not match its type' };

  return { key: { type, base64, line: [type, base64, ...comment].join(' ') } };
}

/** The SSH wire form starts with the key type as a length-prefixed string. */
function readEmbeddedType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  return blob.length >= 4 + length ? blob.subarray(4, 4 + length).toString('latin1') : undefined;
}

export function sameKey(a: PublicKey, b: PublicKey): boolean {
  return a.type === b.type && a.base64 === b.base64;
}

/** `ssh-ed25519 SHA256:…`, as `ssh-keygen -l` prints it: plans name keys without showing them. */
export function fingerprint(key: PublicKey): string {
  const digest = createHash('sha256').update(Buffer.from(key.base64, 'base64')).digest('base64');
  return `${key.type} SHA256:${digest.replace(/=+$/, '')}`;
}

export interface KeyChanges {
  readonly toImport: readonly PublicKey[];
  /** Keys on the server that no configured key matches, unreadable ones included. */
  readonly toDelete: readonly { id: string; label: string }[];
}

/**
 * Compares the configured keys with the user's keys on the server. Imports come before deletes
 * when carried out, so that a client rotating its key is never left without one.
 */
export function keyChanges(
  configured: readonly PublicKey[],
  onServer: readonly SshPublicKey[],
): KeyChanges {
  const serverKeys = onServer.map((entry) => ({
    id: entry.SshPublicKeyId ?? '',
    reading: readPublicKey(entry.SshPublicKeyBody ?? ''),
  }));
  const isOnServer = (key: PublicKey): boolean =>
    serverKeys.some((entry) => 'key' in entry.reading && sameKey(entry.reading.key, key));
  const isConfigured = (reading: KeyReading): boolean =>
    'key' in reading && configured.some((key) => sameKey(key, reading.key));

  const toImport = uniqueKeys(configured).filter((key) => !isOnServer(key));
  const toDelete = serverKeys
    .filter((entry) => !isConfigured(entry.reading))
    .map((entry) => ({ id: entry.id, label: keyLabel(entry.reading) }));
  return { toImport, toDelete };
}

function keyLabel(reading: KeyReading): string {
  return 'key' in reading ? fingerprint(reading.key) : 'unreadable key';
}

export function uniqueKeys(keys: readonly PublicKey[]): PublicKey[] {
  return keys.filter((key, index) => keys.findIndex((other) => sameKey(other, key)) === index);
}
