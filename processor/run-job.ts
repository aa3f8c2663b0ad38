import { PassThrough, pipeline, type Readable } from 'node:stream';

import type { Config } from '../config/load.js';
import { deidentify, resultName, type DeidStats } from '../core/deid/deidentify.js';
import type { Profile } from '../core/deid/profile-schema.js';
import { AirlockError, isAirlockError, type JobCode } from '../core/errors.js';
import { clientKey } from '../core/layout.js';
import type { Logger } from '../core/log.js';
import type { StorageBackend } from '../core/storage/backend.js';
import type { Claim, ClaimStore } from './claims.js';
import { DigestStream, readSmall } from './job-streams.js';
import { expectedChecksum, MAX_MARKER_BYTES } from './marker-checksum.js';
import type { Marker } from './marker.js';
import { errorReport, successReport } from './report.js';

export interface JobDeps {
  config: Config;
  storage: StorageBackend;
  claims: ClaimStore;
  tokenKey: Buffer;
  log: Logger;
  /** Called as a job passes each step; the crash-safety tests stop the process there. */
  afterStep?: (step: JobStep) => void;
}

/** The points between a job's steps where a crash leaves a distinct state behind. */
export type JobStep = 'job started' | 'result published' | 'report published' | 'claim marked published';

export type JobOutcome =
  | { kind: 'done'; jobId: string }
  | { kind: 'failed'; jobId: string; code: JobCode }
  | { kind: 'skipped' }
  | { kind: 'retry'; jobId: string };

/**
 * Whether a job code says the input, its marker or the client's profile is at fault (the client
 * gets `NAME.error.json`, no retry) or the job could not run (everything stays for a retry).
 * A new job code without an answer here does not compile.
 */
const IS_INPUT_FAULT: Record<JobCode, boolean> = {
  CHECKSUM_MISMATCH: true, MARKER_WITHOUT_FILE: true, BAD_MARKER: true, UNKNOWN_COLUMN: true,
  MISSING_COLUMN: true, DUPLICATE_COLUMN: true, BLANK_COLUMN: true, EMPTY_FILE: true,
  MALFORMED_CSV: true, RAGGED_ROW: true, RECORD_TOO_LARGE: true, BAD_VALUE: true,
  BAD_ENCODING: true, BAD_GZIP: true, RELEASE_GATE: true, PROFILE_MISSING: true,
  STORAGE_FAILURE: false,
};

export function isJobFailure(error: unknown): error is AirlockError {
  return isAirlockError(error) && IS_INPUT_FAULT[error.code as JobCode] === true;
}

/**
 * One job from marker to result. Storage failures leave everything in place for a retry;
 * failures of the input end in `NAME.error.json` with the input kept and the marker removed.
 */
export async function runJob(marker: Marker, deps: JobDeps): Promise<JobOutcome> {
  const markerStat = await deps.storage.stat(marker.markerKey);
  if (markerStat === undefined) return { kind: 'skipped' };
  const claim = await deps.claims.claim(marker, markerStat.mtimeMs);
  if (claim === undefined) return { kind: 'skipped' };
  // Another processor may have finished the job, removed the marker and released its claim
  // between the look above and this claim: without a marker there is nothing left to run.
  if ((await deps.storage.stat(marker.markerKey)) === undefined) {
    await deps.claims.release(claim);
    return { kind: 'skipped' };
  }

  const jobId = claim.record.jobId;
  const log = deps.log.child({ jobId, client: marker.clientId, input: `inbox/${marker.inputName}` });
  const startedAt = new Date();
  let shouldRelease = true;
  try {
    if (claim.record.state === 'published') {
      log.info('job resumed after publishing');
      await removeInputs(marker, deps);
      log.info('job finished', { durationMs: Date.now() - startedAt.getTime() });
      return { kind: 'done', jobId };
    }

    log.info('job started');
    reached('job started', deps);
    await withLease(claim, deps, (signal) => deidentifyAndPublish(marker, jobId, startedAt, deps, signal, log));
    shouldRelease = await deps.claims.markPublished(claim);
    log.debug('claim marked published');
    reached('claim marked published', deps);
    if (!shouldRelease) {
      // Another processor took the job over while this one published; it finishes the cleanup.
      log.warn('claim lost after publishing');
      return { kind: 'done', jobId };
    }
    await removeInputs(marker, deps);
    log.info('job finished', { durationMs: Date.now() - startedAt.getTime() });
    return { kind: 'done', jobId };
  } catch (error) {
    if (isJobFailure(error)) {
      await publishFailure(marker, jobId, error, startedAt, deps);
      log.info('job failed', { code: error.code, line: error.location.line, column: error.location.column });
      return { kind: 'failed', jobId, code: error.code as JobCode };
    }
    log.error('job interrupted, will retry', describeInterruption(error));
    return { kind: 'retry', jobId };
  } finally {
    if (shouldRelease) await deps.claims.release(claim);
  }
}

