import type { Readable, Transform, Writable } from 'node:stream';
import { Transform as TransformStream } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

import iconv from 'iconv-lite';

import { AirlockError } from '../errors.js';
import type { ColumnReport } from './column-plan.js';
import { CsvRecordStream } from './csv-record-stream.js';
import { readDate, type ReadDate } from './dates.js';
import type { Profile } from './profile-schema.js';
import { createLinkage, readLinkageSecrets, type Linkage, type LinkageSecrets } from './linkage/index.js';
import { RowHandler } from './row-handler.js';
import { Utf8Check } from './utf8-check.js';

export interface DeidOptions {
  profile: Profile;
  tokenKey: Buffer;
  /** The input's file name; a `.gz` ending means gzip in and gzip out. */
  inputName: string;
  onProgress?: (inputBytes: number) => void;
  /** The profile's linkage secrets; read from its `linkage` files when absent. */
  linkageSecrets?: LinkageSecrets;
}

export interface DeidStats {
  rowsRead: number;
  rowsWritten: number;
  rowsRejected: number;
  /** Line numbers of rejected rows (the first 1000), never their content. */
  rejectedLines: number[];
  /** Every input column, in header order, with the action it got. */
  columns: ColumnReport[];
  delimiter: string;
  encoding: string;
}

/**
 * Streams one delimited file through a profile. The processor and `airlock deid` both call
 * this, so a file gives the same bytes on premises and in the gateway. A failure rejects with
 * an AirlockError naming line and column; the caller discards what was written so far.
 */
export async function deidentify(input: Readable, output: Writable, options: DeidOptions): Promise<DeidStats> {
  const { profile } = options;
  const isGzip = options.inputName.toLowerCase().endsWith('.gz');
  const referenceDate = referenceDateOf(profile);
  const handler = new RowHandler(profile, { tokenKey: options.tokenKey, referenceDate }, linkageOf(profile, options));
  const records = new CsvRecordStream(handler, {
    declaredDelimiter: profile.delimiter,
    maxRecordBytes: profile.maxRecordBytes,
    skipBadRows: profile.badRows === 'reject',
    encode: encoderOf(profile.encoding),
  });

  const stages: (Transform | Writable)[] = [progressCounter(options.onProgress)];
  if (isGzip) stages.push(createGunzip());
  stages.push(...decoderStages(profile.encoding), records);
  if (isGzip) stages.push(createGzip());

  try {
    await pipeline([input, ...stages, output]);
  } catch (error) {
    throw asJobError(error);
  }
  return {
    ...handler.counts,
    columns: handler.columns,
    delimiter: handler.dialect?.delimiter ?? profile.delimiter ?? ',',
    encoding: profile.encoding,
  };
}

/** `visits.csv` → `visits.deid.csv`, `a.csv.gz` → `a.deid.csv.gz`, `noext` → `noext.deid`. */
export function resultName(inputName: string): string {
  const isGzip = inputName.toLowerCase().endsWith('.gz') && inputName.length > 3;
  const base = isGzip ? inputName.slice(0, -3) : inputName;
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const extension = dot > 0 ? base.slice(dot) : '';
  return `${stem}.deid${extension}${isGzip ? '.gz' : ''}`;
}

function progressCounter(onProgress: DeidOptions['onProgress']): Transform {
  let inputBytes = 0;
  return new TransformStream({
    transform(chunk: Buffer, _encoding, callback) {
      inputBytes += chunk.length;
      onProgress?.(inputBytes);
      callback(null, chunk);
    },
  });
}

function decoderStages(encoding: Profile['encoding']): Transform[] {
  if (encoding === 'utf-8') return [new Utf8Check()];
  return [iconv.decodeStream(encoding) as unknown as Transform];
}

/** The result is written in the input's encoding, so the client's own readers keep working. */
function encoderOf(encoding: Profile['encoding']): (text: string) => Buffer {
  if (encoding === 'utf-8') return (text) => Buffer.from(text, 'utf8');
  return (text) => iconv.encode(text, encoding);
}

// LIMITATION: without a profile referenceDate, ages are counted to today, so a birth date that
// turns 90 overnight gives another year tomorrow, and on-premises and hosted runs on different
// days can differ in capped years. Acceptable as the safe direction (older means capped
// sooner); docs/profiles.md asks profiles that need byte-identical reruns to set the date.
function referenceDateOf(profile: Profile): ReadDate {
  const text = profile.referenceDate ?? new Date().toISOString().slice(0, 10);
  const date = readDate(text);
  if (date === undefined) throw new AirlockError('BAD_VALUE', 'the profile referenceDate is not a date');
  return date;
}

/**
 * The profile's linkage, its secrets read now (the configuration loader made their paths
 * absolute) so that a rotated secret applies from the next job on. Linkage validates birth dates
 * against "today": the profile's reference date when it has one.
 */
function linkageOf(profile: Profile, options: DeidOptions): Linkage | undefined {
  if (profile.linkage === undefined) return undefined;
  const secrets = options.linkageSecrets ?? readLinkageSecrets(profile.linkage, '/');
  const today = profile.referenceDate === undefined ? new Date() : new Date(`${profile.referenceDate}T00:00:00Z`);
  return createLinkage(profile.linkage, secrets, today);
}

function asJobError(error: unknown): AirlockError {
  if (error instanceof AirlockError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
    return new AirlockError('BAD_GZIP', 'the file name ends in .gz but its content is not valid gzip', { cause: error });
  }
  // Never keep a foreign message: it may quote the data. The cause stays for operators' eyes.
  return new AirlockError('STORAGE_FAILURE', 'the job could not read its input or write its result', { cause: error });
}
