import { createHmac } from 'node:crypto';

import type { ActionFactory } from './action-types.js';

/** Lowercase hex HMAC-SHA-256 of the trimmed value's UTF-8 bytes, keyed with the token key. */
export function tokenOf(value: string, tokenKey: Buffer): string {
  const trimmed = value.trim();
  if (trimmed === '') return '';
  return createHmac('sha256', tokenKey).update(trimmed, 'utf8').digest('hex');
}

export const token: ActionFactory<'token'> = (_spec, context) => (value) => tokenOf(value, context.tokenKey);
