import { refusal } from '../refusal.js';
import { sendDataReply } from './raw-packets.js';
import { readBuffers } from './read-buffers.js';
import type { OpenFile } from './handle-table.js';
import type { Reply } from './reply-queue.js';
import { eofReply, MAX_TRANSFER_BYTES, okReply, type SftpContext } from './sftp-context.js';

/**
 * READ at an offset: up to the asked length (capped at what limits@openssh.com reports), fewer
 * bytes near the end, and EOF only when the offset is at or past the end (6.4).
 */
export async function readFile(
  context: SftpContext, reqId: number, handle: Buffer, offset: number, length: number,
): Promise<Reply> {
  const entry = context.handles.file(handle);
  if (!entry.isReadable) throw refusal('DENIED', 'file is not open for reading');

  const buffer = readBuffers.take();
  let bytes: Buffer;
  try {
    bytes = await tracked(entry, entry.file.read(offset, Math.min(length, MAX_TRANSFER_BYTES), buffer));
  } catch (error) {
    readBuffers.give(buffer);
    throw error;
  }
  const isInBuffer = bytes.buffer === buffer.buffer;
  if (!isInBuffer || bytes.length === 0) readBuffers.give(buffer);
  if (bytes.length === 0) return eofReply(context, reqId);

  entry.bytesRead += bytes.length;
  const onSent = isInBuffer ? () => readBuffers.give(buffer) : undefined;
  return () => sendDataReply(context.sftp, reqId, bytes, onSent);
}

/**
 * WRITE lands its bytes at their offset like pwrite; answered once storage took them.
 *
 * LIMITATION: ssh2 assembles every incoming WRITE in a fresh buffer (up to 255 KiB) that lives
 * until storage has it, so uploads keep the garbage collector busy and cost the gateway about
 * twice the CPU per GiB of OpenSSH's sftp-server (scripts/bench-sftp.ts). Acceptable while
 * upload throughput stays within 0.8 of OpenSSH's there; fix: parse WRITE packets off the
 * channel ourselves into reused buffers, as READ replies already reuse theirs.
 */
export async function writeFile(
  context: SftpContext, reqId: number, handle: Buffer, offset: number, bytes: Buffer,
): Promise<Reply> {
  const entry = context.handles.file(handle);
  if (!entry.isWritable) throw refusal('DENIED', 'file is not open for writing');
  const isTooLarge = offset + bytes.length > context.limits.maxFileBytes;
  if (isTooLarge) throw refusal('NO_SPACE', 'file is larger than allowed');

  await tracked(entry, entry.file.write(offset, bytes));
  entry.bytesWritten += bytes.length;
  entry.hasWritten = true;
  return okReply(context, reqId);
}

/** Runs a storage call while CLOSE can see it, so CLOSE waits for it. */
export async function tracked<T>(entry: OpenFile, operation: Promise<T>): Promise<T> {
  entry.inFlight.add(operation);
  try {
    return await operation;
  } finally {
    entry.inFlight.delete(operation);
  }
}
