import { RESTRICTED_ZIP3 } from '../zip3-restricted.js';
import type { ActionFactory } from './action-types.js';

const US_ZIP = /^(\d{3})\d{2}(?:-?\d{4})?$/;

/** First three digits of a 5- or 9-digit ZIP; restricted prefixes become 000. */
export const zip3: ActionFactory<'zip3'> = () => (value) => {
  const match = US_ZIP.exec(value.trim());
  if (match === null) return undefined;
  const prefix = match[1] as string;
  return RESTRICTED_ZIP3.has(prefix) ? '000' : prefix;
};
