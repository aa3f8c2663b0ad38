import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { FileHandle, StorageBackend } from '../../core/storage/backend.js';
import { FXP, type RawSftp, statusCode, u32 } from '../support/raw-sftp.js';
import { SecurityHarness } from '../support/security-harness.js';

const NEW_FILE = 2 | 8 | 16;
const MAX_IN_FLIGHT = 8;
const WRITE_BYTES = 32 * 1024;
const WRITES = 160;
/** ssh2's channel window: what a client may still send after the gateway stops granting more. */
const WINDOW_BYTES = 2 * 1024 * 1024;

/** Storage whose writes to `slow-*` wait for release(), and which counts them in flight. */
class SlowWrites {
  inFlight = 0;
  peak = 0;
  private waiting: (() => void)[] = [];
  private isOpen = false;

  wrap = (storage: StorageBackend): StorageBackend => Object.assign(Object.create(storage) as StorageBackend, {
    open: async (key: string, options: Parameters<StorageBackend['open']>[1]): Promise<FileHandle> => {
      const file = await storage.open(key, options);
      if (!key.includes('slow-')) return file;
      return Object.assign(Object.create(file) as FileHandle, {
        write: async (offset: number, data: Buffer) => {
          this.inFlight += 1;
          this.peak = Math.max(this.peak, this.inFlight);
          if (!this.isOpen) await new Promise<void>((resolve) => this.waiting.push(resolve));
          await file.write(offset, data);
          this.inFlight -= 1;
        },
      });
    },
  });

  /** Lets one waiting write through, oldest first. */
  releaseOne(): void {
    this.waiting.shift()?.();
  }

  /** Holds every write again until released. */
  hold(): void {
    this.isOpen = false;
  }

  openAll(): void {
    this.isOpen = true;
    for (const wake of this.waiting.splice(0)) wake();
  }

  get queued(): number {
    return this.waiting.length;
  }
}

function closed(sftp: RawSftp): Promise<void> {
  const internals = sftp as unknown as { connection: { once(event: string, done: () => void): void } };
  return new Promise((resolve) => internals.connection.once('close', () => resolve()));
}

/** Writes one raw SFTP packet: a length that may lie, then the given bytes. */
function rawPacket(sftp: RawSftp, length: number, body: Buffer): void {
  const internals = sftp as unknown as { channel: { write(bytes: Buffer): void } };
  internals.channel.write(Buffer.concat([u32(length), body]));
}

async function listsInbox(sftp: RawSftp): Promise<boolean> {
  return (await sftp.request(FXP.OPENDIR, '/inbox')).type === FXP.HANDLE;
}

