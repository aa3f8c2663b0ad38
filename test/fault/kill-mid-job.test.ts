import assert from 'node:assert/strict';
import { createWriteStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';

import { AirlockProcess, TestInstallation } from '../support/airlock-process.js';

const COLUMNS = ['member_id', 'last_name', 'birth_date', 'zip', 'amount'];
const ROWS = 300_000;

/** A file large enough that a job takes a while, so a kill can land in the middle of it. */
async function writeLargeUpload(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${COLUMNS.join(',')}\n`);
  for (let row = 0; row < ROWS; row += 1) {
    const line = `M${row},Name${row % 997},19${50 + (row % 50)}-0${1 + (row % 9)}-1${row % 10},0${2100 + (row % 800)},${row % 5000}.25\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * Where the first processor dies. A job step kills it exactly there (AIRLOCK_FAULT_KILL_AT);
 * "deidentifying" is a kill sent from here on seeing that log line, landing while the result is
 * streamed, which lasts long enough to hit from outside. `notReached` proves it was mid-job.
 */
const killPoints: { name: string; step?: string; notReached: string }[] = [
  { name: 'when the job has just started', step: 'job started', notReached: 'deidentifying' },
  { name: 'while the result is being written', notReached: 'result published' },
  { name: 'after the result, before the report', step: 'result published', notReached: 'report published' },
  { name: 'after the report, before the claim records it', step: 'report published', notReached: 'claim marked published' },
  { name: 'after publishing, before clean-up', step: 'claim marked published', notReached: 'job finished' },
];

describe('a processor killed with SIGKILL mid-job, then restarted', () => {
  let installation: TestInstallation;

  before(() => {
    installation = new TestInstallation({});
    installation.writeConfig({
      processor: { quietMs: 0, scanIntervalMs: 500, leaseMs: 3000 },
      clients: [{ id: 'acme', publicKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl unused@test'], profile: 'claims', keepInputs: false }],
      profiles: { claims: { columns: { member_id: 'token', last_name: 'drop', birth_date: 'year', zip: 'zip3', amount: 'keep' } } },
    });
  });

  after(() => installation.remove());

  for (const [index, point] of killPoints.entries()) {
    it(`ends in exactly one complete result when killed ${point.name}`, async () => {
      const inbox = join(installation.dataDir, 'clients/acme/inbox');
      const outbox = join(installation.dataDir, 'clients/acme/outbox');
      const name = `claims-${index}.csv`;

      const first = new AirlockProcess(installation.configFile);
      first.start('processor', point.step === undefined ? {} : { AIRLOCK_FAULT_KILL_AT: point.step });
      await first.waitForLog((entry) => entry.message === 'processor started');
      await writeLargeUpload(join(inbox, name));
      writeFileSync(join(inbox, `${name}.done`), '');
      if (point.step === undefined) {
        await first.waitForLog((entry) => entry.message === 'deidentifying', 60_000);
        await first.kill();
      } else {
        assert.equal(await first.exitSignal(), 'SIGKILL');
      }
      assert.equal(first.logs.some((entry) => entry.message === point.notReached), false, 'the kill landed mid-job');

      const second = new AirlockProcess(installation.configFile);
      second.start('processor');
      try {
        await second.waitForLog((entry) => entry.message === 'job finished' && entry.input === `inbox/${name}`, 60_000);
      } finally {
        await second.stop();
      }

      const stem = `claims-${index}.deid.csv`;
      const results = readdirSync(outbox).filter((file) => file.startsWith(`claims-${index}.`));
      assert.deepEqual(results.sort(), [stem, `${stem}.report.json`]);
      const report = JSON.parse(readFileSync(join(outbox, `${stem}.report.json`), 'utf8'));
      assert.equal(report.rows.written, ROWS);
      assert.equal(readFileSync(join(outbox, stem), 'utf8').trimEnd().split('\n').length, ROWS + 1);
      assert.equal(existsSync(join(inbox, name)), false);
      assert.equal(existsSync(join(inbox, `${name}.done`)), false);
      assert.deepEqual(readdirSync(join(installation.dataDir, '.airlock/staging')), []);
    });
  }
});
