import type { Config } from '../config/load.js';
import { loadConfig } from '../config/load.js';
import { ensureClientFolders } from '../core/client-folders.js';
import { clientKey, noticeKey } from '../core/layout.js';
import { createLogger, type Logger } from '../core/log.js';
import type { StorageBackend } from '../core/storage/backend.js';
import { baseName } from '../core/storage/storage-key.js';
import { createTokenKeyFile, readTokenKey } from '../core/token-key.js';
import { AIRLOCK_VERSION } from '../core/version.js';
import { startGateway } from '../gateway/gateway.js';
import { markerFromKey } from '../processor/marker.js';
import type { RunningProcessor } from '../processor/processor.js';
import { checkLinkageSecrets, createStorage, startConfiguredProcessor } from './processor-setup.js';
import { startProcessorThread } from './processor-thread.js';

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
  // What jobs need is checked here, so a missing key stops start-up before anything listens.
  if (role !== 'gateway') {
    readTokenKey(config.tokenKeyFile);
    checkLinkageSecrets(config);
  }

  const storage = await createStorage(config, log);
  await ensureClientFolders(storage, config.clients.map((client) => client.id));

  const running: Stoppable[] = [];
  const processor = role === 'processor'
    ? await startConfiguredProcessor(config, storage, log)
    : role === 'both' ? await startProcessorThread(config.file, log) : undefined;
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
