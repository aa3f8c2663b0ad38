import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { ConfigError } from '../../../../core/errors.js';
import { createLinkage, linkageSchema, readLinkageSecrets } from '../../../../core/deid/linkage/index.js';
import { HASHING_SECRET, SAMPLE_SPEC, TODAY, readFixtureRows } from './opentoken-fixtures.js';

const SECRETS = { hashingSecret: HASHING_SECRET };

function person(overrides: Record<string, string>): Record<string, string> {
  return {
    FirstName: 'Alice', LastName: 'Johnson', BirthDate: '1990-01-15', Sex: 'Female',
    PostalCode: '95123', SocialSecurityNumber: '234-56-7890', ...overrides,
  };
}

function tokens(linkageSpec: typeof SAMPLE_SPEC, row: Record<string, string>, today = TODAY): string[] {
  return createLinkage(linkageSpec, SECRETS, today).tokensFor((column) => row[column] ?? '');
}

describe('linkage profile section', () => {
  const minimal = {
    scheme: 'opentoken', secretFile: './linkage.secret',
    fields: { firstName: 'fn', lastName: 'ln', birthDate: 'dob', sex: 'sex', postalCode: 'zip', ssn: 'ssn' },
  };

  it('defaults to all five rules in order', () => {
    assert.deepEqual(linkageSchema.parse(minimal).output, ['T1', 'T2', 'T3', 'T4', 'T5']);
  });

  it('accepts a subset of rules when only their fields are named', () => {
    const spec = { ...minimal, fields: { lastName: 'ln', firstName: 'fn', sex: 'sex' }, output: ['T5'] };
    assert.equal(linkageSchema.safeParse(spec).success, true);
  });

  const mistakes: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
    ['an unknown scheme', { ...minimal, scheme: 'datavant' }, 'scheme'],
    ['a rule that is not T1 to T5', { ...minimal, output: ['T6'] }, 'output'],
    ['a rule listed twice', { ...minimal, output: ['T1', 'T1'] }, 'output'],
    ['an empty rule list', { ...minimal, output: [] }, 'output'],
    ['a rule whose field has no column', { ...minimal, fields: { ...minimal.fields, ssn: undefined } }, 'fields'],
    ['an unknown field', { ...minimal, fields: { ...minimal.fields, middleName: 'mn' } }, 'fields'],
    ['an unknown key', { ...minimal, secret: 'inline' }, ''],
    ['a missing secret file', { ...minimal, secretFile: undefined }, 'secretFile'],
    ['an envelope without an encryption key', { ...minimal, envelope: { ringId: 'ring-1' } }, 'envelope'],
  ];
  for (const [what, spec, path] of mistakes) {
    it(`rejects ${what}`, () => {
      const result = linkageSchema.safeParse(spec);
      assert.equal(result.success, false);
      assert.equal(String(result.error?.issues[0]?.path[0] ?? ''), path);
    });
  }
});

describe('linkage secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-linkage-'));
  const spec = linkageSchema.parse({ ...SAMPLE_SPEC, secretFile: 'hash.secret', encryptionKeyFile: 'enc.key' });

  it('reads the secret text without its final line ending', () => {
    writeFileSync(join(dir, 'hash.secret'), `${HASHING_SECRET}\n`);
    writeFileSync(join(dir, 'enc.key'), 'Secret-Encryption-Key-Goes-Here.\r\n');
    assert.deepEqual(readLinkageSecrets(spec, dir), {
      hashingSecret: HASHING_SECRET, encryptionKey: 'Secret-Encryption-Key-Goes-Here.',
    });
  });

  it('names the file but not the content when the key has the wrong length', () => {
    writeFileSync(join(dir, 'hash.secret'), HASHING_SECRET);
    writeFileSync(join(dir, 'enc.key'), 'short-key-text');
    assert.throws(() => readLinkageSecrets(spec, dir), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.ok(error.message.includes('enc.key'));
      assert.ok(!error.message.includes('short-key-text'));
      return true;
    });
  });

  it('refuses an empty secret file', () => {
    writeFileSync(join(dir, 'hash.secret'), '\n');
    assert.throws(() => readLinkageSecrets(spec, dir), ConfigError);
  });

  it('refuses a missing secret file', () => {
    const missing = linkageSchema.parse({ ...SAMPLE_SPEC, secretFile: 'nowhere.secret' });
    assert.throws(() => readLinkageSecrets(missing, dir), ConfigError);
  });
});

describe('linkage tokens', () => {
  it('appends only the rules the profile lists, in its order', () => {
    const all = tokens(SAMPLE_SPEC, person({}));
    const some = tokens({ ...SAMPLE_SPEC, output: ['T4', 'T1'] }, person({}));
    assert.deepEqual(some, [all[3], all[0]]);
  });

  it('gives the same tokens whatever the spelling of the same person', () => {
    const plain = tokens(SAMPLE_SPEC, person({}));
    const messy = tokens(SAMPLE_SPEC, person({
      FirstName: ' Mrs. Alice B. ', LastName: 'JOHNSON Jr', BirthDate: '01/15/1990', Sex: 'f',
      PostalCode: '95123-4567', SocialSecurityNumber: '234567890',
    }));
    assert.deepEqual(messy, plain);
  });

  it('links a ZIP-3 and a full ZIP with the same first three digits through T2', () => {
    const zip3 = tokens(SAMPLE_SPEC, person({ PostalCode: '951' }));
    const zip5 = tokens(SAMPLE_SPEC, person({ PostalCode: '95123' }));
    assert.equal(zip3[1], zip5[1]);
  });

  it('leaves the postal-code rule empty and the others built for a placeholder ZIP', () => {
    const built = tokens(SAMPLE_SPEC, person({ PostalCode: '99999' })).map((token) => token !== '');
    assert.deepEqual(built, [true, false, true, true, true]);
  });

  it('leaves every rule with a birth date empty for a birth after the injected today', () => {
    const row = person({ BirthDate: '2026-12-20' });
    assert.deepEqual(tokens(SAMPLE_SPEC, row).map((token) => token !== ''), [false, false, false, false, true]);
    const later = new Date('2027-01-01T12:00:00Z');
    assert.deepEqual(tokens(SAMPLE_SPEC, row, later).map((token) => token !== ''), [true, true, true, true, true]);
  });

  it('builds T2 for every ZIP-3, ZIP-4 and partial Canadian example', () => {
    for (const row of readFixtureRows('test_zip3_examples.csv')) {
      const [, t2] = tokens(SAMPLE_SPEC, row);
      assert.notEqual(t2, '', row['RecordId']);
    }
  });

  it('changes every token when the secret changes', () => {
    const row = person({});
    const other = createLinkage(SAMPLE_SPEC, { hashingSecret: 'AnotherKey' }, TODAY).tokensFor((column) => row[column] ?? '');
    tokens(SAMPLE_SPEC, row).forEach((token, index) => assert.notEqual(other[index], token));
  });
});
