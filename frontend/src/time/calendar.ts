/**
 * Calendar arithmetic for the dashboard: local dates (YYYY-MM-DD), ISO weeks (YYYY-Www), months, and the local
 * hours of a day in a time zone (DST-aware through Intl). Bucketing of data happens on the server; this is for
 * navigation and drawing only.
 */

export const DEFAULT_TIME_ZONE = 'Europe/Stockholm';
const DAY_MS = 86_400_000;

function utcDay(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}
function dateOfUtcDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateOfUtcDay(utcDay(date) + days);
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return ((new Date(utcDay(date) * DAY_MS).getUTCDay() + 6) % 7) + 1;
}

/** The ISO week (YYYY-Www) of a date. */
export function isoWeekOf(date: string): string {
  const day = utcDay(date);
  const thursday = day - isoWeekday(date) + 4;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1) / DAY_MS;
  const week = Math.floor((thursday - jan1) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday of an ISO week. */
export function mondayOfWeek(week: string): string {
  const year = Number(week.slice(0, 4));
  const n = Number(week.slice(6, 8));
  const jan4 = `${year}-01-04`;
  const mondayWeek1 = addDays(jan4, 1 - isoWeekday(jan4));
  return addDays(mondayWeek1, (n - 1) * 7);
}

export function weekDates(week: string): string[] {
  const monday = mondayOfWeek(week);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

export function addWeeks(week: string, weeks: number): string {
  return isoWeekOf(addDays(mondayOfWeek(week), weeks * 7));
}

export function isIsoWeek(s: string | null | undefined): s is string {
  if (!s || !/^\d{4}-W\d{2}$/.test(s)) return false;
  return isoWeekOf(mondayOfWeek(s)) === s;
}

export function isLocalDate(s: string | null | undefined): s is string {
  return !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && dateOfUtcDay(utcDay(s)) === s;
}

const partsCache = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    partsCache.set(timeZone, f);
  }
  return f;
}

/** Local wall-clock fields of an instant in a time zone. */
export function zonedParts(epochMs: number, timeZone: string): { date: string; hour: number; minute: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) % 24, minute: Number(parts.minute) };
}

/** The local date of an instant. */
export function localDate(epochMs: number, timeZone: string = DEFAULT_TIME_ZONE): string {
  return zonedParts(epochMs, timeZone).date;
}

/** Offset of the zone from UTC at an instant, ms (Stockholm winter: +3 600 000). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** The instant a local wall-clock time occurs (the earlier one when it occurs twice; shifted forward when it does not exist). */
export function zonedInstant(date: string, time: string, timeZone: string): number {
  const wall = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)), Number(time.slice(0, 2)), Number(time.slice(3, 5)));
  // try the offsets in force a little before and after; pick the earliest instant that shows this wall time
  const candidates = [zoneOffsetMs(wall - DAY_MS / 2, timeZone), zoneOffsetMs(wall + DAY_MS / 2, timeZone)]
    .map((offset) => wall - offset)
    .sort((a, b) => a - b);
  for (const c of candidates) {
    const p = zonedParts(c, timeZone);
    if (p.date === date && `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}` === time) return c;
  }
  return candidates[candidates.length - 1]!; // a skipped hour (spring forward)
}

/** The hour buckets of a local date: 24, or 23/25 on DST days. Each starts at an instant (ms) and has a local hour. */
export function hoursOfLocalDay(date: string, timeZone: string): { start: number; hour: number }[] {
  const start = zonedInstant(date, '00:00', timeZone);
  const end = zonedInstant(addDays(date, 1), '00:00', timeZone);
  const out: { start: number; hour: number }[] = [];
  for (let t = start; t < end; t += 3_600_000) out.push({ start: t, hour: zonedParts(t, timeZone).hour });
  return out;
}

/** Months YYYY-MM from `from` to `to` inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const endY = Number(to.slice(0, 4));
  const endM = Number(to.slice(5, 7));
  while (y < endY || (y === endY && m <= endM)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

export function addMonths(month: string, n: number): string {
  const total = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}
