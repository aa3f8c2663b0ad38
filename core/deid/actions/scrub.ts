import { combinedPattern, matchedKind, SCRUB_TAG } from '../identifier-patterns.js';
import type { ActionFactory } from './action-types.js';

/**
 * Replaces each identifier found in free text with a tag naming its kind (`[SSN]`, `[PHONE]`,
 * ...). Fax numbers read as phone numbers: text seldom says which is which.
 */
// LIMITATION: pattern scrubbing finds identifiers with a recognisable shape; names, street
// addresses and unlabelled short numbers in prose pass through. Acceptable for notes that a
// client has reviewed; a release of arbitrary clinical notes needs an NER-based scrubber.
export const scrub: ActionFactory<'scrub'> = (spec) => {
  const pattern = combinedPattern(spec.kinds, 'gi');
  return (value) =>
    value.replace(pattern, (...args: unknown[]) => {
      const groups = args[args.length - 1] as Record<string, string | undefined>;
      const kind = matchedKind(groups);
      return kind === undefined ? '' : SCRUB_TAG[kind];
    });
};
