import ssh2 from 'ssh2';

import type { OpenOptions } from '../../core/storage/backend.js';
import { relativeText, resolveClientPath } from '../client-path.js';
import { refusal } from '../refusal.js';
import { uploadSha256, withUploadDigest } from '../upload-digest.js';
import type { OpenFile } from './handle-table.js';
import type { Reply } from './reply-queue.js';
import { okReply, type SftpContext } from './sftp-context.js';

const { OPEN_MODE } = ssh2.utils.sftp;

/** The SFTP v3 pflags (draft-ietf-secsh-filexfer-02, 6.3) as storage open options. */
export function openOptionsOf(pflags: number): OpenOptions {
  const has = (flag: number): boolean => (pflags & flag) !== 0;
  const write = has(OPEN_MODE.WRITE) || has(OPEN_MODE.APPEND);
  return {
    // A client that asks for neither reading nor writing gets reading, as OpenSSH does.
    read: has(OPEN_MODE.READ) || !write,
    write,
    append: has(OPEN_MODE.APPEND),
    create: has(OPEN_MODE.CREAT),
    truncate: has(OPEN_MODE.TRUNC),
    exclusive: has(OPEN_MODE.EXCL),
  };
}

export async function openFile(
  context: SftpContext, reqId: number, filename: string, pflags: number,
): Promise<Reply> {
  const options = openOptionsOf(pflags);
  const changesFile = options.write || options.create || options.truncate;
  const checked = context.view.check(changesFile ? 'write' : 'read', resolveClientPath(filename));
  if (checked.key === undefined || checked.place.kind !== 'inside') throw refusal('DENIED', 'not a file');

  const release = context.handles.reserve();
  try {
    const file = withUploadDigest(await context.storage.open(checked.key, options), options);
    const entry: OpenFile = {
      kind: 'file', path: checked.path, key: checked.key, file,
      isWritable: options.write, isReadable: options.read, openedAtMs: Date.now(),
      bytesRead: 0, bytesWritten: 0, hasWritten: createsOrEmpties(options), inFlight: new Set(),
    };
    const handle = context.handles.add(entry, release);
    context.log.debug('file opened', { path: relativeText(checked.path), isWritable: options.write });
    return () => context.sftp.handle(reqId, handle);
  } finally {
    release();
  }
}

export async function closeHandle(
  context: SftpContext, reqId: number, handle: Buffer,
): Promise<Reply> {
  const entry = context.handles.take(handle);
  if (entry.kind === 'folder') {
    await entry.entries.return?.();
    return okReply(context, reqId);
  }

  await Promise.allSettled(entry.inFlight);
  const path = relativeText(entry.path);
  const durationMs = Date.now() - entry.openedAtMs;
  try {
    // CLOSE is the client's word that an upload is complete: answer only once storage has it.
    await entry.file.close();
  } catch (error) {
    context.log.error('upload failed at close', { path, bytes: entry.bytesWritten, durationMs });
    throw error;
  }

  if (entry.hasWritten) {
    const sha256 = await auditSha256(context, entry);
    context.log.info('upload completed', { path, bytes: entry.bytesWritten, sha256, durationMs });
    await notifyInboxChange(context, path);
  } else if (entry.bytesRead > 0) {
    context.log.info('download completed', { path, bytes: entry.bytesRead, durationMs });
  }
  return okReply(context, reqId);
}

/** The upload's SHA-256 for the audit log; a failed read-back is logged, never fatal. */
async function auditSha256(context: SftpContext, entry: OpenFile): Promise<string | undefined> {
  try {
    const { sha256, isReadBack } = await uploadSha256(entry.file, context.storage, entry.key);
    if (isReadBack) context.log.debug('upload digest read back from storage', { path: relativeText(entry.path) });
    return sha256;
  } catch (error) {
    context.log.error('upload digest failed', { path: relativeText(entry.path), errorName: (error as Error)?.name });
    return undefined;
  }
}

/**
 * Tells the processor side that an inbox file changed, before the client hears back. A failed
 * notification does not undo an upload that storage already holds: it is logged, and the
 * processor's periodic scan still finds the file.
 */
export async function notifyInboxChange(context: SftpContext, path: string): Promise<void> {
  if (context.onInboxChange === undefined || !path.startsWith('inbox/')) return;
  try {
    await context.onInboxChange({ clientId: context.clientId, path });
  } catch (error) {
    context.log.error('inbox change notification failed', { path, errorName: (error as Error)?.name });
  }
}

/** An empty marker upload writes no bytes, yet its CLOSE completes an upload all the same. */
function createsOrEmpties(options: OpenOptions): boolean {
  return options.write && (options.create || options.truncate);
}
