import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { runCommand } from '../support/gateway-harness.js';
import { FXP, handleOf, type RawSftp, statusCode } from '../support/raw-sftp.js';
import { KEY_CLIENT, OTHER_CLIENT, SecurityHarness } from '../support/security-harness.js';
import { TEST_PASSWORD } from '../support/test-secrets.js';

const STATUS = { OK: 0, FAILURE: 4 };
const NEW_FILE = 2 | 8 | 16;

/** Resolves once the SFTP channel or its connection has closed. */
function closed(sftp: RawSftp): Promise<void> {
  const internals = sftp as unknown as { connection: { once(event: string, done: () => void): void } };
  return new Promise((resolve) => internals.connection.once('close', () => resolve()));
}

/** Lists `/inbox` on a fresh session: proof the gateway still serves. */
async function stillServes(harness: SecurityHarness): Promise<void> {
  const sftp = await harness.rawSftp();
  const reply = await sftp.request(FXP.OPENDIR, '/inbox');
  assert.equal(reply.type, FXP.HANDLE);
  await sftp.close();
}

/** The gateway hears of a closed socket a moment after the client: a few tries, no clock. */
async function eventually(login: () => Promise<string>): Promise<string> {
  let outcome = await login();
  for (let tries = 0; tries < 50 && outcome !== 'accepted'; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    outcome = await login();
  }
  return outcome;
}

function sftpBatch(harness: SecurityHarness, lines: string[]): Promise<{ code: number; stderr: string }> {
  return runCommand('bash', ['-c', [
    'printf "%s\\n" "$@" | sftp -F /dev/null -b - -P "$PORT" -i "$KEY" -o IdentitiesOnly=yes -o BatchMode=yes',
    '-o StrictHostKeyChecking=yes -o UserKnownHostsFile="$HOSTS" -o GlobalKnownHostsFile=/dev/null acme@127.0.0.1',
  ].join(' ').replace('$PORT', String(harness.port)).replace('$KEY', harness.keyFile).replace('$HOSTS', harness.knownHostsFile), '--', ...lines]);
}

