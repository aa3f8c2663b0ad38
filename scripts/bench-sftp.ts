// SFTP throughput benchmark: OpenSSH's `sftp` client uploading and downloading one file against
// Airlock and against OpenSSH's own sshd with its sftp-server, both on loopback, for each cipher
// clients negotiate most, with the CPU seconds of client and server and the Airlock/OpenSSH
// ratio per cell. Not a test: the numbers depend on the machine.
//
//   npx tsx scripts/bench-sftp.ts [SIZE_MIB] [--runs N] [--dir FOLDER] [--internal-sftp]
//                                 [--cpu-prof FOLDER]
//
// SIZE_MIB defaults to 1024 (1 GiB). Each cell is the median of N runs (default 3), the two
// servers taking turns so that a noisy moment hits both. Files live in FOLDER, by default on
// tmpfs (/dev/shm), as in SFTP-SPEED.md, so that the disk does not decide; the OpenSSH server
// is `sshd -D -f CONFIG` on 127.0.0.1 with its own host key and authorized_keys in a temporary
// folder (subsystem /usr/lib/openssh/sftp-server, Debian's default, or internal-sftp).
// --cpu-prof writes a V8 CPU profile of the Airlock gateway into FOLDER when it stops.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIB = 1024 * 1024;
const CIPHERS = ['aes128-gcm@openssh.com', 'chacha20-poly1305@openssh.com'] as const;
/** The repository's top folder, whether this runs through tsx or compiled under dist/. */
const REPOSITORY = fileURLToPath(new URL('../', import.meta.url)).replace(/\/dist\/?$/, '/');
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

type Direction = 'upload' | 'download';

interface Target {
  name: 'Airlock' | 'OpenSSH';
  port: number;
  user: string;
  /** Where the uploaded file goes, as the client names it. */
  remotePath: string;
  /** CPU seconds the server (with every process it has reaped) has used so far. */
  serverCpuSeconds(): number;
  stop(): Promise<void>;
}

interface Measurement {
  mbPerSecond: number;
  clientCpuSeconds: number;
  serverCpuSeconds: number;
}

interface Options {
  sizeMib: number;
  runs: number;
  folder: string;
  useInternalSftp: boolean;
  profileFolder: string | undefined;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const work = await mkdtemp(join(options.folder, 'airlock-bench-sftp-'));
  const targets: Target[] = [];
  try {
    const keyFile = join(work, 'client_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bench', '-f', keyFile]);
    const source = join(work, 'source.bin');
    await writeRandomFile(source, options.sizeMib * MIB);
    const sourceHash = await sha256Of(source);

    targets.push(await startAirlock(work, keyFile, options.profileFolder));
    targets.push(await startOpenSsh(work, keyFile, options.useInternalSftp));
    const knownHosts = join(work, 'known_hosts');
    const client = { keyFile, knownHosts, source, sourceHash, bytes: options.sizeMib * MIB };

    const rows: string[][] = [];
    for (const cipher of CIPHERS) {
      for (const direction of ['upload', 'download'] as const) {
        const [airlock, openssh] = await measurePair(targets, cipher, direction, client, options.runs);
        if (airlock === undefined || openssh === undefined) throw new Error('a server was not measured');
        rows.push(row(cipher, direction, airlock, openssh));
      }
    }
    printReport(options, rows);
  } finally {
    for (const target of targets) await target.stop();
    await rm(work, { recursive: true, force: true });
  }
}

function parseOptions(args: string[]): Options {
  const valueOf = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at === -1 ? undefined : args[at + 1];
  };
  const takesValue = ['--runs', '--dir', '--cpu-prof'];
  const positional = args.find((arg, index) => !arg.startsWith('--') && !takesValue.includes(args[index - 1] ?? ''));
  const folder = valueOf('--dir') ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  return {
    sizeMib: Number(positional ?? 1024),
    runs: Number(valueOf('--runs') ?? 3),
    folder,
    useInternalSftp: args.includes('--internal-sftp'),
    profileFolder: valueOf('--cpu-prof'),
  };
}

