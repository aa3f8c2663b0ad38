import { AirlockError } from '../errors.js';
import type { StorageKey } from './backend.js';

/**
 * Checks that a key is a plain relative path: no empty, `.` or `..` segment, no backslash, no
 * NUL, no leading slash. Keys are built from checked client paths, so a failure here means a bug
 * upstream; refusing is still the safe answer.
 */
export function checkedKey(key: StorageKey): StorageKey {
  const isPlain =
    key.length > 0 &&
    !key.includes('\0') &&
    !key.includes('\\') &&
    !key.startsWith('/') &&
    key.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
  if (!isPlain) throw new AirlockError('DENIED', 'path is not allowed');
  return key;
}

export function joinKey(...parts: string[]): StorageKey {
  return parts.filter((part) => part !== '').join('/');
}

export function parentKey(key: StorageKey): StorageKey {
  const at = key.lastIndexOf('/');
  return at === -1 ? '' : key.slice(0, at);
}

export function baseName(key: StorageKey): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
