// Marker-to-result latency of single uploads, one after another through one SFTP session,
// beside the time the de-identification core alone takes on the same file in this process.
// The difference is what discovery, claim, streaming from storage and publishing add.
//
//   npx tsx scripts/bench-latency.ts [RUNS, default 20] [--size 1MB] [--quiet-ms 0]
//       [--poll-ms 10] [--no-build] [--keep]
//
// Latency runs from the marker's CLOSE acknowledgement to the outbox listing that shows both
// the result and its report. quietMs (how long a marker must be still) is added to every job
// by design, so it defaults to 0 here and shows separately in the header when set.
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { parseSize } from './generate-claims.js';
import {
  AirlockUnderTest, deidentifiedSha256, makeInput, numberOption, percentile, SftpSession, uploadRound,
  type InputFile,
} from './load-test.js';

const RESULT_TIMEOUT_MS = 60_000;

interface Series {
  name: string;
  timesMs: number[];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runs = Number(args.find((arg, at) => /^\d+$/.test(arg) && !(args[at - 1] ?? '').startsWith('--')) ?? 20);
  const sizeAt = args.indexOf('--size');
  const targetBytes = parseSize(sizeAt === -1 ? '1MB' : args[sizeAt + 1] ?? '1MB');
  const quietMs = numberOption(args, '--quiet-ms', 0);
  const pollMs = numberOption(args, '--poll-ms', 10);

  const airlock = new AirlockUnderTest({ clientIds: ['latency'], sessions: 1, quietMs, jobs: 2, shouldBuild: !args.includes('--no-build') });
  try {
    const input = await makeInput(airlock.folder, targetBytes, 7, airlock.profile, airlock.tokenKey);
    const core = await coreAlone(airlock, input, runs);
    const port = await airlock.start();
    const session = await SftpSession.open(port, 'latency', airlock.clientKey.private);
    const latency = await markerToResult(session, input, runs, pollMs);
    session.end();

    const rows = input.bytes.toString('utf8').split('\n').length - 2;
    process.stdout.write(`input: ${(input.bytes.length / 1024).toFixed(0)} KiB, ${rows} rows; ${runs} sequential runs; ` +
      `quietMs ${quietMs}, outbox polled every ${pollMs} ms (node ${process.version})\n`);
    printSeries([latency, core]);
    const overheadMs = percentile(sorted(latency.timesMs), 0.5) - percentile(sorted(core.timesMs), 0.5) - quietMs;
    process.stdout.write(`overhead at p50 (discovery + claim + storage + publish${quietMs > 0 ? ', quietMs taken out' : ''}): ` +
      `${overheadMs.toFixed(0)} ms\n`);
  } finally {
    await airlock.stop(args.includes('--keep'));
  }
}

/** The core on the same file read from disk, after one untimed run to warm it up. */
async function coreAlone(airlock: AirlockUnderTest, input: InputFile, runs: number): Promise<Series> {
  const path = join(airlock.folder, 'core-input.csv');
  writeFileSync(path, input.bytes);
  const timesMs: number[] = [];
  for (let run = -1; run < runs; run += 1) {
    const startedAt = performance.now();
    const resultSha256 = await deidentifiedSha256(createReadStream(path), airlock.profile, airlock.tokenKey);
    if (run >= 0) timesMs.push(performance.now() - startedAt);
    if (resultSha256 !== input.expectedResultSha256) throw new Error('the core gave different bytes from one run to the next');
  }
  return { name: 'de-identification core alone, in-process', timesMs };
}

async function markerToResult(session: SftpSession, input: InputFile, runs: number, pollMs: number): Promise<Series> {
  const timesMs: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const outcome = await uploadRound(session, `latency-${run}.csv`, input, pollMs, performance.now() + RESULT_TIMEOUT_MS);
    if (outcome.kind === 'failed') throw new Error(`run ${run}: ${outcome.error}`);
    timesMs.push(outcome.latencyMs);
  }
  return { name: 'marker CLOSE acknowledged -> result listed', timesMs };
}

function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function printSeries(series: Series[]): void {
  process.stdout.write(`${'what'.padEnd(46)}${'p50 ms'.padStart(9)}${'p90 ms'.padStart(9)}${'max ms'.padStart(9)}\n`);
  for (const { name, timesMs } of series) {
    const ordered = sorted(timesMs);
    const cells = [0.5, 0.9, 1].map((fraction) => percentile(ordered, fraction).toFixed(0).padStart(9));
    process.stdout.write(`${name.padEnd(46)}${cells.join('')}\n`);
  }
}

await main();
