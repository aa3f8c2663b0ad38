import { monthText, readDate, yearsBetween, yearText } from '../dates.js';
import type { ActionFactory } from './action-types.js';
import { cappedYear } from './year.js';

/** `YYYY-MM`; under `capAge` an age over 89 gives the capped year alone, with no month. */
export const month: ActionFactory<'month'> = (spec, context) => (value) => {
  const date = readDate(value);
  if (date === undefined) return undefined;
  const isOver89 = spec.capAge && yearsBetween(date, context.referenceDate) > 89;
  return isOver89 ? yearText(cappedYear(context)) : monthText(date.year, date.month);
};
