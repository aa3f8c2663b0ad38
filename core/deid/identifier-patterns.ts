import type { ScrubKind } from './action-schema.js';

/**
 * Shapes of identifiers inside text, shared by the `scrub` action and the release gate so that
 * whatever scrub leaves behind is, by construction, something the gate accepts.
 */
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\\.?';
const RECORD_LABEL = '(?:MRN|MR#|medical record|record|chart|acct|account|member|policy|claim|patient|id)';

export const PATTERN_SOURCE: Readonly<Record<ScrubKind, string>> = {
  url: String.raw`\b(?:https?://|ftp://|www\.)[^\s<>"']+`,
  email: String.raw`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`,
  ip: [
    String.raw`\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b`,
    String.raw`\b(?:[0-9A-Fa-f]{1,4}:){3,7}[0-9A-Fa-f]{1,4}\b`,
    String.raw`\b(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}\b)?`,
  ].join('|'),
  ssn: String.raw`\b\d{3}[- ]\d{2}[- ]\d{4}\b`,
  phone: String.raw`(?:\+?\b1[-. ]?)?(?:\(\d{3}\)\s?|\b\d{3}[-. ])\d{3}[-. ]\d{4}\b`,
  date: [
    String.raw`\b\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?`,
    String.raw`\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b`,
    String.raw`\b${MONTH}\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b`,
    String.raw`\b\d{1,2}(?:st|nd|rd|th)?\s+${MONTH}\s+\d{4}\b`,
    String.raw`\b${MONTH}\s+\d{4}\b`,
  ].join('|'),
  recordNumber: [
    String.raw`(?<=\b${RECORD_LABEL}\s*(?:no\.?|number|num|#)?\s*[:#]?\s*)[A-Za-z0-9-]*\d[A-Za-z0-9-]*`,
    String.raw`\b\d{7,}\b`,
  ].join('|'),
};

export const SCRUB_TAG: Readonly<Record<ScrubKind, string>> = {
  url: '[URL]', email: '[EMAIL]', ip: '[IP]', ssn: '[SSN]', phone: '[PHONE]', date: '[DATE]', recordNumber: '[ID]',
};

/** One regular expression with a named group per kind, tried in the order given. */
export function combinedPattern(kinds: readonly ScrubKind[], flags: string): RegExp {
  const alternatives = kinds.map((kind) => `(?<${kind}>${PATTERN_SOURCE[kind]})`);
  return new RegExp(alternatives.join('|'), flags);
}

/** The kind that matched, from a match of `combinedPattern`. */
export function matchedKind(groups: Record<string, string | undefined> | undefined): ScrubKind | undefined {
  if (groups === undefined) return undefined;
  for (const kind in groups) if (groups[kind] !== undefined) return kind as ScrubKind;
  return undefined;
}
