import type { SFTPWrapper } from 'ssh2';

/**
 * The parts of ssh2's SFTP object (lib/protocol/SFTP.js, 1.17) that Airlock touches to send
 * packets ssh2 has no method for: the VERSION reply with extensions and EXTENDED_REPLY.
 * Kept in this one file so an ssh2 upgrade is checked in one place.
 */
interface SftpInternals {
  _version: number;
  _extensions: Record<string, string>;
  _buffer: Buffer[];
  _waitWindow: boolean;
  _chunkcb: (() => void) | undefined;
  outgoing: { id: number; state: string; window: number; packetSize: number };
  _protocol: { channelData(id: number, data: Buffer): void; exitStatus(id: number, status: number): void };
  push(data: Buffer | null): void;
}

export function internalsOf(sftp: SFTPWrapper): SftpInternals {
  return sftp as unknown as SftpInternals;
}

/**
 * Sends the session's exit status, as OpenSSH's sshd does when its sftp-server exits. ssh2's
 * SFTP object has no exit(); without a status the client's ssh exits with 255 and scp, which
 * checks it, reports failure after a complete upload.
 */
export function sendExitStatus(sftp: SFTPWrapper, status: number): void {
  const internals = internalsOf(sftp);
  if (internals.outgoing.state === 'open') internals._protocol.exitStatus(internals.outgoing.id, status);
}

/**
 * Sends one whole SFTP packet, respecting the channel window exactly as ssh2's own private
 * sendOrBuffer() does: what the window cannot take now waits in the same `_buffer` that ssh2
 * drains, so packets from both paths leave in the order they were sent.
 */
export function sendPacket(sftp: SFTPWrapper, packet: Buffer, onSent?: () => void): void {
  const internals = internalsOf(sftp);
  if (internals.outgoing.state !== 'open') return;

  if (onSent !== undefined) whenSent.set(packet, onSent);
  internals._buffer.push(packet);
  if (internals._buffer.length === 1) drain(internals);
}

/**
 * What to call once a packet has gone whole into channel packets (which copy it), so that its
 * buffer can be reused. A packet that ssh2's own drain sends instead never hears back and is
 * left to the garbage collector, which is always safe.
 */
const whenSent = new WeakMap<Buffer, () => void>();

function drain(internals: SftpInternals): void {
  while (internals._buffer.length > 0) {
    const head = internals._buffer[0] as Buffer;
    const rest = writeWithinWindow(internals, head);
    if (rest !== undefined) {
      const onSent = whenSent.get(head);
      if (onSent !== undefined) whenSent.set(rest, onSent);
      internals._buffer[0] = rest;
      internals._waitWindow = true;
      internals._chunkcb = function drainLater(this: SftpInternals) {
        this._chunkcb = undefined;
        drain(this);
      };
      return;
    }
    internals._buffer.shift();
    whenSent.get(head)?.();
  }
}

/** Writes what the window allows, in channel-packet-sized pieces; returns what is left. */
function writeWithinWindow(internals: SftpInternals, packet: Buffer): Buffer | undefined {
  const { outgoing } = internals;
  let at = 0;
  while (at < packet.length && outgoing.window > 0) {
    const length = Math.min(packet.length - at, outgoing.window, outgoing.packetSize);
    outgoing.window -= length;
    internals._protocol.channelData(outgoing.id, packet.subarray(at, at + length));
    at += length;
  }
  return at < packet.length ? packet.subarray(at) : undefined;
}

const SSH_FXP_DATA = 103;

/**
 * Sends a DATA reply (7) as its 13-byte header followed by the bytes read, without copying them.
 * ssh2's own `data()` copies the whole payload into a new packet first, which for 255 KiB reads
 * was one more allocation and copy per request; the channel is a byte stream, so header and
 * payload need not share a channel packet. `onSent` hears when the bytes have left (see
 * `whenSent`).
 */
export function sendDataReply(sftp: SFTPWrapper, reqId: number, bytes: Buffer, onSent?: () => void): void {
  const header = Buffer.allocUnsafe(13);
  header.writeUInt32BE(9 + bytes.length, 0);
  header[4] = SSH_FXP_DATA;
  header.writeUInt32BE(reqId, 5);
  header.writeUInt32BE(bytes.length, 9);
  sendPacket(sftp, header);
  sendPacket(sftp, bytes, onSent);
}

/** uint32 length, byte type, then the body, as every SFTP packet is framed. */
export function framePacket(type: number, body: Buffer): Buffer {
  const packet = Buffer.allocUnsafe(5 + body.length);
  packet.writeUInt32BE(1 + body.length, 0);
  packet[4] = type;
  body.copy(packet, 5);
  return packet;
}

export function sshString(text: string | Buffer): Buffer {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
}

export function uint32(value: number): Buffer {
  const bytes = Buffer.allocUnsafe(4);
  bytes.writeUInt32BE(value, 0);
  return bytes;
}

export function uint64(value: number | bigint): Buffer {
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeBigUInt64BE(BigInt(value), 0);
  return bytes;
}

/** Reads SSH strings and integers from an EXTENDED request's data; undefined when short. */
export class PacketReader {
  private at = 0;

  constructor(private readonly bytes: Buffer) {}

  string(): Buffer | undefined {
    if (this.at + 4 > this.bytes.length) return undefined;
    const length = this.bytes.readUInt32BE(this.at);
    if (this.at + 4 + length > this.bytes.length) return undefined;
    const value = this.bytes.subarray(this.at + 4, this.at + 4 + length);
    this.at += 4 + length;
    return value;
  }
}
