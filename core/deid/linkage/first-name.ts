import { JAVA_SPACE, isJavaBlank } from './java-text.js';
import { NON_LETTERS, isPlaceholderName, removeDiacritics, withoutSuffix } from './name-text.js';

const TITLE = new RegExp(
  '^(mr|mrs|ms|miss|dr|prof|capt|sir|col|gen|cmdr|lt|rabbi|father|brother|sister|hon|honorable|' +
    `reverend|rev|doctor)\\.?${JAVA_SPACE}+`,
  'i',
);

// A trailing middle initial, with or without its period: "Jennifer A." → "Jennifer".
const TRAILING_INITIAL = new RegExp(`${JAVA_SPACE}[^ \\t\\n\\x0B\\f\\r]\\.?$`);

/**
 * "Dr. Kevin III" → "Kevin", "Mary-Jo A." → "MaryJo": accents, title, suffix and middle initial
 * removed, then everything but ASCII letters. A title or suffix that is the whole value stays.
 */
export function normalizeFirstName(raw: string): string {
  let name = removeDiacritics(raw);

  const untitled = name.replace(TITLE, '');
  if (untitled !== '') name = untitled;

  name = withoutSuffix(name);
  return name.replace(TRAILING_INITIAL, '').replace(NON_LETTERS, '');
}

/** The normalised first name, or undefined when it is blank or a placeholder before or after. */
export function prepareFirstName(raw: string): string | undefined {
  if (isJavaBlank(raw) || isPlaceholderName(raw)) return undefined;

  const name = normalizeFirstName(raw);
  if (isJavaBlank(name) || isPlaceholderName(name)) return undefined;
  return name;
}
