import { clientRootKey } from '../../core/layout.js';
import { resolveClientPath } from '../client-path.js';
import { refusal } from '../refusal.js';
import { framePacket, PacketReader, sendPacket, uint32, uint64 } from './raw-packets.js';
import { tracked } from './read-write.js';
import { renamePath } from './rename-remove.js';
import type { Reply } from './reply-queue.js';
import { MAX_PACKET_BYTES, MAX_TRANSFER_BYTES, okReply, type SftpContext } from './sftp-context.js';

const SSH_FXP_EXTENDED_REPLY = 201;

/** The units statvfs@openssh.com reports the client's space in (see spaceReport). */
const REPORTED_BLOCK_BYTES = 4096;
const REPORTED_FILES = 2 ** 24;
const MAX_NAME_BYTES = 255;

/**
 * EXTENDED requests (8). Those listed in version-reply.ts are implemented; anything else,
 * `hardlink@openssh.com` included (links could lead out of a folder's rules), is
 * OP_UNSUPPORTED.
 */
export async function extendedRequest(
  context: SftpContext, reqId: number, name: string, body: Buffer | undefined,
): Promise<Reply> {
  const reader = new PacketReader(body ?? Buffer.alloc(0));
  switch (name) {
    case 'posix-rename@openssh.com': {
      const [from, to] = [reader.string(), reader.string()];
      if (from === undefined || to === undefined) throw refusal('BAD_REQUEST', 'bad request');
      return renamePath(context, reqId, from.toString('utf8'), to.toString('utf8'), true);
    }
    case 'statvfs@openssh.com': {
      const path = reader.string();
      if (path === undefined) throw refusal('BAD_REQUEST', 'bad request');
      await context.view.stat(context.view.check('stat', resolveClientPath(path.toString('utf8'))));
      return extendedReply(context, reqId, await spaceReport(context));
    }
    case 'limits@openssh.com':
      return extendedReply(context, reqId, limitsReport(context));
    case 'fsync@openssh.com':
      return syncHandle(context, reqId, reader.string());
    default:
      throw refusal('UNSUPPORTED', 'operation not supported');
  }
}

/**
 * statvfs@openssh.com answers with the client's own space, never the host's disk (which would
 * tell clients about the server): `limits.clientSpaceBytes` in all, less what its inbox and
 * outbox hold now, counted by walking its folders.
 * LIMITATION: the space is reported, not enforced; uploads meet `limits.maxFileBytes` only, and
 * the walk costs one listing per 1,000 files on S3. Acceptable while partners pick up their
 * results; fix: a usage record per client kept by CLOSE and REMOVE, checked at OPEN.
 */
async function spaceReport(context: SftpContext): Promise<Buffer> {
  // Each file takes whole blocks, as `du` counts them.
  let usedBlocks = 0;
  let files = 0;
  for await (const entry of context.storage.walk(clientRootKey(context.clientId))) {
    usedBlocks += Math.ceil(entry.stat.size / REPORTED_BLOCK_BYTES);
    files += 1;
  }
  const totalBlocks = Math.floor(context.limits.clientSpaceBytes / REPORTED_BLOCK_BYTES);
  const freeBlocks = Math.max(0, totalBlocks - usedBlocks);
  const freeFiles = Math.max(0, REPORTED_FILES - files);
  const fields = [
    REPORTED_BLOCK_BYTES, REPORTED_BLOCK_BYTES, totalBlocks, freeBlocks, freeBlocks,
    REPORTED_FILES, freeFiles, freeFiles, 0, 0, MAX_NAME_BYTES,
  ];
  return Buffer.concat(fields.map(uint64));
}

/** The limits the gateway really enforces, so clients size their requests to fit. */
function limitsReport(context: SftpContext): Buffer {
  const packetBytes = Math.min(MAX_PACKET_BYTES, context.limits.maxPacketBytes);
  const writeBytes = Math.min(MAX_TRANSFER_BYTES, packetBytes - 1024);
  const fields = [packetBytes, MAX_TRANSFER_BYTES, writeBytes, context.limits.openHandlesPerSession];
  return Buffer.concat(fields.map(uint64));
}

/**
 * fsync@openssh.com waits for the handle's writes under way to finish.
 * LIMITATION: durability itself comes at CLOSE (local disk syncs there; S3 completes its
 * upload there), because the storage interface has no sync of an open handle. Acceptable since
 * no upload counts as complete before CLOSE; fix: add `FileHandle.sync()` to the interface.
 */
async function syncHandle(
  context: SftpContext, reqId: number, handle: Buffer | undefined,
): Promise<Reply> {
  if (handle === undefined) throw refusal('BAD_REQUEST', 'bad request');
  const entry = context.handles.file(handle);
  await tracked(entry, Promise.allSettled(entry.inFlight));
  return okReply(context, reqId);
}

function extendedReply(context: SftpContext, reqId: number, body: Buffer): Reply {
  const packet = framePacket(SSH_FXP_EXTENDED_REPLY, Buffer.concat([uint32(reqId), body]));
  return () => sendPacket(context.sftp, packet);
}
