// Gateway-on-S3 benchmark: OpenSSH's `sftp` uploading, downloading and renaming one file through
// an Airlock gateway whose storage is S3, each beside the same operation done directly with the
// SDK against the same endpoint in the same run (lib-storage Upload, a GetObject stream, one
// CopyObject), with the CPU seconds of the client, Airlock and radosgw (with its OSD) for each.
//
//   npx tsx scripts/bench-gateway-s3.ts [SIZE_MIB] [--ciphers aes128-gcm,chacha20-poly1305]
//       [--cpu-prof FOLDER] [--storage JSON] [--timeout-s 900] [--no-build]
//
// SIZE_MIB defaults to 1024 (1 GiB). Airlock runs from dist/ (built first with `tsc -p .` unless
// --no-build) as `airlock gateway`, with S3 credentials in AWS_* variables. The S3 endpoint is
// AIRLOCK_BENCH_S3_ENDPOINT (with _ACCESS_KEY and _SECRET_KEY) when set, else a radosgw with
// bluestore started here on loopback. Files live on tmpfs (/dev/shm) so that the local disk does
// not decide. Everything this starts is stopped by its process id when the run ends, fails, is
// interrupted or passes --timeout-s. --cpu-prof writes Airlock's V8 CPU profile into FOLDER;
// --storage adds S3 tuning keys to Airlock's storage section, e.g. '{"uploadConcurrency":8}'.
import { CopyObjectCommand, CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';

import { buildAirlock, REPO_ROOT } from './load-test.js';

const execFileAsync = promisify(execFile);
const MIB = 1024 * 1024;
const PART_BYTES = 8 * MIB;
/** Airlock's default `uploadConcurrency`, so that both sides keep as many parts in flight. */
const PARTS_IN_FLIGHT = 4;
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
const RADOSGW_SCRIPTS = join(REPO_ROOT, 'scripts', 'radosgw');
const CLIENT_ID = 'bench';

interface Options {
  sizeMib: number;
  ciphers: string[];
  profileFolder: string | undefined;
  storageTuning: Record<string, unknown>;
  timeoutMs: number;
  shouldBuild: boolean;
}

interface Endpoint {
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** radosgw and OSD process ids when started here; their CPU is the server's. */
  serverPids: number[];
  isLocal: boolean;
}

interface Cpu {
  client: number;
  airlock: number;
  server: number | undefined;
}

interface Sample {
  seconds: number;
  cpu: Cpu;
}

interface Row {
  operation: string;
  cipher: string;
  bytes: number | undefined;
  direct: Sample;
  gateway: Sample;
}

/** Stoppers run once, last added first, whether the run ends, fails, times out or is interrupted. */
class Teardown {
  private readonly steps: Array<() => Promise<unknown>> = [];
  private running: Promise<void> | undefined;

  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) await step().catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
    })();
    return this.running;
  }
}

const teardown = new Teardown();

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  stopAfter(options.timeoutMs);
  if (options.shouldBuild) buildAirlock();

  const work = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'airlock-bench-gateway-s3-'));
  teardown.add(() => rm(work, { recursive: true, force: true }));
  const endpoint = await endpointToUse(options.sizeMib);
  const bucket = `airlock-bench-${randomBytes(4).toString('hex')}`;
  const s3 = new S3Client({
    region: 'us-east-1', endpoint: endpoint.url, forcePathStyle: true,
    credentials: { accessKeyId: endpoint.accessKeyId, secretAccessKey: endpoint.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  teardown.add(async () => s3.destroy());
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));

  const bytes = options.sizeMib * MIB;
  const source = join(work, 'source.bin');
  await writeRandomFile(source, bytes);
  const sourceHash = await sha256Of(source);
  const airlock = await startAirlock(work, endpoint, bucket, options);

  // A fresh bluestore OSD allocates as it first writes; warm it so that order does not decide.
  await uploadDirect(s3, bucket, 'direct/warm-up.bin', source);
  const context: RunContext = { s3, bucket, endpoint, airlock, work, source, sourceHash, bytes };
  // Every gateway figure includes one SSH login; this shows how much of it that is.
  const session = await measure(context, () => sftp(context, options.ciphers[0]!, ['pwd']));
  const rows: Row[] = [];
  for (const cipher of options.ciphers) rows.push(...(await measureCipher(context, cipher)));
  printReport(options, endpoint, session, rows);
}

