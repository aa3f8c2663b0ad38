import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

import { deidentify, type DeidStats } from '../../../core/deid/deidentify.js';
import { profileSchema, type Profile } from '../../../core/deid/profile-schema.js';
import { AirlockError, type ErrorCode } from '../../../core/errors.js';

/** A fixed test key: 32 bytes counting up from 1. */
export const TEST_KEY = Buffer.from(Array.from({ length: 32 }, (_, index) => index + 1));

/** The token the spec defines, computed here without Airlock's code. */
export function expectedToken(value: string, key: Buffer = TEST_KEY): string {
  return createHmac('sha256', key).update(value.trim(), 'utf8').digest('hex');
}

export function makeProfile(input: unknown, name = 'test'): Profile {
  return { ...profileSchema.parse(input), name };
}

export interface DeidRun {
  text: string;
  bytes: Buffer;
  stats: DeidStats;
}

export async function runDeid(input: string | Buffer, profile: Profile, inputName = 'input.csv'): Promise<DeidRun> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const stats = await deidentify(Readable.from([bytes]), output, { profile, tokenKey: TEST_KEY, inputName });
  const result = Buffer.concat(chunks);
  return { text: result.toString('utf8'), bytes: result, stats };
}

/** Runs a file that must fail, and returns the AirlockError after checking its code. */
export async function runDeidFailure(input: string | Buffer, profile: Profile, code: ErrorCode, inputName?: string): Promise<AirlockError> {
  try {
    await runDeid(input, profile, inputName);
  } catch (error) {
    assert.ok(error instanceof AirlockError, `expected an AirlockError, got ${String(error)}`);
    assert.equal(error.code, code);
    return error;
  }
  assert.fail(`expected ${code}, but the run succeeded`);
}

/** Splits a result into rows of cells; for results without quoted fields only. */
export function cellsOf(text: string, delimiter = ','): string[][] {
  return text.split(/\r?\n/).filter((line) => line !== '').map((line) => line.split(delimiter));
}

/** The repository root, found from this file whether it runs from source or from dist/. */
export function repoRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('no package.json above the test file');
    folder = parent;
  }
  return folder;
}
