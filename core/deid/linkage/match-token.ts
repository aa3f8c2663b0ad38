import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { ENCRYPTION_KEY_BYTES } from './token-crypto.js';

/**
 * The Open Link Token 2.x envelope: `olt.V1.` followed by a compact JWE (`dir`, `A256GCM`)
 * whose payload names the rule and carries the 1.x encrypted token in `ppid`.
 */

export const MATCH_TOKEN_PREFIX = 'olt.V1.';

export interface MatchTokenPayload {
  rlid: string;
  hash_alg: string;
  mac_alg: string;
  ppid: string[];
  rid: string;
  iss: string;
  iat: number;
}

export interface MatchToken {
  header: Record<string, unknown>;
  payload: MatchTokenPayload;
}

function keyBytesOf(key: string): Buffer {
  const keyBytes = Buffer.from(key, 'utf8');
  const isRightLength = keyBytes.length === ENCRYPTION_KEY_BYTES;
  if (!isRightLength) throw new RangeError('encryption key must be 32 bytes');
  return keyBytes;
}

export interface MatchTokenSealer {
  seal(ruleId: string, encryptedToken: string): string;
}

/**
 * Writes envelopes as Open Link Token 2.x does: `kid` and `rid` are the ring id, `iat` the
 * time given here (the job's start), and `ppid` holds the already encrypted token.
 */
export function createMatchTokenSealer(
  key: string,
  ringId: string,
  issuer: string,
  issuedAt: Date,
): MatchTokenSealer {
  const keyBytes = keyBytesOf(key);

  const header = { alg: 'dir', enc: 'A256GCM', kid: ringId, typ: 'match-token' };
  const protectedHeader = Buffer.from(JSON.stringify(header), 'utf8').toString('base64url');
  const aad = Buffer.from(protectedHeader, 'ascii');
  const iat = Math.floor(issuedAt.getTime() / 1000);

  function seal(ruleId: string, encryptedToken: string): string {
    const payload: MatchTokenPayload = {
      rlid: ruleId, hash_alg: 'SHA-256', mac_alg: 'HS256', ppid: [encryptedToken],
      rid: ringId, iss: issuer, iat,
    };
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keyBytes, iv);
    cipher.setAAD(aad);
    const plaintext = JSON.stringify(payload);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [protectedHeader, '', iv.toString('base64url'), ciphertext.toString('base64url')];
    return `${MATCH_TOKEN_PREFIX}${parts.join('.')}.${cipher.getAuthTag().toString('base64url')}`;
  }

  return { seal };
}

/** Decrypts and authenticates one envelope; throws when the key or the envelope is wrong. */
export function openMatchToken(envelope: string, key: string): MatchToken {
  if (!envelope.startsWith(MATCH_TOKEN_PREFIX)) throw new RangeError('not a match token');
  const parts = envelope.slice(MATCH_TOKEN_PREFIX.length).split('.');
  if (parts.length !== 5) throw new RangeError('match token is not a compact JWE');
  const [protectedHeader = '', encryptedKey, iv = '', ciphertext = '', tag = ''] = parts;

  const headerText = Buffer.from(protectedHeader, 'base64url').toString('utf8');
  const header = JSON.parse(headerText) as Record<string, unknown>;
  const isDirectGcm = header['alg'] === 'dir' && header['enc'] === 'A256GCM' && encryptedKey === '';
  if (!isDirectGcm) throw new RangeError('match token uses an unsupported algorithm');

  const keyBytes = keyBytesOf(key);
  const decipher = createDecipheriv('aes-256-gcm', keyBytes, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(protectedHeader, 'ascii'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const body = Buffer.from(ciphertext, 'base64url');
  const plaintext = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  return { header, payload: JSON.parse(plaintext) as MatchTokenPayload };
}
