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
const TIMESTAMP = new RegExp(
  '^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d{3})?' +
    '(?:Z|[+-](\\d{2}):(\\d{2}))$',
);

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

function parseYearFirst(raw: string): CalendarDate | undefined {
  const match = YEAR_FIRST.exec(raw);
  if (match === null || match[2] !== match[4]) return undefined;
  return { year: Number(match[1]), month: Number(match[3]), day: Number(match[5]) };
}

function parseYearLast(raw: string): CalendarDate | undefined {
  const match = YEAR_LAST.exec(raw);
  if (match === null || match[2] !== match[4]) return undefined;

  // "MM/dd/yyyy" and "MM-dd-yyyy" put the month first; "dd.MM.yyyy" puts the day first.
  const isDayFirst = match[2] === '.';
  const month = Number(isDayFirst ? match[3] : match[1]);
  const day = Number(isDayFirst ? match[1] : match[3]);
  return { year: Number(match[5]), month, day };
}

function parseTimestamp(raw: string): CalendarDate | undefined {
  const match = TIMESTAMP.exec(raw);
  if (match === null) return undefined;

  // A missing offset ("Z") reads as 0.
  const [hour = 0, minute = 0, second = 0, offsetHour = 0, offsetMinute = 0] = match
    .slice(4)
    .map((part) => Number(part ?? '0'));
  const isRealTime = hour <= 23 && minute <= 59 && second <= 59;
  if (!isRealTime || offsetHour > 23 || offsetMinute > 59) return undefined;

  // LIMITATION: the date is taken as written, ignoring the zone. The Java reference converts
  // the instant to the JVM's zone (so its result depends on the machine); the Python reference
  // takes the date as written, as here. Fix only if a partner's files need the Java behaviour.
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/**
 * Parses the accepted formats: `yyyy-MM-dd`, `yyyy/MM/dd`, `MM/dd/yyyy`, `MM-dd-yyyy`,
 * `dd.MM.yyyy`, and ISO 8601 timestamps with seconds and a zone (`Z` or `±hh:mm`).
 */
export function parseBirthDate(raw: string): CalendarDate | undefined {
  const date = parseYearFirst(raw) ?? parseYearLast(raw) ?? parseTimestamp(raw);
  return date !== undefined && isRealDate(date) ? date : undefined;
}

export function formatIsoDate({ year, month, day }: CalendarDate): string {
  const pad = (value: number, width: number): string => String(value).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** "Today" as a calendar date in UTC, so that every host agrees on it. */
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
