import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import winston from 'winston';

import type { Config } from '../../config/load.js';
import type { ConfigInput } from '../../config/schema.js';
import { hashPassword } from '../../core/password.js';
import type { StorageBackend } from '../../core/storage/backend.js';
import { LocalDiskStorage } from '../../core/storage/local-disk.js';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { REPO_ROOT } from './repo-root.js';
import { harnessConfig, makeHarnessKey } from './harness-setup.js';
import { TEST_PASSWORD } from './test-secrets.js';


/** Debian's python3, which has paramiko; the pyenv one first on PATH does not. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const CLIENT_ID = 'acme';
export const CLIENT_PASSWORD = TEST_PASSWORD;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface HarnessOptions {
  /** Extra keys merged into the configuration (limits, more clients). */
  config?: Partial<ConfigInput>;
  /** Wraps the local storage, e.g. to watch or fail its calls. */
  wrapStorage?: (storage: StorageBackend) => StorageBackend;
  /** Replaces the listener that records inbox changes in `inboxEvents`. */
  onInboxChange?: (event: { clientId: string; path: string }) => Promise<void>;
}

/**
 * One gateway in-process on 127.0.0.1 with a random port, a temporary data folder, local
 * storage, a client `acme` with an Ed25519 key pair (made with ssh-keygen) and a password,
 * and a known_hosts file pinning the gateway's host keys.
 */
export class GatewayHarness {
  gateway!: RunningGateway;
  readonly inboxEvents: { clientId: string; path: string }[] = [];
  readonly logLines: string[] = [];

  private constructor(
    readonly dir: string,
    readonly config: Config,
    private readonly options: HarnessOptions,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<GatewayHarness> {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-gateway-'));
    const { publicKey } = await makeHarnessKey(dir);
    const config = harnessConfig(dir, {
      clients: [{ id: CLIENT_ID, password: await hashPassword(CLIENT_PASSWORD), publicKeys: [publicKey], profile: 'test' }],
      ...options.config,
    });
    const harness = new GatewayHarness(dir, config, options);
    await harness.startGateway();
    return harness;
  }

  get port(): number {
    return this.gateway.port;
  }

  get keyFile(): string {
    return join(this.dir, 'client_key');
  }

  get knownHostsFile(): string {
    return join(this.dir, 'known_hosts');
  }

  get storageRoot(): string {
    return join(this.config.dataDir, 'storage');
  }

  /** Where a client path such as `inbox/a.csv` lives on disk. */
  diskPath(clientPath: string, clientId = CLIENT_ID): string {
    return join(this.storageRoot, 'clients', clientId, clientPath);
  }

  /** Stops the gateway and starts it again on the same data folder (and a new port). */
  async restart(): Promise<void> {
    await this.gateway.close();
    await this.startGateway();
  }

  /** Runs `sftp -b` with the given batch lines as client acme, key login, host key pinned. */
  async sftpBatch(lines: string[], extraArgs: string[] = []): Promise<CommandResult> {
    const batchFile = join(this.dir, `batch-${Date.now()}-${Math.random().toString(16).slice(2)}`);
    await writeFile(batchFile, `${lines.join('\n')}\n`);
    return runCommand('sftp', [
      '-F', '/dev/null', '-b', batchFile, '-P', String(this.port), '-i', this.keyFile,
      '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${this.knownHostsFile}`, '-o', 'GlobalKnownHostsFile=/dev/null',
      ...extraArgs, `${CLIENT_ID}@127.0.0.1`,
    ]);
  }

  /**
   * Runs a paramiko scenario of test/integration/clients/paramiko_client.py with Debian's
   * python3, logging in as acme with the key pair, or with `password` when given.
   */
  async paramiko(scenario: string, args: string[] = [], login: { password?: string; user?: string } = {}): Promise<Record<string, unknown>> {
    const script = join(REPO_ROOT, 'test', 'integration', 'clients', 'paramiko_client.py');
    const method = login.password === undefined ? ['key', this.keyFile] : ['password', login.password];
    const result = await runCommand(SYSTEM_PYTHON, [
      script, '127.0.0.1', String(this.port), this.knownHostsFile, login.user ?? CLIENT_ID, ...method, scenario, ...args,
    ]);
    if (result.code !== 0) throw new Error(`paramiko scenario ${scenario} failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  async close(): Promise<void> {
    await this.gateway.close();
    // The suite's log audit (test/audit/logs.audit.ts) reads every harness's lines too.
    const auditFolder = process.env.AIRLOCK_TEST_LOG_DIR;
    if (auditFolder !== undefined) {
      appendFileSync(join(auditFolder, `gateway-harness-${process.pid}.log`), `${this.logLines.join('\n')}\n`);
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private async startGateway(): Promise<void> {
    const log = winston.createLogger({
      level: 'debug',
      format: winston.format.json(),
      transports: [new winston.transports.Stream({ stream: lineCollector(this.logLines) })],
    });
    const storage = new LocalDiskStorage(this.storageRoot);
    this.gateway = await startGateway({
      config: this.config,
      storage: this.options.wrapStorage?.(storage) ?? storage,
      log,
      onInboxChange: this.options.onInboxChange ?? (async (event) => {
        this.inboxEvents.push(event);
      }),
    });
    await this.writeKnownHosts();
  }

  private async writeKnownHosts(): Promise<void> {
    const folder = join(this.config.dataDir, 'host-keys');
    const lines = await Promise.all(['ssh_host_ed25519_key.pub', 'ssh_host_rsa_key.pub'].map(async (file) => {
      const [type, blob] = (await readFile(join(folder, file), 'utf8')).trim().split(/\s+/);
      return `[127.0.0.1]:${this.port} ${type} ${blob}`;
    }));
    await writeFile(this.knownHostsFile, `${lines.join('\n')}\n`);
  }

  /** Log entries as parsed JSON objects. */
  logEntries(): Record<string, unknown>[] {
    return this.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

function lineCollector(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim() !== ''));
      done();
    },
  });
}

export function runCommand(command: string, args: string[], input?: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
