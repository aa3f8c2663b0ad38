import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { GatewayHarness, runCommand } from '../support/gateway-harness.js';

describe('OpenSSH sftp -b against the gateway', () => {
  let harness: GatewayHarness;

  before(async () => {
    harness = await GatewayHarness.start();
  });
  after(async () => {
    await harness.close();
  });

  it('uploads into the inbox and downloads the same bytes', async () => {
    const original = join(harness.dir, 'visits.bin');
    const copy = join(harness.dir, 'visits.copy');
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    await writeFile(original, bytes);

    const result = await harness.sftpBatch([`put ${original} inbox/visits.bin`, `get inbox/visits.bin ${copy}`]);

    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await readFile(harness.diskPath('inbox/visits.bin')), bytes);
    assert.deepEqual(await readFile(copy), bytes);
    assert.deepEqual(harness.inboxEvents.at(-1), { clientId: 'acme', path: 'inbox/visits.bin' });
  });

  it('shows exactly inbox and outbox at the root', async () => {
    const result = await harness.sftpBatch(['cd /', 'ls -1a']);

    assert.equal(result.code, 0, result.stderr);
    const names = result.stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('sftp>'));
    assert.deepEqual(names.sort(), ['.', '..', 'inbox', 'outbox']);
  });

  it('stops the batch at an upload into the outbox, with a non-zero exit', async () => {
    const local = join(harness.dir, 'note.txt');
    await writeFile(local, 'hello\n');

    const result = await harness.sftpBatch([`put ${local} outbox/note.txt`, `put ${local} inbox/after-refusal.txt`]);

    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Permission denied/);
    await assert.rejects(stat(harness.diskPath('outbox/note.txt')), { code: 'ENOENT' });
    await assert.rejects(stat(harness.diskPath('inbox/after-refusal.txt')), { code: 'ENOENT' });
  });

  it('goes on past a refused line that starts with "-"', async () => {
    const local = join(harness.dir, 'note.txt');
    await writeFile(local, 'hello\n');

    const result = await harness.sftpBatch([`-put ${local} outbox/note.txt`, `put ${local} inbox/continued.txt`]);

    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(harness.diskPath('inbox/continued.txt'), 'utf8'), 'hello\n');
  });

  it('keeps ".." escapes inside the client root', async () => {
    const local = join(harness.dir, 'escape.txt');
    await writeFile(local, 'x');

    const result = await harness.sftpBatch(['cd ../../..', 'pwd', 'cd inbox/../../../inbox', 'pwd', `put ${local} ../../escape.txt`]);

    assert.notEqual(result.code, 0);
    assert.match(result.stdout, /Remote working directory: \/\n/);
    assert.match(result.stdout, /Remote working directory: \/inbox\n/);
    await assert.rejects(stat(join(harness.storageRoot, 'escape.txt')), { code: 'ENOENT' });
    await assert.rejects(stat(join(harness.storageRoot, 'clients', 'escape.txt')), { code: 'ENOENT' });
  });

  it('makes and removes sub-folders, renames and deletes inside the inbox', async () => {
    const local = join(harness.dir, 'part.txt');
    await writeFile(local, 'part');

    const result = await harness.sftpBatch([
      'mkdir inbox/batch', `put ${local} inbox/batch/a.txt`, 'rename inbox/batch/a.txt inbox/batch/b.txt',
      'chmod 600 inbox/batch/b.txt', 'rm inbox/batch/b.txt', 'rmdir inbox/batch',
    ]);

    assert.equal(result.code, 0, result.stderr);
    await assert.rejects(stat(harness.diskPath('inbox/batch')), { code: 'ENOENT' });
    assert.deepEqual(harness.inboxEvents.at(-1), { clientId: 'acme', path: 'inbox/batch/b.txt' });
  });

  it('lets the client download and delete a result from the outbox', async () => {
    await writeFile(harness.diskPath('outbox/result.csv'), 'id\n1\n');
    const copy = join(harness.dir, 'result.copy');

    const result = await harness.sftpBatch([`get outbox/result.csv ${copy}`, 'rm outbox/result.csv']);

    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(copy, 'utf8'), 'id\n1\n');
    await assert.rejects(stat(harness.diskPath('outbox/result.csv')), { code: 'ENOENT' });
  });

  it('refuses renaming into the outbox, folders at the root, links and hard links', async () => {
    await writeFile(harness.diskPath('inbox/keep.csv'), 'k');
    const lines = [
      'rename inbox/keep.csv outbox/keep.csv', 'mkdir /extra', 'rm /inbox', 'rmdir /outbox',
      'symlink inbox/keep.csv inbox/link', 'ln inbox/keep.csv inbox/hard',
    ];
    for (const line of lines) {
      const result = await harness.sftpBatch([line]);
      assert.notEqual(result.code, 0, `${line} should fail`);
    }
    assert.equal(await readFile(harness.diskPath('inbox/keep.csv'), 'utf8'), 'k');
    await assert.rejects(stat(harness.diskPath('inbox/link')), { code: 'ENOENT' });
    await assert.rejects(stat(harness.diskPath('inbox/hard')), { code: 'ENOENT' });
  });

  it('advertises its extensions and answers statvfs with the client\'s space (1 TiB by default)', async () => {
    const result = await harness.sftpBatch(['df -h /inbox'], ['-v', '-v', '-v']);

    assert.equal(result.code, 0, result.stderr);
    for (const name of ['posix-rename@openssh.com', 'statvfs@openssh.com', 'fsync@openssh.com', 'limits@openssh.com']) {
      assert.match(result.stderr, new RegExp(`Server supports extension "${name}"`));
    }
    assert.match(result.stderr, /server upload\/download buffer sizes 261120 \/ 261120; using 261120 \/ 261120/);
    assert.match(result.stderr, /server handle limit 64; using 64/);
    assert.match(result.stdout, /1\.0TB/);
  });

  it('answers a shell or a command with a clear refusal', async () => {
    const result = await runCommand('ssh', [
      '-F', '/dev/null', '-p', String(harness.port), '-i', harness.keyFile, '-o', 'IdentitiesOnly=yes',
      '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${harness.knownHostsFile}`, 'acme@127.0.0.1', 'cat /etc/passwd',
    ]);

    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /SFTP only/);
  });

  it('does not follow a symbolic link planted in the inbox', async () => {
    const outside = join(harness.dir, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'secret.txt'), 'not for clients');
    await symlink(join(outside, 'secret.txt'), harness.diskPath('inbox/planted-file'));
    await symlink(outside, harness.diskPath('inbox/planted-folder'));
    const copy = join(harness.dir, 'secret.copy');

    const listing = await harness.sftpBatch(['ls -1 inbox']);
    const viaFile = await harness.sftpBatch([`get inbox/planted-file ${copy}`]);
    const viaFolder = await harness.sftpBatch([`get inbox/planted-folder/secret.txt ${copy}`]);
    const writeThrough = await harness.sftpBatch([`put ${join(outside, 'secret.txt')} inbox/planted-folder/new.txt`]);

    assert.doesNotMatch(listing.stdout, /planted/);
    assert.notEqual(viaFile.code, 0);
    assert.notEqual(viaFolder.code, 0);
    assert.notEqual(writeThrough.code, 0);
    await assert.rejects(stat(copy), { code: 'ENOENT' });
    await assert.rejects(stat(join(outside, 'new.txt')), { code: 'ENOENT' });
  });

  it('presents the same host key after a restart', async () => {
    const before = harness.gateway.hostKeyFingerprints;
    await harness.restart();

    assert.deepEqual(harness.gateway.hostKeyFingerprints, before);
    const result = await harness.sftpBatch(['ls inbox']);
    assert.equal(result.code, 0, result.stderr);
  });

  it('writes audit events with who, where, path, bytes and duration, and no file contents', async () => {
    const local = join(harness.dir, 'patients.csv');
    await writeFile(local, 'name\nSYNTHETIC-PATIENT-NAME\n');
    const before = harness.logLines.length;

    const result = await harness.sftpBatch([`put ${local} inbox/patients.csv`, `-put ${local} outbox/patients.csv`]);

    assert.equal(result.code, 0, result.stderr);
    const entries = harness.logEntries().slice(before);
    const login = entries.find((entry) => entry.message === 'login succeeded');
    const upload = entries.find((entry) => entry.message === 'upload completed');
    const refusal = entries.find((entry) => entry.message === 'request refused');
    assert.deepEqual(
      { client: login?.client, method: login?.method, remoteAddress: login?.remoteAddress },
      { client: 'acme', method: 'publickey', remoteAddress: '127.0.0.1' },
    );
    assert.deepEqual({ path: upload?.path, bytes: upload?.bytes, client: upload?.client }, { path: 'inbox/patients.csv', bytes: 28, client: 'acme' });
    assert.equal(typeof upload?.durationMs, 'number');
    assert.deepEqual({ request: refusal?.request, code: refusal?.code, level: refusal?.level }, { request: 'OPEN', code: 'DENIED', level: 'info' });
    assert.ok(!harness.logLines.some((line) => line.includes('SYNTHETIC-PATIENT-NAME')));
    assert.ok(!harness.logLines.some((line) => line.includes(harness.storageRoot)));
  });

  it('takes an upload from scp, which speaks SFTP in OpenSSH 9', async () => {
    const local = join(harness.dir, 'scp.bin');
    const bytes = randomBytes(300_000);
    await writeFile(local, bytes);

    const result = await runCommand('scp', [
      '-F', '/dev/null', '-p', '-P', String(harness.port), '-i', harness.keyFile, '-o', 'IdentitiesOnly=yes',
      '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${harness.knownHostsFile}`, local, 'acme@127.0.0.1:inbox/scp.bin',
    ]);

    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await readFile(harness.diskPath('inbox/scp.bin')), bytes);
    const [uploaded, original] = [await stat(harness.diskPath('inbox/scp.bin')), await stat(local)];
    assert.equal(Math.floor(uploaded.mtimeMs / 1000), Math.floor(original.mtimeMs / 1000));
  });
});
