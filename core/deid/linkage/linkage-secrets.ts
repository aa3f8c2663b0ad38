import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { ConfigError } from '../../errors.js';
import type { LinkageSpec } from './linkage-schema.js';
import { ENCRYPTION_KEY_BYTES } from './token-crypto.js';

export interface LinkageSecrets {
  hashingSecret: string;
  encryptionKey?: string | undefined;
}

// An editor's final line ending is not part of the secret; everything else is, byte for byte,
// because OpenToken hashes the secret's text exactly as given.
function readSecretText(file: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(file, [`${what} cannot be read (${code})`]);
  }

  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') throw new ConfigError(file, [`${what} is empty`]);
  return secret;
}

/**
 * Reads the linkage secrets named by `spec`, relative to `baseDir` (the configuration file's
 * folder). Errors name the file and the problem, never the content.
 */
export function readLinkageSecrets(spec: LinkageSpec, baseDir: string): LinkageSecrets {
  const hashingSecret = readSecretText(resolve(baseDir, spec.secretFile), 'linkage secret');
  if (spec.encryptionKeyFile === undefined) return { hashingSecret };

  const keyFile = resolve(baseDir, spec.encryptionKeyFile);
  const encryptionKey = readSecretText(keyFile, 'linkage encryption key');
  const keyBytes = Buffer.byteLength(encryptionKey, 'utf8');
  if (keyBytes !== ENCRYPTION_KEY_BYTES) {
    const problem = `expected ${ENCRYPTION_KEY_BYTES} bytes, found ${keyBytes}`;
    throw new ConfigError(keyFile, [`linkage encryption key: ${problem}`]);
  }
  return { hashingSecret, encryptionKey };
}
