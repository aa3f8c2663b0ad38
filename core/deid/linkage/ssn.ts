import { isJavaBlank, isOneOfIgnoringCase, javaTrim } from './java-text.js';

/** Numbers that are valid in form but used as fillers or examples, never as someone's SSN. */
export const PLACEHOLDER_SSNS: readonly string[] = [
  '111-11-1111', '222-22-2222', '333-33-3333', '444-44-4444', '555-55-5555', '777-77-7777',
  '888-88-8888', '001-01-0001', '001-01-0101', '001-01-9999', '001-10-0110', '001-11-1111',
  '001-12-2334', '001-23-4567', '007-77-7777', '009-99-9999', '010-10-1010', '011-11-1111',
  '012-34-5678', '022-22-2222', '055-55-5555', '077-77-7777', '087-65-4321', '088-88-8888',
  '098-76-5432', '099-99-9999', '100-10-1000', '111-11-1112', '111-11-1234', '111-11-9999',
  '111-22-1111', '111-22-2333', '111-22-3333', '121-21-2121', '123-12-1234', '123-12-3123',
  '123-45-1234', '123-45-6788', '123-45-6789', '123-45-6798', '123-45-6879', '123-45-6987',
  '123-45-7896', '123-45-9999', '199-99-9999', '222-33-4444', '299-99-9999', '399-99-9999',
  '454-54-5454', '499-99-9999', '599-99-9999', '699-99-9999', '799-99-9999', '899-99-9999',
];

const SPACES = /[ \t\n\x0B\f\r]+/g;
const DIGITS = /^\d+$/;

// Area never 000, 666 or 9xx; group never 00; serial never 0000.
const ISSUABLE_SSN = /^(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}$/;

/**
 * "123456789", "123 45 6789", "1234567.0" → "123-45-6789" form: spaces and dashes removed,
 * anything from the decimal point on dropped (spreadsheets export SSNs as numbers), 7 or 8
 * digits padded with leading zeros. A value that is not 7 to 9 digits is returned unchanged.
 */
export function normalizeSsn(raw: string): string {
  if (raw === '') return raw;

  let digits = javaTrim(raw).replace(SPACES, '').replaceAll('-', '');
  // LIMITATION: the reference splits at the JVM locale's decimal separator; this assumes ".",
  // as on an English-locale JVM that produced the published vectors. A comma-locale JVM would
  // treat "1234567,0" differently. Fix if a partner ever needs that locale's behaviour.
  const decimalPoint = digits.indexOf('.');
  if (decimalPoint !== -1) digits = digits.slice(0, decimalPoint);

  if (!DIGITS.test(digits) || digits.length < 7 || digits.length > 9) return raw;
  const nine = digits.padStart(9, '0');
  return `${nine.slice(0, 3)}-${nine.slice(3, 5)}-${nine.slice(5)}`;
}

/** The nine digits of an issuable, non-placeholder SSN, or undefined. */
export function prepareSsn(raw: string): string | undefined {
  const ssn = normalizeSsn(raw);
  if (isJavaBlank(ssn) || isOneOfIgnoringCase(ssn, PLACEHOLDER_SSNS) || !ISSUABLE_SSN.test(ssn)) {
    return undefined;
  }
  return ssn.replaceAll('-', '');
}
