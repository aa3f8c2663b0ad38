import type { FileEntry } from 'ssh2';

import type { EntryStat } from '../../core/storage/backend.js';
import { relativeText, resolveClientPath } from '../client-path.js';
import { refusal } from '../refusal.js';
import { accessOf, longName, toAttributes, type Access } from './attributes.js';
import type { OpenFolder } from './handle-table.js';
import type { Reply } from './reply-queue.js';
import { eofReply, okReply, type SftpContext } from './sftp-context.js';

/** Entries per READDIR reply: small enough for one packet, large enough to list quickly. */
const ENTRIES_PER_BATCH = 100;

export async function openFolder(
  context: SftpContext, reqId: number, requested: string,
): Promise<Reply> {
  const checked = context.view.check('list', resolveClientPath(requested));
  const stat = await context.view.stat(checked);
  if (!stat.isDirectory) throw refusal('NOT_FOUND', 'not a folder');

  const release = context.handles.reserve();
  try {
    const entries = context.view.list(checked)[Symbol.asyncIterator]();
    const entry: OpenFolder = {
      kind: 'folder', path: checked.path, entries, hasSentDots: false, isDone: false,
      previous: Promise.resolve(),
    };
    const handle = context.handles.add(entry, release);
    return () => context.sftp.handle(reqId, handle);
  } finally {
    release();
  }
}

/** READDIR: the next batch of names, `.` and `..` first, then EOF once all were sent (6.7). */
export async function readFolder(
  context: SftpContext, reqId: number, handle: Buffer,
): Promise<Reply> {
  const entry = context.handles.folder(handle);
  const batch = entry.previous.then(() => nextBatch(context, entry));
  entry.previous = batch.catch(() => undefined);

  const names = await batch;
  if (names.length === 0) return eofReply(context, reqId);
  return () => context.sftp.name(reqId, names);
}

async function nextBatch(context: SftpContext, entry: OpenFolder): Promise<FileEntry[]> {
  const nowMs = Date.now();
  const names: FileEntry[] = [];
  const describe = (name: string, stat: EntryStat, access: Access): FileEntry => ({
    filename: name,
    longname: longName(name, stat, access, context.clientId, nowMs),
    attrs: toAttributes(stat, access),
  });

  if (!entry.hasSentDots) {
    entry.hasSentDots = true;
    const own = await context.view.stat(context.view.check('stat', entry.path));
    names.push(describe('.', own, accessOf(entry.path)), describe('..', own, 'read-only'));
  }
  while (!entry.isDone && names.length < ENTRIES_PER_BATCH) {
    const next = await entry.entries.next();
    if (next.done === true) {
      entry.isDone = true;
      break;
    }
    const segments = [...entry.path.segments, next.value.name];
    const access = accessOf({ segments, text: `/${segments.join('/')}` });
    names.push(describe(next.value.name, next.value.stat, access));
  }
  return names;
}

export async function makeFolder(
  context: SftpContext, reqId: number, requested: string,
): Promise<Reply> {
  const checked = context.view.check('mkdir', resolveClientPath(requested));
  await context.storage.mkdir(storageKey(checked.key));
  context.log.info('folder made', { path: relativeText(checked.path) });
  return okReply(context, reqId);
}

export async function removeFolder(
  context: SftpContext, reqId: number, requested: string,
): Promise<Reply> {
  const checked = context.view.check('rmdir', resolveClientPath(requested));
  await context.storage.rmdir(storageKey(checked.key));
  context.log.info('folder removed', { path: relativeText(checked.path) });
  return okReply(context, reqId);
}

export function storageKey(key: string | undefined): string {
  if (key === undefined) throw refusal('DENIED', 'permission denied');
  return key;
}
