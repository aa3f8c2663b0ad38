import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

import cliProgress from 'cli-progress';

import type { Config } from '../config/load.js';
import { deidentify, type DeidStats } from '../core/deid/deidentify.js';
import { AirlockError } from '../core/errors.js';
import { readTokenKey } from '../core/token-key.js';

export interface DeidCommandArgs {
  config: Config;
  profileName: string;
  inputPath: string;
  outputPath: string;
}

/**
 * `airlock deid`: the gateway's engine on a local file. The result is written beside its final
 * name and renamed into place at the end, so a failed run leaves no half-written output.
 */
export async function runDeidCommand(args: DeidCommandArgs): Promise<DeidStats> {
  const profile = args.config.profiles[args.profileName];
  if (profile === undefined) {
    const known = Object.keys(args.config.profiles).join(', ') || 'none';
    throw new AirlockError('PROFILE_MISSING', `no profile "${args.profileName}" in the configuration (profiles: ${known})`);
  }

  const tokenKey = readTokenKey(args.config.tokenKeyFile);
  if (resolve(args.inputPath) === resolve(args.outputPath)) {
    throw new Error('the output would replace the input: name another output file');
  }
  const outputFolder = await stat(dirname(resolve(args.outputPath))).catch(() => undefined);
  if (outputFolder?.isDirectory() !== true) throw new Error(`the output folder ${dirname(resolve(args.outputPath))} does not exist`);
  const totalBytes = (await stat(args.inputPath)).size;
  const partialPath = join(dirname(args.outputPath), `.${basename(args.outputPath)}.${randomBytes(6).toString('hex')}.partial`);
  const bar = process.stderr.isTTY ? startProgressBar(totalBytes) : undefined;

  try {
    const stats = await deidentify(createReadStream(args.inputPath), createWriteStream(partialPath, { flags: 'wx' }), {
      profile,
      tokenKey,
      inputName: basename(args.inputPath),
      onProgress: (inputBytes) => bar?.update(inputBytes),
    });
    await rename(partialPath, args.outputPath);
    return stats;
  } catch (error) {
    await rm(partialPath, { force: true });
    throw error;
  } finally {
    bar?.stop();
  }
}

function startProgressBar(totalBytes: number): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar(
    { format: 'deid [{bar}] {percentage}% | {value}/{total} bytes | {eta_formatted} left', stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(totalBytes, 0);
  return bar;
}
