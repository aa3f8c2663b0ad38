import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isAirlockError } from '../../../core/errors.js';
import { placeOf, resolveClientPath } from '../../../gateway/client-path.js';
import { checkAccess, type Operation } from '../../../gateway/permissions.js';

type Expected = 'allow' | 'DENIED' | 'NOT_FOUND';

/** The folder permission table of the product contract, one row per path and operation. */
const TABLE: [string, Operation, Expected][] = [
  ['/', 'list', 'allow'],
  ['/', 'stat', 'allow'],
  ['/', 'write', 'DENIED'],
  ['/', 'mkdir', 'DENIED'],
  ['/', 'remove', 'DENIED'],
  ['/', 'rename', 'DENIED'],
  ['/', 'setTimes', 'DENIED'],
  ['/newfile', 'write', 'DENIED'],
  ['/newfolder', 'mkdir', 'DENIED'],
  ['/elsewhere', 'stat', 'NOT_FOUND'],
  ['/elsewhere', 'list', 'NOT_FOUND'],
  ['/elsewhere', 'read', 'NOT_FOUND'],
  ['/elsewhere', 'remove', 'NOT_FOUND'],
  ['/inbox', 'list', 'allow'],
  ['/inbox', 'stat', 'allow'],
  ['/inbox', 'rmdir', 'DENIED'],
  ['/inbox', 'rename', 'DENIED'],
  ['/inbox', 'remove', 'DENIED'],
  ['/inbox', 'write', 'DENIED'],
  ['/outbox', 'list', 'allow'],
  ['/outbox', 'rmdir', 'DENIED'],
  ['/outbox', 'rename', 'DENIED'],
  ['/inbox/a.csv', 'write', 'allow'],
  ['/inbox/a.csv', 'read', 'allow'],
  ['/inbox/a.csv', 'list', 'allow'],
  ['/inbox/a.csv', 'stat', 'allow'],
  ['/inbox/a.csv', 'setTimes', 'allow'],
  ['/inbox/a.csv', 'rename', 'allow'],
  ['/inbox/a.csv', 'remove', 'allow'],
  ['/inbox/sub', 'mkdir', 'allow'],
  ['/inbox/sub', 'rmdir', 'allow'],
  ['/outbox/r.csv', 'read', 'allow'],
  ['/outbox/r.csv', 'list', 'allow'],
  ['/outbox/r.csv', 'stat', 'allow'],
  ['/outbox/r.csv', 'remove', 'allow'],
  ['/outbox/r.csv', 'write', 'DENIED'],
  ['/outbox/r.csv', 'setTimes', 'DENIED'],
  ['/outbox/r.csv', 'rename', 'DENIED'],
  ['/outbox/sub', 'mkdir', 'DENIED'],
  ['/outbox/sub', 'rmdir', 'DENIED'],
];

describe('permission table', () => {
  for (const [path, operation, expected] of TABLE) {
    it(`${expected === 'allow' ? 'allows' : `answers ${expected} to`} ${operation} on ${path}`, () => {
      const place = placeOf(resolveClientPath(path));
      if (expected === 'allow') {
        assert.doesNotThrow(() => checkAccess(operation, place));
      } else {
        assert.throws(() => checkAccess(operation, place), (error) => isAirlockError(error, expected));
      }
    });
  }
});
