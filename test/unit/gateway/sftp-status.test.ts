import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AirlockError } from '../../../core/errors.js';
import { refusal } from '../../../gateway/refusal.js';
import { STATUS_CODE, statusOf } from '../../../gateway/sftp/sftp-status.js';

describe('statusOf', () => {
  const table: [string, unknown, number][] = [
    ['NOT_FOUND', new AirlockError('NOT_FOUND', 'x'), STATUS_CODE.NO_SUCH_FILE],
    ['DENIED', new AirlockError('DENIED', 'x'), STATUS_CODE.PERMISSION_DENIED],
    ['EXISTS', new AirlockError('EXISTS', 'x'), STATUS_CODE.FAILURE],
    ['NOT_EMPTY', new AirlockError('NOT_EMPTY', 'x'), STATUS_CODE.FAILURE],
    ['UNSUPPORTED', new AirlockError('UNSUPPORTED', 'x'), STATUS_CODE.OP_UNSUPPORTED],
    ['BAD_REQUEST', new AirlockError('BAD_REQUEST', 'x'), STATUS_CODE.BAD_MESSAGE],
    ['NO_SPACE', new AirlockError('NO_SPACE', 'x'), STATUS_CODE.FAILURE],
    ['INTERNAL', new AirlockError('INTERNAL', 'x'), STATUS_CODE.FAILURE],
    ['a job code', new AirlockError('CHECKSUM_MISMATCH', 'x'), STATUS_CODE.FAILURE],
    ['a plain Error', new Error('boom'), STATUS_CODE.FAILURE],
    ['a thrown string', 'boom', STATUS_CODE.FAILURE],
  ];
  for (const [what, error, expected] of table) {
    it(`maps ${what} to status ${expected}`, () => {
      assert.equal(statusOf(error).code, expected);
    });
  }

  it('never passes a storage error message (which could name a key) to the client', () => {
    const fromStorage = new AirlockError('NOT_FOUND', 'clients/acme/inbox/x.csv is missing');
    assert.doesNotMatch(statusOf(fromStorage).message, /clients\//);
    assert.doesNotMatch(statusOf(new Error('/srv/data/clients/acme')).message, /clients/);
  });

  it('passes the fixed phrase of a gateway refusal', () => {
    assert.equal(statusOf(refusal('DENIED', 'outbox is read-only')).message, 'outbox is read-only');
  });
});
