import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { parse as parseYaml, stringify } from 'yaml';

import { makeProfile, runDeid, TEST_KEY } from '../unit/deid/deid-helpers.js';
import { REPO_ROOT } from '../support/repo-root.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'synthea');
const PROFILES = parseYaml(readFileSync(join(FIXTURES, 'profiles.yaml'), 'utf8')) as Record<string, unknown>;
const FILES = Object.keys(PROFILES);

/**
 * `airlock deid` as an operator runs it on premises, one Synthea file per profile. Its output
 * must be the very bytes the gateway's processor makes from the same input, profile and key,
 * which is the engine's in-process output.
 */
describe('airlock deid on every Synthea file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'airlock-deid-command-'));
  const configFile = join(folder, 'airlock.yaml');
  writeFileSync(join(folder, 'token.key'), `${TEST_KEY.toString('hex')}\n`);
  writeFileSync(configFile, stringify({ dataDir: './data', tokenKeyFile: './token.key', profiles: PROFILES }));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('has a profile for each of the eleven files', () => {
    assert.equal(FILES.length, 11);
  });

  for (const name of FILES) {
    it(`de-identifies ${name}.csv with its profile, byte for byte as the gateway would`, async () => {
      const input = join(FIXTURES, `${name}.csv`);
      const output = join(folder, `${name}.deid.csv`);
      const run = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/airlock.js'), 'deid', '--config', configFile, '--profile', name, input, output], {
        encoding: 'utf8', timeout: 60_000,
      });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /rows read \d+, written \d+, rejected 0/);

      const inProcess = await runDeid(readFileSync(input), makeProfile(PROFILES[name], name), `${name}.csv`);
      assert.ok(inProcess.bytes.length > 0);
      assert.equal(readFileSync(output).equals(inProcess.bytes), true);
    });
  }

  it('fails with the profile named and exit code 1 for a profile that does not exist', () => {
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/airlock.js'), 'deid', '--config', configFile, '--profile', 'nope',
      join(FIXTURES, 'patients.csv'), join(folder, 'nope.csv')], { encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /nope/);
  });
});
