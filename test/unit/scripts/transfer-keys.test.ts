import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { fingerprint, keyChanges, readPublicKey, type PublicKey } from '../../../scripts/transfer-keys.js';
import { FINGERPRINT_ECDSA, KEY_ECDSA, KEY_ONE, KEY_THREE, KEY_TWO } from './transfer-fixtures.js';

function key(text: string): PublicKey {
  const reading = readPublicKey(text);
  assert.ok('key' in reading);
  return reading.key;
}

describe('public keys for Transfer Family', () => {
  it('reads type, body and comment, and names the key by its SHA-256 fingerprint', () => {
    const read = key(`  ${KEY_ECDSA}   acme@laptop `);
    assert.deepEqual(read, {
      type: 'ecdsa-sha2-nistp256',
      base64: KEY_ECDSA.split(' ')[1],
      line: `${KEY_ECDSA} acme@laptop`,
    });
    assert.equal(fingerprint(read), FINGERPRINT_ECDSA);
  });

  const refused: { text: string; problem: string }[] = [
    { text: 'ssh-ed25519 %%%', problem: 'not a public key in OpenSSH form' },
    { text: `sk-${KEY_ONE}`, problem: 'key type sk-ssh-ed25519 is not accepted by Transfer Family' },
    { text: `ssh-rsa ${KEY_ONE.split(' ')[1]}`, problem: 'the key body does not match its type' },
  ];
  for (const { text, problem } of refused) {
    it(`refuses "${text.slice(0, 20)}…": ${problem}`, () => {
      assert.deepEqual(readPublicKey(text), { problem });
    });
  }

  it('treats a key with another comment as the same key', () => {
    const onServer = [{ SshPublicKeyId: 'key-1', SshPublicKeyBody: `${KEY_ONE} old`, DateImported: new Date(0) }];
    const changes = keyChanges([key(`${KEY_ONE} new-comment`)], onServer);
    assert.deepEqual(changes, { toImport: [], toDelete: [] });
  });

  it('imports missing keys once and deletes keys no longer configured', () => {
    const changes = keyChanges(
      [key(KEY_ONE), key(KEY_TWO), key(`${KEY_TWO} again`)],
      [
        { SshPublicKeyId: 'key-1', SshPublicKeyBody: KEY_ONE, DateImported: new Date(0) },
        { SshPublicKeyId: 'key-3', SshPublicKeyBody: KEY_THREE, DateImported: new Date(0) },
      ],
    );
    assert.deepEqual(changes.toImport.map((each) => each.line), [KEY_TWO]);
    assert.deepEqual(changes.toDelete, [{ id: 'key-3', label: fingerprint(key(KEY_THREE)) }]);
  });
});
