import { daysFromCivil, formatDate, parseDate } from './civil-days.js';

/** Date arithmetic on local calendar dates (YYYY-MM-DD), ISO weeks (YYYY-Www) and months (YYYY-MM). */

export function addDays(date: string, days: number): string {
  return formatDate(parseDate(date) + days);
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  const d = (parseDate(date) + 3) % 7; // 1970-01-01 was a Thursday (ISO 4)
  return (d < 0 ? d + 7 : d) + 1;
}

export function daysBetween(from: string, to: string): number {
  return parseDate(to) - parseDate(from);
}

/** Every date from `from` to `to`, both included. */
export function datesInRange(from: string, to: string): string[] {
  const out: string[] = [];
  const end = parseDate(to);
  for (let d = parseDate(from); d <= end; d += 1) out.push(formatDate(d));
  return out;
}

export function isoWeekOf(date: string): string {
  const days = parseDate(date);
  const weekday = weekdayOf(date);
  const thursday = days - weekday + 4;
  const thursdayDate = formatDate(thursday);
  const year = Number(thursdayDate.slice(0, 4));
  const week = Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
  return `${year}-W${week < 10 ? `0${week}` : week}`;
}

/** Monday of an ISO week. */
export function isoWeekStart(week: string): string {
  const year = Number(week.slice(0, 4));
  const n = Number(week.slice(6, 8));
  const jan4 = daysFromCivil(year, 1, 4);
  const jan4Weekday = weekdayOf(formatDate(jan4));
  return formatDate(jan4 - (jan4Weekday - 1) + (n - 1) * 7);
}

/** The seven dates of an ISO week, Monday first. */
export function isoWeekDates(week: string): string[] {
  const monday = isoWeekStart(week);
  return datesInRange(monday, addDays(monday, 6));
}

export function addWeeks(week: string, n: number): string {
  return isoWeekOf(addDays(isoWeekStart(week), n * 7));
}

/** ISO weeks from `from` to `to`, both included. */
export function weeksInRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let w = from; w <= to && out.length < 1000; w = addWeeks(w, 1)) out.push(w);
  return out;
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

export function monthStart(month: string): string {
  return `${month}-01`;
}

export function daysInMonthOf(month: string): number {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return daysFromCivil(m === 12 ? year + 1 : year, m === 12 ? 1 : m + 1, 1) - daysFromCivil(year, m, 1);
}

export function monthEnd(month: string): string {
  return addDays(monthStart(month), daysInMonthOf(month) - 1);
}

export function addMonths(month: string, n: number): string {
  const total = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return `${y}-${m < 10 ? `0${m}` : m}`;
}

export function monthsInRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to && out.length < 1200; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** The calendar quarter of a date, e.g. 2026-Q4. */
export function quarterOf(date: string): string {
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}
