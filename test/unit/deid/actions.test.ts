import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ColumnAction } from '../../../core/deid/action-schema.js';
import { createAction } from '../../../core/deid/actions/index.js';
import { shiftDays } from '../../../core/deid/actions/shift.js';
import { readDate } from '../../../core/deid/dates.js';
import { columnSpecSchema } from '../../../core/deid/action-schema.js';
import { expectedToken, makeProfile, runDeid, TEST_KEY } from './deid-helpers.js';

const REFERENCE = readDate('2025-06-30')!;

/** Applies one action to one cell, the way the engine does for a non-empty cell. */
function apply(spec: unknown, value: string, row: string[] = [value]): string | undefined {
  const action = columnSpecSchema.parse(spec) as ColumnAction;
  const transform = createAction(action, { tokenKey: TEST_KEY, referenceDate: REFERENCE, columnIndex: () => 0 });
  return transform(value, row);
}

interface Row {
  spec: unknown;
  value: string;
  expected: string | undefined;
}

const TABLE: Record<string, Row[]> = {
  keep: [{ spec: 'keep', value: 'anything at all', expected: 'anything at all' }],
  token: [
    { spec: 'token', value: '999-17-5017', expected: expectedToken('999-17-5017') },
    { spec: 'token', value: '  padded  ', expected: expectedToken('padded') },
    { spec: 'token', value: 'Zoë', expected: expectedToken('Zoë') },
    { spec: 'token', value: '   ', expected: '' },
  ],
  redact: [
    { spec: 'redact', value: 'Jane', expected: 'REDACTED' },
    { spec: { action: 'redact', with: 'X' }, value: 'Jane', expected: 'X' },
  ],
  mask: [
    { spec: 'mask', value: '5082225200', expected: '******5200' },
    { spec: { action: 'mask', keep: 2, char: '#' }, value: 'abcdef', expected: '####ef' },
    { spec: { action: 'mask', keep: 4 }, value: 'abc', expected: '***' },
    { spec: { action: 'mask', keep: 0 }, value: 'ab', expected: '**' },
  ],
  year: [
    { spec: 'year', value: '2014-10-06', expected: '2014' },
    { spec: 'year', value: '10/06/2014', expected: '2014' },
    { spec: 'year', value: '20141006', expected: '2014' },
    { spec: 'year', value: '2023-01-27T16:17:47Z', expected: '2023' },
    { spec: 'year', value: 'not a date', expected: undefined },
    { spec: 'year', value: '2014-02-30', expected: undefined },
    { spec: 'year', value: '1930-01-01', expected: '1930' },
    { spec: { action: 'year', capAge: true }, value: '1930-01-01', expected: '1935' },
    { spec: { action: 'year', capAge: true }, value: '1935-06-30', expected: '1935' },
    { spec: { action: 'year', capAge: true }, value: '1935-07-01', expected: '1935' },
    { spec: { action: 'year', capAge: true }, value: '1936-01-01', expected: '1936' },
  ],
  month: [
    { spec: 'month', value: '2014-10-06', expected: '2014-10' },
    { spec: 'month', value: '3/7/2001', expected: '2001-03' },
    { spec: 'month', value: '2001-13-01', expected: undefined },
    { spec: { action: 'month', capAge: true }, value: '1901-05-05', expected: '1935' },
  ],
  zip3: [
    { spec: 'zip3', value: '02155', expected: '021' },
    { spec: 'zip3', value: '02155-1234', expected: '021' },
    { spec: 'zip3', value: '036011234', expected: '000' },
    { spec: 'zip3', value: '89301', expected: '000' },
    { spec: 'zip3', value: '2155', expected: '021' },
    { spec: 'zip3', value: '1096-9427', expected: '010' },
    { spec: 'zip3', value: '215', expected: undefined },
    { spec: 'zip3', value: '021551', expected: undefined },
    { spec: 'zip3', value: 'ABCDE', expected: undefined },
  ],
  topcode: [
    { spec: 'topcode', value: '89', expected: '89' },
    { spec: 'topcode', value: '90', expected: '90' },
    { spec: 'topcode', value: '104', expected: '90' },
    { spec: 'topcode', value: '89.5', expected: '90' },
    { spec: { action: 'topcode', limit: 79 }, value: '85', expected: '80' },
    { spec: 'topcode', value: 'eighty', expected: undefined },
  ],
  scrub: [
    { spec: 'scrub', value: 'SSN 123-45-6789 on file', expected: 'SSN [SSN] on file' },
    { spec: 'scrub', value: 'call (617) 555-0134 today', expected: 'call [PHONE] today' },
    { spec: 'scrub', value: 'fax 617.555.0199', expected: 'fax [PHONE]' },
    { spec: 'scrub', value: 'write to a.b@example.org.', expected: 'write to [EMAIL].' },
    { spec: 'scrub', value: 'see https://example.org/x?id=1 now', expected: 'see [URL] now' },
    { spec: 'scrub', value: 'from 10.0.0.12 login', expected: 'from [IP] login' },
    { spec: 'scrub', value: 'seen 2021-03-14 and 3/15/2021', expected: 'seen [DATE] and [DATE]' },
    { spec: 'scrub', value: 'seen March 14, 2021', expected: 'seen [DATE]' },
    { spec: 'scrub', value: 'MRN: A1234567 reviewed', expected: 'MRN: [ID] reviewed' },
    { spec: 'scrub', value: 'account #99812', expected: 'account #[ID]' },
    { spec: 'scrub', value: 'ref 48213377', expected: 'ref [ID]' },
    { spec: 'scrub', value: 'no identifiers here', expected: 'no identifiers here' },
    { spec: { action: 'scrub', kinds: ['email'] }, value: 'a@b.io 123-45-6789', expected: '[EMAIL] 123-45-6789' },
  ],
  bucket: [
    { spec: { action: 'bucket', bounds: [18, 65] }, value: '17', expected: '<18' },
    { spec: { action: 'bucket', bounds: [18, 65] }, value: '18', expected: '18-64' },
    { spec: { action: 'bucket', bounds: [18, 65] }, value: '65', expected: '65+' },
    { spec: { action: 'bucket', bounds: [0, 0.5] }, value: '0.2', expected: '0-<0.5' },
    { spec: { action: 'bucket', bounds: [10], labels: ['low', 'high'] }, value: '12', expected: 'high' },
    { spec: { action: 'bucket', bounds: [10] }, value: 'ten', expected: undefined },
  ],
};

