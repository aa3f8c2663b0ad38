import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { parse as parseYaml } from 'yaml';

import type { ColumnAction } from '../../../core/deid/action-schema.js';
import type { Profile } from '../../../core/deid/profile-schema.js';
import { cellsOf, expectedToken, makeProfile, repoRoot, runDeid, runDeidFailure, TEST_KEY } from './deid-helpers.js';

const FIXTURES = join(repoRoot(), 'test', 'fixtures', 'synthea');
const PROFILE_INPUTS = parseYaml(readFileSync(join(FIXTURES, 'profiles.yaml'), 'utf8')) as Record<string, unknown>;
const FILES = [
  'allergies', 'conditions', 'encounters', 'immunizations', 'medications', 'observations',
  'organizations', 'patients', 'payers', 'procedures', 'providers',
];

/** The shift offset as docs/profiles.md defines it, written out again here. */
function offsetDays(person: string, maxDays: number): number {
  const digest = createHmac('sha256', TEST_KEY).update(`airlock:date-shift:v1\u0000${person}`, 'utf8').digest();
  const draw = digest.readUInt32BE(0) % (2 * maxDays);
  return draw < maxDays ? -(draw + 1) : draw - maxDays + 1;
}

function shifted(value: string, days: number): string {
  const moved = new Date(Date.UTC(+value.slice(0, 4), +value.slice(5, 7) - 1, +value.slice(8, 10)) + days * 86_400_000);
  return moved.toISOString().slice(0, 10) + value.slice(10);
}

/**
 * What a cell must become, worked out from the action's definition (not from Airlock's code)
 * for the kinds of value these files hold. Undefined for scrub, which is checked literally.
 */
function expectedCell(action: ColumnAction, value: string, row: Record<string, string>): string | undefined {
  if (value === '') return '';
  switch (action.action) {
    case 'keep': return value;
    case 'token': return expectedToken(value);
    case 'redact': return action.with;
    case 'mask': return '*'.repeat(Math.max(0, value.length - action.keep)) + value.slice(-action.keep);
    case 'year': return value.slice(0, 4);
    case 'month': return value.slice(0, 7);
    case 'zip3': return value.split('-')[0]!.padStart(5, '0').slice(0, 3);
    case 'topcode': return Number(value) > action.limit ? String(action.limit + 1) : value;
    case 'shift': return shifted(value, offsetDays(row[action.by] ?? '', action.maxDays));
    case 'bucket': {
      const below = action.bounds.filter((bound) => Number(value) >= bound).length;
      const labels = [`<${action.bounds[0]}`, ...action.bounds.slice(1).map((high, i) => `${action.bounds[i]}-${high - 1}`), `${action.bounds.at(-1)}+`];
      return labels[below];
    }
    default: return undefined;
  }
}

async function deidFile(name: string, profile: Profile): Promise<{ input: string[][]; output: string[][] }> {
  const text = readFileSync(join(FIXTURES, `${name}.csv`), 'utf8');
  const run = await runDeid(text, profile, `${name}.csv`);
  assert.equal(run.stats.rowsRejected, 0);
  assert.equal(run.stats.rowsWritten, run.stats.rowsRead);
  return { input: cellsOf(text), output: cellsOf(run.text) };
}

describe('deid over the Synthea sample', () => {
  for (const name of FILES) {
    it(`de-identifies ${name}.csv as its profile says, cell by cell on sampled rows`, async () => {
      const profile = makeProfile(PROFILE_INPUTS[name], name);
      const { input, output } = await deidFile(name, profile);
      const [header, ...rows] = input;
      const kept = header!.filter((column) => profile.columns[column]?.action !== 'drop' && profile.columns[column] !== undefined);
      assert.deepEqual(output[0], kept);
      assert.equal(output.length, input.length);

      const sample = [0, Math.floor(rows.length / 2), rows.length - 1];
      for (const index of sample) {
        const cells = rows[index]!;
        const byName = Object.fromEntries(header!.map((column, at) => [column, cells[at] ?? '']));
        const expectedRow = kept.map((column) => expectedCell(profile.columns[column]!, byName[column]!, byName));
        const actualRow = output[index + 1]!.map((cell, at) => (expectedRow[at] === undefined ? undefined : cell));
        assert.deepEqual(actualRow, expectedRow, `row ${index + 2} of ${name}.csv`);
      }
    });
  }

  it('keeps patients to year of birth, ZIP3 and state under safe-harbor', async () => {
    const { output } = await deidFile('patients', makeProfile(PROFILE_INPUTS.patients, 'patients'));
    assert.deepEqual(output[0], [
      'Id', 'BIRTHDATE', 'DEATHDATE', 'MARITAL', 'RACE', 'ETHNICITY', 'GENDER', 'STATE', 'ZIP',
      'HEALTHCARE_EXPENSES', 'HEALTHCARE_COVERAGE',
    ]);
    assert.deepEqual(output[1], [
      expectedToken('3edac2e3-d223-6fae-d515-daf96ef6bc76'), '2014', '', '', 'white', 'nonhispanic', 'M',
      'Massachusetts', '021', '227761.06', '2546.04',
    ]);
    assert.deepEqual(output[2]?.slice(1, 3), ['2008', '']);
    assert.equal(output[2]?.[8], '');
  });

  it('keeps the interval between one patient\'s encounter start and stop', async () => {
    const { output } = await deidFile('encounters', makeProfile(PROFILE_INPUTS.encounters, 'encounters'));
    const [start, stop] = [output[1]![1]!, output[1]![2]!];
    assert.equal(Date.parse(stop) - Date.parse(start), Date.parse('2023-01-27T16:32:47Z') - Date.parse('2023-01-27T16:17:47Z'));
    assert.notEqual(start, '2023-01-27T16:17:47Z');
  });

  it('scrubs medication descriptions without harming drug names', async () => {
    const { output } = await deidFile('medications', makeProfile(PROFILE_INPUTS.medications, 'medications'));
    assert.equal(output[1]![6], 'Loratadine 5 MG Chewable Tablet');
    assert.equal(output[2]![6], 'NDA020800 0.3 ML Epinephrine 1 MG/ML Auto-Injector');
  });

  it('masks organisation phones and refuses unmasked payer phones without an allowance', async () => {
    const { output } = await deidFile('organizations', makeProfile(PROFILE_INPUTS.organizations, 'organizations'));
    assert.equal(output[1]![6], '******5200');
    const strict = makeProfile({ unknownColumns: 'drop', columns: { Id: 'keep', PHONE: 'keep' } });
    const error = await runDeidFailure(readFileSync(join(FIXTURES, 'payers.csv')), strict, 'RELEASE_GATE');
    assert.deepEqual(error.location, { line: 2, column: 'PHONE' });
  });
});
