import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';

import { parse } from 'csv-parse/sync';

import type { LinkageSpec } from '../../../../core/deid/linkage/index.js';
import { REPO_ROOT } from '../../../support/repo-root.js';

/** The published OpenToken vectors, copied unchanged into test/fixtures/opentoken/. */

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'opentoken') + sep;

export const HASHING_SECRET = 'HashingKey';
export const ENCRYPTION_KEY = 'Secret-Encryption-Key-Goes-Here.';
/** A day in December 2026 reproduces the vectors' birth-date checks. */
export const TODAY = new Date('2026-12-15T12:00:00Z');
/** What upstream writes for a rule it cannot build; Airlock writes an empty cell instead. */
export const UPSTREAM_BLANK = '0'.repeat(64);

export const SAMPLE_SPEC: LinkageSpec = {
  scheme: 'opentoken',
  secretFile: 'unused',
  fields: {
    firstName: 'FirstName', lastName: 'LastName', birthDate: 'BirthDate',
    sex: 'Sex', postalCode: 'PostalCode', ssn: 'SocialSecurityNumber',
  },
  output: ['T1', 'T2', 'T3', 'T4', 'T5'],
};

export function readFixtureRows(name: string): Record<string, string>[] {
  return parse(readFileSync(`${FIXTURES}${name}`), { columns: true }) as Record<string, string>[];
}

export function readFixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8')) as Record<string, unknown>;
}

/** `RuleId,Token,RecordId` rows keyed by "RecordId/RuleId". */
export function tokensByRecordAndRule(name: string): Map<string, string> {
  const tokens = new Map<string, string>();
  for (const row of readFixtureRows(name)) tokens.set(`${row['RecordId']}/${row['RuleId']}`, row['Token'] as string);
  return tokens;
}