describe('column actions', () => {
  for (const [name, rows] of Object.entries(TABLE)) {
    for (const row of rows) {
      it(`${name}: ${JSON.stringify(row.spec)} turns "${row.value}" into ${JSON.stringify(row.expected)}`, () => {
        assert.equal(apply(row.spec, row.value), row.expected);
      });
    }
  }

  it('shift moves every date of one person by the same offset, in the form it came in', () => {
    const days = shiftDays('person-1', TEST_KEY, 365);
    const expected = new Date(Date.UTC(2020, 0, 31) + days * 86_400_000).toISOString().slice(0, 10);
    const spec = { action: 'shift', by: 'PATIENT' };
    assert.equal(apply(spec, '2020-01-31', ['person-1']), expected);
    assert.equal(apply(spec, '2020-01-31T08:15:00Z', ['person-1']), `${expected}T08:15:00Z`);
    const [year, month, day] = expected.split('-');
    assert.equal(apply(spec, '01/31/2020', ['person-1']), `${month}/${day}/${year}`);
    assert.equal(apply(spec, '20200131', ['person-1']), `${year}${month}${day}`);
  });

  it('shift offsets come from a keyed HMAC of the person, within the range and never zero', () => {
    const offsets = new Set<number>();
    for (let person = 0; person < 200; person += 1) {
      const days = shiftDays(`p${person}`, TEST_KEY, 30);
      assert.ok(days !== 0 && Math.abs(days) <= 30);
      offsets.add(days);
    }
    assert.ok(offsets.size > 20, 'different people move differently');
    const otherKey = Buffer.alloc(32, 9);
    const isKeyed = Array.from({ length: 20 }, (_, n) => `p${n}`).some(
      (person) => shiftDays(person, TEST_KEY, 365) !== shiftDays(person, otherKey, 365),
    );
    assert.ok(isKeyed, 'another key gives other offsets');
  });

  it('shift cannot place a date without a person', () => {
    assert.equal(apply({ action: 'shift', by: 'PATIENT' }, '2020-01-31', ['  ']), undefined);
  });
});

describe('empty cells', () => {
  it('stay empty under every action', async () => {
    const columns = {
      k: 'keep', t: 'token', r: 'redact', m: 'mask', y: 'year', mo: 'month', z: 'zip3', tc: 'topcode',
      s: { action: 'shift', by: 'k' }, sc: 'scrub', b: { action: 'bucket', bounds: [1] },
    };
    const header = Object.keys(columns).join(',');
    const blanks = ','.repeat(Object.keys(columns).length - 1);
    const run = await runDeid(`${header}\n${blanks}\n`, makeProfile({ columns }));
    assert.equal(run.text, `${header}\n${blanks}\n`);
  });
});
