/**
 * The reference implementation is Java, and a few of its string primitives differ from
 * JavaScript's at the edges (which characters count as white space, how case is compared).
 * Tokens must match byte for byte, so the linkage rules use these instead of the built-ins.
 */

/**
 * Java's `\s` in a regular expression without UNICODE_CHARACTER_CLASS: ASCII white space only.
 * JavaScript's `\s` also matches no-break and other Unicode spaces, so patterns use this class.
 */
export const JAVA_SPACE = '[ \\t\\n\\x0B\\f\\r]';

/** Java's `String.trim()`: drops code units at or below U+0020 from both ends. */
export function javaTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 0x20) start += 1;
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end -= 1;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

// Character.isWhitespace: space, line and paragraph separators except the no-break ones
// (U+00A0, U+2007, U+202F), plus the ASCII controls tab to carriage return and U+001C–U+001F.
const JAVA_BLANK =
  /^[\t\n\x0B\f\r\x1C-\x1F \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]*$/;

/** Java's `String.isBlank()`: empty or only Java white space. */
export function isJavaBlank(value: string): boolean {
  return JAVA_BLANK.test(value);
}

function upperOne(unit: string): string {
  const upper = unit.toUpperCase();
  return upper.length === 1 ? upper : unit;
}

function lowerOne(unit: string): string {
  if (unit === '\u0130') return 'i';
  const lower = unit.toLowerCase();
  return lower.length === 1 ? lower : unit;
}

/**
 * Java's `String.equalsIgnoreCase`: equal length, and each pair of units equal after simple
 * upper-casing, or after upper- then lower-casing (which is how "ſ" equals "s" in Java).
 */
export function javaEqualsIgnoreCase(left: string, right: string): boolean {
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index += 1) {
    const a = left[index] as string;
    const b = right[index] as string;
    if (a === b) continue;
    const upperA = upperOne(a);
    const upperB = upperOne(b);
    if (upperA === upperB || lowerOne(upperA) === lowerOne(upperB)) continue;
    return false;
  }
  return true;
}

/** True when `value` equals one of `candidates`, ignoring case the Java way. */
export function isOneOfIgnoringCase(value: string, candidates: readonly string[]): boolean {
  return candidates.some((candidate) => javaEqualsIgnoreCase(candidate, value));
}
