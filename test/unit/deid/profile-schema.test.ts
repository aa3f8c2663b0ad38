import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { profileSchema } from '../../../core/deid/profile-schema.js';
import { makeProfile, runDeid } from './deid-helpers.js';

function problemsOf(input: unknown): string[] {
  const result = profileSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('profile schema', () => {
  it('reads an action as a bare name or as an object with options', () => {
    const profile = makeProfile({ columns: { zip: 'zip3', phone: { action: 'mask', keep: 4 } } });
    assert.deepEqual(profile.columns.zip, { action: 'zip3' });
    assert.deepEqual(profile.columns.phone, { action: 'mask', keep: 4, char: '*' });
    assert.equal(profile.unknownColumns, 'reject');
    assert.equal(profile.badRows, 'fail');
    assert.equal(profile.badValues, 'error');
  });

  const MISTAKES: { label: string; input: unknown; path: string }[] = [
    { label: 'an unknown action', input: { columns: { a: 'hash' } }, path: 'columns.a' },
    { label: 'an unknown option', input: { columns: { a: { action: 'mask', keepp: 4 } } }, path: 'columns.a' },
    { label: 'a shift without its person column', input: { columns: { d: { action: 'shift', by: 'pid' } } }, path: 'columns.d.by' },
    { label: 'falling bucket bounds', input: { columns: { n: { action: 'bucket', bounds: [5, 1] } } }, path: 'columns.n.bounds' },
    { label: 'a type without a preset', input: { columns: { n: 'ssn' } }, path: 'columns.n' },
    { label: 'safe-harbor keeping an SSN', input: { preset: 'safe-harbor', columns: { s: { type: 'ssn', action: 'keep' } } }, path: 'columns.s' },
    { label: 'safe-harbor without a type', input: { preset: 'safe-harbor', columns: { s: 'keep' } }, path: 'columns.s' },
    { label: 'an unknown profile key', input: { columns: {}, unknownColumn: 'drop' }, path: '' },
    { label: 'a release gate allowance for no column', input: { releaseGate: { allow: ['x'] }, columns: {} }, path: 'releaseGate.allow' },
  ];
  for (const mistake of MISTAKES) {
    it(`refuses ${mistake.label}, naming the key`, () => {
      const problems = problemsOf(mistake.input);
      assert.ok(problems.some((problem) => problem.startsWith(`${mistake.path}:`)), problems.join('; '));
    });
  }

  it('lets safe-harbor choose each action from the column type', () => {
    const profile = makeProfile({
      preset: 'safe-harbor',
      columns: { SSN: 'ssn', BIRTHDATE: 'birthDate', ZIP: 'zip', AGE: 'age', NOTE: 'freeText', CODE: 'none', ID: { type: 'mrn', action: 'token' } },
    });
    assert.deepEqual(
      Object.fromEntries(Object.entries(profile.columns).map(([name, action]) => [name, action.action])),
      { SSN: 'drop', BIRTHDATE: 'year', ZIP: 'zip3', AGE: 'topcode', NOTE: 'scrub', CODE: 'keep', ID: 'token' },
    );
  });

  it('aggregates birth years that reveal an age over 89 under safe-harbor', async () => {
    const profile = makeProfile({
      preset: 'safe-harbor', referenceDate: '2025-01-01', columns: { BIRTHDATE: 'birthDate', AGE: 'age', NAME: 'name' },
    });
    const run = await runDeid('NAME,BIRTHDATE,AGE\nAnn,1920-03-04,104\nBo,1990-03-04,34\n', profile);
    assert.equal(run.text, 'BIRTHDATE,AGE\n1935,90\n1990,34\n');
    assert.deepEqual(run.stats.columns, [
      { name: 'NAME', action: 'drop', identifierClass: 'names' },
      { name: 'BIRTHDATE', action: 'year', identifierClass: 'dates' },
      { name: 'AGE', action: 'topcode', identifierClass: 'dates' },
    ]);
  });
});
