import type { Attributes, SFTPWrapper } from 'ssh2';

import { bounded } from '../../core/log.js';
import { relativeText } from '../client-path.js';
import { GatewayRefusal, refusal } from '../refusal.js';
import { closeHandle, openFile } from './open-close.js';
import { makeFolder, openFolder, readFolder, removeFolder } from './directory.js';
import { extendedRequest } from './extended.js';
import { readFile, writeFile } from './read-write.js';
import { removeFile, renamePath } from './rename-remove.js';
import { ReplyQueue, type Reply } from './reply-queue.js';
import type { SftpContext } from './sftp-context.js';
import { statusOf } from './sftp-status.js';
import { setHandleAttributes, setPathAttributes, statHandle, statPath } from './stat.js';
import { realPath } from './real-path.js';
import { sendExitStatus } from './raw-packets.js';
import { answerInitWithExtensions } from './version-reply.js';

/**
 * Serves one SFTP channel; requests wait for `ready` (the client's folders exist). Every
 * request takes its place in the reply queue as it arrives, runs
 * concurrently with the others, and gets exactly one reply: its handler's, or the mapped status
 * of what the handler threw.
 */
export function serveSftp(
  context: SftpContext, ready: Promise<void>, activity: SessionActivity,
): void {
  const { sftp } = context;
  const queue = new ReplyQueue((error) => {
    context.log.error('reply could not be sent', { errorName: (error as Error)?.name });
  });

  const serve = (request: string, reqId: number, path: string | undefined, work: () => Promise<Reply>): void => {
    activity.onRequest();
    const reserved = queue.reserve();
    const send = (reply: Reply): boolean => reserved(() => {
      try {
        reply();
      } finally {
        activity.onReplied?.();
      }
    });
    ready
      .then(work)
      .then(send, (error: unknown) => send(statusReply(context, request, reqId, path, error)));
  };

  answerInitWithExtensions(sftp);
  registerRequests(sftp, context, serve);

  // ssh2 does not close the channel when the client sends EOF; OpenSSH's client waits for it.
  sftp.on('end', () => {
    sendExitStatus(sftp, 0);
    sftp.end();
  });
  sftp.on('close', () => {
    activity.onClose();
    void releaseHandles(context);
  });
  sftp.on('error', (error: Error) => {
    context.log.info('sftp session ended by protocol error', { errorName: error.name });
  });
}

/** Hears of each request and of the end of the session (the idle timer, for one). */
export interface SessionActivity {
  onRequest(): void;
  /** A request's one reply has left; back-pressure counts requests still waiting. */
  onReplied?(): void;
  onClose(): void;
}

type Serve = (request: string, reqId: number, path: string | undefined, work: () => Promise<Reply>) => void;

