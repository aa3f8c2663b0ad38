// Load test: many SFTP sessions at once against one Airlock (gateway and processor in a child
// process), each uploading claims files with their markers, fetching and checking each result
// and deleting it, for a fixed time. Prints sessions served, uploads, verified results, errors
// by kind, the gateway's peak memory, marker-to-result latency and throughput.
//
//   npx tsx scripts/load-test.ts [SESSIONS, default 100] [SECONDS, default 60] [--clients N]
//       [--jobs 2] [--quiet-ms 500] [--poll-ms 100] [--max-uploads 20000] [--no-build] [--keep]
//
// --clients: how many client accounts the sessions share (default: one per session).
// --jobs: the processor's concurrency. --no-build: run dist/ as it is instead of `tsc -p .`.
//
// Everything it starts listens on 127.0.0.1 and lives in one temporary folder, removed at the
// end. It stops the one Airlock process it started, by that process's id.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

import ssh2, { type FileEntryWithStats, type SFTPWrapper } from 'ssh2';
import { stringify } from 'yaml';

import { deidentify, resultName } from '../core/deid/deidentify.js';
import { profileSchema, type Profile } from '../core/deid/profile-schema.js';
import { generateReadableKeyPair } from '../gateway/host-keys.js';
import { generateClaims } from './generate-claims.js';

const { Client } = ssh2;

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const KIB = 1024;
/** Below the 34000-byte packet ssh2 allows towards a server that is not OpenSSH. */
const CHUNK_BYTES = 32 * KIB;
const OUTSTANDING_REQUESTS = 16;
const REQUEST_TIMEOUT_MS = 60_000;

/** Fits the claims files of scripts/generate-claims.ts; a fixed referenceDate keeps output stable. */
export const LOAD_PROFILE = {
  referenceDate: '2025-01-01',
  unknownColumns: 'reject',
  columns: {
    claim_id: 'keep', member_id: 'token', first_name: 'drop', last_name: 'drop', ssn: 'token',
    birth_date: 'year', sex: 'keep', zip: 'zip3', phone: { action: 'mask', keep: 4 },
    email: 'drop', service_date: { action: 'shift', by: 'member_id' },
    discharge_date: { action: 'shift', by: 'member_id' }, age: 'topcode',
    diagnosis_code: 'keep', amount_billed: 'keep', notes: 'scrub',
  },
};

export interface AirlockSetup {
  clientIds: string[];
  /** Sessions the script opens at once, all from 127.0.0.1; the limits are raised to fit. */
  sessions: number;
  quietMs: number;
  jobs: number;
  shouldBuild: boolean;
}

