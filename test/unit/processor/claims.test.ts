import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { LocalDiskStorage } from '../../../core/storage/local-disk.js';
import { ClaimStore } from '../../../processor/claims.js';
import type { Marker } from '../../../processor/marker.js';

const folder = mkdtempSync(join(tmpdir(), 'airlock-claims-'));
const storage = new LocalDiskStorage(folder);
let clockMs = 1_000_000;
const now = (): number => clockMs;

function marker(inputName: string): Marker {
  return { clientId: 'acme', inputName, markerKey: `clients/acme/inbox/${inputName}.done`, inputKey: `clients/acme/inbox/${inputName}` };
}

describe('ClaimStore', () => {
  after(() => rmSync(folder, { recursive: true, force: true }));
  const first = new ClaimStore(storage, 'first', 10_000, now);
  const second = new ClaimStore(storage, 'second', 10_000, now);

  it('gives a job to exactly one of two processors', async () => {
    const [a, b] = await Promise.all([first.claim(marker('a.csv')), second.claim(marker('a.csv'))]);
    assert.equal([a, b].filter((claim) => claim !== undefined).length, 1);
  });

  it('keeps a live claim from another processor', async () => {
    assert.notEqual(await first.claim(marker('b.csv')), undefined);
    clockMs += 9_000;
    assert.equal(await second.claim(marker('b.csv')), undefined);
  });

  it('takes over a claim whose lease ran out, and the old owner can no longer renew it', async () => {
    const old = await first.claim(marker('c.csv'));
    assert.ok(old);
    clockMs += 10_001;
    const taken = await second.claim(marker('c.csv'));
    assert.equal(taken?.record.owner, 'second');
    assert.equal(await first.renew(old), false);
  });

  it('keeps a renewed claim past its first lease', async () => {
    const held = await first.claim(marker('d.csv'));
    assert.ok(held);
    clockMs += 8_000;
    assert.equal(await first.renew(held), true);
    clockMs += 8_000;
    assert.equal(await second.claim(marker('d.csv')), undefined);
  });

  it('hands a published job over in its published state', async () => {
    const held = await first.claim(marker('e.csv'));
    assert.ok(held);
    assert.equal(await first.markPublished(held), true);
    clockMs += 10_001;
    assert.equal((await second.claim(marker('e.csv')))?.record.state, 'published');
  });

  it('frees a released job for the next claim', async () => {
    const held = await first.claim(marker('f.csv'));
    assert.ok(held);
    await first.release(held);
    assert.notEqual(await second.claim(marker('f.csv')), undefined);
  });
});