function registerRequests(sftp: SFTPWrapper, context: SftpContext, serve: Serve): void {
  sftp.on('OPEN', (reqId: number, filename: string, flags: number) =>
    serve('OPEN', reqId, filename, () => openFile(context, reqId, filename, flags)));
  sftp.on('CLOSE', (reqId: number, handle: Buffer) =>
    serve('CLOSE', reqId, undefined, () => closeHandle(context, reqId, handle)));
  sftp.on('READ', (reqId: number, handle: Buffer, offset: number, length: number) =>
    serve('READ', reqId, undefined, () => readFile(context, reqId, handle, offset, length)));
  sftp.on('WRITE', (reqId: number, handle: Buffer, offset: number, bytes: Buffer) =>
    serve('WRITE', reqId, undefined, () => writeFile(context, reqId, handle, offset, bytes)));
  sftp.on('FSTAT', (reqId: number, handle: Buffer) =>
    serve('FSTAT', reqId, undefined, () => statHandle(context, reqId, handle)));
  sftp.on('FSETSTAT', (reqId: number, handle: Buffer, attrs: Partial<Attributes>) =>
    serve('FSETSTAT', reqId, undefined, () => setHandleAttributes(context, reqId, handle, attrs)));
  sftp.on('OPENDIR', (reqId: number, path: string) =>
    serve('OPENDIR', reqId, path, () => openFolder(context, reqId, path)));
  sftp.on('READDIR', (reqId: number, handle: Buffer) =>
    serve('READDIR', reqId, undefined, () => readFolder(context, reqId, handle)));
  sftp.on('STAT', (reqId: number, path: string) =>
    serve('STAT', reqId, path, () => statPath(context, reqId, path)));
  sftp.on('LSTAT', (reqId: number, path: string) =>
    serve('LSTAT', reqId, path, () => statPath(context, reqId, path)));
  sftp.on('SETSTAT', (reqId: number, path: string, attrs: Partial<Attributes>) =>
    serve('SETSTAT', reqId, path, () => setPathAttributes(context, reqId, path, attrs)));
  sftp.on('REMOVE', (reqId: number, path: string) =>
    serve('REMOVE', reqId, path, () => removeFile(context, reqId, path)));
  sftp.on('MKDIR', (reqId: number, path: string) =>
    serve('MKDIR', reqId, path, () => makeFolder(context, reqId, path)));
  sftp.on('RMDIR', (reqId: number, path: string) =>
    serve('RMDIR', reqId, path, () => removeFolder(context, reqId, path)));
  sftp.on('REALPATH', (reqId: number, path: string) =>
    serve('REALPATH', reqId, path, () => realPath(context, reqId, path)));
  sftp.on('RENAME', (reqId: number, from: string, to: string) =>
    serve('RENAME', reqId, from, () => renamePath(context, reqId, from, to, false)));
  sftp.on('READLINK', (reqId: number, path: string) =>
    serve('READLINK', reqId, path, () => refuseLinks()));
  sftp.on('SYMLINK', (reqId: number, path: string) =>
    serve('SYMLINK', reqId, path, () => refuseLinks()));
  sftp.on('EXTENDED', (reqId: number, name: string, body: Buffer | undefined) =>
    serve(`EXTENDED ${bounded(name, 64)}`, reqId, undefined, () => extendedRequest(context, reqId, name, body)));
}

/** Links could lead a client out of its folders' rules, so none are made or read. */
async function refuseLinks(): Promise<Reply> {
  throw refusal('UNSUPPORTED', 'links are not supported');
}

/** Turns what a handler threw into its one STATUS reply, and says so in the audit log. */
function statusReply(
  context: SftpContext, request: string, reqId: number, path: string | undefined, error: unknown,
): Reply {
  const status = statusOf(error);
  const fields = { request, path: path === undefined ? undefined : bounded(path), code: status.accessCode };
  if (status.accessCode === undefined || status.accessCode === 'INTERNAL' && !isRefusal(error)) {
    context.log.error('request failed', { ...fields, errorName: (error as Error)?.name });
  } else if (status.accessCode === 'NOT_FOUND') {
    // Clients probe for names before every upload; a missing name is routine, not a refusal.
    context.log.debug('request found nothing', fields);
  } else {
    context.log.info('request refused', fields);
  }
  return () => context.sftp.status(reqId, status.code, status.message);
}

function isRefusal(error: unknown): boolean {
  return error instanceof GatewayRefusal;
}

/**
 * The channel closed (client done, or the connection dropped). An upload whose CLOSE never
 * came is incomplete: its handle is aborted so storage keeps no half-made object; read and
 * folder handles are simply closed.
 */
async function releaseHandles(context: SftpContext): Promise<void> {
  for (const entry of context.handles.takeAll()) {
    try {
      if (entry.kind === 'folder') {
        await entry.entries.return?.();
      } else if (entry.isWritable) {
        await Promise.allSettled(entry.inFlight);
        await entry.file.abort();
        context.log.info('upload aborted', { path: relativeText(entry.path), bytes: entry.bytesWritten });
      } else {
        await entry.file.close();
      }
    } catch (error) {
      context.log.error('handle release failed', { errorName: (error as Error)?.name });
    }
  }
}
