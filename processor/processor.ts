import { randomUUID } from 'node:crypto';
import { join, relative, sep } from 'node:path';

import { watch, type FSWatcher } from 'chokidar';

import type { Config } from '../config/load.js';
import { CLIENTS_FOLDER, NOTICES_FOLDER, noticeKey, STAGING_FOLDER } from '../core/layout.js';
import { baseName } from '../core/storage/storage-key.js';
import type { Logger } from '../core/log.js';
import type { StorageBackend } from '../core/storage/backend.js';
import { ClaimStore } from './claims.js';
import { markerFromKey, markerFromNotice, markerId, type Marker } from './marker.js';
import { runJob, type JobDeps } from './run-job.js';

export interface ProcessorDeps {
  config: Config;
  storage: StorageBackend;
  tokenKey: Buffer;
  log: Logger;
  /** Called as each job passes each step (see JobStep); for fault injection in tests. */
  afterStep?: JobDeps['afterStep'];
  /** Names this processor in claims; unique per process unless given. */
  instanceId?: string;
}

export interface RunningProcessor {
  /** Tells the processor that a key changed (the gateway calls it for uploads in the same process). */
  notify(key: string): void;
  close(): Promise<void>;
}

const RETRY_FIRST_MS = 2000;
const RETRY_MAX_MS = 60_000;

/**
 * Finds markers and runs one job per marker, at most `concurrency` at a time. Markers are found
 * three ways: a notice from the gateway in the same process, a file watcher on local storage,
 * and a periodic scan of storage (which also finds markers that arrived while no processor ran).
 */
export async function startProcessor(deps: ProcessorDeps): Promise<RunningProcessor> {
  const owner = deps.instanceId ?? `processor-${randomUUID()}`;
  const log = deps.log.child({ component: 'processor', instance: owner });
  const claims = new ClaimStore(deps.storage, owner, deps.config.processor.leaseMs);
  const queue = new JobQueue({ ...deps, claims, log }, log);

  const suffixFor = (clientId: string): string | undefined =>
    deps.config.clients.find((client) => client.id === clientId)?.markerSuffix;
  const notify = (key: string): void => {
    const marker = markerFromKey(key, suffixFor);
    if (marker !== undefined) queue.add(marker);
  };

  if (deps.storage.kind === 'local') await removeStagedLeftovers(deps.storage, log);

  const fullScan = async (): Promise<void> => {
    for await (const entry of deps.storage.walk(CLIENTS_FOLDER)) notify(entry.key);
    log.debug('marker scan finished');
  };
  const noticeScan = async (): Promise<void> => {
    for await (const entry of deps.storage.walk(NOTICES_FOLDER)) {
      const marker = markerFromNotice(entry.key, suffixFor);
      if (marker !== undefined) queue.add(marker);
    }
    log.debug('notice scan finished');
  };
  await fullScan();

  // Local disk is cheap to walk and watched besides; on S3 the frequent pass reads notices only.
  const frequentScan = deps.storage.kind === 'local' ? fullScan : noticeScan;
  const timers = [
    repeat(frequentScan, deps.config.processor.scanIntervalMs, log),
    ...(deps.storage.kind === 'local' ? [] : [repeat(fullScan, deps.config.processor.fullScanIntervalMs, log)]),
  ];

  const watcher = deps.storage.kind === 'local' ? watchLocalInboxes(deps.config.dataDir, notify) : undefined;
  log.info('processor started', { storage: deps.storage.kind, concurrency: deps.config.processor.concurrency });

  return {
    notify,
    async close() {
      timers.forEach(clearInterval);
      await watcher?.close();
      await queue.drain();
      log.info('processor stopped');
    },
  };
}

/** Runs a scan every `intervalMs`, never two at once, logging (not throwing) a failed pass. */
function repeat(scan: () => Promise<void>, intervalMs: number, log: Logger): NodeJS.Timeout {
  let isRunning = false;
  return setInterval(() => {
    if (isRunning) return;
    isRunning = true;
    scan()
      .catch((error: unknown) => log.error('marker scan failed', { errorName: (error as Error).name, code: (error as { code?: string }).code }))
      .finally(() => { isRunning = false; });
  }, intervalMs);
}

