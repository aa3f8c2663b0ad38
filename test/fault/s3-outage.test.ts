import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { S3Client } from '@aws-sdk/client-s3';

import { AirlockProcess, TestInstallation, type LogEntry } from '../support/airlock-process.js';
import { assertClaimsResult, claimsText, CLAIMS_PROFILE, listKeys, readObjectText } from '../support/claims-files.js';
import { sftpBatchAsync } from '../support/openssh-batch.js';
import { makeClientKey } from '../support/openssh-client.js';
import { createTestBucket, s3TestConfig, startRadosgw, testS3Client, type S3TestServer } from '../support/radosgw.js';
import { S3FaultProxy } from '../support/s3-fault-proxy.js';
import { waitUntil } from '../support/wait-until.js';

const INBOX = 'airlock/clients/acme/inbox/';
const OUTBOX = 'airlock/clients/acme/outbox/';
const WRITES = new Set(['put', 'upload-part', 'create-multipart', 'complete-multipart']);

/**
 * S3 failing under a running gateway and processor, through a fault-injecting proxy in front of
 * the shared radosgw: the client gets a clean failure, a job is retried until S3 is back, and the
 * outbox never shows a partial or second result.
 */
describe('S3 unreachable or refusing', () => {
  let server: S3TestServer;
  let proxy: S3FaultProxy;
  let bucket: string;
  let s3: S3Client;
  let installation: TestInstallation;
  let key: { privateKeyFile: string; publicKeyLine: string };
  let gateway: AirlockProcess;
  let processor: AirlockProcess;
  let port: number;

  before(async () => {
    server = await startRadosgw();
    bucket = await createTestBucket(server);
    s3 = testS3Client(server);
    proxy = new S3FaultProxy(new URL(server.endpoint));
    await proxy.start();
    installation = new TestInstallation({});
    key = makeClientKey(installation.folder);
    installation.writeConfig({
      // One attempt per request, so that a fault is met at once rather than after the SDK's backoff.
      storage: { ...s3TestConfig(server, bucket), endpoint: proxy.endpoint, maxAttempts: 1 },
      processor: { quietMs: 200, scanIntervalMs: 500, fullScanIntervalMs: 5000, leaseMs: 5000 },
      clients: [{ id: 'acme', publicKeys: [key.publicKeyLine], profile: 'claims' }],
      profiles: { claims: CLAIMS_PROFILE },
    });
    gateway = new AirlockProcess(installation.configFile);
    gateway.start('gateway');
    processor = new AirlockProcess(installation.configFile);
    processor.start('processor');
    port = await gateway.listeningPort();
    await processor.waitForLog((entry) => entry.message === 'processor started');
  });

  after(async () => {
    await Promise.all([gateway?.stop(), processor?.stop()]);
    await proxy?.stop();
    s3?.destroy();
    installation?.remove();
    await server?.stop();
  });

  const sftp = (batch: string) => sftpBatchAsync({
    port, user: 'acme', privateKeyFile: key.privateKeyFile, batch, cwd: installation.folder,
    knownHostsFile: join(installation.folder, 'known_hosts'),
  }).done;
  const inboxKeys = async (): Promise<string[]> => (await listKeys(s3, bucket, INBOX)).filter((entry) => entry !== '');
  const outboxKeys = async (stem: string): Promise<string[]> =>
    (await listKeys(s3, bucket, OUTBOX)).filter((entry) => entry.startsWith(`${stem}.`));
  const writeUpload = (name: string, rows: number): string => {
    const text = claimsText(name, rows);
    writeFileSync(join(installation.folder, name), text);
    writeFileSync(join(installation.folder, `${name}.done`), '');
    return text;
  };
  const putWithMarker = (name: string): string => `put ${name} inbox/${name}\nput ${name}.done inbox/${name}.done\n`;

  async function assertServesAgain(name: string): Promise<void> {
    const text = writeUpload(name, 50);
    const sent = await sftp(putWithMarker(name));
    assert.equal(sent.status, 0, sent.stderr);
    await processor.waitForLog((entry) => entry.message === 'job finished' && entry.input === `inbox/${name}`, 60_000);
    const result = await readObjectText(s3, bucket, `${OUTBOX}${name.replace('.csv', '.deid.csv')}`);
    assertClaimsResult(text, result, Buffer.from(installation.tokenKeyHex, 'hex'), name);
  }

  const uploadFaults: { name: string; inject: () => Promise<void> | void }[] = [
    { name: 'answers 503 to every write', inject: () => proxy.fail((request) => WRITES.has(request.kind) && request.key.startsWith(INBOX), { action: 'status', status: 503 }) },
    { name: 'resets the connection of every write', inject: () => proxy.fail((request) => WRITES.has(request.kind) && request.key.startsWith(INBOX), { action: 'reset' }) },
    { name: 'refuses connections', inject: () => proxy.refuseConnections() },
  ];

  for (const [index, fault] of uploadFaults.entries()) {
    it(`fails an upload cleanly while S3 ${fault.name}, keeps other sessions going, then serves again`, async () => {
      const name = `refused-${index}.csv`;
      writeUpload(name, 200_000);
      const other = `other-${index}.csv`;
      writeUpload(other, 30);
      await fault.inject();

      const failed = await sftp(putWithMarker(name));
      assert.notEqual(failed.status, 0);
      await proxy.heal();
      // A second session, opened while the first had just failed, lists and uploads as usual.
      const listed = await sftp(`ls -l inbox\n${putWithMarker(other)}`);
      assert.equal(listed.status, 0, listed.stderr);

      assert.equal((await inboxKeys()).some((entry) => entry.startsWith(name)), false, 'no partial upload, no marker');
      await processor.waitForLog((entry) => entry.message === 'job finished' && entry.input === `inbox/${other}`, 60_000);
      assert.deepEqual(await outboxKeys(name.replace('.csv', '')), []);
      await assertServesAgain(`after-${index}.csv`);
    });
  }

  const jobFaults: { name: string; stem: string; inject: (name: string) => void; visibleMeanwhile: string[] }[] = [
    {
      name: 'the input is cut off mid-read', stem: 'cut',
      inject: (name) => proxy.fail((request) => request.kind === 'get' && request.key === `${INBOX}${name}`, { action: 'cut', afterBytes: 64 * 1024 }),
      visibleMeanwhile: [],
    },
    {
      name: 'the result is refused with 500', stem: 'refused',
      inject: () => proxy.fail((request) => WRITES.has(request.kind) && request.key.startsWith(`${OUTBOX}refused.deid.csv`), { action: 'status', status: 500 }),
      visibleMeanwhile: [],
    },
    {
      name: 'the report is refused with 503', stem: 'late',
      inject: () => proxy.fail((request) => WRITES.has(request.kind) && request.key === `${OUTBOX}late.deid.csv.report.json`, { action: 'status', status: 503 }),
      // The result is whole; its report, the client's sign that the job is done, is not there.
      visibleMeanwhile: ['late.deid.csv'],
    },
  ];

  for (const fault of jobFaults) {
    it(`retries a job while ${fault.name}, and publishes exactly one result once S3 is back`, async () => {
      const name = `${fault.stem}.csv`;
      const text = writeUpload(name, 40_000);
      const isMine = (entry: LogEntry): boolean => entry.input === `inbox/${name}`;
      fault.inject(name);
      const sent = await sftp(putWithMarker(name));
      assert.equal(sent.status, 0, sent.stderr);

      const interruptions = (): number => processor.logs.filter((entry) => isMine(entry) && entry.message === 'job interrupted, will retry').length;
      await waitUntil(() => interruptions() >= 2, `two interrupted runs of ${name}`, 60_000);
      assert.deepEqual(await outboxKeys(fault.stem), fault.visibleMeanwhile);
      assert.deepEqual((await inboxKeys()).filter((entry) => entry.startsWith(name)), [name, `${name}.done`]);
      assert.equal(processor.logs.some((entry) => isMine(entry) && entry.message === 'job failed'), false);

      await proxy.heal();
      await processor.waitForLog((entry) => isMine(entry) && entry.message === 'job finished', 60_000);
      assert.deepEqual(await outboxKeys(fault.stem), [`${fault.stem}.deid.csv`, `${fault.stem}.deid.csv.report.json`]);
      const result = await readObjectText(s3, bucket, `${OUTBOX}${fault.stem}.deid.csv`);
      assertClaimsResult(text, result, Buffer.from(installation.tokenKeyHex, 'hex'), name);
      assert.equal(processor.logs.filter((entry) => isMine(entry) && entry.message === 'job finished').length, 1);
      assert.deepEqual((await inboxKeys()).filter((entry) => entry.startsWith(name)), []);
    });
  }
});
