import { JAVA_SPACE, isOneOfIgnoringCase, javaTrim } from './java-text.js';

/**
 * What first and last names share: transliteration to plain Latin letters, the generational
 * suffixes that are dropped, and the placeholder values that are never a real name.
 */

// Letters that NFD does not decompose into a base letter and a mark.
const TRANSLITERATION: ReadonlyMap<string, string> = new Map([
  ['Æ', 'AE'], ['æ', 'ae'], ['Ð', 'D'], ['ð', 'd'], ['Ø', 'O'], ['ø', 'o'], ['Þ', 'TH'],
  ['þ', 'th'], ['ß', 'ss'], ['ẞ', 'SS'], ['Đ', 'D'], ['đ', 'd'], ['Ħ', 'H'], ['ħ', 'h'],
  ['ı', 'i'], ['Ĳ', 'IJ'], ['ĳ', 'ij'], ['Ŀ', 'L'], ['ŀ', 'l'], ['Ł', 'L'], ['ł', 'l'],
  ['ŉ', 'n'], ['Ŋ', 'NG'], ['ŋ', 'ng'], ['Œ', 'OE'], ['œ', 'oe'], ['Ŧ', 'T'], ['ŧ', 't'],
  ['ſ', 's'], ['Ƒ', 'F'], ['ƒ', 'f'], ['Ǆ', 'DZ'], ['ǅ', 'Dz'], ['ǆ', 'dz'], ['Ǉ', 'LJ'],
  ['ǈ', 'Lj'], ['ǉ', 'lj'], ['Ǌ', 'NJ'], ['ǋ', 'Nj'], ['ǌ', 'nj'], ['Ǳ', 'DZ'], ['ǲ', 'Dz'],
  ['ǳ', 'dz'], ['Ǽ', 'AE'], ['ǽ', 'ae'], ['Ǿ', 'O'], ['ǿ', 'o'],
]);

const TRANSLITERATED = new RegExp(`[${[...TRANSLITERATION.keys()].join('')}]`, 'g');
const COMBINING_MARK = /\p{M}/gu;

/** The suffix is only removed after white space, so "Ivy" or "Xi" survive. */
export const GENERATIONAL_SUFFIX = new RegExp(
  `${JAVA_SPACE}+(jr\\.?|junior|sr\\.?|senior|I{1,3}|IV|V|VI{0,3}|IX|X|\\d+(st|nd|rd|th))$`,
  'i',
);

export const NON_LETTERS = /[^a-zA-Z]/g;

/** Compared ignoring case, before and after normalisation. */
export const PLACEHOLDER_NAMES: readonly string[] = [
  'Unknown', 'N/A', 'None', 'Test', 'Sample', 'Donor', 'Patient', 'Automation Test',
  'Automationtest', 'patient not found', 'patientnotfound', '<masked>', 'Anonymous',
  'zzztrash', 'Missing', 'Unavailable', 'Not Available', 'NotAvailable',
];

export function isPlaceholderName(value: string): boolean {
  return isOneOfIgnoringCase(value, PLACEHOLDER_NAMES);
}

/** Trimmed, special letters spelled out, accents removed: "  Zoë Łukasz" → "Zoe Lukasz". */
export function removeDiacritics(value: string): string {
  const spellOut = (letter: string): string => TRANSLITERATION.get(letter) ?? letter;
  const spelledOut = javaTrim(value).replace(TRANSLITERATED, spellOut);
  return spelledOut.normalize('NFD').replace(COMBINING_MARK, '');
}

/** Drops a trailing generational suffix unless nothing would be left. */
export function withoutSuffix(value: string): string {
  const stripped = value.replace(GENERATIONAL_SUFFIX, '');
  return stripped === '' ? value : stripped;
}
