import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { parse } from 'csv-parse/sync';

import { TEST_LINKAGE_SECRET, TEST_PASSWORD, TEST_TOKEN_KEY_HEX } from '../support/test-secrets.js';

// Runs after the whole suite (scripts/run-tests.js), over every log line the suite's Airlock
// processes and gateways wrote.
const logDir = process.env.AIRLOCK_TEST_LOG_DIR;

function suiteLogLines(): string[] {
  assert.ok(logDir, 'AIRLOCK_TEST_LOG_DIR is set by scripts/run-tests.js');
  return readdirSync(logDir).flatMap((file) => readFileSync(join(logDir, file), 'utf8').split('\n')).filter((line) => line !== '');
}

/** The identifying cells of the Synthea fixture the suite uploads: names, SSNs, addresses, ids. */
function fixtureIdentifiers(): string[] {
  const rows = parse(readFileSync('test/fixtures/synthea/patients.csv'), { columns: true }) as Record<string, string>[];
  const columns = ['Id', 'SSN', 'DRIVERS', 'PASSPORT', 'FIRST', 'LAST', 'MAIDEN', 'ADDRESS'];
  return rows.flatMap((row) => columns.map((column) => row[column] ?? '')).filter((value) => value.length >= 5);
}

describe('the logs of the whole test suite', () => {
  const lines = suiteLogLines();

  it('were written (the audit has something to read)', () => {
    assert.ok(lines.length >= 50, `only ${lines.length} log lines were collected`);
  });

  for (const [name, secret] of [
    ['the token key', TEST_TOKEN_KEY_HEX],
    ['a client password', TEST_PASSWORD],
    ['the linkage secret', TEST_LINKAGE_SECRET],
  ] as const) {
    it(`never hold ${name}`, () => {
      assert.equal(lines.filter((line) => line.includes(secret)).length, 0);
    });
  }

  it('never hold a name, SSN, address or id from the uploaded patients', () => {
    const identifiers = fixtureIdentifiers();
    assert.ok(identifiers.length > 100);
    const leaks = identifiers.filter((value) => lines.some((line) => line.includes(value)));
    assert.deepEqual(leaks.map((value) => `${value.length} characters`), []);
  });
});
