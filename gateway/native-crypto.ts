import { createRequire } from 'node:module';

/**
 * Whether ssh2 found its optional native crypto binding (sshcrypto.node, built by its install
 * script). Without it ssh2 falls back to slower JavaScript ciphers: everything works, but
 * transfers cost noticeably more CPU (SFTP-SPEED.md).
 */
export function isNativeCryptoInUse(): boolean {
  const require = createRequire(import.meta.url);
  try {
    const crypto = require('ssh2/lib/protocol/crypto.js') as { bindingAvailable?: boolean };
    return crypto.bindingAvailable === true;
  } catch {
    return false;
  }
}
