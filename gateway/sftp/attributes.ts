import type { Attributes } from 'ssh2';

import type { EntryStat } from '../../core/storage/backend.js';
import { placeOf, type ClientPath } from '../client-path.js';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HALF_YEAR_MS = 182 * 24 * 60 * 60 * 1000;

/** Whether the client may change what it sees, which the permission bits reflect. */
export type Access = 'read-write' | 'read-only';

/**
 * SFTP v3 attributes (draft-ietf-secsh-filexfer-02, 5). Owner and group are not sent: clients
 * would show numbers that mean nothing here. Permission bits are informative only; the
 * permission table decides.
 */
export function toAttributes(stat: EntryStat, access: Access): Attributes {
  const writeBits = access === 'read-write' ? 0o200 : 0;
  const permissions = stat.isDirectory ? 0o550 | writeBits : 0o440 | writeBits;
  return {
    mode: (stat.isDirectory ? S_IFDIR : S_IFREG) | permissions,
    size: stat.size,
    atime: Math.floor(stat.atimeMs / 1000),
    mtime: Math.floor(stat.mtimeMs / 1000),
  } as Attributes;
}

/**
 * An `ls -l` style line, the form FileZilla and WinSCP parse from READDIR's longname:
 * `drwxr-x--- 1 acme acme 4096 Mar 14 09:26 name`, with the year instead of the time for
 * dates more than half a year away, as ls prints them.
 */
export function longName(
  name: string, stat: EntryStat, access: Access, owner: string, nowMs: number,
): string {
  const attributes = toAttributes(stat, access);
  const type = stat.isDirectory ? 'd' : '-';
  const size = String(stat.size).padStart(12);
  return `${type}${permissionText(attributes.mode)} 1 ${owner} ${owner} ${size} ${dateText(stat.mtimeMs, nowMs)} ${name}`;
}

function permissionText(mode: number): string {
  const flags = ['r', 'w', 'x', 'r', 'w', 'x', 'r', 'w', 'x'];
  return flags.map((flag, index) => ((mode >> (8 - index)) & 1 ? flag : '-')).join('');
}

function dateText(mtimeMs: number, nowMs: number): string {
  const date = new Date(mtimeMs);
  const month = MONTHS[date.getUTCMonth()] ?? 'Jan';
  const day = String(date.getUTCDate()).padStart(2);
  const isRecent = Math.abs(nowMs - mtimeMs) < HALF_YEAR_MS;
  const hours = String(date.getUTCHours()).padStart(2, '0');
  const minutes = String(date.getUTCMinutes()).padStart(2, '0');
  return `${month} ${day} ${isRecent ? `${hours}:${minutes}` : ` ${date.getUTCFullYear()}`}`;
}

/** What the client may do at a path, as the permission bits of a stat or listing show it. */
export function accessOf(path: ClientPath): Access {
  const place = placeOf(path);
  const isInbox = (place.kind === 'inside' || place.kind === 'folder') && place.folder === 'inbox';
  return isInbox ? 'read-write' : 'read-only';
}
