import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, describe, it } from 'node:test';

import { parse } from 'csv-parse/sync';
import { stringify } from 'yaml';

import { loadConfig } from '../../../config/load.js';
import { deidentify } from '../../../core/deid/deidentify.js';
import { ConfigError } from '../../../core/errors.js';
import { tokensByRecordAndRule, UPSTREAM_BLANK } from './linkage/opentoken-fixtures.js';

const folder = mkdtempSync(join(tmpdir(), 'airlock-linkage-'));
const SAMPLE = 'test/fixtures/opentoken/sample.csv';

function configWith(linkage: Record<string, unknown>, columns: Record<string, unknown> = { RecordId: 'keep' }): string {
  const file = join(folder, `airlock-${Math.random().toString(16).slice(2)}.yaml`);
  writeFileSync(file, stringify({
    dataDir: './data', tokenKeyFile: './token.key',
    profiles: { people: { unknownColumns: 'drop', referenceDate: '2026-12-15', columns, linkage } },
  }));
  return file;
}

const LINKAGE = {
  scheme: 'opentoken',
  secretFile: './linkage.secret',
  fields: { firstName: 'FirstName', lastName: 'LastName', birthDate: 'BirthDate', sex: 'Sex', postalCode: 'PostalCode', ssn: 'SocialSecurityNumber' },
  output: ['T1', 'T2', 'T3', 'T4', 'T5'],
};

async function run(file: string): Promise<Record<string, string>[]> {
  const profile = loadConfig(file).profiles.people!;
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await deidentify(Readable.from([readFileSync(SAMPLE)]), output, { profile, tokenKey: Buffer.alloc(32, 7), inputName: 'sample.csv' });
  return parse(Buffer.concat(chunks), { columns: true }) as Record<string, string>[];
}

describe('a profile with a linkage section', () => {
  after(() => rmSync(folder, { recursive: true, force: true }));
  writeFileSync(join(folder, 'linkage.secret'), 'HashingKey\n');

  it('appends the OpenToken columns, matching all 525 published tokens', async () => {
    const rows = await run(configWith(LINKAGE));
    const expected = tokensByRecordAndRule('hashed-output.csv');
    assert.equal(rows.length, 105);
    assert.deepEqual(Object.keys(rows[0]!), ['RecordId', 'T1', 'T2', 'T3', 'T4', 'T5']);
    let compared = 0;
    for (const row of rows) {
      for (const rule of ['T1', 'T2', 'T3', 'T4', 'T5']) {
        const published = expected.get(`${row.RecordId}/${rule}`);
        assert.equal(row[rule], published === UPSTREAM_BLANK ? '' : published, `${row.RecordId} ${rule}`);
        compared += 1;
      }
    }
    assert.equal(compared, 525);
  });

  it('refuses at load a linkage output that is also a profile column', () => {
    assert.throws(() => loadConfig(configWith(LINKAGE, { RecordId: 'keep', T1: 'keep' })), (error: unknown) =>
      error instanceof ConfigError && error.problems.some((problem) => problem.startsWith('profiles.people.linkage.output.0')));
  });

  it('names the secret file, never its content, when the secret cannot be read', async () => {
    const file = configWith({ ...LINKAGE, secretFile: './missing.secret' });
    await assert.rejects(run(file), (error: unknown) =>
      error instanceof ConfigError && error.message.includes('missing.secret') && !error.message.includes('HashingKey'));
  });
});
