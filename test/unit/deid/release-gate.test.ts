import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { makeProfile, runDeid, runDeidFailure } from './deid-helpers.js';

const SHAPES: { label: string; cell: string }[] = [
  { label: 'an SSN', cell: 'id 123-45-6789' },
  { label: 'an e-mail address', cell: 'jo@example.org' },
  { label: 'a phone number', cell: '(617) 555-0134' },
  { label: 'a phone number with country code', cell: '1-877-267-2323' },
];

describe('release gate', () => {
  for (const shape of SHAPES) {
    it(`refuses a kept cell with the shape of ${shape.label}, naming column and line`, async () => {
      const profile = makeProfile({ columns: { id: 'keep', comment: 'keep' } });
      const error = await runDeidFailure(`id,comment\n1,fine\n2,"${shape.cell}"\n`, profile, 'RELEASE_GATE');
      assert.deepEqual(error.location, { line: 3, column: 'comment' });
      assert.ok(!error.message.includes(shape.cell));
    });
  }

  it('lets a column listed under releaseGate.allow through', async () => {
    const profile = makeProfile({ releaseGate: { allow: ['phone'] }, columns: { phone: 'keep' } });
    assert.equal((await runDeid('phone\n1-877-267-2323\n', profile)).text, 'phone\n1-877-267-2323\n');
  });

  it('checks non-keep columns too, such as a redaction that writes an address', async () => {
    const profile = makeProfile({ columns: { email: { action: 'redact', with: 'x@example.org' } } });
    await runDeidFailure('email\na@b.org\n', profile, 'RELEASE_GATE');
  });

  it('passes what scrub and mask leave behind', async () => {
    const profile = makeProfile({ columns: { note: 'scrub', ssn: 'mask' } });
    const run = await runDeid('note,ssn\n"mail jo@x.org or call 617-555-0134",123-45-6789\n', profile);
    assert.equal(run.text, 'note,ssn\nmail [EMAIL] or call [PHONE],*******6789\n');
  });

  it('does not mistake dates, amounts, codes or tokens for identifiers', async () => {
    const profile = makeProfile({ columns: { a: 'keep', b: 'keep', c: 'keep', d: 'keep' } });
    const row = '2023-01-27T16:17:47Z,59932.56,428211000124100,42.36877442769006';
    assert.equal((await runDeid(`a,b,c,d\n${row}\n`, profile)).text, `a,b,c,d\n${row}\n`);
  });
});
