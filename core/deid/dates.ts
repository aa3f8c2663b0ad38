/**
 * The date forms Airlock reads, and how to write a date back in the form it came in. Anything
 * else is unreadable: actions treat it by the profile's `badValues` policy, never pass it on.
 */
export type DateForm = 'iso' | 'us' | 'compact';

export interface ReadDate {
  year: number;
  month: number;
  day: number;
  form: DateForm;
  /** The rest of an ISO timestamp (`T10:30:00Z`), kept as written; empty for plain dates. */
  timePart: string;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})([T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

export function readDate(text: string): ReadDate | undefined {
  const value = text.trim();
  let match = ISO.exec(value);
  if (match !== null) return checked(+match[1]!, +match[2]!, +match[3]!, 'iso', match[4] ?? '');
  match = US.exec(value);
  if (match !== null) return checked(+match[3]!, +match[1]!, +match[2]!, 'us', '');
  match = COMPACT.exec(value);
  if (match !== null) return checked(+match[1]!, +match[2]!, +match[3]!, 'compact', '');
  return undefined;
}

function checked(year: number, month: number, day: number, form: DateForm, timePart: string): ReadDate | undefined {
  // Years before 1000 are refused: they are typos in health data, and Date.UTC misreads 0-99.
  const isReal = year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
  return isReal ? { year, month, day, form, timePart } : undefined;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad2 = (value: number): string => (value < 10 ? `0${value}` : String(value));
const pad4 = (value: number): string => String(value).padStart(4, '0');

/** Moves a date by whole days and writes it in its original form, time of day untouched. */
export function shiftDate(date: ReadDate, days: number): string {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * 86_400_000);
  const year = moved.getUTCFullYear();
  const month = moved.getUTCMonth() + 1;
  const day = moved.getUTCDate();
  if (date.form === 'us') return `${pad2(month)}/${pad2(day)}/${pad4(year)}`;
  if (date.form === 'compact') return `${pad4(year)}${pad2(month)}${pad2(day)}`;
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}${date.timePart}`;
}

export function yearText(year: number): string {
  return pad4(year);
}

export function monthText(year: number, month: number): string {
  return `${pad4(year)}-${pad2(month)}`;
}

/** Whole years between a date and the reference day (an age in completed years). */
export function yearsBetween(from: ReadDate, reference: ReadDate): number {
  const hadBirthday = reference.month > from.month || (reference.month === from.month && reference.day >= from.day);
  return reference.year - from.year - (hadBirthday ? 0 : 1);
}
