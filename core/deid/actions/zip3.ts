import { RESTRICTED_ZIP3 } from '../zip3-restricted.js';
import type { ActionFactory } from './action-types.js';

// Four digits (or four plus four) is a ZIP whose leading zero a spreadsheet or a numeric
// column dropped; New England ZIPs such as 01850 arrive as 1850 in real extracts.
const US_ZIP = /^(\d{4,5})(?:-?\d{4})?$/;

/** First three digits of a ZIP or ZIP+4; the Safe Harbor restricted prefixes become 000. */
export const zip3: ActionFactory<'zip3'> = () => (value) => {
  const match = US_ZIP.exec(value.trim());
  if (match === null) return undefined;
  const zip = (match[1] as string).padStart(5, '0');
  const prefix = zip.slice(0, 3);
  return RESTRICTED_ZIP3.has(prefix) ? '000' : prefix;
};
