import { appendFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import ssh2 from 'ssh2';
import winston from 'winston';

import type { Config } from '../../config/load.js';
import type { ConfigInput } from '../../config/schema.js';
import { hashPassword } from '../../core/password.js';
import type { StorageBackend } from '../../core/storage/backend.js';
import { LocalDiskStorage } from '../../core/storage/local-disk.js';
import { startGateway, type RunningGateway } from '../../gateway/gateway.js';
import { RawSftp } from './raw-sftp.js';
import { TEST_PASSWORD } from './test-secrets.js';
import { harnessConfig, makeHarnessKey } from './harness-setup.js';


/** Client ids of the security harness: `acme` logs in with a key or TEST_PASSWORD, the rest with the password. */
export const KEY_CLIENT = 'acme';
export const OTHER_CLIENT = 'beta';

export interface SecurityHarnessOptions {
  /** `limits`, `security` and extra clients; the two clients above are always there. */
  config?: Partial<ConfigInput>;
  /** Extra keys for each extra client beyond acme and beta. */
  extraClients?: { id: string; allowFrom?: string[] }[];
  wrapStorage?: (storage: StorageBackend) => StorageBackend;
}

export type LoginOutcome = 'accepted' | 'refused' | 'closed';

/**
 * A gateway in-process on 127.0.0.1 for the security tests: clients take their password from
 * test-secrets.ts, so the suite's log audit proves none of them reaches a log, and every log
 * line is appended to the audit folder when `npm test` runs. Other loopback addresses
 * (127.0.0.2 and up) stand in for other remote addresses.
 */
export class SecurityHarness {
  gateway!: RunningGateway;
  readonly logLines: string[] = [];
  readonly inboxEvents: { clientId: string; path: string }[] = [];

  private constructor(readonly dir: string, readonly config: Config, private readonly options: SecurityHarnessOptions) {}

  static async start(options: SecurityHarnessOptions = {}): Promise<SecurityHarness> {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-security-'));
    const { publicKey } = await makeHarnessKey(dir);
    const password = await hashPassword(TEST_PASSWORD);
    const config = harnessConfig(dir, {
      ...options.config,
      clients: [
        { id: KEY_CLIENT, password, publicKeys: [publicKey], profile: 'test' },
        { id: OTHER_CLIENT, password, profile: 'test' },
        ...(options.extraClients ?? []).map((client) => ({ ...client, password, profile: 'test' })),
      ],
    });
    const harness = new SecurityHarness(dir, config, options);
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

  diskPath(clientPath: string, clientId = KEY_CLIENT): string {
    return join(this.storageRoot, 'clients', clientId, clientPath);
  }

  /** A packet-level SFTP session as acme, logged in with the key. */
  rawSftp(): Promise<RawSftp> {
    return RawSftp.connect(this);
  }

  /** One password login from `localAddress`; the connection is closed again at once. */
  async passwordLogin(username: string, password: string, localAddress = '127.0.0.1'): Promise<LoginOutcome> {
    const connection = new ssh2.Client();
    const outcome = await new Promise<LoginOutcome>((resolve) => {
      connection.on('ready', () => resolve('accepted'));
      connection.on('error', (error: Error & { level?: string }) => {
        resolve(error.level === 'client-authentication' ? 'refused' : 'closed');
      });
      connection.on('close', () => resolve('closed'));
      connection.connect({
        host: '127.0.0.1', port: this.port, localAddress, username, password,
        hostVerifier: () => true, readyTimeout: 20_000,
      });
    });
    connection.end();
    return outcome;
  }

  /** Opens a bare TCP connection and gathers everything the server sends until it closes. */
  rawTcp(localAddress = '127.0.0.1', send?: Buffer): { received: Promise<string>; socket: ReturnType<typeof connectTcp> } {
    const socket = connectTcp({ host: '127.0.0.1', port: this.port, localAddress });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    if (send !== undefined) socket.write(send);
    const received = new Promise<string>((resolve) => {
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    });
    return { received, socket };
  }

  logEntries(): Record<string, unknown>[] {
    return this.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  logged(message: string): Record<string, unknown>[] {
    return this.logEntries().filter((entry) => entry.message === message);
  }

  /** Waits until a log line with this message has been written, and returns the entries. */
  async untilLogged(message: string, count = 1): Promise<Record<string, unknown>[]> {
    while (this.logged(message).length < count) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.logged(message);
  }

  async close(): Promise<void> {
    await this.gateway.close();
    const auditFolder = process.env.AIRLOCK_TEST_LOG_DIR;
    if (auditFolder !== undefined) {
      appendFileSync(join(auditFolder, `security-harness-${process.pid}.log`), `${this.logLines.join('\n')}\n`);
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
      onInboxChange: async (event) => {
        this.inboxEvents.push(event);
      },
    });
    const folder = join(this.config.dataDir, 'host-keys');
    const lines = await Promise.all(['ssh_host_ed25519_key.pub', 'ssh_host_rsa_key.pub'].map(async (file) => {
      const [type, blob] = (await readFile(join(folder, file), 'utf8')).trim().split(/\s+/);
      return `[127.0.0.1]:${this.port} ${type} ${blob}`;
    }));
    await writeFile(this.knownHostsFile, `${lines.join('\n')}\n`);
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
