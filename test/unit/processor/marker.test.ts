import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AirlockError } from '../../../core/errors.js';
import { expectedChecksum } from '../../../processor/marker-checksum.js';
import { markerFromKey } from '../../../processor/marker.js';

const suffixes: Record<string, string> = { acme: '.done', beta: '.ready' };
const suffixFor = (clientId: string): string | undefined => suffixes[clientId];

describe('markerFromKey', () => {
  const cases: [string, string | undefined][] = [
    ['clients/acme/inbox/visits.csv.done', 'visits.csv'],
    ['clients/beta/inbox/visits.csv.ready', 'visits.csv'],
    ['clients/beta/inbox/visits.csv.done', undefined],
    ['clients/acme/inbox/visits.csv', undefined],
    ['clients/acme/inbox/.done', undefined],
    ['clients/acme/outbox/visits.csv.done', undefined],
    ['clients/acme/inbox/sub/visits.csv.done', undefined],
    ['clients/ghost/inbox/visits.csv.done', undefined],
    ['clients/acme/inbox/visits.csv.done.filepart', undefined],
    ['clients/acme/inbox/visits.csv.done.partial', undefined],
    ['clients/acme/inbox/.in.visits.csv.done', undefined],
    ['clients/acme/inbox/visits.csv.filepart.done', undefined],
    ['clients/acme/inbox/visits.csv.partial.done', undefined],
    ['clients/beta/inbox/visits.csv.filepart.ready', undefined],
    ['clients/acme/inbox/visits.filepart.csv.done', 'visits.filepart.csv'],
    ['.airlock/claims/acme/visits.csv.done', undefined],
  ];
  for (const [key, inputName] of cases) {
    it(`reads ${key} as ${inputName === undefined ? 'no marker' : `the marker of ${inputName}`}`, () => {
      const marker = markerFromKey(key, suffixFor);
      assert.equal(marker?.inputName, inputName);
      if (marker !== undefined) assert.equal(marker.inputKey, `clients/${marker.clientId}/inbox/${inputName}`);
    });
  }
});

describe('expectedChecksum', () => {
  const digest = 'ab'.repeat(32);
  const accepted: [string, string, string | undefined][] = [
    ['an empty marker', '', undefined],
    ['a marker of white space', ' \n', undefined],
    ['a bare digest', digest, digest],
    ['an upper-case digest with a newline', `${digest.toUpperCase()}\n`, digest],
    ['a sha256sum text line', `${digest}  visits.csv\n`, digest],
    ['a sha256sum binary line', `${digest} *visits.csv\n`, digest],
    ['a sha256sum line with a folder', `${digest}  /home/me/visits.csv\n`, digest],
  ];
  for (const [title, body, expected] of accepted) {
    it(`accepts ${title}`, () => assert.equal(expectedChecksum(Buffer.from(body), 'visits.csv'), expected));
  }

  const refused: [string, string | Buffer][] = [
    ['a short digest', 'abc123'],
    ['a digest for another file', `${digest}  other.csv`],
    ['free text', 'done'],
    ['a marker over 4096 bytes', Buffer.alloc(5000, 0x20)],
  ];
  for (const [title, body] of refused) {
    it(`refuses ${title} with BAD_MARKER`, () => {
      assert.throws(
        () => expectedChecksum(Buffer.isBuffer(body) ? body : Buffer.from(body), 'visits.csv'),
        (error: unknown) => error instanceof AirlockError && error.code === 'BAD_MARKER',
      );
    });
  }
});
