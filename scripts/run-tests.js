#!/usr/bin/env node
// `npm test`: installs the programs the suite drives when they are missing, starts one S3 server
// (Ceph's radosgw, on loopback) for the whole run, runs every compiled test file under dist/test
// with Node's own test runner, then checks every log line the run produced for secrets and for
// the test data's identifiers. Files are listed here rather than left to the runner's discovery,
// which differs between Node 20 and 24.
//
//   node scripts/run-tests.js [PART...]   only test files whose path contains a PART
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

function testFiles(folder, suffix) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return testFiles(path, suffix);
    return name.endsWith(suffix) ? [path] : [];
  });
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  return result.status ?? 1;
}

function freePort() {
  return new Promise((resolvePort) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const only = process.argv.slice(2);
const files = testFiles('dist/test', '.test.js')
  .filter((file) => only.length === 0 || only.some((part) => file.includes(part)))
  .sort();

if (run('bash', ['scripts/install-test-deps.sh']) !== 0) process.exit(1);

const scratch = resolve('.tmp', `run-${process.pid}`);
const logDir = join(scratch, 'logs');
mkdirSync(logDir, { recursive: true });
const env = { ...process.env, AIRLOCK_TEST_LOG_DIR: logDir };

let radosgwFolder;
const needsS3 = files.some((file) => /s3|multi-instance/.test(file));
if (needsS3 && env.AIRLOCK_TEST_S3_ENDPOINT === undefined) {
  radosgwFolder = join(scratch, 'radosgw');
  const port = await freePort();
  const accessKey = `airlock${randomBytes(6).toString('hex')}`;
  const secretKey = randomBytes(20).toString('hex');
  if (run('bash', ['scripts/radosgw/start.sh', radosgwFolder, String(port), accessKey, secretKey]) !== 0) process.exit(1);
  Object.assign(env, {
    AIRLOCK_TEST_S3_ENDPOINT: `http://127.0.0.1:${port}`,
    AIRLOCK_TEST_S3_ACCESS_KEY: accessKey,
    AIRLOCK_TEST_S3_SECRET_KEY: secretKey,
  });
}

const stopRadosgw = () => {
  if (radosgwFolder !== undefined) run('bash', ['scripts/radosgw/stop.sh', radosgwFolder]);
  radosgwFolder = undefined;
};
process.on('SIGINT', () => { stopRadosgw(); process.exit(130); });
process.on('SIGTERM', () => { stopRadosgw(); process.exit(143); });

let status;
try {
  // A test that hangs fails after ten minutes instead of holding the whole run.
  const runner = ['--enable-source-maps', '--test', '--test-reporter=spec', '--test-timeout=600000'];
  status = run(process.execPath, [...runner, '--test-concurrency=2', ...files], { env });
  const audits = testFiles('dist/test', '.audit.js');
  if (status === 0 && only.length === 0 && audits.length > 0) {
    status = run(process.execPath, [...runner, ...audits], { env });
  }
} finally {
  stopRadosgw();
}
if (status === 0) rmSync(scratch, { recursive: true, force: true });
process.exit(status);