/**
 * Publishing on local disk stages each object before its rename; a crash mid-publish leaves the
 * staged half behind, out of every client's sight. Local storage serves one processor, so at its
 * start nothing staged is still in use.
 */
async function removeStagedLeftovers(storage: StorageBackend, log: Logger): Promise<void> {
  let removed = 0;
  for await (const entry of storage.walk(STAGING_FOLDER)) {
    await storage.remove(entry.key);
    removed += 1;
  }
  if (removed > 0) log.info('staged leftovers removed', { count: removed });
}

function watchLocalInboxes(dataDir: string, notify: (key: string) => void): FSWatcher {
  const root = join(dataDir, CLIENTS_FOLDER);
  const toKey = (path: string): string => relative(dataDir, path).split(sep).join('/');
  return watch(root, { ignoreInitial: true, depth: 2, followSymlinks: false })
    .on('add', (path) => notify(toKey(path)))
    .on('change', (path) => notify(toKey(path)));
}

/**
 * Markers waiting, markers running, and the rule that a job starts only once its upload and
 * marker have been still for `quietMs`: a client may still be writing either.
 */
class JobQueue {
  private readonly waiting = new Map<string, Marker>();
  private readonly running = new Map<string, Promise<void>>();
  /** Markers waiting out a quiet period or a retry delay; scans that find them again wait too. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly retryDelayMs = new Map<string, number>();
  private isClosing = false;

  constructor(
    private readonly deps: JobDeps,
    private readonly log: Logger,
  ) {}

  add(marker: Marker): void {
    const id = markerId(marker);
    if (this.isClosing || this.waiting.has(id) || this.running.has(id) || this.timers.has(id)) return;
    this.waiting.set(id, marker);
    this.pump();
  }

  async drain(): Promise<void> {
    this.isClosing = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.waiting.clear();
    await Promise.allSettled(this.running.values());
  }

  private pump(): void {
    for (const [id, marker] of this.waiting) {
      if (this.running.size >= this.deps.config.processor.concurrency) return;
      this.waiting.delete(id);
      const run = this.start(marker).finally(() => {
        this.running.delete(id);
        this.pump();
      });
      this.running.set(id, run);
    }
  }

  private async start(marker: Marker): Promise<void> {
    try {
      const waitMs = await this.remainingQuietMs(marker);
      if (waitMs === undefined) return await this.forgetNotice(marker);
      if (waitMs > 0) return this.later(marker, waitMs);

      const outcome = await runJob(marker, this.deps);
      if (outcome.kind === 'retry') return this.later(marker, this.nextRetryDelay(marker));
      this.retryDelayMs.delete(markerId(marker));
      if (outcome.kind !== 'skipped') await this.forgetNotice(marker);
    } catch (error) {
      this.log.error('job could not start', { errorName: (error as Error).name, code: (error as { code?: string }).code });
      this.later(marker, this.nextRetryDelay(marker));
    }
  }

  /** Milliseconds until the marker and its upload have been still long enough; undefined if the marker is gone. */
  private async remainingQuietMs(marker: Marker): Promise<number | undefined> {
    const markerStat = await this.deps.storage.stat(marker.markerKey);
    if (markerStat === undefined) return undefined;
    const inputStat = await this.deps.storage.stat(marker.inputKey);
    const lastChangeMs = Math.max(markerStat.mtimeMs, inputStat?.mtimeMs ?? 0);
    return Math.max(0, lastChangeMs + this.deps.config.processor.quietMs - Date.now());
  }

  private async forgetNotice(marker: Marker): Promise<void> {
    if (this.deps.storage.kind === 'local') return;
    await this.deps.storage.remove(noticeKey(marker.clientId, baseName(marker.markerKey))).catch(() => undefined);
  }

  private later(marker: Marker, delayMs: number): void {
    if (this.isClosing) return;
    const id = markerId(marker);
    clearTimeout(this.timers.get(id));
    this.timers.set(id, setTimeout(() => {
      this.timers.delete(id);
      this.add(marker);
    }, delayMs));
  }

  private nextRetryDelay(marker: Marker): number {
    const id = markerId(marker);
    const delayMs = Math.min(RETRY_MAX_MS, (this.retryDelayMs.get(id) ?? RETRY_FIRST_MS / 2) * 2);
    this.retryDelayMs.set(id, delayMs);
    return delayMs;
  }
}