/** One Airlock child process, its temporary folder, its client key and its log counts. */
export class AirlockUnderTest {
  readonly folder = mkdtempSync(join(tmpdir(), 'airlock-load-'));
  readonly tokenKey = randomBytes(32);
  readonly clientKey = generateReadableKeyPair('ed25519', undefined);
  readonly profile: Profile = { ...profileSchema.parse(LOAD_PROFILE), name: 'load' };
  /** Warnings and errors the process logged, counted by message. */
  readonly problems = new Map<string, number>();
  readonly problemExamples: string[] = [];
  private readonly recentLines: string[] = [];
  exitCode: number | null | undefined;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly setup: AirlockSetup) {}

  get pid(): number {
    if (this.child?.pid === undefined) throw new Error('Airlock is not running');
    return this.child.pid;
  }

  /** Writes the configuration, starts `airlock start` and resolves with its SFTP port. */
  async start(): Promise<number> {
    if (this.setup.shouldBuild) buildAirlock();
    const configFile = this.writeConfig();
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'airlock.js'), 'start', '--config', configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => {
      this.exitCode = code;
      resolve();
    }));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Airlock did not listen within 60 s')), 60_000);
      const onLine = (line: string): void => {
        const port = this.record(line);
        if (port !== undefined) {
          clearTimeout(timer);
          resolve(port);
        }
      };
      createInterface({ input: child.stdout! }).on('line', onLine);
      createInterface({ input: child.stderr! }).on('line', onLine);
      void this.exited.then(() => {
        const lastLines = this.recentLines.join('\n');
        reject(new Error(`Airlock exited (code ${this.exitCode}) before listening; last lines:\n${lastLines}`));
      });
    });
  }

  /** SIGTERM, then SIGKILL after 10 s; then the temporary folder goes unless kept. */
  async stop(shouldKeep = false): Promise<void> {
    if (this.child !== undefined && this.exitCode === undefined) {
      process.kill(this.pid, 'SIGTERM');
      const isGone = await Promise.race([this.exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!isGone) {
        process.kill(this.pid, 'SIGKILL');
        await this.exited;
      }
    }
    if (shouldKeep) process.stdout.write(`kept ${this.folder}\n`);
    else rmSync(this.folder, { recursive: true, force: true });
  }

  private writeConfig(): string {
    const configFile = join(this.folder, 'airlock.yaml');
    writeFileSync(join(this.folder, 'token.key'), `${this.tokenKey.toString('hex')}\n`, { mode: 0o600 });
    const publicKey = `${this.clientKey.public} load-test`;
    writeFileSync(configFile, stringify({
      listen: '127.0.0.1:0',
      dataDir: './data',
      tokenKeyFile: './token.key',
      log: { level: 'info' },
      processor: { quietMs: this.setup.quietMs, concurrency: this.setup.jobs },
      limits: this.limits(),
      clients: this.setup.clientIds.map((id) => ({ id, publicKeys: [publicKey], profile: 'load' })),
      profiles: { load: LOAD_PROFILE },
    }));
    return configFile;
  }

  /** The per-address and per-client limits guard against one abuser; here one address is all. */
  limits(): Record<string, number> {
    const { sessions, clientIds } = this.setup;
    return {
      maxConnections: Math.max(200, sessions + 10),
      connectionsPerAddress: sessions + 10,
      sessionsPerClient: Math.ceil(sessions / clientIds.length) + 2,
    };
  }

  /** Counts warnings and errors; returns the port from `gateway listening`. */
  private record(line: string): number | undefined {
    this.recentLines.push(line.slice(0, 400));
    if (this.recentLines.length > 10) this.recentLines.shift();
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      entry = { level: 'unparsed', message: line.slice(0, 200) };
    }
    if (entry.message === 'gateway listening' && typeof entry.port === 'number') return entry.port;
    if (entry.level === 'info' || entry.level === 'debug') return undefined;

    const kind = `${String(entry.level)}: ${String(entry.message)}`;
    this.problems.set(kind, (this.problems.get(kind) ?? 0) + 1);
    if (this.problemExamples.length < 8) this.problemExamples.push(line.slice(0, 400));
    return undefined;
  }
}

/** `tsc -p .` as `npm test` runs it; type errors elsewhere still emit, so they only warn. */
export function buildAirlock(): void {
  const build = spawnSync('npx', ['tsc', '-p', '.'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (build.status !== 0) {
    const firstLines = build.stdout.split('\n').slice(0, 5).join('\n');
    process.stderr.write(`warning: tsc reported problems; running what it emitted\n${firstLines}\n`);
  }
}

/** VmRSS and VmHWM (peak) of a process, in MiB, from /proc. */
export function memoryOf(pid: number): { rssMib: number; peakMib: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMib: kib('VmRSS') / KIB, peakMib: kib('VmHWM') / KIB };
  } catch {
    return undefined;
  }
}

/** User plus system CPU seconds a process has used, from /proc. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime, fields 14 and 15 of proc(5), in clock ticks of 1/100 s on Linux.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** A claims file of about `bytes`, its SHA-256, and the SHA-256 the core alone gives it. */
export interface InputFile {
  bytes: Buffer;
  sha256: string;
  expectedResultSha256: string;
}

export async function makeInput(folder: string, bytes: number, seed: number, profile: Profile, tokenKey: Buffer): Promise<InputFile> {
  const path = join(folder, `input-${bytes}-${seed}.csv`);
  await generateClaims(path, bytes, seed);
  const content = readFileSync(path);
  rmSync(path);
  return {
    bytes: content,
    sha256: sha256(content),
    expectedResultSha256: await deidentifiedSha256(Readable.from([content], { objectMode: false }), profile, tokenKey),
  };
}

