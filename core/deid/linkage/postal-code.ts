import { JAVA_SPACE, isJavaBlank, javaEqualsIgnoreCase, javaTrim } from './java-text.js';

/**
 * US ZIP codes and Canadian postal codes, including their three-character (ZIP-3, FSA) and
 * partial forms, which are padded to full length so that the rules can cut the first three.
 */

const SPACES = /[ \t\n\x0B\f\r]+/g;

const US_ZIP = new RegExp(`^${JAVA_SPACE}*(\\d{3}|\\d{4}|\\d{5}(-\\d{4})?|\\d{9})${JAVA_SPACE}*$`);

/** Prefixes of fillers ("12345", "99999") and of ZIP-3 areas that are never assigned. */
export const PLACEHOLDER_ZIP_PREFIXES: readonly string[] = [
  '11111', '22222', '33333', '66666', '77777', '99999', '01234', '12345', '54321', '98765',
  '000', '555', '888',
];

/** "980" → "98000", "1563" → "15630", "75740-2343" → "75740"; otherwise the trimmed value. */
export function normalizeUsZip(raw: string): string {
  const compact = javaTrim(raw).replace(SPACES, '');
  if (/^\d{3}$/.test(compact)) return `${compact}00`;
  if (/^\d{4}$/.test(compact)) return `${compact}0`;
  if (/^\d{5}(-?\d{4})?$/.test(compact)) return compact.slice(0, 5);
  return javaTrim(raw);
}

export function isValidUsZip(raw: string): boolean {
  if (isJavaBlank(raw) || !US_ZIP.test(raw)) return false;
  const trimmed = javaTrim(raw);
  return !PLACEHOLDER_ZIP_PREFIXES.some((prefix) => trimmed.startsWith(prefix));
}

const CANADIAN_POSTAL = new RegExp(
  `^${JAVA_SPACE}*[A-Za-z]\\d[A-Za-z](${JAVA_SPACE}?\\d([A-Za-z]\\d?)?)?${JAVA_SPACE}*$`,
);

/** Well-known fillers and special addresses (government, Santa Claus). */
export const PLACEHOLDER_CANADIAN_CODES: readonly string[] = [
  'A1A 1A1', 'X0X 0X0', 'Y0Y 0Y0', 'Z0Z 0Z0', 'A0A 0A0', 'B1B 1B1', 'C2C 2C2', 'K1A 0A6', 'H0H 0H0',
];

// Forward sortation areas that identify an institution rather than a neighbourhood; rejected
// when the code was padded (or happens to end like a padded one).
const INSTITUTIONAL_AREAS: readonly string[] = ['K1A', 'M7A', 'H0H'];
const PADDED_ENDING = /^(?:000|\d[A-Z]0)$/;

/** "k1b2" → "K1B 2A0", "M5V 3L" → "M5V 3L0", "H3Z" → "H3Z 000", "t2x1v4" → "T2X 1V4". */
export function normalizeCanadianPostalCode(raw: string): string {
  const compact = javaTrim(raw).replace(SPACES, '');
  const upper = compact.toUpperCase();
  const area = upper.slice(0, 3);
  const local = upper.slice(3);
  if (/^[A-Za-z]\d[A-Za-z]$/.test(compact)) return `${area} 000`;
  if (/^[A-Za-z]\d[A-Za-z]\d$/.test(compact)) return `${area} ${local}A0`;
  if (/^[A-Za-z]\d[A-Za-z]\d[A-Za-z]$/.test(compact)) return `${area} ${local}0`;
  if (/^[A-Za-z]\d[A-Za-z]\d[A-Za-z]\d$/.test(compact)) return `${area} ${local}`;
  return javaTrim(raw);
}

export function isValidCanadianPostalCode(raw: string): boolean {
  if (!CANADIAN_POSTAL.test(raw)) return false;

  const code = normalizeCanadianPostalCode(raw);
  const isPlaceholder = PLACEHOLDER_CANADIAN_CODES.some((known) =>
    javaEqualsIgnoreCase(known, code));
  if (isPlaceholder) return false;

  const area = code.slice(0, 3).toUpperCase();
  const isFormatted = code.length === 7 && code.includes(' ');
  const isInstitutional = isFormatted && INSTITUTIONAL_AREAS.includes(area);
  return !(isInstitutional && PADDED_ENDING.test(code.slice(4)));
}

/** The normalised code (US tried first, as in the reference), or undefined when neither fits. */
export function preparePostalCode(raw: string): string | undefined {
  if (isValidUsZip(raw)) return normalizeUsZip(raw);
  if (isValidCanadianPostalCode(raw)) return normalizeCanadianPostalCode(raw);
  return undefined;
}
