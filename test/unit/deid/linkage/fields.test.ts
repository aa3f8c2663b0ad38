import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { prepareBirthDate } from '../../../../core/deid/linkage/birth-date.js';
import { normalizeFirstName, prepareFirstName } from '../../../../core/deid/linkage/first-name.js';
import { isJavaBlank, javaEqualsIgnoreCase, javaTrim } from '../../../../core/deid/linkage/java-text.js';
import { normalizeLastName, prepareLastName } from '../../../../core/deid/linkage/last-name.js';
import { preparePostalCode } from '../../../../core/deid/linkage/postal-code.js';
import { prepareSex } from '../../../../core/deid/linkage/sex.js';
import { normalizeSsn, prepareSsn } from '../../../../core/deid/linkage/ssn.js';

type Row = readonly [input: string, expected: string | undefined];

function table(name: string, prepare: (raw: string) => string | undefined, rows: readonly Row[]): void {
  describe(name, () => {
    for (const [input, want] of rows) {
      const title = want === undefined ? `rejects ${JSON.stringify(input)}` : `turns ${JSON.stringify(input)} into ${want}`;
      it(title, () => assert.equal(prepare(input), want));
    }
  });
}

table('first name', prepareFirstName, [
  ['John', 'John'],
  ['  John  ', 'John'],
  ['Dr. Kevin III', 'Kevin'],
  ['Mr Marcus', 'Marcus'],
  ['Mrs. Jane', 'Jane'],
  ['Sister Joanna', 'Joanna'],
  ['Bobby Jr', 'Bobby'],
  ['Jennifer A', 'Jennifer'],
  ['Jennifer A.', 'Jennifer'],
  ['Mary-Jo', 'MaryJo'],
  ["D'Angelo", 'DAngelo'],
  ['Zoë', 'Zoe'],
  ['Søren', 'Soren'],
  ['Æsa', 'AEsa'],
  ['Dr', 'Dr'],
  ['Ivy', 'Ivy'],
  ['Unknown', undefined],
  ['UNKNOWN', undefined],
  ['N/A', undefined],
  ['<masked>', undefined],
  ['Test', undefined],
  ['Dr. Test', undefined],
  ['Patient Not Found', undefined],
  ['', undefined],
  ['   ', undefined],
  ['123', undefined],
]);

describe('first name normalisation', () => {
  it('keeps a title that is the whole name', () => assert.equal(normalizeFirstName('Doctor'), 'Doctor'));
  it('removes a title only when white space follows it', () => assert.equal(normalizeFirstName('Drew'), 'Drew'));
});

table('last name', prepareLastName, [
  ['Doe', 'Doe'],
  ['Knight IV', 'Knight'],
  ['Smith Jr.', 'Smith'],
  ['Smith Jr III', 'Smith'],
  ['King 3rd', 'King'],
  ["O'Brien-Smith", 'OBrienSmith'],
  ['Müller', 'Muller'],
  ['Łukasz', 'Lukasz'],
  ['Li', 'Li'],
  ['Oh', 'Oh'],
  ['Au', 'Au'],
  ['Ng', 'Ng'],
  ['NG', 'NG'],
  ['Xu', 'Xu'],
  ['Sj', undefined],
  ['X', undefined],
  ['O\'', undefined],
  ['Unknown', undefined],
  ['Not Available', undefined],
  ['Test16', undefined],
  ['', undefined],
]);

describe('last name normalisation', () => {
  it('keeps a suffix that is the whole name', () => assert.equal(normalizeLastName('Junior'), 'Junior'));
});

table('sex', prepareSex, [
  ['Male', 'Male'],
  ['male', 'Male'],
  ['M', 'Male'],
  ['m', 'Male'],
  ['Female', 'Female'],
  ['female', 'Female'],
  ['F', 'Female'],
  ['f', 'Female'],
  ['MALE', undefined],
  ['FEMALE', undefined],
  [' M', undefined],
  ['Man', undefined],
  ['U', undefined],
  ['', undefined],
]);