export async function deidentifiedSha256(input: Readable, profile: Profile, tokenKey: Buffer): Promise<string> {
  const hash = createHash('sha256');
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { hash.update(chunk); done(); } });
  await deidentify(input, sink, { profile, tokenKey, inputName: 'claims.csv' });
  return hash.digest('hex');
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Fails a request that gets no reply, so a stuck gateway shows up as an error, not a hang. */
function withTimeout<T>(what: string, run: (done: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(`${what}: no reply`), { code: 'TIMEOUT' })), REQUEST_TIMEOUT_MS);
    run((error, value) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value);
    });
  });
}

/** One SSH connection with one SFTP channel, and the few requests a client of Airlock makes. */
export class SftpSession {
  isClosed = false;

  private constructor(private readonly client: InstanceType<typeof Client>, private readonly sftp: SFTPWrapper) {}

  static async open(port: number, clientId: string, privateKey: string): Promise<SftpSession> {
    const client = new Client();
    const session = await new Promise<SftpSession>((resolve, reject) => {
      client.once('error', reject);
      client.once('ready', () => client.sftp((error, sftp) => {
        if (error) reject(error);
        else resolve(new SftpSession(client, sftp));
      }));
      client.connect({ host: '127.0.0.1', port, username: clientId, privateKey, readyTimeout: REQUEST_TIMEOUT_MS });
    });
    client.on('error', () => { session.isClosed = true; });
    client.on('close', () => { session.isClosed = true; });
    return session;
  }

  /** Writes a whole file with several WRITEs outstanding; resolves when CLOSE is acknowledged. */
  async upload(path: string, content: Buffer): Promise<void> {
    const handle = await withTimeout<Buffer>('open', (done) => this.sftp.open(path, 'w', done));
    const offsets: number[] = [];
    for (let offset = 0; offset < content.length; offset += CHUNK_BYTES) offsets.push(offset);
    const writeNext = async (): Promise<void> => {
      for (let offset = offsets.shift(); offset !== undefined; offset = offsets.shift()) {
        const length = Math.min(CHUNK_BYTES, content.length - offset);
        await withTimeout<void>('write', (done) => this.sftp.write(handle, content, offset, length, offset, done));
      }
    };
    await Promise.all(Array.from({ length: OUTSTANDING_REQUESTS }, writeNext));
    await withTimeout<void>('close', (done) => this.sftp.close(handle, done));
  }

  async list(folder: string): Promise<Map<string, number>> {
    const entries = await withTimeout<FileEntryWithStats[]>('readdir', (done) => this.sftp.readdir(folder, done));
    return new Map(entries.map((entry) => [entry.filename, entry.attrs.size]));
  }

  /** Reads `size` bytes with several READs outstanding, then checks that the file ends there. */
  async download(path: string, size: number): Promise<Buffer> {
    const handle = await withTimeout<Buffer>('open', (done) => this.sftp.open(path, 'r', done));
    const content = Buffer.alloc(size);
    const offsets: number[] = [];
    for (let offset = 0; offset < size; offset += CHUNK_BYTES) offsets.push(offset);
    const readNext = async (): Promise<void> => {
      for (let offset = offsets.shift(); offset !== undefined; offset = offsets.shift()) {
        const length = Math.min(CHUNK_BYTES, size - offset);
        const got = await withTimeout<number>('read', (done) => this.sftp.read(handle, content, offset, length, offset, done));
        if (got !== length) throw Object.assign(new Error('short read'), { code: 'SHORT_READ' });
      }
    };
    await Promise.all(Array.from({ length: OUTSTANDING_REQUESTS }, readNext));
    await withTimeout<void>('close', (done) => this.sftp.close(handle, done));
    return content;
  }

  async remove(path: string): Promise<void> {
    await withTimeout<void>('remove', (done) => this.sftp.unlink(path, done));
  }

  end(): void {
    this.client.end();
  }

  destroy(): void {
    this.client.destroy();
  }
}

export type RoundOutcome =
  | { kind: 'verified'; latencyMs: number; resultBytes: number }
  | { kind: 'failed'; error: string };

