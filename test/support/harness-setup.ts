import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { Config } from '../../config/load.js';
import { configSchema, type ConfigInput } from '../../config/schema.js';

const run = promisify(execFile);

/** What a test needs to reach an in-process gateway as a client with a key. */
export interface SftpTarget {
  readonly port: number;
  readonly keyFile: string;
  readonly knownHostsFile: string;
}

/** An ed25519 key pair for the test client, made by ssh-keygen in `dir` as `client_key`. */
export async function makeHarnessKey(dir: string): Promise<{ keyFile: string; publicKey: string }> {
  const keyFile = join(dir, 'client_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'acme@test', '-f', keyFile]);
  return { keyFile, publicKey: (await readFile(`${keyFile}.pub`, 'utf8')).trim() };
}

/** A checked configuration for a gateway on 127.0.0.1, a free port and data under `dir`. */
export function harnessConfig(dir: string, input: Partial<ConfigInput>): Config {
  const parsed = configSchema.parse({
    listen: '127.0.0.1:0', dataDir: join(dir, 'data'), tokenKeyFile: join(dir, 'token.key'), ...input,
  });
  return { ...parsed, file: join(dir, 'airlock.yaml'), profiles: {} };
}
