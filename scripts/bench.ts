// `npm run bench`: every benchmark under scripts/ in turn, at quick sizes, each printing its own
// figures. A name runs that one only; --full runs each at its own (larger) default size.
//
//   npx tsx scripts/bench.ts [deid|sftp|s3|gateway-s3|latency|load] [--full]
//
// The SFTP benchmarks run Airlock from dist/, so this builds once first (`tsc -p .`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { buildAirlock, REPO_ROOT } from './load-test.js';

interface Benchmark {
  name: string;
  script: string;
  /** Arguments for a quick run; a --full run passes none and gets the script's defaults. */
  quickArgs: string[];
  /** Arguments every run needs. */
  fixedArgs: string[];
  /** Why it cannot run on this machine, if it cannot. */
  missing?: () => string | undefined;
}

const BENCHMARKS: Benchmark[] = [
  { name: 'deid', script: 'bench-deid.ts', quickArgs: ['50MB'], fixedArgs: [] },
  { name: 'sftp', script: 'bench-sftp.ts', quickArgs: ['64', '--runs', '1'], fixedArgs: [] },
  {
    name: 's3', script: 'bench-s3.ts', quickArgs: ['64'], fixedArgs: [],
    // bench-s3 starts a radosgw of its own on loopback unless AIRLOCK_BENCH_S3_ENDPOINT names one.
    missing: () => (process.env.AIRLOCK_BENCH_S3_ENDPOINT || existsSync('/usr/bin/radosgw') ? undefined : 'radosgw is not installed'),
  },
  {
    name: 'gateway-s3', script: 'bench-gateway-s3.ts', quickArgs: ['64', '--ciphers', 'aes128-gcm'], fixedArgs: ['--no-build'],
    missing: () => {
      if (!existsSync('/usr/bin/sftp')) return 'the OpenSSH sftp client is not installed';
      return process.env.AIRLOCK_BENCH_S3_ENDPOINT || existsSync('/usr/bin/radosgw') ? undefined : 'radosgw is not installed';
    },
  },
  { name: 'latency', script: 'bench-latency.ts', quickArgs: ['20'], fixedArgs: ['--no-build'] },
  { name: 'load', script: 'load-test.ts', quickArgs: ['50', '15'], fixedArgs: ['--no-build'] },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const isFull = args.includes('--full');
  const chosen = args.find((arg) => !arg.startsWith('--'));
  const selected = BENCHMARKS.filter((benchmark) => chosen === undefined || benchmark.name === chosen);
  if (selected.length === 0) {
    process.stderr.write(`unknown benchmark "${chosen}"; one of ${BENCHMARKS.map((benchmark) => benchmark.name).join(', ')}\n`);
    process.exit(2);
  }

  if (selected.some((benchmark) => benchmark.fixedArgs.includes('--no-build'))) buildAirlock();
  const outcomes: string[] = [];
  for (const benchmark of selected) outcomes.push(`${benchmark.name}: ${await run(benchmark, isFull)}`);
  process.stdout.write(`\n== summary\n${outcomes.join('\n')}\n`);
  if (outcomes.some((outcome) => outcome.endsWith('failed'))) process.exitCode = 1;
}

async function run(benchmark: Benchmark, isFull: boolean): Promise<string> {
  const scriptPath = join(REPO_ROOT, 'scripts', benchmark.script);
  if (!existsSync(scriptPath)) return 'skipped (no script yet)';
  const reason = benchmark.missing?.();
  if (reason !== undefined) return `skipped (${reason})`;

  const args = [scriptPath, ...(isFull ? [] : benchmark.quickArgs), ...benchmark.fixedArgs];
  process.stdout.write(`\n== ${benchmark.name}: npx tsx ${['scripts/' + benchmark.script, ...args.slice(1)].join(' ')}\n`);
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const startedAt = Date.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(tsx, args, { cwd: REPO_ROOT, stdio: 'inherit' });
    child.once('exit', (exitCode) => resolve(exitCode));
    child.once('error', () => resolve(null));
  });
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);
  return code === 0 ? `ok in ${seconds} s` : `exit ${code} after ${seconds} s, failed`;
}

await main();
