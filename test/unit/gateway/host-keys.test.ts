import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import ssh2 from 'ssh2';

import { generateReadableKeyPair, loadOrCreateHostKeys } from '../../../gateway/host-keys.js';

describe('host keys', () => {
  const folder = mkdtempSync(join(tmpdir(), 'airlock-host-keys-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  // ssh2 1.17 makes an unreadable ed25519 key about once in a hundred; 300 new keys would meet
  // that flaw with near certainty if it were not caught.
  it('makes only ed25519 keys that ssh2 reads back', () => {
    for (let made = 0; made < 300; made += 1) {
      const pair = generateReadableKeyPair('ed25519', undefined);
      assert.equal(ssh2.utils.parseKey(pair.private) instanceof Error, false);
    }
  });

  it('keeps the keys it made on first start and presents them again', () => {
    const first = loadOrCreateHostKeys(folder).map((key) => key.fingerprint);
    const again = loadOrCreateHostKeys(folder).map((key) => key.fingerprint);
    assert.equal(first.length, 2);
    assert.deepEqual(again, first);
  });
});
