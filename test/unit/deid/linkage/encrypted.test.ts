import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { RULE_IDS, TokenEncrypter, createLinkage, openMatchToken } from '../../../../core/deid/linkage/index.js';
import {
  ENCRYPTION_KEY, HASHING_SECRET, SAMPLE_SPEC, TODAY, UPSTREAM_BLANK, readFixtureRows, tokensByRecordAndRule,
} from './opentoken-fixtures.js';

const expected = tokensByRecordAndRule('hashed-output.csv');
const encrypter = new TokenEncrypter(ENCRYPTION_KEY);

describe('OpenToken 1.12.5 encrypted output', () => {
  const rows = readFixtureRows('output-opentoken-1.12.5.csv');

  it('decrypts every token to the expected hashed token, blanks left as zeros', () => {
    assert.equal(rows.length, 525);
    for (const row of rows) {
      const want = expected.get(`${row['RecordId']}/${row['RuleId']}`);
      const token = row['Token'] as string;
      const plain = token === UPSTREAM_BLANK ? token : encrypter.decrypt(token);
      assert.equal(plain, want, `${row['RecordId']}/${row['RuleId']}`);
    }
  });

  it('refuses to decrypt with another key', () => {
    const other = new TokenEncrypter('another-key-of-exactly-32-bytes!');
    const first = rows.find((row) => row['Token'] !== UPSTREAM_BLANK);
    assert.throws(() => other.decrypt(first?.['Token'] as string));
  });
});

describe('Open Link Token 2.1.2 match-token envelopes', () => {
  const rows = readFixtureRows('output-olt-2.1.2.csv');

  it('open to the rule named in the row and to the expected token, blanks as zeros', () => {
    assert.equal(rows.length, 525);
    for (const row of rows) {
      const { header, payload } = openMatchToken(row['Token'] as string, ENCRYPTION_KEY);
      assert.equal(header['typ'], 'match-token');
      assert.equal(payload.rlid, row['RuleId']);
      assert.equal(payload.ppid.length, 1);

      const inner = payload.ppid[0] as string;
      const plain = inner === UPSTREAM_BLANK ? inner : encrypter.decrypt(inner);
      assert.equal(plain, expected.get(`${row['RecordId']}/${row['RuleId']}`));
    }
  });

  it('refuses an envelope whose ciphertext was altered', () => {
    const envelope = rows[0]?.['Token'] as string;
    const parts = envelope.split('.');
    const ciphertext = parts[5] as string;
    parts[5] = (ciphertext[0] === 'A' ? 'B' : 'A') + ciphertext.slice(1);
    assert.throws(() => openMatchToken(parts.join('.'), ENCRYPTION_KEY));
  });
});

describe('Airlock encrypted tokens', () => {
  const people = readFixtureRows('sample.csv');
  const secrets = { hashingSecret: HASHING_SECRET, encryptionKey: ENCRYPTION_KEY };
  const linkage = createLinkage(SAMPLE_SPEC, secrets, TODAY);

  it('decrypt with the upstream reader logic to the expected tokens, empty where no rule', () => {
    for (const person of people) {
      linkage.tokensFor((column) => person[column] ?? '').forEach((token, index) => {
        const want = expected.get(`${person['RecordId']}/${RULE_IDS[index]}`);
        if (want === UPSTREAM_BLANK) assert.equal(token, '');
        else assert.equal(encrypter.decrypt(token), want);
      });
    }
  });

  it('differ between two encryptions of the same person (random IV)', () => {
    const person = people[1] as Record<string, string>;
    const first = linkage.tokensFor((column) => person[column] ?? '');
    const second = linkage.tokensFor((column) => person[column] ?? '');
    assert.notEqual(first[0], second[0]);
    assert.equal(encrypter.decrypt(first[0] as string), encrypter.decrypt(second[0] as string));
  });

  it('refuses an encryption key that is not 32 bytes', () => {
    assert.throws(() => new TokenEncrypter('too short'), RangeError);
  });
});

describe('Airlock match-token envelopes', () => {
  const people = readFixtureRows('sample.csv');
  const ringId = '9056c7f0-34d1-43a4-8f87-98ee46b5a85f';
  const spec = { ...SAMPLE_SPEC, encryptionKeyFile: 'unused', envelope: { ringId, issuer: 'airlock.test' } };
  const secrets = { hashingSecret: HASHING_SECRET, encryptionKey: ENCRYPTION_KEY };
  const linkage = createLinkage(spec, secrets, TODAY);

  it('open like upstream ones to the rule, ring, issuer and expected token', () => {
    for (const person of people) {
      linkage.tokensFor((column) => person[column] ?? '').forEach((token, index) => {
        const rule = RULE_IDS[index] as string;
        const want = expected.get(`${person['RecordId']}/${rule}`);
        if (want === UPSTREAM_BLANK) return assert.equal(token, '');

        const { header, payload } = openMatchToken(token, ENCRYPTION_KEY);
        assert.deepEqual(header, { alg: 'dir', enc: 'A256GCM', kid: ringId, typ: 'match-token' });
        assert.deepEqual(
          { ...payload, ppid: [] },
          { rlid: rule, hash_alg: 'SHA-256', mac_alg: 'HS256', ppid: [], rid: ringId, iss: 'airlock.test', iat: TODAY.getTime() / 1000 },
        );
        assert.equal(encrypter.decrypt(payload.ppid[0] as string), want);
      });
    }
  });

  it('cannot be built without an encryption key', () => {
    assert.throws(() => createLinkage(spec, { hashingSecret: HASHING_SECRET }, TODAY), RangeError);
  });
});
