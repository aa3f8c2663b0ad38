#!/usr/bin/env node
// Runs every compiled test file under dist/test with Node's own test runner. Files are listed
// here rather than left to the runner's discovery, which differs between Node 20 and 24.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(folder) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const only = process.argv.slice(2);
const files = testFiles('dist/test')
  .filter((file) => only.length === 0 || only.some((part) => file.includes(part)))
  .sort();

const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