interface RunContext {
  s3: S3Client;
  bucket: string;
  endpoint: Endpoint;
  airlock: Airlock;
  work: string;
  source: string;
  sourceHash: string;
  bytes: number;
}

/** Upload, download and rename, each direct first and then through the gateway. */
async function measureCipher(context: RunContext, cipher: string): Promise<Row[]> {
  const { s3, bucket, work, source, bytes } = context;
  const name = `bench-${cipher.split('-')[0]}.bin`;
  const copy = join(work, 'copy.bin');
  const row = (operation: string, size: number | undefined, direct: Sample, gateway: Sample): Row =>
    ({ operation, cipher, bytes: size, direct, gateway });

  const upload = row('upload', bytes,
    await measure(context, () => uploadDirect(s3, bucket, `direct/${name}`, source)),
    await measure(context, () => sftp(context, cipher, [`put ${source} inbox/${name}`])));

  const directDownload = await measure(context, () => downloadDirect(s3, bucket, `direct/${name}`, copy));
  await expectBytes(copy, context, 'direct GetObject');
  const gatewayDownload = await measure(context, () => sftp(context, cipher, [`get inbox/${name} ${copy}`]));
  await expectBytes(copy, context, 'the gateway');
  const download = row('download', bytes, directDownload, gatewayDownload);

  const rename = row(`rename ${bytes / MIB} MiB`, undefined,
    await measure(context, () => s3.send(new CopyObjectCommand({
      Bucket: bucket, Key: `direct/renamed-${name}`, CopySource: `${bucket}/direct/${name}`,
    }))),
    await measure(context, () => sftp(context, cipher, [`rename inbox/${name} inbox/renamed-${name}`])));
  return [upload, download, rename];
}

/** The download landed whole and, through the gateway, with the bytes that were uploaded. */
async function expectBytes(path: string, context: RunContext, via: string): Promise<void> {
  const found = await sha256Of(path);
  await rm(path, { force: true });
  if (found !== context.sourceHash) throw new Error(`${via} returned different bytes`);
}

async function measure(context: RunContext, action: () => Promise<unknown>): Promise<Sample> {
  const before = cpuNow(context);
  const startedAt = process.hrtime.bigint();
  await action();
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const after = cpuNow(context);
  const server = before.server === undefined || after.server === undefined ? undefined : after.server - before.server;
  return {
    seconds,
    cpu: { client: after.client - before.client, airlock: after.airlock - before.airlock, server },
  };
}

/** The client is this process (the SDK) plus its reaped children (`sftp` and its `ssh`). */
function cpuNow(context: RunContext): Cpu {
  const own = process.cpuUsage();
  const [, , cutime, cstime] = procTicks('self');
  const serverPids = context.endpoint.serverPids;
  return {
    client: (own.user + own.system) / 1e6 + (cutime + cstime) / CLOCK_TICKS_PER_SECOND,
    airlock: cpuSecondsOf(context.airlock.pid),
    server: serverPids.length === 0 ? undefined : serverPids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0),
  };
}

function cpuSecondsOf(pid: number): number {
  const [utime, stime] = procTicks(String(pid));
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}

/** utime, stime, cutime and cstime (fields 14 to 17 of proc(5)), in clock ticks. */
function procTicks(pid: string): [number, number, number, number] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
  return [fields[11] ?? 0, fields[12] ?? 0, fields[13] ?? 0, fields[14] ?? 0];
}

function uploadDirect(s3: S3Client, bucket: string, key: string, path: string): Promise<unknown> {
  const body = createReadStream(path, { highWaterMark: MIB });
  return new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: body }, partSize: PART_BYTES, queueSize: PARTS_IN_FLIGHT }).done();
}

async function downloadDirect(s3: S3Client, bucket: string, key: string, path: string): Promise<void> {
  const found = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  await pipeline(found.Body as Readable, createWriteStream(path));
}

/** One `sftp -b` session running the given lines; exits non-zero on the first refused line. */
function sftp(context: RunContext, cipher: string, lines: string[]): Promise<void> {
  const { airlock, work } = context;
  const args = [
    '-F', '/dev/null', '-b', '-', '-P', String(airlock.port), '-i', airlock.clientKey,
    '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new',
    '-o', `UserKnownHostsFile=${join(work, 'known_hosts')}`, '-o', `Ciphers=${cipher}`,
    `${CLIENT_ID}@127.0.0.1`,
  ];
  const child = spawn('sftp', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const stopClient = async (): Promise<void> => { if (child.exitCode === null) child.kill('SIGKILL'); };
  teardown.add(stopClient);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdin.end(`${lines.join('\n')}\n`);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`sftp ${lines.join('; ')} exited with ${code}: ${stderr.trim().slice(0, 400)}`));
    });
  });
}

