import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { readDate, shiftDate } from '../../../core/deid/dates.js';
import { makeProfile, runDeid, runDeidFailure } from './deid-helpers.js';

const FORMS: { text: string; expected: [number, number, number] | undefined }[] = [
  { text: '2014-10-06', expected: [2014, 10, 6] },
  { text: ' 2014-10-06 ', expected: [2014, 10, 6] },
  { text: '10/06/2014', expected: [2014, 10, 6] },
  { text: '1/2/2014', expected: [2014, 1, 2] },
  { text: '20141006', expected: [2014, 10, 6] },
  { text: '2023-01-27T16:17:47Z', expected: [2023, 1, 27] },
  { text: '2023-01-27T16:17:47.123+01:00', expected: [2023, 1, 27] },
  { text: '2023-01-27 16:17', expected: [2023, 1, 27] },
  { text: '2024-02-29', expected: [2024, 2, 29] },
  { text: '2023-02-29', expected: undefined },
  { text: '2014-13-01', expected: undefined },
  { text: '13/01/2014', expected: undefined },
  { text: '0099-01-01', expected: undefined },
  { text: '2014/10/06', expected: undefined },
  { text: 'Oct 6 2014', expected: undefined },
  { text: '2014-10-06garbage', expected: undefined },
];

describe('date forms', () => {
  for (const form of FORMS) {
    it(`reads "${form.text}" as ${JSON.stringify(form.expected)}`, () => {
      const date = readDate(form.text);
      assert.deepEqual(date === undefined ? undefined : [date.year, date.month, date.day], form.expected);
    });
  }

  it('writes a shifted date back in its own form, across a year end', () => {
    assert.equal(shiftDate(readDate('2020-12-30')!, 3), '2021-01-02');
    assert.equal(shiftDate(readDate('12/30/2020')!, 3), '01/02/2021');
    assert.equal(shiftDate(readDate('20201230')!, -365), '20191231');
    assert.equal(shiftDate(readDate('2020-12-30T23:59:59Z')!, 3), '2021-01-02T23:59:59Z');
  });
});

describe('unreadable values', () => {
  const input = 'id,seen\n1,2020-01-02\n2,someday\n';

  it('fail the job with line and column under badValues: error', async () => {
    const error = await runDeidFailure(input, makeProfile({ columns: { id: 'keep', seen: 'year' } }), 'BAD_VALUE');
    assert.deepEqual(error.location, { line: 3, column: 'seen' });
    assert.ok(!error.message.includes('someday'));
  });

  it('become blank under badValues: blank, never passed through', async () => {
    const run = await runDeid(input, makeProfile({ badValues: 'blank', columns: { id: 'keep', seen: 'year' } }));
    assert.equal(run.text, 'id,seen\n1,2020\n2,\n');
  });
});
