import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { S3Client } from '@aws-sdk/client-s3';

import { AirlockProcess, TestInstallation, type LogEntry } from '../support/airlock-process.js';
import {
  assertClaimsResult, claimsText, CLAIMS_PROFILE, listKeys, readObjectText, writeClaimsFile,
} from '../support/claims-files.js';
import { sftpBatchAsync } from '../support/openssh-batch.js';
import { waitUntil } from '../support/wait-until.js';
import { makeClientKey } from '../support/openssh-client.js';
import { createTestBucket, s3TestConfig, startRadosgw, testS3Client, type S3TestServer } from '../support/radosgw.js';

const UPLOADS = 50;
const SESSIONS_PER_GATEWAY = 5;
const LARGE_ROWS = 400_000;
const PREFIX = 'airlock/';

/**
 * Two `airlock gateway` and two `airlock processor` processes on one bucket, as several hosts
 * would run them: each pair has its own configuration folder (host keys included), and all four
 * share the bucket, its prefix and the token key.
 */
describe('two gateways and two processors sharing one S3 bucket', () => {
  let server: S3TestServer;
  let bucket: string;
  let s3: S3Client;
  let key: { privateKeyFile: string; publicKeyLine: string };
  const installations: TestInstallation[] = [];
  const gateways: AirlockProcess[] = [];
  const processors: AirlockProcess[] = [];
  const ports: number[] = [];

  before(async () => {
    server = await startRadosgw();
    bucket = await createTestBucket(server);
    s3 = testS3Client(server);
    for (let index = 0; index < 2; index += 1) {
      const installation = new TestInstallation({});
      key ??= makeClientKey(installation.folder);
      installation.writeConfig({
        storage: s3TestConfig(server, bucket),
        processor: { quietMs: 200, scanIntervalMs: 500, fullScanIntervalMs: 5000, leaseMs: 2000, concurrency: 2 },
        clients: [{ id: 'acme', publicKeys: [key.publicKeyLine], profile: 'claims' }],
        profiles: { claims: CLAIMS_PROFILE },
      });
      installations.push(installation);
    }
    for (const installation of installations) {
      const gateway = new AirlockProcess(installation.configFile);
      gateway.start('gateway');
      gateways.push(gateway);
      const processor = new AirlockProcess(installation.configFile);
      processor.start('processor');
      processors.push(processor);
    }
    for (const gateway of gateways) ports.push(await gateway.listeningPort());
    await Promise.all(processors.map((processor) => processor.waitForLog((entry) => entry.message === 'processor started')));
  });

  after(async () => {
    await Promise.all([...gateways, ...processors].map((running) => running.stop()));
    s3?.destroy();
    installations.forEach((installation) => installation.remove());
    await server?.stop();
  });

  const finishedJobs = (input: string): LogEntry[] => processors.flatMap((processor) =>
    processor.logs.filter((entry) => entry.message === 'job finished' && entry.input === `inbox/${input}`));

  const upload = (gatewayIndex: number, batch: string) => sftpBatchAsync({
    port: ports[gatewayIndex]!, user: 'acme', privateKeyFile: key.privateKeyFile,
    knownHostsFile: join(installations[gatewayIndex]!.folder, 'known_hosts'), batch,
    cwd: installations[gatewayIndex]!.folder,
  });

  it('runs each of 50 uploads, spread over both gateways, exactly once and correctly', async () => {
    const folder = installations[0]!.folder;
    const names = Array.from({ length: UPLOADS }, (_, index) => `batch-${String(index).padStart(2, '0')}.csv`);
    const texts = new Map(names.map((name, index) => [name, claimsText(`f${index}`, 20 + index)]));
    for (const name of names) {
      writeFileSync(join(folder, name), texts.get(name)!);
      writeFileSync(join(folder, `${name}.done`), '');
    }

    const sessions = SESSIONS_PER_GATEWAY * 2;
    const runs = Array.from({ length: sessions }, (_, session) => {
      const mine = names.filter((_, index) => index % sessions === session);
      const batch = mine.map((name) => `put ${join(folder, name)} inbox/${name}\nput ${join(folder, `${name}.done`)} inbox/${name}.done\n`).join('');
      return upload(session % 2, batch).done;
    });
    for (const result of await Promise.all(runs)) assert.equal(result.status, 0, result.stderr);
    assert.ok(gateways.every((gateway) => gateway.logs.some((entry) => entry.message === 'upload completed')), 'both gateways took uploads');

    await waitUntil(() => names.every((name) => finishedJobs(name).length > 0), 'every job finished', 120_000);
    // Two further notice passes on each processor: a second run of any job would have started by then.
    await Promise.all(processors.map(async (processor) => {
      const passes = processor.logs.filter((entry) => entry.message === 'notice scan finished').length;
      await processor.waitForLog(() => processor.logs.filter((entry) => entry.message === 'notice scan finished').length >= passes + 2);
    }));

    for (const name of names) assert.equal(finishedJobs(name).length, 1, `one run of ${name}`);
    assert.ok(processors.every((processor) => processor.logs.some((entry) => entry.message === 'job finished')), 'both processors ran jobs');
    const errors = [...gateways, ...processors].flatMap((running) => running.logs.filter((entry) => entry.level === 'error'));
    assert.deepEqual(errors, []);

    const outbox = await listKeys(s3, bucket, `${PREFIX}clients/acme/outbox/`);
    const expected = names.flatMap((name) => [name.replace('.csv', '.deid.csv'), name.replace('.csv', '.deid.csv.report.json')]);
    assert.deepEqual(outbox.filter((entry) => entry !== ''), expected.sort());
    assert.deepEqual((await listKeys(s3, bucket, `${PREFIX}clients/acme/inbox/`)).filter((entry) => entry !== ''), []);
    assert.deepEqual((await listKeys(s3, bucket, `${PREFIX}.airlock/`)).filter((entry) => !entry.endsWith('/')), []);

    const tokenKey = Buffer.from(installations[0]!.tokenKeyHex, 'hex');
    for (const name of names.filter((_, index) => index % 7 === 0)) {
      const result = await readObjectText(s3, bucket, `${PREFIX}clients/acme/outbox/${name.replace('.csv', '.deid.csv')}`);
      assertClaimsResult(texts.get(name)!, result, tokenKey, name);
      const report = JSON.parse(await readObjectText(s3, bucket, `${PREFIX}clients/acme/outbox/${name.replace('.csv', '.deid.csv.report.json')}`));
      assert.equal(report.rows.written, texts.get(name)!.trimEnd().split('\n').length - 1);
    }
  });

  it('finishes the job of a processor killed with SIGKILL mid-job on the other, once the lease runs out', async () => {
    const folder = installations[1]!.folder;
    const name = 'large.csv';
    await writeClaimsFile(join(folder, name), 'large', LARGE_ROWS);
    writeFileSync(join(folder, `${name}.done`), '');

    const isDeidentifying = (entry: LogEntry): boolean => entry.message === 'deidentifying' && entry.input === `inbox/${name}`;
    const sent = await upload(1, `put ${name} inbox/${name}\nput ${name}.done inbox/${name}.done\n`).done;
    assert.equal(sent.status, 0, sent.stderr);

    const owner = (): AirlockProcess | undefined => processors.find((processor) => processor.logs.some(isDeidentifying));
    await waitUntil(() => owner() !== undefined, 'a processor deidentifying the large file', 120_000, 20);
    const killed = owner()!;
    await killed.kill();
    const isMine = (entry: LogEntry): boolean => entry.input === `inbox/${name}`;
    assert.equal(killed.logs.some((entry) => isMine(entry) && entry.message === 'result published'), false, 'the kill landed mid-job');
    const survivor = processors.find((processor) => processor !== killed)!;
    await survivor.waitForLog((entry) => isMine(entry) && entry.message === 'job finished', 180_000);

    assert.equal(finishedJobs(name).length, 1);
    assert.equal(killed.logs.some((entry) => isMine(entry) && entry.message === 'job finished'), false);
    const outbox = (await listKeys(s3, bucket, `${PREFIX}clients/acme/outbox/`)).filter((entry) => entry.startsWith('large.'));
    assert.deepEqual(outbox, ['large.deid.csv', 'large.deid.csv.report.json']);
    const report = JSON.parse(await readObjectText(s3, bucket, `${PREFIX}clients/acme/outbox/large.deid.csv.report.json`));
    assert.equal(report.rows.written, LARGE_ROWS);
    assert.equal(report.input.bytes, readFileSync(join(folder, name)).length);
    const result = await readObjectText(s3, bucket, `${PREFIX}clients/acme/outbox/large.deid.csv`);
    assert.equal(result.trimEnd().split('\n').length, LARGE_ROWS + 1);
    const head = readFileSync(join(folder, name), 'utf8').split('\n').slice(0, 200).join('\n');
    const tokenKey = Buffer.from(installations[1]!.tokenKeyHex, 'hex');
    assertClaimsResult(`${head}\n`, `${result.split('\n').slice(0, 200).join('\n')}\n`, tokenKey, name);
  });
});
