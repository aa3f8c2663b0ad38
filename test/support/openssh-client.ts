import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SftpResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** An ed25519 key pair for a test client, made by OpenSSH's own ssh-keygen. */
export function makeClientKey(folder: string, name = 'client'): { privateKeyFile: string; publicKeyLine: string } {
  const privateKeyFile = join(folder, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@test`, '-f', privateKeyFile]);
  return { privateKeyFile, publicKeyLine: readFileSync(`${privateKeyFile}.pub`, 'utf8').trim() };
}

/**
 * Runs an OpenSSH `sftp -b` batch. The known-hosts file pins the gateway's host key on first
 * contact and checks it on every later one, restarts included.
 */
export function sftpBatch(options: {
  port: number; user: string; privateKeyFile: string; knownHostsFile: string; batch: string; cwd?: string;
}): SftpResult {
  const result = spawnSync('sftp', [
    '-b', '-', '-P', String(options.port), '-i', options.privateKeyFile,
    '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new',
    '-o', `UserKnownHostsFile=${options.knownHostsFile}`, '-o', 'IdentitiesOnly=yes',
    `${options.user}@127.0.0.1`,
  ], { input: options.batch, encoding: 'utf8', cwd: options.cwd, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
