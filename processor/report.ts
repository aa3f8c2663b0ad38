import { createHash } from 'node:crypto';

import type { DeidStats } from '../core/deid/deidentify.js';
import type { Profile } from '../core/deid/profile-schema.js';
import type { AirlockError } from '../core/errors.js';
import { AIRLOCK_VERSION } from '../core/version.js';

export interface JobTiming {
  startedAt: Date;
  finishedAt: Date;
}

export interface SuccessReportInput {
  jobId: string;
  clientId: string;
  inputName: string;
  resultName: string;
  profile: Profile;
  input: { bytes: number; sha256: string };
  output: { bytes: number; sha256: string };
  stats: DeidStats;
  timing: JobTiming;
}

/** The report published beside a result: what was done, to what, with which rules. Never values. */
export function successReport(job: SuccessReportInput): Buffer {
  const report = {
    jobId: job.jobId,
    client: job.clientId,
    input: { name: job.inputName, bytes: job.input.bytes, sha256: job.input.sha256 },
    output: { name: job.resultName, bytes: job.output.bytes, sha256: job.output.sha256 },
    rows: {
      read: job.stats.rowsRead,
      written: job.stats.rowsWritten,
      rejected: job.stats.rowsRejected,
      rejectedLines: job.stats.rejectedLines,
    },
    columns: job.stats.columns,
    delimiter: job.stats.delimiter,
    encoding: job.stats.encoding,
    profile: {
      name: job.profile.name,
      sha256: profileHash(job.profile),
      // A profile may name columns a file lacks; the report says which, so nobody assumes them handled.
      columnsNotInFile: Object.keys(job.profile.columns).filter((name) => !job.stats.columns.some((column) => column.name === name)),
    },
    software: { name: 'airlock', version: AIRLOCK_VERSION },
    ...timingFields(job.timing),
  };
  return Buffer.from(`${JSON.stringify(report, null, 2)}\n`);
}

export interface ErrorReportInput {
  jobId: string;
  clientId: string;
  inputName: string;
  error: AirlockError;
  timing: JobTiming;
}

/** `NAME.error.json`: a code, a fixed message and where in the file, never what was there. */
export function errorReport(job: ErrorReportInput): Buffer {
  const report = {
    jobId: job.jobId,
    client: job.clientId,
    input: { name: job.inputName },
    error: {
      code: job.error.code,
      message: job.error.message,
      ...(job.error.location.line === undefined ? {} : { line: job.error.location.line }),
      ...(job.error.location.column === undefined ? {} : { column: job.error.location.column }),
    },
    software: { name: 'airlock', version: AIRLOCK_VERSION },
    ...timingFields(job.timing),
  };
  return Buffer.from(`${JSON.stringify(report, null, 2)}\n`);
}

/** A stable hash of a profile: the same rules give the same hash whatever the key order. */
export function profileHash(profile: Profile): string {
  return createHash('sha256').update(canonicalJson(profile)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function timingFields(timing: JobTiming): { startedAt: string; finishedAt: string; durationMs: number } {
  return {
    startedAt: timing.startedAt.toISOString(),
    finishedAt: timing.finishedAt.toISOString(),
    durationMs: timing.finishedAt.getTime() - timing.startedAt.getTime(),
  };
}
