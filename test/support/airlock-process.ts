import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { stringify } from 'yaml';

import { TEST_TOKEN_KEY_HEX } from './test-secrets.js';

/** Every line any Airlock process logs during `npm test` ends here, for the secrets audit. */
const auditLog = process.env.AIRLOCK_TEST_LOG_DIR === undefined
  ? undefined
  : join(process.env.AIRLOCK_TEST_LOG_DIR, `airlock-process-${process.pid}.log`);

export type LogEntry = Record<string, unknown> & { message?: string };

/**
 * Airlock as a user runs it: `node bin/airlock.js start --config FILE` in a child process, its
 * JSON log lines collected so that tests can wait for events (the listening port among them).
 */
export class AirlockProcess {
  readonly logs: LogEntry[] = [];
  private child: ChildProcess | undefined;
  private waiters: { match: (entry: LogEntry) => boolean; resolve: (entry: LogEntry) => void }[] = [];
  private exited: Promise<number | null> = Promise.resolve(null);
  private signalled: Promise<NodeJS.Signals | null> = Promise.resolve(null);

  constructor(readonly configFile: string) {}

  /** `env` adds to the test's environment, e.g. AIRLOCK_FAULT_KILL_AT to stop a job at a step. */
  start(role: 'start' | 'gateway' | 'processor' = 'start', env: Record<string, string> = {}): void {
    const child = spawn(process.execPath, ['bin/airlock.js', role, '--config', this.configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    this.signalled = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    createInterface({ input: child.stdout! }).on('line', (line) => this.record(line));
    createInterface({ input: child.stderr! }).on('line', (line) => this.record(line));
  }

  /** The first log entry, past or future, that matches. */
  waitForLog(match: (entry: LogEntry) => boolean, timeoutMs = 30_000): Promise<LogEntry> {
    const seen = this.logs.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const recent = (): string => this.logs.slice(-8).map((entry) => JSON.stringify(entry)).join('\n');
      const timer = setTimeout(() => reject(new Error(`no matching log entry within ${timeoutMs} ms; last lines:\n${recent()}`)), timeoutMs);
      this.waiters.push({ match, resolve: (entry) => { clearTimeout(timer); resolve(entry); } });
    });
  }

  async listeningPort(): Promise<number> {
    const entry = await this.waitForLog((candidate) => candidate.message === 'gateway listening');
    return entry.port as number;
  }

  async stop(): Promise<number | null> {
    this.child?.kill('SIGTERM');
    return this.exited;
  }

  /** Waits for the process to end by itself; the signal that ended it, or null for an exit. */
  exitSignal(): Promise<NodeJS.Signals | null> {
    return this.signalled;
  }

  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  private record(line: string): void {
    if (auditLog !== undefined) appendFileSync(auditLog, `${line}\n`);
    let entry: LogEntry;
    try {
      entry = JSON.parse(line) as LogEntry;
    } catch {
      entry = { message: line, unparsed: true };
    }
    this.logs.push(entry);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.match(entry)) return true;
      waiter.resolve(entry);
      return false;
    });
  }
}

/** A temporary folder holding a configuration, its data folder and its token key. */
export class TestInstallation {
  readonly folder = mkdtempSync(join(tmpdir(), 'airlock-test-'));
  readonly dataDir = join(this.folder, 'data');
  readonly configFile = join(this.folder, 'airlock.yaml');
  readonly tokenKeyHex = TEST_TOKEN_KEY_HEX;

  constructor(config: Record<string, unknown>) {
    writeFileSync(join(this.folder, 'token.key'), `${this.tokenKeyHex}\n`, { mode: 0o600 });
    this.writeConfig(config);
  }

  /** Writes the configuration file: test defaults (loopback, port 0) under the given keys. */
  writeConfig(config: Record<string, unknown>): void {
    const full = { listen: '127.0.0.1:0', dataDir: './data', tokenKeyFile: './token.key', log: { level: 'debug' }, ...config };
    writeFileSync(this.configFile, stringify(full));
  }

  remove(): void {
    rmSync(this.folder, { recursive: true, force: true });
  }
}