interface ClientFiles {
  keyFile: string;
  knownHosts: string;
  source: string;
  sourceHash: string;
  bytes: number;
}

/** Runs each server in turn, `runs` times, and returns each one's median cell. */
async function measurePair(
  targets: Target[], cipher: string, direction: Direction, client: ClientFiles, runs: number,
): Promise<Measurement[]> {
  const samples: Measurement[][] = targets.map(() => []);
  for (let run = 0; run < runs; run += 1) {
    for (const [index, target] of targets.entries()) {
      samples[index]!.push(await transfer(target, cipher, direction, client));
    }
  }
  return samples.map((runsOfOne) => median(runsOfOne));
}

async function transfer(
  target: Target, cipher: string, direction: Direction, client: ClientFiles,
): Promise<Measurement> {
  const copy = `${client.source}.copy`;
  if (direction === 'download') await rm(copy, { force: true });
  const line = direction === 'upload'
    ? `put ${client.source} ${target.remotePath}`
    : `get ${target.remotePath} ${copy}`;

  const serverBefore = target.serverCpuSeconds();
  const clientBefore = reapedChildrenCpuSeconds();
  const startedAt = process.hrtime.bigint();
  await runSftp(target, cipher, line, client);
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  await settle();

  if (direction === 'download' && (await sha256Of(copy)) !== client.sourceHash) {
    throw new Error(`${target.name} returned different bytes`);
  }
  return {
    mbPerSecond: client.bytes / 1e6 / seconds,
    clientCpuSeconds: reapedChildrenCpuSeconds() - clientBefore,
    serverCpuSeconds: target.serverCpuSeconds() - serverBefore,
  };
}

function runSftp(target: Target, cipher: string, line: string, client: ClientFiles): Promise<void> {
  const args = [
    '-F', '/dev/null', '-b', '-', '-P', String(target.port), '-i', client.keyFile,
    '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new',
    '-o', `UserKnownHostsFile=${client.knownHosts}`, '-o', `Ciphers=${cipher}`,
    `${target.user}@127.0.0.1`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('sftp', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`sftp against ${target.name} exited with ${code}: ${stderr.trim()}`));
    });
    child.stdin.end(`${line}\n`);
  });
}

/** Airlock's gateway alone, from the TypeScript sources through tsx, on a free loopback port. */
async function startAirlock(
  work: string, keyFile: string, profileFolder: string | undefined,
): Promise<Target> {
  const port = await freeLoopbackPort();
  const publicKey = readFileSync(`${keyFile}.pub`, 'utf8').trim();
  const configFile = join(work, 'airlock.yaml');
  await writeFile(configFile, [
    `listen: 127.0.0.1:${port}`,
    `dataDir: ${join(work, 'airlock-data')}`,
    'storage: { type: local }',
    `tokenKeyFile: ${join(work, 'token.key')}`,
    'createTokenKey: true',
    'log: { level: warn }',
    'clients:',
    `  - { id: bench, profile: bench, publicKeys: ["${publicKey}"] }`,
    'profiles:',
    '  bench: { unknownColumns: drop, columns: {} }',
    '',
  ].join('\n'));
  const profiling = profileFolder === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileFolder];
  const entry = join(REPOSITORY, 'cli', 'main.ts');
  const args = [...profiling, '--import', 'tsx', entry, 'gateway', '--config', configFile];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], cwd: REPOSITORY });
  await waitForPort(port, child);
  return {
    name: 'Airlock', port, user: 'bench', remotePath: 'inbox/bench.bin',
    serverCpuSeconds: () => cpuSecondsOf(child.pid!, false),
    stop: () => stopChild(child),
  };
}

