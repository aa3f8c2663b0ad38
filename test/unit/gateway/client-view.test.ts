import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isAirlockError } from '../../../core/errors.js';
import type { StorageBackend } from '../../../core/storage/backend.js';
import { resolveClientPath } from '../../../gateway/client-path.js';
import { ClientView, MAX_INBOX_NAME_BYTES } from '../../../gateway/client-view.js';

// check() consults no storage; a view over nothing is enough for the name rules.
const view = new ClientView('acme', {} as StorageBackend);
const longest = 'n'.repeat(MAX_INBOX_NAME_BYTES - 4) + '.csv';
const tooLong = 'n'.repeat(MAX_INBOX_NAME_BYTES - 3) + '.csv';

describe('names made in the inbox', () => {
  it('leave room for the result report name within 255 bytes', () => {
    assert.equal(MAX_INBOX_NAME_BYTES + '.deid'.length + '.report.json'.length, 255);
  });

  const cases: [string, 'write' | 'rename' | 'mkdir' | 'read' | 'remove', string, boolean][] = [
    ['an upload of the longest name', 'write', `/inbox/${longest}`, true],
    ['an upload one byte longer', 'write', `/inbox/${tooLong}`, false],
    ['a rename to a name one byte longer', 'rename', `/inbox/${tooLong}`, false],
    ['a folder one byte longer', 'mkdir', `/inbox/${tooLong}`, false],
    ['a multi-byte name over the limit in bytes', 'write', `/inbox/${'é'.repeat(120)}`, false],
    ['a read of a long name', 'read', `/inbox/${tooLong}`, true],
    ['a delete of a long name', 'remove', `/inbox/${tooLong}`, true],
  ];
  for (const [title, operation, path, isAllowed] of cases) {
    it(`${isAllowed ? 'allows' : 'refuses with DENIED'} ${title}`, () => {
      const attempt = (): unknown => view.check(operation, resolveClientPath(path));
      if (isAllowed) assert.doesNotThrow(attempt);
      else assert.throws(attempt, (error: unknown) => isAirlockError(error, 'DENIED'));
    });
  }
});
