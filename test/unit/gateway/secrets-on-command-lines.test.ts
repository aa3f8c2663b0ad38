import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const RUNTIME_FOLDERS = ['cli', 'core', 'config', 'gateway', 'processor'];

// A secret on a command line shows in `ps` to every user of the machine.
describe('secrets and process listings', () => {
  it('runtime code starts no child process, so no secret can reach another command line', () => {
    const spawning = RUNTIME_FOLDERS.flatMap(sourceFiles)
      .filter((file) => /from 'node:child_process'|require\('child_process'\)/.test(readFileSync(file, 'utf8')));
    assert.deepEqual(spawning, []);
  });

  it('the airlock command takes no key, secret or password as an option value', () => {
    const options = [...readFileSync('cli/main.ts', 'utf8').matchAll(/\.(?:required)?[oO]ption\('([^']+)'/g)].map((match) => match[1] ?? '');
    assert.ok(options.length > 3);
    const secretValued = options.filter((flags) => /(key|secret|password|token)\S*\s+<[^>]+>/i.test(flags) && !flags.includes('public-key'));
    assert.deepEqual(secretValued, []);
  });
});