/** OpenSSH's sshd on loopback with its own host key, port and authorized_keys file. */
async function startOpenSsh(work: string, keyFile: string, useInternalSftp: boolean): Promise<Target> {
  const port = await freeLoopbackPort();
  const folder = join(work, 'sshd');
  mkdirSync(folder);
  const hostKey = join(folder, 'host_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  await writeFile(join(folder, 'authorized_keys'), readFileSync(`${keyFile}.pub`));
  const configFile = join(folder, 'sshd_config');
  await writeFile(configFile, [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${hostKey}`,
    `AuthorizedKeysFile ${join(folder, 'authorized_keys')}`, `PidFile ${join(folder, 'sshd.pid')}`,
    'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no',
    'PermitRootLogin prohibit-password',
    `Subsystem sftp ${useInternalSftp ? 'internal-sftp' : '/usr/lib/openssh/sftp-server'}`, '',
  ].join('\n'));
  // sshd refuses to start without its privilege separation folder, which Debian makes only
  // when the ssh service runs.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr.resume();
  await waitForPort(port, child);
  const user = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
  return {
    name: 'OpenSSH', port, user, remotePath: join(folder, 'bench.bin'),
    // sshd forks a process per connection; once reaped, its CPU shows in sshd's children times.
    serverCpuSeconds: () => cpuSecondsOf(child.pid!, true),
    stop: () => stopChild(child),
  };
}

/** utime + stime (and, with children, cutime + cstime) of a process, from /proc. */
function cpuSecondsOf(pid: number, withChildren: boolean): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  // Fields after the name start at field 3 (state); utime is field 14, cutime field 16.
  const [utime, stime, cutime, cstime] = [fields[11]!, fields[12]!, fields[13]!, fields[14]!];
  return (utime + stime + (withChildren ? cutime + cstime : 0)) / CLOCK_TICKS_PER_SECOND;
}

/** CPU of this process's children that have exited: here, the sftp client and its ssh. */
function reapedChildrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return (fields[13]! + fields[14]!) / CLOCK_TICKS_PER_SECOND;
}

/** Gives sshd time to reap its per-connection processes, so their CPU is counted. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 300));
}

function median(samples: Measurement[]): Measurement {
  const sorted = [...samples].sort((a, b) => a.mbPerSecond - b.mbPerSecond);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) throw new Error('no runs');
  return middle;
}

function row(cipher: string, direction: Direction, airlock: Measurement, openssh: Measurement): string[] {
  return [
    cipher.replace('@openssh.com', ''), direction,
    airlock.mbPerSecond.toFixed(0), openssh.mbPerSecond.toFixed(0),
    (airlock.mbPerSecond / openssh.mbPerSecond).toFixed(2),
    `${airlock.clientCpuSeconds.toFixed(2)} / ${airlock.serverCpuSeconds.toFixed(2)}`,
    `${openssh.clientCpuSeconds.toFixed(2)} / ${openssh.serverCpuSeconds.toFixed(2)}`,
  ];
}

function printReport(options: Options, rows: string[][]): void {
  const header = [
    'cipher', 'direction', 'Airlock MB/s', 'OpenSSH MB/s', 'ratio',
    'Airlock CPU s client / server', 'OpenSSH CPU s client / server',
  ];
  const subsystem = options.useInternalSftp ? 'internal-sftp' : '/usr/lib/openssh/sftp-server';
  const { sizeMib, folder, runs } = options;
  console.log(`SFTP throughput, ${sizeMib} MiB file in ${folder}, median of ${runs} runs;`);
  console.log(`OpenSSH client ${sshVersion()}, OpenSSH server: sshd with ${subsystem}`);
  console.log('');
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const cells of rows) console.log(`| ${cells.join(' | ')} |`);
}

function sshVersion(): string {
  // ssh -V prints its version on standard error.
  const result = spawnSync('ssh', ['-V'], { encoding: 'utf8' });
  return result.stderr.trim();
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
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new Error('no port')) : resolve(port)));
    });
  });
}

/** Waits until something accepts on the port, or fails if the server exits first. */
async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before listening`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listened on port ${port} within 20 s`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

await main();
