import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';

import iconv from 'iconv-lite';

import { resultName } from '../../../core/deid/deidentify.js';
import { expectedToken, makeProfile, runDeid, runDeidFailure } from './deid-helpers.js';

const idName = makeProfile({ columns: { id: 'token', name: 'keep' } });

describe('CSV reading and writing', () => {
  it('reads a UTF-8 byte order mark as no part of the first column name, and keeps it', async () => {
    const run = await runDeid('\uFEFFid,name\n7,Ann\n', idName);
    assert.equal(run.stats.columns[0]?.name, 'id');
    assert.equal(run.text, `\uFEFFid,name\n${expectedToken('7')},Ann\n`);
  });

  it('writes CRLF for CRLF input and LF for LF input', async () => {
    assert.equal((await runDeid('id,name\r\n7,Ann\r\n', idName)).text, `id,name\r\n${expectedToken('7')},Ann\r\n`);
    assert.equal((await runDeid('id,name\n7,Ann', idName)).text, `id,name\n${expectedToken('7')},Ann\n`);
  });

  for (const [label, delimiter] of [['comma', ','], ['tab', '\t'], ['pipe', '|'], ['semicolon', ';']] as const) {
    it(`detects a ${label} delimiter and writes with it`, async () => {
      const run = await runDeid(`id${delimiter}name\n7${delimiter}A,B;C\n`.replace('A,B;C', 'Ann'), idName);
      assert.equal(run.stats.delimiter, delimiter);
      assert.equal(run.text, `id${delimiter}name\n${expectedToken('7')}${delimiter}Ann\n`);
    });
  }

  it('uses a declared delimiter over detection', async () => {
    const profile = makeProfile({ delimiter: ';', columns: { 'id,x': 'keep', name: 'keep' } });
    const run = await runDeid('id,x;name\n1;Ann\n', profile);
    assert.equal(run.text, 'id,x;name\n1;Ann\n');
  });

  it('keeps quoted fields with delimiters, quotes and newlines whole, and quotes them on output', async () => {
    const input = 'id,name\n7,"Smith, ""Jo""\nline two"\n8,Lee\n';
    const run = await runDeid(input, idName);
    assert.equal(run.text, `id,name\n${expectedToken('7')},"Smith, ""Jo""\nline two"\n${expectedToken('8')},Lee\n`);
    assert.equal(run.stats.rowsRead, 2);
  });

  it('fails on a ragged row by default, naming its line', async () => {
    const error = await runDeidFailure('id,name\n1,A\n2\n3,C\n', idName, 'RAGGED_ROW');
    assert.equal(error.location.line, 3);
  });

  it('rejects and counts ragged rows under badRows: reject, never shifting cells', async () => {
    const profile = makeProfile({ badRows: 'reject', columns: { id: 'keep', name: 'keep' } });
    const run = await runDeid('id,name\n1,A\n2\n3,C,extra\n4,"two\nlines",x\n5,E\n', profile);
    assert.equal(run.text, 'id,name\n1,A\n5,E\n');
    assert.deepEqual(
      { read: run.stats.rowsRead, written: run.stats.rowsWritten, rejected: run.stats.rowsRejected, lines: run.stats.rejectedLines },
      { read: 5, written: 2, rejected: 3, lines: [3, 4, 5] },
    );
  });

  it('fails an unclosed quote with the line where its record starts', async () => {
    const error = await runDeidFailure('id,name\n1,A\n2,"open\n3,C\n4,D\n', idName, 'MALFORMED_CSV');
    assert.equal(error.location.line, 3);
  });

  it('fails a record larger than maxRecordBytes instead of reading on', async () => {
    const profile = makeProfile({ maxRecordBytes: 1024, columns: { id: 'keep', name: 'keep' } });
    const error = await runDeidFailure(`id,name\n1,A\n2,"${'x'.repeat(5000)}\n`, profile, 'RECORD_TOO_LARGE');
    assert.equal(error.location.line, 3);
  });

  it('refuses duplicate and blank header names', async () => {
    const profile = makeProfile({ unknownColumns: 'drop', columns: { id: 'keep' } });
    const duplicate = await runDeidFailure('id,id\n1,2\n', profile, 'DUPLICATE_COLUMN');
    assert.deepEqual(duplicate.location, { line: 1, column: 'id' });
    const blank = await runDeidFailure('id,,x\n1,2,3\n', profile, 'BLANK_COLUMN');
    assert.deepEqual(blank.location, { line: 1, column: '#2' });
  });

  it('fails on a column the profile does not name, or drops it under unknownColumns: drop', async () => {
    const strict = makeProfile({ columns: { id: 'keep' } });
    const error = await runDeidFailure('id,secret\n1,2\n', strict, 'UNKNOWN_COLUMN');
    assert.equal(error.location.column, 'secret');
    const lenient = makeProfile({ unknownColumns: 'drop', columns: { id: 'keep' } });
    const run = await runDeid('id,secret\n1,2\n', lenient);
    assert.equal(run.text, 'id\n1\n');
    assert.deepEqual(run.stats.columns, [{ name: 'id', action: 'keep' }, { name: 'secret', action: 'drop' }]);
  });

  it('reads and writes a declared Latin-1 file', async () => {
    const profile = makeProfile({ encoding: 'latin1', columns: { id: 'token', name: 'keep' } });
    const run = await runDeid(iconv.encode('id,name\nJosé,Zoë\n', 'latin1'), profile);
    assert.deepEqual(run.bytes, iconv.encode(`id,name\n${expectedToken('José')},Zoë\n`, 'latin1'));
    assert.equal(run.stats.encoding, 'latin1');
  });

  it('reads Windows-1252 characters outside Latin-1', async () => {
    const profile = makeProfile({ encoding: 'windows-1252', columns: { id: 'token', n: 'keep' } });
    const run = await runDeid(Buffer.from([0x69, 0x64, 0x2c, 0x6e, 0x0a, 0x80, 0x2c, 0x93, 0x0a]), profile);
    assert.equal(iconv.decode(run.bytes, 'windows-1252'), `id,n\n${expectedToken('€')},\u201C\n`);
  });

  it('fails invalid UTF-8 with its line instead of guessing', async () => {
    const input = Buffer.concat([Buffer.from('id,name\n1,A\n2,'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const error = await runDeidFailure(input, idName, 'BAD_ENCODING');
    assert.equal(error.location.line, 3);
  });

  it('reads gzip input and writes gzip output', async () => {
    const run = await runDeid(gzipSync('id,name\n7,Ann\n'), idName, 'claims.csv.gz');
    assert.equal(gunzipSync(run.bytes).toString('utf8'), `id,name\n${expectedToken('7')},Ann\n`);
  });

  it('fails a .gz file that is not gzip', async () => {
    await runDeidFailure('id,name\n7,Ann\n', idName, 'BAD_GZIP', 'claims.csv.gz');
  });

  it('fails an empty file', async () => {
    await runDeidFailure('', idName, 'EMPTY_FILE');
  });

  it('writes a header-only file as a header-only result', async () => {
    assert.equal((await runDeid('id,name\n', idName)).text, 'id,name\n');
  });

  it('skips blank lines without counting them as rows', async () => {
    const run = await runDeid('id,name\n7,Ann\n\n8,Bo\n', idName);
    assert.equal(run.stats.rowsRead, 2);
    assert.equal(run.text, `id,name\n${expectedToken('7')},Ann\n${expectedToken('8')},Bo\n`);
  });

  it('prefixes formula-like cells with an apostrophe under formulaGuard: prefix, numbers excepted', async () => {
    const profile = makeProfile({ formulaGuard: 'prefix', columns: { a: 'keep', b: 'keep', c: 'keep', d: 'keep' } });
    const run = await runDeid('a,b,c,d\n=1+2,-71.15,@SUM(A1),+cmd|x\n', profile);
    assert.equal(run.text, "a,b,c,d\n'=1+2,-71.15,'@SUM(A1),'+cmd|x\n");
  });

  it('reports every column with its action and identifier class, in header order', async () => {
    const profile = makeProfile({
      columns: { id: { action: 'token', type: 'mrn' }, zip: { action: 'zip3', type: 'zip' }, note: 'drop' },
    });
    const run = await runDeid('note,id,zip\nx,1,02155\n', profile);
    assert.deepEqual(run.stats.columns, [
      { name: 'note', action: 'drop' },
      { name: 'id', action: 'token', identifierClass: 'medicalRecord' },
      { name: 'zip', action: 'zip3', identifierClass: 'geographic' },
    ]);
    assert.equal(run.text, `id,zip\n${expectedToken('1')},021\n`);
  });
});

describe('result names', () => {
  for (const [input, expected] of [
    ['visits.csv', 'visits.deid.csv'],
    ['a.csv.gz', 'a.deid.csv.gz'],
    ['noext', 'noext.deid'],
    ['archive.tar.csv', 'archive.tar.deid.csv'],
    ['.hidden', '.hidden.deid'],
  ]) {
    it(`names the result of ${input} ${expected}`, () => assert.equal(resultName(input as string), expected));
  }
});
