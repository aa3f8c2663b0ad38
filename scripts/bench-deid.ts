// De-identification benchmark: Airlock's engine beside a plain Python program doing the same
// transforms and beside a bare csv-parse → csv-stringify pass-through, on one generated claims
// file. Each contender runs in its own process so that peak memory (max RSS) is its own.
//
// usage: npx tsx scripts/bench-deid.ts [SIZE, default 1GB] [--keep]
// (`bench-deid.ts worker MODE IN OUT KEY` is how it starts its own contenders.)
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';

import { deidentify } from '../core/deid/deidentify.js';
import { profileSchema } from '../core/deid/profile-schema.js';
import { generateClaims, parseSize } from './generate-claims.js';

const KEY_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

/** The bench profile; scripts/bench/deid_reference.py applies the same transforms. */
export const BENCH_PROFILE = {
  referenceDate: '2025-01-01',
  columns: {
    claim_id: 'keep', member_id: 'token', first_name: 'drop', last_name: 'drop', ssn: 'token',
    birth_date: 'year', sex: 'keep', zip: 'zip3', phone: { action: 'mask', keep: 4 }, email: 'drop',
    service_date: { action: 'shift', by: 'member_id' }, discharge_date: { action: 'shift', by: 'member_id' },
    age: 'topcode', diagnosis_code: 'keep', amount_billed: 'keep', notes: 'scrub',
  },
};

interface Measure {
  name: string;
  seconds: number;
  maxRssMb: number;
  outputBytes: number;
}

const here = fileURLToPath(new URL('.', import.meta.url));

function timed(name: string, command: string, args: string[], outputPath: string): Measure {
  const started = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`${name} failed: ${run.stderr.slice(-500)}`);
  const maxRssKb = Number(run.stderr.trim().split('\n').at(-1));
  return { name, seconds, maxRssMb: maxRssKb / 1024, outputBytes: statSync(outputPath).size };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const keepFiles = args.includes('--keep');
  const targetBytes = parseSize(args.find((arg) => !arg.startsWith('--')) ?? '1GB');
  const folder = join(tmpdir(), 'airlock-bench-deid');
  mkdirSync(folder, { recursive: true });
  const inputPath = join(folder, `claims-${targetBytes}.csv`);
  if (!existsSync(inputPath) || statSync(inputPath).size < targetBytes * 0.99) {
    process.stderr.write(`generating ${inputPath}\n`);
    await generateClaims(inputPath, targetBytes);
  }
  const inputBytes = statSync(inputPath).size;
  const rows = Number(spawnSync('wc', ['-l', inputPath], { encoding: 'utf8' }).stdout.trim().split(' ')[0]) - 1;

  const worker = fileURLToPath(import.meta.url);
  const tsx = join(here, '..', 'node_modules', '.bin', 'tsx');
  const outputs = { airlock: join(folder, 'airlock.csv'), python: join(folder, 'python.csv'), bare: join(folder, 'bare.csv') };
  const results = [
    timed('airlock deid', tsx, [worker, 'worker', 'airlock', inputPath, outputs.airlock, KEY_HEX], outputs.airlock),
    timed('python csv+hmac reference', 'python3', [join(here, 'bench', 'deid_reference.py'), KEY_HEX, inputPath, outputs.python], outputs.python),
    timed('csv-parse→csv-stringify pass-through', tsx, [worker, 'worker', 'bare', inputPath, outputs.bare, KEY_HEX], outputs.bare),
  ];

  const isSame = spawnSync('cmp', ['-s', outputs.airlock, outputs.python]).status === 0;
  process.stdout.write(`input: ${(inputBytes / 1e6).toFixed(1)} MB, ${rows} rows (node ${process.version})\n`);
  process.stdout.write(`${'contender'.padEnd(40)}${'seconds'.padStart(9)}${'MB/s'.padStart(9)}${'rows/s'.padStart(11)}${'peak MB'.padStart(9)}\n`);
  for (const result of results) {
    const line = [
      result.name.padEnd(40),
      result.seconds.toFixed(2).padStart(9),
      (inputBytes / 1e6 / result.seconds).toFixed(1).padStart(9),
      Math.round(rows / result.seconds).toString().padStart(11),
      result.maxRssMb.toFixed(0).padStart(9),
    ];
    process.stdout.write(`${line.join('')}\n`);
  }
  process.stdout.write(`airlock and python results byte-identical: ${isSame ? 'yes' : 'NO'}\n`);
  if (!keepFiles) for (const path of Object.values(outputs)) rmSync(path, { force: true });
}

async function worker(mode: string, inputPath: string, outputPath: string, keyHex: string): Promise<void> {
  if (mode === 'bare') {
    await pipeline(createReadStream(inputPath), parse(), stringify(), createWriteStream(outputPath));
    return;
  }
  const profile = { ...profileSchema.parse(BENCH_PROFILE), name: 'bench' };
  await deidentify(createReadStream(inputPath), createWriteStream(outputPath), {
    profile, tokenKey: Buffer.from(keyHex, 'hex'), inputName: 'claims.csv',
  });
}

const [first, ...rest] = process.argv.slice(2);
if (first === 'worker') await worker(rest[0] ?? '', rest[1] ?? '', rest[2] ?? '', rest[3] ?? '');
else await main();
