import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { DeidStats } from '../../../core/deid/deidentify.js';
import { AirlockError } from '../../../core/errors.js';
import { errorReport, profileHash, successReport } from '../../../processor/report.js';
import { makeProfile } from '../deid/deid-helpers.js';

const profile = makeProfile({ columns: { id: 'token', name: 'drop', zip: 'zip3', ssn: 'drop' } }, 'claims');
const stats: DeidStats = {
  rowsRead: 3, rowsWritten: 2, rowsRejected: 1, rejectedLines: [3],
  columns: [{ name: 'id', action: 'token' }, { name: 'name', action: 'drop' }, { name: 'zip', action: 'zip3' }],
  delimiter: ',', encoding: 'utf-8',
};
const timing = { startedAt: new Date('2026-12-04T10:00:00Z'), finishedAt: new Date('2026-12-04T10:00:02.500Z') };

describe('job reports', () => {
  const report = JSON.parse(successReport({
    jobId: 'job-1', clientId: 'acme', inputName: 'claims.csv', resultName: 'claims.deid.csv', profile,
    input: { bytes: 100, sha256: 'a'.repeat(64) }, output: { bytes: 80, sha256: 'b'.repeat(64) }, stats, timing,
  }).toString('utf8'));

  it('hold counts, rejected line numbers, each column\'s action, hashes and timing', () => {
    assert.deepEqual(report.rows, { read: 3, written: 2, rejected: 1, rejectedLines: [3] });
    assert.deepEqual(report.columns, stats.columns);
    assert.deepEqual([report.input.sha256, report.output.sha256], ['a'.repeat(64), 'b'.repeat(64)]);
    assert.deepEqual([report.startedAt, report.finishedAt, report.durationMs], ['2026-12-04T10:00:00.000Z', '2026-12-04T10:00:02.500Z', 2500]);
    assert.equal(report.software.name, 'airlock');
  });

  it('name the profile columns that the file did not have', () => {
    assert.deepEqual(report.profile.columnsNotInFile, ['ssn']);
  });

  it('hash a profile the same whatever its key order', () => {
    const reordered = makeProfile({ columns: { ssn: 'drop', zip: 'zip3', name: 'drop', id: 'token' } }, 'claims');
    assert.equal(profileHash(reordered), report.profile.sha256);
    assert.notEqual(profileHash(makeProfile({ columns: { id: 'keep' } }, 'claims')), report.profile.sha256);
  });

  it("give an error's code, line and column, never more", () => {
    const error = new AirlockError('RAGGED_ROW', 'a row has 4 fields where the header has 3', { line: 7, column: 'zip' });
    const failure = JSON.parse(errorReport({ jobId: 'job-2', clientId: 'acme', inputName: 'claims.csv', error, timing }).toString('utf8'));
    assert.deepEqual(failure.error, { code: 'RAGGED_ROW', message: 'a row has 4 fields where the header has 3', line: 7, column: 'zip' });
  });
});
