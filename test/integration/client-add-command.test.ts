import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { loadConfig } from '../../config/load.js';
import { REPO_ROOT } from '../support/repo-root.js';
import { TEST_PASSWORD } from '../support/test-secrets.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl partner@laptop';
const ORIGINAL = `# Partners of the east region.
dataDir: ./data
tokenKeyFile: ./token.key
clients:
  - id: acme   # the first partner
    publicKeys: ["${KEY}"]
    profile: claims
profiles:
  claims:
    columns: { member_id: token, amount: { action: bucket, bounds: [100, 1000] } }
`;

function airlock(args: string[], input = ''): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/airlock.js'), ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stderr: run.stderr };
}

describe('airlock client add', () => {
  const folder = mkdtempSync(join(tmpdir(), 'airlock-client-add-'));
  const configFile = join(folder, 'airlock.yaml');
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('adds a client with a password hash, keeping the file\'s comments and other lines', () => {
    writeFileSync(configFile, ORIGINAL);
    const run = airlock(['client', 'add', '--config', configFile, '--id', 'beta', '--profile', 'claims', '--password'], `${TEST_PASSWORD}\n`);
    assert.equal(run.status, 0, run.stderr);

    const text = readFileSync(configFile, 'utf8');
    assert.match(text, /^# Partners of the east region\.\n/);
    assert.match(text, /- id: acme +# the first partner\n/);
    assert.match(text, /bounds: \[100, 1000\]/);
    assert.equal(text.includes(TEST_PASSWORD), false);
    const config = loadConfig(configFile);
    assert.deepEqual(config.clients.map((client) => client.id), ['acme', 'beta']);
    assert.deepEqual(config.clients[0]!.publicKeys, [KEY]);
    assert.match(config.clients[1]!.password ?? '', /^scrypt\$/);
  });

  it('refuses a public key that is not one, names the file and leaves it untouched', () => {
    writeFileSync(configFile, ORIGINAL);
    const run = airlock(['client', 'add', '--config', configFile, '--id', 'gamma', '--profile', 'claims', '--public-key', 'not a key']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, new RegExp(`invalid configuration ${configFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`));
    assert.match(run.stderr, /publicKeys\.0/);
    assert.equal(readFileSync(configFile, 'utf8'), ORIGINAL);
  });

  it('refuses an id that exists already', () => {
    writeFileSync(configFile, ORIGINAL);
    const run = airlock(['client', 'add', '--config', configFile, '--id', 'acme', '--profile', 'claims', '--public-key', KEY]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /exists already/);
    assert.equal(readFileSync(configFile, 'utf8'), ORIGINAL);
  });
});
