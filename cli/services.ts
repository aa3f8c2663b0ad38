import type { Config } from '../config/load.js';
import { loadConfig } from '../config/load.js';
import { ensureClientFolders } from '../core/client-folders.js';
import { readLinkageSecrets } from '../core/deid/linkage/index.js';
import { clientKey, noticeKey } from '../core/layout.js';
import { createLogger, type Logger } from '../core/log.js';
import type { StorageBackend } from '../core/storage/backend.js';
import { LocalDiskStorage } from '../core/storage/local-disk.js';
import { baseName } from '../core/storage/storage-key.js';
import { createTokenKeyFile, readTokenKey } from '../core/token-key.js';
import { AIRLOCK_VERSION } from '../core/version.js';
import { startGateway } from '../gateway/gateway.js';
import { markerFromKey } from '../processor/marker.js';
import { startProcessor, type RunningProcessor } from '../processor/processor.js';
import type { JobStep } from '../processor/run-job.js';

export type ServiceRole = 'both' | 'gateway' | 'processor';

interface Stoppable {
  close(): Promise<void>;
}

/**
 * Starts the gateway, the processor or both from one configuration file, and stops them on
 * SIGINT or SIGTERM. A configuration problem throws before anything listens.
 */
export async function runServices(configFile: string, role: ServiceRole): Promise<void> {
  const config = loadConfig(configFile);
  const log = createLogger(config.log);
  log.info('airlock starting', { version: AIRLOCK_VERSION, role, config: describeConfig(config) });

  if (config.createTokenKey && createTokenKeyFile(config.tokenKeyFile)) log.warn('token key created', { file: config.tokenKeyFile });
  const tokenKey = role === 'gateway' ? undefined : readTokenKey(config.tokenKeyFile);
  if (role !== 'gateway') checkLinkageSecrets(config);

  const storage = await createStorage(config, log);
  await ensureClientFolders(storage, config.clients.map((client) => client.id));

  const running: Stoppable[] = [];
  const afterStep = faultInjection(process.env.AIRLOCK_FAULT_KILL_AT, log);
  const processor = tokenKey === undefined ? undefined : await startProcessor({ config, storage, tokenKey, log, afterStep });
  if (processor !== undefined) running.push(processor);

  if (role !== 'processor') {
    const gateway = await startGateway({
      config, storage, log,
      onInboxChange: async (event: InboxChange) => announceInboxChange(event, config, storage, processor),
    });
    running.unshift(gateway);
    if (config.welcome !== undefined) process.stderr.write(`\n${config.welcome.trim()}\n\n`);
  }

  stopOnSignal(running, storage, log);
}

interface InboxChange {
  clientId: string;
  path: string;
}

/**
 * Tells processors about a marker: directly when one runs in this process, and on S3 through a
 * notice record that every processor sharing the bucket lists (see `noticeKey`).
 */
async function announceInboxChange(
  event: InboxChange, config: Config, storage: StorageBackend, processor: RunningProcessor | undefined,
): Promise<void> {
  const key = clientKey(event.clientId, 'inbox', event.path.replace(/^inbox\//, ''));
  const suffixFor = (clientId: string): string | undefined => config.clients.find((client) => client.id === clientId)?.markerSuffix;
  const marker = markerFromKey(key, suffixFor);
  if (marker === undefined) return;

  if (storage.kind !== 'local') await storage.publish(noticeKey(marker.clientId, baseName(marker.markerKey)), Buffer.alloc(0));
  processor?.notify(key);
}

/**
 * `AIRLOCK_FAULT_KILL_AT=STEP` makes the process kill itself with SIGKILL the first time a job
 * reaches STEP: the crash-safety tests use it to stop a job at an exact point, which a kill sent
 * from outside on seeing a log line cannot do for steps a few microseconds apart.
 */
function faultInjection(step: string | undefined, log: Logger): ((reached: JobStep) => void) | undefined {
  if (step === undefined || step === '') return undefined;
  log.warn('fault injection armed', { killAt: step });
  return (reached) => {
    if (reached === step) process.kill(process.pid, 'SIGKILL');
  };
}

/** Each job reads its profile's linkage secrets afresh; a missing one stops start-up instead. */
function checkLinkageSecrets(config: Config): void {
  for (const profile of Object.values(config.profiles)) {
    if (profile.linkage !== undefined) readLinkageSecrets(profile.linkage, '/');
  }
}

async function createStorage(config: Config, log: Logger): Promise<StorageBackend> {
  if (config.storage.type === 'local') return new LocalDiskStorage(config.dataDir);
  const { S3Storage } = await import('../core/storage/s3.js');
  log.info('storage', { type: 's3', bucket: config.storage.bucket, prefix: config.storage.prefix });
  return new S3Storage(config.storage);
}

const SHUTDOWN_GRACE_MS = 15_000;

function stopOnSignal(running: Stoppable[], storage: StorageBackend, log: Logger): void {
  let isStopping = false;
  const stop = (signal: string): void => {
    if (isStopping) return;
    isStopping = true;
    log.info('airlock stopping', { signal });
    // Jobs stopped here are retried by the next processor (their claims lapse); a job or a
    // session stuck on storage must not keep the process from ending.
    setTimeout(() => {
      log.warn('airlock stopped before its jobs and sessions finished', { waitedMs: SHUTDOWN_GRACE_MS });
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    Promise.allSettled(running.map((service) => service.close()))
      .then(() => storage.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** The effective configuration for the start-up log: structure and names, secrets as `[set]`. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    file: config.file,
    listen: `${config.listen.host}:${config.listen.port}`,
    dataDir: config.dataDir,
    storage: config.storage,
    tokenKeyFile: config.tokenKeyFile,
    processor: config.processor,
    profiles: Object.keys(config.profiles),
    clients: config.clients.map((client) => ({
      id: client.id,
      profile: client.profile,
      password: client.password === undefined ? '[unset]' : '[set]',
      publicKeys: client.publicKeys.length,
    })),
  };
}