const TODAY = '2026-12-15';
table('birth date', (raw) => prepareBirthDate(raw, TODAY), [
  ['2000-01-01', '2000-01-01'],
  ['2000/01/31', '2000-01-31'],
  ['01/31/2000', '2000-01-31'],
  ['01-31-2000', '2000-01-31'],
  ['31.01.2000', '2000-01-31'],
  ['2000-01-31T23:30:00Z', '2000-01-31'],
  ['2000-01-31T23:30:00.123-05:00', '2000-01-31'],
  ['1910-01-01', '1910-01-01'],
  ['2026-12-15', '2026-12-15'],
  ['2026-12-16', undefined],
  ['2050-09-22', undefined],
  ['1909-12-31', undefined],
  ['2001-02-29', undefined],
  ['2000-02-29', '2000-02-29'],
  ['2000-13-01', undefined],
  ['2000-01/31', undefined],
  ['31.01-2000', undefined],
  ['2000-01-31T23:30:00', undefined],
  ['2000-01-31T24:00:00Z', undefined],
  [' 2000-01-01', undefined],
  ['2000-1-1', undefined],
  ['Jan 1 2000', undefined],
  ['', undefined],
]);

table('postal code', preparePostalCode, [
  ['98052', '98052'],
  [' 98052 ', '98052'],
  ['75740-2343', '75740'],
  ['757402343', '75740'],
  ['980', '98000'],
  ['1563', '15630'],
  ['00792', '00792'],
  ['12345', undefined],
  ['12345-6789', undefined],
  ['99999', undefined],
  ['00012', undefined],
  ['555', undefined],
  ['88801', undefined],
  ['9805', '98050'],
  ['98', undefined],
  ['980521', undefined],
  ['K1B 2', 'K1B 2A0'],
  ['M5V 3L', 'M5V 3L0'],
  ['H3Z', 'H3Z 000'],
  ['t2x1v4', 'T2X 1V4'],
  ['T2X 1V4', 'T2X 1V4'],
  ['K1A 0A6', undefined],
  ['k1a0a6', undefined],
  ['H0H 0H0', undefined],
  ['K1A', undefined],
  ['K1A 2', undefined],
  ['M7A 1A', undefined],
  ['K1A 2B3', 'K1A 2B3'],
  ['A1A', 'A1A 000'],
  ['A1A 1A1', undefined],
  ['ABC', undefined],
  ['', undefined],
]);

table('social security number', prepareSsn, [
  ['172-10-0983', '172100983'],
  ['172100983', '172100983'],
  ['172 10 0983', '172100983'],
  [' 172-10-0983 ', '172100983'],
  ['172100983.0', '172100983'],
  ['1234568', '001234568'],
  ['72100983', '072100983'],
  ['123-45-6789', undefined],
  ['111-11-1111', undefined],
  ['001-23-4567', undefined],
  ['000-12-3456', undefined],
  ['666-12-3456', undefined],
  ['912-34-5678', undefined],
  ['172-00-0983', undefined],
  ['172-10-0000', undefined],
  ['765-72-14198', undefined],
  ['123456', undefined],
  ['17210098X', undefined],
  ['', undefined],
]);

describe('social security number normalisation', () => {
  it('returns a value of the wrong length unchanged', () => assert.equal(normalizeSsn('12-34'), '12-34'));
  it('formats nine digits with dashes', () => assert.equal(normalizeSsn('738389875'), '738-38-9875'));
});

describe('Java string semantics', () => {
  it('trims only code units up to U+0020, as String.trim does', () => {
    assert.equal(javaTrim('\u00a0x\t'), '\u00a0x');
  });
  it('treats no-break space as not blank, as String.isBlank does', () => {
    assert.equal(isJavaBlank('\u00a0'), false);
    assert.equal(isJavaBlank(' \t\u2003'), true);
  });
  it('compares ignoring case as String.equalsIgnoreCase does', () => {
    assert.equal(javaEqualsIgnoreCase('NONE', 'none'), true);
    assert.equal(javaEqualsIgnoreCase('ſample', 'Sample'), true);
    assert.equal(javaEqualsIgnoreCase('None', 'Nonе'), false);
  });
});
