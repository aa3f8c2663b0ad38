import { refusal, type GatewayRefusal } from './refusal.js';
import type { ClientFolder } from '../core/layout.js';

/** Longest name of one file or folder, in UTF-8 bytes, as on common file systems. */
export const MAX_NAME_BYTES = 255;
/** Longest whole path a client may send, in UTF-8 bytes. */
export const MAX_PATH_BYTES = 4096;

/**
 * A path in the client's own view, where `/` holds `inbox/` and `outbox/`. `segments` are the
 * plain names below `/` (no `.`, `..` or empty ones); `text` is the absolute form (`/inbox/a`).
 */
export interface ClientPath {
  readonly segments: readonly string[];
  readonly text: string;
}

/** Where a path lies, which decides what a client may do there (see permissions.ts). */
export type Place =
  | { kind: 'root' }
  | { kind: 'folder'; folder: ClientFolder }
  | { kind: 'inside'; folder: ClientFolder; rest: string }
  | { kind: 'unknown' };

// C0 controls and DEL: no client has a good reason to send them, and some end up in logs.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Resolves what a client sent. SFTP has no working folder, so relative paths start at `/`.
 * `..` stops at `/`, like a chroot; a name with a backslash, a NUL or another control
 * character, or one that is too long, is refused as a whole rather than repaired.
 */
export function resolveClientPath(requested: string): ClientPath {
  if (Buffer.byteLength(requested) > MAX_PATH_BYTES) throw refused('path is too long');

  const segments: string[] = [];
  for (const segment of requested.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      segments.pop();
      continue;
    }
    checkName(segment);
    segments.push(segment);
  }
  return { segments, text: `/${segments.join('/')}` };
}

/** One name on its own, as given to MKDIR or a rename target; same rules as in a path. */
export function checkName(name: string): void {
  if (name.includes('\\')) throw refused('backslash in a name is not allowed');
  if (CONTROL_CHARACTER.test(name)) throw refused('control character in a name is not allowed');
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw refused('name is too long');
}

export function placeOf(path: ClientPath): Place {
  const [top, ...rest] = path.segments;
  if (top === undefined) return { kind: 'root' };
  if (top !== 'inbox' && top !== 'outbox') return { kind: 'unknown' };
  if (rest.length === 0) return { kind: 'folder', folder: top };
  return { kind: 'inside', folder: top, rest: rest.join('/') };
}

/** The client-relative form used in logs and events: `inbox/NAME`, or `/` for the root. */
export function relativeText(path: ClientPath): string {
  return path.segments.length === 0 ? '/' : path.segments.join('/');
}

export function parentOf(path: ClientPath): ClientPath {
  const segments = path.segments.slice(0, -1);
  return { segments, text: `/${segments.join('/')}` };
}

function refused(message: string): GatewayRefusal {
  return refusal('DENIED', message);
}
