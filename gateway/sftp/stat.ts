import type { Attributes } from 'ssh2';

import { relativeText, resolveClientPath } from '../client-path.js';
import type { CheckedPath } from '../client-view.js';
import { refusal } from '../refusal.js';
import { accessOf, toAttributes } from './attributes.js';
import { storageKey } from './directory.js';
import { tracked } from './read-write.js';
import type { Reply } from './reply-queue.js';
import { notifyInboxChange } from './open-close.js';
import { okReply, type SftpContext } from './sftp-context.js';

/** STAT and LSTAT answer alike: clients never see links (SYMLINK is refused, planted ones hidden). */
export async function statPath(
  context: SftpContext, reqId: number, requested: string,
): Promise<Reply> {
  const checked = context.view.check('stat', resolveClientPath(requested));
  const attributes = toAttributes(await context.view.stat(checked), accessOf(checked.path));
  return () => context.sftp.attrs(reqId, attributes);
}

export async function statHandle(
  context: SftpContext, reqId: number, handle: Buffer,
): Promise<Reply> {
  const entry = context.handles.any(handle);
  const stat = entry.kind === 'file'
    ? await tracked(entry, entry.file.stat())
    : await context.view.stat(context.view.check('stat', entry.path));
  const attributes = toAttributes(stat, accessOf(entry.path));
  return () => context.sftp.attrs(reqId, attributes);
}

/**
 * SETSTAT (6.9): times are kept and reported back; a size truncates (scp sends one); mode,
 * owner and group are accepted and ignored, since the permission table, not bits, decides.
 */
export async function setPathAttributes(
  context: SftpContext, reqId: number, requested: string, attrs: Partial<Attributes>,
): Promise<Reply> {
  const path = resolveClientPath(requested);
  const checked = context.view.check('stat', path);
  await context.view.stat(checked);

  if (attrs.size !== undefined) {
    refuseOversize(context, attrs.size);
    await truncatePath(context, context.view.check('write', path), attrs.size);
  }
  if (attrs.atime !== undefined && attrs.mtime !== undefined) {
    const key = storageKey(context.view.check('setTimes', path).key);
    await context.storage.setTimes(key, attrs.atime * 1000, attrs.mtime * 1000);
  }
  return okReply(context, reqId);
}

export async function setHandleAttributes(
  context: SftpContext, reqId: number, handle: Buffer, attrs: Partial<Attributes>,
): Promise<Reply> {
  const entry = context.handles.file(handle);

  if (attrs.size !== undefined) {
    if (!entry.isWritable) throw refusal('DENIED', 'file is not open for writing');
    refuseOversize(context, attrs.size);
    await tracked(entry, entry.file.truncate(attrs.size));
    entry.hasWritten = true;
  }
  if (attrs.atime !== undefined && attrs.mtime !== undefined) {
    context.view.check('setTimes', entry.path);
    await tracked(entry, entry.file.setTimes(attrs.atime * 1000, attrs.mtime * 1000));
  }
  return okReply(context, reqId);
}

/** A size set by SETSTAT obeys the same limit as bytes written, or a sparse file would not. */
function refuseOversize(context: SftpContext, size: number): void {
  if (size > context.limits.maxFileBytes) throw refusal('NO_SPACE', 'file is larger than allowed');
}

async function truncatePath(
  context: SftpContext, checked: CheckedPath, size: number,
): Promise<void> {
  const options = { read: false, write: true, append: false, create: false, truncate: false, exclusive: false };
  const file = await context.storage.open(storageKey(checked.key), options);
  try {
    await file.truncate(size);
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.close();
  context.log.info('file truncated', { path: relativeText(checked.path), bytes: size });
  await notifyInboxChange(context, relativeText(checked.path));
}
