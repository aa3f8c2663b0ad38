import type { Config } from '../config/load.js';
import { readLinkageSecrets } from '../core/deid/linkage/index.js';
import type { Logger } from '../core/log.js';
import type { StorageBackend } from '../core/storage/backend.js';
import { LocalDiskStorage } from '../core/storage/local-disk.js';
import { readTokenKey } from '../core/token-key.js';
import { startProcessor, type RunningProcessor } from '../processor/processor.js';
import type { JobStep } from '../processor/run-job.js';

export async function createStorage(config: Config, log: Logger): Promise<StorageBackend> {
  if (config.storage.type === 'local') return new LocalDiskStorage(config.dataDir);
  const { S3Storage } = await import('../core/storage/s3.js');
  log.info('storage', { type: 's3', bucket: config.storage.bucket, prefix: config.storage.prefix });
  return new S3Storage(config.storage);
}

/** Reads what jobs need (token key, linkage secrets) and starts a processor on `storage`. */
export async function startConfiguredProcessor(config: Config, storage: StorageBackend, log: Logger): Promise<RunningProcessor> {
  const tokenKey = readTokenKey(config.tokenKeyFile);
  checkLinkageSecrets(config);
  const afterStep = faultInjection(process.env.AIRLOCK_FAULT_KILL_AT, log);
  return startProcessor({ config, storage, tokenKey, log, afterStep });
}

/** Each job reads its profile's linkage secrets afresh; a missing one stops start-up instead. */
export function checkLinkageSecrets(config: Config): void {
  for (const profile of Object.values(config.profiles)) {
    if (profile.linkage !== undefined) readLinkageSecrets(profile.linkage, '/');
  }
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
