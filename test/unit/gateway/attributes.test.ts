import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { longName, toAttributes } from '../../../gateway/sftp/attributes.js';

const NOW_MS = Date.UTC(2026, 2, 14, 12, 0);

describe('listing attributes', () => {
  const table: [string, Parameters<typeof longName>, string][] = [
    [
      'a recent inbox file',
      ['a.csv', { isDirectory: false, size: 1234, atimeMs: NOW_MS, mtimeMs: Date.UTC(2026, 2, 14, 9, 26) }, 'read-write', 'acme', NOW_MS],
      '-rw-r----- 1 acme acme         1234 Mar 14 09:26 a.csv',
    ],
    [
      'an old outbox result',
      ['r.csv', { isDirectory: false, size: 0, atimeMs: 0, mtimeMs: Date.UTC(2024, 0, 5) }, 'read-only', 'acme', NOW_MS],
      '-r--r----- 1 acme acme            0 Jan  5  2024 r.csv',
    ],
    [
      'the inbox folder',
      ['inbox', { isDirectory: true, size: 4096, atimeMs: 0, mtimeMs: Date.UTC(2026, 1, 1, 8, 5) }, 'read-write', 'acme', NOW_MS],
      'drwxr-x--- 1 acme acme         4096 Feb  1 08:05 inbox',
    ],
  ];
  for (const [what, args, expected] of table) {
    it(`writes an ls -l line for ${what}`, () => {
      assert.equal(longName(...args), expected);
      assert.match(longName(...args), /^[d-][rwx-]{9} 1 acme acme +\d+ [A-Z][a-z]{2} [ \d]\d ( \d{4}|\d\d:\d\d) \S+$/);
    });
  }

  it('reports folder and file types and whole-second times', () => {
    const folder = toAttributes({ isDirectory: true, size: 0, atimeMs: 1500.9, mtimeMs: 2999 }, 'read-only');
    const file = toAttributes({ isDirectory: false, size: 7, atimeMs: 0, mtimeMs: 0 }, 'read-write');
    assert.equal(folder.mode & 0o170000, 0o040000);
    assert.equal(file.mode & 0o170000, 0o100000);
    assert.deepEqual([folder.atime, folder.mtime], [1, 2]);
  });
});
