import { AirlockError, type JobCode } from '../errors.js';

/**
 * Turns a csv-parse error into an AirlockError. A CsvError's message quotes field values and
 * its properties hold the row, so only its code, line and field position are read here.
 */
export function csvFailure(error: unknown, line: number, columnName: (index: number) => string | undefined): AirlockError {
  const csvCode = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'UNKNOWN';
  const fieldIndex = (error as { column?: unknown }).column;
  const column = typeof fieldIndex === 'number' ? columnName(fieldIndex) : undefined;
  const [code, message] = describe(csvCode);
  return new AirlockError(code, `${message} (${csvCode})`, { line, column });
}

function describe(csvCode: string): [JobCode, string] {
  switch (csvCode) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return ['MALFORMED_CSV', 'a quoted field is never closed; the line given is where its record starts'];
    case 'CSV_MAX_RECORD_SIZE':
      return ['RECORD_TOO_LARGE', 'a record is larger than maxRecordBytes; the line given is where it starts'];
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return ['MALFORMED_CSV', 'unexpected characters after a closing quote'];
    default:
      return ['MALFORMED_CSV', 'the file is not valid delimited text'];
  }
}

/** Errors that leave the parser unable to find the next record, whatever the row policy. */
export function isUnrecoverable(csvCode: unknown): boolean {
  return csvCode === 'CSV_QUOTE_NOT_CLOSED' || csvCode === 'CSV_MAX_RECORD_SIZE';
}
