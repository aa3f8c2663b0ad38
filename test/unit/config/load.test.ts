import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { loadConfig } from '../../../config/load.js';
import { ConfigError } from '../../../core/errors.js';

const folder = mkdtempSync(join(tmpdir(), 'airlock-config-'));
let counter = 0;

function configFile(text: string): string {
  counter += 1;
  const file = join(folder, `airlock-${counter}.yaml`);
  writeFileSync(file, text);
  return file;
}

function problemsOf(text: string): readonly string[] {
  try {
    loadConfig(configFile(text));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  assert.fail('the configuration loaded');
}

const VALID = `
dataDir: ./data
tokenKeyFile: ./token.key
clients:
  - id: acme
    publicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl acme@laptop"]
    profile: claims
profiles:
  claims:
    columns: { member_id: token, last_name: drop, birth_date: year, zip: zip3 }
`;

describe('loadConfig', () => {
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('loads a valid file with defaults, paths made absolute and the result frozen', () => {
    const config = loadConfig(configFile(VALID));
    assert.deepEqual(config.listen, { host: '127.0.0.1', port: 2222 });
    assert.equal(config.dataDir, join(folder, 'data'));
    assert.equal(config.tokenKeyFile, join(folder, 'token.key'));
    assert.equal(config.storage.type, 'local');
    assert.equal(config.clients[0]!.markerSuffix, '.done');
    assert.equal(config.profiles.claims!.name, 'claims');
    assert.deepEqual(config.profiles.claims!.columns.zip, { action: 'zip3' });
    assert.equal(Object.isFrozen(config.clients[0]), true);
  });

  const mistakes: [string, string, string][] = [
    ['an unknown top-level key', `${VALID}listn: 1.2.3.4:22\n`, '(top level): unknown key "listn"'],
    ['an address without a port', `${VALID}listen: localhost\n`, 'listen:'],
    ['a port out of range', `${VALID}listen: 127.0.0.1:70000\n`, 'listen:'],
    ['a client naming a missing profile', VALID.replace('profile: claims', 'profile: claim'), 'clients.0.profile: no profile named "claim"'],
    ['a plain-text password', VALID.replace('    publicKeys:', '    password: hunter2hunter2\n    publicKeys:'), 'clients.0.password:'],
    ['an unknown column action', VALID.replace('zip: zip3', 'zip: zip5'), 'profiles.claims.columns.zip'],
    ['a public key line that is not a key', VALID.replace('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl acme@laptop', 'not a key'), 'clients.0.publicKeys.0: expected one OpenSSH public key line'],
    ['a YAML syntax error', 'dataDir: [unclosed\n', 'YAML:'],
  ];
  for (const [title, text, expected] of mistakes) {
    it(`names the key and the problem for ${title}`, () => {
      const problems = problemsOf(text);
      assert.ok(problems.some((problem) => problem.startsWith(expected)), problems.join('\n'));
    });
  }

  it('reports every problem of a file at once', () => {
    const text = `${VALID.replace('profile: claims', 'profile: nope')}listen: nowhere\nsurprise: true\n`;
    assert.equal(problemsOf(text).length, 3);
  });

  it('never echoes a secret it refuses', () => {
    const problems = problemsOf(VALID.replace('    publicKeys:', '    password: hunter2hunter2\n    publicKeys:'));
    assert.equal(problems.join('\n').includes('hunter2'), false);
  });

  it('stops `airlock start` with exit code 2 and the file named, before anything listens', () => {
    const file = configFile(`${VALID}listen: nowhere\n`);
    const result = spawnSync(process.execPath, ['bin/airlock.js', 'start', '--config', file], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`invalid configuration ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(result.stderr, /listen:/);
  });
});
