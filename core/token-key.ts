import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { ConfigError } from './errors.js';

const MIN_KEY_BYTES = 32;

/**
 * Reads the token key: hex text, 32 bytes or more. The key never leaves this function except
 * as the returned buffer; messages name the file, never its content.
 */
export function readTokenKey(file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(file, [`token key cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }

  if (!/^([0-9a-fA-F]{2})+$/.test(text)) throw new ConfigError(file, ['token key: expected hex text']);
  const key = Buffer.from(text, 'hex');
  if (key.length < MIN_KEY_BYTES) {
    throw new ConfigError(file, [`token key: expected at least ${MIN_KEY_BYTES} bytes, found ${key.length}`]);
  }
  return key;
}

/** Makes a new random token key file, readable by its owner only. Returns false if one exists. */
export function createTokenKeyFile(file: string): boolean {
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(MIN_KEY_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
