import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { RULE_IDS, createLinkage } from '../../../../core/deid/linkage/index.js';
import {
  HASHING_SECRET, SAMPLE_SPEC, TODAY, UPSTREAM_BLANK, readFixtureJson, readFixtureRows, tokensByRecordAndRule,
} from './opentoken-fixtures.js';

const people = readFixtureRows('sample.csv');
const expected = tokensByRecordAndRule('hashed-output.csv');
const linkage = createLinkage(SAMPLE_SPEC, { hashingSecret: HASHING_SECRET }, TODAY);

function tokensOf(person: Record<string, string>): string[] {
  return linkage.tokensFor((column) => person[column] ?? '');
}

describe('OpenToken vectors (sample.csv against hashed-output.csv)', () => {
  it('covers 105 people and 525 expected tokens', () => {
    assert.equal(people.length, 105);
    assert.equal(expected.size, 525);
  });

  it('reproduces every one of the 525 tokens, empty exactly where upstream writes zeros', () => {
    let matched = 0;
    const mismatches: string[] = [];
    for (const person of people) {
      tokensOf(person).forEach((token, index) => {
        const key = `${person['RecordId']}/${RULE_IDS[index]}`;
        const want = expected.get(key);
        const isMatch = want === UPSTREAM_BLANK ? token === '' : token === want;
        if (isMatch) matched += 1;
        else mismatches.push(key);
      });
    }

    assert.deepEqual(mismatches, []);
    assert.equal(matched, 525);
  });

  it('leaves as many cells empty per rule as upstream counted blank tokens', () => {
    const blanks = new Map<string, number>(RULE_IDS.map((rule) => [rule, 0]));
    for (const person of people) {
      tokensOf(person).forEach((token, index) => {
        const rule = RULE_IDS[index] as string;
        if (token === '') blanks.set(rule, (blanks.get(rule) ?? 0) + 1);
      });
    }

    const metadata = readFixtureJson('output-opentoken-1.12.5.metadata.json');
    assert.deepEqual(Object.fromEntries(blanks), metadata['BlankTokensByRule']);
  });

  it('names its output and input columns from the profile', () => {
    assert.deepEqual(linkage.outputColumns, ['T1', 'T2', 'T3', 'T4', 'T5']);
    assert.deepEqual(
      [...linkage.inputColumns].sort(),
      ['BirthDate', 'FirstName', 'LastName', 'PostalCode', 'Sex', 'SocialSecurityNumber'],
    );
  });
});
