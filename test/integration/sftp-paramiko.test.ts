import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { CLIENT_PASSWORD, GatewayHarness } from '../support/gateway-harness.js';

describe('paramiko against the gateway', () => {
  let harness: GatewayHarness;

  before(async () => {
    harness = await GatewayHarness.start();
  });
  after(async () => {
    await harness.close();
  });

  it('lands out-of-order pipelined writes at their offsets', async () => {
    const result = await harness.paramiko('out-of-order-writes', ['/inbox/ooo.bin']);
    assert.deepEqual(result, { login: 'accepted', matches: true, size: 16 * 65536 });
  });

  it('reads at offsets, near the end and past the end', async () => {
    const result = await harness.paramiko('reads-at-offsets', ['inbox/offsets.bin']);
    assert.deepEqual(result, { login: 'accepted', middle: true, tail: true, pastEnd: 0, readv: [true, true, true] });
  });

  it('keeps the times set by utime and reports them back', async () => {
    const result = await harness.paramiko('utime-then-stat', ['inbox/times.txt']);
    assert.deepEqual(result, { login: 'accepted', atime: 1_000_000_000, mtime: 1_234_567_890 });
  });

  it('uploads under a temporary name, then renames it', async () => {
    const local = join(harness.dir, 'claims.csv');
    await writeFile(local, 'member_id,zip\n1,12345\n');
    harness.inboxEvents.length = 0;

    const result = await harness.paramiko('temporary-then-rename', [local, '/inbox/claims.csv']);

    assert.equal(result.size, 22);
    assert.ok((result.names as string[]).includes('claims.csv'));
    assert.ok(!(result.names as string[]).includes('claims.csv.filepart'));
    assert.deepEqual(harness.inboxEvents.at(-1), { clientId: 'acme', path: 'inbox/claims.csv' });
  });

  it('raises FileNotFoundError (errno 2) for a missing path', async () => {
    const result = await harness.paramiko('stat-missing', ['/inbox/absent.csv']);
    assert.deepEqual(result, { login: 'accepted', raised: 'FileNotFoundError', errno: 2 });
  });

  it('completes a pipelined put of a file of many requests', async () => {
    const local = join(harness.dir, 'large.bin');
    await writeFile(local, randomBytes(2 * 1024 * 1024 + 3));
    const result = await harness.paramiko('pipelined-put', [local, '/inbox/large.bin']);
    assert.deepEqual(result, { login: 'accepted', matches: true, size: 2 * 1024 * 1024 + 3 });
  });

  it('refuses an upload into the outbox with PermissionError', async () => {
    const result = await harness.paramiko('refused-upload', ['/outbox/nope.csv']);
    assert.deepEqual(result, { login: 'accepted', raised: 'PermissionError', errno: 13 });
  });

  it('logs in with the right password', async () => {
    const result = await harness.paramiko('login-only', [], { password: CLIENT_PASSWORD });
    assert.deepEqual(result, { login: 'accepted', listing: ['inbox', 'outbox'] });
  });

  it('refuses a wrong password and an unknown client alike', async () => {
    const wrong = await harness.paramiko('login-only', [], { password: 'not the password' });
    const unknown = await harness.paramiko('login-only', [], { password: CLIENT_PASSWORD, user: 'nobody' });
    assert.deepEqual(wrong, { login: 'refused' });
    assert.deepEqual(unknown, { login: 'refused' });
  });

  it('never writes a password into the log', () => {
    const log = harness.logLines.join('\n');
    assert.ok(!log.includes(CLIENT_PASSWORD));
    assert.ok(!log.includes('not the password'));
    const failures = harness.logEntries().filter((entry) => entry.message === 'login failed');
    assert.deepEqual(failures.map((entry) => entry.client).sort(), ['acme', 'nobody']);
  });
});

describe('login lockout', () => {
  let harness: GatewayHarness;

  before(async () => {
    harness = await GatewayHarness.start({ config: { limits: { loginFailuresBeforeLockout: 2 } } });
  });
  after(async () => {
    await harness.close();
  });

  it('refuses even the right password after repeated failures', async () => {
    await harness.paramiko('login-only', [], { password: 'guess one' });
    await harness.paramiko('login-only', [], { password: 'guess two' });

    const afterFailures = await harness.paramiko('login-only', [], { password: CLIENT_PASSWORD });

    assert.deepEqual(afterFailures, { login: 'refused' });
    assert.ok(harness.logEntries().some((entry) => entry.message === 'login refused during lockout' && entry.level === 'warn'));
  });
});
