import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { parse } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';

import { AirlockProcess, TestInstallation } from '../support/airlock-process.js';
import { makeClientKey, sftpBatch } from '../support/openssh-client.js';

const PATIENTS = 'test/fixtures/synthea/patients.csv';
const DEMO_CONFIG = parseYaml(readFileSync('config/airlock.default.yaml', 'utf8')) as { profiles: Record<string, unknown> };

/** Safe Harbor's restricted ZIP3 prefixes (HHS guidance of 2012, from the 2000 census), written out here, apart from the product's copy. */
const RESTRICTED_ZIP3 = new Set(['036', '059', '063', '102', '203', '556', '692', '790', '821', '823', '830', '831', '878', '879', '884', '890', '893']);
const KEPT_COLUMNS = ['Id', 'BIRTHDATE', 'DEATHDATE', 'MARITAL', 'RACE', 'ETHNICITY', 'GENDER', 'STATE', 'ZIP', 'HEALTHCARE_EXPENSES', 'HEALTHCARE_COVERAGE'];

type Row = Record<string, string>;

function expectedRow(input: Row, tokenKey: Buffer): Row {
  const token = (value: string): string => (value.trim() === '' ? '' : createHmac('sha256', tokenKey).update(value.trim(), 'utf8').digest('hex'));
  const year = (value: string): string => (value === '' ? '' : value.slice(0, 4));
  const zip3 = (value: string): string => {
    if (value === '') return '';
    const prefix = value.padStart(5, '0').slice(0, 3);
    return RESTRICTED_ZIP3.has(prefix) ? '000' : prefix;
  };
  return {
    Id: token(input.Id!), BIRTHDATE: year(input.BIRTHDATE!), DEATHDATE: year(input.DEATHDATE!),
    MARITAL: input.MARITAL!, RACE: input.RACE!, ETHNICITY: input.ETHNICITY!, GENDER: input.GENDER!,
    STATE: input.STATE!, ZIP: zip3(input.ZIP!), HEALTHCARE_EXPENSES: input.HEALTHCARE_EXPENSES!,
    HEALTHCARE_COVERAGE: input.HEALTHCARE_COVERAGE!,
  };
}

export interface StorageUnderTest {
  name: string;
  /** The `storage` section of the configuration, made once the suite starts. */
  storage(): Promise<Record<string, unknown>>;
  stop?(): Promise<void>;
}

/**
 * The whole product as a client meets it, observed only through SFTP so that the same checks
 * run on every storage backend: upload, marker, result cell by cell, report, error reports.
 */
