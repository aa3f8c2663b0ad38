import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { GatewayHarness } from '../support/gateway-harness.js';

describe('OpenSSH sftp -b against the gateway', () => {
  let harness: GatewayHarness;

  before(async () => {
    harness = await GatewayHarness.start();
  });
  after(async () => {
    await harness.close();
  });

  it('uploads into the inbox and downloads the same bytes', async () => {
    const original = join(harness.dir, 'visits.bin');
    const copy = join(harness.dir, 'visits.copy');
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    await writeFile(original, bytes);

    const result = await harness.sftpBatch([`put ${original} inbox/visits.bin`, `get inbox/visits.bin ${copy}`]);

    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await readFile(harness.diskPath('inbox/visits.bin')), bytes);
    assert.deepEqual(await readFile(copy), bytes);
    assert.deepEqual(harness.inboxEvents.at(-1), { clientId: 'acme', path: 'inbox/visits.bin' });
  });

  it('shows exactly inbox and outbox at the root', async () => {
    const result = await harness.sftpBatch(['cd /', 'ls -1a']);

    assert.equal(result.code, 0, result.stderr);
    const names = result.stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('sftp>'));
    assert.deepEqual(names.sort(), ['.', '..', 'inbox', 'outbox']);
  });
});
