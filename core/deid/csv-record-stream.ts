import { Transform, type TransformCallback } from 'node:stream';

import { Parser } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';

import { AirlockError } from '../errors.js';
import { csvFailure, isUnrecoverable } from './csv-errors.js';
import { sniffDialect, type CsvDialect } from './csv-dialect.js';

/** What the stream asks of its owner: an output header, and an output row per input row. */
export interface RecordHandler {
  header(cells: string[], dialect: CsvDialect): string[];
  /** Returns the output row, or undefined when the row is rejected (and counted by the owner). */
  record(cells: string[], endLine: number): string[] | undefined;
  /** A row the parser could not read, skipped under `badRows: reject`. */
  skipped(line: number): void;
  /** Header name of an input field position, for error locations. */
  columnName(index: number): string | undefined;
}

export interface RecordStreamOptions {
  declaredDelimiter?: string;
  maxRecordBytes: number;
  skipBadRows: boolean;
  /** Turns output text into bytes in the file's encoding. */
  encode: (text: string) => Buffer;
}

/** The engine inside csv-parse's Parser stream: the same parser, driven without a stream per row. */
interface ParserEngine {
  parse(chunk: Buffer | undefined, isEnd: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
  info: { lines: number };
}

const LINE_FEED = 0x0a;

/**
 * Bytes in, delimited text out: reads the dialect from the header line, parses records with
 * csv-parse, hands each to the handler and writes the handler's rows with csv-stringify in the
 * same dialect. Rows are gathered per input chunk, so stream overhead is paid per chunk, not per
 * row, and memory holds one chunk's rows at most.
 */
// LIMITATION: csv-parse is driven through `Parser.api`, the engine its own stream class wraps,
// which is not in its type definitions. It saves a third of the run time against piping
// Parser into Stringifier. package.json pins csv-parse exactly; a test covers every path, so
// an upgrade that moves the engine fails loudly. Fix: csv-parse exporting its engine.
export class CsvRecordStream extends Transform {
  private headChunks: Buffer[] = [];
  private headBytes = 0;
  private engine: ParserEngine | undefined;
  private dialect: CsvDialect | undefined;
  private rows: string[][] = [];
  private isHeaderDone = false;
  private lastEndLine = 0;
  private fatal: AirlockError | undefined;
  private hasWritten = false;

  constructor(
    private readonly handler: RecordHandler,
    private readonly options: RecordStreamOptions,
  ) {
    super({ readableObjectMode: false });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.engine === undefined) {
      this.headChunks.push(chunk);
      this.headBytes += chunk.length;
      const isHeadComplete = chunk.includes(LINE_FEED) || this.headBytes > this.options.maxRecordBytes;
      if (!isHeadComplete) return callback();
      try {
        chunk = this.start();
      } catch (error) {
        return callback(error as Error);
      }
    }
    callback(this.feed(chunk, false));
  }

  override _flush(callback: TransformCallback): void {
    if (this.engine === undefined) {
      if (this.headBytes === 0) return callback(new AirlockError('EMPTY_FILE', 'the file is empty', { line: 1 }));
      let head: Buffer;
      try {
        head = this.start();
      } catch (error) {
        return callback(error as Error);
      }
      const error = this.feed(head, false);
      if (error !== undefined) return callback(error);
    }
    callback(this.feed(undefined, true));
  }

  private start(): Buffer {
    let head = Buffer.concat(this.headChunks);
    this.headChunks = [];
    const newlineAt = head.indexOf(LINE_FEED);
    if (newlineAt < 0 && head.length > this.options.maxRecordBytes) {
      throw new AirlockError('RECORD_TOO_LARGE', 'the header line is longer than maxRecordBytes', { line: 1 });
    }
    this.dialect = sniffDialect(head.toString('utf8', 0, newlineAt < 0 ? head.length : newlineAt + 1), this.options.declaredDelimiter);
    if (this.dialect.hasBom) head = head.subarray(3);
    this.engine = this.createEngine(this.dialect);
    return head;
  }

  private createEngine(dialect: CsvDialect): ParserEngine {
    const parser = new Parser({
      delimiter: dialect.delimiter,
      record_delimiter: ['\r\n', '\n'],
      relax_column_count: true,
      relax_quotes: true,
      max_record_size: this.options.maxRecordBytes,
      skip_records_with_error: this.options.skipBadRows,
      on_skip: (error) => {
        this.onSkip(error);
        return undefined;
      },
    });
    return (parser as unknown as { api: ParserEngine }).api;
  }

  private feed(chunk: Buffer | undefined, isEnd: boolean): Error | undefined {
    const engine = this.engine as ParserEngine;
    try {
      const error = engine.parse(chunk, isEnd, (cells) => this.onRecord(cells, engine.info.lines), () => undefined);
      if (this.fatal !== undefined) return this.fatal;
      if (error !== undefined) return this.translate(error);
      this.flushRows();
      return undefined;
    } catch (error) {
      return error instanceof AirlockError ? error : this.translate(error);
    }
  }

  private onRecord(cells: string[], endLine: number): void {
    if (!this.isHeaderDone) {
      this.isHeaderDone = true;
      this.rows.push(this.handler.header(cells, this.dialect as CsvDialect));
    } else {
      const row = this.handler.record(cells, endLine);
      if (row !== undefined) this.rows.push(row);
    }
    this.lastEndLine = endLine;
  }

  private onSkip(error: Error | undefined): void {
    const csvCode = (error as { code?: unknown } | undefined)?.code;
    if (isUnrecoverable(csvCode)) {
      this.fatal ??= this.translate(error);
      return;
    }
    const line = (error as { lines?: unknown } | undefined)?.lines;
    this.handler.skipped(typeof line === 'number' ? line : this.lastEndLine + 1);
  }

  private translate(error: unknown): AirlockError {
    const csvCode = (error as { code?: unknown } | undefined)?.code;
    const reported = (error as { lines?: unknown } | undefined)?.lines;
    const line = isUnrecoverable(csvCode) || typeof reported !== 'number' ? this.lastEndLine + 1 : reported;
    return csvFailure(error, line, (index) => this.handler.columnName(index));
  }

  private flushRows(): void {
    if (this.rows.length === 0) return;
    const dialect = this.dialect as CsvDialect;
    const text = stringify(this.rows, {
      delimiter: dialect.delimiter,
      record_delimiter: dialect.lineEnding === '\r\n' ? 'windows' : 'unix',
      bom: dialect.hasBom && !this.hasWritten,
    });
    this.hasWritten = true;
    this.rows = [];
    this.push(this.options.encode(text));
  }
}