/**
 * One upload from start to pickup: the file, its marker holding its SHA-256, polling the
 * outbox until the result and its report are both listed, then download, checks and delete.
 * Latency runs from the marker's CLOSE acknowledgement to the listing that shows both.
 */
export async function uploadRound(
  session: SftpSession, name: string, input: InputFile, pollMs: number, deadlineMs: number,
): Promise<RoundOutcome> {
  const stage = { now: 'upload' };
  try {
    await session.upload(`inbox/${name}`, input.bytes);
    stage.now = 'marker';
    await session.upload(`inbox/${name}.done`, Buffer.from(`${input.sha256}  ${name}\n`));
    const markedAt = performance.now();

    stage.now = 'wait';
    const result = resultName(name);
    const report = `${result}.report.json`;
    for (;;) {
      const listing = await session.list('outbox');
      const resultBytes = listing.get(result);
      if (resultBytes !== undefined && listing.has(report)) {
        const latencyMs = performance.now() - markedAt;
        stage.now = 'pickup';
        const problem = await pickUp(session, result, resultBytes, input, listing.get(report) ?? 0);
        return problem === undefined ? { kind: 'verified', latencyMs, resultBytes } : { kind: 'failed', error: problem };
      }
      if (listing.has(`${name}.error.json`)) return { kind: 'failed', error: await jobFailure(session, name) };
      if (performance.now() > deadlineMs) return { kind: 'failed', error: 'no result before the deadline' };
      await sleep(pollMs);
    }
  } catch (error) {
    return { kind: 'failed', error: `${stage.now}: ${describeError(error)}` };
  }
}

/** Downloads result and report, checks both SHA-256 pairs and deletes them; a problem or undefined. */
async function pickUp(
  session: SftpSession, result: string, resultBytes: number, input: InputFile, reportBytes: number,
): Promise<string | undefined> {
  const content = await session.download(`outbox/${result}`, resultBytes);
  const report = JSON.parse((await session.download(`outbox/${result}.report.json`, reportBytes)).toString('utf8')) as {
    input?: { sha256?: string; bytes?: number };
    output?: { sha256?: string; bytes?: number };
  };
  await session.remove(`outbox/${result}`);
  await session.remove(`outbox/${result}.report.json`);

  const resultSha256 = sha256(content);
  if (report.input?.sha256 !== input.sha256 || report.input.bytes !== input.bytes.length) {
    return 'report: input SHA-256 or size differs from the bytes sent';
  }
  if (report.output?.sha256 !== resultSha256) return 'result: SHA-256 differs from its report';
  if (resultSha256 !== input.expectedResultSha256) return 'result: differs from the core run in-process';
  return undefined;
}

/** Reads `NAME.error.json` for its code, then clears it and the kept input away. */
async function jobFailure(session: SftpSession, name: string): Promise<string> {
  const listing = await session.list('outbox');
  const path = `outbox/${name}.error.json`;
  const report = JSON.parse((await session.download(path, listing.get(`${name}.error.json`) ?? 0)).toString('utf8')) as {
    error?: { code?: string };
  };
  await session.remove(path);
  await session.remove(`inbox/${name}`).catch(() => undefined);
  return `job failed: ${report.error?.code ?? 'no code'}`;
}

function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message.slice(0, 80) : `${String(code)} ${message.slice(0, 60)}`;
}

export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? NaN;
}