describe('limits, each reached', () => {
  let harness: SecurityHarness;

  before(async () => {
    harness = await SecurityHarness.start({
      config: {
        limits: {
          connectionsPerAddress: 3, sessionsPerClient: 2, authTimeoutMs: 1500, idleTimeoutMs: 1500,
          maxFileBytes: 100_000, openHandlesPerSession: 3, maxPacketBytes: 64 * 1024,
        },
      },
    });
  });
  after(async () => {
    await harness.close();
  });

  it('closes a connection that does not log in in time, and says so in the log', async () => {
    const { received } = harness.rawTcp('127.0.0.9');
    await received;
    const entries = await harness.untilLogged('connection closed at the login time limit');
    assert.equal(entries[0]?.remoteAddress, '127.0.0.9');
  });

  it('turns away connections over the per-address limit with a message, and not other addresses', async () => {
    const held = [1, 2, 3].map(() => harness.rawTcp('127.0.0.7'));
    const over = harness.rawTcp('127.0.0.7');

    assert.equal(await over.received, 'Airlock: too many connections from your address\r\n');
    assert.equal(await harness.passwordLogin(OTHER_CLIENT, TEST_PASSWORD, '127.0.0.8'), 'accepted');
    for (const connection of held) connection.socket.destroy();
    await Promise.all(held.map((connection) => connection.received));
    assert.equal(await eventually(() => harness.passwordLogin(OTHER_CLIENT, TEST_PASSWORD, '127.0.0.7')), 'accepted');
  });

  it('tells a client over its session limit why, in words OpenSSH shows, and lets it in again later', async () => {
    const first = await harness.rawSftp();
    const second = await harness.rawSftp();
    try {
      const refused = await sftpBatch(harness, ['ls /']);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /too many connections open/);
      assert.ok(harness.logged('connection refused at the client session limit').some((entry) => entry.client === KEY_CLIENT));
      // The refused connection still counts against this address until the gateway has seen it
      // close, which may come a moment after sftp exits.
      assert.equal(await eventually(() => harness.passwordLogin(OTHER_CLIENT, TEST_PASSWORD)), 'accepted');

      await first.close();
      const allowed = await eventually(async () => ((await sftpBatch(harness, ['ls /'])).code === 0 ? 'accepted' : 'refused'));
      assert.equal(allowed, 'accepted');
    } finally {
      await first.close().catch(() => undefined);
      await second.close().catch(() => undefined);
    }
  });

  it('ends an idle session, and the gateway goes on', async () => {
    const sftp = await harness.rawSftp();
    await closed(sftp);

    assert.ok(harness.logged('idle connection closed').length >= 1);
    await stillServes(harness);
  });

  it('answers FAILURE to a write past the largest file, and keeps the session', async () => {
    const sftp = await harness.rawSftp();
    const handle = await sftp.openHandle('/inbox/big.csv', NEW_FILE);

    const tooFar = await sftp.request(FXP.WRITE, handle, { u64: 99_990 }, Buffer.alloc(20));
    const fits = await sftp.request(FXP.WRITE, handle, { u64: 0 }, Buffer.alloc(20));
    assert.equal(statusCode(tooFar), STATUS.FAILURE);
    assert.equal(statusCode(fits), STATUS.OK);
    assert.equal(statusCode(await sftp.request(FXP.CLOSE, handle)), STATUS.OK);
    await sftp.close();
  });

  it('answers FAILURE to a SETSTAT or FSETSTAT size past the largest file, so no huge sparse file is made', async () => {
    const sftp = await harness.rawSftp();
    const handle = await sftp.openHandle('/inbox/sparse.csv', NEW_FILE);
    const sizeFlag = { u32: 0x1 };

    const byHandle = await sftp.request(FXP.FSETSTAT, handle, sizeFlag, { u64: 10_000_000_000 });
    assert.equal(statusCode(await sftp.request(FXP.CLOSE, handle)), STATUS.OK);
    const byPath = await sftp.request(FXP.SETSTAT, '/inbox/sparse.csv', sizeFlag, { u64: 100_001 });
    const fits = await sftp.request(FXP.SETSTAT, '/inbox/sparse.csv', sizeFlag, { u64: 100_000 });
    assert.equal(statusCode(byHandle), STATUS.FAILURE);
    assert.equal(statusCode(byPath), STATUS.FAILURE);
    assert.equal(statusCode(fits), STATUS.OK);
    await sftp.close();
  });

  it('answers FAILURE to an OPEN past the handle limit; a dropped session with open uploads is never processed', async () => {
    const sftp = await harness.rawSftp();
    const eventsBefore = harness.inboxEvents.length;
    const handles = [];
    for (const name of ['a', 'b', 'c']) {
      const handle = await sftp.openHandle(`/inbox/held-${name}.csv`, NEW_FILE);
      await sftp.request(FXP.WRITE, handle, { u64: 0 }, Buffer.from('x'));
      handles.push(handle);
    }
    const over = await sftp.request(FXP.OPEN, '/inbox/held-d.csv', { u32: NEW_FILE }, { u32: 0 });
    assert.equal(statusCode(over), STATUS.FAILURE);

    const ended = closed(sftp);
    sftp.drop();
    await ended;
    await harness.untilLogged('upload aborted', 3);
    assert.equal(harness.inboxEvents.length, eventsBefore);
    assert.equal(harness.logged('upload completed').filter((entry) => String(entry.path).startsWith('inbox/held-')).length, 0);
    await stillServes(harness);
  });

  it('ends a session whose packet is longer than the packet limit, reports the limit, and goes on', async () => {
    const sftp = await harness.rawSftp();
    const limits = await sftp.request(FXP.EXTENDED, 'limits@openssh.com');
    assert.equal(Number(limits.body.readBigUInt64BE(0)), 64 * 1024);
    assert.ok(Number(limits.body.readBigUInt64BE(16)) < 64 * 1024);
    const handle = handleOf(await sftp.request(FXP.OPEN, '/inbox/long.csv', { u32: NEW_FILE }, { u32: 0 }));
    const repliesBefore = sftp.replies.length;

    const ended = closed(sftp);
    sftp.send(FXP.WRITE, handle, { u64: 0 }, Buffer.alloc(80 * 1024));
    await ended;

    assert.equal(sftp.replies.length, repliesBefore);
    assert.ok(harness.logged('sftp session ended by protocol error').length >= 1);
    await stillServes(harness);
  });
});
