/**
 * Calendar arithmetic needed to *validate* dates, weeks and months without a dependency.
 * Bucketing (local day/hour in a time zone) lives in projections/ and uses Temporal.
 */

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a proleptic Gregorian date. */
export function isoWeekday(year: number, month: number, day: number): number {
  // Sakamoto's method gives 0 = Sunday.
  const t = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
  const y = month < 3 ? year - 1 : year;
  const dow = (y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) + t[month - 1]! + day) % 7;
  return dow === 0 ? 7 : dow;
}

/** Number of ISO weeks (52 or 53) in an ISO week-numbering year. */
export function isoWeeksInYear(year: number): number {
  const jan1 = isoWeekday(year, 1, 1);
  return jan1 === 4 || (jan1 === 3 && isLeapYear(year)) ? 53 : 52;
}

export function isValidLocalDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return year >= 1900 && year <= 2200 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function isValidIsoWeek(value: string): boolean {
  const m = /^(\d{4})-W(\d{2})$/.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const week = Number(m[2]);
  return year >= 1900 && year <= 2200 && week >= 1 && week <= isoWeeksInYear(year);
}

export function isValidMonth(value: string): boolean {
  const m = /^(\d{4})-(\d{2})$/.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  return year >= 1900 && year <= 2200 && month >= 1 && month <= 12;
}

export function isValidLocalTime(value: string): boolean {
  const m = /^(\d{2}):(\d{2})$/.exec(value);
  if (!m) return false;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h >= 0 && h <= 23 && min >= 0 && min <= 59;
}

const knownZones = new Map<string, boolean>();
export function isValidTimeZone(value: string): boolean {
  let known = knownZones.get(value);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      known = true;
    } catch {
      known = false;
    }
    knownZones.set(value, known);
  }
  return known;
}