export function endToEndSuite(backend: StorageUnderTest): void {
  describe(`end to end on ${backend.name}, with OpenSSH sftp`, () => {
    let installation: TestInstallation;
    let airlock: AirlockProcess;
    let port: number;
    let key: { privateKeyFile: string; publicKeyLine: string };
    const sftp = (batch: string) => sftpBatch({
      port, user: 'acme', privateKeyFile: key.privateKeyFile, knownHostsFile: join(installation.folder, 'known_hosts'),
      batch, cwd: installation.folder,
    });
    const local = (name: string): string => join(installation.folder, name);

    /** The outbox listing, once `name` is in it; fails after the timeout. */
    async function waitInOutbox(name: string, timeoutMs = 30_000): Promise<string[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const listing = sftp('ls -1 outbox\n');
        assert.equal(listing.status, 0, listing.stderr);
        const names = listing.stdout.split('\n').map((line) => line.trim().replace(/^outbox\//, '')).filter((line) => line !== '' && !line.startsWith('sftp>'));
        if (names.includes(name)) return names;
        if (Date.now() > deadline) throw new Error(`${name} did not appear in the outbox within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }

    function inboxNames(): string[] {
      const listing = sftp('ls -1 inbox\n');
      assert.equal(listing.status, 0, listing.stderr);
      return listing.stdout.split('\n').map((line) => line.trim().replace(/^inbox\//, '')).filter((line) => line !== '' && !line.startsWith('sftp>'));
    }

    before(async () => {
      installation = new TestInstallation({});
      key = makeClientKey(installation.folder);
      installation.writeConfig({
        storage: await backend.storage(),
        processor: { quietMs: 200, scanIntervalMs: 1000, fullScanIntervalMs: 1000 },
        clients: [{ id: 'acme', publicKeys: [key.publicKeyLine], profile: 'synthea-patients' }],
        profiles: DEMO_CONFIG.profiles,
      });
      airlock = new AirlockProcess(installation.configFile);
      airlock.start();
      port = await airlock.listeningPort();
    });

    after(async () => {
      await airlock.stop();
      await backend.stop?.();
      installation.remove();
    });

    it('turns an uploaded patients.csv and its marker into a de-identified result, cell by cell', async () => {
      writeFileSync(local('patients.csv.done'), '');
      const upload = sftp(`put ${join(process.cwd(), PATIENTS)} inbox/patients.csv\nput patients.csv.done inbox/patients.csv.done\n`);
      assert.equal(upload.status, 0, upload.stderr);

      await waitInOutbox('patients.deid.csv.report.json');
      const fetched = sftp('get outbox/patients.deid.csv\nget outbox/patients.deid.csv.report.json\n');
      assert.equal(fetched.status, 0, fetched.stderr);

      const inputRows = parse(readFileSync(PATIENTS), { columns: true }) as Row[];
      const outputText = readFileSync(local('patients.deid.csv'), 'utf8');
      assert.deepEqual(outputText.split(/\r?\n/)[0]!.split(','), KEPT_COLUMNS);
      const outputRows = parse(outputText, { columns: true }) as Row[];
      const tokenKey = Buffer.from(installation.tokenKeyHex, 'hex');
      assert.equal(outputRows.length, 27);
      outputRows.forEach((row, index) => assert.deepEqual(row, expectedRow(inputRows[index]!, tokenKey), `row ${index + 2}`));

      const report = JSON.parse(readFileSync(local('patients.deid.csv.report.json'), 'utf8'));
      assert.equal(report.client, 'acme');
      assert.equal(report.input.sha256, createHash('sha256').update(readFileSync(PATIENTS)).digest('hex'));
      assert.equal(report.output.sha256, createHash('sha256').update(outputText).digest('hex'));
      assert.deepEqual([report.rows.read, report.rows.written, report.rows.rejected], [27, 27, 0]);
      assert.equal(report.profile.name, 'synthea-patients');
      assert.deepEqual(report.profile.columnsNotInFile, []);
      assert.equal(report.columns.find((column: { name: string }) => column.name === 'SSN').action, 'drop');
    });

    it('removes the input and its marker once the result is published', () => {
      assert.deepEqual(inboxNames().filter((name) => name.startsWith('patients.csv')), []);
    });

    it('lets the client delete a picked-up result, and refuses an upload into the outbox', () => {
      const refused = sftp(`put ${join(process.cwd(), PATIENTS)} outbox/sneaky.csv\n`);
      assert.notEqual(refused.status, 0);
      const removed = sftp('rm outbox/patients.deid.csv\nrm outbox/patients.deid.csv.report.json\n');
      assert.equal(removed.status, 0, removed.stderr);
    });

    it('checks a SHA-256 in the marker and reports a mismatch without a result', async () => {
      writeFileSync(local('wrong.csv.done'), `${'0'.repeat(64)}  wrong.csv\n`);
      const upload = sftp(`put ${join(process.cwd(), PATIENTS)} inbox/wrong.csv\nput wrong.csv.done inbox/wrong.csv.done\n`);
      assert.equal(upload.status, 0, upload.stderr);

      const outbox = await waitInOutbox('wrong.csv.error.json');
      assert.equal(sftp('get outbox/wrong.csv.error.json\n').status, 0);
      assert.equal(JSON.parse(readFileSync(local('wrong.csv.error.json'), 'utf8')).error.code, 'CHECKSUM_MISMATCH');
      assert.equal(outbox.includes('wrong.deid.csv'), false);
      const inbox = inboxNames();
      assert.equal(inbox.includes('wrong.csv'), true);
      assert.equal(inbox.includes('wrong.csv.done'), false);
    });

    it('accepts a marker that holds the sha256sum line of its upload', async () => {
      const digest = createHash('sha256').update(readFileSync(PATIENTS)).digest('hex');
      writeFileSync(local('summed.csv.done'), `${digest}  summed.csv\n`);
      const upload = sftp(`put ${join(process.cwd(), PATIENTS)} inbox/summed.csv\nput summed.csv.done inbox/summed.csv.done\n`);
      assert.equal(upload.status, 0, upload.stderr);
      await waitInOutbox('summed.deid.csv.report.json');
    });

    it('reports a marker without its upload', async () => {
      writeFileSync(local('ghost.csv.done'), '');
      const upload = sftp('put ghost.csv.done inbox/ghost.csv.done\n');
      assert.equal(upload.status, 0, upload.stderr);

      await waitInOutbox('ghost.csv.error.json');
      assert.equal(sftp('get outbox/ghost.csv.error.json\n').status, 0);
      assert.equal(JSON.parse(readFileSync(local('ghost.csv.error.json'), 'utf8')).error.code, 'MARKER_WITHOUT_FILE');
    });

    it('reports a .gz upload that is not gzip as the input\'s fault, once, without retrying', async () => {
      writeFileSync(local('fake.csv.gz'), 'Id,BIRTHDATE\n1,2000-01-01\n');
      writeFileSync(local('fake.csv.gz.done'), '');
      const upload = sftp('put fake.csv.gz inbox/fake.csv.gz\nput fake.csv.gz.done inbox/fake.csv.gz.done\n');
      assert.equal(upload.status, 0, upload.stderr);

      await waitInOutbox('fake.csv.gz.error.json');
      assert.equal(sftp('get outbox/fake.csv.gz.error.json\n').status, 0);
      assert.equal(JSON.parse(readFileSync(local('fake.csv.gz.error.json'), 'utf8')).error.code, 'BAD_GZIP');
      assert.equal(inboxNames().includes('fake.csv.gz.done'), false);
      assert.equal(airlock.logs.some((entry) => entry.message === 'job interrupted, will retry'), false);
    });

    it('never processes an upload that has no marker', async () => {
      const upload = sftp(`put ${join(process.cwd(), PATIENTS)} inbox/unmarked.csv\n`);
      assert.equal(upload.status, 0, upload.stderr);
      const scans = (): number => airlock.logs.filter((entry) => entry.message === 'marker scan finished').length;
      const scansBefore = scans();
      // Two whole scan passes after the upload, it is still there and nothing was made from it.
      await airlock.waitForLog(() => scans() >= scansBefore + 2);
      assert.equal(inboxNames().includes('unmarked.csv'), true);
      assert.equal((await waitInOutbox('ghost.csv.error.json')).includes('unmarked.deid.csv'), false);
    });
  });
}
