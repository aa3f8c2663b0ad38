import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isAirlockError } from '../../../core/errors.js';
import { WriteAssembler } from '../../../core/storage/s3-write-order.js';

const PART = 8;

function assembler(windowBytes = 32): { writer: WriteAssembler; parts: Map<number, string>; file(): string } {
  const parts = new Map<number, string>();
  const writer = new WriteAssembler(PART, windowBytes, (number, body) => {
    assert.equal(parts.has(number), false, `part ${number} sent twice`);
    parts.set(number, body.toString('latin1'));
  });
  const file = (): string => {
    writer.fillHoles();
    const tail = writer.takeTail().toString('latin1');
    return [...parts].sort(([a], [b]) => a - b).map(([, body]) => body).join('') + tail;
  };
  return { writer, parts, file };
}

function write(writer: WriteAssembler, offset: number, text: string): void {
  writer.write(offset, Buffer.from(text, 'latin1'));
}

describe('write assembler', () => {
  const cases: Array<{ title: string; writes: Array<[number, string]>; file: string }> = [
    { title: 'in order across parts', writes: [[0, 'abcdefgh'], [8, 'ijklmnop'], [16, 'qr']], file: 'abcdefghijklmnopqr' },
    { title: 'reversed', writes: [[16, 'qr'], [8, 'ijklmnop'], [0, 'abcdefgh']], file: 'abcdefghijklmnopqr' },
    { title: 'overlapping, the later write winning', writes: [[4, 'XXXXXX'], [6, 'yy'], [0, 'abcd']], file: 'abcdXXyyXX' },
    { title: 'a later write covering an earlier one ahead', writes: [[6, 'zz'], [4, 'QQQQQQ'], [0, 'abcd']], file: 'abcdQQQQQQ' },
    { title: 'rewriting bytes not yet sent', writes: [[0, 'abcdef'], [1, 'BC']], file: 'aBCdef' },
    { title: 'with a hole read as zeros', writes: [[0, 'ab'], [4, 'ef']], file: 'ab\0\0ef' },
    { title: 'one write spanning three parts', writes: [[0, 'a'.repeat(20)]], file: 'a'.repeat(20) },
  ];
  for (const { title, writes, file } of cases) {
    it(`assembles writes ${title}`, () => {
      const { writer, file: assembled } = assembler();
      for (const [offset, text] of writes) write(writer, offset, text);
      assert.equal(assembled(), file);
    });
  }

  it('sends each full part as soon as the bytes before it are complete', () => {
    const { writer, parts } = assembler();
    write(writer, 8, 'ijklmnop');
    assert.equal(parts.size, 0);
    write(writer, 0, 'abcdefgh');
    assert.deepEqual([...parts], [[1, 'abcdefgh'], [2, 'ijklmnop']]);
    assert.equal(writer.sentBytes, 16);
  });

  it('refuses a write behind bytes already sent', () => {
    const { writer } = assembler();
    write(writer, 0, 'abcdefghij');
    assert.throws(() => write(writer, 2, 'x'), (error) => isAirlockError(error, 'UNSUPPORTED'));
  });

  it('refuses a write beyond the reorder window', () => {
    const { writer } = assembler(16);
    write(writer, 0, 'ab');
    write(writer, 10, 'x'.repeat(8));
    assert.throws(() => write(writer, 18, 'x'), (error) => isAirlockError(error, 'UNSUPPORTED'));
  });

  it('reports the size including bytes held ahead', () => {
    const { writer } = assembler();
    write(writer, 0, 'ab');
    write(writer, 10, 'cd');
    assert.equal(writer.size, 12);
    assert.equal(writer.contiguousEnd, 2);
  });

  it('truncates bytes not yet sent and extends with zeros', () => {
    const { writer, file } = assembler();
    write(writer, 0, 'abcdef');
    write(writer, 10, 'zz');
    writer.truncate(4);
    assert.equal(writer.size, 4);
    writer.truncate(6);
    assert.equal(file(), 'abcd\0\0');
  });
});
