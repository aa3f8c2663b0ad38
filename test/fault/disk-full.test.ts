import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import ssh2 from 'ssh2';

import { AirlockProcess, TestInstallation, type LogEntry } from '../support/airlock-process.js';
import { assertClaimsResult, claimsText, CLAIMS_PROFILE } from '../support/claims-files.js';
import { sftpBatchAsync } from '../support/openssh-batch.js';
import { makeClientKey } from '../support/openssh-client.js';
import { waitUntil } from '../support/wait-until.js';

const MIB = 1024 * 1024;
const DISK_BYTES = 16 * MIB;

/** Uploads a file with ssh2's SFTP client, which shows the status and message the gateway sent. */
function uploadWithSsh2(port: number, privateKeyFile: string, localPath: string, remotePath: string): Promise<Error | undefined> {
  return new Promise((resolve, reject) => {
    const connection = new ssh2.Client();
    connection.on('error', reject);
    connection.on('ready', () => connection.sftp((error, sftp) => {
      if (error !== undefined && error !== null) return reject(error);
      sftp.fastPut(localPath, remotePath, (putError) => {
        connection.end();
        resolve(putError ?? undefined);
      });
    }));
    connection.connect({ host: '127.0.0.1', port, username: 'acme', privateKey: readFileSync(privateKeyFile) });
  });
}

/**
 * Local storage on a small tmpfs that fills up: an upload that does not fit fails with a clean
 * SFTP status, and a job whose result does not fit waits and retries instead of blaming the client.
 * Needs root to mount (the CI runs tests as root); a failed mount fails the test, never skips it.
 */
describe('local storage with a full disk', () => {
  let installation: TestInstallation;
  let airlock: AirlockProcess;
  let key: { privateKeyFile: string; publicKeyLine: string };
  let port: number;
  let isMounted = false;

  before(async () => {
    installation = new TestInstallation({});
    key = makeClientKey(installation.folder);
    mkdirSync(installation.dataDir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_BYTES},mode=0750`, 'airlock-test-full', installation.dataDir]);
    isMounted = true;
    installation.writeConfig({
      processor: { quietMs: 200, scanIntervalMs: 500 },
      clients: [{ id: 'acme', publicKeys: [key.publicKeyLine], profile: 'claims' }],
      profiles: { claims: CLAIMS_PROFILE },
    });
    airlock = new AirlockProcess(installation.configFile);
    airlock.start();
    port = await airlock.listeningPort();
  });

  after(async () => {
    // LIMITATION: SIGKILL rather than SIGTERM, since after this test the process has been seen to
    // ignore SIGTERM (cause not yet found); the mount must go whatever happens.
    await airlock?.kill();
    if (isMounted) execFileSync('umount', [installation.dataDir]);
    installation?.remove();
  });

  const sftp = (batch: string) => sftpBatchAsync({
    port, user: 'acme', privateKeyFile: key.privateKeyFile, batch, cwd: installation.folder,
    knownHostsFile: join(installation.folder, 'known_hosts'),
  }).done;
  const inbox = (): string => join(installation.dataDir, 'clients/acme/inbox');
  const outbox = (): string => join(installation.dataDir, 'clients/acme/outbox');

  it('fails an upload larger than the free space with a no-space failure, and processes nothing', async () => {
    writeFileSync(join(installation.folder, 'huge.csv'), Buffer.alloc(DISK_BYTES + 4 * MIB, 'x'));
    writeFileSync(join(installation.folder, 'huge.csv.done'), '');

    const failed = await sftp('put huge.csv inbox/huge.csv\nput huge.csv.done inbox/huge.csv.done\n');
    assert.notEqual(failed.status, 0);
    assert.equal(existsSync(join(inbox(), 'huge.csv.done')), false, 'sftp -b stopped before the marker');

    const refused = await uploadWithSsh2(port, key.privateKeyFile, join(installation.folder, 'huge.csv'), 'inbox/again.csv');
    assert.equal((refused as { code?: number } | undefined)?.code, ssh2.utils.sftp.STATUS_CODE.FAILURE);
    assert.match(refused?.message ?? '', /no space/);

    // The client removes what did not fit; the gateway and its storage go on as before.
    const cleaned = await sftp('rm inbox/huge.csv\nrm inbox/again.csv\nls -l inbox\n');
    assert.equal(cleaned.status, 0, cleaned.stderr);
    assert.deepEqual(readdirSync(outbox()), []);
  });

  it('retries a job whose result does not fit, without an error report, and finishes once space is back', async () => {
    const name = 'fits.csv';
    const text = claimsText('disk', 25_000);
    writeFileSync(join(installation.folder, name), text);
    writeFileSync(join(installation.folder, `${name}.done`), '');
    // Leave room for the upload and its marker, not for a result (tokens make it larger).
    const disk = statfsSync(installation.dataDir);
    const fillerBytes = disk.bavail * disk.bsize - Buffer.byteLength(text) - 256 * 1024;
    writeFileSync(join(installation.dataDir, 'filler'), Buffer.alloc(fillerBytes));

    const sent = await sftp(`put ${name} inbox/${name}\nput ${name}.done inbox/${name}.done\n`);
    assert.equal(sent.status, 0, sent.stderr);
    const isMine = (entry: LogEntry): boolean => entry.input === `inbox/${name}`;
    const interruptions = (): LogEntry[] => airlock.logs.filter((entry) => isMine(entry) && entry.message === 'job interrupted, will retry');
    await waitUntil(() => interruptions().length >= 2, 'two interrupted runs', 60_000);

    assert.ok(interruptions().every((entry) => entry.code === 'NO_SPACE'), JSON.stringify(interruptions()));
    assert.equal(airlock.logs.some((entry) => isMine(entry) && entry.message === 'job failed'), false);
    assert.deepEqual(readdirSync(outbox()), []);
    assert.deepEqual(readdirSync(inbox()).sort(), [name, `${name}.done`]);

    rmSync(join(installation.dataDir, 'filler'));
    await airlock.waitForLog((entry) => isMine(entry) && entry.message === 'job finished', 60_000);
    assert.deepEqual(readdirSync(outbox()).sort(), ['fits.deid.csv', 'fits.deid.csv.report.json']);
    assertClaimsResult(text, readFileSync(join(outbox(), 'fits.deid.csv'), 'utf8'), Buffer.from(installation.tokenKeyHex, 'hex'), name);
    assert.deepEqual(readdirSync(join(installation.dataDir, '.airlock/staging')), []);
  });
});
