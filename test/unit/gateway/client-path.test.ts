import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isAirlockError } from '../../../core/errors.js';
import { MAX_NAME_BYTES, MAX_PATH_BYTES, placeOf, relativeText, resolveClientPath } from '../../../gateway/client-path.js';

describe('resolveClientPath', () => {
  const resolved: [string, string][] = [
    ['', '/'],
    ['.', '/'],
    ['/', '/'],
    ['//', '/'],
    ['inbox', '/inbox'],
    ['/inbox', '/inbox'],
    ['inbox/', '/inbox'],
    ['inbox//a.csv', '/inbox/a.csv'],
    ['./inbox/./a.csv', '/inbox/a.csv'],
    ['inbox/sub/../a.csv', '/inbox/a.csv'],
    ['..', '/'],
    ['../..', '/'],
    ['/../../etc/passwd', '/etc/passwd'],
    ['inbox/../../../outbox/r.csv', '/outbox/r.csv'],
    ['inbox/../..', '/'],
    ['inbox/a b.csv', '/inbox/a b.csv'],
    ['inbox/..a', '/inbox/..a'],
    ['inbox/...', '/inbox/...'],
    ['inbox/données.csv', '/inbox/données.csv'],
    ['inbox/%2e%2e/x', '/inbox/%2e%2e/x'],
  ];
  for (const [requested, expected] of resolved) {
    it(`resolves ${JSON.stringify(requested)} to ${expected}`, () => {
      assert.equal(resolveClientPath(requested).text, expected);
    });
  }

  const refused: [string, string][] = [
    ['a backslash', 'inbox\\..\\..\\etc'],
    ['a NUL byte', 'inbox/a\0.csv'],
    ['a newline', 'inbox/a\n.csv'],
    ['a carriage return', 'inbox/a\r.csv'],
    ['an escape character', 'inbox/\u001b[31m.csv'],
    ['a DEL character', 'inbox/a\u007f'],
    ['a name over the limit', `inbox/${'n'.repeat(MAX_NAME_BYTES + 1)}`],
    ['a multi-byte name over the limit', `inbox/${'é'.repeat(MAX_NAME_BYTES / 2 + 1)}`],
    ['a path over the limit', `inbox/${'a/'.repeat(MAX_PATH_BYTES / 2 + 1)}`],
  ];
  for (const [what, requested] of refused) {
    it(`refuses a path with ${what} as DENIED`, () => {
      assert.throws(() => resolveClientPath(requested), (error) => isAirlockError(error, 'DENIED'));
    });
  }

  it('accepts a name of exactly the limit', () => {
    const name = 'n'.repeat(MAX_NAME_BYTES);
    assert.equal(resolveClientPath(`inbox/${name}`).text, `/inbox/${name}`);
  });
});

describe('placeOf', () => {
  const places: [string, unknown][] = [
    ['/', { kind: 'root' }],
    ['/inbox', { kind: 'folder', folder: 'inbox' }],
    ['/outbox', { kind: 'folder', folder: 'outbox' }],
    ['/inbox/a.csv', { kind: 'inside', folder: 'inbox', rest: 'a.csv' }],
    ['/inbox/sub/a.csv', { kind: 'inside', folder: 'inbox', rest: 'sub/a.csv' }],
    ['/outbox/r.csv', { kind: 'inside', folder: 'outbox', rest: 'r.csv' }],
    ['/etc', { kind: 'unknown' }],
    ['/Inbox', { kind: 'unknown' }],
    ['/.airlock/claims', { kind: 'unknown' }],
  ];
  for (const [path, expected] of places) {
    it(`places ${path} as ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(placeOf(resolveClientPath(path)), expected);
    });
  }

  it('gives client-relative text for logs and events', () => {
    assert.equal(relativeText(resolveClientPath('/inbox/a.csv')), 'inbox/a.csv');
    assert.equal(relativeText(resolveClientPath('/')), '/');
  });
});