interface Airlock {
  pid: number;
  port: number;
  clientKey: string;
}

/** `airlock gateway` from dist/ on a free loopback port, its storage the benchmark's bucket. */
async function startAirlock(work: string, endpoint: Endpoint, bucket: string, options: Options): Promise<Airlock> {
  const clientKey = join(work, 'client_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bench', '-f', clientKey]);
  const port = await freeLoopbackPort();
  const configFile = join(work, 'airlock.yaml');
  const storage = {
    type: 's3', bucket, prefix: 'gateway', region: 'us-east-1', endpoint: endpoint.url,
    forcePathStyle: true, checksums: 'WHEN_REQUIRED', partSizeBytes: PART_BYTES, ...options.storageTuning,
  };
  await writeFile(configFile, [
    `listen: 127.0.0.1:${port}`,
    `dataDir: ${join(work, 'airlock-data')}`,
    `storage: ${JSON.stringify(storage)}`,
    `tokenKeyFile: ${join(work, 'token.key')}`,
    'createTokenKey: true',
    'log: { level: warn }',
    'clients:',
    `  - { id: ${CLIENT_ID}, profile: bench, publicKeys: ["${readFileSync(`${clientKey}.pub`, 'utf8').trim()}"] }`,
    'profiles:',
    '  bench: { unknownColumns: drop, columns: {} }',
    '',
  ].join('\n'));

  const profiling = options.profileFolder === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.profileFolder];
  const env = { ...process.env, AWS_ACCESS_KEY_ID: endpoint.accessKeyId, AWS_SECRET_ACCESS_KEY: endpoint.secretAccessKey };
  const child = spawn(process.execPath, [...profiling, join(REPO_ROOT, 'bin', 'airlock.js'), 'gateway', '--config', configFile], {
    cwd: REPO_ROOT, env, stdio: ['ignore', 'inherit', 'inherit'],
  });
  teardown.add(() => stopChild(child, 20_000));
  await waitForPort(port, child);
  return { pid: child.pid!, port, clientKey };
}

async function endpointToUse(sizeMib: number): Promise<Endpoint> {
  const url = process.env.AIRLOCK_BENCH_S3_ENDPOINT;
  if (url !== undefined && url !== '') {
    return {
      url, serverPids: [], isLocal: false,
      accessKeyId: process.env.AIRLOCK_BENCH_S3_ACCESS_KEY ?? '', secretAccessKey: process.env.AIRLOCK_BENCH_S3_SECRET_KEY ?? '',
    };
  }
  const folder = await mkdtemp(join(tmpdir(), 'airlock-bench-radosgw-'));
  teardown.add(() => execFileAsync(join(RADOSGW_SCRIPTS, 'stop.sh'), [folder, '--clean']));
  const port = await freeLoopbackPort();
  const accessKeyId = `BENCH${randomBytes(6).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  // radosgw frees overwritten and copied-from data only at garbage collection, hours later, so
  // the sparse store holds every object this run writes.
  const storeBytes = Math.max(8 * 1024, 8 * sizeMib) * MIB;
  const env = { ...process.env, RADOSGW_OBJECTSTORE: 'bluestore', RADOSGW_STORE_BYTES: String(storeBytes) };
  await runUntilStopped(join(RADOSGW_SCRIPTS, 'start.sh'), [folder, String(port), accessKeyId, secretAccessKey], env);
  const serverPids = ['client.rgw', 'osd.0'].map((name) => Number(readFileSync(join(folder, 'run', `${name}.pid`), 'utf8').trim()));
  return { url: `http://127.0.0.1:${port}`, accessKeyId, secretAccessKey, serverPids, isLocal: true };
}

/** A helper script that the teardown interrupts if it is still running (start.sh then stops what it began). */
async function runUntilStopped(path: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  let running: ChildProcess | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    running = execFile(path, args, { env }, (error) => (error === null ? resolve() : reject(error)));
  });
  teardown.add(async () => {
    if (running?.exitCode !== null || running.pid === undefined) return;
    process.kill(running.pid, 'SIGTERM');
    await finished.catch(() => undefined);
  });
  await finished;
}

