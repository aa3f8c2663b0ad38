import { readDate, yearsBetween, yearText } from '../dates.js';
import type { ActionContext, ActionFactory } from './action-types.js';

/**
 * Safe Harbor asks that date elements revealing an age over 89 be aggregated. With `capAge`,
 * every date more than 89 whole years before the reference day becomes one year, the
 * reference year minus 90, read as "that year or earlier".
 */
export function cappedYear(context: ActionContext): number {
  return context.referenceDate.year - 90;
}

export const year: ActionFactory<'year'> = (spec, context) => (value) => {
  const date = readDate(value);
  if (date === undefined) return undefined;
  const isOver89 = spec.capAge && yearsBetween(date, context.referenceDate) > 89;
  return yearText(isOver89 ? cappedYear(context) : date.year);
};
