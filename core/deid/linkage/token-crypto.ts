import {
  type KeyObject,
  createCipheriv, createDecipheriv, createHash, createHmac, createSecretKey, randomBytes,
} from 'node:crypto';

/**
 * A rule's signature becomes a token in two or three steps, as in OpenToken: SHA-256 of the
 * signature as lowercase hex, HMAC-SHA-256 of that hex text keyed with the linkage secret,
 * Base64. Optionally the Base64 text is then encrypted with AES-256-GCM.
 */

export const ENCRYPTION_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class TokenHasher {
  private readonly key: KeyObject;

  /** `secret` is used as OpenToken takes it: the UTF-8 bytes of the text. */
  constructor(secret: string) {
    if (secret === '') throw new RangeError('linkage secret is empty');
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  hash(signature: string): string {
    const digestHex = createHash('sha256').update(signature, 'utf8').digest('hex');
    return createHmac('sha256', this.key).update(digestHex, 'utf8').digest('base64');
  }
}

function encryptionKeyOf(key: string): KeyObject {
  const bytes = Buffer.from(key, 'utf8');
  if (bytes.length !== ENCRYPTION_KEY_BYTES) {
    const problem = `encryption key must be ${ENCRYPTION_KEY_BYTES} bytes, found ${bytes.length}`;
    throw new RangeError(problem);
  }
  return createSecretKey(bytes);
}

/**
 * OpenToken 1.x encrypted form: Base64 of IV (12 random bytes) ‖ ciphertext ‖ tag (16 bytes),
 * the plaintext being the hashed token's Base64 text. The random IV makes every output
 * different, so encrypted tokens are compared by decrypting them.
 */
export class TokenEncrypter {
  private readonly key: KeyObject;

  /** `key` is 32 bytes of UTF-8 text, as OpenToken takes it. */
  constructor(key: string) {
    this.key = encryptionKeyOf(key);
  }

  encrypt(token: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
  }

  /** Throws when the token was not made with this key or was altered. */
  decrypt(encrypted: string): string {
    const message = Buffer.from(encrypted, 'base64');
    if (message.length < IV_BYTES + TAG_BYTES) throw new RangeError('encrypted token is too short');

    const decipher = createDecipheriv('aes-256-gcm', this.key, message.subarray(0, IV_BYTES));
    decipher.setAuthTag(message.subarray(message.length - TAG_BYTES));
    const body = message.subarray(IV_BYTES, message.length - TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}
