import { isJavaBlank } from './java-text.js';
import {
  GENERATIONAL_SUFFIX, NON_LETTERS, isPlaceholderName, removeDiacritics, withoutSuffix,
} from './name-text.js';

// Applied to letters only: three or more, or two unless both are consonants (except "Ng").
const PLAUSIBLE_LAST_NAME = new RegExp(
  '^(?:.{3,}|[^aeiouAEIOU][aeiouAEIOU]|[aeiouAEIOU][^aeiouAEIOU]|[aeiouAEIOU]{2}|[Nn][Gg])$',
);

/**
 * "Knight IV" → "Knight", "O'Brien-Smith" → "OBrienSmith". The reference removes a suffix
 * twice (the second time even if nothing is left), so "Smith Jr III" loses both.
 */
export function normalizeLastName(raw: string): string {
  const name = withoutSuffix(removeDiacritics(raw)).replace(GENERATIONAL_SUFFIX, '');
  return name.replace(NON_LETTERS, '');
}

/** The normalised last name, or undefined when blank, a placeholder, one letter or implausible. */
export function prepareLastName(raw: string): string | undefined {
  if (isJavaBlank(raw) || isPlaceholderName(raw)) return undefined;

  const name = normalizeLastName(raw);
  if (name.length === 1 || isJavaBlank(name) || isPlaceholderName(name)) return undefined;
  return PLAUSIBLE_LAST_NAME.test(name) ? name : undefined;
}
