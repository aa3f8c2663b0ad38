import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { sha256, type CompatBackend, type CompatTarget } from './compat-backends.js';

/** Large enough to cross the 64 MiB background sync of local storage. */
const UPLOAD_BYTES = 80_000_000;

/**
 * OpenSSH's `reput` of a large file after `put` of a part of it. reput opens the stored part
 * with APPEND and no TRUNC and pipelines 255 KiB WRITEs from its end. Parts below and above
 * 5 MiB, the smallest part S3 can copy server-side, take different paths on S3.
 */
export function describeResumedUploads(backend: CompatBackend, rounds: number): void {
  describe(`OpenSSH reput of a partial upload, on ${backend.name}`, () => {
    let target: CompatTarget;

    before(async () => {
      target = await backend.start();
    });
    after(async () => {
      await target.close();
    });

    // Regression: reput of an 80 MB file ended with sftp exit 0 and "upload completed", but
    // the stored file held whole requests of the source at the wrong offsets. The fault showed
    // in some runs only, so each case can resume a few fresh files (`rounds`).
    for (const partBytes of [4_000_000, 12_000_000]) {
      it(`stores the bytes of the source after put of its first ${partBytes} bytes and reput`, async () => {
        for (let round = 1; round <= rounds; round += 1) {
          const source = randomBytes(UPLOAD_BYTES);
          const sourcePath = join(target.harness.dir, 'visits.csv');
          const partPath = join(target.harness.dir, 'visits.part');
          await writeFile(sourcePath, source);
          await writeFile(partPath, source.subarray(0, partBytes));
          const clientPath = `inbox/visits-${partBytes}-${round}.csv`;

          const result = await target.harness.sftpBatch([`put ${partPath} ${clientPath}`, `reput ${sourcePath} ${clientPath}`]);

          assert.equal(result.code, 0, result.stderr);
          assert.equal((await target.landedStat(clientPath))?.size, source.length);
          assert.equal(await target.landedSha256(clientPath), sha256(source), `round ${round}`);
        }
      });
    }
  });
}
