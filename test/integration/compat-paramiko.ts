import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { CLIENT_ID, runCommand, SYSTEM_PYTHON } from '../support/gateway-harness.js';
import { sha256, type CompatBackend, type CompatTarget } from './compat-backends.js';
import { REPO_ROOT } from '../support/repo-root.js';

const KEPT_MTIME_S = 1614834367;
const SCRIPT = join(REPO_ROOT, 'test', 'integration', 'clients', 'compat_paramiko.py');

/** A long name split as WinSCP and FileZilla split it (see compat_paramiko.py). */
interface ParsedLongName {
  type: string;
  links: number;
  size: number;
  month: string;
  day: number;
  timeOrYear: string;
  name: string;
}

interface LongNameEntry {
  filename: string;
  longname: string;
  parsed: ParsedLongName | null;
  size: number;
  mtime: number;
}

/** paramiko, and paramiko replaying WinSCP's requests, against one backend. */
export function describeParamikoClients(backend: CompatBackend): void {
  describe(`paramiko and WinSCP's request sequence on ${backend.name}`, () => {
    let target: CompatTarget;
    before(async () => {
      target = await backend.start();
    });
    after(async () => {
      await target.close();
    });

    const scenario = async (name: string, ...args: string[]): Promise<Record<string, unknown>> => {
      const { harness } = target;
      const result = await runCommand(SYSTEM_PYTHON, [
        SCRIPT, '127.0.0.1', String(harness.port), harness.knownHostsFile, CLIENT_ID,
        'key', harness.keyFile, name, ...args,
      ]);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout) as Record<string, unknown>;
    };
    const localFile = async (name: string, bytes: Buffer): Promise<string> => {
      const path = join(target.harness.dir, name);
      await writeFile(path, bytes);
      return path;
    };

    it('put with its size confirmation lands the bytes', async () => {
      const bytes = randomBytes(1024 * 1024 + 3);
      const seen = await scenario('put_confirmed', await localFile('p.bin', bytes), 'inbox/p.bin');

      assert.deepEqual(seen, { size: bytes.length, sha256: sha256(bytes) });
      assert.equal(await target.landedSha256('inbox/p.bin'), sha256(bytes));
    });

    it('utime sets times that stat reports back; chmod is accepted', async () => {
      await scenario('put_confirmed', await localFile('t.csv', Buffer.from('t\n')), 'inbox/t.csv');
      const seen = await scenario('times_and_mode', 'inbox/t.csv', String(KEPT_MTIME_S));

      assert.deepEqual(seen, { mtime: KEPT_MTIME_S, atime: KEPT_MTIME_S });
      assert.equal((await target.landedStat('inbox/t.csv'))?.mtimeMs, KEPT_MTIME_S * 1000);
    });

    it('seek and write overwrite bytes in place without truncating', async () => {
      const expected = Buffer.from(bytesOfRange(256, 4));
      expected.fill('X', 100, 110);
      const seen = await scenario('seek_and_write', 'inbox/s.bin');

      assert.deepEqual(seen, { size: 1024, sha256: sha256(expected) });
      assert.equal(await target.landedSha256('inbox/s.bin'), sha256(expected));
    });

    it('WinSCP upload: .filepart, 64 pipelined 32 KiB writes, old target replaced, times set', async () => {
      const older = randomBytes(1000);
      const bytes = randomBytes(64 * 32 * 1024 + 500);
      await scenario('put_confirmed', await localFile('older.bin', older), 'inbox/w.bin');

      const local = await localFile('w.bin', bytes);
      const seen = await scenario('winscp_upload', local, 'inbox/w.bin', String(KEPT_MTIME_S));

      assert.deepEqual(seen, { replaced: true, mtime: KEPT_MTIME_S, sha256: sha256(bytes) });
      assert.equal(await target.landedSha256('inbox/w.bin'), sha256(bytes));
      assert.equal(await target.landedStat('inbox/w.bin.filepart'), undefined);
    });

    it('WinSCP resume: re-opens the .filepart without TRUNC or APPEND and writes from its size', async () => {
      const bytes = randomBytes(3 * 1024 * 1024 + 77);
      const partialBytes = 1024 * 1024 + 4096;
      const local = await localFile('r.bin', bytes);
      const seen = await scenario('winscp_resume', local, 'inbox/r.bin', String(KEPT_MTIME_S), String(partialBytes));

      assert.deepEqual(seen, { resumedFrom: partialBytes, mtime: KEPT_MTIME_S, sha256: sha256(bytes) });
      assert.equal(await target.landedSha256('inbox/r.bin'), sha256(bytes));
    });

    it('lists long names WinSCP and FileZilla parse: type, links, owner, group, size, date, name', async () => {
      const local = await localFile('l.csv', Buffer.from('12345'));
      await scenario('winscp_upload', local, 'inbox/l.csv', String(KEPT_MTIME_S));

      const seen = await scenario('long_names', 'inbox');
      const entries = seen.entries as LongNameEntry[];
      const file = entries.find((entry) => entry.filename === 'l.csv');

      for (const entry of entries) assert.notEqual(entry.parsed, null, entry.longname);
      assert.deepEqual(file?.parsed, {
        type: '-', links: 1, size: 5, month: 'Mar', day: 4, timeOrYear: '2021', name: 'l.csv',
      });
      assert.equal(file?.mtime, KEPT_MTIME_S);
    });
  });
}

function bytesOfRange(length: number, times: number): number[] {
  return Array.from({ length: length * times }, (_, index) => index % length);
}
