import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
    const prefix = value.slice(0, 3);
    return RESTRICTED_ZIP3.has(prefix) ? '000' : prefix;
  };
  return {
    Id: token(input.Id!), BIRTHDATE: year(input.BIRTHDATE!), DEATHDATE: year(input.DEATHDATE!),
    MARITAL: input.MARITAL!, RACE: input.RACE!, ETHNICITY: input.ETHNICITY!, GENDER: input.GENDER!,
    STATE: input.STATE!, ZIP: zip3(input.ZIP!), HEALTHCARE_EXPENSES: input.HEALTHCARE_EXPENSES!,
    HEALTHCARE_COVERAGE: input.HEALTHCARE_COVERAGE!,
  };
}

async function waitForFile(path: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('end to end on local storage, with OpenSSH sftp', () => {
  let installation: TestInstallation;
  let airlock: AirlockProcess;
  let port: number;
  let key: { privateKeyFile: string; publicKeyLine: string };
  let download: string;
  const sftp = (batch: string) => sftpBatch({
    port, user: 'acme', privateKeyFile: key.privateKeyFile, knownHostsFile: join(installation.folder, 'known_hosts'),
    batch, cwd: installation.folder,
  });

  before(async () => {
    installation = new TestInstallation({});
    key = makeClientKey(installation.folder);
    installation.writeConfig({
      processor: { quietMs: 200, scanIntervalMs: 1000 },
      clients: [{ id: 'acme', publicKeys: [key.publicKeyLine], profile: 'synthea-patients' }],
      profiles: DEMO_CONFIG.profiles,
    });
    airlock = new AirlockProcess(installation.configFile);
    airlock.start();
    port = await airlock.listeningPort();
    download = join(installation.folder, 'downloads');
  });

  after(async () => {
    await airlock.stop();
    installation.remove();
  });

  it('turns an uploaded patients.csv and its marker into a de-identified result, cell by cell', async () => {
    writeFileSync(join(installation.folder, 'patients.csv.done'), '');
    const upload = sftp(`put ${join(process.cwd(), PATIENTS)} inbox/patients.csv\nput patients.csv.done inbox/patients.csv.done\n`);
    assert.equal(upload.status, 0, upload.stderr);

    await waitForFile(join(installation.dataDir, 'clients/acme/outbox/patients.deid.csv.report.json'));
    const fetched = sftp(`lmkdir ${download}\nget outbox/patients.deid.csv ${download}/\nget outbox/patients.deid.csv.report.json ${download}/\n`);
    assert.equal(fetched.status, 0, fetched.stderr);

    const inputRows = parse(readFileSync(PATIENTS), { columns: true }) as Row[];
    const outputText = readFileSync(join(download, 'patients.deid.csv'), 'utf8');
    assert.deepEqual(outputText.split(/\r?\n/)[0]!.split(','), KEPT_COLUMNS);
    const outputRows = parse(outputText, { columns: true }) as Row[];
    const tokenKey = Buffer.from(installation.tokenKeyHex, 'hex');
    assert.equal(outputRows.length, 27);
    outputRows.forEach((row, index) => assert.deepEqual(row, expectedRow(inputRows[index]!, tokenKey), `row ${index + 2}`));

    const report = JSON.parse(readFileSync(join(download, 'patients.deid.csv.report.json'), 'utf8'));
    assert.equal(report.client, 'acme');
    assert.equal(report.input.sha256, createHash('sha256').update(readFileSync(PATIENTS)).digest('hex'));
    assert.equal(report.output.sha256, createHash('sha256').update(outputText).digest('hex'));
    assert.deepEqual([report.rows.read, report.rows.written, report.rows.rejected], [27, 27, 0]);
    assert.equal(report.profile.name, 'synthea-patients');
    assert.equal(report.columns.find((column: { name: string }) => column.name === 'SSN').action, 'drop');
  });

  it('removes the input and its marker once the result is published', async () => {
    const listing = sftp('ls -1 inbox\n');
    assert.equal(listing.status, 0);
    assert.doesNotMatch(listing.stdout, /patients\.csv/);
  });

  it('checks a SHA-256 in the marker and reports a mismatch without a result', async () => {
    writeFileSync(join(installation.folder, 'wrong.csv.done'), `${'0'.repeat(64)}  wrong.csv\n`);
    const upload = sftp(`put ${join(process.cwd(), PATIENTS)} inbox/wrong.csv\nput wrong.csv.done inbox/wrong.csv.done\n`);
    assert.equal(upload.status, 0, upload.stderr);

    const outbox = join(installation.dataDir, 'clients/acme/outbox');
    await waitForFile(join(outbox, 'wrong.csv.error.json'));
    const failure = JSON.parse(readFileSync(join(outbox, 'wrong.csv.error.json'), 'utf8'));
    assert.equal(failure.error.code, 'CHECKSUM_MISMATCH');
    assert.equal(existsSync(join(outbox, 'wrong.deid.csv')), false);
    assert.equal(existsSync(join(installation.dataDir, 'clients/acme/inbox/wrong.csv')), true);
    assert.equal(existsSync(join(installation.dataDir, 'clients/acme/inbox/wrong.csv.done')), false);
  });

  it('accepts a marker that holds the sha256sum line of its upload', async () => {
    const digest = createHash('sha256').update(readFileSync(PATIENTS)).digest('hex');
    writeFileSync(join(installation.folder, 'summed.csv.done'), `${digest}  summed.csv\n`);
    const upload = sftp(`put ${join(process.cwd(), PATIENTS)} inbox/summed.csv\nput summed.csv.done inbox/summed.csv.done\n`);
    assert.equal(upload.status, 0, upload.stderr);
    await waitForFile(join(installation.dataDir, 'clients/acme/outbox/summed.deid.csv.report.json'));
  });

  it('reports a marker without its upload', async () => {
    writeFileSync(join(installation.folder, 'ghost.csv.done'), '');
    const upload = sftp('put ghost.csv.done inbox/ghost.csv.done\n');
    assert.equal(upload.status, 0, upload.stderr);

    const errorFile = join(installation.dataDir, 'clients/acme/outbox/ghost.csv.error.json');
    await waitForFile(errorFile);
    assert.equal(JSON.parse(readFileSync(errorFile, 'utf8')).error.code, 'MARKER_WITHOUT_FILE');
  });

  it('never processes an upload that has no marker', async () => {
    const upload = sftp(`put ${join(process.cwd(), PATIENTS)} inbox/unmarked.csv\n`);
    assert.equal(upload.status, 0, upload.stderr);
    const scansBefore = airlock.logs.filter((entry) => entry.message === 'marker scan finished').length;
    // Two whole scan passes after the upload, it is still there and nothing was made from it.
    await airlock.waitForLog(() => airlock.logs.filter((entry) => entry.message === 'marker scan finished').length >= scansBefore + 2);
    assert.equal(existsSync(join(installation.dataDir, 'clients/acme/inbox/unmarked.csv')), true);
    assert.equal(existsSync(join(installation.dataDir, 'clients/acme/outbox/unmarked.deid.csv')), false);
  });
});
