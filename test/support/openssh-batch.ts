import { spawn, type ChildProcess } from 'node:child_process';

import type { SftpResult } from './openssh-client.js';

export interface BatchOptions {
  port: number;
  user: string;
  privateKeyFile: string;
  knownHostsFile: string;
  batch: string;
  cwd?: string;
}

/**
 * An OpenSSH `sftp -b` batch that runs beside others (the synchronous helper in
 * openssh-client.ts blocks the test's event loop, and with it the logs of the processes under
 * test). `child` is the sftp process, so that a test can watch it or wait for it.
 */
export function sftpBatchAsync(options: BatchOptions): { child: ChildProcess; done: Promise<SftpResult> } {
  const child = spawn('sftp', [
    '-b', '-', '-P', String(options.port), '-i', options.privateKeyFile,
    '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new',
    '-o', `UserKnownHostsFile=${options.knownHostsFile}`, '-o', 'IdentitiesOnly=yes',
    '-o', 'ConnectTimeout=20', `${options.user}@127.0.0.1`,
  ], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => { stdout += text; });
  child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text; });
  child.stdin.end(options.batch);
  const done = new Promise<SftpResult>((resolve) => {
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  return { child, done };
}
