import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { AirlockProcess, TestInstallation } from '../support/airlock-process.js';
import { claimsText, CLAIMS_PROFILE, writeClaimsFile } from '../support/claims-files.js';
import { sftpBatchAsync } from '../support/openssh-batch.js';
import { makeClientKey } from '../support/openssh-client.js';
import { waitUntil } from '../support/wait-until.js';

describe('a gateway killed with SIGKILL mid-upload, then restarted', () => {
  let installation: TestInstallation;
  let key: { privateKeyFile: string; publicKeyLine: string };

  before(() => {
    installation = new TestInstallation({});
    key = makeClientKey(installation.folder);
    installation.writeConfig({
      processor: { quietMs: 200, scanIntervalMs: 500 },
      clients: [{ id: 'acme', publicKeys: [key.publicKeyLine], profile: 'claims' }],
      profiles: { claims: CLAIMS_PROFILE },
    });
  });

  after(() => installation.remove());

  const sftp = (port: number, batch: string) => sftpBatchAsync({
    port, user: 'acme', privateKeyFile: key.privateKeyFile, batch, cwd: installation.folder,
    knownHostsFile: join(installation.folder, 'known_hosts'),
  });

  it('never processes the partial upload, and serves the client again after a restart', async () => {
    await writeClaimsFile(join(installation.folder, 'big.csv'), 'big', 3_000_000);
    writeFileSync(join(installation.folder, 'big.csv.done'), '');
    const first = new AirlockProcess(installation.configFile);
    first.start();
    const upload = sftp(await first.listeningPort(), 'put big.csv inbox/big.csv\nput big.csv.done inbox/big.csv.done\n');
    const inbox = join(installation.dataDir, 'clients/acme/inbox');
    await waitUntil(() => existsSync(join(inbox, 'big.csv')), 'the upload under way', 30_000, 5);
    await first.kill();

    const cut = await upload.done;
    assert.notEqual(cut.status, 0);
    assert.equal(first.logs.some((entry) => entry.message === 'upload completed' && entry.path === 'inbox/big.csv'), false, 'killed mid-upload');
    assert.equal(existsSync(join(inbox, 'big.csv.done')), false);

    const second = new AirlockProcess(installation.configFile);
    second.start();
    try {
      const port = await second.listeningPort();
      writeFileSync(join(installation.folder, 'small.csv'), claimsText('small', 20));
      writeFileSync(join(installation.folder, 'small.csv.done'), '');
      const again = await sftp(port, 'ls -l inbox\nput small.csv inbox/small.csv\nput small.csv.done inbox/small.csv.done\n').done;
      assert.equal(again.status, 0, again.stderr);
      await second.waitForLog((entry) => entry.message === 'job finished' && entry.input === 'inbox/small.csv', 60_000);
      // Two more full scans: the partial upload, without a marker, is still not touched.
      const scans = second.logs.filter((entry) => entry.message === 'marker scan finished').length;
      await second.waitForLog(() => second.logs.filter((entry) => entry.message === 'marker scan finished').length >= scans + 2);
    } finally {
      await second.stop();
    }
    const outbox = readdirSync(join(installation.dataDir, 'clients/acme/outbox')).sort();
    assert.deepEqual(outbox, ['small.deid.csv', 'small.deid.csv.report.json']);
    assert.equal(existsSync(join(inbox, 'big.csv')), true);
  });
});