describe('protocol robustness', () => {
  let harness: SecurityHarness;
  let bystander: RawSftp;
  const slow = new SlowWrites();

  before(async () => {
    harness = await SecurityHarness.start({
      config: { limits: { requestsInFlightPerSession: MAX_IN_FLIGHT, openHandlesPerSession: 200 } },
      wrapStorage: slow.wrap,
    });
    bystander = await harness.rawSftp();
  });
  after(async () => {
    await bystander.close();
    await harness.close();
  });

  it('buffers a bounded number of writes from a client faster than storage, and loses none', async () => {
    const sftp = await harness.rawSftp();
    const handle = await sftp.openHandle('/inbox/slow-upload.csv', NEW_FILE);
    const ids = Array.from({ length: WRITES }, (_, index) =>
      sftp.send(FXP.WRITE, handle, { u64: index * WRITE_BYTES }, Buffer.alloc(WRITE_BYTES, index % 251)));

    while (slow.queued < MAX_IN_FLIGHT) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(await listsInbox(bystander), 'another session is served while this one is held');
    for (let index = 0; index < WRITES && slow.queued > 0; index += 1) {
      slow.releaseOne();
      await new Promise((resolve) => setImmediate(resolve));
    }
    slow.openAll();
    await sftp.untilReplies(ids.length + 1);
    const close = await sftp.request(FXP.CLOSE, handle);

    const bound = MAX_IN_FLIGHT + Math.ceil(WINDOW_BYTES / WRITE_BYTES) + 1;
    assert.ok(slow.peak <= bound, `${slow.peak} writes were in flight at once, more than ${bound}`);
    assert.ok(slow.peak < WRITES, 'the client was held back');
    for (const id of ids) assert.equal(statusCode(sftp.replies.find((reply) => reply.id === id) as never), 0);
    assert.equal(statusCode(close), 0);
    const upload = harness.logged('upload completed').find((entry) => entry.path === 'inbox/slow-upload.csv');
    assert.equal(upload?.bytes, WRITES * WRITE_BYTES);
    await sftp.close();
  });

  const malformed: [string, (sftp: RawSftp) => void][] = [
    ['an unknown packet type', (sftp) => rawPacket(sftp, 5, Buffer.from([250, 0, 0, 0, 9]))],
    ['a length of zero', (sftp) => rawPacket(sftp, 0, Buffer.alloc(0))],
    ['a length over the packet limit', (sftp) => rawPacket(sftp, 300 * 1024, Buffer.from([FXP.WRITE]))],
    ['an OPEN cut short inside its path', (sftp) => rawPacket(sftp, 12, Buffer.from([FXP.OPEN, 0, 0, 0, 7, 0, 0, 0, 200, 0x2f, 0x69, 0x6e]))],
    ['a WRITE whose data length runs past the packet', (sftp) => rawPacket(sftp, 22, Buffer.concat([Buffer.from([FXP.WRITE]), u32(8), u32(4), u32(1), Buffer.alloc(8), u32(999)]).subarray(0, 22))],
    ['a second INIT', (sftp) => rawPacket(sftp, 5, Buffer.from([FXP.INIT, 0, 0, 0, 3]))],
  ];
  for (const [name, send] of malformed) {
    it(`survives ${name}: one reply or a closed session, never a crash`, async () => {
      const sftp = await harness.rawSftp();
      const repliesBefore = sftp.replies.length;
      const ended = closed(sftp);
      send(sftp);
      const outcome = await Promise.race([ended.then(() => 'closed'), sftp.untilReplies(repliesBefore + 1).then(() => 'answered')]);

      if (outcome === 'answered') {
        assert.equal(sftp.replies.length, repliesBefore + 1);
        await sftp.close();
      }
      assert.ok(await listsInbox(bystander));
    });
  }

  const midRequest: [string, (sftp: RawSftp, handle: Buffer) => void][] = [
    ['a WRITE', (sftp, handle) => sftp.send(FXP.WRITE, handle, { u64: 0 }, Buffer.alloc(1000, 1))],
    ['an OPEN', (sftp) => sftp.send(FXP.OPEN, '/inbox/slow-other.csv', { u32: NEW_FILE }, { u32: 0 })],
    ['a READDIR', (sftp) => sftp.send(FXP.OPENDIR, '/inbox')],
    ['a RENAME', (sftp) => sftp.send(FXP.RENAME, '/inbox/none.csv', '/inbox/none2.csv')],
    ['a REMOVE', (sftp) => sftp.send(FXP.REMOVE, '/inbox/none.csv')],
    ['a half-sent packet', (sftp) => rawPacket(sftp, 4000, Buffer.from([FXP.WRITE, 0, 0]))],
  ];
  for (const [name, send] of midRequest) {
    it(`ends cleanly on a disconnect in the middle of ${name}; the half-written upload is never processed`, async () => {
      slow.hold();
      const sftp = await harness.rawSftp();
      const path = `/inbox/slow-cut-${name.replace(/\W+/g, '-')}.csv`;
      const handle = await sftp.openHandle(path, NEW_FILE);
      const eventsBefore = harness.inboxEvents.length;
      const abortsBefore = harness.logged('upload aborted').length;

      send(sftp, handle);
      const ended = closed(sftp);
      sftp.drop();
      await ended;
      slow.openAll();
      await harness.untilLogged('upload aborted', abortsBefore + 1);

      assert.equal(harness.inboxEvents.length, eventsBefore);
      assert.ok(!harness.logged('upload completed').some((entry) => entry.path === path.slice(1)));
      assert.ok(await listsInbox(bystander));
    });
  }

  it('logged no internal failure through all of it', () => {
    assert.deepEqual(harness.logEntries().filter((entry) => entry.level === 'error').map((entry) => entry.message), []);
  });
});
