import { civilFromDays, daysFromCivil, formatDate, isoWeekOf, offsetMs, parseDate, slotInterval, zonedEpochMs } from '@pks/projections';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Day number of 1970-01-05, a Monday: weeks and schedule periods are counted from it. */
export const EPOCH_MONDAY = 4;

/** ISO weekday (1 = Monday … 7 = Sunday) of a day number (days since 1970-01-01). */
export function weekdayOfDay(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** The Monday on or before a day number. */
export function mondayOf(day: number): number {
  return day - weekdayOfDay(day) + 1;
}

/** Accepts an ISO instant, epoch milliseconds or a Date. */
export type InstantLike = string | number | Date;

export function toEpochMs(value: InstantLike): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (!Number.isFinite(ms)) throw new Error(`not an instant: ${String(value)}`);
  return ms;
}

/** ISO-8601 UTC text with milliseconds, as the contracts normalise instants. */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Local calendar arithmetic in one time zone with the answers cached: day numbers, their dates, local midnights,
 * slot intervals (through Temporal, so daylight-saving days are right) and ISO weeks.
 */
export class LocalCalendar {
  private readonly midnights = new Map<number, number>();
  private readonly dates = new Map<number, string>();
  private readonly compact = new Map<number, string>();
  private readonly weeks = new Map<number, string>();
  private readonly slots = new Map<string, { startMs: number; endMs: number }>();

  constructor(readonly timeZone: string) {}

  /** The local day number an instant falls on. */
  dayOf(ms: number): number {
    return Math.floor((ms + offsetMs(this.timeZone, ms)) / DAY_MS);
  }

  /** The instant of local midnight starting a day. */
  midnight(day: number): number {
    let ms = this.midnights.get(day);
    if (ms === undefined) {
      ms = zonedEpochMs(this.date(day), '00:00', this.timeZone);
      this.midnights.set(day, ms);
    }
    return ms;
  }

  /** An instant `hours` (elapsed) after local midnight of a day, kept inside the day. */
  at(day: number, hours: number): number {
    const start = this.midnight(day);
    const ms = start + Math.round(hours * HOUR_MS);
    const end = this.midnight(day + 1);
    return ms < end ? ms : end - 1;
  }

  date(day: number): string {
    let s = this.dates.get(day);
    if (s === undefined) {
      s = formatDate(day);
      this.dates.set(day, s);
    }
    return s;
  }

  /** YYYYMMDD, for ids. */
  ymd(day: number): string {
    let s = this.compact.get(day);
    if (s === undefined) {
      const d = this.date(day);
      s = d.slice(0, 4) + d.slice(5, 7) + d.slice(8, 10);
      this.compact.set(day, s);
    }
    return s;
  }

  isoWeek(day: number): string {
    const monday = mondayOf(day);
    let s = this.weeks.get(monday);
    if (s === undefined) {
      s = isoWeekOf(this.date(monday));
      this.weeks.set(monday, s);
    }
    return s;
  }

  /** Start and end instants of a slot (local HH:MM–HH:MM) on a day; an end at or before the start is the next day. */
  slot(day: number, start: string, end: string): { startMs: number; endMs: number } {
    const key = `${day}|${start}|${end}`;
    let v = this.slots.get(key);
    if (v === undefined) {
      v = slotInterval(this.date(day), start, end, this.timeZone);
      this.slots.set(key, v);
    }
    return v;
  }

  /** Forgets cached days before a day number (keeps memory flat over long runs). */
  forgetBefore(day: number): void {
    if (this.slots.size > 50_000) this.slots.clear();
    if (this.midnights.size > 5_000) {
      for (const k of this.midnights.keys()) if (k < day - 500) this.midnights.delete(k);
    }
  }
}

export function dayOfDate(date: string): number {
  return parseDate(date);
}

export function yearOfDay(day: number): number {
  return civilFromDays(day)[0];
}

/** Month 1–12 of a day number. */
export function monthOfDay(day: number): number {
  return civilFromDays(day)[1];
}

/** Day of month 1–31 of a day number. */
export function dayOfMonthOfDay(day: number): number {
  return civilFromDays(day)[2];
}

/** Day number of a calendar date given as numbers. */
export function dayOfYmd(year: number, month: number, dayOfMonth: number): number {
  return daysFromCivil(year, month, dayOfMonth);
}