async function deidentifyAndPublish(
  marker: Marker, jobId: string, startedAt: Date, deps: JobDeps, signal: AbortSignal, log: Logger,
): Promise<void> {
  const expectedSha256 = expectedChecksum(await readMarker(marker, deps), marker.inputName);
  const upload = await deps.storage.stat(marker.inputKey);
  if (upload === undefined || upload.isDirectory) {
    throw new AirlockError('MARKER_WITHOUT_FILE', 'the marker has no upload beside it');
  }

  const profile = profileFor(marker, deps.config);
  const name = resultName(marker.inputName);
  const inputDigest = new DigestStream(expectedSha256);
  const outputDigest = new DigestStream();
  const input = pipeline(deps.storage.createReadStream(marker.inputKey), inputDigest, () => undefined);
  const stopReading = (): void => {
    input.destroy(new AirlockError('INTERNAL', 'the job lost its claim'));
  };
  signal.addEventListener('abort', stopReading, { once: true });

  log.info('deidentifying', { bytes: upload.size, profile: profile.name });
  let stats: DeidStats;
  try {
    stats = await streamThrough(input, outputDigest, deps, profile, marker, name);
  } finally {
    signal.removeEventListener('abort', stopReading);
  }
  if (signal.aborted) throw new AirlockError('INTERNAL', 'the job lost its claim');
  log.debug('result published', { rowsWritten: stats.rowsWritten });
  reached('result published', deps);

  const report = successReport({
    jobId, clientId: marker.clientId, inputName: marker.inputName, resultName: name, profile,
    input: { bytes: inputDigest.bytes, sha256: inputDigest.sha256 },
    output: { bytes: outputDigest.bytes, sha256: outputDigest.sha256 },
    stats, timing: { startedAt, finishedAt: new Date() },
  });
  await deps.storage.publish(clientKey(marker.clientId, 'outbox', `${name}.report.json`), report);
  log.debug('report published');
  reached('report published', deps);
  await deps.storage.remove(clientKey(marker.clientId, 'outbox', `${marker.inputName}.error.json`)).catch(() => undefined);
}

/**
 * Runs the engine and the publish side by side. Whichever fails first stops the other, so a
 * failed job never leaves a result, and a refused publish never leaves the engine waiting.
 */
async function streamThrough(
  input: Readable, outputDigest: DigestStream, deps: JobDeps, profile: Profile, marker: Marker, name: string,
): Promise<DeidStats> {
  const sink = new PassThrough();
  const published = outputDigest;
  sink.pipe(published);
  let firstError: unknown;
  const remember = (error: unknown): never => {
    firstError ??= error;
    throw error;
  };

  const engine = deidentify(input, sink, { profile, tokenKey: deps.tokenKey, inputName: marker.inputName })
    .catch((error: unknown) => {
      published.destroy(error as Error);
      return remember(error);
    });
  const publishing = deps.storage.publish(clientKey(marker.clientId, 'outbox', name), published)
    .catch((error: unknown) => {
      // The engine's own output is ended too: destroying the input alone can leave the engine
      // waiting (a local read stream paused by backpressure never finishes closing), and with it
      // the job, its retry and the processor's shutdown.
      sink.destroy(error as Error);
      input.destroy(error as Error);
      return remember(error);
    });

  const [engineResult] = await Promise.allSettled([engine, publishing]);
  if (firstError !== undefined) throw firstError;
  return (engineResult as PromiseFulfilledResult<DeidStats>).value;
}

/**
 * Renews the claim while `work` runs. Renewals never overlap: each replaces the record version
 * the previous one wrote, so two at once would see each other's change as a lost claim. The
 * last renewal is awaited before the job goes on to mark its claim published, for the same reason.
 */
async function withLease<T>(claim: Claim, deps: JobDeps, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const lost = new AbortController();
  const renewEveryMs = Math.max(200, Math.floor(deps.config.processor.leaseMs / 3));
  let renewal: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (renewal !== undefined) return;
    renewal = deps.claims.renew(claim)
      .then((isHeld) => { if (!isHeld) lost.abort(); }, () => undefined)
      .finally(() => { renewal = undefined; });
  }, renewEveryMs);
  try {
    return await work(lost.signal);
  } finally {
    clearInterval(timer);
    await renewal;
  }
}

function reached(step: JobStep, deps: JobDeps): void {
  deps.afterStep?.(step);
}

async function readMarker(marker: Marker, deps: JobDeps): Promise<Buffer> {
  const tooLarge = (): Error => new AirlockError('BAD_MARKER', `marker is larger than ${MAX_MARKER_BYTES} bytes`);
  return readSmall(deps.storage.createReadStream(marker.markerKey), MAX_MARKER_BYTES, tooLarge);
}

function profileFor(marker: Marker, config: Config): Profile {
  const client = config.clients.find((candidate) => candidate.id === marker.clientId);
  const profile = client === undefined ? undefined : config.profiles[client.profile];
  if (profile === undefined) throw new AirlockError('PROFILE_MISSING', 'no profile is configured for this client');
  return profile;
}

async function publishFailure(marker: Marker, jobId: string, error: AirlockError, startedAt: Date, deps: JobDeps): Promise<void> {
  const report = errorReport({
    jobId, clientId: marker.clientId, inputName: marker.inputName, error,
    timing: { startedAt, finishedAt: new Date() },
  });
  await deps.storage.publish(clientKey(marker.clientId, 'outbox', `${marker.inputName}.error.json`), report);
  // The input stays for the client to inspect or fix; uploading the marker again retries.
  await deps.storage.remove(marker.markerKey).catch(() => undefined);
}

async function removeInputs(marker: Marker, deps: JobDeps): Promise<void> {
  const client = deps.config.clients.find((candidate) => candidate.id === marker.clientId);
  if (client?.keepInputs !== true) await removeIfPresent(marker.inputKey, deps);
  await removeIfPresent(marker.markerKey, deps);
}

async function removeIfPresent(key: string, deps: JobDeps): Promise<void> {
  try {
    await deps.storage.remove(key);
  } catch (error) {
    if (!isAirlockError(error, 'NOT_FOUND')) throw error;
  }
}

/** Fields for a log line about an unexpected failure: its code and class, never its message's data. */
function describeInterruption(error: unknown): Record<string, unknown> {
  if (isAirlockError(error)) return { code: error.code, reason: error.message };
  const cause = error as { name?: string; code?: string } | undefined;
  return { code: 'INTERNAL', errorName: cause?.name, errno: cause?.code };
}
