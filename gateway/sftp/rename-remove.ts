import { relativeText, resolveClientPath } from '../client-path.js';
import { refusal } from '../refusal.js';
import { storageKey } from './directory.js';
import { notifyInboxChange } from './open-close.js';
import type { Reply } from './reply-queue.js';
import { okReply, type SftpContext } from './sftp-context.js';

export async function removeFile(
  context: SftpContext, reqId: number, requested: string,
): Promise<Reply> {
  const checked = context.view.check('remove', resolveClientPath(requested));
  await context.storage.remove(storageKey(checked.key));
  context.log.info('file deleted', { path: relativeText(checked.path) });
  return okReply(context, reqId);
}

/**
 * RENAME inside the inbox only (the permission table refuses both ends elsewhere). SFTP v3
 * (6.5) refuses an existing target, which is why WinSCP deletes first;
 * `posix-rename@openssh.com` replaces it, as rename(2) does.
 */
export async function renamePath(
  context: SftpContext, reqId: number, fromText: string, toText: string, overwrite: boolean,
): Promise<Reply> {
  const from = context.view.check('rename', resolveClientPath(fromText));
  const to = context.view.check('rename', resolveClientPath(toText));
  const isIntoItself = to.path.text.startsWith(`${from.path.text}/`);
  if (isIntoItself) throw refusal('DENIED', 'a folder cannot move into itself');

  await context.storage.rename(storageKey(from.key), storageKey(to.key), { overwrite });
  const path = relativeText(to.path);
  context.log.info('file renamed', { fromPath: relativeText(from.path), path, overwrite });
  await notifyInboxChange(context, path);
  return okReply(context, reqId);
}