export function numberOption(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a number`);
  return value;
}

/** Sizes from 10 KiB to 2 MiB, evenly spaced on a log scale. */
function inputSizes(count: number): number[] {
  const smallest = 10 * KIB;
  const largest = 2048 * KIB;
  return Array.from({ length: count }, (_, index) => Math.round(smallest * (largest / smallest) ** (index / (count - 1))));
}

interface LoadOptions {
  seconds: number;
  sessions: number;
  clients: number;
  jobs: number;
  quietMs: number;
  pollMs: number;
  maxUploads: number;
  shouldBuild: boolean;
  shouldKeep: boolean;
}

interface Tally {
  uploads: number;
  uploadedBytes: number;
  verified: number;
  downloadedBytes: number;
  latenciesMs: number[];
  errors: Map<string, number>;
  sessionsConnected: number;
  sessionsWithResult: Set<number>;
  reconnects: number;
}

async function runLoad(options: LoadOptions): Promise<void> {
  const clientIds = Array.from({ length: options.clients }, (_, index) => `load-${String(index + 1).padStart(3, '0')}`);
  const airlock = new AirlockUnderTest({ clientIds, sessions: options.sessions, quietMs: options.quietMs, jobs: options.jobs, shouldBuild: options.shouldBuild });
  try {
    const inputs = await Promise.all(inputSizes(8).map((bytes, index) => makeInput(airlock.folder, bytes, 100 + index, airlock.profile, airlock.tokenKey)));
    const port = await airlock.start();
    const memory = sampleMemory(airlock.pid);
    await sleep(1000);
    const idle = memoryOf(airlock.pid);

    const tally: Tally = {
      uploads: 0, uploadedBytes: 0, verified: 0, downloadedBytes: 0, latenciesMs: [], errors: new Map(),
      sessionsConnected: 0, sessionsWithResult: new Set(), reconnects: 0,
    };
    const startedAt = performance.now();
    const stopAt = startedAt + options.seconds * 1000;
    // A round started just before the end still gets time to finish; past that, connections are cut.
    const graceMs = 120_000;
    const sessions = Array.from({ length: options.sessions }, (_, index) =>
      runSession(index, clientIds[index % clientIds.length] ?? 'load-001', port, airlock, inputs, tally, options, stopAt, stopAt + graceMs));
    await Promise.all(sessions);
    const elapsedS = (performance.now() - startedAt) / 1000;

    const cpu = { airlock: cpuSecondsOf(airlock.pid), loadClient: process.cpuUsage() };
    await sleep(2000);
    const settled = memoryOf(airlock.pid);
    memory.stop();
    printLoad(options, tally, elapsedS, { idle, settled, peakRssMib: memory.peakRssMib(), airlock });
    const clientCpuS = (cpu.loadClient.user + cpu.loadClient.system) / 1e6;
    process.stdout.write(`CPU seconds: Airlock ${cpu.airlock?.toFixed(1) ?? '-'}, this load client ` +
      `${clientCpuS.toFixed(1)} (including input preparation), on ${availableParallelism()} CPUs\n`);
  } finally {
    await airlock.stop(options.shouldKeep);
  }
}

function sampleMemory(pid: number): { stop(): void; peakRssMib(): number } {
  let peakRssMib = 0;
  const timer = setInterval(() => {
    peakRssMib = Math.max(peakRssMib, memoryOf(pid)?.rssMib ?? 0);
  }, 250);
  return { stop: () => clearInterval(timer), peakRssMib: () => peakRssMib };
}

/** One session's loop: connect, rounds until the stop time, reconnecting after a dropped connection. */
async function runSession(
  index: number, clientId: string, port: number, airlock: AirlockUnderTest, inputs: InputFile[],
  tally: Tally, options: LoadOptions, stopAt: number, cutAt: number,
): Promise<void> {
  await sleep(index * 20);
  let round = 0;
  let hasConnected = false;
  while (performance.now() < stopAt && tally.uploads < options.maxUploads) {
    let session: SftpSession;
    try {
      session = await SftpSession.open(port, clientId, airlock.clientKey.private);
    } catch (error) {
      countError(tally, `connect: ${describeError(error)}`);
      await sleep(1000);
      continue;
    }
    if (hasConnected) tally.reconnects += 1;
    else tally.sessionsConnected += 1;
    hasConnected = true;
    const cutTimer = setTimeout(() => session.destroy(), Math.max(0, cutAt - performance.now()));

    while (!session.isClosed && performance.now() < stopAt && tally.uploads < options.maxUploads) {
      const input = inputs[(index + round) % inputs.length] ?? inputs[0]!;
      const name = `s${String(index).padStart(3, '0')}-${round}.csv`;
      round += 1;
      tally.uploads += 1;
      tally.uploadedBytes += input.bytes.length;
      const outcome = await uploadRound(session, name, input, options.pollMs, cutAt);
      if (outcome.kind === 'failed') {
        countError(tally, outcome.error);
        continue;
      }
      tally.verified += 1;
      tally.downloadedBytes += outcome.resultBytes;
      tally.latenciesMs.push(outcome.latencyMs);
      tally.sessionsWithResult.add(index);
    }
    clearTimeout(cutTimer);
    session.end();
  }
}

function countError(tally: Tally, kind: string): void {
  tally.errors.set(kind, (tally.errors.get(kind) ?? 0) + 1);
}

interface MemoryFigures {
  idle: ReturnType<typeof memoryOf>;
  settled: ReturnType<typeof memoryOf>;
  peakRssMib: number;
  airlock: AirlockUnderTest;
}

function printLoad(options: LoadOptions, tally: Tally, elapsedS: number, memory: MemoryFigures): void {
  const sorted = [...tally.latenciesMs].sort((a, b) => a - b);
  const mib = (bytes: number): string => (bytes / KIB / KIB).toFixed(1);
  const lines = [
    `load: ${options.sessions} sessions, ${options.clients} client accounts, ${options.seconds} s, ` +
      `inputs 10 KiB-2 MiB, processor concurrency ${options.jobs}, quietMs ${options.quietMs}, poll ${options.pollMs} ms ` +
      `(node ${process.version})`,
    `limits raised for one source address: ${JSON.stringify(memory.airlock.limits())}`,
    `sessions served: ${tally.sessionsConnected}/${options.sessions} connected, ` +
      `${tally.sessionsWithResult.size} got verified results, ${tally.reconnects} reconnects`,
    `uploads: ${tally.uploads} (${mib(tally.uploadedBytes)} MiB)`,
    `results verified by SHA-256: ${tally.verified} (result = report = in-process core; input = report)`,
    `errors: ${[...tally.errors.values()].reduce((sum, count) => sum + count, 0)}`,
    ...[...tally.errors].map(([kind, count]) => `  ${count} x ${kind}`),
    `gateway process peak memory: VmHWM ${memory.airlock.exitCode === undefined ? fixed(memoryOf(memory.airlock.pid)?.peakMib) : '?'} MiB ` +
      `(sampled VmRSS peak ${memory.peakRssMib.toFixed(0)} MiB; idle before load ${fixed(memory.idle?.rssMib)} MiB, ` +
      `2 s after load ${fixed(memory.settled?.rssMib)} MiB)`,
    `marker-to-result latency: p50 ${fixed(percentile(sorted, 0.5))} ms, p99 ${fixed(percentile(sorted, 0.99))} ms, ` +
      `max ${fixed(sorted.at(-1))} ms`,
    `throughput over ${elapsedS.toFixed(1)} s: ${(tally.verified / elapsedS).toFixed(1)} results/s, ` +
      `upload ${(tally.uploadedBytes / KIB / KIB / elapsedS).toFixed(1)} MiB/s, ` +
      `download ${(tally.downloadedBytes / KIB / KIB / elapsedS).toFixed(1)} MiB/s`,
    `Airlock warnings and errors logged: ${memory.airlock.problems.size === 0 ? 'none' : ''}`,
    ...[...memory.airlock.problems].map(([kind, count]) => `  ${count} x ${kind}`),
    ...memory.airlock.problemExamples.map((line) => `  e.g. ${line}`),
    ...(memory.airlock.exitCode === undefined ? [] : [`Airlock EXITED during the load, code ${memory.airlock.exitCode}`]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function fixed(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? '-' : value.toFixed(0);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const positional = args.filter((arg, at) => /^\d+$/.test(arg) && !(args[at - 1] ?? '').startsWith('--'));
  const sessions = Math.max(1, Number(positional[0] ?? 100));
  const seconds = Number(positional[1] ?? 60);
  await runLoad({
    seconds,
    sessions,
    clients: Math.max(1, Math.min(sessions, numberOption(args, '--clients', sessions))),
    jobs: numberOption(args, '--jobs', 2),
    quietMs: numberOption(args, '--quiet-ms', 500),
    pollMs: numberOption(args, '--poll-ms', 100),
    maxUploads: numberOption(args, '--max-uploads', 20_000),
    shouldBuild: !args.includes('--no-build'),
    shouldKeep: args.includes('--keep'),
  });
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) await main();