function printReport(options: Options, endpoint: Endpoint, session: Sample, rows: Row[]): void {
  const server = endpoint.isLocal ? 'radosgw with bluestore, started here' : 'AIRLOCK_BENCH_S3_ENDPOINT';
  console.log(`Airlock gateway on S3 against the SDK direct, ${options.sizeMib} MiB file, one run each;`);
  const tuning = Object.keys(options.storageTuning).length === 0 ? '' : `; Airlock storage ${JSON.stringify(options.storageTuning)}`;
  console.log(`S3 ${endpoint.url} (${server}); 8 MiB parts, 4 in flight on both sides${tuning}`);
  console.log(`Client ${sshVersion()}`);
  console.log('Throughput in MiB/s, rename in seconds; ratio = gateway speed / direct speed (1 = as fast).');
  console.log('CPU s = client / Airlock / radosgw+OSD; the direct client is the SDK in this process.');
  console.log(`Each gateway figure includes an SSH login: an sftp session alone (pwd) took ${session.seconds.toFixed(2)} s.`);
  console.log('Direct rename is one CopyObject; the gateway also checks source and target and deletes the source.');
  console.log('');
  const header = ['operation', 'cipher', 'direct', 'gateway', 'ratio', 'direct CPU s', 'gateway CPU s'];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const row of rows) console.log(`| ${cells(row).join(' | ')} |`);
}

function cells(row: Row): string[] {
  const figure = (sample: Sample): string =>
    row.bytes === undefined ? `${sample.seconds.toFixed(2)} s` : (row.bytes / MIB / sample.seconds).toFixed(0);
  const cpu = ({ cpu }: Sample): string =>
    [cpu.client, cpu.airlock, cpu.server].map((value) => value?.toFixed(2) ?? '-').join(' / ');
  return [
    row.operation, row.cipher.replace('@openssh.com', ''), figure(row.direct), figure(row.gateway),
    (row.direct.seconds / row.gateway.seconds).toFixed(2), cpu(row.direct), cpu(row.gateway),
  ];
}

function parseOptions(args: string[]): Options {
  const valued = ['--ciphers', '--cpu-prof', '--storage', '--timeout-s'];
  const valueOf = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at === -1 ? undefined : args[at + 1];
  };
  const positional = args.find((arg, index) => !arg.startsWith('--') && !valued.includes(args[index - 1] ?? ''));
  const sizeMib = Number(positional ?? 1024);
  if (!Number.isInteger(sizeMib) || sizeMib < 1) throw new Error(`size must be a whole number of MiB, not "${positional}"`);
  const ciphers = (valueOf('--ciphers') ?? 'aes128-gcm,chacha20-poly1305').split(',').map((cipher) => `${cipher}@openssh.com`);
  return {
    sizeMib, ciphers,
    profileFolder: valueOf('--cpu-prof'),
    storageTuning: JSON.parse(valueOf('--storage') ?? '{}') as Record<string, unknown>,
    timeoutMs: Number(valueOf('--timeout-s') ?? 900) * 1000,
    shouldBuild: !args.includes('--no-build'),
  };
}

/** Ends the run, cleaned up, at the time limit or on Ctrl-C. */
function stopAfter(timeoutMs: number): void {
  const abandon = (why: string): void => {
    console.error(`stopping: ${why}`);
    void teardown.run().finally(() => process.exit(1));
  };
  setTimeout(() => abandon(`time limit of ${timeoutMs / 1000} s reached`), timeoutMs).unref();
  process.once('SIGINT', () => abandon('interrupted'));
  process.once('SIGTERM', () => abandon('terminated'));
}

function sshVersion(): string {
  // ssh -V prints its version on standard error.
  return spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim();
}

async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const file = await open(path, 'w');
  try {
    const block = randomBytes(Math.min(bytes, 8 * MIB));
    for (let written = 0; written < bytes; written += block.length) {
      await file.write(block, 0, Math.min(block.length, bytes - written));
    }
  } finally {
    await file.close();
  }
  if ((await stat(path)).size !== bytes) throw new Error('source file was not written whole');
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: MIB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Waits until something accepts on the port, or fails if the server exits first. */
async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`Airlock exited with ${child.exitCode} before listening`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Airlock did not listen on port ${port} within 30 s`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

/** SIGTERM by process id, then SIGKILL if it has not exited within `graceMs`. */
async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => { if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL'); }, graceMs);
  await exited;
  clearTimeout(timer);
}

try {
  await main();
} finally {
  await teardown.run();
}
