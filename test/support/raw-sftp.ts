import { readFile } from 'node:fs/promises';

import ssh2, { type ClientChannel } from 'ssh2';

import { CLIENT_ID } from './gateway-harness.js';
import type { SftpTarget } from './harness-setup.js';

/** SFTP v3 packet types (draft-ietf-secsh-filexfer-02, 3). */
export const FXP = {
  INIT: 1, VERSION: 2, OPEN: 3, CLOSE: 4, READ: 5, WRITE: 6, LSTAT: 7, FSTAT: 8, SETSTAT: 9,
  FSETSTAT: 10, OPENDIR: 11, READDIR: 12, REMOVE: 13, MKDIR: 14, RMDIR: 15, REALPATH: 16,
  STAT: 17, RENAME: 18, READLINK: 19, SYMLINK: 20, STATUS: 101, HANDLE: 102, DATA: 103,
  NAME: 104, ATTRS: 105, EXTENDED: 200, EXTENDED_REPLY: 201,
} as const;

export interface RawReply {
  type: number;
  id: number;
  body: Buffer;
}

type Part = string | Buffer | { u32: number } | { u64: number };

/**
 * A bare SFTP client over an ssh2 channel, for tests that must see every packet: how many
 * replies each request got, in which order, with which status.
 */
export class RawSftp {
  readonly replies: RawReply[] = [];
  extensions: Record<string, string> = {};
  private pending = Buffer.alloc(0);
  private nextId = 1;
  private waiters: (() => void)[] = [];
  /** Settles when the connection has closed, whoever closed it; close() may be called again. */
  private readonly closed: Promise<void>;

  private constructor(
    private readonly connection: ssh2.Client,
    private readonly channel: ClientChannel,
  ) {
    channel.on('data', (chunk: Buffer) => this.receive(chunk));
    this.closed = new Promise<void>((resolve) => connection.once('close', () => resolve()));
  }

  static async connect(harness: SftpTarget): Promise<RawSftp> {
    const privateKey = await readFile(harness.keyFile);
    const knownBlobs = (await readFile(harness.knownHostsFile, 'utf8')).split('\n').map((line) => line.split(' ')[2]);
    const connection = new ssh2.Client();
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      connection.on('error', reject);
      connection.on('ready', () => {
        connection.subsys('sftp', (error, stream) => (error ? reject(error) : resolve(stream)));
      });
      connection.connect({
        host: '127.0.0.1', port: harness.port, username: CLIENT_ID, privateKey,
        hostVerifier: (key: Buffer) => knownBlobs.includes(key.toString('base64')),
      });
    });
    const client = new RawSftp(connection, channel);
    await client.init();
    return client;
  }

  /** Sends a request without waiting; returns its id. */
  send(type: number, ...parts: Part[]): number {
    const id = this.nextId++;
    const body = Buffer.concat([u32(id), ...parts.map(encode)]);
    this.channel.write(Buffer.concat([u32(body.length + 1), Buffer.from([type]), body]));
    return id;
  }

  async request(type: number, ...parts: Part[]): Promise<RawReply> {
    const id = this.send(type, ...parts);
    await this.until(() => this.replies.some((reply) => reply.id === id));
    return this.replies.find((reply) => reply.id === id) as RawReply;
  }

  /** Waits until `count` replies have arrived in all. */
  async untilReplies(count: number): Promise<void> {
    await this.until(() => this.replies.length >= count);
  }

  async openHandle(path: string, pflags: number): Promise<Buffer> {
    const reply = await this.request(FXP.OPEN, path, { u32: pflags }, { u32: 0 });
    if (reply.type !== FXP.HANDLE) throw new Error(`OPEN answered status ${statusCode(reply)}`);
    return handleOf(reply);
  }

  /** Ends the SFTP channel and the connection politely. */
  async close(): Promise<void> {
    this.channel.end();
    this.connection.end();
    await this.closed;
  }

  /** Drops the TCP connection without any goodbye, as a crashed client would. */
  drop(): void {
    (this.connection as unknown as { _sock: { destroy(): void } })._sock.destroy();
  }

  private async init(): Promise<void> {
    this.channel.write(Buffer.concat([u32(5), Buffer.from([FXP.INIT]), u32(3)]));
    await this.until(() => this.replies.length > 0);
    const version = this.replies.shift() as RawReply;
    let at = 0;
    const body = version.body;
    while (at < body.length) {
      const name = readString(body, at);
      const value = readString(body, name.next);
      this.extensions[name.text] = value.text;
      at = value.next;
    }
  }

  private receive(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 4 && this.pending.length >= 4 + this.pending.readUInt32BE(0)) {
      const length = this.pending.readUInt32BE(0);
      const packet = this.pending.subarray(4, 4 + length);
      this.pending = this.pending.subarray(4 + length);
      const type = packet[0] as number;
      // VERSION carries the version where other replies carry their id.
      this.replies.push({ type, id: packet.readUInt32BE(1), body: packet.subarray(5) });
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  private async until(isDone: () => boolean): Promise<void> {
    while (!isDone()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

export function statusCode(reply: RawReply): number | undefined {
  return reply.type === FXP.STATUS ? reply.body.readUInt32BE(0) : undefined;
}

export function handleOf(reply: RawReply): Buffer {
  return readBytes(reply.body, 0).bytes;
}

export function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value, 0);
  return bytes;
}

function encode(part: Part): Buffer {
  if (typeof part === 'string' || Buffer.isBuffer(part)) {
    const bytes = typeof part === 'string' ? Buffer.from(part) : part;
    return Buffer.concat([u32(bytes.length), bytes]);
  }
  if ('u32' in part) return u32(part.u32);
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(part.u64), 0);
  return bytes;
}

function readBytes(buffer: Buffer, at: number): { bytes: Buffer; next: number } {
  const length = buffer.readUInt32BE(at);
  return { bytes: buffer.subarray(at + 4, at + 4 + length), next: at + 4 + length };
}

function readString(buffer: Buffer, at: number): { text: string; next: number } {
  const { bytes, next } = readBytes(buffer, at);
  return { text: bytes.toString('utf8'), next };
}
