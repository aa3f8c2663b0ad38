/**
 * Birth dates in the formats the reference accepts, checked as calendar dates and against a
 * range: not before 1910-01-01 and not after "today". Normalised to `YYYY-MM-DD`.
 */

export const EARLIEST_BIRTH_DATE = '1910-01-01';

// The reference first checks the shape with one pattern, then parses with one format per
// separator style; a value with mixed separators ("2000-01/31") passes the first and fails the
// second, so the separators are captured here and must agree.
const YEAR_FIRST = /^(\d{4})([-/])(\d{2})([-/])(\d{2})$/;
const YEAR_LAST = /^(\d{2})([-/.])(\d{2})([-/.])(\d{4})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{3})?(Z|[+-](\d{2}):(\d{2}))$/;

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function isRealDate({ year, month, day }: CalendarDate): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function parseYearLast(day1: string, separator: string, day2: string, year: string): CalendarDate {
  // "MM/dd/yyyy" and "MM-dd-yyyy" put the month first; "dd.MM.yyyy" puts the day first.
  const isDayFirst = separator === '.';
  const month = Number(isDayFirst ? day2 : day1);
  const day = Number(isDayFirst ? day1 : day2);
  return { year: Number(year), month, day };
}

function isRealTime(hour: string, minute: string, second: string): boolean {
  return Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59;
}

/**
 * Parses the accepted formats: `yyyy-MM-dd`, `yyyy/MM/dd`, `MM/dd/yyyy`, `MM-dd-yyyy`,
 * `dd.MM.yyyy`, and ISO 8601 timestamps with seconds and a zone (`Z` or `±hh:mm`).
 */
export function parseBirthDate(raw: string): CalendarDate | undefined {
  let date: CalendarDate | undefined;

  const yearFirst = YEAR_FIRST.exec(raw);
  const yearLast = YEAR_LAST.exec(raw);
  const timestamp = TIMESTAMP.exec(raw);
  if (yearFirst !== null && yearFirst[2] === yearFirst[4]) {
    date = { year: Number(yearFirst[1]), month: Number(yearFirst[3]), day: Number(yearFirst[5]) };
  } else if (yearLast !== null && yearLast[2] === yearLast[4]) {
    date = parseYearLast(yearLast[1] as string, yearLast[2] as string, yearLast[3] as string, yearLast[5] as string);
  } else if (timestamp !== null) {
    const [, year, month, day, hour, minute, second, , offsetHour, offsetMinute] = timestamp;
    const isRealOffset = offsetHour === undefined || (Number(offsetHour) <= 23 && Number(offsetMinute) <= 59);
    if (!isRealTime(hour as string, minute as string, second as string) || !isRealOffset) return undefined;
    // LIMITATION: the date is taken as written, ignoring the zone. The Java reference converts
    // the instant to the JVM's zone (so its result depends on the machine); the Python reference
    // takes the date as written, as here. Fix only if a partner's files need the Java behaviour.
    date = { year: Number(year), month: Number(month), day: Number(day) };
  }

  return date !== undefined && isRealDate(date) ? date : undefined;
}

export function formatIsoDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** "Today" as the reference compares it: the calendar date in UTC. */
export function isoDay(today: Date): string {
  return today.toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` when the date parses and lies in [1910-01-01, latest]; otherwise undefined. */
export function prepareBirthDate(raw: string, latestIsoDay: string): string | undefined {
  const date = parseBirthDate(raw);
  if (date === undefined) return undefined;

  const iso = formatIsoDate(date);
  return iso >= EARLIEST_BIRTH_DATE && iso <= latestIsoDay ? iso : undefined;
}
